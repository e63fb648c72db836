"""The outbox as people see it: filter, retry a failure, decide an uncertain message."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update

from db.models import Contractor, DunningLog, OutboxMessage, utcnow
from db.uow import Database
from desktop_app import labels
from desktop_app.errors import NotFoundError, ValidationError
from desktop_app.i18n import N_, _
from desktop_app.services import activity

#: "at the next run", whatever that run's clock says (it may simulate another day)
AT_NEXT_RUN = dt.datetime(1970, 1, 1)
STATUSES = ("pending", "sending", "sent", "failed", "failed_permanently", "uncertain", "cancelled")


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


def list_messages(
    db: Database,
    *,
    status: str | None = None,
    channel: str | None = None,
    contractor_id: int | None = None,
    limit: int = 2000,
) -> list[OutboxView]:
    if status is not None and status not in STATUSES:
        raise ValidationError(
            _("Unknown status {status}; use one of: {all}").format(
                status=status, all=", ".join(STATUSES)
            )
        )
    query = select(OutboxMessage, Contractor.name).outerjoin(
        Contractor, Contractor.id == OutboxMessage.contractor_id
    )
    if status:
        query = query.where(OutboxMessage.status == status)
    if channel:
        query = query.where(OutboxMessage.channel == channel)
    if contractor_id is not None:
        query = query.where(OutboxMessage.contractor_id == contractor_id)
    query = query.order_by(OutboxMessage.id.desc()).limit(limit)
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
                m.last_error,
                m.created_at,
                m.finished_at,
                m.step,
                m.scenario,
                tuple(m.items),
            )
            for m, name in session.execute(query)
        ]


def counts(db: Database) -> dict[str, int]:
    with db.read() as session:
        rows = session.execute(
            select(OutboxMessage.status, func.count(OutboxMessage.id)).group_by(
                OutboxMessage.status
            )
        ).all()
    result = dict.fromkeys(STATUSES, 0)
    result.update({status: int(n) for status, n in rows})
    return result


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
