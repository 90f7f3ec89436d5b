"""Geometric verification: is one photo a copy of another (crop, resize, re-save, recolour)?

Two photos that are copies share local features (ORB, on small greyscale renditions) that one
similarity transform (rotation, uniform scale, shift) maps onto each other, and once aligned by
it their pixels agree. A different shot of the same scene or subject fails the second test even
when some features match: the subject moved, the viewpoint changed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image

__all__ = [
    "CHECK_VERSION",
    "MIN_AGREEMENT",
    "MIN_INLIERS",
    "CopyEvidence",
    "LocalFeatures",
    "compare",
    "is_copy",
    "local_features",
]

# Bumped whenever the measures below change, so cached evidence from an older method is ignored.
CHECK_VERSION = 4
# Long side of the rendition pixels are compared on; small copies are enlarged to it.
SIDE = 256
# ORB features per photo, found on the SIDE rendition: FAST corners and binary descriptors over
# patches of ORB_PATCH pixels (ORB's default 31 leaves too little of a 256 px photo).
# A quarter of SIFT's time per photo for more copies found (README, "Duplicates").
FEATURES = 300
ORB_PATCH = 15
ORB_FAST_THRESHOLD = 10
RATIO = 0.8
# Decision thresholds, chosen on the tuning half of benchmarks/duplicates_copydays.py (README).
MIN_INLIERS = 8
MIN_AGREEMENT = 0.9
# A transform that scales by more than this (either way) is not a plausible copy.
MAX_SCALE = 6.0
# The overlap must cover this share of the smaller photo (once aligned).
MIN_OVERLAP = 0.3
# Agreement is measured in tiles of this many pixels; tiles flatter than FLAT (standard
# deviation in grey levels) say nothing; PERCENTILE of the tiles' correlations is the score.
TILE = 32
FLAT = 4.0
PERCENTILE = 20


@dataclass(frozen=True)
class LocalFeatures:
    """ORB keypoints (N x 2 positions) and binary descriptors (N x 32 bytes) of one photo's
    greyscale rendition."""

    grey: np.ndarray
    points: np.ndarray
    descriptors: np.ndarray | None


@dataclass(frozen=True)
class CopyEvidence:
    """What the comparison of two photos measured.

    `inliers`: feature matches one similarity transform explains; `agreement`: correlation of
    the two photos' pixels where they overlap once aligned (1.0 = identical up to brightness).
    """

    inliers: int
    agreement: float


def local_features(image_bytes: bytes) -> LocalFeatures:
    """Features of an encoded image (a cached thumbnail); raises ValueError if undecodable."""
    import cv2

    try:
        with Image.open(io.BytesIO(image_bytes)) as img:
            grey_img = img.convert("L")
    except Exception as exc:
        raise ValueError(f"cannot decode the thumbnail: {exc}") from None
    w, h = grey_img.size
    scale = SIDE / max(w, h, 1)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    grey = np.asarray(grey_img.resize(size, Image.Resampling.BICUBIC), dtype=np.uint8)
    orb = cv2.ORB.create(
        nfeatures=FEATURES,
        edgeThreshold=ORB_PATCH,
        patchSize=ORB_PATCH,
        fastThreshold=ORB_FAST_THRESHOLD,
    )
    keypoints, descriptors = orb.detectAndCompute(grey, None)
    points = np.array([k.pt for k in keypoints], dtype=np.float32).reshape(-1, 2)
    return LocalFeatures(grey, points, descriptors)


def compare(a: LocalFeatures, b: LocalFeatures, min_inliers: int = MIN_INLIERS) -> CopyEvidence:
    """Match `a`'s features to `b`'s, fit a similarity transform, and measure agreement (only
    when at least `min_inliers` matches fit it: fewer cannot make a copy anyway)."""
    import cv2

    if a.descriptors is None or b.descriptors is None or len(a.points) < 3 or len(b.points) < 3:
        return CopyEvidence(0, 0.0)
    query, train = _matches(a.descriptors, b.descriptors)
    if len(query) < 3:
        return CopyEvidence(len(query), 0.0)
    src, dst = a.points[query], b.points[train]
    transform, mask = cv2.estimateAffinePartial2D(
        src, dst, method=cv2.RANSAC, ransacReprojThreshold=4.0, maxIters=2000
    )
    if transform is None or mask is None:
        return CopyEvidence(0, 0.0)
    inliers = int(mask.sum())
    scale = float(np.hypot(transform[0, 0], transform[1, 0]))
    if inliers < min_inliers or not 1 / MAX_SCALE <= scale <= MAX_SCALE:
        return CopyEvidence(inliers, 0.0)
    return CopyEvidence(inliers, _agreement(a.grey, b.grey, transform))


def _matches(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(indices in `a`, indices in `b`) of the descriptor matches that pass the ratio test on
    Hamming distances, nearest first, keeping the best match per point of `b`: many matches to
    one spot let RANSAC fit a degenerate transform.

    OpenCV's batchDistance finds each descriptor's two nearest (a brute-force matcher's search,
    without one Python object per match: half its time).
    """
    import cv2

    if len(b) < 2:
        return np.empty(0, np.intp), np.empty(0, np.intp)
    two, nearest = cv2.batchDistance(a, b, cv2.CV_32S, normType=cv2.NORM_HAMMING, K=2)
    passed = np.flatnonzero(two[:, 0] < RATIO * two[:, 1])
    passed = passed[np.argsort(two[passed, 0], kind="stable")]
    _, first = np.unique(nearest[passed, 0], return_index=True)
    query = passed[np.sort(first)]
    return query, nearest[query, 0].astype(np.intp)


