"""The single-instance channel's shared parts: caller numbers, messages, names per database."""

from __future__ import annotations

import socket
import sys
import threading
from pathlib import Path

import pytest

from desktop_app import instance
from desktop_app.domain.identifiers import phone_lookup_key
from desktop_app.instance import NotRunningError, Request


@pytest.mark.parametrize(
    "typed",
    ["501 234 567", "+48 501-234-567", "0048501234567", "48501234567", "0501234567", "501234567"],
)
def test_a_polish_number_is_found_however_the_exchange_spells_it(typed: str) -> None:
    assert phone_lookup_key(typed) == "+48501234567"


def test_a_foreign_number_keeps_its_country_and_nonsense_is_no_number() -> None:
    assert phone_lookup_key("+49 30 1234567") == "+49301234567"
    assert phone_lookup_key("12") is None
    assert phone_lookup_key("anonymous") is None
    # ten digits are a NIP (77 is also an area code): never a phone with something in front
    assert phone_lookup_key("7740001454") is None


@pytest.mark.parametrize(
    "request_",
    [
        Request(),
        Request("open", phone="+48 501"),
        Request("open", nip="PL1"),
        Request("open", contractor=7),
    ],
)
def test_a_request_survives_the_channel(request_: Request) -> None:
    assert instance.decode(instance.encode(request_)) == request_


@pytest.mark.parametrize(
    "line",
    [
        b'{"v": 2, "action": "show"}',
        b'{"v": 1, "action": "delete everything"}',
        b'{"v": 1, "action": "open", "contractor": "7"}',
        b"[1]",
        b"not json",
    ],
)
def test_a_message_we_do_not_understand_is_refused(line: bytes) -> None:
    with pytest.raises(ValueError):
        instance.decode(line)


def test_the_same_database_however_named_has_one_channel_and_another_one_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    same = {
        instance.channel_name(tmp_path / "a.db"),
        instance.channel_name("a.db"),
        instance.channel_name(str(tmp_path / "sub" / ".." / "a.db")),
    }
    assert len(same) == 1
    assert instance.channel_name(tmp_path / "b.db") not in same
    assert len(next(iter(same)).encode()) < 100  # a Unix socket path's limit


def test_nobody_listening_is_not_running(tmp_path: Path) -> None:
    with pytest.raises(NotRunningError):
        instance.send(str(tmp_path / "nobody.sock"), Request())


def test_the_client_hands_over_and_reads_the_answer(tmp_path: Path) -> None:
    path = str(tmp_path / "app.sock")
    received: list[Request] = []
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(path)
        server.listen(1)

        def answer() -> None:
            conn, _ = server.accept()
            with conn:
                received.append(instance.decode(conn.makefile("rb").readline()))
                conn.sendall(instance.ANSWER)

        thread = threading.Thread(target=answer)
        thread.start()
        instance.send(path, Request("open", phone="501234567"))
        thread.join()
    assert received == [Request("open", phone="501234567")]


@pytest.mark.skipif(sys.platform == "win32", reason="Unix socket")
def test_answers_only_while_someone_listens(tmp_path: Path) -> None:
    path = str(tmp_path / "probe.sock")
    assert not instance.answers(path)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(path)
        server.listen(1)
        assert instance.answers(path)
    # the file a crashed app leaves behind is no answer
    assert Path(path).exists() and not instance.answers(path)
