"""One running Inkaso per user and database: the channel's name and the messages sent over it.

The GUI listens on a local socket (Qt's QLocalServer, ui/single_instance.py); a second launch
and ``inkaso open`` connect to it and hand over what they were asked to do. This module is the
part both sides share, with no Qt in it: the name (the user and the database in it, so two
databases may run side by side but the same one never twice), the message format (one line of
versioned JSON each way) and a standard-library client for the command line.

Qt's QLocalServer takes an absolute path as the socket file on Linux and macOS, so that is the
name we give it there and the path ``socket.AF_UNIX`` connects to; on Windows Qt makes a named
pipe ``\\\\.\\pipe\\NAME``, which the client opens as a file.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import socket
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from db.engine import sqlite_path
from desktop_app.errors import InkasoError
from desktop_app.i18n import _
from desktop_app.services.database import resolve_target

#: bumped when a message changes meaning; a newer message is refused, never half understood
PROTOCOL = 1
#: a message is one JSON line; anything longer is not ours
MAX_MESSAGE = 4096
#: how long a client waits for the running app to answer (seconds)
TIMEOUT = 3.0

Action = Literal["show", "open"]


class NotRunningError(InkasoError):
    """Nobody listens on the channel: Inkaso is not running for this database."""


class AlreadyRunningError(InkasoError):
    """An Inkaso on this database accepts connections but did not take the request (busy or
    hung): starting a second one beside it would mean two senders."""


@dataclass(frozen=True)
class Request:
    """What a second launch or ``inkaso open`` asks the running app to do.

    ``show`` brings the window to the front; ``open`` also looks the contractor up by one of
    phone, NIP or id and opens its card (or the list when nothing or several match)."""

    action: Action = "show"
    phone: str | None = None
    nip: str | None = None
    contractor: int | None = None

    @property
    def arguments(self) -> list[str]:
        """The same request as ``inkaso-gui`` options (to start the app with it)."""
        if self.phone is not None:
            return ["--phone", self.phone]
        if self.nip is not None:
            return ["--nip", self.nip]
        if self.contractor is not None:
            return ["--contractor", str(self.contractor)]
        return []


def encode(request: Request) -> bytes:
    data: dict[str, Any] = {"v": PROTOCOL, "action": request.action}
    for key in ("phone", "nip", "contractor"):
        value = getattr(request, key)
        if value is not None:
            data[key] = value
    return json.dumps(data, ensure_ascii=False).encode() + b"\n"


def decode(line: bytes) -> Request:
    """A request read from the channel; ValueError for anything we do not understand."""
    if len(line) > MAX_MESSAGE:
        raise ValueError("message too long")
    data = json.loads(line.decode())
    if not isinstance(data, dict) or data.get("v") != PROTOCOL:
        raise ValueError(f"unknown message version: {line[:80]!r}")
    action = data.get("action")
    if action not in ("show", "open"):
        raise ValueError(f"unknown action {action!r}")
    phone, nip, contractor = data.get("phone"), data.get("nip"), data.get("contractor")
    if phone is not None and not isinstance(phone, str):
        raise ValueError("phone is not text")
    if nip is not None and not isinstance(nip, str):
        raise ValueError("nip is not text")
    if contractor is not None and (isinstance(contractor, bool) or not isinstance(contractor, int)):
        raise ValueError("contractor is not a number")
    return Request(action=action, phone=phone, nip=nip, contractor=contractor)


ANSWER = b'{"v": 1, "ok": true}\n'


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in a container: the uid tells users apart
        return str(os.getuid()) if hasattr(os, "getuid") else "user"


def database_key(target: str | Path | None) -> str:
    """The database as the same file or server however it was named (relative path, symlink,
    ``INKASO_DB`` or the default location)."""
    url, _default = resolve_target(target)
    path = sqlite_path(url)
    if path is not None:
        return "sqlite:" + os.path.normcase(str(Path(path).resolve()))
    return url.render_as_string(hide_password=True)


def channel_name(target: str | Path | None) -> str:
    """The local server's name for this user and database (see the module's docstring)."""
    user = _user()
    digest = hashlib.sha256(f"{user}\0{database_key(target)}".encode()).hexdigest()[:16]
    safe_user = "".join(c for c in user if c.isalnum())[:16] or "user"
    name = f"inkaso-{safe_user}-{digest}"
    if sys.platform == "win32":
        return name
    # /tmp, not the data folder: a socket path must stay under ~100 bytes on every Unix
    return str(Path(tempfile.gettempdir()) / f"{name}.sock")


def send(name: str, request: Request, timeout: float = TIMEOUT) -> None:
    """Hand ``request`` to the Inkaso listening on ``name``; NotRunningError when none answers."""
    not_running = NotRunningError(_("Inkaso is not running for this database."))
    allow_foreground()
    try:
        if sys.platform == "win32":  # pragma: no cover - Windows only
            _send_pipe(name, request)
        else:
            _send_unix(name, request, timeout)
    except (OSError, ValueError) as exc:
        raise not_running from exc


def answers(name: str) -> bool:
    """Someone accepts connections on ``name``: a connection alone, no request (the GUI's end
    ignores a connection that closes without a line, as its own probe does)."""
    try:
        if sys.platform == "win32":  # pragma: no cover - Windows only
            with Path(rf"\\.\pipe\{name}").open("r+b", buffering=0):
                return True
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(TIMEOUT)
            sock.connect(name)
    except OSError:
        return False
    return True


def allow_foreground() -> None:
    """Let the running app take the foreground from us. Windows lets only the foreground
    process (a double-click, a softphone on a call) bring a window to the front; without
    this the running Inkaso could only flash its taskbar button."""
    if sys.platform == "win32":  # pragma: no cover - Windows only
        import ctypes

        asfw_any = -1
        ctypes.windll.user32.AllowSetForegroundWindow(asfw_any)


def _send_unix(path: str, request: Request, timeout: float) -> None:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(path)
        sock.sendall(encode(request))
        answer = b""
        while not answer.endswith(b"\n") and len(answer) < MAX_MESSAGE:
            chunk = sock.recv(MAX_MESSAGE)
            if not chunk:
                break
            answer += chunk
    _check_answer(answer)


def _send_pipe(name: str, request: Request) -> None:  # pragma: no cover - Windows only
    with Path(rf"\\.\pipe\{name}").open("r+b", buffering=0) as pipe:
        pipe.write(encode(request))
        _check_answer(pipe.readline(MAX_MESSAGE))


def _check_answer(answer: bytes) -> None:
    data = json.loads(answer.decode()) if answer.strip() else None
    if not isinstance(data, dict) or data.get("ok") is not True:
        raise ValueError(f"unexpected answer {answer[:80]!r}")
