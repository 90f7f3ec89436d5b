"""Small photos and the model alone: fixed-shape sessions against the free-shape graph, one run.

    .venv/bin/python -m benchmarks.small_photos --photos DIR [--count 1500] [--repeats 3]
        [--baseline REV] [--models efficientnet-lite0 ...] [--random-weights]
        [--batch-sizes 32 16] [--no-square] [--skip-model] [--skip-runs]

DIR holds real photos (e.g. the 1000 ImageNet JPEGs of github.com/EliSchwartz/imagenet-sample-
images, about 0.2 MP each); the set is filled up to --count with mirrored copies of them, saved
at quality 90 (other files, same sizes and shapes).

Model only: photos/s of forward passes on ready batches of random pixels, per model, input shape
(4:3 landscape and square) and batch size, the free-shape session and a fixed-shape one taking
turns batch by batch (median batch time); then the first-use cost of each kind of session.

Steps besides the model: CPU milliseconds of one core per photo for reading, fingerprinting,
decoding, the thumbnail and its file, and fitting the model's input (300 of the photos), and the
CPU budget they leave with the model at its fastest (fixed shape, 4:3, batch 32).

Whole run: `photofind index` of the folder in a fresh process and a fresh library, timed from
the process's start to its end (interpreter, imports, model load, scan, indexing, exit), with
fixed-shape sessions (the default), with the free-shape graph alone, and, with --baseline, the
photofind of git revision REV; the variants take turns, --repeats times. The graph cache is
warm (the graph is exported once, before the timed runs). Fixed sessions are made during each
run: their cost is inside these figures.

--random-weights gives models whose weights are not on this machine (the torchvision ones)
random weights: the same speed, meaningless features.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageOps

from benchmarks.revisions import ROOT, checkout
from photofind.core.imaging import is_supported
from photofind.core.models import DEFAULT_MODEL, MODELS
from photofind.core.runtimes import OnnxRunner

_CHILD = """
import sys
from photofind.core import runtimes
runtimes.FIXED_SHAPES = sys.argv[2] == "fixed"
from photofind.cli import main
try:
    main(["index", sys.argv[1]])
except SystemExit:
    pass
import photofind
print([l for l in open("/proc/self/status") if l.startswith("VmHWM")][0].split()[1])
print(photofind.__file__)
"""


def make_folder(photos: Path, out: Path, count: int) -> list[Path]:
    """DIR's photos, then mirrored copies until there are `count` of them."""
    sources = sorted(p for p in photos.iterdir() if is_supported(p))
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        src = sources[i % len(sources)]
        path = out / (src.name if i < len(sources) else f"mirror{i // len(sources)}_{src.stem}.jpg")
        if not path.exists():
            if i < len(sources):
                path.write_bytes(src.read_bytes())
            else:
                ImageOps.mirror(Image.open(src).convert("RGB")).save(path, quality=90)
        paths.append(path)
    return paths


def model_rows(
    model: str, weights: Path | None, rounds: int, sizes: list[int], square: bool
) -> list[tuple[str, float, float]]:
    """(what, free photos/s, fixed photos/s) for the model's common input shapes."""
    from photofind.core.embedder import load_embedder

    embedder = load_embedder(model, "cpu", weights, runtime="onnx")
    assert embedder.graph is not None, "ONNX Runtime is not available"
    path = embedder.graph
    side = embedder.spec.side
    wide = round(side * 4 / 3 / 32) * 32
    rows = []
    rng = np.random.default_rng(0)
    for h, w in ((side, wide), (side, side))[: 2 if square else 1]:
        for n in sizes:
            batch = rng.integers(0, 256, (n, h, w, 3), dtype=np.uint8)
            free, fixed = OnnxRunner(path, fixed=False), OnnxRunner(path, fixed=True)
            times: dict[str, list[float]] = {"free": [], "fixed": []}
            for _ in range(2):  # warm up; the fixed runner makes its session on the second
                free(batch)
                fixed(batch)
            for _ in range(rounds):
                for name, run in (("free", free), ("fixed", fixed)):
                    t = time.perf_counter()
                    run(batch)
                    times[name].append(time.perf_counter() - t)
            free_rate, fixed_rate = (n / statistics.median(times[k]) for k in ("free", "fixed"))
            rows.append((f"{model} {h}x{w}, batch {n}", free_rate, fixed_rate))
    starts: dict[str, list[float]] = {"free": [], "fixed": []}
    for _ in range(3):
        t = time.perf_counter()
        runner = OnnxRunner(path, fixed=True)
        starts["free"].append(time.perf_counter() - t)
        t = time.perf_counter()
        runner._session((32, side, wide, 3))
        starts["fixed"].append(time.perf_counter() - t)
    rows.append(
        (f"{model}: first use, session (s)", *(statistics.median(starts[k]) for k in starts))
    )
    return rows


