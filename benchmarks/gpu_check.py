"""The model on a CUDA GPU against the CPU path of the same machine, side by side in one run.

    python -m benchmarks.gpu_check --photos DIR [--count 1500] [--big 256] [--repeats 2]
        [--rounds 30] [--skip agreement worker first model runs]

For a machine with an NVIDIA GPU (the development machine has none); DIR holds real photos.
First: `--device auto` picks cuda, and the default model loads on it in PyTorch. Then:
- agreement: DIR's photos, decoded and fitted as indexing does, in batches of 32 of one shape,
  through photofind's runner, cuDNN variants and the CPU's PyTorch, against the CPU's default
  (ONNX Runtime): largest feature and probability differences, photos whose tags differ, whose
  10 nearest neighbours (in order) differ;
- worker: the app's worker process (spawned) indexing DIR on cuda;
- first: a new input shape's first batch and its second, with and without cuDNN;
- model: photos/s of forward passes on ready 4:3 batches (median batch), per runner, batch size
  and model (ResNet-50 with random weights), and the CPU's default beside them;
- runs: `photofind index` in a fresh process and library, start-up included, --device cuda and
  --device cpu taking turns: DIR filled up to --count small photos (mirrored copies), and --big
  generated 12 MP photos; with the cores the process kept busy.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

import numpy as np

from benchmarks.indexing_throughput import make_photos
from benchmarks.small_photos import make_folder, random_weights
from photofind.core import runtimes
from photofind.core.embedder import load_embedder, pick_device
from photofind.core.imaging import is_supported
from photofind.core.indexer import prepare_photo
from photofind.core.models import DEFAULT_MODEL, MODELS, ModelError
from photofind.core.networks import Pipeline
from photofind.core.taxonomy import top_tags

Runner = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]
DEVICE = "cuda"  # --device cpu dry-runs this script on a machine without a GPU
VARIANTS = {  # name: (autocast dtype, TF32 convolutions and matmuls), all with cuDNN
    "cuDNN float32, TF32 (PyTorch's default)": (None, True),
    "cuDNN float32": (None, False),
    "cuDNN float16 autocast": ("float16", False),
    "cuDNN bfloat16 autocast": ("bfloat16", False),
}


def gpu_runner(model: str, dtype: str | None, tf32: bool, weights: Path | None = None) -> Runner:
    """The model on cuda through cuDNN (autotuned), channels-last; pinned, asynchronous uploads."""
    import torch

    spec = MODELS[model]
    net = Pipeline(spec.build(weights).eval(), spec.mean, spec.std).eval().to(DEVICE)
    net = net.to(memory_format=torch.channels_last)
    cast = getattr(torch, dtype) if dtype else None
    kind = DEVICE.split(":")[0]

    def run(batch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        torch.backends.cudnn.allow_tf32 = torch.backends.cuda.matmul.allow_tf32 = tf32
        torch.backends.cudnn.benchmark = True
        with torch.inference_mode(), torch.autocast(kind, cast, enabled=cast is not None):
            x = torch.from_numpy(np.ascontiguousarray(batch))
            x = x.pin_memory() if kind == "cuda" else x
            vectors, probs = net(x.to(DEVICE, non_blocking=True))
        return vectors.float().cpu().numpy(), probs.float().cpu().numpy()

    return run


SHIPPED = "photofind's runner (no cuDNN)"  # runtimes.torch_runner: what `--device cuda` runs


def make_runner(model: str, name: str, weights: Path | None = None) -> Runner:
    """A VARIANTS runner, or SHIPPED."""
    if name in VARIANTS:
        return gpu_runner(model, *VARIANTS[name], weights=weights)
    spec = MODELS[model]
    return runtimes.torch_runner(Pipeline(spec.build(weights).eval(), spec.mean, spec.std), DEVICE)


def batches(photos: list[np.ndarray], size: int = 32) -> list[np.ndarray]:
    by_shape: dict[tuple[int, ...], list[np.ndarray]] = {}
    for pixels in photos:
        by_shape.setdefault(pixels.shape, []).append(pixels)
    return [
        np.stack(shots[i : i + size])
        for shots in by_shape.values()
        for i in range(0, len(shots), size)
    ]


def embed_all(run: Runner, ready: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    out = [run(b) for b in ready]
    return np.concatenate([v for v, _ in out]), np.concatenate([p for _, p in out])


def classes(probs: np.ndarray) -> list[int]:
    """A photo's tags, as classes in order (their scores left out)."""
    return [tag.class_index for tag in top_tags(probs)]


