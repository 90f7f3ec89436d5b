"""The SQLite catalog: the library's source of truth and the only package that runs SQL."""

from __future__ import annotations

from photofind.core.catalog.browsing import BrowseQueries, FolderCounts, PhotoOrder
from photofind.core.catalog.copies import CopyQueries
from photofind.core.catalog.folders import FolderQueries
from photofind.core.catalog.maps import MapPoints, MapQueries, MapSummary
from photofind.core.catalog.photos import PhotoQueries
from photofind.core.catalog.rows import CatalogError, Counts, Folder, Photo, PhotoResult, Tag
from photofind.core.catalog.schema import SCHEMA_VERSION
from photofind.core.catalog.search import SearchQueries, SearchState
from photofind.core.catalog.tags import TagQueries
from photofind.core.catalog.user_tags import UserTagQueries
from photofind.core.catalog.vectors import VectorQueries

__all__ = [
    "SCHEMA_VERSION",
    "Catalog",
    "CatalogError",
    "Counts",
    "Folder",
    "FolderCounts",
    "MapPoints",
    "MapSummary",
    "Photo",
    "PhotoOrder",
    "PhotoResult",
    "SearchState",
    "Tag",
]


class Catalog(
    FolderQueries,
    PhotoQueries,
    VectorQueries,
    TagQueries,
    UserTagQueries,
    BrowseQueries,
    CopyQueries,
    SearchQueries,
    MapQueries,
):
    """One connection to a library's catalog. Use one instance per thread (SQLite's rule)."""