def step_costs(paths: list[Path], side: int, resample: int) -> list[tuple[str, float]]:
    """Milliseconds of one core per photo for each step indexing takes besides the model."""
    from photofind.core.imaging import (
        decode,
        fingerprint,
        fit_input,
        read_bytes,
        thumbnail_jpeg,
    )
    from photofind.core.thumbnails import ThumbnailCache

    spent: dict[str, float] = {}

    def timed(what: str, step: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        t = time.process_time()
        out = step(*args, **kwargs)
        spent[what] = spent.get(what, 0.0) + time.process_time() - t
        return out

    with tempfile.TemporaryDirectory() as tmp:
        cache = ThumbnailCache(Path(tmp))
        for path in paths:
            data = timed("read and fingerprint", read_bytes, path)
            digest = timed("read and fingerprint", fingerprint, data)
            image = timed("decode (reduced where it can)", decode, data, ".jpg", side).image
            jpeg = timed("thumbnail (256 px, Lanczos, JPEG)", thumbnail_jpeg, image)
            timed("thumbnail file written", cache.put, digest, jpeg)
            timed("the model's input (fit_input)", fit_input, image, side, resample)
    return [(what, seconds / len(paths) * 1000) for what, seconds in spent.items()]


def whole_run(folder: Path, variant: str, baseline: Path | None) -> tuple[float, float]:
    """Seconds and peak resident MiB of `photofind index FOLDER`, fresh process and library."""
    env = os.environ.copy()
    cwd = ROOT
    if variant == "baseline":
        assert baseline is not None
        env["PYTHONPATH"] = str(baseline)
        cwd = baseline
    with tempfile.TemporaryDirectory() as lib:
        env["PHOTOFIND_LIBRARY"] = lib
        cmd = [sys.executable, "-c", _CHILD, str(folder), variant]
        t = time.perf_counter()
        out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env, cwd=cwd)
        seconds = time.perf_counter() - t
    where = Path(out.stdout.split()[-1]).parent.parent
    assert where == (baseline if variant == "baseline" else ROOT), where
    return seconds, int(out.stdout.split()[-2]) / 1024


