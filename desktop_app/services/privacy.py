"""Data protection (GDPR/RODO): everything held about a contractor, exported; or anonymised.

The export is every row that belongs to the contractor, with all its columns (found from the
models, so a column added later is exported too), as one JSON document, plus the PDFs of its
letters. Anonymising masks the personal data and keeps what accounting needs: invoice numbers,
dates and amounts, payments and how they were allocated.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, inspect, select
from sqlalchemy.orm import Session

from db.models import (
    Activity,
    Allocation,
    Contractor,
    DunningLog,
    Instalment,
    Invoice,
    OutboxMessage,
    Payment,
    Promise,
    QueuedLetter,
    Task,
    WhiteListCheck,
)
from db.uow import Database
from desktop_app.domain.anonymise import personal_pattern, scrub, scrub_value
from desktop_app.domain.dates import LAST_DAY
from desktop_app.domain.text import search_key
from desktop_app.errors import InkasoError
from desktop_app.i18n import N_, _
from desktop_app.redaction import redact
from desktop_app.services import activity, contractors

EXPORT_FORMAT = "inkaso-contractor-export/1"


def _value(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _plain(row: Any, *, leave: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every column of an ORM row (binary columns and ``leave`` aside) as JSON values."""
    mapper = inspect(row).mapper
    out: dict[str, Any] = {}
    for attr in mapper.column_attrs:
        if attr.key in leave:
            continue
        value = getattr(row, attr.key)
        if isinstance(value, bytes):
            continue
        out[attr.key] = _value(value)
    return out


@dataclass(frozen=True)
class Exported:
    folder: Path
    document: Path
    letters: tuple[Path, ...]


def _gather(session: Session, contractor: Contractor) -> tuple[dict[str, Any], list[QueuedLetter]]:
    cid = contractor.id
    invoices = list(
        session.scalars(select(Invoice).where(Invoice.contractor_id == cid).order_by(Invoice.id))
    )
    invoice_ids = [i.id for i in invoices]
    instalments = list(
        session.scalars(
            select(Instalment)
            .where(Instalment.invoice_id.in_(invoice_ids))
            .order_by(Instalment.invoice_id, Instalment.seq)
        )
    )
    allocations = list(
        session.scalars(
            select(Allocation)
            .where(Allocation.instalment_id.in_([i.id for i in instalments]))
            .order_by(Allocation.id)
        )
    )

    def rows(model: Any, order: Any) -> list[dict[str, Any]]:
        found = session.scalars(select(model).where(model.contractor_id == cid).order_by(order))
        return [_plain(r) for r in found]

    letters = list(
        session.scalars(
            select(QueuedLetter).where(QueuedLetter.contractor_id == cid).order_by(QueuedLetter.id)
        )
    )
    checks: list[dict[str, Any]] = []
    if contractor.nip:
        checks = [
            _plain(c)
            for c in session.scalars(
                select(WhiteListCheck)
                .where(WhiteListCheck.nip == contractor.nip)
                .order_by(WhiteListCheck.id)
            )
        ]
    document = {
        "format": EXPORT_FORMAT,
        "contractor": {
            **_plain(contractor),
            "tags": [t.name for t in contractor.tags],
            "account_manager": contractor.assigned_user.login if contractor.assigned_user else None,
        },
        "emails": [e.email for e in contractor.emails],
        "phones": [p.phone for p in contractor.phones],
        "contact_persons": [_plain(p, leave=("contractor_id",)) for p in contractor.persons],
        "invoices": [_plain(i) for i in invoices],
        "instalments": [_plain(i) for i in instalments],
        "allocations": [_plain(a) for a in allocations],
        "payments": rows(Payment, Payment.id),
        "disputes": [
            {"invoice": i.number, "reason": i.dispute_reason} for i in invoices if i.disputed
        ],
        "promises": rows(Promise, Promise.id),
        "messages": rows(OutboxMessage, OutboxMessage.id),
        "activity": rows(Activity, Activity.id),
        "tasks": rows(Task, Task.id),
        "dunning_log": rows(DunningLog, DunningLog.id),
        "whitelist_checks": checks,
        "letters": [],
    }
    return document, letters


