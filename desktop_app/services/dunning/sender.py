"""Sending the outbox: claim a few messages, send them, record the results, and so on.

The claim (status ``sending``) is committed before a message leaves, and the result soon
after; a crash in between leaves ``sending``, which the next run turns into ``uncertain`` for a
person to decide. A message that no longer fits (paid, paused, a later step due) is cancelled
instead of sent.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from db.models import DunningLog, OutboxMessage, naive_utc
from db.uow import Database
from desktop_app.channels.base import ChannelKind, ChannelSession, OutgoingMessage, SendResult
from desktop_app.domain import planner
from desktop_app.domain.dates import format_day
from desktop_app.domain.planner import THANKS
from desktop_app.domain.reminder_rule import CLOSED, HELD, item_reasons
from desktop_app.i18n import N_, _, ngettext
from desktop_app.redaction import redact
from desktop_app.services import activity
from desktop_app.services.dunning import attachments, lease
from desktop_app.services.dunning.channel_setup import ConfiguredChannels
from desktop_app.services.dunning.state import items_now

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


#: outbox channels written to the firm's own people, sent as e-mail whatever the send windows
INTERNAL = frozenset({"notice", "digest"})


def _carrier(channel: str) -> str:
    """The channel that carries an outbox row: the firm's own mail goes as e-mail."""
    return "email" if channel in INTERNAL else channel


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
    # the firm's own mail (notices, digests) is not bound to the debtors' send windows
    sendable = (open_channels & configured) | (INTERNAL if "email" in configured else set())
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
        async with channels.channel(_carrier(channel)).session() as smtp:
            await _pipeline(db, smtp, ids, holder, now, today, channels, report)
    return report


#: at most this many messages are claimed (and later recorded) per transaction
MAX_BATCH = 8


def batch_size(count: int) -> int:
    """Messages per transaction for a run sending ``count``. Batches save transactions and
    statements, but a crash can leave up to three of them ``sending`` (recorded late, in
    flight, claimed ahead) for a person to confirm as ``uncertain``, never a duplicate; so an
    ordinary day's few dozen go one by one (at most 3 to confirm), bulk runs go eight at a time."""
    return max(1, min(MAX_BATCH, count // 25))


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
    """Send ``ids`` in order, doing the bookkeeping while the previous batch is on the wire.

    While a batch is being sent, a worker thread commits, in one transaction, the results of the
    batch before it and the claim of the batch after it. So every message is committed as
    ``sending`` before it leaves, and nothing is ever sent twice.
    """
    queue = list(ids)
    size = batch_size(len(ids))

    def step(records: list[tuple[Claimed, SendResult]], want: int) -> object:
        """Record ``records``, then claim up to ``want`` sendable messages (skipping the ones
        that no longer fit); LEASE_LOST once the records are safely written."""
        with db.write() as session:
            if records:
                _record_many(session, records, now, report)
            claimed: list[tuple[Claimed, OutgoingMessage]] = []
            while len(claimed) < want and queue:
                take = queue[: want - len(claimed)]
                del queue[: len(take)]
                found = _claim_many(session, take, holder, now, today, channels, report)
                if found is LEASE_LOST:
                    return LEASE_LOST
                claimed.extend(cast(list[tuple[Claimed, OutgoingMessage]], found))
            return claimed

    batch = await asyncio.to_thread(step, [], size)
    finished: list[tuple[Claimed, SendResult]] = []
    while isinstance(batch, list) and batch:
        upcoming = asyncio.ensure_future(asyncio.to_thread(step, finished, size))
        finished = []
        try:
            for claimed, outgoing in batch:
                finished.append((claimed, await smtp.send(outgoing)))
        finally:
            batch = await upcoming
    if finished:
        await asyncio.to_thread(step, finished, 0)
    if batch is LEASE_LOST:
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
_SELECT_CLAIMS = (
    select(*_CLAIM_COLUMNS)
    .where(OutboxMessage.id.in_(bindparam("row_ids", expanding=True)))
    .order_by(OutboxMessage.id)
)
_MARK_SENDING = (
    update(_OUTBOX)
    .where(
        _OUTBOX.c.id.in_(bindparam("row_ids", expanding=True)),
        _OUTBOX.c.status.in_(("pending", "failed")),
    )
    .values(status="sending", holder=bindparam("holder"), sending_at=bindparam("sending_at"),
            attempts=_OUTBOX.c.attempts + 1)
    .returning(_OUTBOX.c.id)
)  # fmt: skip
_MARK_SENT = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("row_id"))
    .values(status="sent", provider_id=bindparam("provider_id"), finished_at=bindparam("done_at"),
            last_error=None)
)  # fmt: skip
_LOG_SENT = update(_LOG).where(_LOG.c.outbox_id == bindparam("row_id")).values(status="sent")


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


