"""Which copy of a photo to keep, and why: resolution, colour, sharpness, EXIF completeness."""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from photofind.core.catalog import Photo
from photofind.core.imaging import CopyQuality, ImageError, copy_quality

__all__ = ["DuplicateGroup", "DuplicateMember", "KeeperFacts", "Quality", "Reason", "rank_copies"]

Quality = Callable[[Photo], CopyQuality]  # raises ImageError for an unreadable photo

# Sharpness within this fraction of the best counts as equal: re-saving the same pixels at
# another quality, or brightening them, moves it by up to about 15 per cent; a slight blur
# (Gaussian, 0.6 px) by 30 per cent.
SHARPNESS_TOLERANCE = 0.2


class Reason(enum.Enum):
    """What ranked a copy where it is against the copy kept."""

    RESOLUTION = "resolution"
    COLOUR = "colour"  # a greyscale copy never wins over one in colour
    SHARPNESS = "sharpness"
    EXIF = "exif"
    FILE_SIZE = "file size"  # equal otherwise: the bigger file is the less compressed
    IDENTICAL = "identical"  # the same bytes: nothing tells them apart but the path
    TIE = "tie"  # equal on every count, different files: the first path is kept


@dataclass(frozen=True)
class KeeperFacts:
    """What the keeper choice compares; `readable` is False if the file could not be read."""

    width: int
    height: int
    sharpness: float
    exif_tags: int
    colour: bool = True
    file_size: int = 0
    readable: bool = True

    @property
    def pixels(self) -> int:
        return self.width * self.height


@dataclass(frozen=True)
class DuplicateMember:
    """One copy in a group. `reason` is what decided its place against the keeper (for the
    keeper: what made it win over the runner-up); `explanation` says it in words."""

    photo: Photo
    facts: KeeperFacts
    keeper: bool
    reason: Reason
    identical_to_keeper: bool
    explanation: str


@dataclass(frozen=True)
class DuplicateGroup:
    """Copies of one photo, keeper first."""

    members: tuple[DuplicateMember, ...]

    @property
    def keeper(self) -> DuplicateMember:
        return self.members[0]

    @property
    def photos(self) -> list[Photo]:
        return [m.photo for m in self.members]


def _facts(photo: Photo, measure: Quality | None) -> KeeperFacts:
    width, height = photo.width or 0, photo.height or 0
    try:
        quality = measure(photo) if measure is not None else copy_quality(photo.path)
    except ImageError:
        return KeeperFacts(width, height, 0.0, 0, False, photo.size, readable=False)
    return KeeperFacts(
        width, height, quality.sharpness, quality.exif_tags, quality.colour, photo.size
    )


def _sharper(a: KeeperFacts, b: KeeperFacts) -> bool:
    return a.sharpness > b.sharpness * (1 + SHARPNESS_TOLERANCE)


def _reason(better: KeeperFacts, worse: KeeperFacts, same_bytes: bool) -> Reason:
    if same_bytes:
        return Reason.IDENTICAL
    if better.pixels != worse.pixels:
        return Reason.RESOLUTION
    if better.colour != worse.colour:
        return Reason.COLOUR
    if _sharper(better, worse) or _sharper(worse, better):
        return Reason.SHARPNESS
    if better.exif_tags != worse.exif_tags:
        return Reason.EXIF
    if better.file_size != worse.file_size:
        return Reason.FILE_SIZE
    return Reason.TIE


def _explain(reason: Reason, keeper: KeeperFacts, other: KeeperFacts, is_keeper: bool) -> str:
    me, them = (keeper, other) if is_keeper else (other, keeper)
    if reason is Reason.IDENTICAL:
        return "byte-identical copies; first path kept" if is_keeper else "identical file"
    if reason is Reason.RESOLUTION:
        word = "highest resolution" if is_keeper else "lower resolution"
        return f"{word} ({me.width}x{me.height} against {them.width}x{them.height})"
    if reason is Reason.COLOUR:
        return "in colour; the other is greyscale" if is_keeper else "greyscale"
    if reason is Reason.SHARPNESS:
        if is_keeper:
            times = me.sharpness / max(them.sharpness, 1e-9)
            return f"sharpest at equal resolution ({times:.1f}x the detail)"
        return f"less sharp ({me.sharpness / them.sharpness:.0%} of the keeper's detail)"
    if reason is Reason.EXIF:
        word = "most complete EXIF" if is_keeper else "less EXIF"
        return f"{word} ({me.exif_tags} tags against {them.exif_tags})"
    if reason is Reason.FILE_SIZE:
        word = "least compressed" if is_keeper else "more compressed"
        return f"{word} ({me.file_size / 1000:.0f} KB against {them.file_size / 1000:.0f} KB)"
    return "equal to the others; first path kept" if is_keeper else "equal to the keeper"


def rank_copies(photos: Sequence[Photo], quality: Quality | None = None) -> DuplicateGroup:
    """Order copies keeper first (most pixels, colour over greyscale, sharpest, most EXIF tags,
    biggest file, then path) and say why each stands where it does.

    `quality(photo)` gives a photo's sharpness, EXIF and colour (duplicates.py measures them on
    the thumbnail and caches them); without it each file is read.
    """
    facts = {p.id: _facts(p, quality) for p in photos}
    best: dict[tuple[int, bool], float] = {}
    for f in facts.values():
        best[f.pixels, f.colour] = max(best.get((f.pixels, f.colour), 0.0), f.sharpness)

    def key(photo: Photo) -> tuple[int, bool, bool, float, int, int, str]:
        f = facts[photo.id]
        # Within the tolerance of the sharpest of its kind counts as sharpest, so the EXIF can
        # decide between copies of equal pixels.
        near_best = not _sharper(KeeperFacts(0, 0, best[f.pixels, f.colour], 0), f)
        sharp = 0.0 if near_best else -f.sharpness
        return (
            -f.pixels,
            not f.colour,
            not near_best,
            sharp,
            -f.exif_tags,
            -f.file_size,
            photo.path,
        )

    ordered = sorted(photos, key=key)
    first = ordered[0]
    top = facts[first.id]
    members = []
    for i, photo in enumerate(ordered):
        same = photo.fingerprint is not None and photo.fingerprint == first.fingerprint
        if i == 0:
            runner = ordered[1]
            reason = _reason(top, facts[runner.id], runner.fingerprint == first.fingerprint)
            text = _explain(reason, top, facts[runner.id], True)
        else:
            reason = _reason(top, facts[photo.id], same)
            text = _explain(reason, top, facts[photo.id], False)
        if not facts[photo.id].readable:
            text += "; the file could not be read"
        members.append(DuplicateMember(photo, facts[photo.id], i == 0, reason, same, text))
    return DuplicateGroup(tuple(members))
