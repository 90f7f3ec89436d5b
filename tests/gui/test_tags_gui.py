"""Tags in the app: the sidebar's tag tree and the search box fill the grid."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from photofind.core.tagsearch import TagKind, TagRef
from photofind.gui.sidebar import _TAG
from photofind.gui.views import View, ViewKind

TIMEOUT = 30_000


def names(window) -> set[str]:
    return {Path(p).name for p in window.model.paths()}


def test_selecting_a_tag_in_the_sidebar_fills_the_grid(open_window, real_library, qtbot) -> None:
    window = open_window(real_library / "library", start_worker=False)
    tree = window.sidebar.tree
    qtbot.waitUntil(lambda: bool(window.sidebar._tag_items()), timeout=TIMEOUT)
    (cat,) = [
        i for i in window.sidebar._tag_items() if i.data(0, _TAG) == TagRef(TagKind.BROAD, "cat")
    ]
    assert int(cat.text(1)) == 2  # chelsea and its copy
    cat.setSelected(True)
    tree.itemClicked.emit(cat, 0)
    qtbot.waitUntil(lambda: names(window) == {"chelsea.jpg", "chelsea_small.jpg"}, timeout=TIMEOUT)
    assert window.history.current.kind is ViewKind.TAG
    assert window.title.text() == "Tagged “cat”"
    scores = [window.model.index(r).data(Qt.ItemDataRole.UserRole + 2) for r in range(2)]
    assert all(s > 0.5 for s in scores)


def test_typing_a_word_in_the_search_box_fills_the_grid(open_window, real_library, qtbot) -> None:
    window = open_window(real_library / "library", start_worker=False)
    qtbot.waitUntil(lambda: window.model.rowCount() == 7, timeout=TIMEOUT)
    qtbot.keyClicks(window.search, "kitten")
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: names(window) == {"chelsea.jpg", "chelsea_small.jpg"}, timeout=TIMEOUT)
    assert window.history.current == View(ViewKind.SEARCH, text="kitten")
    window.search.clear()
    qtbot.keyClicks(window.search, "puppy")  # a word that means dog: no dog here
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.model.rowCount() == 0, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: window.status_text.text() != "", timeout=TIMEOUT)


def test_an_own_tag_from_the_detail_panel_appears_in_the_sidebar(
    open_window, own_library: Path, qtbot
) -> None:
    window = open_window(own_library / "library", start_worker=False)
    qtbot.waitUntil(lambda: window.model.rowCount() == 7, timeout=TIMEOUT)
    window.grid.select_path(str(own_library / "photos" / "rocket.jpg"))
    qtbot.waitUntil(lambda: "rocket" in window.detail.name.text(), timeout=TIMEOUT)
    qtbot.keyClicks(window.detail.tags.add_tag, "launch day")
    qtbot.keyClick(window.detail.tags.add_tag, Qt.Key.Key_Return)
    own = TagRef(TagKind.OWN, "launch day")
    qtbot.waitUntil(
        lambda: any(i.data(0, _TAG) == own for i in window.sidebar._tag_items()), timeout=TIMEOUT
    )
    qtbot.waitUntil(lambda: "launch day" in window.detail.tags.text(), timeout=TIMEOUT)


def test_removing_a_tag_from_several_photos_hides_it_there(
    open_window, own_library: Path, qtbot
) -> None:
    window = open_window(own_library / "library", start_worker=False)
    cats = [str(own_library / "photos" / n) for n in ("chelsea.jpg", "chelsea_small.jpg")]
    window.tag_photos("cat", cats, yes=False)  # what the context menu's Remove Tag… does
    qtbot.waitUntil(lambda: "no longer" in window.status_text.text(), timeout=TIMEOUT)
    window.show_view(View(ViewKind.SEARCH, text="cat"))
    qtbot.waitUntil(lambda: "No photo" in window.status_text.text(), timeout=TIMEOUT)
    assert window.model.rowCount() == 0
