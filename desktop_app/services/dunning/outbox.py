"""The outbox as people see it: filter, retry a failure, decide an uncertain message."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, String, case, cast, func, or_, select, update

from db.models import Contractor, DunningLog, OutboxMessage, utcnow
from db.uow import Database
from desktop_app import labels
from desktop_app.domain.text import search_key
from desktop_app.errors import NotFoundError, ValidationError
from desktop_app.i18n import N_, _
from desktop_app.redaction import redact_optional
from desktop_app.services import activity

#: "at the next run", whatever that run's clock says (it may simulate another day)
AT_NEXT_RUN = dt.datetime(1970, 1, 1)
STATUSES = ("pending", "sending", "sent", "failed", "failed_permanently", "uncertain", "cancelled")
#: the statuses of a message that failed, to be retried or given up (what "failed reminders"
#: counts on the dashboard)
FAILED_STATUSES = ("failed", "failed_permanently")
#: a filter choice standing for several statuses at once
FAILED_ANY = "failed_any"
STATUS_GROUPS = {FAILED_ANY: FAILED_STATUSES}


def statuses_of(status: str) -> tuple[str, ...]:
    """The statuses a filter choice stands for: a group's, or the one status itself."""
    return STATUS_GROUPS.get(status, (status,))


@dataclass(frozen=True)
class OutboxView:
    id: int
    key: str
    contractor_id: int | None
    contractor_name: str | None
    channel: str
    recipients: tuple[str, ...]
    subject: str | None
    body_text: str
    body_html: str | None
    status: str
    attempts: int
    planned_for: dt.date
    next_attempt_at: dt.datetime
    last_error: str | None
    created_at: dt.datetime
    finished_at: dt.datetime | None
    step: str | None
    scenario: str | None
    items: tuple[dict[str, Any], ...]


#: the order statuses are sorted and offered in (what needs a person first)
ATTENTION_ORDER = (
    "uncertain",
    "failed_permanently",
    "failed",
    "pending",
    "sending",
    "sent",
    "cancelled",
)
SORT_KEYS = (
    "created",
    "status",
    "channel",
    "contractor",
    "recipient",
    "subject",
    "attempts",
    "error",
)
#: digits with the separators people type in phone numbers, and nothing else
_NUMBER_AS_TYPED = re.compile(r"\+?[\d\s\-()/.]+")


def list_messages(
    db: Database,
    *,
    status: str | None = None,
    channel: str | None = None,
    contractor_id: int | None = None,
    text: str = "",
    sort: str = "created",
    descending: bool = True,
    offset: int = 0,
    limit: int = 2000,
) -> list[OutboxView]:
    """One page of the messages matching every filter, in the requested order (all in SQL).

    ``text`` is looked for in the contractor's name (without regard to case or Polish letters),
    the recipients, the subject, the text, the last error and the key.
    """
    if status is not None and status not in STATUSES and status not in STATUS_GROUPS:
        raise ValidationError(
            _("Unknown status {status}; use one of: {all}").format(
                status=status, all=", ".join((*STATUSES, *STATUS_GROUPS))
            )
        )
    if sort not in SORT_KEYS:
        raise ValidationError(
            _("Unknown sort key {key}; use one of: {all}").format(
                key=sort, all=", ".join(SORT_KEYS)
            )
        )
    query = select(OutboxMessage, Contractor.name).outerjoin(
        Contractor, Contractor.id == OutboxMessage.contractor_id
    )
    if status:
        query = query.where(OutboxMessage.status.in_(statuses_of(status)))
    for condition in _conditions(channel, contractor_id, text):
        query = query.where(condition)
    key = _sort_column(sort)
    if descending:
        query = query.order_by(key.desc(), OutboxMessage.id.desc())
    else:
        query = query.order_by(key.asc(), OutboxMessage.id.asc())
    query = query.offset(offset).limit(limit)
    with db.read() as session:
        return [
            OutboxView(
                m.id,
                m.key,
                m.contractor_id,
                name,
                m.channel,
                tuple(m.recipients),
                m.subject,
                m.body_text,
                m.body_html,
                m.status,
                m.attempts,
                m.planned_for,
                m.next_attempt_at,
                redact_optional(m.last_error),  # also errors stored before they were redacted
                m.created_at,
                m.finished_at,
                m.step,
                m.scenario,
                tuple(m.items),
            )
            for m, name in session.execute(query)
        ]


def counts(
    db: Database,
    *,
    channel: str | None = None,
    contractor_id: int | None = None,
    text: str = "",
) -> dict[str, int]:
    """Messages per status among those matching the other filters (all of them by default)."""
    query = select(OutboxMessage.status, func.count(OutboxMessage.id)).group_by(
        OutboxMessage.status
    )
    conditions = _conditions(channel, contractor_id, text)
    if text.strip():
        query = query.outerjoin(Contractor, Contractor.id == OutboxMessage.contractor_id)
    for condition in conditions:
        query = query.where(condition)
    with db.read() as session:
        rows = session.execute(query).all()
    result = dict.fromkeys(STATUSES, 0)
    result.update({status: int(n) for status, n in rows})
    return result


