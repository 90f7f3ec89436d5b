"""Nearest-neighbour search over the search vectors (core/search_vectors.py) instead of the
embeddings: the same Annoy cache, exact delta and atomic swaps as `VectorIndex`."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from photofind.core.catalog import Catalog
from photofind.core.catalog.vectors import VectorTable
from photofind.core.vector_index import VectorIndex

__all__ = ["SearchIndex", "search_index_name"]


def search_index_name(model: str) -> str:
    """The file stem of a model's search-vector index (beside the embeddings' own)."""
    return f"{model}+search"


class SearchIndex(VectorIndex):
    """Search one model's search vectors. Use from one thread, like the Catalog it reads."""

    table = VectorTable.SEARCH

    def __init__(self, folder: Path, catalog: Catalog, model: str) -> None:
        super().__init__(folder, catalog, model)
        self.name = search_index_name(model)

    def _all(self) -> tuple[np.ndarray, np.ndarray]:
        return self.catalog.search_matrix(self.model)

    def _count(self) -> int:
        return self.catalog.search_count(self.model)
