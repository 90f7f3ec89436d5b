"""A Copydays-style set of real photos and the copies people make of them, and its scoring.

Each original gets every edit in EDITS; distractors are other photos with no copy. Files are
named `<source>__<edit>.<ext>`, so the truth is in the names.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Iterable
from pathlib import Path

from PIL import Image, ImageDraw, ImageEnhance, ImageOps

__all__ = ["CROPS", "EDITS", "build", "score", "source_of"]


def _crop(im: Image.Image, rng: random.Random, area: float, degrees: float) -> Image.Image:
    if degrees:
        im = im.rotate(degrees, resample=Image.Resampling.BICUBIC)
    w, h = im.size
    side = area**0.5
    cw, ch = round(w * side), round(h * side)
    # Keep clear of the corners a rotation leaves black.
    margin = abs(degrees) / 60
    x0 = rng.uniform(w * margin, max(w * margin, w - cw - w * margin))
    y0 = rng.uniform(h * margin, max(h * margin, h - ch - h * margin))
    return im.crop((round(x0), round(y0), round(x0) + cw, round(y0) + ch))


def _recolour(im: Image.Image, rng: random.Random) -> Image.Image:
    im = ImageEnhance.Brightness(im).enhance(rng.uniform(0.7, 1.4))
    im = ImageEnhance.Contrast(im).enhance(rng.uniform(0.7, 1.4))
    return ImageEnhance.Color(im).enhance(rng.uniform(0.3, 1.7))


def _frame(im: Image.Image, rng: random.Random) -> Image.Image:
    w, h = im.size
    if rng.random() < 0.5:
        pad = round(min(w, h) * rng.uniform(0.05, 0.15))
        return ImageOps.expand(im, pad, fill=tuple(rng.randrange(256) for _ in range(3)))
    strip = round(h * rng.uniform(0.12, 0.25))
    out = Image.new("RGB", (w, h + strip), "white")
    out.paste(im, (0, 0))
    ImageDraw.Draw(out).text((10, h + strip // 3), "Summer 2019, with everyone!", fill="black")
    return out


def _screenshot(im: Image.Image, rng: random.Random) -> Image.Image:
    screen = Image.new("RGB", (1280, 800), (236, 236, 236))
    draw = ImageDraw.Draw(screen)
    draw.rectangle((0, 0, 1280, 36), fill=(50, 50, 60))
    draw.rectangle((0, 36, 220, 800), fill=(210, 214, 220))
    draw.text((240, 48), "IMG_2041.JPG - Photos", fill="black")
    scale = min(980 / im.width, 680 / im.height) * rng.uniform(0.6, 1.0)
    shown = im.resize((round(im.width * scale), round(im.height * scale)))
    screen.paste(shown, (250, 90))
    return screen


Edit = Callable[[Image.Image, random.Random], Image.Image]
EDITS: dict[str, tuple[Edit, str, int]] = {  # name -> (edit, format, JPEG quality)
    "crop": (lambda im, r: _crop(im, r, r.uniform(0.4, 0.7), 0.0), "jpg", 90),
    "croprot": (
        lambda im, r: _crop(im, r, r.uniform(0.4, 0.7), r.choice((-1, 1)) * r.uniform(2, 10)),
        "jpg",
        90,
    ),
    "jpeg10": (lambda im, r: im, "jpg", 10),
    "quarter": (lambda im, r: im.resize((im.width // 4, im.height // 4)), "jpg", 85),
    "recolour": (_recolour, "jpg", 85),
    "grey": (lambda im, r: ImageOps.grayscale(im), "jpg", 85),
    "frame": (_frame, "jpg", 85),
    "screenshot": (_screenshot, "png", 0),
}
CROPS = ("crop", "croprot")


def build(folder: Path, originals: Iterable[Path], distractors: Iterable[Path], seed: int) -> int:
    """Write the set into `folder`; how many files."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for i, path in enumerate(originals):
        im = Image.open(path).convert("RGB")
        im.save(folder / f"s{i:04d}__orig.jpg", quality=92)
        for name, (edit, fmt, quality) in EDITS.items():
            out = edit(im, rng)
            out.save(
                folder / f"s{i:04d}__{name}.{fmt}", **({"quality": quality} if quality else {})
            )
        count += 1 + len(EDITS)
    for i, path in enumerate(distractors):
        Image.open(path).convert("RGB").save(folder / f"d{i:04d}__orig.jpg", quality=92)
        count += 1
    return count


def source_of(path: str) -> tuple[str, str]:
    """(source, edit) from a file name."""
    source, _, rest = Path(path).name.partition("__")
    return source, rest.rsplit(".", 1)[0]


def score(groups: Iterable[Iterable[str]], files: Iterable[str]) -> dict[str, float]:
    """Precision of grouped pairs, recall of (original, copy) pairs overall and per edit, and
    the share of originals whose group is exactly the original and all its copies."""
    group_of: dict[str, int] = {}
    for n, group in enumerate(groups):
        for path in group:
            group_of[Path(path).name] = n
    truth: dict[str, set[str]] = {}
    for path in files:
        truth.setdefault(source_of(path)[0], set()).add(Path(path).name)
    members: dict[int, set[str]] = {}
    for name, n in group_of.items():
        members.setdefault(n, set()).add(name)
    right = wrong = 0
    for names in members.values():
        for a, b in itertools.combinations(sorted(names), 2):
            if source_of(a)[0] == source_of(b)[0]:
                right += 1
            else:
                wrong += 1
    found: dict[str, list[bool]] = {edit: [] for edit in EDITS}
    complete = originals = 0
    for source, names in truth.items():
        if len(names) < 2:
            continue
        originals += 1
        orig = f"{source}__orig.jpg"
        for name in names - {orig}:
            same = orig in group_of and group_of.get(name) == group_of[orig]
            found[source_of(name)[1]].append(same)
        complete += orig in group_of and members[group_of[orig]] == names
    out = {
        "precision": right / (right + wrong) if right + wrong else 1.0,
        "false_pairs": float(wrong),
        "recall": sum(map(sum, found.values())) / max(1, sum(map(len, found.values()))),
        "recall_crops": sum(sum(found[c]) for c in CROPS)
        / max(1, sum(len(found[c]) for c in CROPS)),
        "complete": complete / max(1, originals),
    }
    out.update({f"recall_{edit}": sum(v) / max(1, len(v)) for edit, v in found.items()})
    return out
