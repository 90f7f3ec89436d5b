"""The catalog's schema: ordered migrations, each run once in its own transaction."""

from __future__ import annotations

__all__ = ["DROPS_VECTORS", "MIGRATIONS", "SCHEMA_VERSION"]

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
    # 5: nothing lost to a drive that comes and goes. A folder remembers the device it lives on
    # (an empty mount point is another device); photos a scan no longer sees in bulk are held as
    # missing (hidden, kept) until the user decides; user tags of a deleted photo are kept by
    # content and come back with it; `generations` counts changes that readers cache against.
    """
    ALTER TABLE folders ADD COLUMN device INTEGER;
    ALTER TABLE folders ADD COLUMN waiting_since REAL;
    ALTER TABLE photos ADD COLUMN missing_since REAL;
    CREATE INDEX photos_missing ON photos(missing_since) WHERE missing_since IS NOT NULL;
    CREATE TABLE kept_user_tags (
        fingerprint TEXT NOT NULL,
        tag         TEXT NOT NULL,
        PRIMARY KEY (fingerprint, tag)
    ) WITHOUT ROWID;
    CREATE TRIGGER user_tags_kept BEFORE DELETE ON photos WHEN OLD.fingerprint IS NOT NULL BEGIN
        INSERT OR IGNORE INTO kept_user_tags(fingerprint, tag)
            SELECT OLD.fingerprint, tag FROM user_tags WHERE photo_id = OLD.id;
    END;
    CREATE TRIGGER user_tags_back AFTER UPDATE OF fingerprint ON photos
    WHEN NEW.fingerprint IS NOT NULL BEGIN
        INSERT OR IGNORE INTO user_tags(photo_id, tag)
            SELECT NEW.id, tag FROM kept_user_tags WHERE fingerprint = NEW.fingerprint;
        DELETE FROM kept_user_tags WHERE fingerprint = NEW.fingerprint;
    END;
    CREATE TABLE generations (
        name  TEXT PRIMARY KEY,
        value INTEGER NOT NULL
    ) WITHOUT ROWID;
    INSERT INTO generations(name, value) VALUES ('hidden', 0);
    CREATE TRIGGER hidden_folder AFTER UPDATE OF online ON folders
    WHEN OLD.online != NEW.online BEGIN
        UPDATE generations SET value = value + 1 WHERE name = 'hidden';
    END;
    CREATE TRIGGER hidden_photo AFTER UPDATE OF missing_since ON photos
    WHEN OLD.missing_since IS NOT NEW.missing_since BEGIN
        UPDATE generations SET value = value + 1 WHERE name = 'hidden';
    END;
    """,
    # 6: broad tags (sums of class probabilities, see core/vocabulary.py) per photo and model;
    # user tags say yes or no ("no" hides a predicted tag and is a taught tag's negative)
    """
    CREATE TABLE broad_tags (
        photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        model    TEXT NOT NULL,
        tag      TEXT NOT NULL,
        score    REAL NOT NULL,
        PRIMARY KEY (photo_id, model, tag)
    ) WITHOUT ROWID;
    CREATE INDEX broad_tags_tag ON broad_tags(model, tag, score);
    CREATE INDEX predicted_tags_class ON predicted_tags(model, class_index);
    ALTER TABLE user_tags ADD COLUMN positive INTEGER NOT NULL DEFAULT 1;
    CREATE INDEX user_tags_tag ON user_tags(tag, positive);
    -- a "no" kept for a photo that went away must come back as a "no"
    ALTER TABLE kept_user_tags ADD COLUMN positive INTEGER NOT NULL DEFAULT 1;
    DROP TRIGGER user_tags_kept;
    CREATE TRIGGER user_tags_kept BEFORE DELETE ON photos WHEN OLD.fingerprint IS NOT NULL BEGIN
        INSERT OR IGNORE INTO kept_user_tags(fingerprint, tag, positive)
            SELECT OLD.fingerprint, tag, positive FROM user_tags WHERE photo_id = OLD.id;
    END;
    DROP TRIGGER user_tags_back;
    CREATE TRIGGER user_tags_back AFTER UPDATE OF fingerprint ON photos
    WHEN NEW.fingerprint IS NOT NULL BEGIN
        INSERT OR IGNORE INTO user_tags(photo_id, tag, positive)
            SELECT NEW.id, tag, positive FROM kept_user_tags WHERE fingerprint = NEW.fingerprint;
        DELETE FROM kept_user_tags WHERE fingerprint = NEW.fingerprint;
    END;
    """,
    # 7: duplicate finding caches what comparing two photos' contents measured (copy_check.py)
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
    # 8: sharpness is now relative to the photo's contrast (a brightened copy no longer looks
    # sharper than its original): measure every copy again
    """
    DELETE FROM copy_facts;
    """,
    # 9: search vectors (core/search_vectors.py), a cache derived from the embeddings: each
    # photo's centred, augmented vector and the neighbours it was made from; the mean and the
    # embeddings' log position they follow; their own change log, which their index follows
    """
    CREATE TABLE search_vectors (
        photo_id   INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        model      TEXT NOT NULL,
        vector     BLOB NOT NULL,
        PRIMARY KEY (photo_id, model)
    ) WITHOUT ROWID;
    CREATE TABLE search_links (
        model       TEXT NOT NULL,
        neighbour   INTEGER NOT NULL,
        photo_id    INTEGER NOT NULL,
        PRIMARY KEY (model, neighbour, photo_id)
    ) WITHOUT ROWID;
    CREATE INDEX search_links_photo ON search_links(model, photo_id);
    CREATE TABLE search_state (
        model       TEXT PRIMARY KEY,
        mean        BLOB NOT NULL,
        params      TEXT NOT NULL,
        synced_seq  INTEGER NOT NULL,
        full_count  INTEGER NOT NULL
    );
    CREATE TABLE search_log (
        seq      INTEGER PRIMARY KEY AUTOINCREMENT,
        model    TEXT NOT NULL,
        photo_id INTEGER NOT NULL
    );
    CREATE INDEX search_log_model ON search_log(model, seq);
    CREATE TRIGGER search_vectors_added AFTER INSERT ON search_vectors BEGIN
        INSERT INTO search_log(model, photo_id) VALUES (NEW.model, NEW.photo_id);
    END;
    CREATE TRIGGER search_vectors_removed AFTER DELETE ON search_vectors BEGIN
        INSERT INTO search_log(model, photo_id) VALUES (OLD.model, OLD.photo_id);
    END;
    """,
    # 10: the library map (core/map_layout.py): each photo's place per model, laid out together
    # (placed 0) or placed into the map since (1); a photo whose vector changes loses its place
    """
    CREATE TABLE maps (
        model     TEXT PRIMARY KEY,
        made_from INTEGER NOT NULL,
        made_at   REAL NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE map_points (
        photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        model    TEXT NOT NULL,
        x        REAL NOT NULL,
        y        REAL NOT NULL,
        placed   INTEGER NOT NULL,
        PRIMARY KEY (photo_id, model)  -- by photo first: deleting a photo finds its places
    ) WITHOUT ROWID;
    CREATE TRIGGER map_point_stale AFTER INSERT ON embeddings BEGIN
        DELETE FROM map_points WHERE photo_id = NEW.photo_id AND model = NEW.model;
    END;
    CREATE TRIGGER map_point_gone AFTER DELETE ON embeddings BEGIN
        DELETE FROM map_points WHERE photo_id = OLD.photo_id AND model = OLD.model;
    END;
    """,
)

# Migrations that drop what indexing computed: a catalog upgraded across one says how much work
# indexing will redo.
DROPS_VECTORS = frozenset({4})
SCHEMA_VERSION = len(MIGRATIONS)
