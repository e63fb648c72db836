"""What a person does from the contractor's card: pause, dispute, send a reminder now."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import Contractor, DunningLog, Invoice, OutboxMessage
from db.uow import Database
from desktop_app import labels
from desktop_app.domain import planner
from desktop_app.domain.scenario import MESSAGE_CHANNELS
from desktop_app.errors import ConflictError, NotFoundError, ValidationError
from desktop_app.i18n import N_, _
from desktop_app.messaging import Item, RenderedMessage
from desktop_app.secrets import get_secret
from desktop_app.services import activity, contractors
from desktop_app.services.dunning import lease
from desktop_app.services.dunning.channel_setup import ConfiguredChannels, SecretReader
from desktop_app.services.dunning.compose import Composer, Recipient, template_items
from desktop_app.services.dunning.sender import SendReport, naive_utc, send_due
from desktop_app.services.dunning.state import load as load_state
from desktop_app.settings import Snapshot

#: wording used by a manual reminder when the item's scenario has no step for that channel
FALLBACK_TEMPLATES = {
    ("email", True): "gentle-email/email_overdue",
    ("email", False): "gentle-email/email_before_due",
    ("sms", True): "sms-classic/sms_overdue",
    ("sms", False): "sms-classic/sms_before_due",
    ("voice", True): "escalation/voice_overdue",
    ("voice", False): "escalation/voice_overdue",
}
MANUAL = "manual"


def pause_contractor(
    db: Database,
    ref: str | int,
    until: dt.date | None,
    reason: str | None,
    *,
    actor: str | None = None,
) -> None:
    """Pause (``until`` a day) or resume (``None``) every reminder to a contractor."""
    with db.write() as session:
        contractor = contractors.resolve(session, ref)
        contractor.collection_paused_until = until
        contractor.collection_pause_reason = reason if until else None
        activity.record(
            session,
            contractor_id=contractor.id,
            kind="status",
            summary=(
                N_("Reminders paused until {date}: {reason}") if until else N_("Reminders resumed")
            ),
            data={"date": until.isoformat() if until else "", "reason": reason or ""},
            actor=actor,
        )


def _invoice(session: Session, number: str) -> Invoice:
    invoice = session.scalar(select(Invoice).where(Invoice.number == number.strip()))
    if invoice is None:
        raise NotFoundError(_("No invoice {number}").format(number=number), field="invoice")
    return invoice


def pause_invoice(
    db: Database,
    number: str,
    until: dt.date | None,
    reason: str | None,
    *,
    actor: str | None = None,
) -> None:
    with db.write() as session:
        invoice = _invoice(session, number)
        invoice.collection_paused_until = until
        invoice.collection_pause_reason = reason if until else None
        activity.record(
            session,
            contractor_id=invoice.contractor_id,
            invoice_id=invoice.id,
            kind="status",
            summary=(
                N_("Reminders for {number} paused until {date}: {reason}")
                if until
                else N_("Reminders for {number} resumed")
            ),
            data={
                "number": invoice.number,
                "date": until.isoformat() if until else "",
                "reason": reason or "",
            },
            actor=actor,
        )


def set_dispute(
    db: Database,
    number: str,
    disputed: bool,
    reason: str | None = None,
    *,
    actor: str | None = None,
) -> None:
    """A disputed invoice gets no reminders (and no thank-you) until the dispute is closed."""
    with db.write() as session:
        invoice = _invoice(session, number)
        invoice.disputed = disputed
        invoice.dispute_reason = reason if disputed else None
        activity.record(
            session,
            contractor_id=invoice.contractor_id,
            invoice_id=invoice.id,
            kind="status",
            summary=N_("Invoice {number} disputed: {reason}")
            if disputed
            else N_("Dispute over {number} closed"),
            data={"number": invoice.number, "reason": reason or ""},
            actor=actor,
        )


@dataclass
class ManualResult:
    outbox_id: int
    report: SendReport


def send_reminder_now(
    db: Database,
    ref: str | int,
    channel: str,
    *,
    now: dt.datetime,
    actor: str | None = None,
    secret: SecretReader = get_secret,
) -> ManualResult:
    """Send a reminder about everything open, now, and count it as the current step done.

    The items' current scenario step is marked done on all its channels, and the gap rule
    (``min_gap_days``) keeps the next automatic reminder from following the next morning.
    """
    if channel not in MESSAGE_CHANNELS:
        raise ValidationError(
            _("Unknown channel {channel}").format(channel=channel), field="channel"
        )
    settings = Snapshot.load(db)
    channels = ConfiguredChannels(settings, secret)
    if channel not in channels.configured():
        raise ValidationError(
            _("{channel}: sending is not set up").format(channel=labels.channel(channel))
        )
    local = now
    today = local.date()
    utc = naive_utc(now)
    with db.write() as session:
        draft = draft_reminder(session, settings, ref, channel, today)
        contractor, recipient, composer = draft.contractor, draft.recipient, draft.composer
        current, items, rendered, to = draft.current, draft.items, draft.rendered, draft.to
        if not to:
            raise ValidationError(
                _("{name} has no address for {channel}").format(
                    name=contractor.name, channel=labels.channel(channel)
                )
            )
        row = OutboxMessage(
            key=f"{MANUAL}/{channel}/c{contractor.id}/{utc.isoformat(timespec='seconds')}",
            contractor_id=contractor.id,
            step=MANUAL,
            channel=channel,
            recipients=list(to),
            language=recipient.language,
            subject=rendered.subject,
            body_text=rendered.text,
            body_html=rendered.html,
            reply_to=recipient.manager_email,
            from_name=composer.sender_name(recipient),
            items=[
                {"instalment_id": i.instalment_id, "invoice_id": i.invoice_id, "number": t.number}
                for (_n, i, _e), t in zip(current, items, strict=True)
            ],
            status="pending",
            manual=True,
            next_attempt_at=utc,
            planned_for=today,
        )
        session.add(row)
        try:
            session.flush()
        except IntegrityError as exc:
            raise ConflictError(_("This reminder was just sent; wait a moment")) from exc
        for name, item, entry in current:
            _mark_manual(session, name, item, entry, channel, today, row.id)
        outbox_id = row.id
    holder = lease.new_holder()
    with db.write() as session:
        busy = lease.acquire(session, holder, utc)
    if busy is not None:
        raise ConflictError(
            _(
                "Another Inkaso is sending right now ({holder}); the reminder waits in the outbox"
            ).format(holder=busy)
        )
    try:
        report = asyncio.run(
            send_due(
                db,
                channels,
                holder=holder,
                now=now,
                today=today,
                open_channels={channel},
                only_ids=[outbox_id],
            )
        )
    finally:
        with db.write() as session:
            lease.release(session, holder)
    return ManualResult(outbox_id, report)


@dataclass
class ReminderDraft:
    """A manual reminder as it would go out now: who, about what, in which words."""

    contractor: Contractor
    recipient: Recipient
    composer: Composer
    #: (scenario, item, its current timeline entry) per open instalment, oldest due first
    current: list[tuple[str, planner.Item, planner.Entry | None]]
    template_name: str
    items: list[Item]
    rendered: RenderedMessage
    to: tuple[str, ...]


def draft_reminder(
    session: Session, settings: Snapshot, ref: str | int, channel: str, today: dt.date
) -> ReminderDraft:
    """Compose the reminder about everything open: the wording of the items' current step
    for that channel, or a built-in one when their scenario has none."""
    contractor = contractors.resolve(session, ref)
    state = load_state(session, today, contractor_ids=[contractor.id])
    open_items = [
        (name, item)
        for name, item in state.items
        if item.open_minor > 0 and not item.disputed and not item.handed_over
    ]
    if not open_items:
        raise ValidationError(
            _("{name} owes nothing that can be reminded about").format(name=contractor.name)
        )
    composer = Composer.load(session, settings)
    composer.recipients(session, [contractor.id])
    recipient = composer.recipient(contractor.id)
    current: list[tuple[str, planner.Item, planner.Entry | None]] = []
    template_name = None
    for name, item in sorted(open_items, key=lambda p: p[1].due_date):
        entries = planner.timeline(
            state.scenarios[name], item, state.history_for(name, item.instalment_id), today
        )
        entry = entries[-1] if entries else None
        current.append((name, item, entry))
        if entry is not None and entry.step != planner.HANDOVER:
            step = state.scenarios[name].step(entry.step)
            template_name = step.templates.get(channel) or template_name
    overdue = any(item.due_date < today for _n, item, _e in current)
    template_name = template_name or FALLBACK_TEMPLATES[(channel, overdue)]
    items_by_id = template_items(session, [i.instalment_id for _n, i, _e in current], today)
    items = [items_by_id[i.instalment_id] for _n, i, _e in current]
    rendered = composer.render(template_name, recipient, items, today, channel)
    to = tuple(recipient.emails if channel == "email" else recipient.phones[:1])
    return ReminderDraft(
        contractor, recipient, composer, current, template_name, items, rendered, to
    )


def _mark_manual(
    session: Session,
    scenario: str,
    item: planner.Item,
    entry: planner.Entry | None,
    channel: str,
    today: dt.date,
    outbox_id: int,
) -> None:
    done = {
        (row.step, row.occurrence, row.channel)
        for row in session.scalars(
            select(DunningLog).where(
                DunningLog.instalment_id == item.instalment_id, DunningLog.scenario == scenario
            )
        )
    }
    if entry is not None and entry.step != planner.HANDOVER:
        for ch in entry.channels:
            if (entry.step, entry.occurrence, ch) not in done:
                session.add(
                    _row(item, scenario, entry.step, entry.occurrence, ch, today, outbox_id)
                )
    count = session.scalar(
        select(func.count(DunningLog.id)).where(
            DunningLog.instalment_id == item.instalment_id,
            DunningLog.scenario == scenario,
            DunningLog.step == MANUAL,
        )
    )
    session.add(_row(item, scenario, MANUAL, int(count or 0), channel, today, outbox_id))


def _row(
    item: planner.Item,
    scenario: str,
    step: str,
    occurrence: int,
    channel: str,
    day: dt.date,
    outbox_id: int,
) -> DunningLog:
    return DunningLog(
        instalment_id=item.instalment_id,
        contractor_id=item.contractor_id,
        scenario=scenario,
        step=step,
        occurrence=occurrence,
        channel=channel,
        day=day,
        status="manual",
        outbox_id=outbox_id,
    )
