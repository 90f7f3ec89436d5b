"""What the commands print: JSON, match rows and a progress bar."""

from __future__ import annotations

import io
import json
import os
import re
import sys

from photofind.core.library import Match

__all__ = ["match_rows", "print_json", "progress_bar", "tolerate_any_file_name"]

_SURROGATE = re.compile("[\ud800-\udfff]")


def progress_bar(total: int, desc: str = "Indexing"):
    if total == 0 or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="photo", desc=desc, file=sys.stderr, dynamic_ncols=True)


def match_rows(matches: list[Match]) -> list[dict[str, object]]:
    return [{"path": m.path, "score": round(m.score, 6)} for m in matches]


def print_json(value: object) -> None:
    """JSON on stdout, non-ASCII paths kept readable.

    A file name that is not valid UTF-8 (Linux allows any bytes) holds lone surrogates; they are
    written as \\udcXX escapes, so the output stays valid UTF-8 JSON and reads back to the same
    name (`os.fsencode` gives the bytes again).
    """
    text = json.dumps(value, ensure_ascii=False)
    print(_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


def tolerate_any_file_name() -> None:
    """Let stdout and stderr print file names that are not valid UTF-8 instead of failing:
    their original bytes on POSIX (as `ls` prints them), escaped elsewhere."""
    errors = "surrogateescape" if os.name == "posix" else "backslashreplace"
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors=errors)
