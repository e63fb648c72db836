"""An invoice's collection history (the report's drill-down, via the card): the reminders, letters
and tasks that named it, its promise and its dispute, oldest first; another invoice's are not in
it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from db.models import Invoice, OutboxMessage
from db.uow import Database
from desktop_app.errors import NotFoundError
from desktop_app.services import letter_queue
from desktop_app.services.dunning.promises import add_promise
from desktop_app.services.invoice_history import invoice_history
from tests.conftest import Cli
from tests.integration.dunning_env import DunningEnv
from tests.integration.letter_step import with_letter_step
from tests.integration.owed_book import AS_OF, make_book

D = dt.date


def _message(key: str, invoice_id: int, day: dt.date, status: str, subject: str) -> OutboxMessage:
    return OutboxMessage(
        key=key,
        contractor_id=1,
        channel="email",
        recipients=["biuro@example.com"],
        subject=subject,
        body_text="Przypomnienie",
        status=status,
        planned_for=day,
        items=[{"invoice_id": invoice_id, "number": "x"}],
    )


def test_the_history_of_one_invoice(cli: Cli, db: Database) -> None:
    make_book(cli, db)
    with db.read() as session:
        ids = {inv.number: inv.id for inv in session.query(Invoice)}
    old, young = ids["A/1"], ids["A/2"]
    with db.write() as session:
        session.add_all(
            [
                _message("m1", old, dt.date(2026, 8, 22), "sent", "Przypomnienie o A/1"),
                _message("m2", old, dt.date(2026, 9, 15), "failed_permanently", "Wezwanie A/1"),
                _message("m3", young, dt.date(2026, 11, 25), "sent", "O fakturze A/2"),
            ]
        )
    add_promise(
        db,
        contractor=1,
        due_on=dt.date(2026, 12, 4),
        amount_minor=50_000,
        currency="PLN",
        today=AS_OF,
        invoice_id=old,
    )
    assert cli("invoice", "dispute", "A/1", "--reason", "Towar uszkodzony").code == 0

    history = invoice_history(db, old)
    assert history.number == "A/1"
    texts = [(e.what, e.text, e.outcome) for e in history.entries]
    assert ("E-mail", "Przypomnienie o A/1", "Sent") in texts
    assert ("E-mail", "Wezwanie A/1", "Failed") in texts
    assert not any("A/2" in text for _what, text, _outcome in texts)
    promises = [(text, outcome) for what, text, outcome in texts if what == "Promise to pay"]
    assert promises == [("PLN\xa0500.00 by 04/12/2026", "Pending")]  # once, with its state
    assert ("Status", "Invoice A/1 disputed: Towar uszkodzony", "") in texts
    days = [e.day for e in history.entries]
    assert days == sorted(days)
    assert [e.text for e in invoice_history(db, young).entries if e.what == "E-mail"] == [
        "O fakturze A/2"
    ]


def test_an_unknown_invoice_is_not_found(db: Database) -> None:
    with pytest.raises(NotFoundError):
        invoice_history(db, 999)


def test_letters_and_tasks_of_a_dunning_run_are_in_the_history(
    env: DunningEnv, tmp_path: Path
) -> None:
    """The letter step's demand (queued, printed, then posted by registered mail) and the task
    that came with it are listed under the invoice they demand, not under the next invoice."""
    with_letter_step(env, tmp_path)
    env.ok("invoice", "add", "--contractor", "1", "--number", "FV/9/2024", "--issued",
           "2024-03-05", "--due", "2024-04-05", "--amount", "99,00")  # fmt: skip
    env.run("2024-03-11")
    [queued] = letter_queue.list_queue(env.db)
    letter_queue.mark_printed(env.db, [queued.id], now=dt.datetime(2024, 3, 11, 15, 0))
    letter_queue.mark_registered(env.db, queued.id, day=D(2024, 3, 12), today=D(2024, 3, 12))
    ids = dict(env.sql("SELECT number, id FROM invoice"))

    history = invoice_history(env.db, ids["FV/7/2024"])
    letters = [(e.day, e.text, e.outcome) for e in history.entries if e.what == "Letter"]
    assert [(day, outcome) for day, _text, outcome in letters] == [
        (D(2024, 3, 11), "Printed"),
        (D(2024, 3, 12), ""),
    ]
    assert queued.reference in letters[0][1] and "sent by registered mail" in letters[1][1]
    [task] = [(e.day, e.outcome) for e in history.entries if e.what == "Task"]
    assert task == (D(2024, 3, 11), "To do")
    assert [e.day for e in history.entries] == sorted(e.day for e in history.entries)

    later = invoice_history(env.db, ids["FV/9/2024"])
    assert not [e for e in later.entries if e.what in {"Letter", "Task"}]
