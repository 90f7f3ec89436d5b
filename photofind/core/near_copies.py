"""Is a query's plain nearest photo a copy of it? The duplicates' geometric check
(`copy_check.py`), asked by `similar`'s near-copy rule.

DBA and query expansion blend a photo with its look-alikes, which can bury its one true copy
(a quarter-size copy, a screenshot) below another look-alike; the plain embeddings usually keep
it nearest, but its raw cosine (0.6 to 0.8 for a screenshot) does not tell it from a look-alike.
Local features do: the rule puts the plain nearest first when the check confirms it, with the
thresholds the duplicates feature chose on its own benchmark, nothing tuned on search.

Evidence is cached in the catalog beside the duplicates' (same key, same method version), so
each answers the other's questions: `precheck` measures, after the search vectors change, each
changed photo's pair ahead of time (on a pool of threads, with progress, cancellable); a query
whose pair is not cached yet measures it then, on two thumbnails, and caches nothing (queries
run on reader threads, which never write).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import numpy as np

from photofind.core.catalog import Catalog, Photo
from photofind.core.catalog.vectors import VectorTable
from photofind.core.copy_check import CHECK_VERSION, CopyEvidence, compare, is_copy, local_features
from photofind.core.duplicates import DEFAULT_THRESHOLD
from photofind.core.pair_checks import check_pairs

__all__ = ["COPY_CANDIDATE", "CopyVerifier", "plain_nearest_pairs", "precheck"]

# A plain nearest this close is worth a check: the duplicates' candidate threshold.
COPY_CANDIDATE = DEFAULT_THRESHOLD
CHUNK = 1024  # photos whose plain nearest are found per round of reads
PROGRESS_FROM = 1000  # photos to check from which `precheck` reports progress (seconds of work)

Loader = Callable[[Photo], "bytes | None"]
Pair = tuple[str, str]


def _key(a: str, b: str) -> Pair:
    return (a, b) if a < b else (b, a)


def plain_nearest_pairs(
    catalog: Catalog, model: str, photo_ids: Sequence[int]
) -> dict[Pair, tuple[int, int]]:
    """Each of `photo_ids` whose plain nearest among its stored neighbours (as `similar` finds
    it for a library photo) has a raw cosine of at least `COPY_CANDIDATE` and other content:
    (their fingerprints, sorted) -> (the two photos, in that order)."""
    pairs: dict[Pair, tuple[int, int]] = {}
    for start in range(0, len(photo_ids), CHUNK):
        links = catalog.search_links_of(model, photo_ids[start : start + CHUNK])
        wanted = sorted({n for pid, row in links.items() for n in (pid, *row)})
        content = {pid: p.fingerprint for pid, p in catalog.photos_by_id(wanted).items()}
        ids, matrix = catalog.vectors_of(wanted, model)
        at = {int(pid): i for i, pid in enumerate(ids)}
        for pid, row in links.items():
            row = [n for n in row if n in at and n != pid]
            if pid not in at or not row:
                continue
            scores = matrix[[at[n] for n in row]] @ matrix[at[pid]]
            best = int(np.argmax(scores))  # ties: the lowest id, as `similar` breaks them
            nearest = row[best]
            fa, fb = content.get(pid), content.get(nearest)
            if scores[best] >= COPY_CANDIDATE and fa and fb and fa != fb:
                # The photos in the order of their fingerprints, as `check_pairs` reads them.
                pairs.setdefault(
                    *(((fa, fb), (pid, nearest)) if fa < fb else ((fb, fa), (nearest, pid)))
                )
    return pairs


def precheck(
    catalog: Catalog,
    model: str,
    thumbnail: Loader,
    progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
) -> bool:
    """Measure and cache the check of each photo whose search vector changed since the last
    complete run (every photo the first time) against its plain nearest, unless cached;
    `progress(done, total)` when that is `PROGRESS_FROM` photos or more. False if cancelled:
    what was measured stays cached, and the next run takes up the rest."""
    key = f"near_copies_seq:{model}"
    seq = catalog.vector_seq(VectorTable.SEARCH)
    marker = catalog.get_setting(key)
    if marker is None:
        photo_ids = catalog.search_ids(model)
    else:
        photo_ids = catalog.touched_since(model, int(marker), VectorTable.SEARCH)
    if photo_ids:  # after most indexing runs, a few photos; often none
        pairs = plain_nearest_pairs(catalog, model, photo_ids)
        shown = progress if len(photo_ids) >= PROGRESS_FROM else None
        check_pairs(catalog, pairs, None, thumbnail, shown, cancel)
    if cancel is not None and cancel.is_set():
        return False
    catalog.set_setting(key, str(seq))
    return True


class CopyVerifier:
    """Answers "is library photo X a copy of this query?" for one query: its content's
    fingerprint (None for a file whose content is unknown) and a way to read its image."""

    def __init__(
        self,
        catalog: Catalog,
        fingerprint: str | None,
        image: Callable[[], bytes | None],
        thumbnail: Loader,
    ) -> None:
        self.catalog = catalog
        self.fingerprint = fingerprint
        self.image = image
        self.thumbnail = thumbnail

    def __call__(self, photo_id: int) -> bool:
        photo = self.catalog.photos_by_id([photo_id]).get(photo_id)
        if photo is None or not photo.fingerprint:
            return False
        if self.fingerprint:
            if photo.fingerprint == self.fingerprint:
                return True
            pair = _key(self.fingerprint, photo.fingerprint)
            cached = self.catalog.copy_check(*pair, CHECK_VERSION)
            if cached is not None:
                return is_copy(CopyEvidence(*cached))
        return self._measure(photo)

    def _measure(self, photo: Photo) -> bool:
        """Measured as `check_pairs` would, the pair in its fingerprints' order (the check is
        not symmetric), so a query gets the verdict the cache will later hold."""
        mine, theirs = self.image(), self.thumbnail(photo)
        if mine is None or theirs is None:
            return False
        try:
            ours, other = local_features(mine), local_features(theirs)
        except ValueError:  # an undecodable thumbnail: no evidence, no copy
            return False
        if self.fingerprint and photo.fingerprint and photo.fingerprint < self.fingerprint:
            ours, other = other, ours
        return is_copy(compare(ours, other))