def _claim_many(
    session: Session,
    row_ids: list[int],
    holder: str,
    now: dt.datetime,
    today: dt.date,
    channels: ConfiguredChannels,
    report: SendReport,
) -> list[tuple[Claimed, OutgoingMessage]] | object:
    """Mark messages ``sending`` in one go: fetch them, cancel the ones that no longer fit,
    claim the rest with one conditional UPDATE that says which rows it took."""
    utc = naive_utc(now)
    if not lease.still_mine(session, holder, utc):
        return LEASE_LOST
    conn = session.connection()
    rows = [
        r
        for r in conn.execute(_SELECT_CLAIMS, {"row_ids": row_ids})
        if r.status in ("pending", "failed")
    ]
    states = items_now(session, [i for r in rows for i in _watched_instalments(r)], today)
    sendable = []
    for row in rows:
        reason = _stale(row, states, today)
        if reason is None:
            sendable.append(row)
            continue
        _cancel(session, row.id, reason, utc)
        report.rows.append(SentRow(row.key, row.channel, row.recipients, "cancelled", reason))
    if not sendable:
        return []
    taken = set(
        conn.execute(
            _MARK_SENDING,
            {"row_ids": [r.id for r in sendable], "holder": holder, "sending_at": utc},
        ).scalars()
    )
    return [_claimed(row, channels, today) for row in sendable if row.id in taken]


