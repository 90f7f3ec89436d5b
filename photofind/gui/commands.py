"""What the main window does for the user: open, copy, add folders, tag, settings, failures."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QInputDialog

from photofind.core.library import Library
from photofind.gui.dialogs import FailuresDialog
from photofind.gui.images import load_qimage
from photofind.gui.preview import PreviewDialog
from photofind.gui.views import Page, View, ViewKind
from photofind.gui.wording import count, home_relative

if TYPE_CHECKING:
    from photofind.gui.window import MainWindow

__all__ = ["WindowCommands"]


class WindowCommands:
    """A part of `MainWindow`: the commands its menus, buttons and context menus run."""

    def preview(self: MainWindow, path: str) -> None:
        dialog = PreviewDialog(self.jobs, path, self)
        dialog.resize(self.size())
        dialog.show()

    def copy_image(self: MainWindow, path: str) -> None:
        self.jobs.read(
            lambda lib: load_qimage(path, 4096),
            lambda image: QGuiApplication.clipboard().setImage(image),
            self._failed,
        )

    def add_folders(self: MainWindow, folders: list[str]) -> None:
        """Add folders to the library and start indexing them."""

        def add(lib: Library) -> None:
            lib.add(folders)

        def added(_: object) -> None:
            if self.stack.currentIndex() == Page.WELCOME:
                self.leave_welcome()
            if self.bridge is not None:
                self.bridge.scan()
            self.say(f"Added {', '.join(map(home_relative, folders))}: looking for photos…")
            self.refresh()

        self.jobs.read(add, added, self._failed)

    def show_failures(self: MainWindow) -> None:
        def retry(_: object = None) -> None:
            self.jobs.read(
                lambda lib: lib.catalog.retry_failed(), lambda n: self.bridge and self.bridge.scan()
            )

        def show(failures: list) -> None:
            dialog = FailuresDialog(failures, self)
            dialog.retry.connect(retry)
            dialog.exec()

        self.jobs.read(lambda lib: lib.failures(), show)

    def show_settings(self: MainWindow) -> None:
        from photofind.gui.settings import SettingsDialog

        def forget(folder: str) -> None:
            self.jobs.read(lambda lib: lib.remove_folder(folder), lambda n: self.refresh())

        def switch(model: str) -> None:
            if self.bridge is not None:
                self.jobs.read(
                    lambda lib: self.bridge and self.bridge.worker.switch_model(model),
                    lambda _: self.say(f"Re-indexing with {model}…"),
                )

        def exclude(folders: list[str]) -> None:
            self.jobs.read(lambda lib: lib.set_excluded(folders), lambda _: self._rescan())

        def show(found: tuple[list[str], list[str], str]) -> None:
            dialog = SettingsDialog(*found, self.settings, self)
            dialog.add_folder.connect(lambda folder: self.add_folders([folder]))
            dialog.exclude.connect(exclude)
            dialog.remove_folder.connect(forget)
            dialog.switch_model.connect(switch)
            dialog.exec()

        self.jobs.read(
            lambda lib: ([f.path for f in lib.catalog.folders()], lib.excluded(), lib.model), show
        )

    def _rescan(self: MainWindow) -> None:
        """Scan every folder again (what it skips changed), then show the result."""
        if self.bridge is not None:
            self.bridge.scan()
        self.refresh()

    def _after_trash(self: MainWindow, moved: int) -> None:
        self.say(f"Moved {count(moved, 'copy', 'copies')} to the Trash.")
        self.loader.forget()
        self.show_view(View(ViewKind.DUPLICATES), record=False)
        self.refresh()

    def ask_tag(self: MainWindow, paths: list[str], remove: bool = False) -> None:
        """Ask for a tag to give the photos, or (`remove`) to take away from them: an own tag
        goes, a predicted one is hidden on those photos for good."""
        verb = "Remove the tag" if remove else "Tag"
        tag, ok = QInputDialog.getText(self, verb, f"{verb} for {len(paths):,} photos:")
        if ok and tag.strip():
            self.tag_photos(tag.strip(), paths, not remove)

    def tag_photos(self: MainWindow, tag: str, paths: list[str], yes: bool) -> None:
        """Give photos an own tag, or say they are not `tag` (a taught tag learns from both)."""

        def write(lib: Library) -> int:
            return lib.add_tag(tag, paths) if yes else lib.remove_tag(tag, paths)

        def done(n: int) -> None:
            said = "tagged" if yes else "no longer"
            self.say(f"{count(n, 'photo')} {said} “{tag}”")
            self._changed()

        self.jobs.read(write, done, self._failed)

    def _changed(self: MainWindow, _: object = None) -> None:
        """The user changed the library (tags, folders): read it again."""
        self.refresh(listing=True)
