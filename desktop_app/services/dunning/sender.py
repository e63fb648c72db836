"""Sending the outbox: claim one message, send it, record the result, then the next.

The claim (status ``sending``) is committed before the message leaves, and the result right
after; a crash in between leaves ``sending``, which the next run turns into ``uncertain`` for a
person to decide. A message that no longer fits (paid, paused, a later step due) is cancelled
instead of sent.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from db.models import Contractor, DunningLog, Instalment, Invoice, OutboxMessage
from db.uow import Database
from desktop_app.channels.base import ChannelKind, ChannelSession, OutgoingMessage, SendResult
from desktop_app.domain.planner import THANKS
from desktop_app.i18n import N_, _, ngettext
from desktop_app.services import activity
from desktop_app.services.dunning import attachments, lease
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
        async with channels.channel(channel).session() as smtp:
            await _pipeline(db, smtp, ids, holder, now, today, channels, report)
    return report


async def _pipeline(
    db: Database,
    smtp: ChannelSession,
    ids: list[int],
    holder: str,
    now: dt.datetime,
    today: dt.date,
    channels: ConfiguredChannels,
    report: SendReport,
) -> None:
    """Send ``ids`` one at a time, doing the bookkeeping while the previous one is on the wire.

    While message N is being sent, a worker thread commits, in one transaction, the result of
    N-1 and the claim of N+1. So every message is committed as ``sending`` before it leaves, and
    nothing is ever sent twice; a crash leaves at most three rows uncertain (the one recorded
    late, the one in flight, the one claimed) instead of one, for a person to confirm.
    """

    def step(record: tuple[list[Claimed], SendResult] | None, claim: int | None) -> object:
        with db.write() as session:
            if record is not None:
                _record(session, *record, now, report)
            if claim is None:
                return None
            return _claim(session, claim, holder, now, today, channels, report)

    queue = list(ids)

    async def claim_next(record: tuple[list[Claimed], SendResult] | None) -> object:
        """Record ``record`` and claim the next sendable message (skipping cancelled ones)."""
        while True:
            claim = queue.pop(0) if queue else None
            found = await asyncio.to_thread(step, record, claim)
            record = None
            if found is LEASE_LOST or claim is None or isinstance(found, tuple):
                return found

    current = await claim_next(None)
    finished: tuple[list[Claimed], SendResult] | None = None
    while isinstance(current, tuple):
        claimed, outgoing = current
        sending = asyncio.ensure_future(smtp.send(outgoing))
        upcoming = asyncio.ensure_future(claim_next(finished))
        result = await sending
        current = await upcoming
        finished = ([claimed], result)
    if finished is not None:
        await asyncio.to_thread(step, finished, None)
    if current is LEASE_LOST:
        raise LeaseLostError


#: returned by _claim when another process now holds the lease; raised once the
#: transaction that recorded the previous message has committed
LEASE_LOST = object()

_CLAIM_COLUMNS = (
    OutboxMessage.id,
    OutboxMessage.key,
    OutboxMessage.status,
    OutboxMessage.contractor_id,
    OutboxMessage.channel,
    OutboxMessage.recipients,
    OutboxMessage.subject,
    OutboxMessage.body_text,
    OutboxMessage.body_html,
    OutboxMessage.from_name,
    OutboxMessage.reply_to,
    OutboxMessage.language,
    OutboxMessage.manual,
    OutboxMessage.step,
    OutboxMessage.items,
    OutboxMessage.attachments,
    OutboxMessage.valid_until,
    OutboxMessage.attempts,
)


_OUTBOX = cast(Table, OutboxMessage.__table__)
_LOG = cast(Table, DunningLog.__table__)
# built once: this runs for every message, and building statements costs more than running them
_SELECT_CLAIM = select(*_CLAIM_COLUMNS).where(OutboxMessage.id == bindparam("row_id"))
_MARK_SENDING = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("row_id"), _OUTBOX.c.status.in_(("pending", "failed")))
    .values(status="sending", holder=bindparam("holder"), sending_at=bindparam("sending_at"),
            attempts=bindparam("attempts"))
)  # fmt: skip


@dataclass(frozen=True)
class Claimed:
    """What recording a result needs to know about a message in flight."""

    id: int
    key: str
    contractor_id: int | None
    channel: str
    recipients: list[str]
    subject: str | None
    body_text: str
    manual: bool
    attempts: int


def _claim(
    session: Session,
    row_id: int,
    holder: str,
    now: dt.datetime,
    today: dt.date,
    channels: ConfiguredChannels,
    report: SendReport,
) -> tuple[Claimed, OutgoingMessage] | object | None:
    """Mark one message ``sending`` (plain statements: this runs once per message)."""
    utc = naive_utc(now)
    if not lease.still_mine(session, holder, utc):
        return LEASE_LOST
    conn = session.connection()
    row = conn.execute(_SELECT_CLAIM, {"row_id": row_id}).one_or_none()
    if row is None or row.status not in ("pending", "failed"):
        return None
    reason = stale_reason(session, row, today)
    if reason is not None:
        _cancel(session, row.id, _(reason), utc)
        report.rows.append(SentRow(row.key, row.channel, row.recipients, "cancelled", _(reason)))
        return None
    claimed = conn.execute(
        _MARK_SENDING,
        {"row_id": row_id, "holder": holder, "sending_at": utc, "attempts": row.attempts + 1},
    )
    if claimed.rowcount != 1:
        return None
    message = OutgoingMessage(
        key=row.key,
        channel=cast(ChannelKind, "email" if row.channel == "notice" else row.channel),
        to=tuple(row.recipients),
        text=row.body_text,
        subject=row.subject,
        html=row.body_html,
        from_name=row.from_name or str(channels.settings["smtp.from_name"] or ""),
        from_address=channels.from_address(),
        reply_to=row.reply_to,
        language=row.language,
        attachments=attachments.build(row.attachments or [], row.items, row.language, today),
    )
    snapshot = Claimed(
        row.id, row.key, row.contractor_id, row.channel, list(row.recipients), row.subject,
        row.body_text, row.manual, row.attempts + 1,
    )  # fmt: skip
    return snapshot, message


def stale_reason(session: Session, row: Any, today: dt.date) -> str | None:
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


def _cancel(session: Session, row_id: int, reason: str, utc: dt.datetime) -> None:
    _set(session, row_id, status="cancelled", last_error=reason, finished_at=utc)
    _log_status(session, row_id, "cancelled", reason)


def _set(session: Session, row_id: int, **values: Any) -> None:
    session.connection().execute(update(_OUTBOX).where(_OUTBOX.c.id == row_id).values(**values))


def _record(
    session: Session,
    claims: list[Claimed],
    result: SendResult,
    now: dt.datetime,
    report: SendReport,
) -> None:
    utc = naive_utc(now)
    for row in claims:
        if result.ok:
            status = "sent"
            _set(session, row.id, status=status, provider_id=result.provider_id, finished_at=utc,
                 last_error=None)  # fmt: skip
            _log_status(session, row.id, "sent")
            _activity_sent(session, row)
        elif result.status == "temporary_failure" and row.attempts < MAX_ATTEMPTS:
            status = "failed"
            backoff = BACKOFF[min(row.attempts, len(BACKOFF)) - 1]
            _set(session, row.id, status=status, last_error=result.detail,
                 next_attempt_at=utc + backoff)  # fmt: skip
        else:
            status = "failed_permanently"
            _set(session, row.id, status=status, last_error=result.detail, finished_at=utc)
            _log_status(session, row.id, "failed")
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
        report.rows.append(SentRow(row.key, row.channel, row.recipients, status, result.detail))


def _log_status(session: Session, outbox_id: int, status: str, reason: str | None = None) -> None:
    values: dict[str, Any] = {"status": status}
    if reason is not None:
        values["reason"] = reason
    session.connection().execute(update(_LOG).where(_LOG.c.outbox_id == outbox_id).values(**values))


def _activity_sent(session: Session, row: Claimed) -> None:
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
                [
                    Claimed(
                        r.id,
                        r.key,
                        r.contractor_id,
                        r.channel,
                        list(r.recipients),
                        r.subject,
                        r.body_text,
                        r.manual,
                        r.attempts,
                    )
                    for r in batch
                ],
                OutgoingMessage(
                    key="notice/" + ",".join(str(r.id) for r in batch),
                    channel="email",
                    to=to,
                    subject=ngettext(
                        "Inkaso notice for {date}: {count} item",
                        "Inkaso notice for {date}: {count} items",
                        len(batch),
                    ).format(date=today.isoformat(), count=len(batch)),
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
            with db.write() as session:
                _record(session, row_ids, result, now, report)
