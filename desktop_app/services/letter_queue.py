"""Letters to print: the queue dunning steps and the user fill, with each letter's PDF.

A letter enters the queue with its PDF already rendered (outside any write transaction) and its
entry in the contractor's activity log, which names the queued letter so the PDF opens later.
Printing and posting are recorded here; the day a letter went by registered mail is recorded in
the activity log the way the art. 15 check (``letters.registered_demands``) reads it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from db.models import Contractor, QueuedLetter
from db.uow import Database
from desktop_app.domain.money import decimal_str
from desktop_app.errors import InkasoError, NotFoundError, ValidationError
from desktop_app.i18n import N_, _
from desktop_app.letters.model import KINDS
from desktop_app.letters.pdf import pdf_bytes
from desktop_app.services import activity
from desktop_app.services.letters import (
    REGISTERED,
    Built,
    LetterRequest,
    build_letter,
    load_sources,
    record_letter,
    render,
)

_REGISTERED_SUMMARY = N_("Letter {document} {reference} sent by registered mail on {day}")


@dataclass(frozen=True)
class QueuedView:
    """One row of "Letters to print"."""

    id: int
    contractor_id: int
    contractor: str
    document: str
    reference: str
    letter_date: dt.date
    amount_minor: int
    currency: str
    created_at: dt.datetime
    printed_at: dt.datetime | None
    sent_registered_on: dt.date | None


def letter_pdf_of(built: Built) -> bytes:
    """The PDF of one letter: its words from the owner's templates (sandboxed), then ReportLab.
    Call it outside any write transaction: templates run on a time budget."""
    return pdf_bytes(render([built]))


def _amount(built: Built) -> tuple[int, str]:
    first = built.letter.totals[0] if built.letter.totals else None
    if first is None:
        return 0, ""
    money = first.principal if built.letter.kind == "balance" else first.total
    return money.minor, money.currency


def queue_letter(
    session: Session,
    built: Built,
    pdf: bytes,
    *,
    key: str,
    actor: str | None = None,
    at: dt.datetime | None = None,
) -> int:
    """Queue ``built`` under ``key`` and log it (``at``, naive UTC, when it is not now: the
    demo's past); a key queued before raises IntegrityError (the caller's savepoint keeps one
    letter per dunning step)."""
    minor, currency = _amount(built)
    row = QueuedLetter(
        key=key,
        contractor_id=built.contractor_id,
        document=built.letter.kind,
        reference=built.letter.reference,
        letter_date=built.letter.date,
        amount_minor=minor,
        currency=currency,
        pdf=pdf,
    )
    if at is not None:
        row.created_at = at
    session.add(row)
    session.flush()
    record_letter(session, built, actor, {"letter_id": row.id}, at=at)
    return row.id


def keep_letter(db: Database, built: Built, pdf: bytes, *, actor: str | None = None) -> int:
    """A letter the user made by hand (Letter… on the card): queued and logged like dunning's."""
    with db.write() as session:
        # the same letter may be made twice a day on purpose (a corrected copy): numbered
        base = f"manual/{built.letter.reference}"
        taken = session.scalar(
            select(func.count()).where(
                or_(QueuedLetter.key == base, QueuedLetter.key.like(base + "#%"))
            )
        )
        key = base if not taken else f"{base}#{taken + 1}"
        return queue_letter(session, built, pdf, key=key, actor=actor)


def list_queue(db: Database, *, include_done: bool = False) -> list[QueuedView]:
    """Letters not yet posted by registered mail (or all with ``include_done``), newest first."""
    query = (
        select(QueuedLetter, Contractor.name)
        .join(Contractor, Contractor.id == QueuedLetter.contractor_id)
        .order_by(QueuedLetter.created_at.desc(), QueuedLetter.id.desc())
    )
    if not include_done:
        query = query.where(QueuedLetter.sent_registered_on.is_(None))
    with db.read() as session:
        return [
            QueuedView(
                row.id,
                row.contractor_id,
                name,
                row.document,
                row.reference,
                row.letter_date,
                row.amount_minor,
                row.currency,
                row.created_at,
                row.printed_at,
                row.sent_registered_on,
            )
            for row, name in session.execute(query)
        ]


def _row(session: Session, letter_id: int) -> QueuedLetter:
    row = session.get(QueuedLetter, letter_id)
    if row is None:
        raise NotFoundError(_("There is no letter {id} to print").format(id=letter_id))
    return row


def queued_pdf(db: Database, letter_id: int) -> bytes:
    with db.read() as session:
        return bytes(_row(session, letter_id).pdf)


def mark_printed(db: Database, letter_ids: list[int], *, now: dt.datetime) -> None:
    """Record that the letters were printed (``now`` naive UTC); a reprint keeps the first time."""
    with db.write() as session:
        session.execute(
            update(QueuedLetter)
            .where(QueuedLetter.id.in_(letter_ids), QueuedLetter.printed_at.is_(None))
            .values(printed_at=now)
        )


def mark_registered(
    db: Database,
    letter_id: int,
    *,
    day: dt.date,
    today: dt.date,
    actor: str | None = None,
    at: dt.datetime | None = None,
) -> None:
    """The letter went by registered mail on ``day``: a demand sent so counts for the
    debtor-register warning a month later. ``at`` (naive UTC) stamps the log when it is not
    now."""
    if day > today:
        raise ValidationError(
            _("The letter cannot have been posted after today ({today})").format(
                today=today.isoformat()
            ),
            field="day",
        )
    with db.write() as session:
        row = _row(session, letter_id)
        if row.sent_registered_on is not None:
            raise ValidationError(
                _("Letter {reference} was already recorded as sent on {day}").format(
                    reference=row.reference, day=row.sent_registered_on.isoformat()
                )
            )
        row.sent_registered_on = day
        activity.record(
            session,
            contractor_id=row.contractor_id,
            kind="letter",
            channel=REGISTERED,
            summary=_REGISTERED_SUMMARY,
            actor=actor,
            data={
                "document": row.document,
                "reference": row.reference,
                "sent_on": day.isoformat(),
                "registered": True,
                "letter_id": row.id,
                "amount": decimal_str(row.amount_minor, row.currency or "PLN"),
                "currency": row.currency,
            },
            at=at,
        )


# -- a letter made by hand (Letter… on the card or the list) -------------------------------


@dataclass(frozen=True)
class Previewed:
    """A letter built and rendered for the user to look at before it is kept."""

    built: Built
    pdf: bytes


def preview_letter(db: Database, request: LetterRequest) -> Previewed:
    """Build the letter (one read) and render it outside the transaction; records nothing.
    LetterRefusedError names the condition that does not hold."""
    sources = load_sources(db)
    with db.read() as session:
        built = build_letter(session, request, sources)
    return Previewed(built, letter_pdf_of(built))


def refusals(db: Database, contractor_id: int, today: dt.date) -> dict[str, str]:
    """The documents that may not be written for the contractor today, each with the first
    condition that does not hold (the same check that refuses the letter itself)."""
    sources = load_sources(db)
    refused: dict[str, str] = {}
    with db.read() as session:
        for kind in KINDS:
            try:
                build_letter(session, LetterRequest(kind, contractor_id, today), sources)
            except InkasoError as exc:  # a condition, or a figure it cannot get (a euro rate)
                refused[kind] = exc.message
    return refused