def _conditions(
    channel: str | None, contractor_id: int | None, text: str
) -> list[ColumnElement[bool]]:
    """The filters besides the status; the text one needs ``Contractor`` joined."""
    conditions: list[ColumnElement[bool]] = []
    if channel:
        conditions.append(OutboxMessage.channel == channel)
    if contractor_id is not None:
        conditions.append(OutboxMessage.contractor_id == contractor_id)
    needle = text.strip()
    if needle:
        recipients: ColumnElement[str] = cast(OutboxMessage.recipients, String)
        found = [Contractor.search_name.contains(search_key(needle), autoescape=True)]
        columns: tuple[ColumnElement[Any], ...] = (
            recipients,
            OutboxMessage.subject.expression,
            OutboxMessage.body_text.expression,
            OutboxMessage.last_error.expression,
            OutboxMessage.key.expression,
        )
        for column in columns:
            found.extend(_contains_any_case(column, needle))
        digits = re.sub(r"\D", "", needle)
        if _NUMBER_AS_TYPED.fullmatch(needle) and len(digits) >= 3:
            # "501 234 567" finds "+48501234567": phone numbers are stored without separators
            found.append(recipients.contains(digits, autoescape=True))
        conditions.append(or_(*found))
    return conditions


def _contains_any_case(column: ColumnElement[Any], needle: str) -> list[ColumnElement[bool]]:
    """``column`` contains ``needle`` in any letter case.

    ILIKE folds every letter on PostgreSQL but only A-Z on SQLite, so a needle with other
    letters is also tried the ways people write words: "łódź", "ŁÓDŹ", "Łódź".
    """
    spellings = dict.fromkeys((needle, needle.lower(), needle.upper(), needle.capitalize()))
    if needle.isascii():
        spellings = {needle: None}
    return [column.ilike(f"%{_escape_like(spelling)}%", escape="\\") for spelling in spellings]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _sort_column(sort: str) -> ColumnElement[Any]:
    match sort:
        case "status":
            return case(
                {status: rank for rank, status in enumerate(ATTENTION_ORDER)},
                value=OutboxMessage.status,
                else_=len(ATTENTION_ORDER),
            )
        case "channel":
            return OutboxMessage.channel.expression
        case "contractor":
            return func.coalesce(Contractor.search_name, "")
        case "recipient":
            return cast(OutboxMessage.recipients, String)
        case "subject":
            return func.coalesce(OutboxMessage.subject, OutboxMessage.body_text)
        case "attempts":
            return OutboxMessage.attempts.expression
        case "error":
            return func.coalesce(OutboxMessage.last_error, "")
    return OutboxMessage.created_at.expression


def retry(db: Database, message_id: int, *, actor: str | None = None) -> None:
    """Send a failed message again at the next run."""
    with db.write() as session:
        row = _get(session, message_id)
        if row.status not in ("failed", "failed_permanently", "cancelled"):
            raise ValidationError(
                _("Message {id} is {status}; only failed or cancelled ones can be retried").format(
                    id=message_id, status=labels.status(row.status)
                )
            )
        if not row.body_text:
            # its template failed: there is nothing to send; the next reminder uses the fixed one
            raise ValidationError(
                _("Message {id} was never written ({error}); fix the template instead").format(
                    id=message_id, error=row.last_error or ""
                )
            )
        row.status = "pending"
        row.next_attempt_at = AT_NEXT_RUN
        row.valid_until = None  # a person chose to send it, whatever the schedule says
        row.manual = True
        session.execute(
            update(DunningLog).where(DunningLog.outbox_id == row.id).values(status="planned")
        )
        _note(session, row, N_("Message queued again by hand"), actor)


def resolve_uncertain(
    db: Database, message_id: int, outcome: str, *, actor: str | None = None
) -> None:
    """A person says what happened to an interrupted message: ``sent``, ``resend`` or ``cancel``."""
    with db.write() as session:
        row = _get(session, message_id)
        if row.status != "uncertain":
            raise ValidationError(
                _("Message {id} is not among the uncertain ones").format(id=message_id)
            )
        if outcome == "sent":
            row.status = "sent"
            row.finished_at = utcnow()
            log_status = "sent"
            summary = N_("Interrupted message confirmed as sent")
        elif outcome == "resend":
            row.status = "pending"
            row.next_attempt_at = AT_NEXT_RUN
            row.valid_until = None
            row.manual = True
            log_status = "planned"
            summary = N_("Interrupted message queued to be sent again")
        elif outcome == "cancel":
            row.status = "cancelled"
            row.finished_at = utcnow()
            log_status = "cancelled"
            summary = N_("Interrupted message cancelled")
        else:
            raise ValidationError(_("Choose sent, resend or cancel"))
        session.execute(
            update(DunningLog).where(DunningLog.outbox_id == row.id).values(status=log_status)
        )
        _note(session, row, summary, actor)


def cancel(db: Database, message_id: int, *, actor: str | None = None) -> None:
    with db.write() as session:
        row = _get(session, message_id)
        if row.status not in ("pending", "failed"):
            raise ValidationError(_("Only waiting messages can be cancelled"))
        row.status = "cancelled"
        row.finished_at = utcnow()
        session.execute(
            update(DunningLog).where(DunningLog.outbox_id == row.id).values(status="cancelled")
        )
        _note(session, row, N_("Message cancelled by hand"), actor)


def _get(session: Any, message_id: int) -> OutboxMessage:
    row = session.get(OutboxMessage, message_id)
    if row is None:
        raise NotFoundError(_("No message with id {id} in the outbox").format(id=message_id))
    assert isinstance(row, OutboxMessage)
    return row


def _note(session: Any, row: OutboxMessage, summary: str, actor: str | None) -> None:
    if row.contractor_id is not None:
        activity.record(
            session,
            contractor_id=row.contractor_id,
            kind="message",
            channel=row.channel,
            summary=summary,
            data={"key": row.key},
            actor=actor,
        )
