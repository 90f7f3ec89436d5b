# dmgbuild settings for photofind's disk image: the app and a link to /Applications side by side,
# and the Finder Quick Action to double-click. Keys as read by dmgbuild 1.6 (dmgbuild/core.py,
# https://dmgbuild.readthedocs.io/en/latest/settings.html). Run by packaging/macos/build.sh:
#   dmgbuild -s packaging/macos/dmg_settings.py -D app=PATH.app -D workflow=PATH.workflow \
#            photofind dist/photofind-VERSION-macos.dmg
# dmgbuild executes this file with `defines` (the -D values) in scope.
import os.path

application = defines.get("app", "build/pyinstaller/dist/photofind.app")  # noqa: F821
workflow = defines.get("workflow", "build/macos/Find similar with photofind.workflow")  # noqa: F821
app_name = os.path.basename(application)
workflow_name = os.path.basename(workflow)

format = "ULFO"  # lzfse: smaller than UDZO, opens on macOS 10.11 and later
filesystem = "HFS+"
size = None  # computed from the files
files = [application, workflow]
symlinks = {"Applications": "/Applications"}
icon = os.path.join(application, "Contents", "Resources", "photofind.icns")
default_view = "icon-view"
show_status_bar = False
show_toolbar = False
show_pathbar = False
show_sidebar = False
window_rect = ((200, 120), (640, 420))
icon_size = 112
text_size = 13
icon_locations = {
    app_name: (160, 150),
    "Applications": (480, 150),
    workflow_name: (320, 320),
}
hide_extensions = [app_name]