def _agreement(a: np.ndarray, b: np.ndarray, transform: np.ndarray) -> float:
    """How well `b` agrees with `a` warped onto it: the correlation of their pixels in each
    textured tile of the overlap, taken at a low percentile, so that every part must agree (two
    screenshots of one app share their frame, two shots of one scene their background). Both
    are blurred a little first, so heavy JPEG blocking and resampling count for little."""
    import cv2

    h, w = b.shape
    warped = cv2.warpAffine(a, transform, (w, h), flags=cv2.INTER_LINEAR)
    cover = cv2.warpAffine(np.full(a.shape, 255, np.uint8), transform, (w, h))
    inside = cv2.erode(cover, np.ones((5, 5), np.uint8)) > 0
    scale2 = float(transform[0, 0] ** 2 + transform[1, 0] ** 2)
    if inside.sum() < MIN_OVERLAP * min(a.size * scale2, b.size):
        return 0.0
    x = cv2.GaussianBlur(warped, (0, 0), 1.5).astype(np.float32)
    y = cv2.GaussianBlur(b, (0, 0), 1.5).astype(np.float32)
    rows, cols = h // TILE, w // TILE
    if rows * cols == 0:
        return _ncc(x[inside], y[inside])

    def tiles(arr: np.ndarray) -> np.ndarray:
        cut = arr[: rows * TILE, : cols * TILE].reshape(rows, TILE, cols, TILE)
        return cut.swapaxes(1, 2).reshape(rows * cols, TILE * TILE).astype(np.float32)

    tx, ty, inn = tiles(x), tiles(y), tiles(inside)
    count = inn.sum(axis=1)
    use = count >= 0.8 * TILE * TILE
    count = np.maximum(count, 1.0)
    dx = (tx - (tx * inn).sum(axis=1, keepdims=True) / count[:, None]) * inn
    dy = (ty - (ty * inn).sum(axis=1, keepdims=True) / count[:, None]) * inn
    vx, vy = (dx * dx).sum(axis=1) / count, (dy * dy).sum(axis=1) / count
    use &= (vx >= FLAT * FLAT) & (vy >= FLAT * FLAT)
    if use.sum() < 4:
        return _ncc(x[inside], y[inside])
    scores = (dx * dy).sum(axis=1)[use] / count[use] / np.sqrt(vx[use] * vy[use])
    return float(np.percentile(scores, PERCENTILE))


def _ncc(x: np.ndarray, y: np.ndarray) -> float:
    x = x - x.mean()
    y = y - y.mean()
    denom = float(np.sqrt((x * x).sum() * (y * y).sum()))
    return float((x * y).sum() / denom) if denom > 0 else 0.0


def is_copy(evidence: CopyEvidence) -> bool:
    """The verdict: enough geometric support and pixels that agree once aligned."""
    return evidence.inliers >= MIN_INLIERS and evidence.agreement >= MIN_AGREEMENT
