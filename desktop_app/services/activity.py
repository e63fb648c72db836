"""The contractor's activity log: one row per message, letter, call, note or change."""

from __future__ import annotations

import datetime as dt
import getpass
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from db.models import Activity, utcnow
from desktop_app.domain.readable import readable
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
    # asked once for the whole batch: the OS login is read from the environment each time
    actor = current_actor()
    now = utcnow()
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
                "actor": e.get("actor") or actor,
                "at": e.get("at") or now,
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
        return _(summary).format_map(readable(data or {}))
    except (KeyError, IndexError, ValueError):
        return summary
