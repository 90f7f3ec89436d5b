"""One app per library: a launch that finds another already listening hands over to it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtNetwork import QLocalSocket

from photofind.gui.instance import InstanceServer, server_name


def test_a_second_server_does_not_take_a_live_ones_name(tmp_path: Path) -> None:
    """Two launches at once (Explorer starts one per file): the later must hand over, not
    remove the first one's socket and listen in its place."""
    first, second = InstanceServer(tmp_path), InstanceServer(tmp_path)
    try:
        assert first.listen()
        assert not second.listen()
        assert first._server.isListening()
    finally:
        first.close()
        second.close()


def test_a_stale_socket_is_taken_over(tmp_path: Path) -> None:
    """A crash leaves the socket behind; nobody answers on it, so the next app listens."""
    first = InstanceServer(tmp_path)
    assert first.listen()
    first._server.close()  # as if the app had died: on Unix the file may stay
    second = InstanceServer(tmp_path)
    try:
        assert second.listen()
        probe = QLocalSocket()
        probe.connectToServer(server_name(tmp_path))
        assert probe.waitForConnected(1000)
    finally:
        second.close()
