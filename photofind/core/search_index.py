"""Nearest-neighbour search over the search vectors (core/search_vectors.py) instead of the
embeddings: the same Annoy cache, exact delta and atomic swaps as `VectorIndex`."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np

from photofind.core.catalog import Catalog
from photofind.core.vector_index import VectorIndex

__all__ = ["SearchIndex", "search_index_name"]


def search_index_name(model: str) -> str:
    """The file stem of a model's search-vector index (beside the embeddings' own)."""
    return f"{model}+search"


class SearchIndex(VectorIndex):
    """Search one model's search vectors. Use from one thread, like the Catalog it reads."""

    def __init__(self, folder: Path, catalog: Catalog, model: str) -> None:
        super().__init__(folder, catalog, model)
        self.name = search_index_name(model)

    def _seq(self) -> int:
        return self.catalog.search_seq()

    def _all(self) -> tuple[np.ndarray, np.ndarray]:
        return self.catalog.search_matrix(self.model)

    def _of(self, ids: list[int]) -> tuple[np.ndarray, np.ndarray]:
        return self.catalog.search_vectors_of(ids, self.model)

    def _iter(self) -> Iterable[tuple[int, np.ndarray]]:
        return self.catalog.iter_search_vectors(self.model)

    def _touched_since(self, seq: int) -> list[int]:
        return self.catalog.search_touched_since(self.model, seq)

    def _count(self) -> int:
        return self.catalog.search_count(self.model)

    def _log_length(self) -> int:
        return self.catalog.search_log_length(self.model)

    def _forget_log(self, seq: int) -> None:
        self.catalog.forget_search_log(self.model, seq)
