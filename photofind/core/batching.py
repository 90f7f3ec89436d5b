"""Batches of one input shape: decoded photos wait, grouped by shape, until a shape fills a batch.

The model runs fastest on full batches of one shape (a fixed-shape session per batch shape,
`runtimes.OnnxRunner`), so a batch is never split by shape nor padded needlessly. Photos of rare
shapes cannot wait for ever: once `limit` photos are held, the fullest shape goes as a short
batch; a photo that has waited while `max_age` others arrived sends its shape at once, and so
do urgent ones (photos the user is looking at) once the urgent photos next in line are held.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Generic, TypeVar

__all__ = ["ShapeBatches"]

T = TypeVar("T")


class ShapeBatches(Generic[T]):
    """Items held per shape; `take` hands out the next batch of one shape, or none yet."""

    def __init__(self, size: int, limit: int, max_age: int) -> None:
        self.size = size
        self.limit = limit
        self.max_age = max_age
        self._held: dict[Hashable, list[tuple[int, T]]] = {}
        self._count = 0  # items added so far: an item's age is the count since it came
        self._total = 0
        self._urgent: set[Hashable] = set()  # shapes holding an urgent item

    def __len__(self) -> int:
        return self._total

    def add(self, shape: Hashable, item: T, urgent: bool = False) -> None:
        if urgent:
            self._urgent.add(shape)
        self._held.setdefault(shape, []).append((self._count, item))
        self._count += 1
        self._total += 1

    def ready(self, more_urgent: bool = False) -> bool:
        """Whether `take` would hand out a batch now (without `final`). Urgent items wait for
        each other while `more_urgent` says the next item to come is urgent too."""
        if self._urgent and not more_urgent:
            return True
        return self._next(final=False, urgent=False) is not None

    def take(self, final: bool = False) -> list[T]:
        """The next batch: a full shape, else (held too many, or too long, or `final`) the
        fullest, oldest or urgent shape; empty when nothing need go yet."""
        shape = self._next(final)
        if shape is None:
            return []
        batch = self._held[shape][: self.size]
        rest = self._held[shape][self.size :]
        if rest:
            self._held[shape] = rest
        else:
            del self._held[shape]
        self._urgent.discard(shape)
        self._total -= len(batch)
        return [item for _, item in batch]

    def _next(self, final: bool, urgent: bool = True) -> Hashable | None:
        if not self._held:
            return None
        fullest = max(self._held, key=lambda s: len(self._held[s]))
        if len(self._held[fullest]) >= self.size:
            return fullest
        if urgent and self._urgent:
            return next(iter(self._urgent))
        oldest = min(self._held, key=lambda s: self._held[s][0][0])
        if self._count - 1 - self._held[oldest][0][0] >= self.max_age:
            return oldest
        if final or self._total >= self.limit:
            return fullest
        return None
