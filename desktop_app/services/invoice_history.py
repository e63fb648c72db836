"""One invoice's collection history: the reminders that named it (outbox messages list their
items), the promises made for it and the log entries written about it, oldest first — what the
"Owed to us" report drills down to from a contractor's card."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from db.models import Activity, Invoice, OutboxMessage, Promise
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
            if entry.kind == "promise":
                continue  # the promise itself follows, with how it ended
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
        promised = select(Promise).where(Promise.invoice_id == invoice_id)
        for promise in session.scalars(promised):
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
