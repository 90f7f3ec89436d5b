"""The indexing pipeline: decode in a thread pool ahead of batched inference, store per batch.

Decoded photos wait grouped by input shape (`batching.ShapeBatches`) so that the model runs
full batches of one shape, the ones its fixed-shape sessions run fastest.

A generator yielding `Progress`, so the CLI draws a bar and the GUI's worker forwards signals;
it checks a cancel event and a pause between photos. Each batch lands in one transaction, so a
process killed at any moment resumes at the first photo without a vector. A batch the model
fails on is tried photo by photo: a photo that fails alone is marked failed with the reason,
and an error every photo meets (out of memory, a broken model) is raised for the caller.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from photofind.core.batching import ShapeBatches
from photofind.core.catalog import Catalog, Photo, PhotoResult
from photofind.core.embedder import Embedder
from photofind.core.imaging import (
    Decoded,
    ImageError,
    decode,
    fingerprint,
    read_bytes,
    thumbnail_jpeg,
)
from photofind.core.taxonomy import broad_tags, top_tags
from photofind.core.thumbnails import ThumbnailCache

__all__ = ["Prepared", "Progress", "index_pending", "prepare_photo"]


@dataclass(frozen=True)
class Progress:
    """Where an indexing run stands; `failures` holds this batch's (path, reason) pairs."""

    done: int
    total: int
    indexed: int
    failed: int
    current: str | None
    rate: float
    eta_s: float | None
    failures: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Prepared:
    """A decoded photo ready for the model."""

    fingerprint: str
    width: int
    height: int
    taken_at: str | None
    pixels: np.ndarray


def prepare_photo(
    path: str | Path, embedder: Embedder, thumbnails: ThumbnailCache | None = None
) -> Prepared:
    """Read, fingerprint, decode and fit one file to the model; ImageError says why not.

    With `thumbnails`, the photo's thumbnail is cached from the same reduced decode (about
    3 ms of one core, against decoding the photo again when a grid first shows it).
    """
    data = read_bytes(path)
    digest = fingerprint(data)
    decoded = decode(data, Path(path).suffix, min_side=embedder.decode_side)
    if thumbnails is not None:
        _cache_thumbnail(thumbnails, digest, decoded)
    return Prepared(
        digest,
        decoded.width,
        decoded.height,
        decoded.taken_at,
        embedder.prepare(decoded.image),
    )


def _cache_thumbnail(thumbnails: ThumbnailCache, digest: str, decoded: Decoded) -> None:
    # A decode reduced below the thumbnail's size leaves it to be made on demand.
    full_side = max(decoded.width, decoded.height)
    if max(decoded.image.size) >= min(thumbnails.side, full_side) and not thumbnails.has(digest):
        thumbnails.put(digest, thumbnail_jpeg(decoded.image, thumbnails.side))


def _safe_prepare(
    photo: Photo, embedder: Embedder, thumbnails: ThumbnailCache | None
) -> Prepared | str:
    try:
        return prepare_photo(photo.path, embedder, thumbnails)
    except ImageError as exc:
        return str(exc)
    except MemoryError:
        return "not enough memory to decode this image"
    except Exception as exc:  # a decoder bug must cost one photo, never the run
        return f"unexpected decoding error: {type(exc).__name__}: {exc}"


def index_pending(
    catalog: Catalog,
    embedder: Embedder,
    *,
    batch_size: int = 32,
    workers: int | None = None,
    cancel: threading.Event | None = None,
    urgent: Callable[[], list[str]] | None = None,
    total: int | None = None,
    thumbnails: ThumbnailCache | None = None,
    running: threading.Event | None = None,
    strikes: dict[int, int] | None = None,
) -> Generator[Progress, None, None]:
    """Embed and tag every photo without a vector for the embedder's model.

    `total` is the pending count when the caller has it (counting scans the catalog).
    `thumbnails`, if given, receives each photo's thumbnail from the decode threads.

    `urgent()` is asked every 64 photos: the pending photos it names (the ones a user is
    looking at) jump the queue. While `running` is cleared (paused) it waits before the next
    photo. `strikes` counts, across calls, the model's failures on a photo indexed alone; at
    `MAX_STRIKES` it is marked failed instead of raising again.
    """
    model = embedder.spec.id
    if total is None:
        total = catalog.counts(model).pending
    started = time.perf_counter()
    done = indexed = failed = 0
    if total == 0:
        return
    lookahead = batch_size * 3  # decoded photos kept ready ahead of the model
    # One decode thread per core: decoding, not the model, bounds a CPU-only machine, and a GPU
    # leaves every core to decoding.
    workers = workers or os.cpu_count() or 2
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="photofind-decode") as pool:
        queue: deque[tuple[Photo, Future[Prepared | str]]] = deque()
        rushed: set[int] = set()  # ids of the urgent photos, sent to the model without waiting
        source = _pending_photos(catalog, model, urgent, rushed)

        def refill() -> None:
            while len(queue) < lookahead:
                photo = next(source, None)
                if photo is None:
                    return
                queue.append((photo, pool.submit(_safe_prepare, photo, embedder, thumbnails)))

        refill()
        held: ShapeBatches[tuple[Photo, Prepared]] = ShapeBatches(
            batch_size, limit=4 * batch_size, max_age=16 * batch_size
        )
        while queue or held:
            failures: list[tuple[Photo, str]] = []
            while queue and len(failures) < batch_size:
                if held.ready(more_urgent=queue[0][0].id in rushed):
                    break
                if not _may_go_on(cancel, running):  # between photos: acts within a second
                    for _, future in queue:
                        future.cancel()
                    return
                photo, future = queue.popleft()
                outcome = future.result()
                if isinstance(outcome, str):
                    failures.append((photo, outcome))
                else:
                    shape = outcome.pixels.shape
                    held.add(shape, (photo, outcome), urgent=photo.id in rushed)
                refill()
            if not _may_go_on(cancel, running):
                return
            ready = held.take(final=not queue)
            results = _embed_isolating(embedder, ready, failures, strikes)
            if not results and not failures:
                continue
            catalog.store_batch(model, results, [(p.id, reason) for p, reason in failures])
            done += len(results) + len(failures)
            indexed += len(results)
            failed += len(failures)
            elapsed = time.perf_counter() - started
            rate = done / elapsed if elapsed > 0 else 0.0
            last = (ready[-1][0] if ready else failures[-1][0]).path
            yield Progress(
                done=done,
                total=max(total, done),
                indexed=indexed,
                failed=failed,
                current=last,
                rate=rate,
                eta_s=(max(total - done, 0) / rate) if rate > 0 else None,
                failures=tuple((p.path, reason) for p, reason in failures),
            )


