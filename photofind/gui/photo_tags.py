"""The detail panel's tags of one photo: each a link that browses it, its score, a ✕ that takes
it off the photo; and a line that adds the user's own tag."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from photofind.core.tagsearch import PhotoTag, TagKind, TagRef
from photofind.gui.jobs import Jobs

__all__ = ["TAG_FLOOR", "PhotoTagList", "shown_tags"]

# A machine tag less likely than this reads as noise beside the ones above it ("Chesapeake Bay
# retriever 1%" under "golden retriever 84%"); the most likely one is shown whatever its score.
TAG_FLOOR = 0.05


def shown_tags(tags: list[PhotoTag]) -> list[PhotoTag]:
    """The user's own tags first, then machine tags from `TAG_FLOOR` up (at least the most
    likely), most likely first whether everyday or fine ('beach 63%, seashore 49%, mountain
    19%', not every everyday tag before every fine one)."""
    own = [t for t in tags if t.kind is TagKind.OWN]
    machine = sorted((t for t in tags if t.kind is not TagKind.OWN), key=lambda t: -t.score)
    top = machine[0].score if machine else 0.0
    return own + [t for t in machine if t.score >= min(TAG_FLOOR, top)]


class PhotoTagList(QWidget):
    """`show_tags` lists a photo's tags; `edited` fires once a tag was added or removed (the
    owner reads them again)."""

    tag_clicked = Signal(object)  # TagRef
    edited = Signal()

    def __init__(self, jobs: Jobs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._jobs = jobs
        self._path: str | None = None
        self._tags: list[PhotoTag] = []
        self.label = QLabel(textFormat=Qt.TextFormat.RichText)
        self.label.setWordWrap(True)
        self.label.linkActivated.connect(self._link)
        self.add_tag = QLineEdit(placeholderText="Add a tag…")
        self.add_tag.setToolTip(
            "Your own tag for this photo (Enter); it survives moves and renames"
        )
        self.add_tag.returnPressed.connect(self._add)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.add_tag)

    def text(self) -> str:
        return self.label.text()

    def set_photo(self, path: str | None) -> None:
        self._path, self._tags = path, []
        self.note("Reading…" if path else "")

    def note(self, text: str) -> None:
        """A line in place of the tags: reading, waiting, or why they cannot be had."""
        self.label.setText(f"<i>{html.escape(text)}</i>" if text else "")

    def show_tags(self, tags: list[PhotoTag]) -> None:
        self._tags = [t for t in shown_tags(tags) if not t.hidden]
        rows = []
        for i, t in enumerate(self._tags):
            name = html.escape(t.name)
            score = "yours" if t.kind is TagKind.OWN else f"{t.score:.0%}"
            rows.append(
                f'<a href="show:{i}">{name}</a>&nbsp;&nbsp;<span style="color:gray">{score}'
                f'</span>&nbsp;&nbsp;<a href="remove:{i}" style="color:gray;text-decoration:none"'
                ' title="Not this tag: remove it from this photo">✕</a>'
            )
        self.label.setText("<br>".join(rows) if rows else "<i>No tags</i>")

    def _link(self, link: str) -> None:
        what, _, index = link.partition(":")
        tag = self._tags[int(index)]
        if what == "show":
            self.tag_clicked.emit(TagRef(tag.kind, tag.name))
        elif what == "remove" and self._path:
            path = self._path
            self._jobs.read(lambda lib: lib.remove_tag(tag.name, [path]), self._edited)

    def _add(self) -> None:
        tag, path = self.add_tag.text().strip(), self._path
        if tag and path:
            self.add_tag.clear()
            self._jobs.read(lambda lib: lib.add_tag(tag, [path]), self._edited, self.note)

    def _edited(self, _: object = None) -> None:
        self.edited.emit()

    def changeEvent(self, event: QEvent) -> None:
        """A theme switched while the app runs: the links take its link colour (a label lays
        its rich text out once, with the colours of the time)."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            text = self.label.text()
            self.label.clear()
            self.label.setText(text)
