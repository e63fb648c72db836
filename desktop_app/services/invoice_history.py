"""One invoice's collection history: the reminders that named it (outbox messages list their
items), the letters that demanded it (the log lists each letter's invoices), the tasks the dunning
run made for it (its per-item log names the task), the promises made for it and the log entries
written about it, oldest first — what the "Owed to us" report drills down to from a contractor's
card."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from db.models import (
    Activity,
    DunningLog,
    Instalment,
    Invoice,
    OutboxMessage,
    Promise,
    QueuedLetter,
    Task,
)
from db.uow import Database
from desktop_app import labels
from desktop_app.domain.dates import format_day
from desktop_app.domain.money import format_money
from desktop_app.errors import NotFoundError
from desktop_app.i18n import N_, _
from desktop_app.services.activity import render_summary


@dataclass(frozen=True)
class HistoryEntry:
    day: dt.date
    #: what kind of step: a channel's or the log's word ("E-mail", "Promise", …)
    what: str
    text: str
    #: how it ended: sent, failed, kept, broken… (empty for log entries)
    outcome: str = ""


@dataclass(frozen=True)
class InvoiceHistory:
    invoice_id: int
    number: str
    contractor_id: int
    entries: list[HistoryEntry]


def invoice_history(db: Database, invoice_id: int) -> InvoiceHistory:
    with db.read() as session:
        invoice = session.get(Invoice, invoice_id)
        if invoice is None:
            raise NotFoundError(_("No invoice with id {id}").format(id=invoice_id))
        entries: list[HistoryEntry] = []
        logged = select(Activity).where(Activity.invoice_id == invoice_id)
        for entry in session.scalars(logged):
            if entry.kind in {"promise", "letter"}:
                continue  # the promise itself follows, with how it ended; letters too
            entries.append(
                HistoryEntry(
                    entry.at.date(),
                    labels.channel(entry.channel)
                    if entry.channel
                    else _(_KINDS.get(entry.kind, entry.kind)),
                    render_summary(entry.kind, entry.summary, entry.data),
                )
            )
        # a message lists the items it was about; a contractor has few enough to scan them here
        messages = select(OutboxMessage).where(OutboxMessage.contractor_id == invoice.contractor_id)
        for message in session.scalars(messages):
            if not any(item.get("invoice_id") == invoice_id for item in message.items or ()):
                continue
            sent = message.finished_at.date() if message.finished_at else message.planned_for
            text = message.subject or message.body_text.split("\n", 1)[0]
            entries.append(
                HistoryEntry(
                    sent, labels.channel(message.channel), text, labels.status(message.status)
                )
            )
        entries.extend(_letters(session, invoice))
        promised = list(session.scalars(select(Promise).where(Promise.invoice_id == invoice_id)))
        entries.extend(_tasks(session, invoice_id, [p.id for p in promised]))
        for promise in promised:
            entries.append(
                HistoryEntry(
                    promise.made_on,
                    _("Promise to pay"),
                    _("{amount} by {date}").format(
                        amount=format_money(promise.amount_minor, promise.currency),
                        date=format_day(promise.due_on),
                    ),
                    _(labels.PROMISE_LABELS.get(promise.status, promise.status)),
                )
            )
        entries.sort(key=lambda e: e.day)
        return InvoiceHistory(invoice.id, invoice.number, invoice.contractor_id, entries)


def _letters(session: Session, invoice: Invoice) -> list[HistoryEntry]:
    """The letters whose log entry names the invoice among their invoices, and the day each
    went by registered mail (that entry names its letter, not the invoices)."""
    logged = select(Activity).where(
        Activity.contractor_id == invoice.contractor_id, Activity.kind == "letter"
    )
    found = list(session.scalars(logged))
    mine = [e for e in found if invoice.number in (e.data or {}).get("invoices", ())]
    queued_ids = {(e.data or {}).get("letter_id") for e in mine} - {None}
    posted = [
        e
        for e in found
        if "invoices" not in (e.data or {}) and (e.data or {}).get("letter_id") in queued_ids
    ]
    printed = {
        row_id: at is not None
        for row_id, at in session.execute(
            select(QueuedLetter.id, QueuedLetter.printed_at).where(QueuedLetter.id.in_(queued_ids))
        )
    }
    entries = []
    for entry in mine + posted:
        data = entry.data or {}
        outcome = ""
        if "invoices" in data and data.get("letter_id") in printed:
            outcome = _(_PRINTED) if printed[data["letter_id"]] else _(_NOT_PRINTED)
        day = data.get("sent_on")
        entries.append(
            HistoryEntry(
                dt.date.fromisoformat(day) if day else entry.at.date(),
                labels.channel("letter"),
                render_summary(entry.kind, entry.summary, data),
                outcome,
            )
        )
    return entries


def _tasks(session: Session, invoice_id: int, promise_ids: list[int]) -> list[HistoryEntry]:
    """The tasks a dunning run made for the invoice's instalments (its log names them) and those
    its broken promises opened; each on the day it was set for."""
    logged = (
        select(DunningLog.task_id)
        .join(Instalment, Instalment.id == DunningLog.instalment_id)
        .where(Instalment.invoice_id == invoice_id, DunningLog.task_id.is_not(None))
    )
    broken = [f"promise/{pid}/broken" for pid in promise_ids]
    query = select(Task).where(or_(Task.id.in_(logged), Task.key.in_(broken)))
    return [
        HistoryEntry(
            task.due_on, _("Task"), task.title, _(_TASK_STATUS.get(task.status, task.status))
        )
        for task in session.scalars(query)
    ]


_PRINTED = N_("Printed")
_NOT_PRINTED = N_("Not printed yet")
_TASK_STATUS = {"open": N_("To do"), "done": N_("Done"), "cancelled": N_("Cancelled")}

#: the log's kinds in words, as the card's Activity tab names them
_KINDS = {
    "invoice": N_("Invoice"),
    "payment": N_("Payment"),
    "status": N_("Status"),
    "note": N_("Note"),
    "call": N_("Phone call"),
    "letter": N_("Letter"),
    "reminder": N_("Reminder"),
    "message": N_("Message"),
    "promise": N_("Promise to pay"),
    "task": N_("Task"),
}