def agreement(photos: Path, model: str) -> None:
    cpu = load_embedder(model, "cpu", runtime="onnx")
    paths = sorted(p for p in photos.iterdir() if is_supported(p))
    ready = batches([prepare_photo(p, cpu).pixels for p in paths])
    for b in ready[:3]:
        cpu.embed(b)  # fixed-shape sessions are made on a shape's second batch
    ref_v, ref_p = embed_all(cpu.embed, ready)
    near = lambda v: np.argsort(-(v @ v.T), axis=1)[:, :11]  # noqa: E731
    ref_near, ref_tags = near(ref_v), [classes(p) for p in ref_p]
    torch_cpu = load_embedder(model, "cpu", runtime="torch")
    runs: dict[str, Runner] = {"CPU, PyTorch eager": torch_cpu.embed}
    runs |= {f"GPU, {name}": make_runner(model, name) for name in (SHIPPED, *VARIANTS)}
    print(f"\n### Agreement with the CPU's default (ONNX Runtime), {len(ref_v)} photos\n")
    print("| runner | feature diff | probability diff | tags differ | 10 neighbours differ |")
    print("|---|---|---|---|---|")
    for name, run in runs.items():
        v, p = embed_all(run, ready)
        tags = sum(classes(a) != b for a, b in zip(p, ref_tags, strict=True))
        neighbours = int((near(v) != ref_near).any(axis=1).sum())
        feature, prob = np.abs(v - ref_v).max(), np.abs(p - ref_p).max()
        print(f"| {name} | {feature:.1e} | {prob:.1e} | {tags} | {neighbours} |")


def model_only(rounds: int = 30) -> None:
    print("\n### Model only, 224x288 batches, photos/s (median batch)\n")
    print("| model | runner | batch 32 | batch 128 |\n|---|---|---|---|")
    cache = Path(tempfile.gettempdir()) / "pf-gpu"
    for model in ("efficientnet-lite0", "efficientnet-lite2", "resnet50"):
        try:
            model_rows(model, rounds, cache)
        except ModelError as exc:
            print(f"| {model} | not measured: {exc} | | |")


