"""End to end with the real bundled model (EfficientNet-Lite0) on real photos, through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageOps
from skimage import data

from photofind.cli import main
from photofind.core.taxonomy import imagenet
from tests.helpers import make_photo

REAL = (
    "astronaut",
    "chelsea",
    "coffee",
    "hubble_deep_field",
    "immunohistochemistry",
    "retina",
    "rocket",
    "colorwheel",
)
CAT_CLASSES = set(range(281, 286))  # tabby, tiger cat, Persian, Siamese, Egyptian cat


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """8 real photos, 16 crops and flips of them, and 12 synthetic pictures: 36 in all."""
    root = tmp_path_factory.mktemp("real photos")
    for name in REAL:
        img = Image.fromarray(getattr(data, name)()).convert("RGB")
        img.save(root / f"{name}.jpg", quality=92)
        w, h = img.size
        img.crop((0, 0, w // 2, h // 2)).save(root / f"{name} corner.jpg", quality=90)
        ImageOps.mirror(img.crop((w // 4, h // 3, w, h))).save(root / f"{name} mirror.png")
    for i in range(12):
        make_photo(root / "generated" / f"g{i:02}.jpg", seed=i, size=(480, 360), quality=88)
    return root


def _run_json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> list[dict]:
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_real_model_tags_and_finds_copies(
    photos: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["index", str(photos), "--device", "cpu"]) == 0
    assert "indexed 36" in capsys.readouterr().out

    tags = _run_json(capsys, ["tags", str(photos / "chelsea.jpg"), "-k", "3", "--json"])
    labels = imagenet().labels
    assert {labels.index(t["label"]) for t in tags} & CAT_CLASSES, tags
    assert tags[0]["score"] > 0.2

    # A resized, re-compressed copy from outside the library finds its original first.
    for name in ("chelsea", "coffee", "rocket"):
        original = Image.open(photos / f"{name}.jpg")
        copy = tmp_path / f"{name} copy.jpg"
        original.resize((original.width * 3 // 5, original.height * 3 // 5)).save(copy, quality=55)
        hits = _run_json(capsys, ["similar", str(copy), "-k", "5", "--json"])
        assert Path(hits[0]["path"]).name == f"{name}.jpg", hits
        # Then its crops (the search vectors pull a photo and its crops together), then the
        # rest, well below.
        names = [Path(h["path"]).name for h in hits]
        assert set(names[:3]) == {f"{name}.jpg", f"{name} corner.jpg", f"{name} mirror.png"}
        assert hits[0]["score"] > 0.8 and hits[0]["score"] - hits[3]["score"] > 0.05

    # Querying a photo of the library never returns the photo itself.
    hits = _run_json(capsys, ["similar", str(photos / "coffee.jpg"), "-k", "35", "--json"])
    assert str(photos / "coffee.jpg") not in {h["path"] for h in hits} and len(hits) == 35
    assert np.all(np.diff([h["score"] for h in hits]) <= 0)


def test_duplicates_groups_copies_keeper_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The default settings group the copies people make, and nothing else."""
    from tests.helpers import make_copies

    root = make_copies(tmp_path / "dups")
    coffee = Image.open(root / "coffee.jpg")
    coffee.resize((300, 200)).save(root / "coffee small.jpg", quality=80)
    coffee.save(root / "coffee q30.jpg", quality=30)
    rocket = Image.open(root / "rocket.jpg")
    rocket.resize((320, 213)).save(root / "sub rocket.jpg", quality=70)
    for name in ("hubble_deep_field", "immunohistochemistry", "retina", "colorwheel"):
        Image.fromarray(getattr(data, name)()).convert("RGB").save(root / f"{name}.png")
    assert main(["index", str(root)]) == 0
    capsys.readouterr()
    groups = _run_json(capsys, ["duplicates", "--json"])
    names = sorted(([Path(p).name for p in g] for g in groups), key=lambda g: g[0])
    assert names == [
        ["astronaut.jpg", "astronaut small.jpg"],  # 1/4 size, brighter
        ["chelsea.jpg", "chelsea crop.jpg"],  # half the area, rotated 5 degrees
        # full resolution first, then by sharpness at equal resolution, the small one last
        ["coffee.jpg", "coffee q30.jpg", "coffee q10.jpg", "coffee small.jpg"],
        ["rocket.jpg", "rocket grey.jpg", "sub rocket.jpg"],  # colour before greyscale
    ]
    # The text output says why the keeper is the keeper.
    assert main(["duplicates"]) == 0
    text = capsys.readouterr().out
    assert "keep" in text and "in colour; the other is greyscale" in text


def test_more_like_these_less_like_that(photos: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["index", str(photos)]) == 0
    capsys.readouterr()
    chelsea, coffee = str(photos / "chelsea.jpg"), str(photos / "coffee.jpg")
    both = _run_json(capsys, ["similar", chelsea, coffee, "-k", "4", "--json"])
    names = [Path(h["path"]).name for h in both]
    assert not {"chelsea.jpg", "coffee.jpg"} & set(names)  # queries are never results
    assert {n.split()[0] for n in names} == {"chelsea", "coffee"}  # views of both scenes
    assert any(n.startswith("coffee") for n in names[:2])
    # Unlike coffee: the coffee views drop out of the top, the cat's stay.
    cat_only = _run_json(
        capsys,
        [
            "similar",
            chelsea,
            coffee,
            "--not",
            str(photos / "coffee corner.jpg"),
            "-k",
            "2",
            "--json",
        ],
    )
    assert all(Path(h["path"]).name.startswith("chelsea") for h in cat_only), cat_only


def test_browse_by_tag(photos: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["index", str(photos)]) == 0
    capsys.readouterr()
    tree = _run_json(capsys, ["browse", "--json"])
    broad = [n for n in tree if n["kind"] == "broad"]
    assert broad == sorted(broad, key=lambda n: (-n["photos"], n["tag"]))
    fine = [c for n in tree for c in [n, *n.get("children", [])] if c["kind"] == "fine"]
    top_cat = _run_json(capsys, ["tags", str(photos / "chelsea.jpg"), "-k", "1", "--json"])[0]
    assert any(c["tag"] == top_cat["label"] for c in fine)
    cats = _run_json(capsys, ["browse", top_cat["label"], "--json"])
    assert str(photos / "chelsea.jpg") in {c["path"] for c in cats}
    assert all(c["score"] >= 0.2 for c in cats)
    assert main(["browse", "unicornz"]) == 1
    assert "no tag or word matches 'unicornz'" in capsys.readouterr().err
