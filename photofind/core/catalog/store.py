"""The catalog's connection: opening, migrations, transactions and settings."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from photofind.core.catalog.rows import CatalogError
from photofind.core.catalog.schema import MIGRATIONS, SCHEMA_VERSION

__all__ = ["Store"]


class Store:
    """One connection to a library's catalog. Use one instance per thread (SQLite's rule)."""

    def __init__(self, db_path: Path) -> None:
        try:
            self._db = sqlite3.connect(db_path, timeout=30.0, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise CatalogError(f"cannot open the catalog {db_path}: {exc}") from exc

    def close(self) -> None:
        self._db.close()

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise CatalogError(
                f"this library was written by a newer photofind (schema {version}, this version "
                f"knows {SCHEMA_VERSION}); upgrade photofind to open it"
            )
        for target in range(version + 1, SCHEMA_VERSION + 1):
            # executescript commits first, so the migration carries its own BEGIN/COMMIT:
            # a crash mid-migration leaves the previous version intact.
            script = MIGRATIONS[target - 1]
            try:
                self._db.executescript(
                    f"BEGIN IMMEDIATE; {script}; PRAGMA user_version = {target}; COMMIT;"
                )
            except sqlite3.Error:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise

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
