"""The tag commands: browse WORDS, tag add|remove, teach (tiny model; real model in e2e)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from photofind.cli import main
from tests.helpers import TINY


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> list[dict]:
    assert main(argv) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def _names(rows: list[dict]) -> list[str]:
    return sorted(Path(r["path"]).name for r in rows)


def test_own_tags_through_the_cli(photo_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["index", str(photo_dir), "--model", TINY]) == 0
    p = [str(photo_dir / f"p{i}.jpg") for i in range(4)]
    assert main(["tag", "add", "Holiday 2024", *p[:3]]) == 0
    assert "tagged 3 photos 'Holiday 2024'" in capsys.readouterr().out
    assert main(["tag", "add", "sea", p[2], p[3]]) == 0
    capsys.readouterr()
    assert _names(_json(capsys, ["browse", "holiday", "2024", "--json"])) == [
        "p0.jpg",
        "p1.jpg",
        "p2.jpg",
    ]
    assert _names(_json(capsys, ["browse", "holiday 2024", "-sea", "--json"])) == [
        "p0.jpg",
        "p1.jpg",
    ]
    assert _names(_json(capsys, ["browse", "holiday 2024", "-k", "1", "--json"])) == ["p0.jpg"]
    assert main(["tag", "remove", "holiday 2024", p[0]]) == 0
    assert "removed 'holiday 2024' from 1 photo" in capsys.readouterr().out
    tree = _json(capsys, ["browse", "--json"])
    own = {n["tag"]: n["photos"] for n in tree if n["kind"] == "own"}
    assert own == {"holiday 2024": 2, "sea": 2}
    assert main(["browse"]) == 0
    assert "holiday 2024  (own)" in capsys.readouterr().out

    assert main(["teach", "holiday 2024"]) == 1  # 2 tagged: too few
    err = capsys.readouterr().err
    assert "tag at least 3 photos 'holiday 2024' first (now 2): photofind tag add" in err
    assert main(["tag", "add", "holiday 2024", str(photo_dir / "p4.jpg")]) == 0
    capsys.readouterr()
    proposals = _json(capsys, ["teach", "holiday 2024", "--json"])
    # every photo neither tagged nor rejected (p0), best first
    assert _names(proposals) == ["p3.jpg", "p5.jpg", "s0.jpg", "s1.png"]
    assert [r["score"] for r in proposals] == sorted((r["score"] for r in proposals), reverse=True)


def test_tag_mistakes_are_messages(photo_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["index", str(photo_dir), "--model", TINY]) == 0
    capsys.readouterr()
    assert main(["tag", "add", "x", str(photo_dir / "nope.jpg")]) == 1
    assert "not in the library" in capsys.readouterr().err
    assert main(["teach", "x"]) == 1
    assert "tag at least 3 photos 'x' first (now 0)" in capsys.readouterr().err
    assert main(["browse", "xyzzyq"]) == 1
    assert "no tag or word matches 'xyzzyq'" in capsys.readouterr().err
    assert main(["tag", "add", "-", str(photo_dir / "p0.jpg")]) == 1
    assert "not a usable tag name" in capsys.readouterr().err
