"""Where a library lives: `--library DIR`, else `PHOTOFIND_LIBRARY`, else the user data dir."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_cache_path, user_data_path

__all__ = ["ENV_CACHE", "ENV_LIBRARY", "cache_dir", "default_library_dir", "resolve_library_dir"]

ENV_LIBRARY = "PHOTOFIND_LIBRARY"
ENV_CACHE = "PHOTOFIND_CACHE"


def cache_dir() -> Path:
    """Disposable files shared by all libraries (exported model graphs): $PHOTOFIND_CACHE or
    the platform's user cache folder."""
    env = os.environ.get(ENV_CACHE)
    return Path(env).expanduser() if env else user_cache_path("photofind", appauthor=False)


def default_library_dir() -> Path:
    """The platform's per-user data folder for photofind (e.g. ~/.local/share/photofind)."""
    return user_data_path("photofind", appauthor=False) / "library"


def resolve_library_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The library folder chosen by argument, environment or platform default, in that order."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(ENV_LIBRARY)
    if env:
        return Path(env).expanduser()
    return default_library_dir()