def export_contractor(db: Database, ref: str | int, folder: Path, now: dt.datetime) -> Exported:
    """Write ``contractor-<id>-<YYYYMMDD>/`` in ``folder``: ``contractor.json`` and
    ``letters/*.pdf``. Secrets never reach it (the same redaction as the log)."""
    with db.read() as session:
        contractor = contractors.load(session, contractors.resolve(session, ref).id)
        document, letters = _gather(session, contractor)
        pdfs = [bytes(letter.pdf) for letter in letters]
        document["letters"] = [_plain(letter) for letter in letters]
        cid = contractor.id
    document["exported_at"] = now.isoformat()
    target = folder / f"contractor-{cid}-{now:%Y%m%d}"
    written: list[Path] = []
    try:
        (target / "letters").mkdir(parents=True, exist_ok=True)
        for entry, pdf in zip(document["letters"], pdfs, strict=True):
            stem = f"{entry['id']}-{entry['document']}-{entry['letter_date']}"
            path = target / "letters" / (re.sub(r"[^A-Za-z0-9_.-]+", "_", stem) + ".pdf")
            path.write_bytes(pdf)
            entry["file"] = f"letters/{path.name}"
            written.append(path)
        text = redact(json.dumps(document, ensure_ascii=False, indent=2, default=str))
        out = target / "contractor.json"
        out.write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        raise InkasoError(
            _("Cannot write the export to {folder}: {reason}").format(
                folder=target, reason=exc.strerror or exc
            )
        ) from exc
    return Exported(target, out, tuple(written))


@dataclass(frozen=True)
class Anonymised:
    contractor_id: int
    name: str


def anonymise_contractor(db: Database, ref: str | int, *, actor: str | None = None) -> Anonymised:
    """Mask the contractor's personal data everywhere it is held; amounts, invoice numbers,
    dates and allocations stay for accounting. Reminders stop for good (a pause to the last
    day the program knows, so every rule that asks "may this be reminded" says no), waiting
    messages are cancelled, letters (their PDFs carry the address) are deleted. Cannot be
    undone."""
    sqlite = db.engine.dialect.name == "sqlite"
    with db.write() as session:
        if sqlite:
            # the old values are overwritten with zeros, not left in free space in the file
            session.connection().exec_driver_sql("PRAGMA secure_delete = ON")
        contractor = contractors.load(session, contractors.resolve(session, ref).id)
        cid = contractor.id
        pattern = personal_pattern(
            [
                contractor.name,
                contractor.nip,
                contractor.regon,
                contractor.tax_id,
                contractor.street,
                contractor.city,
                *(e.email for e in contractor.emails),
                *(p.phone for p in contractor.phones),
                *(x for p in contractor.persons for x in (p.name, p.email, p.phone)),
            ]
        )
        name = _("Anonymised contractor {id}").format(id=cid)
        if contractor.nip:
            session.execute(delete(WhiteListCheck).where(WhiteListCheck.nip == contractor.nip))
        contractor.name = name
        contractor.search_name = search_key(name)
        for column in ("nip", "regon", "tax_id", "street", "postal_code", "city", "notes"):
            setattr(contractor, column, None)
        contractor.emails = []
        contractor.phones = []
        contractor.persons = []
        contractor.imported = None  # what an import last said: names, addresses, contacts
        contractor.collection_paused_until = LAST_DAY
        contractor.collection_pause_reason = _("personal data removed (anonymised)")
        removed = _("(removed: personal data)")
        for message in session.scalars(
            select(OutboxMessage).where(OutboxMessage.contractor_id == cid)
        ):
            message.recipients = []
            message.subject = scrub(message.subject, pattern)
            message.body_text = removed
            message.body_html = None
            message.last_error = scrub(message.last_error, pattern)
            message.items = scrub_value(message.items, pattern)
            if message.status in ("pending", "failed"):
                message.status = "cancelled"
        for entry in session.scalars(select(Activity).where(Activity.contractor_id == cid)):
            entry.summary = scrub(entry.summary, pattern) or ""
            entry.body = removed if entry.body else None
            entry.data = scrub_value(entry.data, pattern)
        for task in session.scalars(select(Task).where(Task.contractor_id == cid)):
            task.title = scrub(task.title, pattern) or ""
            task.body = scrub(task.body, pattern)
            task.done_note = scrub(task.done_note, pattern)
        for promise in session.scalars(select(Promise).where(Promise.contractor_id == cid)):
            promise.note = scrub(promise.note, pattern)
        for invoice in session.scalars(select(Invoice).where(Invoice.contractor_id == cid)):
            invoice.dispute_reason = scrub(invoice.dispute_reason, pattern)
            invoice.collection_pause_reason = scrub(invoice.collection_pause_reason, pattern)
        for payment in session.scalars(select(Payment).where(Payment.contractor_id == cid)):
            payment.payer_name = None
            payment.payer_account = None
            payment.title = scrub(payment.title, pattern)
        for log_row in session.scalars(select(DunningLog).where(DunningLog.contractor_id == cid)):
            log_row.reason = scrub(log_row.reason, pattern)
            log_row.reason_data = scrub_value(log_row.reason_data, pattern)
        session.execute(delete(QueuedLetter).where(QueuedLetter.contractor_id == cid))
        activity.record(
            session,
            contractor_id=cid,
            kind="status",
            summary=N_("Personal data removed (anonymised); reminders stopped"),
            actor=actor,
        )
    if sqlite:
        with db.engine.connect() as conn:
            # the write-ahead log still holds the pages as they were before: fold it into the
            # file and empty it (when no reader needs it; else at the next checkpoint)
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return Anonymised(cid, name)
