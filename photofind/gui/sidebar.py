"""The sidebar: All photos, Duplicates, the library's folders with their state, and the tags."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

from photofind.core.catalog import Folder, FolderCounts
from photofind.gui.views import View, ViewKind

__all__ = ["Sidebar", "SidebarData"]

SidebarData = tuple[list[tuple[Folder, FolderCounts]], list[tuple[str, int]]]
_VIEW = Qt.ItemDataRole.UserRole + 1
TAGS_SHOWN = 200


class Sidebar(QTreeWidget):
    """Click a row to show it in the grid (`navigate`)."""

    navigate = Signal(object)  # View

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setColumnCount(2)
        self.setRootIsDecorated(False)
        self.setIndentation(12)
        self.setMinimumWidth(200)
        self.setUniformRowHeights(True)
        self._library = self._section("Library")
        self._all = self._row(self._library, "All photos", "", View(ViewKind.ALL))
        self._duplicates = self._row(self._library, "Duplicates", "", View(ViewKind.DUPLICATES))
        self._folders = self._section("Folders")
        self._tags = self._section("Tags")
        self.expandAll()
        self.header().setStretchLastSection(False)
        self.header().setSectionResizeMode(0, self.header().ResizeMode.Stretch)
        self.header().setSectionResizeMode(1, self.header().ResizeMode.ResizeToContents)
        self.itemClicked.connect(self._clicked)
        self.setCurrentItem(self._all)

    def _section(self, title: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(self, [title.upper()])
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        font = item.font(0)
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 0.85)
        item.setFont(0, font)
        item.setForeground(0, self.palette().placeholderText())
        return item

    def _row(
        self, parent: QTreeWidgetItem, text: str, count: str, view: View | None, tip: str = ""
    ) -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent, [text, count])
        item.setData(0, _VIEW, view)
        item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        item.setForeground(1, self.palette().placeholderText())
        if tip:
            item.setToolTip(0, tip)
        if view is None:
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        return item

    def set_data(
        self, data: SidebarData, indexing: set[str] | frozenset[str] = frozenset()
    ) -> None:
        """Refresh folders (with counts and state) and tags (with counts)."""
        folders, tags = data
        current = self.currentItem()
        current_view = current.data(0, _VIEW) if current is not None else None
        total = sum(c.photos for f, c in folders if f.online)
        self._all.setText(1, f"{total:,}")
        for section in (self._folders, self._tags):
            section.takeChildren()
        for folder, counts in folders:
            name = os.path.basename(folder.path.rstrip(os.sep)) or folder.path
            states = []
            if not folder.online:
                states.append("offline: its photos are kept, hidden until the drive returns")
            if counts.failed:
                states.append(f"{counts.failed} files could not be read")
            waiting = counts.photos - counts.indexed - counts.failed
            if waiting > 0:
                states.append(f"{waiting} waiting to be indexed")
            mark = " (offline)" if not folder.online else (" …" if waiting > 0 else "")
            tip = folder.path + "".join(f"\n• {s}" for s in states)
            self._row(
                self._folders,
                name + mark,
                f"{counts.photos:,}",
                View(ViewKind.FOLDER, like=(folder.path,)),
                tip,
            )
        if not folders:
            self._row(self._folders, "No folders yet", "", None)
        for label, n in tags[:TAGS_SHOWN]:
            self._row(self._tags, label, f"{n:,}", View(ViewKind.TAG, text=label))
        if not tags:
            self._row(self._tags, "Tags appear as photos are indexed", "", None)
        self.expandAll()
        if current_view is not None:
            self.select_view(current_view)

    def select_view(self, view: View) -> None:
        """Highlight the row of `view`, if it has one (a search result has none)."""
        for section in (self._library, self._folders, self._tags):
            for i in range(section.childCount()):
                item = section.child(i)
                if item.data(0, _VIEW) == view:
                    self.setCurrentItem(item)
                    return
        self.setCurrentItem(None)  # type: ignore[arg-type]
        self.clearSelection()

    def _clicked(self, item: QTreeWidgetItem) -> None:
        view = item.data(0, _VIEW)
        if isinstance(view, View):
            self.navigate.emit(view)
