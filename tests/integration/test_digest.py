"""The morning digest over two days of a hand-made book, through the real outbox and SMTP."""

from __future__ import annotations

import datetime as dt
import logging
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from db.models import Invoice, OutboxMessage, User
from desktop_app.scheduler import DunningScheduler
from desktop_app.services.dunning import promises
from tests.integration.dunning_env import DunningEnv

OWNER = "szef@hurtownia.example.com"
ANNA = "anna@hurtownia.example.com"


def _book(env: DunningEnv) -> None:
    """Alfa is Anna's client, Beta nobody's; what changes between 1 and 2 December."""
    env.configure(notice__recipients=OWNER, digest__language="en")
    with env.db.write() as session:
        session.add(User(login="anna", full_name="Anna Nowak", email=ANNA))
        session.add(User(login="idle", full_name="Idle Manager", email="idle@example.com"))
    env.ok("contractor", "add", "--name", "Alfa", "--email", "alfa@klient.example.com")
    env.ok("contractor", "edit", "1", "--manager", "anna")
    env.ok("contractor", "add", "--name", "Beta", "--email", "beta@klient.example.com")
    invoice = ("invoice", "add", "--issued", "2026-11-01", "--contractor")
    env.ok(*invoice, "1", "--number", "A/1", "--due", "2026-12-01", "--amount", "1000")
    env.ok(*invoice, "2", "--number", "B/1", "--due", "2026-11-20", "--amount", "2000")
    env.ok(*invoice, "2", "--number", "B/2", "--due", "2026-11-30", "--amount", "500")
    env.ok("contractor", "promise", "1", "--date", "2026-12-02", "--amount", "500",
           "--today", "2026-11-25")  # fmt: skip


def _to(env: DunningEnv, address: str) -> list[EmailMessage]:
    return [m for m in env.emails() if m["To"] == address]