def _pending_photos(
    catalog: Catalog,
    model: str,
    urgent: Callable[[], list[str]] | None,
    taken: set[int],
    page: int = 64,
) -> Iterator[Photo]:
    """Pending photos in catalog order, the urgent ones first; those land in `taken`."""
    after = 0  # urgent photos in `taken` are skipped when the scan reaches them
    while True:
        for path in urgent() if urgent else ():
            photo = catalog.photo_by_path(path)
            if photo and photo.id not in taken and catalog.is_pending(photo.id, model):
                taken.add(photo.id)
                yield photo
        photos = catalog.pending(model, page, after_id=after)
        if not photos:
            return
        for photo in photos:
            if photo.id not in taken:
                yield photo
        after = photos[-1].id


MAX_STRIKES = 3  # model failures on a photo indexed alone before it is marked failed


def _may_go_on(cancel: threading.Event | None, running: threading.Event | None) -> bool:
    """False once cancelled; while paused, wait here (waking to notice a cancel)."""
    while True:
        if cancel is not None and cancel.is_set():
            return False
        if running is None or running.wait(0.1):
            return not (cancel is not None and cancel.is_set())


def _embed_isolating(
    embedder: Embedder,
    ready: list[tuple[Photo, Prepared]],
    failures: list[tuple[Photo, str]],
    strikes: dict[int, int] | None,
) -> list[PhotoResult]:
    """Embed a batch; if the model fails on it, photo by photo, so one bad photo costs only
    itself (added to `failures`). An error no photo escapes is raised, unless the photo has
    failed alone `MAX_STRIKES` times."""
    if not ready:
        return []
    try:
        return _embed(embedder, ready)
    except Exception as exc:
        first = exc
    results: list[PhotoResult] = []
    alone: list[tuple[Photo, str]] = []
    for item in ready:
        try:
            results += _embed(embedder, [item])
        except Exception as exc:
            alone.append((item[0], f"the model failed on this photo: {type(exc).__name__}: {exc}"))
    if alone and not results:  # every photo failed: the model, not the photos, may be at fault
        if len(alone) > 1 or strikes is None:
            raise first
        photo = alone[0][0]
        strikes[photo.id] = strikes.get(photo.id, 0) + 1
        if strikes[photo.id] < MAX_STRIKES:
            raise first
    failures += alone
    return results


def _embed(embedder: Embedder, ready: list[tuple[Photo, Prepared]]) -> list[PhotoResult]:
    """One forward pass per input shape in the batch (landscape, portrait, square...)."""
    by_shape: dict[tuple[int, ...], list[int]] = {}
    for i, (_, prepared) in enumerate(ready):
        by_shape.setdefault(prepared.pixels.shape, []).append(i)
    vectors: list[np.ndarray] = [np.empty(0)] * len(ready)
    probs: list[np.ndarray] = [np.empty(0)] * len(ready)
    for members in by_shape.values():
        v, p = embedder.embed(np.stack([ready[i][1].pixels for i in members]))
        for j, i in enumerate(members):
            vectors[i], probs[i] = v[j], p[j]
    return [
        PhotoResult(
            photo_id=photo.id,
            fingerprint=p.fingerprint,
            width=p.width,
            height=p.height,
            taken_at=p.taken_at,
            vector=vectors[i],
            tags=top_tags(probs[i]),
            broad=broad_tags(probs[i]),
        )
        for i, (photo, p) in enumerate(ready)
    ]
