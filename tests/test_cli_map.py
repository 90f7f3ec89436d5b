"""`photofind map`: coordinates as JSON and lines, a poster PNG, bad output paths."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from photofind.cli import main
from tests.helpers import TINY


def test_map_json_lines_and_poster(
    photo_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["map", "--json"]) == 0  # an empty library: an empty map
    assert json.loads(capsys.readouterr().out) == []
    assert main(["index", str(photo_dir), "--model", TINY]) == 0
    capsys.readouterr()
    assert main(["map", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert sorted(Path(r["path"]).name for r in rows) == sorted(
        p.name for p in photo_dir.rglob("*.*")
    )
    assert all(isinstance(r["x"], float) and isinstance(r["y"], float) for r in rows)
    assert len({(r["x"], r["y"]) for r in rows}) == len(rows)  # every photo a place of its own

    assert main(["map"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(rows) and lines[0].split()[2].startswith(str(photo_dir))

    poster = tmp_path / "map.png"
    assert main(["map", "--png", str(poster), "--size", "400"]) == 0
    assert "photos drawn on" in capsys.readouterr().err
    with Image.open(poster) as img:
        assert img.size == (400, 400)
        colours = img.convert("RGB").getcolors(400 * 400)
    assert colours is not None and len(colours) > 50  # thumbnails, not just the background

    assert main(["map", "--png", str(tmp_path / "no" / "such" / "dir.png")]) == 1
    assert "cannot write" in capsys.readouterr().err