def _text(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n").replace("\xa0", " ")


def _html(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    assert part is not None
    return str(part.get_content())


def test_digest_says_what_changed_between_two_days(env: DunningEnv) -> None:
    _book(env)
    first = env.cli("digest", "--today", "2026-12-01", "--send")
    assert first.code == 0, first.err
    assert sorted(m["To"] for m in env.emails()) == [ANNA, OWNER]
    owner_1 = _text(_to(env, OWNER)[0])
    assert "New overdue (1):\n- Beta: B/2, due 30/11/2026, PLN 500.00" in owner_1

    # 1 December: Beta pays B/1
    env.ok("payment", "add", "--contractor", "2", "--date", "2026-12-01", "--amount", "2000")
    second = env.cli("digest", "--today", "2026-12-02", "--send")
    assert second.code == 0, second.err
    owner = _to(env, OWNER)[1]
    assert owner["Subject"] == "Inkaso digest for 2 Dec 2026: all contractors"
    text = _text(owner)
    assert "from 1 Dec 2026 to 1 Dec 2026" in text
    assert "New overdue (1):\n- Alfa: A/1, due 01/12/2026" in text
    assert "Paid (1):\n- Beta: B/1, paid on 01/12/2026" in text
    assert "Promises to pay due today (1):\n- Alfa: PLN" in text
    assert "B/2" not in text  # overdue already in the previous digest
    movers = text.split("Largest changes in overdue:\n")[1]
    assert movers.index("- Beta:") < movers.index("- Alfa:")  # 2,000 down before 1,000 up
    assert "- Beta: PLN 2,500.00 → PLN 500.00 (-PLN 2,000.00)" in movers
    assert "- Alfa: PLN 0.00 → PLN 1,000.00 (+PLN 1,000.00)" in movers
    html = _html(owner)
    assert "<h3>Paid (1)</h3>" in html and "A/1" in html

    # Anna sees only her own client
    anna = _to(env, ANNA)[1]
    assert anna["Subject"] == "Inkaso digest for 2 Dec 2026: contractors of Anna Nowak"
    anna_text = _text(anna)
    assert "A/1" in anna_text and "Promises to pay due today (1)" in anna_text
    assert "Beta" not in anna_text and "Beta" not in _html(anna)
    # a manager without contractors gets nothing
    assert not _to(env, "idle@example.com")


def test_second_run_the_same_day_sends_nothing(env: DunningEnv) -> None:
    _book(env)
    assert env.cli("digest", "--today", "2026-12-01", "--send").code == 0
    assert len(env.mail.messages) == 2
    again = env.cli("digest", "--today", "2026-12-01", "--send")
    assert again.code == 0, again.err
    assert "already" in again.out
    # nor does the dunning run, which sends whatever the outbox holds
    env.run("2026-12-01")
    assert len([m for m in env.emails() if m["To"] in (OWNER, ANNA)]) == 2
    rows = env.sql("SELECT key, status FROM outbox WHERE channel = 'digest' ORDER BY key")
    assert rows == [
        (f"digest/{ANNA}/2026-12-01", "sent"),
        (f"digest/{OWNER}/2026-12-01", "sent"),
    ]


def test_print_writes_the_text_and_queues_nothing(env: DunningEnv) -> None:
    _book(env)
    printed = env.cli("digest", "--today", "2026-12-02", "--print")
    assert printed.code == 0, printed.err
    assert f"To: {OWNER}" in printed.out and f"To: {ANNA}" in printed.out
    assert "New overdue (1):" in printed.out
    assert env.sql("SELECT count(*) FROM outbox") == [(0,)]
    assert env.mail.messages == []


def test_nobody_to_receive_it_is_one_line(env: DunningEnv) -> None:
    env.configure()
    result = env.cli("digest", "--today", "2026-12-02")
    assert result.code == 3
    assert "notice.recipients" in result.err


def test_the_scheduler_job_sends_each_digest_once_a_day(env: DunningEnv) -> None:
    _book(env)
    seven = dt.datetime(2026, 12, 2, 7, 0, tzinfo=ZoneInfo("Europe/Warsaw"))
    scheduler = DunningScheduler(env.db, clock=lambda: seven)
    assert len(scheduler.digest_once()) == 2
    assert sorted(m["To"] for m in env.emails()) == [ANNA, OWNER]
    assert scheduler.digest_once() == []
    assert len(env.mail.messages) == 2


def test_broken_promises_failed_reminders_and_hand_overs(env: DunningEnv) -> None:
    _book(env)
    env.ok("contractor", "promise", "2", "--date", "2026-11-27", "--amount", "300",
           "--today", "2026-11-20")  # fmt: skip
    assert promises.settle(env.db, dt.date(2026, 12, 1)) == 1  # the run of 1 December
    with env.db.write() as session:
        session.add(
            OutboxMessage(
                key="sms-failed", contractor_id=1, channel="sms", recipients=["+48501000111"],
                body_text="Przypomnienie", status="failed_permanently",
                planned_for=dt.date(2026, 12, 1),
            )
        )  # fmt: skip
        session.execute(
            update(Invoice)
            .where(Invoice.number == "B/2")
            .values(handed_over_on=dt.date(2026, 12, 1))
        )

    printed = env.cli("digest", "--today", "2026-12-02", "--print")
    assert printed.code == 0, printed.err
    owner, anna = printed.out.replace("\xa0", " ").split(f"To: {ANNA}")
    assert "Promises to pay broken (1):\n- Beta: PLN 300.00, promised for 27/11/2026" in owner
    assert (
        "Reminders that did not go out (1):\n- Alfa: SMS to +48501000111, 01/12/2026: Failed"
        in (owner)
    )
    assert "Handed over to collection (1):\n- Beta: B/2, handed over on 01/12/2026, PLN 500.00" in (
        owner
    )
    assert "Reminders that did not go out (1):\n- Alfa: SMS" in anna
    assert "Beta" not in anna


def test_the_digest_speaks_the_set_language(env: DunningEnv) -> None:
    _book(env)
    env.ok("config", "set", "digest.language", "pl")
    printed = env.cli("digest", "--today", "2026-12-02")
    assert printed.code == 0, printed.err
    text = printed.out.replace("\xa0", " ")
    assert "Podsumowanie Inkaso na 2 gru 2026: wszyscy kontrahenci" in text
    assert "Nowe przeterminowane (1):\n- Alfa: A/1, termin 1.12.2026, 1 000,00 zł" in text


def test_a_payment_of_the_digests_own_day_moves_its_payer_in_the_next_digest_only(
    env: DunningEnv,
) -> None:
    """The movers cover the same days as the lists: up to yesterday. A payment booked on the
    digest's day is in neither list of that digest, and in both of the next one, once."""
    _book(env)
    assert env.cli("digest", "--today", "2026-12-01", "--send").code == 0
    env.ok("payment", "add", "--contractor", "2", "--date", "2026-12-02", "--amount", "2000")
    same_day = env.cli("digest", "--today", "2026-12-02", "--print").out.replace("\xa0", " ")
    owner_same_day = (
        same_day.split(f"To: {ANNA}")[0]
        if same_day.index(OWNER) < same_day.index(ANNA)
        else same_day.split(f"To: {OWNER}")[1]
    )
    assert "Paid (" not in owner_same_day
    assert "- Beta: PLN 2,500.00 → PLN 500.00" not in owner_same_day, owner_same_day
    assert env.cli("digest", "--today", "2026-12-02", "--send").code == 0
    next_day = env.cli("digest", "--today", "2026-12-03", "--print").out.replace("\xa0", " ")
    assert "Paid (1):\n- Beta: B/1, paid on 02/12/2026" in next_day, next_day
    assert "- Beta: PLN 2,500.00 → PLN 500.00 (-PLN 2,000.00)" in next_day, next_day


def test_the_scheduler_job_without_e_mail_logs_one_line_and_no_traceback(
    env: DunningEnv, caplog: pytest.LogCaptureFixture
) -> None:
    """SMS alone is enough to be set up (the demo is so): the digest waits in the outbox, and
    the log says so in one sentence instead of a traceback at every start."""
    _book(env)
    env.configure(smtp__host="", notice__recipients=OWNER)
    seven = dt.datetime(2026, 12, 2, 7, 0, tzinfo=ZoneInfo("Europe/Warsaw"))
    scheduler = DunningScheduler(env.db, clock=lambda: seven)
    with caplog.at_level(logging.WARNING, logger="desktop_app.scheduler"):
        assert len(scheduler.digest_once()) == 2
    # the loopback mail server's own INFO lines about an earlier connection may arrive late
    logged = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [(r.levelname, r.getMessage(), r.exc_info) for r in logged] == [
        (
            "WARNING",
            "morning digest not sent: E-mail is not set up: the digest stays in the outbox",
            None,
        )
    ]
    assert env.mail.messages == []
