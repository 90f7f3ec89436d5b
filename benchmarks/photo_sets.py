"""Rebuild the labelled benchmark photo sets (class folders) from public GitHub repositories.

No photo is committed. Each set is copied out of git snapshots of its source repositories (the
session's `fetch` tool leaves them at /work/.mirror/<owner>+<name>/; `git clone --mirror
https://github.com/<owner>/<name>` gives the same), at the commits named here, into
`OUT/<set>/<class>/<image>`:

    python -m benchmarks.photo_sets --mirrors /work/.mirror --out /work/datasets [SET ...]

A part takes photos [start, start + count) of each of its classes in name order, so the sets are
the same on every machine; no photo is in two sets. The `copies` set is near-duplicates: every
tenth photo of EliSchwartz/imagenet-sample-images and its eight Copydays-style copies
(benchmarks/copydays_set.py), one folder per original.
"""

from __future__ import annotations

import argparse
import subprocess
from dataclasses import dataclass
from pathlib import Path

__all__ = ["SETS", "Part", "PhotoSet", "build"]

ANIMALS = ("pavan555/DeepLearning4OpenCV", "9e200d70", "datasets/animals")
SCENES = ("lionelmessi6410/Scene-Recognition-with-Bag-of-Words", "1bbc11c", "data")
CALTECH = ("taibarehm/CVassimgement", "5e5ee69", "caltech-101")

# Caltech-101 classes of man-made objects with 50+ photos: the objects set.
OBJECTS = (
    *("airplanes", "Motorbikes", "watch", "car_side", "ketch", "chandelier", "grand_piano"),
    *("helicopter", "menorah", "ewer", "revolver", "laptop", "minaret", "umbrella"),
    *("electric_guitar", "ferry", "euphonium", "stop_sign", "soccer_ball", "lamp"),
)
# Left out of the groups: the clutter class, and Faces (the same photos as Faces_easy, uncropped).
NOT_GROUPS = (*OBJECTS, "BACKGROUND_Google", "Faces")


@dataclass(frozen=True)
class Part:
    repo: str  # owner/name on GitHub
    commit: str
    root: str  # folder in the repository that holds one folder per class
    count: int  # photos per class
    start: int = 0
    classes: tuple[str, ...] = ()  # empty: every class folder under root
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True)
class PhotoSet:
    name: str
    about: str
    parts: tuple[Part, ...]


SETS: tuple[PhotoSet, ...] = (
    PhotoSet(
        "animals",
        "cats, dogs, pandas: 400 each (the 'Animals' set of PyImageSearch's DL4CV)",
        (Part(*ANIMALS, 400),),
    ),
    PhotoSet(
        "scenes15",
        "Lazebnik et al.'s 15 scene categories, grey: 100 each (the course's training split)",
        (Part(SCENES[0], SCENES[1], SCENES[2] + "/train", 100),),
    ),
    PhotoSet(
        "objects",
        "20 Caltech-101 classes of man-made objects: 50 each",
        (Part(*CALTECH, 50, classes=OBJECTS),),
    ),
    PhotoSet(
        "groups10",
        "the other 80 Caltech-101 classes, 10 photos each: a library of small groups",
        (Part(*CALTECH, 10, exclude=NOT_GROUPS),),
    ),
    PhotoSet(
        "mixed",
        "a mixed library: 3 animals x 100, 5 scenes x 100, 5 objects x 50 (no other set's photos)",
        (
            Part(*ANIMALS, 100, start=400),
            Part(
                SCENES[0],
                SCENES[1],
                SCENES[2] + "/test",
                100,
                classes=("Coast", "Forest", "Kitchen", "Street", "Office"),
            ),
            Part(*CALTECH, 50, start=50, classes=tuple(OBJECTS[:5])),
        ),
    ),
)


def _git(mirror: Path, *args: str) -> bytes:
    return subprocess.run(
        ["git", "--git-dir", str(mirror), *args], check=True, capture_output=True
    ).stdout


