"""A reader kept open for weeks sees every change: its caches key on counters that only grow."""

from __future__ import annotations

import shutil
from pathlib import Path

from photofind.core.library import Library
from tests.helpers import TINY, make_photo


def _names(lib: Library, query: Path) -> set[str]:
    return {Path(m.path).name for m in lib.similar(query, k=100)}


def test_one_reader_across_rebuilds(library_dir: Path, tmp_path: Path) -> None:
    root = tmp_path / "photos"
    for i in range(4):
        make_photo(root / f"a{i}.jpg", seed=i, size=(64, 48))
    writer = Library.open(library_dir, device="cpu")
    writer.set_model(TINY)
    writer.add([root])
    writer.scan()
    list(writer.index())
    writer.vector_index.rebuild()  # a small library: the rebuild only prunes the change log
    reader = Library.open(library_dir, device="cpu")
    query = root / "a0.jpg"
    assert _names(reader, query) == {"a1.jpg", "a2.jpg", "a3.jpg"}
    for i in range(3):
        make_photo(root / f"b{i}.jpg", seed=10 + i, size=(64, 48))
    writer.scan()
    list(writer.index())
    writer.vector_index.rebuild()  # the log is empty again, as it was when the reader cached
    assert _names(reader, query) == {"a1.jpg", "a2.jpg", "a3.jpg", "b0.jpg", "b1.jpg", "b2.jpg"}
    # Photos hidden by the writer (a folder emptied at once: held as missing) leave the
    # reader's results at its next query, and come back with their files.
    outside = make_photo(tmp_path / "query.jpg", seed=0, size=(64, 48))
    assert len(_names(reader, outside)) == 7
    shutil.move(root, tmp_path / "away")
    root.mkdir()
    writer.scan()
    assert _names(reader, outside) == set()
    root.rmdir()
    shutil.move(tmp_path / "away", root)
    writer.scan()
    assert len(_names(reader, outside)) == 7
    reader.close()
    writer.close()
