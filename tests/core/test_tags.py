"""Tags through the Library: the tag tree, word search, own tags, hidden predicted tags."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from photofind.core.catalog import PhotoResult, Tag
from photofind.core.catalog.schema import MIGRATIONS
from photofind.core.library import Library, LibraryError
from photofind.core.tagsearch import Combine, TagKind, TagRef
from photofind.core.taxonomy import imagenet
from photofind.core.vocabulary import vocabulary
from tests.helpers import TINY, make_photo


def _indexed(lib: Library, photo_dir: Path) -> Library:
    lib.add([photo_dir])
    lib.scan()
    list(lib.index())
    return lib


def _predict(lib: Library, path: Path, fine: dict[int, float], broad: dict[str, float]) -> None:
    """Store chosen predictions for a photo (the tiny model's are arbitrary)."""
    photo = lib.photo(path)
    assert photo is not None and photo.fingerprint
    labels = imagenet().labels
    lib.catalog.store_batch(
        TINY,
        [
            PhotoResult(
                photo.id,
                photo.fingerprint,
                photo.width or 1,
                photo.height or 1,
                None,
                lib.catalog.vector(photo.id, TINY),
                [Tag(labels[c], s, c) for c, s in fine.items()],
                list(broad.items()),
            )
        ],
        [],
    )


@pytest.fixture
def tagged(tiny_library: Library, photo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Library:
    """p0: a tabby cat; p1: a beagle; p2: a beagle and a tabby; p3: a sports car."""
    vocab = vocabulary()
    for name, tag in vocab.broad.items():  # measured thresholds change when re-measured
        monkeypatch.setitem(vocab.broad, name, replace(tag, threshold=0.2))
    _indexed(tiny_library, photo_dir)
    for path in sorted(photo_dir.rglob("*.*")):  # everything else: a tench
        _predict(tiny_library, path, {0: 0.9}, {"fish": 0.9})
    _predict(tiny_library, photo_dir / "p0.jpg", {281: 0.7, 282: 0.2}, {"cat": 0.9})
    _predict(tiny_library, photo_dir / "p1.jpg", {162: 0.8}, {"dog": 0.85})
    _predict(tiny_library, photo_dir / "p2.jpg", {162: 0.5, 281: 0.4}, {"dog": 0.5, "cat": 0.45})
    _predict(tiny_library, photo_dir / "p3.jpg", {817: 0.9}, {"car": 0.95})
    return tiny_library


def _names(matches: list) -> list[str]:
    return [Path(m.path).name for m in matches]


def test_words_find_photos_through_synonyms_and_hyponyms(tagged: Library) -> None:
    assert _names(tagged.search("kitten")) == ["p0.jpg", "p2.jpg"]  # best first
    assert _names(tagged.search(["puppy"])) == ["p1.jpg", "p2.jpg"]
    assert _names(tagged.search("hound")) == ["p1.jpg", "p2.jpg"]  # beagle is a hound
    assert _names(tagged.search("automobile")) == ["p3.jpg"]
    assert _names(tagged.search("vehicle")) == ["p3.jpg"]
    assert _names(tagged.search("tabby cat")) == ["p0.jpg", "p2.jpg"]
    assert _names(tagged.search(["tabby", "cat"])) == ["p0.jpg", "p2.jpg"]  # one phrase


def test_several_words_are_all_of_them_and_minus_excludes(tagged: Library) -> None:
    both = tagged.search(["dog", "cat"])
    assert _names(both) == ["p2.jpg"]
    assert both[0].score == pytest.approx(0.45)  # the weaker of the two
    assert _names(tagged.search(["cat", "-dog"])) == ["p0.jpg"]
    assert _names(tagged.search("cat -puppy")) == ["p0.jpg"]
    with pytest.raises(LibraryError, match="no tag or word matches 'xyzzyq'"):
        tagged.search(["cat", "xyzzyq"])
    with pytest.raises(LibraryError, match="did you mean 'dog'"):
        tagged.search("dgo")
    with pytest.raises(LibraryError, match="at least one word"):
        tagged.search("-cat")


def test_tags_selected_in_a_tree(tagged: Library) -> None:
    tree = tagged.tag_tree()
    by_name = {node.name: node for node in tree}
    assert by_name["cat"].kind is TagKind.BROAD and by_name["cat"].count == 2
    assert by_name["dog"].count == 2 and by_name["car"].count == 1
    assert {c.name: c.count for c in by_name["cat"].children} == {"tabby cat": 2, "tiger cat": 1}
    assert by_name["fish"].count == 4  # the others were predicted again
    counts = [n.count for n in tree if n.kind is TagKind.BROAD]
    assert counts == sorted(counts, reverse=True)
    dog, cat = TagRef(TagKind.BROAD, "dog"), TagRef(TagKind.BROAD, "cat")
    assert _names(tagged.photos_with_tags([dog, cat])) == ["p2.jpg"]
    assert _names(tagged.photos_with_tags([dog, cat], Combine.ANY)) == [
        "p0.jpg",
        "p1.jpg",
        "p2.jpg",
    ]
    assert _names(tagged.photos_with_tags([dog, cat], Combine.ANY, min_score=0.6)) == [
        "p0.jpg",
        "p1.jpg",
    ]
    beagle = TagRef(TagKind.FINE, "beagle")
    assert _names(tagged.photos_with_tags([beagle])) == ["p1.jpg", "p2.jpg"]
    with pytest.raises(LibraryError):
        tagged.photos_with_tags([TagRef(TagKind.BROAD, "unicorn")])


def test_own_tags_are_browsed_searched_and_survive_a_move_and_a_reindex(
    tagged: Library, photo_dir: Path
) -> None:
    n = tagged.add_tag("Grandma", [photo_dir / "p4.jpg", photo_dir / "p5.jpg"])
    assert n == 2
    assert _names(tagged.search("grandma")) == ["p4.jpg", "p5.jpg"]
    assert {n.name: n.count for n in tagged.tag_tree() if n.kind is TagKind.OWN} == {"grandma": 2}
    tagged.add_tag("cat", [photo_dir / "p5.jpg"])  # an own tag named like a broad tag
    assert _names(tagged.search("kitten")) == ["p5.jpg", "p0.jpg", "p2.jpg"]

    (photo_dir / "moved").mkdir()
    shutil.move(photo_dir / "p4.jpg", photo_dir / "moved" / "renamed.jpg")
    make_photo(photo_dir / "p5.jpg", seed=99)  # new content: indexed again
    report = tagged.scan()
    assert report.moved == 1 and report.changed == 1
    list(tagged.index())
    assert _names(tagged.search("grandma")) == ["renamed.jpg", "p5.jpg"]
    own = [
        t for t in tagged.photo_tags(photo_dir / "moved" / "renamed.jpg") if t.kind is TagKind.OWN
    ]
    assert [t.name for t in own] == ["grandma"]
    with pytest.raises(LibraryError, match="not in the library"):
        tagged.add_tag("grandma", [photo_dir / "p4.jpg"])


def test_removing_a_predicted_tag_hides_it_for_good(tagged: Library, photo_dir: Path) -> None:
    p2 = photo_dir / "p2.jpg"
    assert tagged.remove_tag("dog", [p2]) == 1
    hidden = {t.name: t.hidden for t in tagged.photo_tags(p2)}
    assert hidden["dog"] is True and hidden["cat"] is False
    assert _names(tagged.search("puppy")) == ["p1.jpg"]
    assert _names(tagged.search("beagle")) == ["p1.jpg"]  # not a dog, so not a beagle
    assert next(n for n in tagged.tag_tree() if n.name == "dog").count == 1
    tagged.remove_tag("tabby cat", [p2])
    assert _names(tagged.search("tabby")) == ["p0.jpg"]
    assert _names(tagged.search("kitten")) == ["p0.jpg", "p2.jpg"]  # still a cat
    make_photo(p2, seed=77)  # edited: predicted again, still hidden
    tagged.scan()
    list(tagged.index())
    _predict(tagged, p2, {162: 0.5}, {"dog": 0.5})
    assert _names(tagged.search("dog")) == ["p1.jpg"]
    tagged.add_tag("dog", [p2])  # said yes again: an own tag
    assert _names(tagged.search("dog")) == ["p2.jpg", "p1.jpg"]


def test_photos_tagged_before_broad_tags_get_them_from_their_top_classes(
    tagged: Library, library_dir: Path
) -> None:
    with sqlite3.connect(library_dir / "catalog.sqlite3") as db:
        db.execute("DELETE FROM broad_tags")
        db.execute("DELETE FROM settings WHERE key LIKE 'broad_tags.%'")
    assert tagged.search("cat") == []
    assert tagged.refresh_broad_tags() == 8
    assert _names(tagged.search("cat")) == ["p0.jpg", "p2.jpg"]  # 0.9 and 0.4 from top classes
    assert tagged.refresh_broad_tags() == 0  # once


def test_a_version_4_catalog_keeps_its_user_tags(library_dir: Path) -> None:
    library_dir.mkdir(parents=True)
    with sqlite3.connect(library_dir / "catalog.sqlite3") as db:
        for version, script in enumerate(MIGRATIONS[:4], 1):
            db.executescript(f"{script}; PRAGMA user_version = {version};")
        db.execute(
            "INSERT INTO photos(id, path, size, mtime_ns, updated_at) VALUES(1, x'2f61', 1, 1, 0)"
        )
        db.execute("INSERT INTO user_tags(photo_id, tag) VALUES(1, 'holiday')")
    with Library.open(library_dir) as lib:
        assert lib.catalog.user_tags_of(1) == [("holiday", True)]
