"""Write the Finder Quick Action "Find similar with photofind" (an Automator service bundle).

    python packaging/macos/quick_action.py OUT_DIR

Writes OUT_DIR/Find similar with photofind.workflow: double-clicking it in the .dmg offers to
install it in ~/Library/Services; Finder then lists it under Quick Actions for image files. It
runs the installed app's binary with `--similar FILE...` (which reaches the running app or starts
it). Plain plistlib, so it is written, and checked by tests, on any OS.
"""

from __future__ import annotations

import argparse
import plistlib
import uuid
from pathlib import Path

NAME = "Find similar with photofind"
BUNDLE_ID = "org.photofind.photofind"
# The app wherever the user put it (Spotlight knows), else /Applications.
SCRIPT = f"""app=$(mdfind "kMDItemCFBundleIdentifier == '{BUNDLE_ID}'" | head -n 1)
[ -n "$app" ] || app=/Applications/photofind.app
exec "$app/Contents/MacOS/photofind" --similar "$@"
"""


def info_plist() -> dict:
    return {
        "NSServices": [
            {
                "NSMenuItem": {"default": NAME},
                "NSMessage": "runWorkflowAsService",
                "NSRequiredContext": {},
                "NSSendFileTypes": ["public.image"],
            }
        ]
    }


def document() -> dict:
    parameters = {
        "COMMAND_STRING": SCRIPT,
        "CheckedForUserDefaultShell": True,
        "inputMethod": 1,  # pass the selected files as arguments, not on stdin
        "shell": "/bin/sh",
        "source": "",
    }
    paths = {"Container": "List", "Optional": True, "Types": ["com.apple.cocoa.path"]}
    action = {
        "AMAccepts": paths,
        "AMActionVersion": "2.0.3",
        "AMApplication": ["Automator"],
        "AMParameterProperties": {k: {} for k in parameters},
        "AMProvides": {"Container": "List", "Types": ["com.apple.cocoa.path"]},
        "ActionBundlePath": "/System/Library/Automator/Run Shell Script.action",
        "ActionName": "Run Shell Script",
        "ActionParameters": parameters,
        "BundleIdentifier": "com.apple.RunShellScript",
        "CFBundleVersion": "2.0.3",
        "CanShowSelectedItemsWhenRun": False,
        "CanShowWhenRun": True,
        "Category": ["AMCategoryUtilities"],
        "Class Name": "RunShellScriptAction",
        "InputUUID": str(uuid.uuid5(uuid.NAMESPACE_DNS, "photofind.input")).upper(),
        "OutputUUID": str(uuid.uuid5(uuid.NAMESPACE_DNS, "photofind.output")).upper(),
        "UUID": str(uuid.uuid5(uuid.NAMESPACE_DNS, "photofind.action")).upper(),
        "UnlocalizedApplications": ["Automator"],
    }
    return {
        "AMApplicationBuild": "523",
        "AMApplicationVersion": "2.10",
        "AMDocumentVersion": "2",
        "actions": [{"action": action, "isViewVisible": True}],
        "connectors": {},
        "workflowMetaData": {
            "serviceApplicationBundleID": "com.apple.finder",
            "serviceInputTypeIdentifier": "com.apple.Automator.fileSystemObject.image",
            "serviceOutputTypeIdentifier": "com.apple.Automator.nothing",
            "workflowTypeIdentifier": "com.apple.Automator.servicesMenu",
        },
    }


def write(out: Path) -> Path:
    contents = out / f"{NAME}.workflow" / "Contents"
    contents.mkdir(parents=True, exist_ok=True)
    (contents / "Info.plist").write_bytes(plistlib.dumps(info_plist()))
    (contents / "document.wflow").write_bytes(plistlib.dumps(document()))
    return contents.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    print(write(parser.parse_args().out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
