"""Indexing throughput on generated 12-megapixel JPEGs, measured side by side in one run.

    .venv/bin/python -m benchmarks.indexing_throughput [--photos 64] [--model efficientnet-lite0]

Prints photos/second for: decoding alone (photofind's reduced-size decode, one core), the model
alone (forward passes on ready batches; ONNX Runtime's free-shape graph and its fixed-shape
sessions), the naive pipeline of the tutorials (PIL decodes the full
12 MP image; torchvision's Resize, CenterCrop, ToTensor, Normalize; one photo per forward pass of
the eager NCHW model under no_grad), the same with photofind's resize and channels-last runner,
and photofind's real pipeline end to end (read, fingerprint, decode in a thread pool ahead of
batched inference, store in SQLite), with PyTorch and ONNX Runtime (free and fixed shapes).

It also prints the CPU budget of these files: all cores busy all the time, each photo costing its
decode and thumbnail (one core) plus its model time (the cheaper of one thread, and all threads
times cores). It is an estimate, not a wall: the pipeline can beat it a little where decoding
fills the moments the model's threads wait on one another. And the peak resident memory of
`photofind index` indexing the same files in its own process.
"""

from __future__ import annotations

import argparse
import copy
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

from photofind.core import runtimes
from photofind.core.embedder import Embedder, load_embedder
from photofind.core.imaging import decode, read_bytes
from photofind.core.indexer import prepare_photo
from photofind.core.library import Library
from photofind.core.models import DEFAULT_MODEL
from photofind.core.runtimes import OnnxRunner, Runner
from photofind.core.thumbnails import ThumbnailCache

SIZE = (4000, 3000)  # 12 MP


def make_photos(folder: Path, count: int, jobs: int = 1) -> list[Path]:
    """Real photos (scikit-image's) upscaled to 12 MP with sensor-like noise, saved at q=90;
    `jobs` processes make the missing ones."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"photo_{i:04}.jpg" for i in range(count)]
    todo = [(path, i) for i, path in enumerate(paths) if not path.exists()]
    if jobs > 1 and len(todo) > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(jobs) as pool:
            list(pool.map(make_photo, *zip(*todo, strict=True)))
    else:
        for path, i in todo:
            make_photo(path, i)
    return paths


def make_photo(path: Path, i: int) -> None:
    """The `i`th generated 12 MP photo."""
    from skimage import data

    sources = (data.astronaut, data.chelsea, data.coffee, data.rocket)
    rng = np.random.default_rng(i)
    base = Image.fromarray(sources[i % len(sources)]()).convert("RGB").resize(SIZE)
    noisy = np.asarray(base, dtype=np.int16) + rng.normal(0, 6, (*SIZE[::-1], 3))
    Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8)).save(path, quality=90)


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def tutorial_rate(embedder: Embedder, paths: list[Path]) -> float:
    """Photos per second of the tutorials' inference loop, with the same weights."""
    import torch
    from torchvision import transforms

    spec = embedder.spec
    preprocess = transforms.Compose(
        [
            transforms.Resize(round(spec.side * 256 / 224)),
            transforms.CenterCrop(spec.side),
            transforms.ToTensor(),
            transforms.Normalize([m / 255 for m in spec.mean], [s / 255 for s in spec.std]),
        ]
    )
    net = copy.deepcopy(embedder.network).to(memory_format=torch.contiguous_format).eval()
    with torch.no_grad():
        net(torch.zeros(1, 3, spec.side, spec.side))  # warm up
        t = time.perf_counter()
        for path in paths:
            net(preprocess(Image.open(path).convert("RGB")).unsqueeze(0))
    return rate(len(paths), time.perf_counter() - t)


def model_only(run: Runner, batch: np.ndarray, batch_size: int) -> float:
    """Photos per second of forward passes alone, on ready batches."""
    t = time.perf_counter()
    for start in range(0, len(batch), batch_size):
        run(batch[start : start + batch_size])
    return rate(len(batch), time.perf_counter() - t)


def cli_peak_mib(folder: str) -> float:
    """Peak resident memory of `photofind index FOLDER` in a fresh process and library.

    Read from the child's own VmHWM (Linux): a forked child's rusage would also count the pages
    it shared with this large parent before exec.
    """
    code = (
        "import sys\nfrom photofind.cli import main\ntry:\n    main(['index', sys.argv[1]])\n"
        "except SystemExit:\n    pass\n"
        "print([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1])"
    )
    with tempfile.TemporaryDirectory() as lib:
        env = os.environ | {"PHOTOFIND_LIBRARY": lib}
        cmd = [sys.executable, "-c", code, folder]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
    return int(out.stdout.split()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=64)
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "photofind-12mp"))
    args = parser.parse_args()

    paths = make_photos(Path(args.cache), args.photos)
    size_mb = sum(p.stat().st_size for p in paths) / len(paths) / 2**20
    print(
        f"{len(paths)} JPEGs of {SIZE[0]}x{SIZE[1]} ({size_mb:.1f} MB each), model "
        f"{args.model}, batch {args.batch_size}, {os.cpu_count()} cores"
    )
    n = len(paths)
    for p in paths:  # warm the page cache
        p.read_bytes()
    model_rate: dict[str, float] = {}
    pipeline_rate: dict[str, float] = {}
    # One runtime at a time, so that one's idle threads never share the cores with the other.
    for name in ("torch", "onnx-free", "onnx"):
        runtimes.FIXED_SHAPES = name != "onnx-free"
        embedder = load_embedder(args.model, "cpu", runtime=name.split("-")[0])
        if name == "torch":
            t = time.perf_counter()
            ready = [prepare_photo(p, embedder).pixels for p in paths]
            decode_s = time.perf_counter() - t
            with tempfile.TemporaryDirectory() as thumbs:
                cache = ThumbnailCache(Path(thumbs))
                t = time.perf_counter()
                for p in paths:
                    prepare_photo(p, embedder, cache)
                decode_thumb_s = time.perf_counter() - t
            t = time.perf_counter()
            full = [decode(read_bytes(p), ".jpg").image for p in paths[:8]]
            full_decode_s = (time.perf_counter() - t) / len(full) * n
            del full
            batch = np.stack(ready)
            naive = tutorial_rate(embedder, paths[:16])
            t = time.perf_counter()
            for p in paths[:16]:  # full decode, then photofind's resize and runner
                img = Image.open(p).convert("RGB")
                embedder.embed(embedder.prepare(img)[None])
            naive_fast = rate(16, time.perf_counter() - t)
        for _ in range(2):  # warm up; a fixed-shape session is made on a shape's second use
            embedder.embed(batch[: args.batch_size])
        model_rate[name] = model_only(embedder.embed, batch, args.batch_size)
        if name == "onnx":
            assert embedder.graph is not None
            one = OnnxRunner(embedder.graph, threads=1)
            for _ in range(2):
                one(batch[: args.batch_size])
            one_core = model_only(one, batch, args.batch_size)
        with tempfile.TemporaryDirectory() as lib_dir, Library.open(lib_dir, device="cpu") as lib:
            lib.set_model(args.model)
            lib.add([args.cache])
            lib.scan()
            lib.use_embedder(embedder)
            t = time.perf_counter()
            done = list(lib.index(batch_size=args.batch_size))[-1].indexed
            pipeline_rate[name] = rate(n, time.perf_counter() - t)
            assert done == n
        del embedder

    cores = os.cpu_count() or 1
    model_core_s = min(1 / one_core, cores / model_rate["onnx"])
    budget = cores / (decode_thumb_s / n + model_core_s)
    peak_cli = cli_peak_mib(args.cache)  # the graph is cached by now, as after a first run
    rows = [
        ("decode only (reduced-size JPEG, 1 core)", rate(n, decode_s)),
        ("decode + cached thumbnail (1 core)", rate(n, decode_thumb_s)),
        ("full 12 MP decode only (1 core)", rate(n, full_decode_s)),
        ("model only, PyTorch eager (channels-last)", model_rate["torch"]),
        ("model only, ONNX Runtime, free-shape graph", model_rate["onnx-free"]),
        ("model only, ONNX Runtime, fixed-shape sessions", model_rate["onnx"]),
        ("model only, ONNX Runtime, 1 core", one_core),
        ("naive, the tutorials' code", naive),
        ("naive, with photofind's resize and runner", naive_fast),
        ("photofind pipeline, PyTorch", pipeline_rate["torch"]),
        ("photofind pipeline, ONNX Runtime, free-shape graph", pipeline_rate["onnx-free"]),
        ("photofind pipeline, ONNX Runtime (default)", pipeline_rate["onnx"]),
        (f"CPU budget: {cores} cores / (decode + model)", budget),
    ]
    print(f"\n| {'what':44} | photos/s |\n|---|---|")
    for name, value in rows:
        print(f"| {name:44} | {value:8.1f} |")
    best = pipeline_rate["onnx"]
    print(
        f"\nONNX Runtime / PyTorch, model only     {model_rate['onnx'] / model_rate['torch']:5.2f}"
    )
    fixed_free = model_rate["onnx"] / model_rate["onnx-free"]
    print(f"fixed / free shapes, model only        {fixed_free:5.2f}")
    print(f"fixed / free shapes, pipeline          {best / pipeline_rate['onnx-free']:5.2f}")
    print(f"pipeline / model only                  {best / model_rate['onnx']:5.2f}")
    print(f"pipeline / CPU budget                  {best / budget:5.2f}")
    print(f"pipeline / naive (tutorials' code)     {best / naive:5.2f}")
    print(f"pipeline / naive (photofind's resize)  {best / naive_fast:5.2f}")
    print(f"peak resident memory, photofind index  {peak_cli:5.0f} MiB")


if __name__ == "__main__":
    main()
