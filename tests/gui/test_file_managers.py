"""Settings' File managers box installs and removes the right-click entries for the user."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from photofind import integration
from photofind.gui.file_managers import FileManagerBox
from photofind.gui.settings import SettingsDialog


def test_box_adds_then_removes_the_entries(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    box = FileManagerBox()
    qtbot.addWidget(box)
    assert box.button.text() == "Add to File Managers"
    box.button.click()
    assert len(integration.installed()) == 3
    assert all(p.is_relative_to(tmp_path) for p in integration.installed())
    assert box.button.text() == "Remove From File Managers"
    box.button.click()
    assert integration.installed() == []
    assert box.button.text() == "Add to File Managers"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux file managers")
def test_settings_offer_the_box(qtbot, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    dialog = SettingsDialog([], [], "efficientnet-lite0", settings)
    qtbot.addWidget(dialog)
    assert dialog.findChild(FileManagerBox) is not None
