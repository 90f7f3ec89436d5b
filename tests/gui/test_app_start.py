"""Starting the app on a library it cannot open: a message a person can act on."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from photofind.gui import app as app_module


def test_a_library_that_cannot_be_opened_is_explained_not_a_traceback(
    qapp: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A catalog written by a newer photofind (a downgrade): the app says why and offers
    another library instead of dying with a traceback; quitting there leaves it untouched."""
    library = tmp_path / "library"
    library.mkdir()
    catalog = library / "catalog.sqlite3"
    with sqlite3.connect(catalog) as db:
        db.execute("PRAGMA user_version = 999")
    told: list[tuple[Path, str]] = []
    monkeypatch.setattr(
        app_module.dialogs, "other_library", lambda d, why: told.append((d, why)) or None
    )
    assert app_module.run(str(library)) == 1
    [(where, why)] = told
    assert where == library and "newer photofind" in why
    with sqlite3.connect(catalog) as db:  # not migrated, not replaced
        assert db.execute("PRAGMA user_version").fetchone()[0] == 999
