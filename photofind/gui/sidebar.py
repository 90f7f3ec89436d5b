"""The sidebar: All photos, Duplicates, the library's folders with their state, and the tags.

Tags form a tree (everyday tags open onto their ImageNet kinds, then your own tags), with a
filter box; Ctrl-click picks several, shown as photos with all (or any) of them, at the chosen
confidence.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from photofind.core.catalog import Folder, FolderCounts
from photofind.core.tagsearch import Combine, TagKind, TagNode, TagRef
from photofind.gui.views import View, ViewKind

__all__ = ["Sidebar", "SidebarData"]

_VIEW = Qt.ItemDataRole.UserRole + 1
_TAG = Qt.ItemDataRole.UserRole + 2
# Confidence levels: None uses each tag's threshold measured on labelled photos (README).
CONFIDENCE = {"Likely (measured)": None, "Possible": 0.05, "Almost certain": 0.6}


@dataclass(frozen=True)
class SidebarData:
    folders: list[tuple[Folder, FolderCounts, int]]  # with photos held missing
    tags: list[TagNode]


class Sidebar(QWidget):
    """Click a row to show it in the grid (`navigate`); own tags offer teaching (`teach`)."""

    navigate = Signal(object)  # View
    teach = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree = QTreeWidget()
        tree = self.tree
        tree.setHeaderHidden(True)
        tree.setColumnCount(2)
        tree.setIndentation(14)
        tree.setUniformRowHeights(True)
        tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        tree.customContextMenuRequested.connect(self._menu)
        tree.header().setStretchLastSection(False)
        tree.header().setSectionResizeMode(0, tree.header().ResizeMode.Stretch)
        tree.header().setSectionResizeMode(1, tree.header().ResizeMode.ResizeToContents)
        self._library = self._section("Library")
        self._all = self._row(self._library, "All photos", "", View(ViewKind.ALL))
        self._duplicates = self._row(self._library, "Duplicates", "", View(ViewKind.DUPLICATES))
        self._map = self._row(self._library, "Map", "", View(ViewKind.MAP))
        self._folders = self._section("Folders")
        self._tags = self._section("Tags")
        tree.expandAll()
        tree.itemClicked.connect(self._clicked)
        tree.setCurrentItem(self._all)

        self.filter = QLineEdit(placeholderText="Filter tags")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._apply_filter)
        self.combine = QComboBox()
        self.combine.addItem("all picked tags", Combine.ALL)
        self.combine.addItem("any picked tag", Combine.ANY)
        self.combine.setToolTip("With several tags picked (Ctrl-click): photos with all or any")
        self.confidence = QComboBox()
        self.confidence.addItems(list(CONFIDENCE))
        self.confidence.setToolTip("How sure photofind must be before a photo counts as tagged")
        self.combine.currentIndexChanged.connect(lambda _: self._tags_changed())
        self.confidence.currentIndexChanged.connect(lambda _: self._tags_changed())
        self._tag_tools = QWidget()  # shown once there are tags to filter and pick
        options = QVBoxLayout(self._tag_tools)
        options.setContentsMargins(0, 0, 0, 0)
        options.addWidget(self.filter)
        for label, widget in (("Photos with", self.combine), ("Confidence", self.confidence)):
            row = QHBoxLayout()
            row.addWidget(QLabel(label))
            row.addWidget(widget, 1)
            options.addLayout(row)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(tree, 1)
        layout.addWidget(self._tag_tools)
        self.setMinimumWidth(210)

    @property
    def min_score(self) -> float | None:
        return CONFIDENCE[self.confidence.currentText()]

    def changeEvent(self, event: QEvent) -> None:
        """A theme switched while the app runs (light to dark): the dimmed texts follow it."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            dim = self.palette().placeholderText()
            for i in range(self.tree.topLevelItemCount()):
                section = self.tree.topLevelItem(i)
                section.setForeground(0, dim)
                stack = [section.child(j) for j in range(section.childCount())]
                while stack:
                    item = stack.pop()
                    item.setForeground(1, dim)
                    stack += [item.child(j) for j in range(item.childCount())]

    def _section(self, title: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(self.tree, [title.upper()])
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

    def set_data(self, data: SidebarData) -> None:
        """Refresh folders (with counts and state) and tags (with counts)."""
        current = self.tree.currentItem()
        current_view = current.data(0, _VIEW) if current is not None else None
        open_tags = {
            self._tags.child(i).text(0)
            for i in range(self._tags.childCount())
            if self._tags.child(i).isExpanded()
        }
        total = sum(c.photos for f, c, _ in data.folders if f.online)
        self._all.setText(1, f"{total:,}")
        for section in (self._folders, self._tags):
            section.takeChildren()
        for folder, counts, missing in data.folders:
            self._folder_row(folder, counts, missing)
        if not data.folders:
            self._row(self._folders, "No folders yet", "", None)
        for node in data.tags:
            self._tag_row(self._tags, node, node.name in open_tags)
        if not data.tags:
            self._row(self._tags, "None yet", "", None, "Tags appear as photos are indexed")
        self._tag_tools.setVisible(bool(data.tags))
        self._folders.setExpanded(True)
        self._tags.setExpanded(True)
        self._apply_filter(self.filter.text())
        if current_view is not None:
            self.select_view(current_view)

    def _folder_row(self, folder: Folder, counts: FolderCounts, missing: int) -> None:
        name = os.path.basename(folder.path.rstrip(os.sep)) or folder.path
        states = []
        if not folder.online:
            states.append("offline: its photos are kept, hidden until the drive returns")
        if missing:
            states.append(f"{missing:,} photos missing: kept, hidden until you decide")
        if counts.failed:
            states.append(f"{counts.failed:,} files could not be read")
        waiting = counts.photos - counts.indexed - counts.failed
        if waiting > 0:
            states.append(f"{waiting:,} waiting to be indexed")
        mark = " (offline)" if not folder.online else (" …" if waiting > 0 else "")
        tip = folder.path + "".join(f"\n• {s}" for s in states)
        self._row(
            self._folders,
            name + mark,
            f"{counts.photos:,}",
            View(ViewKind.FOLDER, like=(folder.path,)),
            tip,
        )

    def _tag_row(self, parent: QTreeWidgetItem, node: TagNode, expanded: bool) -> None:
        text = node.name if node.kind is not TagKind.OWN else f"🏷 {node.name}"
        item = self._row(parent, text, f"{node.count:,}", None)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        item.setData(0, _TAG, TagRef(node.kind, node.name))
        tip = {
            TagKind.BROAD: "everyday tag",
            TagKind.FINE: "kind (ImageNet class)",
            TagKind.OWN: "your tag: right-click to find more like it",
        }[node.kind]
        item.setToolTip(0, f"{node.name}: {tip}")
        for child in node.children:
            self._tag_row(item, child, False)
        item.setExpanded(expanded)

    def select_view(self, view: View) -> None:
        """Highlight the row(s) of `view`, if it has any (a search result has none)."""
        self.tree.blockSignals(True)
        self.tree.clearSelection()
        if view.kind is ViewKind.TAG:
            wanted = set(view.tags)
            for item in self._tag_items():
                item.setSelected(item.data(0, _TAG) in wanted)
        else:
            for section in (self._library, self._folders):
                for i in range(section.childCount()):
                    item = section.child(i)
                    if item.data(0, _VIEW) == view:
                        self.tree.setCurrentItem(item)
        self.tree.blockSignals(False)

    def _tag_items(self) -> list[QTreeWidgetItem]:
        found: list[QTreeWidgetItem] = []
        stack = [self._tags.child(i) for i in range(self._tags.childCount())]
        while stack:
            item = stack.pop()
            if item.data(0, _TAG) is not None:
                found.append(item)
            stack.extend(item.child(i) for i in range(item.childCount()))
        return found

    def picked_tags(self) -> tuple[TagRef, ...]:
        refs = [i.data(0, _TAG) for i in self.tree.selectedItems()]
        return tuple(r for r in refs if isinstance(r, TagRef))

    def _tags_changed(self) -> None:
        tags = self.picked_tags()
        if tags:
            combine = self.combine.currentData()
            self.navigate.emit(
                View(ViewKind.TAG, tags=tags, combine=combine, min_score=self.min_score)
            )

    def _clicked(self, item: QTreeWidgetItem) -> None:
        if item.data(0, _TAG) is not None:
            for other in self.tree.selectedItems():  # tags combine with tags only
                if other.data(0, _TAG) is None:
                    other.setSelected(False)
            self._tags_changed()
            return
        view = item.data(0, _VIEW)
        if isinstance(view, View):
            for other in self.tree.selectedItems():
                if other is not item:
                    other.setSelected(False)
            self.navigate.emit(view)

    def _apply_filter(self, text: str) -> None:
        needle = text.strip().casefold()
        for i in range(self._tags.childCount()):
            item = self._tags.child(i)
            names = [item.text(0)] + [item.child(j).text(0) for j in range(item.childCount())]
            shown = not needle or any(needle in n.casefold() for n in names)
            item.setHidden(not shown)
            if needle and shown:
                item.setExpanded(True)

    def _menu(self, pos: QPoint) -> None:
        item = self.tree.itemAt(pos)
        ref = item.data(0, _TAG) if item is not None else None
        if not isinstance(ref, TagRef) or ref.kind is not TagKind.OWN:
            return
        menu = QMenu(self)
        action = menu.addAction(f"Find More Photos of “{ref.name}”")
        action.setToolTip("photofind learns the tag from your tagged photos and proposes others")
        action.triggered.connect(lambda: self.teach.emit(ref.name))
        menu.exec(self.tree.viewport().mapToGlobal(pos))
