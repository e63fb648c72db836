"""Issue 6: one rule for "may we remind now", and the dunning behaviour a firm must be able to
trust, day by day through the CLI against a real SMTP server and SMS gateway on loopback."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from sqlalchemy import event

from db import migrate
from db.engine import make_engine, to_url
from db.models import ContractorEmail
from desktop_app.messaging import MessageTemplate
from desktop_app.services.database import open_database
from desktop_app.services.dunning import actions, desk, dry_run, scenarios, state, templates_store
from tests.integration.dunning_env import DunningEnv

D = dt.date
WARSAW = ZoneInfo("Europe/Warsaw")
ROOT = Path(__file__).resolve().parents[2]


def days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def _contractor(env: DunningEnv, name: str, *contact: str) -> None:
    env.ok("contractor", "add", "--name", name, *contact)


def _invoice(env: DunningEnv, contractor: str, number: str, issued: str, due: str) -> None:
    env.ok("invoice", "add", "--contractor", contractor, "--number", number,
           "--issued", issued, "--due", due, "--amount", "1000")  # fmt: skip


def _subject(message: EmailMessage) -> str:
    return str(message["Subject"])


def _text(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]


def _reminder_days(env: DunningEnv, to: set[str]) -> list[dt.date]:
    """Days on which the contractor was reminded (any message channel, notices excluded)."""
    return [
        day for channel, day, who in env.log if who in to and channel in ("email", "sms", "voice")
    ]


# --- item 3: the sender's last-moment check asks the rule, promises included ---------------


def test_a_promise_recorded_after_a_failed_attempt_stops_the_retry(env: DunningEnv) -> None:
    env.configure("gentle-email")
    _contractor(env, "Klient 1", "--email", "k1@klient.example.com")
    _invoice(env, "1", "FV/1", "2026-03-02", "2026-03-16")
    env.mail.data_reply = "451 4.3.0 Mailbox busy, try later"
    env.run("2026-03-19", "--now", "2026-03-19T09:00")
    env.mail.data_reply = None
    [row] = env.ok("outbox", "list", "--json")
    assert row["status"] == "failed"
    env.ok("contractor", "promise", "1", "--date", "2026-03-25", "--amount", "1000",
           "--today", "2026-03-19")  # fmt: skip
    env.run("2026-03-19", "--now", "2026-03-19T09:06")  # the retry is due now
    assert env.mail.messages == []
    [row] = env.ok("outbox", "list", "--json")
    assert row["status"] == "cancelled"
    assert "promised to pay 1,000.00 PLN by 25/03/2026" in row["last_error"]


# --- item 4: a channel that is not set up keeps the step due --------------------------------


def test_until_e_mail_is_set_up_reminders_stay_due_and_then_one_fitting_one_goes(
    env: DunningEnv,
) -> None:
    env.configure("gentle-email", smtp__host="")
    _contractor(env, "Klient 1", "--email", "k1@klient.example.com")
    _invoice(env, "1", "FV/1", "2026-03-02", "2026-03-16")
    for day in days(D(2026, 3, 12), D(2026, 3, 20)):
        report = env.run(day)
        if day >= D(2026, 3, 13):  # the first step (3 days before the due date)
            assert report["notes"] == [
                "E-mail is not set up: reminders to 1 contractor wait until it is (Settings)"
            ]
    # nothing was written off as "skipped: not set up", nothing "superseded"
    assert env.sql("SELECT step, status, reason FROM dunning_log") == []
    plan = env.ok("dunning", "plan", "--today", "2026-03-20", "--days", "1", "--json")
    assert [(a["date"], a["step"], a["channel"]) for a in plan["actions"]] == [
        ("2026-03-20", "overdue", "email")
    ]
    env.ok("config", "set", "smtp.host", "127.0.0.1")
    report = env.run("2026-03-20")
    # one message, the one that fits today (the catch-up rule): no burst of the missed ones
    [message] = env.emails()
    assert "nie odnotowaliśmy jeszcze wpłaty" in _text(message)
    assert report["counts"]["sent"] == 1
    logged = env.sql("SELECT step, status, reason FROM dunning_log ORDER BY step")
    assert logged == [
        ("before-due", "skipped", "superseded by a later step ({step})"),
        ("due", "skipped", "superseded by a later step ({step})"),
        ("overdue", "sent", None),
    ]


# --- item 7: reads never write ---------------------------------------------------------------


def test_presets_are_stored_when_the_database_is_made_and_reads_never_write(
    tmp_path: Path,
) -> None:
    path = tmp_path / "fresh.db"
    db = open_database(path)
    stored = sqlite3.connect(path).execute("SELECT name, is_default FROM scenario ORDER BY name")
    assert stored.fetchall() == [("escalation", 0), ("gentle-email", 1), ("sms-classic", 0)]
    writes: list[str] = []

    def watch(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        verb = statement.lstrip().split(None, 1)[0].upper()
        if verb in ("INSERT", "UPDATE", "DELETE", "REPLACE") or statement == "BEGIN IMMEDIATE":
            writes.append(statement)

    event.listen(db.engine, "before_cursor_execute", watch)
    assert [s.name for s in scenarios.list_scenarios(db)] == [
        "escalation",
        "gentle-email",
        "sms-classic",
    ]
    assert scenarios.get(db, "sms-classic").handover is not None
    assert scenarios.export_text(db, "escalation", "yaml")
    dry_run.dry_run(db, D(2026, 3, 16), 14)
    with db.read() as session:
        assert len(state.load(session, D(2026, 3, 16)).scenarios) == 3
    assert writes == []
    db.dispose()


def test_a_database_made_by_an_older_version_gets_its_presets_when_migrated(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    engine = make_engine(to_url(path))
    migrate.upgrade(engine, "0001")
    engine.dispose()
    db = open_database(path)
    db.dispose()
    count = sqlite3.connect(path).execute("SELECT count(*) FROM scenario").fetchone()
    assert count == (3,)


# --- item 22: one message per contractor and day, the gap across invoices -------------------


def test_gentle_email_sends_one_message_a_day_whatever_steps_the_invoices_are_at(
    env: DunningEnv,
) -> None:
    env.configure("gentle-email")
    _contractor(env, "Klient 1", "--email", "k1@klient.example.com")
    _invoice(env, "1", "FV/1", "2026-03-02", "2026-03-16")
    _invoice(env, "1", "FV/2", "2026-03-05", "2026-03-19")
    for day in days(D(2026, 3, 10), D(2026, 4, 30)):
        env.run(day)
    sent = Counter(day for _channel, day, _to in env.log)
    assert max(sent.values()) == 1
    by_day = dict(zip([d for _c, d, _t in env.log], env.emails(), strict=True))
    # the 16th: FV/1 is due today, FV/2 three days later: one message in the most urgent
    # step's wording ("due today"), each invoice in it worded by its own state
    on_16 = by_day[D(2026, 3, 16)]
    assert env.sql("SELECT step FROM outbox WHERE planned_for = '2026-03-16'") == [("due",)]
    assert "zbliżającym" not in _subject(on_16)
    assert "termin płatności 16.03.2026 (dziś)" in _text(on_16)
    assert "termin płatności 19.03.2026 (za 3 dni)" in _text(on_16)
    # the gap (2 days) counts for the contractor, not per invoice
    reminded = sorted(sent)
    assert all((b - a).days >= 2 for a, b in itertools.pairwise(reminded))


def test_escalation_keeps_its_gap_across_invoices_and_the_manager_task_survives_a_weekend(
    env: DunningEnv,
) -> None:
    env.configure("escalation", window__voice__business_days="true")
    _contractor(env, "Klient 1", "--email", "k1@klient.example.com", "--phone", "501 234 567")
    _invoice(env, "1", "FV/1", "2026-08-28", "2026-09-11")  # due Friday 11 September
    _invoice(env, "1", "FV/2", "2026-09-03", "2026-09-17")
    for day in days(D(2026, 9, 10), D(2026, 10, 5)):
        env.run(day)
    reminded = _reminder_days(env, {"k1@klient.example.com", "48501234567"})
    assert len(reminded) == len(set(reminded)), "two reminders on one day"
    assert all((b - a).days >= 3 for a, b in itertools.pairwise(reminded))
    assert reminded == [
        D(2026, 9, 12),  # e-mail about FV/1
        D(2026, 9, 15),  # SMS about FV/1
        D(2026, 9, 18),  # e-mail about FV/2
        D(2026, 9, 21),  # FV/1's call, moved from Saturday; FV/2's SMS is in it
        D(2026, 9, 25),  # FV/2's call
    ]
    tasks = env.ok("task", "list", "--filter", "all", "--json")
    followups = sorted(t["due"] for t in tasks if t["kind"] == "followup")
    # FV/1's manager step (due + 12) though its call was two days before; then FV/2's
    assert followups == ["2026-09-23", "2026-09-29"]


def test_the_manager_task_is_made_after_downtime_right_after_a_caught_up_call(
    env: DunningEnv,
) -> None:
    env.configure("escalation", window__voice__business_days="true")
    _contractor(env, "Klient 1", "--email", "k1@klient.example.com", "--phone", "501 234 567")
    _invoice(env, "1", "FV/1", "2026-08-28", "2026-09-11")
    for day in [*days(D(2026, 9, 10), D(2026, 9, 16)), *days(D(2026, 9, 22), D(2026, 9, 30))]:
        env.run(day)  # the PC was off from the 17th to the 21st
    assert [(ch, day) for ch, day, _to in env.log if ch == "voice"] == [("voice", D(2026, 9, 22))]
    tasks = env.ok("task", "list", "--filter", "all", "--json")
    assert [t["due"] for t in tasks if t["kind"] == "followup"] == ["2026-09-23"]


def test_the_owners_notices_arrive_through_the_outbox(env: DunningEnv) -> None:
    env.configure("escalation", notice__recipients="szef@hurtownia.example.com")
    _contractor(env, "Klient 1", "--email", "k1@klient.example.com", "--phone", "501 234 567")
    _invoice(env, "1", "FV/1", "2026-08-28", "2026-09-11")
    plan = env.ok("dunning", "plan", "--today", "2026-09-01", "--days", "60", "--json")
    planned = sorted({a["date"] for a in plan["actions"] if a["channel"] == "notice"})
    assert planned == ["2026-09-23"]
    for day in days(D(2026, 9, 1), D(2026, 11, 15)):
        env.run(day)
    notices = [(day, to) for ch, day, to in env.log if to == "szef@hurtownia.example.com"]
    # the manager step's line, then the hand-over's (due + 60)
    assert notices == [(D(2026, 9, 23), "szef@hurtownia.example.com"),
                       (D(2026, 11, 10), "szef@hurtownia.example.com")]  # fmt: skip
    statuses = env.sql("SELECT status FROM outbox WHERE channel = 'notice'")
    assert statuses == [("sent",), ("sent",)]


def test_a_notice_goes_out_in_the_run_that_made_its_task(env: DunningEnv) -> None:
    env.configure("escalation", notice__recipients="szef@hurtownia.example.com")
    _contractor(env, "Klient 1", "--email", "k1@klient.example.com", "--phone", "501 234 567")
    _invoice(env, "1", "FV/1", "2026-08-28", "2026-09-11")
    for day in days(D(2026, 9, 12), D(2026, 9, 22)):
        env.run(day)
    report = env.run("2026-09-23", "--now", "2026-09-23T10:00")
    assert report["counts"]["tasks"] == 1
    assert [m["channel"] for m in report["messages"]] == ["notice"]
    assert [m.rcpt_tos for m in env.mail.messages][-1] == ["szef@hurtownia.example.com"]


def test_each_person_gets_one_notice_a_run_whatever_mix_of_managers_it_covers(
    env: DunningEnv,
) -> None:
    """Two clients of two account managers reach the manager step on the same day: each manager
    reads their own line, the owner one e-mail with both, not one per manager."""
    env.configure("escalation", notice__recipients="szef@hurtownia.example.com")
    for n in (1, 2):
        _contractor(env, f"Klient {n}", "--email", f"k{n}@klient.example.com")
        _invoice(env, str(n), f"FV/{n}", "2026-08-28", "2026-09-11")
    con = sqlite3.connect(env.db_path)
    with con:
        for n in (1, 2):
            con.execute(
                "INSERT INTO app_user (id, login, full_name, email, role, active) "
                "VALUES (?, ?, ?, ?, 'staff', 1)",
                (n, f"opiekun{n}", f"Opiekun {n}", f"opiekun{n}@hurtownia.example.com"),
            )
            con.execute("UPDATE contractor SET assigned_user_id = ? WHERE id = ?", (n, n))
    con.close()
    for day in days(D(2026, 9, 12), D(2026, 9, 23)):
        env.run(day)
    notices = [m for m in env.emails() if str(m["Subject"]).startswith("Inkaso notice")]
    by_person = {str(m["To"]): m for m in notices}
    assert sorted(by_person) == [
        "opiekun1@hurtownia.example.com",
        "opiekun2@hurtownia.example.com",
        "szef@hurtownia.example.com",
    ]
    assert len(notices) == 3
    owner = by_person["szef@hurtownia.example.com"]
    assert str(owner["Subject"]) == "Inkaso notice for 23/09/2026: 2 items"
    text = owner.get_content()
    assert "Klient 1" in text and "Klient 2" in text
    assert "Klient 2" not in by_person["opiekun1@hurtownia.example.com"].get_content()
    assert env.sql("SELECT DISTINCT status FROM outbox WHERE channel = 'notice'") == [("sent",)]


# --- item 22: the thank-you is for money, and only when nothing else is overdue ------------


def test_no_thank_you_for_a_correction_nor_while_another_invoice_is_overdue(
    env: DunningEnv,
) -> None:
    env.configure("gentle-email")
    _contractor(env, "Klient 1", "--email", "k1@klient.example.com")
    _contractor(env, "Klient 2", "--email", "k2@klient.example.com")
    _invoice(env, "1", "FV/1", "2026-03-02", "2026-03-16")
    _invoice(env, "2", "FV/2a", "2026-02-24", "2026-03-10")
    _invoice(env, "2", "FV/2b", "2026-03-02", "2026-03-16")
    for day in days(D(2026, 3, 10), D(2026, 3, 17)):
        env.run(day)
    # a correction cancels FV/1: nothing was paid, so nobody is thanked for paying
    env.ok("invoice", "add", "--contractor", "1", "--number", "KOR/1", "--issued", "2026-03-18",
           "--amount", "-1000", "--corrects", "FV/1")  # fmt: skip
    # Klient 2 pays FV/2b but FV/2a is still overdue: no thank-you yet
    env.ok("payment", "add", "--contractor", "2", "--date", "2026-03-18", "--amount", "1000",
           "--invoice", "FV/2b")  # fmt: skip
    before = len(env.mail.messages)
    for day in days(D(2026, 3, 18), D(2026, 3, 19)):
        env.run(day)
    new = env.emails()[before:]
    assert not [m for m in new if _subject(m).startswith("Dziękujemy")]
    # FV/2a is paid too: now one thank-you, for both
    env.ok("payment", "add", "--contractor", "2", "--date", "2026-03-20", "--amount", "1000",
           "--invoice", "FV/2a")  # fmt: skip
    env.run("2026-03-20")
    thanks = [m for m in env.emails() if _subject(m).startswith("Dziękujemy")]
    assert [m["To"] for m in thanks] == ["k2@klient.example.com"]
    assert "FV/2a" in _text(thanks[0]) and "FV/2b" in _text(thanks[0])


# --- item 22: a step moved by a holiday does not swallow the next one ----------------------


def test_sms_classic_a_step_moved_by_a_holiday_does_not_swallow_the_due_date_sms(
    env: DunningEnv,
) -> None:
    env.configure("sms-classic", window__sms__business_days="true")
    _contractor(env, "Klient 1", "--phone", "501 234 567")
    _invoice(env, "1", "FV/1", "2026-11-02", "2026-11-13")  # due Friday 13 November
    for day in days(D(2026, 11, 1), D(2026, 11, 20)):
        env.run(day)
    assert [day for _channel, day, _to in env.log] == [
        D(2026, 11, 2),  # issued
        D(2026, 11, 12),  # 2 days before, moved from the 11th (Independence Day)
        D(2026, 11, 13),  # the due date
        D(2026, 11, 16),  # due + 2 is a Sunday: Monday
    ]


# --- item 22: a contractor nobody can reach -------------------------------------------------


def test_a_contractor_without_e_mail_or_phone_is_reported_and_a_task_asks_for_a_contact(
    env: DunningEnv,
) -> None:
    env.configure("gentle-email")
    _contractor(env, "Milczący Sp. z o.o.")
    _invoice(env, "1", "FV/1", "2026-03-02", "2026-03-16")
    for day in ("2026-03-19", "2026-03-20", "2026-03-26"):
        report = env.run(day)
        assert report["notes"] == [
            "Milczący Sp. z o.o. has no e-mail address: their reminders wait (a task asks for one)"
        ]
    tasks = env.ok("task", "list", "--filter", "all", "--json")
    assert [(t["kind"], t["title"]) for t in tasks] == [
        ("contact", "Add an e-mail address for Milczący Sp. z o.o.: reminders cannot reach them")
    ]
    # an address comes: the reminder that fits today goes at the next run
    with env.db.write() as session:
        session.add(ContractorEmail(contractor_id=1, email="biuro@milczacy.example.com"))
    env.run("2026-03-26", "--now", "2026-03-26T15:00")
    assert [m["To"] for m in env.emails()] == ["biuro@milczacy.example.com"]


# --- item 2: "Send reminder now" words the real state and warns about a promise -----------


#: items still being reminded about (the demo's history handed the oldest debts over)
_REMINDED = "i.open_minor > 0 AND v.handed_over_on IS NULL AND NOT v.disputed"


def _biggest_debtor(env: DunningEnv) -> int:
    """Who owes the most overdue money still being reminded about (on the demo's day)."""
    [(cid,)] = env.sql(
        "SELECT v.contractor_id FROM instalment i JOIN invoice v ON v.id = i.invoice_id "
        f"WHERE {_REMINDED} AND i.due_date < '2026-11-25' "
        "GROUP BY v.contractor_id ORDER BY sum(i.open_minor) DESC LIMIT 1"
    )
    return int(cid)


def test_reminder_now_on_the_demos_biggest_debtor_is_an_overdue_one_naming_the_promise(
    env: DunningEnv,
) -> None:
    env.ok("demo", "--today", "2026-11-25")
    env.configure()
    cid = _biggest_debtor(env)
    env.ok("contractor", "promise", str(cid), "--date", "2026-12-20", "--amount", "50000",
           "--today", "2026-12-12")  # fmt: skip
    open_items = env.sql(
        "SELECT count(*) FROM instalment i JOIN invoice v ON v.id = i.invoice_id "
        f"WHERE v.contractor_id = ? AND {_REMINDED}",
        cid,
    )[0][0]
    # the debtor owes overdue invoices and one whose term still runs: the wording follows the
    # overdue ones
    preview = desk.preview_reminder(env.db, cid, "email", D(2026, 12, 12))
    assert preview.template != "gentle-email/email_before_due"
    assert "zbliżającym" not in (preview.message.subject or "")
    assert "(za 0 dni)" not in preview.message.text
    assert "po terminie" in preview.message.text
    assert len(preview.invoices) == open_items  # every open item is listed
    assert preview.warnings == ("the contractor promised to pay 50,000.00 PLN by 20/12/2026",)
    now = dt.datetime(2026, 12, 12, 10, 0, tzinfo=WARSAW)
    with pytest.raises(actions.ReminderHeldError, match=r"promised to pay 50,000\.00 PLN"):
        actions.send_reminder_now(env.db, cid, "email", now=now)
    assert env.mail.messages == []
    result = actions.send_reminder_now(env.db, cid, "email", now=now, force=True)
    assert result.report.rows[0].status == "sent"
    [message] = env.emails()
    assert _subject(message) == preview.message.subject
    assert "po terminie" in _text(message)


def test_the_cli_refuses_a_reminder_held_by_a_promise_unless_forced(env: DunningEnv) -> None:
    """``remind`` works on the real clock: the invoice is dated around the real today."""
    env.configure("gentle-email")
    today = dt.date.today()
    _contractor(env, "Klient 1", "--email", "k1@klient.example.com")
    _invoice(env, "1", "FV/1", (today - dt.timedelta(days=40)).isoformat(),
             (today - dt.timedelta(days=20)).isoformat())  # fmt: skip
    promised = (today + dt.timedelta(days=5)).isoformat()
    env.ok("contractor", "promise", "1", "--date", promised, "--amount", "1000")
    result = env.cli("remind", "--contractor", "1")
    assert result.code == 3
    assert result.err.strip().splitlines() == [
        "inkaso: Not sent to Klient 1: the contractor promised to pay 1,000.00 PLN by "
        f"{dt.date.fromisoformat(promised):%d/%m/%Y}."
        " Add --force to send it anyway."
    ]
    assert env.mail.messages == []
    assert env.cli("remind", "--contractor", "1", "--force").code == 0
    [message] = env.emails()
    assert "nie odnotowaliśmy jeszcze wpłaty" in _text(message)


# --- item 17: templates render outside the write transaction; a broken one fails alone -----


def _own_overdue_wording(
    env: DunningEnv, tmp_path: Path, body: str, *, contractors: Iterable[int] = (2,)
) -> None:
    """A scenario "mine" (gentle-email with the firm's own overdue wording) for contractors."""
    templates_store.save_template(
        env.db, MessageTemplate("mine/email_overdue", "pl", body, "Zaległa płatność")
    )
    data = yaml.safe_load(env.ok("scenario", "export", "gentle-email", "--format", "yaml"))
    data["name"], data["title"] = "mine", "Mine"
    for step in data["steps"]:
        if step["code"] == "overdue":
            step["templates"]["email"] = "mine/email_overdue"
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    env.ok("scenario", "import", str(path))
    for contractor in contractors:
        env.ok("scenario", "assign", "--contractor", str(contractor), "mine")


def test_a_broken_template_fails_only_its_own_message_with_the_reason_in_the_outbox(
    env: DunningEnv, tmp_path: Path
) -> None:
    env.configure("gentle-email")
    for n in (1, 2):
        _contractor(env, f"Klient {n}", "--email", f"k{n}@klient.example.com")
        _invoice(env, str(n), f"FV/{n}", "2026-03-02", "2026-03-16")
    # fine on the editor's two-invoice sample, broken for a contractor with one invoice
    _own_overdue_wording(env, tmp_path, "Faktury: {{ items[0].number }}, {{ items[1].number }}")
    result = env.cli("dunning", "run", "--today", "2026-03-19", "--json")
    assert result.code == 0, result.err
    report = result.json()
    assert report["counts"]["sent"] == 1 and report["counts"]["failed"] == 1
    assert [m["To"] for m in env.emails()] == ["k1@klient.example.com"]
    [error] = report["errors"]
    assert error.startswith("Klient 2: Template mine/email_overdue.pl.txt, line 1")
    [failed] = env.ok("outbox", "list", "--status", "failed_permanently", "--json")
    assert failed["to"] == ["k2@klient.example.com"]
    assert "mine/email_overdue" in failed["last_error"]
    # not retried at every run, not a crash of the next run either
    again = env.cli("dunning", "run", "--today", "2026-03-20", "--json")
    assert again.code == 0 and again.json()["counts"]["failed"] == 0


def test_a_slow_template_does_not_hold_the_write_lock(env: DunningEnv, tmp_path: Path) -> None:
    """While a run renders, a payment can be recorded; the run then honours it."""
    env.configure("gentle-email")
    _contractor(env, "Klient 1", "--email", "k1@klient.example.com")
    debtors = 12
    for n in range(2, debtors + 2):
        _contractor(env, f"Klient {n}", "--email", f"k{n}@klient.example.com")
        _invoice(env, str(n), f"FV/{n}", "2026-03-02", "2026-03-16")
    # close to a million loop turns (the budget's limit) per message: a few seconds in all
    _own_overdue_wording(
        env,
        tmp_path,
        "{% for i in range(1000) %}{% for j in range(900) %}{% endfor %}{% endfor %}"
        "{{ items[0].number }}",
        contractors=range(2, debtors + 2),
    )
    run = subprocess.Popen(
        [sys.executable, "-m", "desktop_app", "--db", str(env.db_path),
         "dunning", "run", "--today", "2026-03-19", "--json"],
        cwd=ROOT, env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        # the run has its lease: it plans and renders now
        while not any(f"/{run.pid}/" in str(h) for (h,) in env.sql("SELECT holder FROM lease")):
            assert run.poll() is None, run.communicate()
        paid = env.cli("payment", "add", "--contractor", "2", "--date", "2026-03-19",
                       "--amount", "1000")  # fmt: skip
        queued = env.sql("SELECT count(*) FROM outbox")
        still_running = run.poll() is None
    finally:
        out, err = run.communicate(timeout=300)
    assert paid.code == 0, paid.err
    # the payment went in while the run was still rendering (nothing queued yet)
    assert still_running and queued == [(0,)]
    assert run.returncode == 0, err
    # what the run had planned was checked again before sending: Klient 2 paid, not reminded
    statuses = dict(env.sql("SELECT contractor_id, status FROM outbox"))
    assert statuses.pop(2) == "cancelled"
    assert set(statuses.values()) == {"sent"}
    assert "k2@klient.example.com" not in {m["To"] for m in env.emails()}
    assert len(env.mail.messages) == debtors - 1 and out
