"""photofind as it was at an earlier git revision, for benchmarks that time old and new side by
side (each run in its own process with PYTHONPATH set to the unpacked copy)."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def checkout(rev: str, into: Path) -> Path:
    """The `photofind` package at git revision `rev`, unpacked into `into` (made if needed)."""
    into.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "photofind"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into
