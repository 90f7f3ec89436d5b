"""The "Find similar with photofind" entry in Linux file managers: Nautilus, Dolphin, Nemo.

Each entry runs `photofind --similar FILE...`, which hands the files to the running app or starts
it. The app's settings install them for the user (`install`, `uninstall`); the .deb ships the
Dolphin and Nemo ones system-wide (`system_entries`). Windows and macOS get theirs from their
installers (packaging/). Nothing here touches a library.
"""

from __future__ import annotations

import enum
import os
import shlex
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from photofind.core.imaging import IMAGE_EXTENSIONS

__all__ = [
    "ACTION",
    "MIME_TYPES",
    "Entry",
    "FileManager",
    "app_command",
    "install",
    "installed",
    "system_entries",
    "uninstall",
    "user_entries",
]

ACTION = "Find similar with photofind"
MIME_TYPES = (
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/tiff",
    "image/bmp",
    "image/gif",
    "image/heic",
    "image/heif",
    "image/x-adobe-dng",
    "image/x-canon-cr2",
    "image/x-canon-cr3",
    "image/x-fuji-raf",
    "image/x-nikon-nef",
    "image/x-nikon-nrw",
    "image/x-olympus-orf",
    "image/x-panasonic-rw2",
    "image/x-pentax-pef",
    "image/x-samsung-srw",
    "image/x-sony-arw",
)
_MARK = "photofind-similar"  # every file we write carries it, so `uninstall` removes only ours


class FileManager(enum.Enum):
    NAUTILUS = "Files (Nautilus)"
    DOLPHIN = "Dolphin"
    NEMO = "Nemo"


@dataclass(frozen=True)
class Entry:
    """One file to write: where (relative to the data folder), what, and whether it runs."""

    manager: FileManager
    path: Path
    text: str
    executable: bool


def app_command() -> list[str]:
    """How this photofind is started: the AppImage, the frozen app, the script, or Python."""
    if os.environ.get("APPIMAGE"):
        return [os.environ["APPIMAGE"]]
    if getattr(sys, "frozen", False):
        return [sys.executable]
    script = shutil.which("photofind")
    return [script] if script else [sys.executable, "-m", "photofind"]


def _exec_line(command: Sequence[str]) -> str:
    """A .desktop Exec value: each argument quoted as the Desktop Entry spec asks."""

    def quote(arg: str) -> str:
        if not any(c in arg for c in " \t\n\"'\\><~|&;$*?#()`"):
            return arg
        escaped = arg.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`")
        return '"' + escaped.replace("$", "\\$") + '"'

    return " ".join(quote(a) for a in command)


def _nautilus(command: Sequence[str]) -> str:
    program = shlex.quote(command[0])
    rest = " ".join(shlex.quote(a) for a in command[1:])
    return (
        f"#!/bin/sh\n# {_MARK}: installed from photofind's settings (Settings > File manager).\n"
        f"# Nautilus passes the selected files as arguments.\n"
        f'[ -x {program} ] || {{ rm -f "$0"; exit 0; }}  # photofind was uninstalled\n'
        f'exec {program} {rest + " " if rest else ""}--similar "$@"\n'
    )


def _dolphin(command: Sequence[str], exec_line: str) -> str:
    return (
        f"# {_MARK}\n[Desktop Entry]\nType=Service\nMimeType={';'.join(MIME_TYPES)};\n"
        f"Actions=photofindSimilar\nX-KDE-Priority=TopLevel\nTryExec={command[0]}\n\n"
        f"[Desktop Action photofindSimilar]\nName={ACTION}\nIcon=photofind\n"
        f"Exec={exec_line} --similar %F\n"
    )


def _nemo(command: Sequence[str], exec_line: str) -> str:
    extensions = ";".join(sorted(e.lstrip(".") for e in IMAGE_EXTENSIONS))
    return (
        f"# {_MARK}\n[Nemo Action]\nName={ACTION}\nComment=Photos of your library like these\n"
        f"Exec={exec_line} --similar %F\nIcon-Name=photofind\nSelection=notnone\n"
        f"Extensions={extensions};\nDependencies={command[0]};\n"
    )


def _entries(command: Sequence[str]) -> list[Entry]:
    line = _exec_line(command)
    return [
        Entry(FileManager.NAUTILUS, Path("nautilus/scripts") / ACTION, _nautilus(command), True),
        Entry(
            FileManager.DOLPHIN,
            Path("kio/servicemenus/photofind-similar.desktop"),
            _dolphin(command, line),
            True,  # KDE Frameworks 6 runs only executable service menus from the user's folder
        ),
        Entry(
            FileManager.NEMO,
            Path("nemo/actions/photofind-similar.nemo_action"),
            _nemo(command, line),
            False,
        ),
    ]


def user_entries(command: Sequence[str] | None = None) -> list[Entry]:
    """What `install` writes under the user's data folder."""
    return _entries(command or app_command())


def system_entries(command: Sequence[str]) -> list[Entry]:
    """What a system package puts under /usr/share: Dolphin and Nemo (Nautilus has no
    system-wide scripts; its users install them from the app's settings)."""
    return [e for e in _entries(command) if e.manager is not FileManager.NAUTILUS]


def data_home() -> Path:
    """$XDG_DATA_HOME, else ~/.local/share."""
    env = os.environ.get("XDG_DATA_HOME")
    return Path(env) if env and os.path.isabs(env) else Path.home() / ".local" / "share"


def install(command: Sequence[str] | None = None, home: Path | None = None) -> list[Path]:
    """Write the entries for every file manager (harmless for one not installed); their paths."""
    home = home or data_home()
    written = []
    for entry in user_entries(command):
        target = home / entry.path
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_text(entry.text, encoding="utf-8")
        tmp.chmod(0o755 if entry.executable else 0o644)
        os.replace(tmp, target)
        written.append(target)
    return written


def _ours(path: Path) -> bool:
    try:
        return _MARK in path.read_text(encoding="utf-8", errors="replace")[:400]
    except OSError:
        return False


def installed(home: Path | None = None) -> list[Path]:
    """The entries of ours present under the user's data folder."""
    home = home or data_home()
    return [home / e.path for e in user_entries(["photofind"]) if _ours(home / e.path)]


def uninstall(home: Path | None = None) -> list[Path]:
    """Remove our entries (never a file someone else wrote there); the paths removed."""
    removed = []
    for path in installed(home):
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed
