"""The contractor's activity log: one row per message, letter, call, note or change."""

from __future__ import annotations

import datetime as dt
import getpass
from contextlib import suppress
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from db.models import Activity, utcnow
from desktop_app.domain.dates import format_day
from desktop_app.domain.identifiers import format_contact
from desktop_app.domain.money import format_amount, parse_amount
from desktop_app.errors import InkasoError
from desktop_app.i18n import _


def current_actor() -> str:
    """The OS login of whoever runs this process; the GUI passes the chosen Inkaso user instead."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return "system"


def record(
    session: Session,
    *,
    contractor_id: int,
    kind: str,
    summary: str,
    actor: str | None = None,
    invoice_id: int | None = None,
    channel: str | None = None,
    body: str | None = None,
    data: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> None:
    # A plain INSERT on the session's connection: the sender logs every message it sends, and
    # the ORM's unit-of-work bookkeeping would cost more than the row itself.
    session.flush()
    session.connection().execute(
        _INSERT,
        {
            "contractor_id": contractor_id,
            "invoice_id": invoice_id,
            "kind": kind,
            "channel": channel,
            "summary": summary,
            "body": body,
            "data": data,
            "actor": actor or current_actor(),
            "at": at or utcnow(),
        },
    )


_INSERT = insert(cast(Table, Activity.__table__))


def record_many(session: Session, entries: list[dict[str, Any]]) -> None:
    """Several :func:`record` rows in one statement (the sender logs a batch of sent messages);
    each entry has record's keyword arguments."""
    if not entries:
        return
    session.flush()
    session.connection().execute(
        _INSERT,
        [
            {
                "contractor_id": e["contractor_id"],
                "invoice_id": e.get("invoice_id"),
                "kind": e["kind"],
                "channel": e.get("channel"),
                "summary": e["summary"],
                "body": e.get("body"),
                "data": e.get("data"),
                "actor": e.get("actor") or current_actor(),
                "at": e.get("at") or utcnow(),
            }
            for e in entries
        ],
    )


#: kinds whose summary is the user's own words, never a catalogue message
FREE_TEXT_KINDS = frozenset({"note", "call"})


def render_summary(kind: str, summary: str, data: dict[str, Any] | None) -> str:
    """System entries store an English catalogue message and its values, so the log reads in
    whatever language the viewer has chosen, amounts and dates written its way too; notes are
    shown exactly as typed."""
    if kind in FREE_TEXT_KINDS:
        return summary
    try:
        return _(summary).format_map(_readable(data or {}))
    except (KeyError, IndexError, ValueError):
        return summary


#: values stored in their machine form ("1234.56", "2026-11-20", "+48501234567")
_AMOUNT_KEYS = ("amount", "paid", "unallocated")
_DATE_KEYS = ("date", "due_date", "issue_date")


def _readable(data: dict[str, Any]) -> dict[str, Any]:
    """The stored values as the viewer's language writes them; anything unexpected as stored."""
    values = dict(data)
    currency = values.get("currency")
    for key in _AMOUNT_KEYS:
        value = values.get(key)
        if isinstance(value, str) and isinstance(currency, str):
            with suppress(InkasoError):
                minor = parse_amount(value, currency, allow_negative=True)
                values[key] = format_amount(minor, currency)
    for key in _DATE_KEYS:
        value = values.get(key)
        if isinstance(value, str):
            with suppress(ValueError):
                values[key] = format_day(dt.date.fromisoformat(value))
    if isinstance(values.get("to"), str):
        values["to"] = ", ".join(format_contact(t.strip()) for t in values["to"].split(","))
    return values
