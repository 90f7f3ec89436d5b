"""The headless command line: index folders, find similar photos, read tags, show status."""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import sys
from collections.abc import Callable, Sequence

from photofind.cli import evaluate, indexing, mapping, queries, tagging
from photofind.cli.output import tolerate_any_file_name
from photofind.cli.parser import build_parser
from photofind.core.library import Library, LibraryError
from photofind.core.tagsearch import EXCLUDE

__all__ = ["main"]

COMMANDS: dict[str, Callable[[Library, argparse.Namespace], int]] = {
    "index": indexing.index,
    "similar": queries.similar,
    "tags": queries.tags,
    "browse": tagging.browse,
    "tag": tagging.tag,
    "teach": tagging.teach,
    "duplicates": queries.duplicates,
    "watch": indexing.watch,
    "map": mapping.show_map,
    "eval": evaluate.evaluate,
    "status": indexing.status,
}


_MARK = "\x00"
_EXCLUDE_WORD = re.compile(r"-[^\W\d_][\w' -]*")
_SHORT = re.compile(r"-k\d+")  # browse's own short option with its value


def _excluded_words(argv: Sequence[str]) -> list[str]:
    """`browse cat -kitten`: argparse would read -kitten as `-k itten`; mark such words."""
    out = list(argv)
    if "browse" in out:
        for i in range(out.index("browse") + 1, len(out)):
            word = out[i]
            if _EXCLUDE_WORD.fullmatch(word) and len(word) > 2 and not _SHORT.fullmatch(word):
                out[i] = _MARK + word[1:]
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """`photofind` alone (or with --library, --device, --similar FILE...) opens the desktop app;
    `photofind COMMAND ...` runs a headless command."""
    tolerate_any_file_name()
    argv = list(sys.argv[1:] if argv is None else argv)
    app_args = _app_arguments(argv)
    if app_args is not None:
        from photofind.gui.app import run  # Qt is imported only for the app

        return run(app_args.library, app_args.similar, app_args.device)
    args = build_parser().parse_args(_excluded_words(argv))
    if args.command == "browse":
        args.words = [EXCLUDE + w[1:] if w.startswith(_MARK) else w for w in args.words]
    try:
        with Library.open(getattr(args, "library", None), getattr(args, "device", None)) as lib:
            if lib.catalog.upgrade_note:
                print(f"photofind: {lib.catalog.upgrade_note}", file=sys.stderr)
            code = COMMANDS[args.command](lib, args)
            sys.stdout.flush()  # a closed pipe shows here, inside the handlers below
            return code
    except LibraryError as exc:
        print(f"photofind: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head` and the like, which stopped reading
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except sqlite3.Error as exc:  # disk full, a file system gone read-only...
        print(f"photofind: error: the library's catalog failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("photofind: interrupted; run the command again to resume", file=sys.stderr)
        return 130


def _app_arguments(argv: list[str]) -> argparse.Namespace | None:
    """The app's options if `argv` names no command, else None (the CLI parses it)."""
    if any(a in COMMANDS for a in argv) or any(a in ("-h", "--help", "--version") for a in argv):
        return None
    parser = argparse.ArgumentParser(prog="photofind", add_help=False)
    parser.add_argument("--library")
    parser.add_argument("--device")
    parser.add_argument("--similar", nargs="*", default=[])
    args, rest = parser.parse_known_args(argv)
    return None if rest else args
