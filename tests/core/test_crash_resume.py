"""Killing the indexer (SIGKILL) mid-run leaves a library that resumes with each photo once."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from photofind.cli import main
from tests.helpers import make_photo

# The child indexes with a tiny model slowed down, so the parent can kill it between batches.
_CHILD = textwrap.dedent(
    """
    import sys, time
    from tests.helpers import register_tiny, TINY
    from photofind.core import models
    register_tiny()
    spec = models.MODELS[TINY]
    slow_build = spec.build
    def build(weights):
        net = slow_build(weights)
        forward = net.forward
        def slow(x):
            time.sleep(0.15)
            return forward(x)
        net.forward = slow
        return net
    import dataclasses
    models.register(dataclasses.replace(spec, build=build))
    from photofind.cli import main
    sys.exit(main(sys.argv[1:]))
    """
)


def _embedded(db_path: Path) -> int:
    try:
        with sqlite3.connect(db_path, timeout=5) as db:
            return db.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_sigkill_mid_index_then_resume(tmp_path: Path, library_dir: Path) -> None:
    photos = tmp_path / "photos"
    for i in range(60):
        make_photo(photos / f"{i:03}.jpg", seed=i, size=(160, 120), quality=80)
    repo = Path(__file__).resolve().parents[2]
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            _CHILD,
            "--library",
            str(library_dir),
            "index",
            str(photos),
            "--model",
            "test-tiny",
            "--batch-size",
            "4",
        ],
        cwd=repo,
        # PyTorch runs the slowed-down forward; an exported ONNX graph would not keep the sleep.
        env={**os.environ, "PYTHONPATH": str(repo), "PHOTOFIND_RUNTIME": "torch"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    db_path = library_dir / "catalog.sqlite3"
    deadline = time.monotonic() + 60
    while _embedded(db_path) < 12 and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.02)
    child.send_signal(signal.SIGKILL)
    child.wait()
    partial = _embedded(db_path)
    assert 12 <= partial < 60, child.stderr.read().decode()

    assert main(["--library", str(library_dir), "index", "--model", "test-tiny"]) == 0
    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = db.execute("SELECT photo_id FROM embeddings").fetchall()
        photos_n = db.execute("SELECT COUNT(*) FROM photos").fetchone()[0]
        tags_per_photo = db.execute(
            "SELECT MIN(n), MAX(n) FROM (SELECT COUNT(*) n FROM predicted_tags GROUP BY photo_id)"
        ).fetchone()
    assert photos_n == 60 and len(rows) == 60 and len(set(rows)) == 60
    assert tags_per_photo == (5, 5)