def _claimed(
    row: Any, channels: ConfiguredChannels, today: dt.date
) -> tuple[Claimed, OutgoingMessage]:
    message = OutgoingMessage(
        key=row.key,
        channel=cast(ChannelKind, _carrier(row.channel)),
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


def _watched_instalments(row: Any) -> list[int]:
    """The instalments whose state can make a reminder stale (not for manual ones, thank-yous
    and notices, which stand on their own)."""
    if row.manual or row.step == THANKS or row.channel == "notice":
        return []
    return [int(i["instalment_id"]) for i in row.items if "instalment_id" in i]


def _stale(row: Any, states: dict[int, planner.Item], today: dt.date) -> str | None:
    """Why a reminder must not go out any more (a translated sentence), or None: a later step
    is due, or the reminder rule now stops or holds what it is about (paid, disputed, handed
    over, paused, promised)."""
    if row.valid_until is not None and today >= row.valid_until:
        return _("a later step is due now")
    watched = [states[i] for i in _watched_instalments(row) if i in states]
    if not watched:
        return None
    verdicts = [item_reasons(item, today) for item in watched]
    if all(any(r.code == "paid" for r in reasons) for reasons in verdicts):
        return _("everything in it was paid in the meantime")
    for reasons in verdicts:
        for reason in reasons:
            if reason.code != "paid" and reason.kind in (CLOSED, HELD):
                return reason.text()
    return None


def _cancel(session: Session, row_id: int, reason: str, utc: dt.datetime) -> None:
    _set(session, row_id, status="cancelled", last_error=reason, finished_at=utc)
    _log_status(session, row_id, "cancelled", reason)


def _set(session: Session, row_id: int, **values: Any) -> None:
    session.connection().execute(update(_OUTBOX).where(_OUTBOX.c.id == row_id).values(**values))


def _record_many(
    session: Session,
    records: list[tuple[Claimed, SendResult]],
    now: dt.datetime,
    report: SendReport,
) -> None:
    """Results of a batch: the sent ones with one statement per table, the rest one by one.

    A result's detail may quote the provider's answer, and a gateway may echo the request with
    its token: it is stored, reported and logged only with secrets hidden."""
    utc = naive_utc(now)
    records = [
        (row, dataclasses.replace(result, detail=redact(result.detail))) for row, result in records
    ]
    sent = [(row, result) for row, result in records if result.ok]
    if sent:
        conn = session.connection()
        params = [
            {"row_id": r.id, "provider_id": res.provider_id, "done_at": utc} for r, res in sent
        ]
        conn.execute(_MARK_SENT, params)
        conn.execute(_LOG_SENT, [{"row_id": r.id} for r, _res in sent])
        activity.record_many(session, [_sent_activity(r) for r, _res in sent if r.contractor_id])
    for row, result in records:
        if result.ok:
            report.rows.append(SentRow(row.key, row.channel, row.recipients, "sent", result.detail))
        else:
            _record_failure(session, row, result, utc, report)


#: what the contractor's history says about a message that did not go out as planned
FAILURE_SUMMARY = {
    "failed_permanently": N_("Could not send the {channel} message to {to}: {error}"),
    "uncertain": N_(
        "Not known whether the {channel} message to {to} arrived; decide in the outbox: {error}"
    ),
}


def _record_failure(
    session: Session, row: Claimed, result: SendResult, utc: dt.datetime, report: SendReport
) -> None:
    """A temporary failure waits for its next attempt; a permanent one, or one whose fate is
    unknown (``uncertain``: never retried, the debtor may have it), waits for a person."""
    if result.status == "temporary_failure" and row.attempts < MAX_ATTEMPTS:
        status = "failed"
        backoff = BACKOFF[min(row.attempts, len(BACKOFF)) - 1]
        _set(session, row.id, status=status, last_error=result.detail,
             next_attempt_at=utc + backoff)  # fmt: skip
    elif result.status == "uncertain":
        status = "uncertain"
        _set(session, row.id, status=status, last_error=result.detail)
        _log_status(session, row.id, "uncertain")
    else:
        status = "failed_permanently"
        _set(session, row.id, status=status, last_error=result.detail, finished_at=utc)
        _log_status(session, row.id, "failed")
    if status in FAILURE_SUMMARY and row.contractor_id is not None:
        activity.record(
            session,
            contractor_id=row.contractor_id,
            kind="message",
            channel=row.channel,
            summary=FAILURE_SUMMARY[status],
            data={"channel": row.channel, "to": ", ".join(row.recipients), "error": result.detail},
            body=row.body_text,
            actor="scheduler",
        )
    report.rows.append(SentRow(row.key, row.channel, row.recipients, status, result.detail))


def _log_status(session: Session, outbox_id: int, status: str, reason: str | None = None) -> None:
    values: dict[str, Any] = {"status": status}
    if reason is not None:
        values["reason"] = reason
    session.connection().execute(update(_LOG).where(_LOG.c.outbox_id == outbox_id).values(**values))


def _sent_activity(row: Claimed) -> dict[str, Any]:
    body = row.body_text if row.subject is None else f"{row.subject}\n\n{row.body_text}"
    return {
        "contractor_id": row.contractor_id,
        "kind": "message",
        "channel": row.channel,
        "summary": SENT_SUMMARY[row.channel],
        "data": {"to": ", ".join(row.recipients), "subject": row.subject or "", "key": row.key},
        "body": body,
        "actor": "manual" if row.manual else "scheduler",
    }


async def _send_notices(
    db: Database,
    channels: ConfiguredChannels,
    ids: list[int],
    holder: str,
    now: dt.datetime,
    today: dt.date,
    report: SendReport,
) -> None:
    """All notice lines for the same people go out as one e-mail: the owner's notice. The lines
    are claimed and recorded the way every other message is."""

    def claim() -> object:
        with db.write() as session:
            return _claim_many(session, ids, holder, now, today, channels, report)

    def record(records: list[tuple[Claimed, SendResult]]) -> None:
        with db.write() as session:
            _record_many(session, records, now, report)

    found = await asyncio.to_thread(claim)
    if found is LEASE_LOST:
        raise LeaseLostError
    claimed = [line for line, _outgoing in cast(list[tuple[Claimed, OutgoingMessage]], found)]
    # One e-mail per person and run, whatever mix of account managers the lines name: the owner
    # reads one notice, not one per manager whose clients are in it.
    by_person: dict[str, list[Claimed]] = defaultdict(list)
    for line in claimed:
        for person in line.recipients:
            by_person[person].append(line)
    if not by_person:
        return
    outcome: dict[int, SendResult] = {}
    async with channels.channel("email").session() as smtp:
        for person, lines in by_person.items():
            message = OutgoingMessage(
                key=f"notice/{person}/" + ",".join(str(line.id) for line in lines),
                channel="email",
                to=(person,),
                subject=ngettext(
                    "Inkaso notice for {date}: {count} item",
                    "Inkaso notice for {date}: {count} items",
                    len(lines),
                ).format(date=format_day(today), count=len(lines)),
                text="\n\n".join(line.body_text.strip() for line in lines),
                from_name=str(channels.settings["smtp.from_name"] or "Inkaso"),
                from_address=channels.from_address(),
            )
            result = await smtp.send(message)
            for line in lines:
                # a line is sent once every person it names got it; otherwise its failure counts
                if line.id not in outcome or outcome[line.id].ok:
                    outcome[line.id] = result
    await asyncio.to_thread(record, [(line, outcome[line.id]) for line in claimed])
