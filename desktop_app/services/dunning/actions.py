"""What a person does from the contractor's card: pause, dispute, send a reminder now."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import DunningLog, Invoice, OutboxMessage, naive_utc
from db.uow import Database
from desktop_app import labels
from desktop_app.domain import planner
from desktop_app.domain.reminder_rule import (
    BEFORE_DUE,
    CLOSED,
    DUE_STATES,
    DUE_TODAY,
    HELD,
    OVERDUE,
    due_state,
    reminder_allowed,
    step_state,
)
from desktop_app.domain.scenario import MESSAGE_CHANNELS, Scenario, Step
from desktop_app.errors import ConflictError, NotFoundError, ValidationError
from desktop_app.i18n import N_, _
from desktop_app.messaging import Item, RenderedMessage
from desktop_app.secrets import get_secret
from desktop_app.services import activity, contractors
from desktop_app.services.dunning import lease
from desktop_app.services.dunning.channel_setup import ConfiguredChannels, SecretReader
from desktop_app.services.dunning.compose import Composer, Recipient, template_items
from desktop_app.services.dunning.sender import SendReport, send_due
from desktop_app.services.dunning.state import load as load_state
from desktop_app.settings import Snapshot

#: wording of a manual reminder when the items' scenario has none for the channel and the
#: state of the most urgent item (before its due date, on it, after it)
FALLBACK_TEMPLATES = {
    ("email", OVERDUE): "gentle-email/email_overdue",
    ("email", DUE_TODAY): "gentle-email/email_due_today",
    ("email", BEFORE_DUE): "gentle-email/email_before_due",
    ("sms", OVERDUE): "sms-classic/sms_overdue",
    ("sms", DUE_TODAY): "sms-classic/sms_due_today",
    ("sms", BEFORE_DUE): "sms-classic/sms_before_due",
    ("voice", OVERDUE): "escalation/voice_overdue",
    # no spoken wording ships for a term that has not run out: the SMS one reads well aloud
    ("voice", DUE_TODAY): "sms-classic/sms_due_today",
    ("voice", BEFORE_DUE): "sms-classic/sms_before_due",
}
MANUAL = "manual"


class ReminderHeldError(ConflictError):
    """Reminders to the contractor are held (a pause, a promise to pay): a person who still
    wants to send one must say so (the card asks; the CLI takes ``--force``)."""


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
    force: bool = False,
    actor: str | None = None,
    secret: SecretReader = get_secret,
) -> ManualResult:
    """Send a reminder about everything open, now, and count it as the current step done.

    The items' current scenario step is marked done on all its channels, and the gap rule
    (``min_gap_days``) keeps the next automatic reminder from following the next morning.
    While a pause or a promise holds the contractor's reminders, nothing is sent unless
    ``force`` says that a person saw the warnings and wants it anyway.
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
    with db.read() as session:
        draft = draft_reminder(session, settings, ref, channel, today)
    recipient, composer = draft.recipient, draft.composer
    current, items, rendered, to = draft.current, draft.items, draft.rendered, draft.to
    if not to:
        raise ValidationError(
            _("{name} has no address for {channel}").format(
                name=recipient.name, channel=labels.channel(channel)
            )
        )
    if draft.warnings and not force:
        raise ReminderHeldError(
            _("Not sent to {name}: {warnings}.").format(
                name=recipient.name, warnings="; ".join(draft.warnings)
            )
        )
    with db.write() as session:
        row = OutboxMessage(
            key=f"{MANUAL}/{channel}/c{recipient.id}/{utc.isoformat(timespec='seconds')}",
            contractor_id=recipient.id,
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

    recipient: Recipient
    composer: Composer
    #: (scenario, item, its current timeline entry) per open instalment, oldest due first
    current: list[tuple[str, planner.Item, planner.Entry | None]]
    template_name: str
    items: list[Item]
    rendered: RenderedMessage
    to: tuple[str, ...]
    #: what holds the contractor's reminders now (a pause, a promise), in plain sentences;
    #: a person confirms before such a reminder goes
    warnings: tuple[str, ...] = ()
    #: before the due date, on it or after it: the most urgent of the items, which the
    #: wording follows
    state: str = OVERDUE


def draft_reminder(
    session: Session, settings: Snapshot, ref: str | int, channel: str, today: dt.date
) -> ReminderDraft:
    """Compose the reminder about everything open that may be reminded about.

    The wording follows the most urgent item (overdue before due today before not yet due):
    its current step's template for the channel when that step is written for that situation,
    otherwise a built-in one. A pause or promise in force becomes a warning.
    """
    contractor = contractors.resolve(session, ref)
    state = load_state(session, today, contractor_ids=[contractor.id])
    remindable: list[tuple[str, planner.Item]] = []
    warnings: list[str] = []
    for name, item in state.items:
        verdict = reminder_allowed(item, channel, today)
        if verdict.has(CLOSED):
            continue
        remindable.append((name, item))
        for reason in verdict.of(HELD):
            if reason.text() not in warnings:
                warnings.append(reason.text())
    if not remindable:
        raise ValidationError(
            _("{name} owes nothing that can be reminded about").format(name=contractor.name)
        )
    composer = Composer.load(session, settings)
    composer.recipients(session, [contractor.id])
    recipient = composer.recipient(contractor.id)
    current: list[tuple[str, planner.Item, planner.Entry | None]] = []
    for name, item in sorted(remindable, key=lambda p: (p[1].due_date, p[1].instalment_id)):
        entries = planner.timeline(
            state.scenarios[name], item, state.history_for(name, item.instalment_id), today
        )
        current.append((name, item, entries[-1] if entries else None))
    urgent = max((due_state(i.due_date, today) for _n, i, _e in current), key=DUE_STATES.index)
    template_name = _scenario_wording(state.scenarios, current, channel, urgent, today)
    template_name = template_name or FALLBACK_TEMPLATES[(channel, urgent)]
    items_by_id = template_items(session, [i.instalment_id for _n, i, _e in current], today)
    items = [items_by_id[i.instalment_id] for _n, i, _e in current]
    rendered = composer.render(template_name, recipient, items, today, channel)
    to = tuple(recipient.emails if channel == "email" else recipient.phones[:1])
    return ReminderDraft(
        recipient, composer, current, template_name, items, rendered, to,
        tuple(warnings), urgent,
    )  # fmt: skip


def _scenario_wording(
    scenarios: dict[str, Scenario],
    current: list[tuple[str, planner.Item, planner.Entry | None]],
    channel: str,
    wanted: str,
    today: dt.date,
) -> str | None:
    """The template of the most advanced current step written for ``wanted`` (say, overdue)
    among the items in that state, for ``channel``; None when no such step has one."""
    steps: list[tuple[tuple[int, int, int], Step]] = []
    for name, item, entry in current:
        if entry is None or entry.step == planner.HANDOVER:
            continue
        if due_state(item.due_date, today) != wanted:
            continue
        step = scenarios[name].step(entry.step)
        if step_state(step) == wanted and step.templates.get(channel):
            steps.append(((entry.order, entry.occurrence, -item.due_date.toordinal()), step))
    if not steps:
        return None
    return max(steps, key=lambda pair: pair[0])[1].templates[channel]


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
