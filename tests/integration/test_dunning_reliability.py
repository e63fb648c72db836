"""No duplicates, nothing lost: concurrent processes, killed senders, failing mail servers."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from desktop_app.services.database import open_database
from desktop_app.services.dunning import sender
from tests.conftest import Cli
from tests.integration.dunning_env import DunningEnv, message_id_for
from tests.integration.http_gateway import Answer
from tests.integration.smtp_server import SMTP

ROOT = Path(__file__).resolve().parents[2]
CONTRACTORS = 24


def _firm_with_debtors(env: DunningEnv, count: int = CONTRACTORS) -> None:
    env.configure("gentle-email")
    for n in range(1, count + 1):
        env.ok("contractor", "add", "--name", f"Dłużnik {n}", "--email", f"d{n}@debtor.example.com")
        env.ok("invoice", "add", "--contractor", str(n), "--number", f"FV/{n}", "--issued",
               "2026-03-02", "--due", "2026-03-16", "--amount", f"{100 + n}")  # fmt: skip


def _spawn(db_path: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "desktop_app", "--db", str(db_path), *args],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _outbox(db_path: Path) -> list[tuple[str, str]]:
    con = sqlite3.connect(db_path)
    try:
        return con.execute("SELECT key, status FROM outbox WHERE channel = 'email'").fetchall()
    finally:
        con.close()


def _received_ids(env: DunningEnv) -> Counter[str]:
    return Counter(
        str(m.parsed()["Message-ID"]).strip("<>").split("@")[0] for m in env.mail.messages
    )


def test_two_processes_at_once_send_nothing_twice(env: DunningEnv, db_path: Path) -> None:
    _firm_with_debtors(env, 8)
    days = ["2026-03-13", "2026-03-16", "2026-03-19"]
    for day in days:
        procs = [_spawn(db_path, "dunning", "run", "--today", day) for _ in range(2)]
        for proc in procs:
            _out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
    ids = _received_ids(env)
    assert len(env.mail.messages) == 8 * len(days)
    assert max(ids.values()) == 1
    assert {status for _key, status in _outbox(db_path)} == {"sent"}


@pytest.mark.slow
def test_killed_sender_never_duplicates_and_leaves_uncertain(
    env: DunningEnv, db_path: Path, cli: Cli, tmp_path: Path
) -> None:
    """SIGKILL at random moments of a run, many times; then a normal run finishes the job."""
    _firm_with_debtors(env)

    async def slow_data(server: SMTP, count: int) -> None:
        await asyncio.sleep(0.01)  # a real server takes a moment: widens the in-flight window

    env.mail.on_mail = slow_data  # type: ignore[assignment]
    template = tmp_path / "template.db"
    env.db.dispose()
    shutil.copy(db_path, template)
    rng = random.Random(20261123)
    outcomes: Counter[str] = Counter()
    for trial in range(12):
        env.mail.messages.clear()
        trial_db = tmp_path / f"trial{trial}.db"
        shutil.copy(template, trial_db)
        target = rng.randint(0, CONTRACTORS - 2)
        proc = _spawn(trial_db, "dunning", "run", "--today", "2026-03-19")
        deadline = time.monotonic() + 60
        while (
            len(env.mail.messages) < target and proc.poll() is None and time.monotonic() < deadline
        ):
            time.sleep(0.002)
        time.sleep(rng.random() * 0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        con = sqlite3.connect(trial_db)
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        con.close()
        interrupted = {key for key, status in _outbox(trial_db) if status == "sending"}
        # recorded late, in flight, claimed ahead: a person confirms at most three batches,
        # here (a small run) three messages
        assert len(interrupted) <= 3 * sender.batch_size(CONTRACTORS) == 3
        delivered_before = _received_ids(env)
        # the next run: interrupted ones become uncertain and are NOT sent again
        result = cli("dunning", "run", "--today", "2026-03-19", "--json", db=trial_db)
        assert result.code == 0, result.err
        rows = dict(_outbox(trial_db))
        received = _received_ids(env)
        assert max(received.values(), default=0) <= 1, "a message went out twice"
        for key, status in rows.items():
            got = received[message_id_for(key)]
            if status == "sent":
                assert got == 1, (key, status)
            elif status == "uncertain":
                assert key in interrupted and got <= 1
            else:
                pytest.fail(f"{key} left {status}")
        for key in interrupted:
            assert rows[key] == "uncertain"
            assert delivered_before[message_id_for(key)] == received[message_id_for(key)]
        assert len(rows) == CONTRACTORS  # every debtor got exactly one message row
        outcomes.update(rows.values())
    assert outcomes["sent"] > 0
    assert outcomes["uncertain"] > 0, "the kills never hit a message in flight"


def _one_debtor(env: DunningEnv) -> None:
    _firm_with_debtors(env, 1)


def _rows(env: DunningEnv, *args: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = env.ok("outbox", "list", "--json", *args)
    return result


def test_4xx_is_retried_later_with_backoff(env: DunningEnv) -> None:
    _one_debtor(env)

    async def busy_once(server: SMTP, count: int) -> str | None:
        return "451 4.3.0 Mailbox busy, try later" if count == 1 else None

    env.mail.on_mail = busy_once  # type: ignore[assignment]
    env.run("2026-03-19", "--now", "2026-03-19T10:00")
    [row] = _rows(env)
    assert (row["status"], row["attempts"]) == ("failed", 1)
    assert "451" in row["last_error"]
    env.run("2026-03-19", "--now", "2026-03-19T10:03")  # the backoff has not passed
    assert _rows(env)[0]["status"] == "failed" and not env.mail.messages
    env.run("2026-03-19", "--now", "2026-03-19T10:06")
    [row] = _rows(env)
    assert (row["status"], row["attempts"]) == ("sent", 2)
    assert len(env.mail.messages) == 1


def test_5xx_is_a_permanent_failure_the_user_sees(env: DunningEnv) -> None:
    _one_debtor(env)
    env.mail.refuse_rcpt["d1@debtor.example.com"] = "550 5.1.1 No such user"
    env.run("2026-03-19")
    [row] = _rows(env, "--status", "failed_permanently")
    assert "550" in row["last_error"]
    card = env.ok("contractor", "show", "1", "--json")
    assert any("Could not send" in a["summary"] for a in card["activity"])
    # nothing retries it by itself ...
    env.run("2026-03-20")
    assert _rows(env, "--status", "failed_permanently") and not env.mail.messages
    # ... until a person fixes the address and asks for it again
    env.mail.refuse_rcpt.clear()
    env.ok("outbox", "retry", str(row["id"]))
    env.run("2026-03-20")
    assert _rows(env)[0]["status"] == "sent"


def test_server_down_loses_nothing(env: DunningEnv, tmp_path: Path) -> None:
    _one_debtor(env)
    live_port = env.smtp.port
    with socket_closed_port() as dead_port:
        env.ok("config", "set", "smtp.port", str(dead_port))
        env.run("2026-03-19", "--now", "2026-03-19T10:00")
    [row] = _rows(env)
    assert row["status"] == "failed" and row["last_error"]
    env.ok("config", "set", "smtp.port", str(live_port))
    env.run("2026-03-19", "--now", "2026-03-19T10:10")
    [row] = _rows(env)
    assert row["status"] == "sent"
    assert len(env.mail.messages) == 1


def socket_closed_port():  # type: ignore[no-untyped-def]
    import contextlib
    import socket

    @contextlib.contextmanager
    def closed() -> Any:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        yield port

    return closed()


def test_database_survives_a_killed_run_and_migrations(db_path: Path) -> None:
    database = open_database(db_path)
    database.dispose()
    con = sqlite3.connect(db_path)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()


def test_a_run_waits_for_another_pcs_lease(env: DunningEnv) -> None:
    _one_debtor(env)
    from desktop_app.services.dunning import lease

    with env.db.write() as session:
        # another PC holds a fresh lease
        lease.acquire(session, "otherpc/4242/abcd", dt.datetime(2026, 3, 19, 9, 0))
    result = env.cli("dunning", "run", "--now", "2026-03-19T10:00", "--wait", "2", "--json")
    assert result.code == 3
    assert "otherpc" in result.json()["errors"][0]
    assert not env.mail.messages


# ---- unclear results: "uncertain" waits for a person; only a clear refusal is retried -------

#: a run, the retries' moments (5 min, 15 min, 1 h... later) and the next days
MOMENTS = (
    "2026-03-19T10:00",
    "2026-03-19T10:06",
    "2026-03-19T10:30",
    "2026-03-19T13:00",
    "2026-03-20T10:00",
    "2026-03-21T10:00",
)


def _runs(env: DunningEnv, moments: tuple[str, ...] = MOMENTS) -> list[dict[str, Any]]:
    return [env.run(moment[:10], "--now", moment) for moment in moments]


def _waits_for_a_person(env: DunningEnv, reports: list[dict[str, Any]]) -> dict[str, Any]:
    """The first run reports the message uncertain; no later run touches it."""
    assert reports[0]["counts"]["uncertain"] == 1
    assert [m["status"] for m in reports[0]["messages"]] == ["uncertain"]
    assert [r["messages"] for r in reports[1:]] == [[]] * (len(reports) - 1)
    [row] = _rows(env)
    assert (row["status"], row["attempts"]) == ("uncertain", 1)
    assert row["last_error"]
    assert env.sql("SELECT status FROM dunning_log WHERE outbox_id = ?", row["id"]) == [
        ("uncertain",)
    ]
    card = env.ok("contractor", "show", "1", "--json")
    assert any("decide in the outbox" in a["summary"] for a in card["activity"])
    return row


@pytest.mark.parametrize("how", ["dropped after DATA", "250 after the timeout"])
def test_an_unclear_smtp_result_is_uncertain_and_goes_out_once(env: DunningEnv, how: str) -> None:
    _one_debtor(env)
    if how == "250 after the timeout":
        env.ok("config", "set", "smtp.timeout", "5")

    async def unclear(server: SMTP, count: int) -> None:
        if how == "dropped after DATA":
            assert server.transport is not None
            server.transport.abort()  # the server has the message; the reply never comes
        else:
            await asyncio.sleep(6)

    env.mail.on_data = unclear  # type: ignore[assignment]
    reports = _runs(env)
    assert env.mail.data_count == 1
    row = _waits_for_a_person(env, reports)
    # "It was not sent – send again": a person's decision sends it once more
    env.mail.on_data = None
    env.ok("outbox", "resolve", str(row["id"]), "--as", "resend")
    env.run("2026-03-21", "--now", "2026-03-21T11:00")
    assert env.mail.data_count == 2
    assert _rows(env)[0]["status"] == "sent"


@pytest.mark.parametrize("reply", ["421 4.7.0 Closing, try again later", "451 4.3.0 Try later"])
def test_a_4xx_before_data_is_retried_and_goes_out_once(env: DunningEnv, reply: str) -> None:
    _one_debtor(env)

    async def refuse_twice(server: SMTP, count: int) -> str | None:
        return reply if count <= 2 else None

    env.mail.on_mail = refuse_twice  # type: ignore[assignment]
    reports = _runs(env)
    assert reports[0]["messages"][0]["status"] == "failed"
    assert env.mail.data_count == 1 and len(env.mail.messages) == 1
    [row] = _rows(env)
    assert row["status"] == "sent"


@pytest.mark.parametrize(
    ("reply", "final", "transmitted", "delivered"),
    [
        ("451 4.3.0 Try later", "sent", 2, 1),
        ("550 5.7.1 Message refused", "failed_permanently", 1, 0),
    ],
)
def test_a_refusal_after_the_final_dot_is_clear(
    env: DunningEnv, reply: str, final: str, transmitted: int, delivered: int
) -> None:
    _one_debtor(env)

    async def refuse_first(server: SMTP, count: int) -> str | None:
        return reply if count == 1 else None

    env.mail.on_data = refuse_first  # type: ignore[assignment]
    _runs(env)
    [row] = _rows(env)
    assert row["status"] == final
    assert reply[:3] in (row["last_error"] or reply)
    assert (env.mail.data_count, len(env.mail.messages)) == (transmitted, delivered)


def test_an_sms_gateway_closing_after_the_request_gets_it_once(env: DunningEnv) -> None:
    env.configure("sms-classic")
    env.ok("contractor", "add", "--name", "Kowalski", "--phone", "501234567")
    env.ok("invoice", "add", "--contractor", "1", "--number", "FV/1", "--issued", "2026-03-02",
           "--due", "2026-03-16", "--amount", "100")  # fmt: skip
    env.sms.responder = lambda request: Answer(drop=True)
    reports = _runs(env, tuple(m.replace("03-19", "03-02") for m in MOMENTS[:4]))
    assert len(env.sms.requests) == 1
    _waits_for_a_person(env, reports)
