"""inkaso open: a softphone's call reaches the running app over its socket, or exits 3 in one
line when there is none (and ``--no-start`` forbids starting it)."""

from __future__ import annotations

import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app import instance
from desktop_app.instance import Request
from tests.conftest import Cli

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="Unix socket")


@pytest.fixture
def running_app(db_path: Path) -> Iterator[list[Request]]:
    """A stand-in for the GUI's end of the channel on the test's database (the GUI's own end is
    tested in tests/gui/receivables/test_single_instance.py): what it received."""
    received: list[Request] = []
    path = instance.channel_name(db_path)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)

    def serve() -> None:
        try:
            conn, _ = server.accept()
        except OSError:
            return
        with conn:
            received.append(instance.decode(conn.makefile("rb").readline()))
            conn.sendall(instance.ANSWER)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield received
    server.close()
    Path(path).unlink(missing_ok=True)


def test_the_callers_number_reaches_the_running_app(cli: Cli, running_app: list[Request]) -> None:
    result = cli("open", "--phone", "+48 501 234 567")
    assert (result.code, result.err) == (0, "")
    assert running_app == [Request("open", phone="+48 501 234 567")]


def test_the_database_may_follow_the_command(
    cli: Cli, db_path: Path, running_app: list[Request], tmp_path: Path
) -> None:
    # the global --db names another file; the one after the command wins
    result = cli("open", "--nip", "526-025-02-74", "--db", str(db_path), db=tmp_path / "x.db")
    assert result.code == 0, result.err
    assert running_app == [Request("open", nip="526-025-02-74")]


def test_no_running_app_is_one_line_and_exit_3(cli: Cli) -> None:
    result = cli("open", "--contractor", "7", "--no-start")
    assert result.code == 3
    assert result.err == "inkaso: Inkaso is not running for this database.\n"


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--phone", "anonymous", "Invalid phone number anonymous"),
        ("--nip", "123", "Invalid NIP 123: the check digit or length is wrong"),
    ],
)
def test_what_cannot_be_a_number_is_refused_before_anything_is_asked(
    cli: Cli, option: str, value: str, message: str
) -> None:
    result = cli("open", option, value, "--no-start")
    assert (result.code, result.err) == (3, f"inkaso: {message}\n")


def test_one_of_phone_nip_or_contractor_is_needed(cli: Cli) -> None:
    assert cli("open").code == 2
    assert cli("open", "--phone", "1", "--nip", "2").code == 2


def test_an_inkaso_that_dies_at_start_is_one_line_and_exit_3(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # no display it can use: the real inkaso-gui ends at once instead of showing the card
    monkeypatch.setenv("QT_QPA_PLATFORM", "nonexistent")
    result = cli("open", "--phone", "+48 600 100 200")
    assert result.code == 3
    assert result.out == ""
    assert result.err.startswith("inkaso: Inkaso is not running and could not be started: ")
    assert "Qt platform plugin" in result.err
    assert result.err.count("\n") == 1
