"""One running app per library: a second launch hands its query over a local socket and exits."""

from __future__ import annotations

import getpass
import hashlib
import json
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

__all__ = ["InstanceServer", "send_to_running"]


def server_name(library_dir: Path) -> str:
    """Per user and library, short enough for every OS's socket path limit."""
    key = f"{getpass.getuser()}:{library_dir.expanduser().resolve()}"
    return "photofind-" + hashlib.sha256(key.encode()).hexdigest()[:16]


def send_to_running(library_dir: Path, message: dict, timeout_ms: int = 1500) -> bool:
    """Give `message` to the app running on this library; False if none answers."""
    socket = QLocalSocket()
    socket.connectToServer(server_name(library_dir))
    if not socket.waitForConnected(timeout_ms):
        return False
    socket.write(json.dumps(message).encode() + b"\n")
    socket.flush()  # may write everything at once, leaving waitForBytesWritten nothing to wait for
    socket.waitForBytesWritten(timeout_ms)
    # Wait for the app's acknowledgement so the message is not lost when we exit.
    ok = socket.waitForReadyRead(timeout_ms) and socket.readAll().data().startswith(b"ok")
    socket.disconnectFromServer()
    return bool(ok)


class InstanceServer(QObject):
    """Listens for later launches; `received` carries each one's message."""

    received = Signal(dict)

    def __init__(self, library_dir: Path) -> None:
        super().__init__()
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._name = server_name(library_dir)
        self._server.newConnection.connect(self._accept)

    def listen(self) -> bool:
        """Listen; False if another app already does (it started a moment ago). Asked first,
        because listening succeeds anyway: on Windows two servers share a pipe's name, and on
        Unix Qt moves its socket file over the live one."""
        probe = QLocalSocket()
        probe.connectToServer(self._name)
        if probe.waitForConnected(300):
            probe.disconnectFromServer()
            return False
        QLocalServer.removeServer(self._name)  # a stale socket left by a crash
        return self._server.listen(self._name)

    def close(self) -> None:
        self._server.close()

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._read(s))

    def _read(self, socket: QLocalSocket) -> None:
        if not socket.canReadLine():
            return
        try:
            message = json.loads(bytes(socket.readLine().data()).decode())
        except ValueError:
            socket.disconnectFromServer()
            return
        socket.write(b"ok\n")
        socket.flush()
        if isinstance(message, dict):
            self.received.emit(message)