def _mirror(mirrors: Path, repo: str) -> Path:
    base = mirrors / repo.replace("/", "+")
    for candidate in (base / "repo" / ".git", base / "repo", base):
        if (candidate / "HEAD").is_file():
            return candidate
    raise SystemExit(f"no git snapshot of {repo} under {mirrors}")


def _copy(part: Part, mirrors: Path, folder: Path) -> dict[str, int]:
    mirror = _mirror(mirrors, part.repo)
    names = _git(mirror, "ls-tree", "-r", "--name-only", part.commit, part.root + "/").decode()
    by_class: dict[str, list[str]] = {}
    for path in sorted(names.splitlines()):
        rel = path[len(part.root) + 1 :].split("/")
        if len(rel) != 2 or not rel[1].lower().endswith((".jpg", ".jpeg", ".png")):
            continue
        if (part.classes and rel[0] not in part.classes) or rel[0] in part.exclude:
            continue
        by_class.setdefault(rel[0], []).append(path)
    counts = {}
    for label, paths in sorted(by_class.items()):
        taken = paths[part.start : part.start + part.count]
        (folder / label).mkdir(parents=True, exist_ok=True)
        for path in taken:
            target = folder / label / Path(path).name
            if not target.exists():
                target.write_bytes(_git(mirror, "show", f"{part.commit}:{path}"))
        counts[label] = len(taken)
    return counts


def build(spec: PhotoSet, mirrors: Path, out: Path) -> dict[str, int]:
    """Copy one set into `out/<set>/`: the number of photos of each class."""
    counts: dict[str, int] = {}
    for part in spec.parts:
        counts.update(_copy(part, mirrors, out / spec.name))
    return counts


SAMPLES = ("EliSchwartz/imagenet-sample-images", "bc69043")


def build_copies(mirrors: Path, out: Path, every: int = 10) -> dict[str, int]:
    """`out/copies/<original>/`: the original and its copies, for every `every`-th photo."""
    import tempfile

    from benchmarks.copydays_set import build as build_copydays
    from benchmarks.copydays_set import source_of

    mirror = _mirror(mirrors, SAMPLES[0])
    names = _git(mirror, "ls-tree", "--name-only", SAMPLES[1]).decode().split()
    chosen = [n for n in sorted(names) if n.endswith(".JPEG")][::every]
    counts: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        originals = []
        for name in chosen:
            (Path(tmp) / name).write_bytes(_git(mirror, "show", f"{SAMPLES[1]}:{name}"))
            originals.append(Path(tmp) / name)
        build_copydays(Path(tmp) / "set", originals, [], seed=19)
        for file in sorted((Path(tmp) / "set").iterdir()):
            source, edit = source_of(file.name)
            label = Path(chosen[int(source[1:])]).stem
            (out / "copies" / label).mkdir(parents=True, exist_ok=True)
            file.replace(out / "copies" / label / f"{edit}{file.suffix}")
            counts[label] = counts.get(label, 0) + 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--out", type=Path, default=Path("/work/datasets"))
    parser.add_argument("sets", nargs="*", help="names of the sets to build (default: all)")
    args = parser.parse_args()
    if not args.sets or "copies" in args.sets:
        counts = build_copies(args.mirrors, args.out)
        print(f"copies: {sum(counts.values())} photos, {len(counts)} originals with 8 copies each")
        print(f"    from {SAMPLES[0]}@{SAMPLES[1]} (copies made by benchmarks/copydays_set.py)")
    for spec in SETS:
        if args.sets and spec.name not in args.sets:
            continue
        counts = build(spec, args.mirrors, args.out)
        repos = ", ".join(sorted({p.repo + "@" + p.commit for p in spec.parts}))
        print(f"{spec.name}: {sum(counts.values())} photos, {len(counts)} classes; {spec.about}")
        print(f"    from {repos}")


if __name__ == "__main__":
    main()
