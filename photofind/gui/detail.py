"""The detail panel: the selected photo large, its facts, its tags and its most similar photos."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from photofind.core.files import PhotoFacts
from photofind.core.library import Library, Match
from photofind.core.tagsearch import PhotoTag, TagKind
from photofind.gui.grid import PhotoGrid
from photofind.gui.images import load_qimage
from photofind.gui.jobs import Jobs, Ticket
from photofind.gui.photo_model import PhotoListModel
from photofind.gui.photo_tags import PhotoTagList
from photofind.gui.thumbnails import ThumbnailLoader
from photofind.gui.wording import file_size, home_relative

__all__ = ["DetailPanel"]

PREVIEW_SIDE = 640
SIMILAR_COUNT = 12


class DetailPanel(QWidget):
    tag_clicked = Signal(object)  # TagRef
    tags_changed = Signal()
    more_similar = Signal(str)
    # A library photo the worker has not indexed yet: its tags and look-alikes wait for it
    # (the app's process never loads the model for one), and `analyse_again` fetches them.
    waiting = Signal(str)

    def __init__(self, jobs: Jobs, loader: ThumbnailLoader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._jobs = jobs
        self._path: str | None = None
        self._tickets: list[Ticket] = []
        self.setMinimumWidth(300)

        self.preview = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumHeight(220)
        self.preview.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.name = QLabel(textInteractionFlags=Qt.TextInteractionFlag.TextSelectableByMouse)
        self.name.setWordWrap(True)
        font = self.name.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.name.setFont(font)
        self.facts = QFormLayout()
        self.facts.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self._fact_labels: dict[str, QLabel] = {}
        for key in ("Folder", "Size", "Dimensions", "Taken", "Camera"):
            value = QLabel(textInteractionFlags=Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            self._fact_labels[key] = value
            self.facts.addRow(f"{key}:", value)
        self.tags = PhotoTagList(jobs)
        self.tags.tag_clicked.connect(self.tag_clicked)
        self.tags.edited.connect(self._retag)

        self.similar_model = PhotoListModel(loader, self)
        self.similar = PhotoGrid(self.similar_model, side=88)
        small = self.similar.font()
        small.setPointSizeF(small.pointSizeF() * 0.9)  # names under small thumbnails
        self.similar.setFont(small)
        self.similar.setMinimumHeight(240)
        self.more = QPushButton("Show all in the grid")
        self.more.setToolTip("Find similar photos and show them in the main grid")
        self.more.clicked.connect(lambda: self._path and self.more_similar.emit(self._path))
        heading = QHBoxLayout()
        heading.addWidget(self._heading("Similar photos"))
        heading.addStretch()
        heading.addWidget(self.more)

        self._about = QWidget()  # all but the preview: hidden while no photo is shown
        about = QVBoxLayout(self._about)
        about.setContentsMargins(0, 0, 0, 0)
        about.addWidget(self.name)
        about.addLayout(self.facts)
        about.addWidget(self._heading("Tags"))
        about.addWidget(self.tags)
        about.addLayout(heading)
        about.addWidget(self.similar, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.preview, 3)
        layout.addWidget(self._about, 7)
        self._image: QImage | None = None
        self._waiting = False
        self.show_photo(None)

    @staticmethod
    def _heading(text: str) -> QLabel:
        label = QLabel(text)
        font = label.font()
        font.setBold(True)
        label.setFont(font)
        return label

    @property
    def path(self) -> str | None:
        return self._path

    def show_photo(self, path: str | None, force: bool = False) -> None:
        """Fill the panel for `path` (None: empty); every read runs off the GUI thread.

        The photo already shown is not read again unless `force` (a grid refresh that kept
        the selection costs nothing here)."""
        if path == self._path and path is not None and not force:
            return
        for ticket in self._tickets:
            ticket.cancel()
        self._path = path
        self._image = None
        self.preview.clear()
        self.similar_model.set_photos([])
        for label in self._fact_labels.values():
            label.clear()
        self.more.setEnabled(path is not None)
        self._about.setVisible(path is not None)
        self.tags.set_photo(path)
        if path is None:
            self.preview.setText("Select a photo to see it here,\nwith its tags and look-alikes.")
            return
        self.name.setText(os.path.basename(path))
        self._fact_labels["Folder"].setText(home_relative(os.path.dirname(path)))
        self.preview.setText("Loading…")
        self._tickets = [
            self._jobs.read(
                lambda lib: load_qimage(path, PREVIEW_SIDE),
                self._preview_ready,
                self._preview_failed,
            ),
            self._jobs.read(lambda lib: lib.facts(path), self._facts_ready),
        ]
        self._analyse(path)

    @property
    def is_waiting(self) -> bool:
        """True while the photo shown waits for the worker to index it."""
        return self._waiting

    def analyse_again(self, waiting_only: bool = True) -> None:
        """Read the tags and look-alikes again: the photo waited for may be indexed now, or
        (not `waiting_only`) the library gained photos like it."""
        if self._path is not None and (self._waiting or not waiting_only):
            self._analyse(self._path)

    def _analyse(self, path: str) -> None:
        self._waiting = False
        self._tickets += [
            self._jobs.query(lambda lib: _tags_of(lib, path), self._tags_ready, self._tags_failed),
            self._jobs.query(
                lambda lib: _similar(lib, path), self._similar_ready, self._similar_failed
            ),
        ]

    def _preview_ready(self, image: QImage) -> None:
        self._image = image
        self._fit_preview()

    def _preview_failed(self, reason: str) -> None:
        self.preview.setText(f"Cannot show this photo:\n{reason}")

    def _fit_preview(self) -> None:
        if self._image is None:
            return
        pixmap = QPixmap.fromImage(self._image)
        self.preview.setPixmap(
            pixmap.scaled(
                self.preview.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        self._fit_preview()

    def _facts_ready(self, facts: PhotoFacts) -> None:
        labels = self._fact_labels
        labels["Size"].setText(file_size(facts.size) if facts.size else "—")
        dims = f"{facts.width} × {facts.height}" if facts.width and facts.height else "—"
        labels["Dimensions"].setText(dims)
        labels["Taken"].setText(facts.taken_at.replace("T", "  ") if facts.taken_at else "—")
        labels["Camera"].setText(facts.camera or "—")

    def _tags_ready(self, tags: list[PhotoTag] | None) -> None:
        if tags is None:
            self._wait_for_index()
            return
        self.tags.show_tags(tags)

    def _retag(self) -> None:
        self.tags_changed.emit()
        if self._path:
            path = self._path
            self._tickets.append(
                self._jobs.query(
                    lambda lib: _tags_of(lib, path), self._tags_ready, self._tags_failed
                )
            )

    def _tags_failed(self, reason: str) -> None:
        self.tags.note(reason)

    def _wait_for_index(self) -> None:
        if not self._waiting and self._path is not None:
            self._waiting = True
            self.tags.note("Indexing this photo first…")
            self.waiting.emit(self._path)

    def _similar_ready(self, matches: list[Match] | None) -> None:
        if matches is None:
            self._wait_for_index()
            return
        self.similar_model.set_photos([m.path for m in matches], [m.score for m in matches])

    def _similar_failed(self, reason: str) -> None:
        self.similar_model.set_photos([])


def _waits(lib: Library, path: str) -> bool:
    """True for a library photo the worker is yet to index (it will, sooner if asked)."""
    photo = lib.photo(path)
    return photo is not None and lib.catalog.is_pending(photo.id, lib.model)


def _tags_of(lib: Library, path: str) -> list[PhotoTag] | None:
    """A library photo's stored tags; None while it waits for the worker; a file outside the
    library (or one that failed, which says why) tagged now (loads the model)."""
    if _waits(lib, path):
        return None
    photo = lib.photo(path)
    if photo is not None and photo.fingerprint:
        return lib.photo_tags(path)
    return [PhotoTag(TagKind.FINE, t.label, t.score) for t in lib.tags(path, k=5)]


def _similar(lib: Library, path: str) -> list[Match] | None:
    return None if _waits(lib, path) else lib.similar(path, k=SIMILAR_COUNT)
