"""Sending the outbox: claim one message, send it, record the result, then the next.

The claim (status ``sending``) is committed before the message leaves, and the result right
after; a crash in between leaves ``sending``, which the next run turns into ``uncertain`` for a
person to decide. A message that no longer fits (paid, paused, a later step due) is cancelled
instead of sent.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import Contractor, DunningLog, Instalment, Invoice, OutboxMessage
from db.uow import Database
from desktop_app.channels.base import OutgoingMessage, SendResult
from desktop_app.domain.planner import THANKS
from desktop_app.i18n import N_, _
from desktop_app.services import activity
from desktop_app.services.dunning import lease
from desktop_app.services.dunning.channel_setup import ConfiguredChannels

log = logging.getLogger(__name__)

#: waits after the 1st, 2nd... temporary failure; after the last one the failure is permanent
BACKOFF = (
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=15),
    dt.timedelta(hours=1),
    dt.timedelta(hours=3),
    dt.timedelta(hours=8),
    dt.timedelta(hours=24),
)
MAX_ATTEMPTS = len(BACKOFF) + 1

SENT_SUMMARY = {
    "email": N_("E-mail sent to {to}: {subject}"),
    "sms": N_("SMS sent to {to}"),
    "voice": N_("Voice message sent to {to}"),
    "notice": N_("Notice sent to {to}"),
}


class LeaseLostError(Exception):
    """Another process took over sending; this one stops at once."""


@dataclass
class SentRow:
    key: str
    channel: str
    to: list[str]
    status: str
    detail: str = ""


@dataclass
class SendReport:
    rows: list[SentRow] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)


def naive_utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


async def send_due(
    db: Database,
    channels: ConfiguredChannels,
    *,
    holder: str,
    now: dt.datetime,
    today: dt.date,
    open_channels: set[str],
    only_ids: Sequence[int] | None = None,
) -> SendReport:
    """Send what is due; ``only_ids`` limits it to chosen rows (a manual reminder sends at once)."""
    report = SendReport()
    utc = naive_utc(now)
    configured = channels.configured()
    sendable = (open_channels & configured) | ({"notice"} if "email" in configured else set())
    with db.read() as session:
        query = select(OutboxMessage.id, OutboxMessage.channel).where(
            OutboxMessage.status.in_(("pending", "failed")),
            OutboxMessage.next_attempt_at <= utc,
            OutboxMessage.channel.in_(sorted(sendable)),
        )
        if only_ids is not None:
            query = select(OutboxMessage.id, OutboxMessage.channel).where(
                OutboxMessage.id.in_(list(only_ids)),
                OutboxMessage.status.in_(("pending", "failed")),
            )
        due = session.execute(query.order_by(OutboxMessage.id)).all()
    by_channel: dict[str, list[int]] = defaultdict(list)
    for row_id, channel in due:
        by_channel[channel].append(row_id)
    for channel, ids in by_channel.items():
        if channel == "notice":
            await _send_notices(db, channels, ids, holder, now, today, report)
            continue
        async with channels.channel(channel).session() as session:
            for row_id in ids:
                message = _claim(db, row_id, holder, now, today, channels, report)
                if message is None:
                    continue
                result = await session.send(message)
                _record(db, [row_id], result, now, report)
    return report


def _claim(
    db: Database,
    row_id: int,
    holder: str,
    now: dt.datetime,
    today: dt.date,
    channels: ConfiguredChannels,
    report: SendReport,
) -> OutgoingMessage | None:
    utc = naive_utc(now)
    with db.write() as session:
        if not lease.still_mine(session, holder, utc):
            raise LeaseLostError
        row = session.get(OutboxMessage, row_id)
        if row is None or row.status not in ("pending", "failed"):
            return None
        reason = stale_reason(session, row, today)
        if reason is not None:
            _cancel(session, row, _(reason), utc)
            report.rows.append(
                SentRow(row.key, row.channel, row.recipients, "cancelled", _(reason))
            )
            return None
        row.status = "sending"
        row.holder = holder
        row.sending_at = utc
        row.attempts += 1
        return _outgoing(row, channels)


def _outgoing(row: OutboxMessage, channels: ConfiguredChannels) -> OutgoingMessage:
    return OutgoingMessage(
        key=row.key,
        channel="email" if row.channel == "notice" else row.channel,  # type: ignore[arg-type]
        to=tuple(row.recipients),
        text=row.body_text,
        subject=row.subject,
        html=row.body_html,
        from_name=row.from_name or str(channels.settings["smtp.from_name"] or ""),
        from_address=channels.from_address(),
        reply_to=row.reply_to,
        language=row.language,
    )


def stale_reason(session: Session, row: OutboxMessage, today: dt.date) -> str | None:
    """Why a reminder must not go out any more (an N_() message), or None."""
    if row.valid_until is not None and today >= row.valid_until:
        return N_("a later step is due now")
    if row.manual or row.step == THANKS or row.channel == "notice":
        return None
    ids = [int(i["instalment_id"]) for i in row.items if "instalment_id" in i]
    if not ids:
        return None
    states = session.execute(
        select(
            Instalment.open_minor,
            Invoice.disputed,
            Invoice.handed_over_on,
            Invoice.collection_paused_until,
            Contractor.collection_paused_until,
        )
        .join(Invoice, Invoice.id == Instalment.invoice_id)
        .join(Contractor, Contractor.id == Invoice.contractor_id)
        .where(Instalment.id.in_(ids))
    ).all()
    if all(open_minor == 0 for open_minor, *_rest in states):
        return N_("everything in it was paid in the meantime")
    for _open, disputed, handed, inv_pause, con_pause in states:
        if disputed:
            return N_("the invoice is disputed")
        if handed is not None:
            return N_("the case was handed over to collection")
        if (inv_pause and inv_pause >= today) or (con_pause and con_pause >= today):
            return N_("collection was paused")
    return None


def _cancel(session: Session, row: OutboxMessage, reason: str, utc: dt.datetime) -> None:
    row.status = "cancelled"
    row.last_error = reason
    row.finished_at = utc
    session.execute(
        update(DunningLog)
        .where(DunningLog.outbox_id == row.id)
        .values(status="cancelled", reason=reason)
    )


def _record(
    db: Database, row_ids: list[int], result: SendResult, now: dt.datetime, report: SendReport
) -> None:
    utc = naive_utc(now)
    with db.write() as session:
        for row_id in row_ids:
            row = session.get(OutboxMessage, row_id)
            assert row is not None
            if result.ok:
                row.status = "sent"
                row.provider_id = result.provider_id
                row.finished_at = utc
                row.last_error = None
                _log_status(session, row, "sent")
                _activity_sent(session, row)
            elif result.status == "temporary_failure" and row.attempts < MAX_ATTEMPTS:
                row.status = "failed"
                row.last_error = result.detail
                row.next_attempt_at = utc + BACKOFF[min(row.attempts, len(BACKOFF)) - 1]
            else:
                row.status = "failed_permanently"
                row.last_error = result.detail
                row.finished_at = utc
                _log_status(session, row, "failed")
                if row.contractor_id is not None:
                    activity.record(
                        session,
                        contractor_id=row.contractor_id,
                        kind="message",
                        channel=row.channel,
                        summary=N_("Could not send the {channel} message to {to}: {error}"),
                        data={
                            "channel": row.channel,
                            "to": ", ".join(row.recipients),
                            "error": result.detail,
                        },
                        body=row.body_text,
                        actor="scheduler",
                    )
            report.rows.append(
                SentRow(row.key, row.channel, row.recipients, row.status, result.detail)
            )


def _log_status(session: Session, row: OutboxMessage, status: str) -> None:
    session.execute(update(DunningLog).where(DunningLog.outbox_id == row.id).values(status=status))


def _activity_sent(session: Session, row: OutboxMessage) -> None:
    if row.contractor_id is None:
        return
    body = row.body_text if row.subject is None else f"{row.subject}\n\n{row.body_text}"
    activity.record(
        session,
        contractor_id=row.contractor_id,
        kind="message",
        channel=row.channel,
        summary=SENT_SUMMARY[row.channel],
        data={"to": ", ".join(row.recipients), "subject": row.subject or "", "key": row.key},
        body=body,
        actor="manual" if row.manual else "scheduler",
    )


async def _send_notices(
    db: Database,
    channels: ConfiguredChannels,
    ids: list[int],
    holder: str,
    now: dt.datetime,
    today: dt.date,
    report: SendReport,
) -> None:
    """All notice lines for the same people go out as one e-mail: the owner's notice."""
    utc = naive_utc(now)
    with db.write() as session:
        if not lease.still_mine(session, holder, utc):
            raise LeaseLostError
        rows = list(
            session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.id.in_(ids), OutboxMessage.status.in_(("pending", "failed")))
                .order_by(OutboxMessage.id)
            )
        )
        batches: dict[tuple[str, ...], list[OutboxMessage]] = defaultdict(list)
        for row in rows:
            batches[tuple(row.recipients)].append(row)
            row.status = "sending"
            row.holder = holder
            row.sending_at = utc
            row.attempts += 1
        prepared = [
            (
                [r.id for r in batch],
                OutgoingMessage(
                    key="notice/" + ",".join(str(r.id) for r in batch),
                    channel="email",
                    to=to,
                    subject=_("Inkaso notice for {date}: {count} items").format(
                        date=today.isoformat(), count=len(batch)
                    ),
                    text="\n\n".join(r.body_text.strip() for r in batch),
                    from_name=str(channels.settings["smtp.from_name"] or "Inkaso"),
                    from_address=channels.from_address(),
                ),
            )
            for to, batch in batches.items()
        ]
    async with channels.channel("email").session() as smtp:
        for row_ids, message in prepared:
            result = await smtp.send(message)
            _record(db, row_ids, result, now, report)
