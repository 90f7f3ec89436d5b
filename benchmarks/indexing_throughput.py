"""Indexing throughput on generated 12-megapixel JPEGs, measured side by side in one run.

    .venv/bin/python -m benchmarks.indexing_throughput [--photos 64] [--model efficientnet-lite0]

Prints photos/second for: decoding alone (photofind's reduced-size decode, one core), the model
alone (forward passes on ready batches), the naive pipeline of the tutorials (full decode, resize,
one photo per forward pass) and photofind's real pipeline end to end (read, fingerprint, decode in
a thread pool ahead of batched inference, store in SQLite).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

from photofind.core.imaging import decode, read_bytes
from photofind.core.indexer import prepare_photo
from photofind.core.library import Library
from photofind.core.models import DEFAULT_MODEL, load_embedder

SIZE = (4000, 3000)  # 12 MP


def make_photos(folder: Path, count: int) -> list[Path]:
    """Real photos (scikit-image's) upscaled to 12 MP with sensor-like noise, saved at q=90."""
    from skimage import data

    folder.mkdir(parents=True, exist_ok=True)
    sources = [data.astronaut(), data.chelsea(), data.coffee(), data.rocket()]
    rng = np.random.default_rng(0)
    paths = []
    for i in range(count):
        path = folder / f"photo_{i:04}.jpg"
        paths.append(path)
        if path.exists():
            continue
        base = Image.fromarray(sources[i % len(sources)]).convert("RGB").resize(SIZE)
        noisy = np.asarray(base, dtype=np.int16) + rng.normal(0, 6, (*SIZE[::-1], 3))
        Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8)).save(path, quality=90)
    return paths


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=64)
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "photofind-12mp"))
    args = parser.parse_args()

    paths = make_photos(Path(args.cache), args.photos)
    size_mb = sum(p.stat().st_size for p in paths) / len(paths) / 2**20
    embedder = load_embedder(args.model, "cpu")
    import torch

    print(
        f"{len(paths)} JPEGs of {SIZE[0]}x{SIZE[1]} ({size_mb:.1f} MB each), model "
        f"{args.model}, {torch.get_num_threads()} torch threads, {os.cpu_count()} cores"
    )

    # Warm up the page cache and the model.
    for p in paths:
        p.read_bytes()
    warm = np.stack([prepare_photo(paths[0], embedder).pixels] * 4)
    embedder.embed(warm)

    t = time.perf_counter()
    ready = [prepare_photo(p, embedder).pixels for p in paths]
    decode_s = time.perf_counter() - t

    t = time.perf_counter()
    full = [decode(read_bytes(p), ".jpg").image for p in paths[:8]]
    full_decode_s = (time.perf_counter() - t) / len(full) * len(paths)
    del full

    batch = np.stack(ready)
    t = time.perf_counter()
    for start in range(0, len(batch), args.batch_size):
        embedder.embed(batch[start : start + args.batch_size])
    model_s = time.perf_counter() - t

    naive_n = min(16, len(paths))
    t = time.perf_counter()
    for p in paths[:naive_n]:
        img = Image.open(p).convert("RGB")  # full 12 MP decode, as the tutorials do
        embedder.embed(embedder.prepare(img)[None])
    naive_s = (time.perf_counter() - t) / naive_n * len(paths)

    with tempfile.TemporaryDirectory() as lib_dir, Library.open(lib_dir, device="cpu") as lib:
        lib.set_model(args.model)
        lib.add([args.cache])
        lib.scan()
        lib._embedder = embedder  # the same loaded model as above
        t = time.perf_counter()
        done = list(lib.index(batch_size=args.batch_size))[-1].indexed
        pipeline_s = time.perf_counter() - t
        assert done == len(paths)

    n = len(paths)
    rows = [
        ("decode only (reduced-size JPEG, 1 thread)", rate(n, decode_s)),
        ("full 12 MP decode only (1 thread)", rate(n, full_decode_s)),
        ("model only (batches of ready tensors)", rate(n, model_s)),
        ("naive: full decode, 1 photo per forward", rate(n, naive_s)),
        ("photofind pipeline end to end", rate(n, pipeline_s)),
    ]
    print(f"\n{'what':44} {'photos/s':>9}")
    for name, value in rows:
        print(f"{name:44} {value:9.1f}")
    serial = rate(n, decode_s + model_s)
    print(f"\npipeline / model only          {rows[4][1] / rows[2][1]:6.2f}")
    print(f"pipeline / decode+model serial {rows[4][1] / serial:6.2f}")
    print(f"pipeline / naive               {rows[4][1] / rows[3][1]:6.2f}")


if __name__ == "__main__":
    main()
