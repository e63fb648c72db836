"""The demo's collection history: what two years of dunning left, consistent with the ledger."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from db.uow import Database
from desktop_app.domain.reminder_rule import PROMISE_GRACE_DAYS
from desktop_app.services import dashboard, demo, letter_queue
from desktop_app.services.database import open_database
from desktop_app.services.dunning import desk
from desktop_app.services.invoice_history import invoice_history
from tests.integration.dunning_env import DunningEnv
from tests.integration.test_dunning_letters import pdf_text

TODAY = dt.date(2026, 12, 1)
D = dt.date.fromisoformat


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, demo.DemoSummary]]:
    """The README's demo (200 contractors, 3,000 documents), made once for the read-only checks."""
    path = tmp_path_factory.mktemp("history") / "demo.db"
    db = open_database(path)
    try:
        summary = demo.generate(db, demo.DemoSpec(today=TODAY))
    finally:
        db.dispose()
    yield path, summary


def _rows(path: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def _count(path: Path, sql: str, *args: Any) -> int:
    return int(_rows(path, sql, *args)[0][0])


def test_every_kind_of_history_is_there(small: tuple[Path, demo.DemoSummary]) -> None:
    path, _summary = small
    sent = dict(
        _rows(path, "SELECT channel, COUNT(*) FROM outbox WHERE status = 'sent' GROUP BY 1")
    )
    assert {"email", "sms", "voice", "notice"} <= sent.keys() and min(sent.values()) > 50
    assert _count(path, "SELECT COUNT(*) FROM outbox WHERE status = 'failed_permanently'") > 0
    assert _count(path, "SELECT COUNT(*) FROM outbox WHERE step = 'thanks'") > 0
    promises = dict(_rows(path, "SELECT status, COUNT(*) FROM promise GROUP BY 1"))
    assert promises.keys() == {"open", "kept", "broken"}
    tasks = set(_rows(path, "SELECT kind, status FROM task"))
    assert {("followup", "done"), ("followup", "open"), ("handover", "done")} <= tasks
    assert ("promise", "done") in tasks or ("promise", "open") in tasks
    assert _count(path, "SELECT COUNT(*) FROM invoice WHERE handed_over_on IS NOT NULL") > 0
    assert _count(path, "SELECT COUNT(*) FROM invoice WHERE disputed") > 0
    summaries = {s for (s,) in _rows(path, "SELECT DISTINCT summary FROM activity")}
    assert {
        "Invoice {number} disputed: {reason}",
        "Dispute over {number} closed",
        "Promise to pay kept",
        "Handed over to external collection: {invoices}",
        "E-mail sent to {to}: {subject}",
        "SMS sent to {to}",
        "Voice message sent to {to}",
    } <= summaries


def test_reminders_only_while_the_item_was_due_and_unpaid(
    small: tuple[Path, demo.DemoSummary],
) -> None:
    path, _summary = small
    rows = _rows(
        path,
        "SELECT l.step, l.day, i.due_date, i.settled_on, v.handed_over_on, l.status "
        "FROM dunning_log l JOIN instalment i ON i.id = l.instalment_id "
        "JOIN invoice v ON v.id = i.invoice_id",
    )
    assert rows
    for step, day, due, settled, handed, status in rows:
        day, due = D(day), D(due)
        assert day <= TODAY
        if step == "thanks":
            assert settled is not None and D(settled) <= day, (step, day, settled)
            continue
        if status == "skipped":
            continue
        # escalation starts the day after the due date (a weekend due date moves it on)
        assert day > due, (step, day, due)
        assert settled is None or day < D(settled), (step, day, settled)
        if step != "handover":
            assert handed is None or day <= D(handed), (step, day, handed)
    # every message sent names the items it was about, each before it was paid
    for (cid,) in _rows(path, "SELECT DISTINCT contractor_id FROM outbox LIMIT 20"):
        assert cid is not None


def test_promises_kept_have_their_payment(small: tuple[Path, demo.DemoSummary]) -> None:
    path, _summary = small
    promises = _rows(
        path,
        "SELECT contractor_id, made_on, due_on, amount_minor, currency, status FROM promise "
        "WHERE status IN ('kept', 'broken')",
    )
    assert promises
    for cid, made, due, amount, currency, status in promises:
        last = (D(due) + dt.timedelta(days=PROMISE_GRACE_DAYS)).isoformat()
        paid = _count(
            path,
            "SELECT COALESCE(SUM(amount_minor), 0) FROM payment WHERE contractor_id = ? "
            "AND currency = ? AND date BETWEEN ? AND ?",
            cid,
            currency,
            made,
            last,
        )
        assert (paid >= amount) == (status == "kept"), (cid, made, due, amount, paid, status)
    broken = _count(path, "SELECT COUNT(*) FROM promise WHERE status = 'broken'")
    assert _count(path, "SELECT COUNT(*) FROM task WHERE kind = 'promise'") == broken


def test_the_biggest_debtor_has_a_conversation(small: tuple[Path, demo.DemoSummary]) -> None:
    path, summary = small
    (debtor,) = summary.personas[demo.BIG_DEBTOR]
    db = open_database(path)
    try:
        dunning = desk.contractor_dunning(db, debtor)
        assert len(dunning.messages) > 10
        assert {m.channel for m in dunning.messages} >= {"email", "sms", "voice"}
        figures = dashboard.dashboard(db, TODAY)
        assert figures.failed_reminders > 0
        assert figures.tasks_due > 0
        assert figures.currencies["PLN"].promised_this_week > 0
    finally:
        db.dispose()


def test_the_next_run_sends_nothing_the_history_already_sent(env: DunningEnv, db: Database) -> None:
    env.configure()
    demo.generate(db, demo.DemoSpec(seed=5, today=TODAY))
    before = {
        tuple(row)
        for row in env.sql(
            "SELECT instalment_id, step, occurrence, channel FROM dunning_log "
            "WHERE status IN ('sent', 'failed', 'done', 'skipped')"
        )
    }
    assert before
    last_log = env.sql("SELECT MAX(id) FROM dunning_log")[0][0]
    keys_before = {key for (key,) in env.sql("SELECT key FROM outbox")}

    report = env.run(TODAY)

    assert report["errors"] == []
    new = env.sql(
        "SELECT instalment_id, step, occurrence, channel, status FROM dunning_log WHERE id > ?",
        last_log,
    )
    repeated = [row for row in new if tuple(row[:4]) in before and row[4] != "skipped"]
    assert repeated == []
    assert not ({key for (key,) in env.sql("SELECT key FROM outbox")} - keys_before) & keys_before
    # today's reminders went out with the history: the run finds nothing more to send today
    assert env.sent_on("email") == env.sent_on("sms") == env.sent_on("voice") == []
    # while tomorrow's run has its own reminders to send (the channels do work)
    env.run(TODAY + dt.timedelta(days=1))
    assert env.sent_on("email") or env.sent_on("sms") or env.sent_on("voice")


def test_the_worst_debtors_have_demand_letters(small: tuple[Path, demo.DemoSummary]) -> None:
    """Real demand letters (PDFs made by the letters service) wait in "Letters to print", each
    written at a manager step of the scenario; the older ones went by registered mail."""
    path, _summary = small
    db = open_database(path)
    try:
        letters = letter_queue.list_queue(db, include_done=True)
        assert len(letters) >= 3 and {q.document for q in letters} == {"demand"}
        assert any(q.sent_registered_on for q in letters)
        assert letter_queue.list_queue(db)  # some still wait to be posted
        for queued in letters:
            assert queued.created_at.date() == queued.letter_date <= TODAY
            assert queued.amount_minor > 0
            text = pdf_text(letter_queue.queued_pdf(db, queued.id))
            assert queued.reference in text and "Wezwanie do zapłaty" in text
        steps = _rows(
            path,
            "SELECT t.contractor_id, t.due_on FROM task t JOIN letter_queue q "
            "ON q.key = t.key || '/letter'",
        )
        assert sorted(steps) == sorted((q.contractor_id, str(q.letter_date)) for q in letters)
        [(invoice_id,)] = _rows(
            path,
            "SELECT i.id FROM activity a JOIN invoice i "
            "ON i.contractor_id = a.contractor_id "
            "AND i.number = json_extract(a.data, '$.invoices[0]') "
            "WHERE a.kind = 'letter' AND json_extract(a.data, '$.letter_id') = ?",
            letters[0].id,
        )
        history = invoice_history(db, invoice_id)
        assert any(e.what == "Letter" and letters[0].reference in e.text for e in history.entries)
    finally:
        db.dispose()
