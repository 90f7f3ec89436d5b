"""Start-up time of the command line, from a fresh process each time (median of 5 runs).

    .venv/bin/python -m benchmarks.startup

The index run before the table exports the model's ONNX graph into the cache, as a user's first
indexing does; later queries on files outside the library run that graph without torch.

The desktop app's time to first paint joins this table when the app exists. Until then the
"first screen" row measures the engine's share of it on a 10,000-photo library (catalog rows,
vectors, tags and cached thumbnails written directly, as indexing would leave them): a fresh
process opens the library, reads the grid's first 200 rows and the 60 thumbnails a window shows
first, and checks that torch was never imported.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

RUNS = 5
GRID_PHOTOS = 10_000
FIRST_SCREEN = """
from photofind.core.library import Library
import sys
lib = Library.open()
rows = lib.photos(0, 200)
thumbs = [lib.thumbnail(p.path) for p in rows[:60]]
assert len(rows) == 200 and all(thumbs), "the library is not as built"
assert "torch" not in sys.modules, "the first screen imported torch"
"""


def build_grid_library(library: Path, photo: Image.Image, count: int = GRID_PHOTOS) -> None:
    """A library of `count` indexed photos as indexing leaves it, without the photos."""
    from photofind.core.catalog import Catalog, PhotoResult
    from photofind.core.imaging import thumbnail_jpeg
    from photofind.core.library import CATALOG_FILE
    from photofind.core.models import DEFAULT_MODEL, MODELS
    from photofind.core.taxonomy import top_tags
    from photofind.core.thumbnails import ThumbnailCache

    library.mkdir(parents=True)
    catalog = Catalog(library / CATALOG_FILE)
    folder = str(library.parent / "Pictures")
    folder_id = catalog.add_folder(folder)
    files = [(f"{folder}/{i // 500:03d}/IMG_{i:06d}.jpg", 3_000_000, i) for i in range(count)]
    catalog.add_photos(folder_id, files)
    rng = np.random.default_rng(0)
    dim, cache = MODELS[DEFAULT_MODEL].dim, ThumbnailCache(library / "thumbnails")
    jpeg = thumbnail_jpeg(photo)
    ids = [p.id for p in catalog.photo_page(0, count)]
    for start in range(0, count, 500):
        batch = []
        for pid in ids[start : start + 500]:
            fp = f"{pid:032x}"
            cache.put(fp, jpeg)
            vector = rng.standard_normal(dim).astype(np.float32)
            probs = rng.dirichlet(np.ones(1000)).astype(np.float32)
            batch.append(PhotoResult(pid, fp, 4000, 3000, None, vector, top_tags(probs)))
        catalog.store_batch(DEFAULT_MODEL, batch, [])
    catalog.close()


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
        grid = str(Path(tmp) / "grid-lib")
        build_grid_library(Path(grid), Image.fromarray(data.chelsea()))
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
        first = timed([py, "-c", FIRST_SCREEN], grid)
        print(
            f"| first screen of a {GRID_PHOTOS:,}-photo library: open, 200 rows, 60 thumbnails "
            f"(engine's share of the app's first paint) | {first:.2f} |"
        )


if __name__ == "__main__":
    main()
