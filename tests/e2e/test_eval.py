"""`photofind eval` on small labelled datasets built from real photos, with the bundled model."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skimage import data

from photofind.cli import main
from photofind.core.evaluation import average_precision
from tests.helpers import framings

SCENES = ("astronaut", "chelsea", "coffee", "rocket")


def _views(name: str) -> list[Image.Image]:
    """Four views of one scene: whole, mirrored, and two overlapping crops."""
    return framings(Image.fromarray(getattr(data, name)()).convert("RGB"))[:4]


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> dict:
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_average_precision() -> None:
    assert average_precision(np.array([True, False, True]), 2) == pytest.approx((1 + 2 / 3) / 2)
    assert average_precision(np.array([False, True]), 2) == pytest.approx(0.25)


def test_eval_retrieval_class_folders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tmp_path = tmp_path / "dataset"
    for scene in SCENES:
        for i, view in enumerate(_views(scene)):
            (tmp_path / scene).mkdir(parents=True, exist_ok=True)
            view.save(tmp_path / scene / f"{i}.jpg", quality=90)
    report = _json(capsys, ["eval", "retrieval", "--dataset", str(tmp_path), "--json"])
    assert report["layout"] == "class folders" and report["images"] == 16
    assert report["queries"] == 16 and report["failed"] == 0
    assert report["mean_ap"] > 0.8 and report["precision_at_1"] > 0.8
    assert 0.25 <= report["precision_at_10"] <= 0.3  # 3 relevant of 10 at most


def test_eval_retrieval_query_groups(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tmp_path = tmp_path / "dataset"
    images = tmp_path / "images"
    images.mkdir(parents=True)
    truth = {}
    for scene in SCENES:
        views = _views(scene)
        for i, view in enumerate(views):
            view.save(images / f"{scene}_{i}.jpg", quality=90)
        truth[f"{scene}_0.jpg"] = [f"{scene}_{i}.jpg" for i in range(1, len(views))]
    (tmp_path / "groundtruth.json").write_text(json.dumps({"queries": truth}))
    report = _json(capsys, ["eval", "retrieval", "--dataset", str(tmp_path), "--json"])
    assert report["layout"] == "query groups" and report["queries"] == 4
    assert report["precision_at_10"] is None
    assert report["mean_ap"] > 0.8 and report["precision_at_1"] == 1.0


def test_eval_tags(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tmp_path = tmp_path / "dataset"
    tmp_path.mkdir()
    Image.fromarray(data.chelsea()).save(tmp_path / "n02123045_cat.jpg", quality=92)  # tabby
    Image.fromarray(data.coffee()).save(tmp_path / "n07920052_cup.jpg", quality=92)  # espresso
    (tmp_path / "n04266014").mkdir()  # space shuttle: the rocket is not one
    Image.fromarray(data.rocket()).save(tmp_path / "n04266014" / "launch.jpg", quality=92)
    Image.fromarray(data.astronaut()).save(tmp_path / "unlabelled.jpg", quality=92)
    report = _json(capsys, ["eval", "tags", "--dataset", str(tmp_path), "--json"])
    assert (report["images"], report["unlabelled"]) == (3, 1)
    # The model calls Chelsea a tiger cat first and a tabby within its top five.
    assert report["top1"] == pytest.approx(1 / 3) and report["top5"] >= 2 / 3


def test_eval_rejects_a_folder_without_layout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tmp_path = tmp_path / "dataset"
    tmp_path.mkdir()
    Image.new("RGB", (32, 32)).save(tmp_path / "loose.jpg")
    assert main(["eval", "retrieval", "--dataset", str(tmp_path)]) == 1
    assert "neither class folders" in capsys.readouterr().err
