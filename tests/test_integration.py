"""The file managers' "Find similar with photofind" entries, installed for the user."""

from __future__ import annotations

import configparser
import os
import subprocess
from pathlib import Path

from photofind import integration


def _fake_photofind(folder: Path) -> Path:
    """An executable that records the arguments it was started with."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "photo find"  # a space in the path, as in "/opt/My Apps/..."
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{folder}/args"\n')
    script.chmod(0o755)
    return script


def _desktop(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, comment_prefixes=("#",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path, encoding="utf-8")
    return parser


def test_install_writes_each_file_manager_entry(tmp_path: Path) -> None:
    app = _fake_photofind(tmp_path / "opt")
    home = tmp_path / "share"
    written = integration.install([str(app)], home)
    assert sorted(p.relative_to(home).parts[0] for p in written) == ["kio", "nautilus", "nemo"]
    assert integration.installed(home) == written

    dolphin = _desktop(home / "kio/servicemenus/photofind-similar.desktop")
    action = dolphin["Desktop Action photofindSimilar"]
    assert action["Name"] == integration.ACTION
    assert action["Exec"] == f'"{app}" --similar %F'
    assert "image/jpeg" in dolphin["Desktop Entry"]["MimeType"].split(";")
    assert os.access(home / "kio/servicemenus/photofind-similar.desktop", os.X_OK)

    nemo = _desktop(home / "nemo/actions/photofind-similar.nemo_action")["Nemo Action"]
    assert nemo["Exec"] == f'"{app}" --similar %F'
    assert {"jpg", "heic", "cr2"} <= set(nemo["Extensions"].split(";"))


def test_nautilus_script_runs_photofind_on_the_selection(tmp_path: Path) -> None:
    app = _fake_photofind(tmp_path / "opt")
    home = tmp_path / "share"
    integration.install([str(app)], home)
    script = home / "nautilus" / "scripts" / integration.ACTION
    photo = tmp_path / "my photos" / "a b.jpg"
    subprocess.run([script, str(photo), str(tmp_path / "c.jpg")], check=True)
    args = (tmp_path / "opt" / "args").read_text().splitlines()
    assert args == ["--similar", str(photo), str(tmp_path / "c.jpg")]

    app.unlink()  # photofind uninstalled: the script removes itself instead of failing
    subprocess.run([script, str(photo)], check=True)
    assert not script.exists()


def test_uninstall_removes_only_ours(tmp_path: Path) -> None:
    home = tmp_path / "share"
    integration.install(["/usr/bin/photofind"], home)
    theirs = home / "nautilus" / "scripts" / "Resize images"
    theirs.write_text("#!/bin/sh\necho resize\n")
    clash = home / "nemo" / "actions" / "other.nemo_action"
    clash.write_text("[Nemo Action]\nName=Other\n")
    removed = integration.uninstall(home)
    assert len(removed) == 3 and not any(p.exists() for p in removed)
    assert theirs.exists() and clash.exists()
    assert integration.installed(home) == [] and integration.uninstall(home) == []


def test_the_deb_ships_dolphin_and_nemo_only() -> None:
    managers = {e.manager for e in integration.system_entries(["/usr/bin/photofind"])}
    assert managers == {integration.FileManager.DOLPHIN, integration.FileManager.NEMO}
