"""Start-up time of the command line, from a fresh process each time (median of 5 runs).

    .venv/bin/python -m benchmarks.startup

The index run before the table exports the model's ONNX graph into the cache, as a user's first
indexing does; later queries on files outside the library run that graph without torch. The
desktop app's time to first paint joins this table when the app exists.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

RUNS = 5


def _env(library: str, **extra: str) -> dict[str, str]:
    """A clean environment: this run's library and model cache, nothing of the user's."""
    env = {"PHOTOFIND_LIBRARY": library, "PHOTOFIND_CACHE": library + "-cache", "PATH": ""}
    return env | extra


def timed(argv: list[str], env_library: str, **extra: str) -> float:
    samples = []
    for _ in range(RUNS):
        t = time.perf_counter()
        subprocess.run(
            argv,
            check=True,
            capture_output=True,
            env=_env(env_library, **extra),
        )
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def main() -> None:
    from skimage import data

    py = sys.executable
    cli = [py, "-m", "photofind"]
    with tempfile.TemporaryDirectory() as tmp:
        photos = Path(tmp) / "photos"
        photos.mkdir()
        for name in ("chelsea", "coffee", "rocket"):
            Image.fromarray(getattr(data, name)()).save(photos / f"{name}.jpg")
        outside = Path(tmp) / "astronaut.jpg"
        Image.fromarray(data.astronaut()).save(outside)
        lib = str(Path(tmp) / "lib")
        subprocess.run(
            [*cli, "index", str(photos)],
            check=True,
            capture_output=True,
            env=_env(lib),
        )
        torch = {"PHOTOFIND_RUNTIME": "torch"}
        rows: list[tuple[str, list[str], dict[str, str]]] = [
            ("import photofind.core.library", [py, "-c", "import photofind.core.library"], {}),
            ("photofind --help", [*cli, "--help"], {}),
            (
                "photofind similar PHOTO-IN-LIBRARY",
                [*cli, "similar", str(photos / "coffee.jpg")],
                {},
            ),
            ("photofind status", [*cli, "status"], {}),
            (
                "photofind similar OTHER-FILE (cached ONNX graph, no torch)",
                [*cli, "similar", str(outside)],
                {},
            ),
            (
                "photofind similar OTHER-FILE (PyTorch: import, build)",
                [*cli, "similar", str(outside)],
                torch,
            ),
        ]
        print(f"| command | seconds (median of {RUNS}) |\n|---|---|")
        for label, argv, extra in rows:
            print(f"| {label} | {timed(argv, lib, **extra):.2f} |", flush=True)


if __name__ == "__main__":
    main()
