"""Tags with the real bundled model on real photos: word search and a tag taught by example."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image
from skimage import data

from photofind.cli import main
from tests.helpers import framings

OTHERS = ("astronaut", "coffee", "rocket", "hubble_deep_field", "immunohistochemistry", "retina")


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six views of scikit-image's cat (chelsea) and two of six other real photos."""
    root = tmp_path_factory.mktemp("tag photos")
    for i, view in enumerate(framings(Image.fromarray(data.chelsea()).convert("RGB"))):
        view.save(root / f"chelsea{i}.jpg", quality=90)
    for name in OTHERS:
        img = Image.fromarray(getattr(data, name)()).convert("RGB")
        for i, view in enumerate(framings(img)[:2]):
            view.save(root / f"{name}{i}.jpg", quality=90)
    return root


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> list[dict]:
    assert main(argv) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def _names(rows: list[dict]) -> list[str]:
    return [Path(r["path"]).name for r in rows]


def test_cat_and_kitten_find_the_cat_and_dog_does_not(
    photos: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["index", str(photos), "--device", "cpu"]) == 0
    capsys.readouterr()
    for word in ("cat", "kitten", "kitty", "cats", "feline"):
        assert "chelsea0.jpg" in _names(_json(capsys, ["browse", word, "--json"])), word
    cats = _json(capsys, ["browse", "cat", "--json"])
    assert all(n.startswith("chelsea") for n in _names(cats)), cats
    assert not [n for n in _names(_json(capsys, ["browse", "dog", "--json"])) if "chelsea" in n]
    assert not _json(capsys, ["browse", "cat", "-kitten", "--json"])
    tree = _json(capsys, ["browse", "--json"])
    cat = next(node for node in tree if node["tag"] == "cat")
    assert cat["kind"] == "broad" and cat["photos"] >= 3 and cat["children"]
    assert main(["browse", "unicornz"]) == 1
    assert "no tag or word matches 'unicornz'" in capsys.readouterr().err


def test_a_taught_tag_proposes_held_out_photos_of_its_kind_first(
    photos: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["index", str(photos), "--device", "cpu"]) == 0
    shown = [str(photos / f"chelsea{i}.jpg") for i in range(3)]
    assert main(["tag", "add", "Chelsea", *shown]) == 0
    capsys.readouterr()
    proposals = _json(capsys, ["teach", "chelsea", "-k", "5", "--json"])
    assert set(_names(proposals)[:3]) == {"chelsea3.jpg", "chelsea4.jpg", "chelsea5.jpg"}
    scores = [p["score"] for p in proposals]
    assert scores == sorted(scores, reverse=True)
    # rejecting a proposal keeps it out of the next ones
    assert main(["tag", "remove", "chelsea", str(photos / "chelsea5.jpg")]) == 0
    capsys.readouterr()
    again = _names(_json(capsys, ["teach", "chelsea", "--json"]))
    assert "chelsea5.jpg" not in again and set(again[:2]) == {"chelsea3.jpg", "chelsea4.jpg"}


def test_broad_tag_evaluation_reads_labels_from_file_names(tmp_path: Path) -> None:
    """`eval broad-tags` on ImageNet-named real photos: the cat is counted under "cat"."""
    from photofind.core.tag_evaluation import eval_broad_tags

    data_dir = tmp_path / "named"
    data_dir.mkdir()
    Image.fromarray(data.chelsea()).save(data_dir / "n02123045_tabby.jpg")
    Image.fromarray(data.coffee()).save(data_dir / "n07920052_espresso.jpg")
    (data_dir / "notes.jpg").write_bytes(b"not a photo")  # no label, unreadable: skipped
    report = eval_broad_tags(data_dir, device="cpu")
    assert report.images == 2 and report.failed == 1
    (cat,) = [row for row in report.rows if row.tag == "cat"]
    assert cat.photos == 1 and cat.recall == 1.0 and cat.precision == 1.0
