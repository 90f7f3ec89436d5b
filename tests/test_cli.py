"""The command-line contract that scripts rely on (JSON shapes, exit codes, errors)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from photofind.cli import main
from tests.helpers import TINY


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> object:
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_index_similar_tags_status(photo_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (photo_dir / "broken.jpg").write_bytes(b"\xff\xd8\xff garbage")
    assert main(["index", str(photo_dir), "--model", TINY, "--device", "cpu"]) == 0
    out = capsys.readouterr().out
    assert "indexed 8" in out and "skipped 1" in out and "broken.jpg" in out

    query = str(photo_dir / "p0.jpg")
    hits = _json(capsys, ["similar", query, "-k", "3", "--json"])
    assert len(hits) == 3 and all(set(h) == {"path", "score"} for h in hits)
    assert query not in [h["path"] for h in hits]
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)

    tags = _json(capsys, ["tags", query, "-k", "4", "--json"])
    assert len(tags) == 4 and all(set(t) == {"label", "score"} for t in tags)

    status = _json(capsys, ["status", "--json"])
    assert status == {
        **status,
        "photos": 9,
        "indexed": 8,
        "pending": 0,
        "failed": 1,
        "model": TINY,
        "device": "cpu",
    }

    assert main(["index", str(photo_dir)]) == 0  # unchanged: nothing to do
    assert "indexed 0, unchanged 8" in capsys.readouterr().out
    assert main(["index", "--retry-failed"]) == 0  # the broken file is still broken
    out = capsys.readouterr().out
    assert "indexed 0" in out and "skipped 1" in out and "broken.jpg" in out


def test_external_query_file_is_embedded_on_the_fly(
    photo_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["index", str(photo_dir / "sub"), "--model", TINY]) == 0
    capsys.readouterr()
    outside = photo_dir / "p1.jpg"  # not in the library: only sub/ was indexed
    hits = _json(capsys, ["similar", str(outside), "--json"])
    assert len(hits) == 2


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["similar", "/no/such/photo.jpg"], "no such file"),
        (["tags", "/no/such/photo.jpg"], "no such file"),
        (["index", "/no/such/folder"], "no such file or folder"),
        (["index", "--model", "alexnet"], "unknown model"),
        (["status", "--device", "cuda-or-bust"], "unknown device"),
    ],
)
def test_user_mistakes_are_messages_not_tracebacks(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_unreadable_library(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "catalog.sqlite3").write_bytes(b"garbage" * 1000)
    assert main(["--library", str(lib), "status"]) == 1
    assert "cannot open the catalog" in capsys.readouterr().err


def test_core_and_cli_import_without_torch() -> None:
    """The desktop app must paint before torch loads (seconds): importing core never loads it."""
    import subprocess
    import sys

    code = (
        "import sys, photofind.cli, photofind.core.library, photofind.core.worker; "
        "print(sorted(m for m in ('torch', 'onnxruntime', 'annoy', 'PySide6') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_model_that_cannot_load_leaves_the_library_as_it_was(
    photo_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import torchvision

    def offline(*args: object, **kwargs: object) -> None:
        raise OSError("network is unreachable")

    monkeypatch.setattr(torchvision.models._api, "load_state_dict_from_url", offline)
    assert main(["index", str(photo_dir), "--model", TINY]) == 0
    assert main(["index", "--model", "resnet50"]) == 1
    assert "--weights FILE" in capsys.readouterr().err
    assert _json(capsys, ["status", "--json"])["model"] == TINY


def test_empty_browse_says_what_to_do(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["browse"]) == 0
    assert "index a folder first" in capsys.readouterr().err


def test_output_into_a_closed_pipe_is_not_a_traceback(library_dir: Path) -> None:
    """`photofind status | head -0`: the reader is gone before photofind writes."""
    import subprocess
    import sys

    cmd = [sys.executable, "-m", "photofind", "status", "--library", str(library_dir)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0 and b"Traceback" not in err and b"BrokenPipe" not in err, err


@pytest.mark.skipif(sys.platform != "linux", reason="file names of any bytes: Linux")
def test_names_that_are_not_utf8_print_in_every_command(photo_dir: Path, library_dir: Path) -> None:
    odd = os.fsencode(photo_dir) + b"/caf\xe9 \xff.jpg"  # Latin-1 from an old camera, and worse
    with open(odd, "wb") as f:
        f.write((photo_dir / "p0.jpg").read_bytes())  # a copy: a duplicates group holds it
    name = os.fsdecode(odd)
    runs = [
        ["index", str(photo_dir), "--model", TINY, "--device", "cpu"],
        ["similar", name, "-k", "3"],
        ["similar", str(photo_dir / "p0.jpg"), "--json"],
        ["tags", name],
        ["browse", "--json"],
        ["duplicates"],
        ["duplicates", "--json"],
        ["status"],
    ]
    script = (
        "import sys, json; from tests.helpers import register_tiny; register_tiny(); "
        "from photofind.cli import main; "
        "[print('rc', main(a), file=sys.stderr) for a in json.loads(sys.argv[1])]"
    )
    repo = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-c", script, json.dumps(runs)],
        cwd=repo,
        env={**os.environ, "PYTHONPATH": str(repo), "PYTHONIOENCODING": "utf-8:strict"},
        capture_output=True,
        timeout=240,
    )
    err = done.stderr.decode("utf-8", "surrogateescape")
    assert "Traceback" not in err and err.count("rc 0") == len(runs), err
    assert b"caf\xe9 \xff.jpg" in done.stdout  # the name's own bytes, as `ls` prints them
    # JSON output stays valid UTF-8 and reads back to the very same name.
    (groups,) = [
        json.loads(line.decode()) for line in done.stdout.splitlines() if line[:2] == b"[["
    ]
    assert any(name in group for group in groups)


def test_an_upgrade_says_what_it_backed_up(
    library_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    from photofind.core.catalog.schema import MIGRATIONS

    library_dir.mkdir(parents=True)
    db = sqlite3.connect(library_dir / "catalog.sqlite3", isolation_level=None)
    for script in MIGRATIONS[:4]:
        db.executescript(script)
    db.execute("PRAGMA user_version = 4")
    db.close()
    assert main(["status", "--json"]) == 0
    err = capsys.readouterr().err
    assert "upgraded from schema 4" in err and "catalog.sqlite3.v4.bak" in err