def model_rows(model: str, rounds: int, cache: Path) -> None:
    """One model's rows of the model-only table."""
    import torch

    side = MODELS[model].side
    shape = (side, side * 9 // 7 // 32 * 32)  # the 4:3 input shape
    weights = random_weights(model, cache)
    for name in (SHIPPED, *VARIANTS):
        run = make_runner(model, name, weights)
        cells = []
        for size in (32, 128):
            batch = np.random.default_rng(0).integers(0, 256, (size, *shape, 3), np.uint8)
            for _ in range(3):
                run(batch)
            times = []
            for _ in range(rounds):
                if DEVICE.startswith("cuda"):
                    torch.cuda.synchronize()
                t = time.perf_counter()
                run(batch)  # returns host arrays: the copy back synchronises
                times.append(time.perf_counter() - t)
            cells.append(f"{size / statistics.median(times):.0f}")
        print(f"| {model} | {name} | {' | '.join(cells)} |")
    cpu = load_embedder(model, "cpu", weights=weights)
    batch = np.random.default_rng(0).integers(0, 256, (32, *shape, 3), np.uint8)
    for _ in range(3):
        cpu.embed(batch)
    t = time.perf_counter()
    for _ in range(5):
        cpu.embed(batch)
    cpu_rate = 5 * 32 / (time.perf_counter() - t)
    print(f"| {model} | CPU default ({cpu.runtime}) | {cpu_rate:.0f} | |")


def first_use(model: str = DEFAULT_MODEL) -> None:
    """Milliseconds of a new input shape's first and second batch, per runner."""
    print("\n### A new input shape: its first batch, then its second, ms\n")
    sizes = ((224, 288), (288, 224), (224, 224))
    print(f"| runner | {' | '.join(f'{h}x{w}' for h, w in sizes)} |\n|---|---|---|---|")
    for n, name in ((20, SHIPPED), (24, "cuDNN float32")):  # cuDNN's plans outlive a runner
        run, cells = make_runner(model, name), []
        run(np.zeros((n - 1, 224, 224, 3), np.uint8))  # the process's first batch
        for h, w in sizes:
            batch = np.random.default_rng(0).integers(0, 256, (n, h, w, 3), np.uint8)
            times = []
            for _ in range(2):
                t = time.perf_counter()
                run(batch)
                times.append(1000 * (time.perf_counter() - t))
            cells.append(f"{times[0]:.0f}, {times[1]:.0f}")
        print(f"| {name} | {' | '.join(cells)} |")


_CHILD = "import sys\nfrom photofind.cli import main\nmain(['index', *sys.argv[1:]])"


def whole_run(folder: Path, device: str) -> tuple[float, float]:
    """Seconds and CPU seconds of `photofind index FOLDER --device DEVICE`, fresh process."""
    with tempfile.TemporaryDirectory() as lib:
        env = os.environ | {"PHOTOFIND_LIBRARY": lib}
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        cmd = [sys.executable, "-c", _CHILD, str(folder), "--device", device]
        subprocess.run(cmd, check=True, capture_output=True, env=env)
        seconds = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return seconds, cpu


def whole_runs(sets: dict[str, list[Path]], repeats: int) -> None:
    print("\n### Whole run, `photofind index` in a fresh process, photos/s (CPU cores busy)\n")
    print(f"| photos | --device {DEVICE} | --device cpu | ratio |\n|---|---|---|---|")
    for name, paths in sets.items():
        for p in paths:
            p.read_bytes()  # the page cache
        results: dict[str, list[tuple[float, float]]] = {DEVICE: [], "cpu": []}
        whole_run(paths[0].parent, "cpu")  # exports and caches the CPU graph
        for _ in range(repeats):
            for device in results:
                results[device].append(whole_run(paths[0].parent, device))
        cells, rates = [], {}
        for device, runs in results.items():
            rates[device] = [len(paths) / s for s, _ in runs]
            busy = statistics.median(c / s for s, c in runs)
            cells.append(", ".join(f"{r:.0f}" for r in rates[device]) + f" ({busy:.1f})")
        ratio = statistics.median(a / b for a, b in zip(rates[DEVICE], rates["cpu"], strict=True))
        print(f"| {name} | {' | '.join(cells)} | {ratio:.2f} |")


def worker_process(folder: Path) -> None:
    from photofind.core.library import Library
    from photofind.core.worker_events import EventKind
    from photofind.core.worker_process import WorkerProcess

    with tempfile.TemporaryDirectory() as lib_dir:
        with Library.open(lib_dir) as lib:
            lib.add([folder])
        seen: list = []
        options = {"quiet_s": 0.2, "settle_s": 0.0, "device": DEVICE}
        worker = WorkerProcess(Path(lib_dir), seen.append, **options)
        t = time.perf_counter()
        worker.start()
        while not any(e.kind is EventKind.INDEXED for e in seen) and time.perf_counter() - t < 300:
            time.sleep(0.2)
        worker.stop()
        with Library.open(lib_dir) as lib:
            counts = lib.catalog.counts(lib.model)
        errors = [e.message for e in seen if e.kind is EventKind.ERROR]
        print(
            f"\nworker process on {DEVICE}: {counts.indexed}/{counts.photos} indexed in "
            f"{time.perf_counter() - t:.1f} s, errors: {errors or 'none'}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=Path, required=True)
    parser.add_argument("--count", type=int, default=1500)
    parser.add_argument("--big", type=int, default=256)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=30, help="model-only batches per runner")
    parser.add_argument("--skip", nargs="*", default=[], help="agreement worker first model runs")
    parser.add_argument("--device", default="cuda", help=argparse.SUPPRESS)
    args = parser.parse_args()
    global DEVICE
    DEVICE = args.device
    import torch

    gpu = torch.cuda.get_device_name() if torch.cuda.is_available() else "no GPU"
    print(f"torch {torch.__version__}, {gpu}, {os.cpu_count()} cores")
    embedder = load_embedder(DEFAULT_MODEL, "auto")
    print(
        f"--device auto: {pick_device('auto')}; the model runs on {embedder.device} "
        f"in {embedder.runtime}"
    )
    runtimes.FIXED_SHAPES = True
    scratch = Path(tempfile.gettempdir()) / "pf-gpu"
    sections: dict[str, Callable[[], None]] = {
        "agreement": lambda: agreement(args.photos, DEFAULT_MODEL),
        "worker": lambda: worker_process(args.photos),
        "first": first_use,
        "model": lambda: model_only(args.rounds),
        "runs": lambda: whole_runs(
            {
                f"{args.count} small": make_folder(args.photos, scratch / "small", args.count),
                f"{args.big} of 12 MP": make_photos(
                    scratch / "big", args.big, jobs=os.cpu_count() or 1
                ),
            },
            args.repeats,
        ),
    }
    for name, section in sections.items():
        if name not in args.skip:
            try:
                section()
            except Exception:  # the other sections still report
                traceback.print_exc()


if __name__ == "__main__":
    main()
