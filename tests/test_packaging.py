"""The installers' recipes agree with the app: icons, desktop entry, Windows verbs, Quick Action.

The builds themselves run in `make package` / `make package-check` (packaging/README.md).
"""

from __future__ import annotations

import importlib.util
import os
import plistlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from photofind import integration
from photofind.core.imaging import IMAGE_EXTENSIONS

PACKAGING = Path(__file__).resolve().parents[1] / "packaging"


def _load(relative: str):
    spec = importlib.util.spec_from_file_location(Path(relative).stem, PACKAGING / relative)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_icon_set_is_rendered_from_the_svg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setattr(sys, "argv", ["icons.py", str(tmp_path)])
    assert _load("icons.py").main() == 0
    png = Image.open(tmp_path / "hicolor" / "48x48" / "apps" / "photofind.png")
    assert png.size == (48, 48) and png.getextrema()[3] == (0, 255)  # transparent corners
    assert png.getpixel((24, 24))[3] == 255  # drawn in the middle
    ico = Image.open(tmp_path / "photofind.ico")
    assert {(16, 16), (32, 32), (256, 256)} <= set(ico.info["sizes"])
    icns = Image.open(tmp_path / "photofind.icns")
    assert icns.size == (1024, 1024)


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils")
def test_desktop_entry_is_valid(tmp_path: Path) -> None:
    entry = tmp_path / "photofind.desktop"
    entry.write_text(_load("linux/build.py").desktop_entry("/opt/my apps/photofind"))
    out = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True)
    assert out.returncode == 0 and not out.stdout.strip(), out.stdout
    text = entry.read_text()
    assert 'Exec="/opt/my apps/photofind" --similar %F' in text
    assert "image/jpeg;" in text


def test_windows_installer_covers_every_format() -> None:
    """A verb and an Open-with entry for each extension photofind reads, each removed on
    uninstall."""
    iss = (PACKAGING / "windows" / "photofind.iss").read_text()
    verbs = set(
        re.findall(
            r"SystemFileAssociations\\(\.\w+)\\shell\\photofind\.similar\"; "
            r"ValueType: string; ValueName: \"\"; .*Flags: uninsdeletekey",
            iss,
        )
    )
    openwith = set(re.findall(r"Classes\\(\.\w+)\\OpenWithProgids\".*uninsdeletevalue", iss))
    assert verbs == openwith == set(IMAGE_EXTENSIONS)
    assert "PrivilegesRequired=lowest" in iss and "HKLM" not in iss


def test_quick_action_runs_photofind_on_the_selection(tmp_path: Path) -> None:
    bundle = _load("macos/quick_action.py").write(tmp_path)
    info = plistlib.loads((bundle / "Contents" / "Info.plist").read_bytes())
    service = info["NSServices"][0]
    assert service["NSMenuItem"]["default"] == integration.ACTION
    assert service["NSSendFileTypes"] == ["public.image"]
    document = plistlib.loads((bundle / "Contents" / "document.wflow").read_bytes())
    parameters = document["actions"][0]["action"]["ActionParameters"]
    assert parameters["inputMethod"] == 1  # the files as arguments
    # The script itself, run with a stand-in app: it passes each selected file on.
    app = tmp_path / "Applications" / "photofind.app" / "Contents" / "MacOS"
    app.mkdir(parents=True)
    (app / "photofind").write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{tmp_path}/args"\n')
    (app / "photofind").chmod(0o755)
    script = parameters["COMMAND_STRING"].replace("/Applications/", f"{tmp_path}/Applications/")
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    (fake_bin / "mdfind").write_text("#!/bin/sh\n")  # Spotlight finds nothing
    (fake_bin / "mdfind").chmod(0o755)
    env = {**os.environ, "PATH": f"{fake_bin}:/usr/bin:/bin"}
    subprocess.run(["sh", "-c", script, "sh", "/p/a b.jpg", "/p/c.heic"], check=True, env=env)
    assert (tmp_path / "args").read_text().splitlines() == ["--similar", "/p/a b.jpg", "/p/c.heic"]
