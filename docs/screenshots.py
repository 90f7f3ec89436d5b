"""Regenerate the README's screenshots: the real app on a library of real photos.

    make screenshot                          # scikit-image's photos
    make screenshot PHOTOS=DIR               # DIR: a clone of imagenet-sample-images

Run under a real X server (`make screenshot` starts Xvfb). Indexes the photos with the bundled
model into a throw-away library, opens the app, and saves docs/main-window.png,
docs/similar.png, docs/duplicates.png, docs/dark.png (a dark desktop), docs/first-run.png and
docs/map.png (the library map of every photo in DIR, laid out first).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageEnhance

DOCS = Path(__file__).resolve().parent
SIZE = (1480, 900)
# From github.com/EliSchwartz/imagenet-sample-images: a varied everyday library.
CURATED = frozenset(
    {
        "golden_retriever",
        "beagle",
        "pug",
        "Samoyed",
        "Labrador_retriever",
        "tabby",
        "tiger_cat",
        "Persian_cat",
        "Siamese_cat",
        "goldfinch",
        "hummingbird",
        "flamingo",
        "monarch",
        "seashore",
        "sandbar",
        "lakeside",
        "alp",
        "valley",
        "volcano",
        "cliff",
        "promontory",
        "geyser",
        "coral_reef",
        "espresso",
        "pizza",
        "cheeseburger",
        "strawberry",
        "orange",
        "lemon",
        "banana",
        "ice_cream",
        "red_wine",
        "bell_pepper",
        "mushroom",
        "daisy",
        "sports_car",
        "convertible",
        "jeep",
        "school_bus",
        "steam_locomotive",
        "airliner",
        "canoe",
        "yawl",
        "castle",
        "church",
    }
)


def gather(source: Path | None, dest: Path) -> None:
    """Copy the photos, and make two copies people really make (resized, brightened)."""
    dest.mkdir(parents=True)
    if source is None:
        from skimage import data

        for name in ("chelsea", "coffee", "rocket", "astronaut", "hubble_deep_field", "cat"):
            Image.fromarray(getattr(data, name)()).convert("RGB").save(dest / f"{name}.jpg")
    else:
        files = sorted(p for p in source.iterdir() if p.suffix.lower() in (".jpg", ".jpeg"))
        chosen = [p for p in files if p.stem.split("_", 1)[-1] in CURATED] or files[:48]
        for path in chosen:
            shutil.copy(path, dest / (path.stem.split("_", 1)[-1] + path.suffix.lower()))
    wanted = [dest / "golden_retriever.jpeg", dest / "espresso.jpeg"]
    first, second = wanted if all(p.exists() for p in wanted) else sorted(dest.iterdir())[:2]
    img = Image.open(first).convert("RGB")
    img.resize((img.width // 2, img.height // 2)).save(
        dest / f"{first.stem} (small).jpg", quality=70
    )
    ImageEnhance.Brightness(Image.open(second).convert("RGB")).enhance(1.2).save(
        dest / f"{second.stem} - edited.jpg", quality=80
    )


def index(photos: Path, library: Path) -> None:
    from photofind.core.library import Library

    with Library.open(library) as lib:
        lib.add([photos])
        lib.scan()
        for _ in lib.index():
            pass
        lib.maintain_index()


def map_library(source: Path | None, root: Path) -> Path:
    """The map's shot shows a larger library: every photo of DIR (1000 for
    imagenet-sample-images), indexed in place; else the screenshots' own library."""
    from photofind.core.library import Library

    library = root / "library"
    if source is not None:
        library = root / "map-library"
        index(source, library)
    with Library.open(library) as lib:
        lib.update_map()
    return library


def dark_palette():
    """A dark desktop's palette (the colours of Qt's Fusion dark scheme)."""
    from PySide6.QtGui import QColor, QPalette

    palette = QPalette()
    roles = QPalette.ColorRole
    for role, colour in (
        (roles.Window, "#353535"),
        (roles.WindowText, "#f0f0f0"),
        (roles.Base, "#2a2a2a"),
        (roles.AlternateBase, "#424242"),
        (roles.Text, "#f0f0f0"),
        (roles.Button, "#353535"),
        (roles.ButtonText, "#f0f0f0"),
        (roles.Highlight, "#2a82da"),
        (roles.HighlightedText, "#ffffff"),
        (roles.PlaceholderText, "#9a9a9a"),
        (roles.Mid, "#5a5a5a"),
        (roles.ToolTipBase, "#353535"),
        (roles.ToolTipText, "#f0f0f0"),
        (roles.Link, "#5aa0ff"),
    ):
        palette.setColor(role, QColor(colour))
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        palette.setColor(disabled, role, QColor("#7f7f7f"))
    return palette


def settle(app, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=Path, help="a folder of photos (default: scikit-image's)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        os.environ["HOME"] = str(root)  # a user's home: their photos in ~/Pictures, shown so
        os.environ["PHOTOFIND_LIBRARY"] = str(root / "library")
        gather(args.photos, root / "Pictures")
        index(root / "Pictures", root / "library")

        from PySide6.QtCore import QSettings

        from photofind.gui.app import application, create_window
        from photofind.gui.views import View, ViewKind

        app = application()
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(root / "qt"))
        window = create_window(root / "library", start_worker=False)
        window.resize(*SIZE)
        window.show()
        settle(app, 4)
        paths = window.model.paths()
        window.grid.select_path(paths[min(5, len(paths) - 1)])
        settle(app, 4)
        window.grab().save(str(DOCS / "main-window.png"))
        window.find_similar([paths[0]])
        settle(app, 4)
        window.grab().save(str(DOCS / "similar.png"))
        window.show_view(View(ViewKind.DUPLICATES))
        settle(app, 5)
        window.grab().save(str(DOCS / "duplicates.png"))
        window.go_back()
        light = app.palette()
        app.setPalette(dark_palette())  # what a dark desktop theme hands the app
        settle(app, 3)
        window.grab().save(str(DOCS / "dark.png"))
        app.setPalette(light)
        window.close()

        mapped = create_window(map_library(args.photos, root), start_worker=False)
        mapped.resize(*SIZE)
        mapped.show()
        mapped.show_view(View(ViewKind.MAP))
        settle(app, 8)  # every thumbnail shown read from the cache
        mapped.grab().save(str(DOCS / "map.png"))
        mapped.close()

        empty = create_window(root / "empty-library", start_worker=False)
        empty.resize(*SIZE)
        empty.show()
        settle(app, 2)
        empty.grab().save(str(DOCS / "first-run.png"))
        empty.close()
    print("saved", ", ".join(sorted(p.name for p in DOCS.glob("*.png"))), file=sys.stderr)


if __name__ == "__main__":
    main()
