"""inkaso open --phone NUMBER | --nip NIP | --contractor ID: bring up a contractor's card in the
running Inkaso (a softphone runs it on an incoming call), starting Inkaso when it is not running.

How it reaches the app: over the single-instance socket itself, with the standard library
(desktop_app.instance), rather than by starting ``inkaso-gui`` to hand over as a second launch.
The core stays free of Qt either way, but talking directly answers in milliseconds instead of
the second or two a Qt process takes to start on every call, and tells us whether the app took
the request. Only when nobody answers is ``inkaso-gui`` started, with the same request.
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from desktop_app.cli.context import Context
from desktop_app.domain.identifiers import normalize_nip, phone_lookup_key
from desktop_app.errors import InkasoError, ValidationError
from desktop_app.i18n import _
from desktop_app.instance import NotRunningError, Request, answers, channel_name, send

log = logging.getLogger(__name__)

#: how long to watch a started Inkaso for dying at once (no display, a broken install), seconds
START_WATCH = 5.0
#: how often to look at it meanwhile
START_POLL = 0.1


def register(sub: argparse._SubParsersAction[Any]) -> None:
    cmd = sub.add_parser(
        "open",
        help=_("show a contractor's card in the running Inkaso (for a softphone's incoming call)"),
    )
    who = cmd.add_mutually_exclusive_group(required=True)
    who.add_argument("--phone", metavar="NUMBER", help=_("the caller's phone number"))
    who.add_argument("--nip", metavar="NIP", help=_("the contractor's NIP"))
    who.add_argument("--contractor", metavar="ID", type=int, help=_("the contractor's id"))
    # also after the command: a softphone is set up with one command line
    cmd.add_argument(
        "--db",
        dest="open_db",
        metavar="PATH|URL",
        help=_("the database the running Inkaso has open (as the global --db)"),
    )
    cmd.add_argument(
        "--no-start",
        action="store_true",
        help=_("do not start Inkaso when it is not running (exit code 3 instead)"),
    )
    cmd.set_defaults(handler=open_contractor)


def open_contractor(ctx: Context) -> int:
    args = ctx.args
    target = args.open_db or args.db
    request = Request("open", phone=args.phone, nip=args.nip, contractor=args.contractor)
    _check(request)
    try:
        send(channel_name(target), request)
    except NotRunningError:
        if args.no_start:
            raise
        _start_gui(target, request, channel_name(target))
        ctx.line(_("Inkaso is starting with the contractor's card."))
        return 0
    ctx.line(_("Shown in the running Inkaso."))
    return 0


def _check(request: Request) -> None:
    """A number that cannot be one is refused here, with a sentence, not in the window."""
    if request.phone is not None and phone_lookup_key(request.phone) is None:
        raise ValidationError(
            _("Invalid phone number {phone}").format(phone=request.phone), field="phone"
        )
    if request.nip is not None:
        normalize_nip(request.nip)


def gui_command() -> list[str]:
    """``inkaso-gui`` beside this program (the bundle's folder, the virtualenv's scripts),
    or this Python running the GUI module."""
    name = "inkaso-gui.exe" if sys.platform == "win32" else "inkaso-gui"
    beside = Path(sys.executable).parent / name
    if beside.is_file():
        return [str(beside)]
    return [sys.executable, "-m", "ui.app"]


def _start_gui(target: str | None, request: Request, channel: str) -> None:
    command = [*gui_command(), *(["--db", target] if target else []), *request.arguments]
    log.info("Inkaso is not running: starting %s", command[0])
    # the app outlives this command (and a softphone that may kill its children)
    detached: dict[str, Any] = {"start_new_session": True}
    if sys.platform == "win32":  # pragma: no cover - Windows only
        detached = {
            "creationflags": subprocess.DETACHED_PROCESS | subprocess.CREATE_NEW_PROCESS_GROUP
        }
    # stderr to an unlinked file, not a pipe: the app outlives us and must not write into a
    # closed pipe, yet when it dies at once its last words are the reason we print
    with tempfile.TemporaryFile() as stderr:
        try:
            child = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                close_fds=True,
                env=os.environ.copy(),
                **detached,
            )
        except OSError as exc:
            raise _not_started(str(exc.strerror or exc)) from exc
        code = _watch(child, channel)
        if code is not None and code != 0:
            stderr.seek(0)
            said = stderr.read().decode(errors="replace")
            log.info("inkaso-gui ended with %s at start: %s", code, said)
            raise _not_started(_reason(said, code))


def _watch(child: subprocess.Popen[bytes], channel: str) -> int | None:
    """The child's exit code if it ended before it answered on ``channel`` (within
    START_WATCH); None while it lives: up and answering, or still starting."""
    deadline = time.monotonic() + START_WATCH
    while True:
        code = child.poll()
        if code is not None or answers(channel) or time.monotonic() >= deadline:
            return code
        time.sleep(START_POLL)


def _reason(said: str, code: int) -> str:
    """One line of what the dying app wrote: the first (Qt's "Could not find the Qt platform
    plugin"), or a traceback's last (the exception); its exit code when it wrote nothing."""
    lines = [line.strip() for line in said.splitlines() if line.strip()]
    if not lines:
        return _("it ended with exit code {code}").format(code=code)
    return lines[-1] if lines[0].startswith("Traceback") else lines[0]


def _not_started(reason: str) -> InkasoError:
    return InkasoError(
        _("Inkaso is not running and could not be started: {reason}").format(reason=reason)
    )
