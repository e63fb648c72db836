"""One Inkaso window per user and database: the first listens, a second launch hands over.

The first launch listens on a QLocalServer named by desktop_app.instance.channel_name; a second
launch for the same database connects, sends its request (show the window, open a contractor)
and exits before it opens the database or starts a scheduler, so two senders never run side by
side. A socket file left by a crash is removed only when nobody answers on it.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QAbstractSocket, QLocalServer, QLocalSocket

from desktop_app import instance
from desktop_app.instance import Request

log = logging.getLogger(__name__)

#: milliseconds a second launch waits for the first to take and answer its request
WAIT_MS = int(instance.TIMEOUT * 1000)


def hand_over(name: str, request: Request) -> bool:
    """Send ``request`` to the Inkaso listening on ``name``: True when it took it (this launch
    should then exit), False when none is running. Blocking: used before any window exists."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(WAIT_MS):
        return False
    instance.allow_foreground()
    socket.write(instance.encode(request))
    socket.flush()
    answered = False
    while socket.waitForReadyRead(WAIT_MS):
        if socket.canReadLine():
            answered = bytes(socket.readLine().data()) == instance.ANSWER
            break
    socket.disconnectFromServer()
    if not answered:
        log.warning("the running Inkaso on %s did not answer", name)
    return answered


class InstanceServer(QObject):
    """The first launch's end of the channel; ``requested`` carries each request to the app."""

    requested = Signal(object)  # Request

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._server = QLocalServer(self)
        # No UserAccessOption: with it Qt binds elsewhere and renames the socket over the path,
        # replacing a running Inkaso's socket instead of failing with AddressInUseError. The
        # file is made with the usual umask (no write access for others: they cannot connect).
        self._server.newConnection.connect(self._accept)
        #: another Inkaso answers on this name (set by :meth:`listen`)
        self.taken = False

    def listen(self) -> bool:
        """Start listening; False when another Inkaso already answers on this name."""
        if self._server.listen(self.name):
            return True
        if self._server.serverError() != QAbstractSocket.SocketError.AddressInUseError:
            log.warning("cannot listen on %s: %s", self.name, self._server.errorString())
            return False
        if _answers(self.name):
            self.taken = True
            return False
        log.info("removing the stale channel %s left by an Inkaso that did not close", self.name)
        QLocalServer.removeServer(self.name)
        if self._server.listen(self.name):
            return True
        log.warning("cannot listen on %s: %s", self.name, self._server.errorString())
        return False

    def close(self) -> None:
        self._server.close()

    @property
    def listening(self) -> bool:
        return self._server.isListening()

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            connection = self._server.nextPendingConnection()
            connection.readyRead.connect(lambda c=connection: self._read(c))
            connection.disconnected.connect(connection.deleteLater)

    def _read(self, connection: QLocalSocket) -> None:
        if not connection.canReadLine():
            if connection.bytesAvailable() > instance.MAX_MESSAGE:
                connection.abort()
            return
        line = bytes(connection.readLine().data())
        try:
            request = instance.decode(line)
        except ValueError as exc:
            log.warning("ignored a message on the instance channel: %s", exc)
            connection.disconnectFromServer()
            return
        connection.write(instance.ANSWER)
        connection.flush()
        connection.disconnectFromServer()
        log.info("request from another launch: %s", request)
        self.requested.emit(request)


def _answers(name: str) -> bool:
    """Someone accepts connections on ``name`` (a running Inkaso, not a file left by a crash)."""
    probe = QLocalSocket()
    probe.connectToServer(name)
    connected = probe.waitForConnected(WAIT_MS)
    probe.abort()
    return connected
