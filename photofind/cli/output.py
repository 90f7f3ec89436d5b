"""What the commands print: JSON, match rows and a progress bar."""

from __future__ import annotations

import json
import sys

from photofind.core.library import Match

__all__ = ["match_rows", "print_json", "progress_bar"]


def progress_bar(total: int):
    if total == 0 or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="photo", desc="Indexing", file=sys.stderr, dynamic_ncols=True)


def match_rows(matches: list[Match]) -> list[dict[str, object]]:
    return [{"path": m.path, "score": round(m.score, 6)} for m in matches]


def print_json(value: object) -> None:
    """JSON on stdout, non-ASCII paths kept readable."""
    print(json.dumps(value, ensure_ascii=False))
