"""The catalog's schema: ordered migrations, each run once in its own transaction."""

from __future__ import annotations

__all__ = ["MIGRATIONS", "SCHEMA_VERSION"]

# Paths are stored as the OS's own bytes (os.fsencode) in BLOB columns, so every file name the OS
# can give us round-trips exactly: non-UTF-8 names on Linux included, which a TEXT column could not
# hold. The API takes and returns `str`.
MIGRATIONS: tuple[str, ...] = (
    # 1: initial schema
    """
    CREATE TABLE folders (
        id        INTEGER PRIMARY KEY,
        path      BLOB NOT NULL UNIQUE,
        added_at  REAL NOT NULL,
        polling   INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE photos (
        id          INTEGER PRIMARY KEY,
        folder_id   INTEGER REFERENCES folders(id) ON DELETE CASCADE,
        path        BLOB NOT NULL UNIQUE,
        size        INTEGER NOT NULL,
        mtime_ns    INTEGER NOT NULL,
        fingerprint TEXT,
        width       INTEGER,
        height      INTEGER,
        taken_at    TEXT,
        status      TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'ok', 'failed')),
        error       TEXT,
        updated_at  REAL NOT NULL
    );
    CREATE INDEX photos_folder ON photos(folder_id);
    CREATE INDEX photos_fingerprint ON photos(fingerprint);
    CREATE TABLE embeddings (
        photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        model    TEXT NOT NULL,
        vector   BLOB NOT NULL,
        PRIMARY KEY (photo_id, model)
    ) WITHOUT ROWID;
    CREATE INDEX embeddings_model ON embeddings(model, photo_id);
    CREATE TABLE predicted_tags (
        photo_id    INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        model       TEXT NOT NULL,
        rank        INTEGER NOT NULL,
        class_index INTEGER NOT NULL,
        label       TEXT NOT NULL,
        score       REAL NOT NULL,
        PRIMARY KEY (photo_id, model, rank)
    ) WITHOUT ROWID;
    CREATE INDEX predicted_tags_label ON predicted_tags(model, label);
    CREATE TABLE user_tags (
        photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        tag      TEXT NOT NULL,
        PRIMARY KEY (photo_id, tag)
    ) WITHOUT ROWID;
    CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    # 2: a log of photos whose vector was added, replaced or removed, so the Annoy index (built
    # up to some seq) knows which of its entries are stale and which vectors to search exactly.
    """
    CREATE TABLE vector_log (
        seq      INTEGER PRIMARY KEY AUTOINCREMENT,
        model    TEXT NOT NULL,
        photo_id INTEGER NOT NULL
    );
    CREATE INDEX vector_log_model ON vector_log(model, seq);
    CREATE TRIGGER embeddings_added AFTER INSERT ON embeddings BEGIN
        INSERT INTO vector_log(model, photo_id) VALUES (NEW.model, NEW.photo_id);
    END;
    CREATE TRIGGER embeddings_removed AFTER DELETE ON embeddings BEGIN
        INSERT INTO vector_log(model, photo_id) VALUES (OLD.model, OLD.photo_id);
    END;
    """,
    # 3: folders on an absent drive are kept but hidden from results until they return
    """
    ALTER TABLE folders ADD COLUMN online INTEGER NOT NULL DEFAULT 1;
    """,
    # 4: models now see the whole photo, not its centre crop: vectors and tags made before are
    # computed again (a mix of both kinds would rank unfairly); photos and user tags stay
    """
    DELETE FROM predicted_tags;
    DELETE FROM embeddings;
    """,
    # 5: duplicate finding caches what comparing two photos' contents measured (copy_check.py)
    # and what ranks one copy against another (keepers.py), both by content
    """
    CREATE TABLE IF NOT EXISTS copy_checks (
        fingerprint_a TEXT NOT NULL,
        fingerprint_b TEXT NOT NULL,
        version       INTEGER NOT NULL,
        inliers       INTEGER NOT NULL,
        agreement     REAL NOT NULL,
        PRIMARY KEY (fingerprint_a, fingerprint_b)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS copy_facts (
        fingerprint TEXT PRIMARY KEY,
        sharpness   REAL NOT NULL,
        exif_tags   INTEGER NOT NULL,
        colour      INTEGER NOT NULL
    ) WITHOUT ROWID;
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