def load() -> str:
    return os.getloadavg().__repr__()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=Path, required=True)
    parser.add_argument("--count", type=int, default=1500)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=10, help="model-only batches per runner")
    parser.add_argument("--baseline", help="a git revision to run whole runs of, too")
    parser.add_argument("--models", nargs="+", default=[DEFAULT_MODEL], choices=sorted(MODELS))
    parser.add_argument("--random-weights", action="store_true")
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[32, 16])
    parser.add_argument("--no-square", action="store_true", help="model only: 4:3 inputs alone")
    parser.add_argument("--skip-model", action="store_true")
    parser.add_argument("--skip-runs", action="store_true")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "pf-small")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores, load average at start {load()}")

    rows: list[tuple[str, float, float]] = []
    if not args.skip_model:
        print("\n| model only, photos/s | free shape | fixed shape | fixed / free |")
        print("|---|---|---|---|")
        for model in args.models:
            weights = random_weights(model, args.cache) if args.random_weights else None
            for row in model_rows(
                model, weights, args.rounds, args.batch_sizes, not args.no_square
            ):
                rows.append(row)
                what, free, fixed = row
                print(f"| {what} | {free:.2f} | {fixed:.2f} | {fixed / free:.2f} |", flush=True)

    paths = make_folder(args.photos, args.cache / "photos", args.count)
    if not args.skip_model:
        spec = MODELS[DEFAULT_MODEL]
        steps = step_costs(paths[:300], spec.side, spec.resample)
        print("\n| step besides the model (300 photos, one core) | CPU ms per photo |")
        print("|---|---|")
        for what, ms in steps:
            print(f"| {what} | {ms:.2f} |")
        total = sum(ms for _, ms in steps)
        print(f"| all of them | {total:.2f} |")
        wide = [r for r in rows if r[0].startswith(f"{DEFAULT_MODEL} ") and "batch 32" in r[0]]
        if wide:  # 4:3 photos at batch 32, fixed shape: the fastest the model runs here
            model_ms = (os.cpu_count() or 1) / wide[0][2] * 1000
            budget = (os.cpu_count() or 1) / (total + model_ms) * 1000
            print(
                f"\nCPU budget: the model {model_ms:.1f} ms of CPU a photo ({wide[0][0]}, fixed, "
                f"all cores), the rest {total:.1f} ms: {budget:.0f} photos/s with every core "
                "busy all the time, start-up excluded"
            )

    if not args.skip_runs:
        folder = paths[0].parent
        pixels = statistics.mean(Image.open(p).width * Image.open(p).height for p in paths)
        for p in paths:  # the page cache, as for photos just copied from a phone
            p.read_bytes()
        from photofind.core.embedder import load_embedder

        load_embedder(DEFAULT_MODEL, "cpu", runtime="onnx")  # the graph exported, if it is not
        variants = ["fixed", "free"] + (["baseline"] if args.baseline else [])
        with tempfile.TemporaryDirectory() as tmp:
            base = checkout(args.baseline, Path(tmp)) if args.baseline else None
            seconds: dict[str, list[float]] = {v: [] for v in variants}
            peak: dict[str, list[float]] = {v: [] for v in variants}
            for _ in range(args.repeats):
                for variant in variants:
                    took, mib = whole_run(folder, variant, base)
                    seconds[variant].append(took)
                    peak[variant].append(mib)
                    rate = len(paths) / seconds[variant][-1]
                    print(f"  {variant}: {rate:.1f} photos/s", flush=True)
        print(
            f"\n{len(paths)} photos of {pixels / 1e6:.2f} MP on average, {DEFAULT_MODEL}, "
            f"whole runs from a fresh process; load average at the end {load()}\n"
        )
        print("| whole run, photos/s | median | runs | peak resident MiB |\n|---|---|---|---|")
        names = {
            "fixed": "fixed-shape sessions (default)",
            "free": "free-shape graph only",
            "baseline": f"photofind at {args.baseline}",
        }
        for variant in variants:
            rates = [len(paths) / s for s in seconds[variant]]
            runs = ", ".join(f"{r:.1f}" for r in rates)
            mib = max(peak[variant])
            print(f"| {names[variant]} | {statistics.median(rates):.1f} | {runs} | {mib:.0f} |")
        for other in variants[1:]:
            ratios = [b / a for a, b in zip(seconds["fixed"], seconds[other], strict=True)]
            print(f"\nfixed / {other}, run by run: " + ", ".join(f"{r:.2f}" for r in ratios))


def random_weights(model: str, cache: Path) -> Path | None:
    """A checkpoint of random weights for a torchvision model (bundled models keep theirs)."""
    if MODELS[model].bundled:
        return None
    import torch
    import torchvision

    path = cache / f"{model}-random.pth"
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        factory = {"resnet50": "resnet50", "efficientnet-b4": "efficientnet_b4"}[model]
        torch.save(getattr(torchvision.models, factory)(weights=None).state_dict(), path)
    return path


if __name__ == "__main__":
    main()
