"""The catalog's connection: opening, migrations, transactions and settings."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from photofind.core.catalog.rows import CatalogError
from photofind.core.catalog.schema import DROPS_VECTORS, MIGRATIONS, SCHEMA_VERSION

__all__ = ["Store"]


class Store:
    """One connection to a library's catalog. Use one instance per thread (SQLite's rule)."""

    def __init__(self, db_path: Path) -> None:
        self.path = db_path
        self.upgrade_note: str | None = None  # what opening this catalog upgraded, if anything
        try:
            self._db = sqlite3.connect(db_path, timeout=30.0, isolation_level=None)
            self._db.execute("PRAGMA busy_timeout = 30000")
            self._write_ahead()
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise CatalogError(f"cannot open the catalog {db_path}: {exc}") from exc

    def close(self) -> None:
        self._db.close()

    def _write_ahead(self, patience_s: float = 30.0) -> None:
        """WAL mode (kept by the file once set). A new file's first opens at once can find the
        switch locked, and SQLite does not wait on the busy timeout for it (4 threads opening a
        new catalog together failed 13 times in 60): retry as the timeout would."""
        deadline = time.monotonic() + patience_s
        while True:
            try:
                self._db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def _migrate(self) -> None:
        version = self._version()
        if version == SCHEMA_VERSION:
            return  # the usual open: no write lock taken
        if 0 < version < SCHEMA_VERSION:
            self.upgrade_note = self._back_up(version)  # before the lock: a backup reads it all
        # The version is read again under the write lock: two first opens at once (the app and
        # the CLI) must not both run the same migration.
        self._db.execute("BEGIN IMMEDIATE")
        try:
            version = self._version()
            if version > SCHEMA_VERSION:
                raise CatalogError(
                    f"this library was written by a newer photofind (schema {version}, this "
                    f"version knows {SCHEMA_VERSION}); upgrade photofind to open it"
                )
            if version < SCHEMA_VERSION:
                for target in range(version + 1, SCHEMA_VERSION + 1):
                    for statement in _statements(MIGRATIONS[target - 1]):
                        self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")  # all migrations land, or none (also when the process dies)

    def _version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _back_up(self, version: int) -> str:
        """Copy the catalog aside before changing its schema; say what indexing will redo."""
        backup = self.path.with_name(f"{self.path.name}.v{version}.bak")
        partial = backup.with_name(backup.name + ".tmp")
        partial.unlink(missing_ok=True)
        target = sqlite3.connect(partial)
        try:
            self._db.backup(target)
        finally:
            target.close()
        os.replace(partial, backup)  # two first opens at once may both back up: same content
        note = f"catalog upgraded from schema {version} to {SCHEMA_VERSION} (backup: {backup})"
        if any(v in DROPS_VECTORS for v in range(version + 1, SCHEMA_VERSION + 1)):
            photos = self._db.execute("SELECT COUNT(*) FROM photos").fetchone()[0]
            note += f"; {photos} photos will be indexed again"
        return note

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: all of it lands, or none of it (also when the process dies)."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        row = self._db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO settings(key, value) VALUES(?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def delete_setting(self, key: str) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM settings WHERE key = ?", (key,))

    def swap_setting(self, key: str, source: str) -> None:
        """Set `key` to the value of `source` and drop `source`, atomically."""
        with self.transaction() as db:
            value = db.execute("SELECT value FROM settings WHERE key = ?", (source,)).fetchone()
            if value is not None:
                db.execute(
                    "INSERT INTO settings(key, value) VALUES(?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (key, value[0]),
                )
                db.execute("DELETE FROM settings WHERE key = ?", (source,))


def _statements(script: str) -> Iterator[str]:
    """Split a migration script into statements (a trigger's body stays whole)."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer.strip()
            buffer = ""
    if buffer.strip():
        yield buffer.strip()
