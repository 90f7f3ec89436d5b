"""The settings' folder lists: written as people read them, holding the real paths."""

from __future__ import annotations

import os

from photofind.gui.settings import FolderList


def test_folders_read_from_home_and_keep_their_paths(qtbot) -> None:
    home = os.path.expanduser("~")
    pictures, elsewhere = os.path.join(home, "Pictures"), "/media/card/DCIM"
    folders = FolderList([pictures, elsewhere])
    qtbot.addWidget(folders)
    assert [folders.item(i).text() for i in range(2)] == [
        "~" + os.sep + "Pictures",
        elsewhere,
    ]
    assert folders.item(0).toolTip() == pictures
    folders.add(pictures)  # already there
    assert folders.paths() == [pictures, elsewhere]
    folders.setCurrentRow(0)
    assert folders.take_current() == pictures
    assert folders.paths() == [elsewhere]
    folders.setCurrentRow(-1)
    assert folders.take_current() is None
