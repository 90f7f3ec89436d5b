"""How long `photofind duplicates` takes on a 10,000-photo library, first run and cached.

    .venv/bin/python -m benchmarks.duplicates_scale --photos DIR [--workdir DIR]
        [--baseline REV] [--repeats 1]

DIR: a clone of github.com/EliSchwartz/imagenet-sample-images. Each of its 1000 photos becomes
ten "burst" frames (overlapping crops of 55-90% of the area, slightly relit, 640 px), so every
photo has close neighbours: nearly every photo is a candidate and the check does its most work.
Indexing is not timed (it is cached in --workdir for a second run).

Each first run starts from an empty check cache, in a fresh process; with --baseline, the
photofind of git revision REV (unpacked from git) takes turns with this one on the same library,
--repeats times, so the two are measured side by side. CPU seconds are the process's user and
system time.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageEnhance

from benchmarks.revisions import ROOT, checkout
from photofind.core.library import Library

FRAMES = 10


def build(folder: Path, originals: list[Path]) -> None:
    rng = random.Random(10_000)
    folder.mkdir(parents=True, exist_ok=True)
    for i, path in enumerate(originals):
        im = Image.open(path).convert("RGB")
        w, h = im.size
        for f in range(FRAMES):
            side = rng.uniform(0.55, 0.9) ** 0.5
            cw, ch = round(w * side), round(h * side)
            x0, y0 = rng.randint(0, w - cw), rng.randint(0, h - ch)
            frame = im.crop((x0, y0, x0 + cw, y0 + ch)).resize((640, round(640 * ch / cw)))
            frame = ImageEnhance.Brightness(frame).enhance(rng.uniform(0.9, 1.1))
            frame.save(folder / f"{i:04d}_{f}.jpg", quality=88)


_CHILD = """
import json, os, sys, time
from pathlib import Path
from photofind.core.library import Library
import photofind
with Library.open(Path(sys.argv[1]), device="cpu") as lib:
    lib.catalog.forget_copy_checks(keep=set())  # a first run: nothing cached
    steps = []
    start, cpu = time.perf_counter(), os.times()
    groups = lib.duplicates(progress=lambda d, t: steps.append((d, t)))
    first, used = time.perf_counter() - start, os.times()
    start = time.perf_counter()
    lib.duplicates()
    again = time.perf_counter() - start
    photos = lib.catalog.counts(lib.model).indexed
cpu_s = used.user + used.system - cpu.user - cpu.system
print(json.dumps([photos, steps[-1][1] if steps else 0, len(groups), first, cpu_s, again,
                  len(steps), photofind.__file__]))
"""


def first_run(library: Path, code: Path | None) -> list:
    """[photos, pairs checked, groups, first s, first CPU s, second s, progress calls, where]."""
    env = os.environ.copy()
    if code is not None:
        env["PYTHONPATH"] = str(code)
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(library)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        cwd=code or ROOT,
    )
    result = json.loads(out.stdout.splitlines()[-1])
    assert Path(result[-1]).parent.parent == (code or ROOT), result[-1]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=Path, required=True)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--index-only", action="store_true", help="build and index, no timing")
    parser.add_argument("--baseline", help="a git revision to time too, turn by turn")
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    originals = sorted(p for p in args.photos.iterdir() if p.suffix.lower() in {".jpeg", ".jpg"})
    with tempfile.TemporaryDirectory() as tmp:
        root = args.workdir or Path(tmp)
        folder = root / "scale-photos"
        if not folder.is_dir():
            build(folder, originals)
        library = root / "scale-library"
        with Library.open(library, device="cpu") as lib:
            lib.add([folder])
            lib.scan()
            for _ in lib.index():
                pass
            lib.maintain_index()
        if args.index_only:
            return
        base = checkout(args.baseline, Path(tmp) / "baseline") if args.baseline else None
        rows: list[tuple[str, list]] = []
        for _ in range(args.repeats):
            rows.append(("photofind", first_run(library, None)))
            if base is not None:
                rows.append((f"photofind at {args.baseline}", first_run(library, base)))
            print(f"  {rows[-1][0]}: {rows[-1][1][3]:.1f} s", flush=True)
    print(f"\nload average at the end {os.getloadavg()}\n")
    print(
        "| code | photos | candidate pairs | groups | first run s | first run CPU s "
        "| second run s | progress calls |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, (photos, pairs, groups, first, cpu, again, calls, _) in rows:
        print(
            f"| {name} | {photos} | {pairs} | {groups} | {first:.1f} | {cpu:.1f} | {again:.2f} "
            f"| {calls} |"
        )


if __name__ == "__main__":
    main()
