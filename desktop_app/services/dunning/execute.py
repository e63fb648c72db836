"""Writing a day's plan: outbox rows, tasks, hand-overs and the per-item log.

In two steps, so that a slow or broken template never holds the database's write lock:
:func:`prepare` renders every message and task with a read session, then :func:`store` writes
the rows in one short transaction, each group in its own savepoint. A duplicate key (another
process got there first) loses that group only; a template that cannot be rendered fails only
its own messages, which land in the outbox as failed with the reason.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import Contractor, DunningLog, Invoice, OutboxMessage, Task
from desktop_app import labels
from desktop_app.domain.money import decimal_str
from desktop_app.domain.scenario import Scenario
from desktop_app.errors import InkasoError
from desktop_app.i18n import N_, _, ngettext
from desktop_app.letters.model import LetterKind
from desktop_app.messaging import Item
from desktop_app.services import activity, rates, users
from desktop_app.services.dunning.compose import (
    Composer,
    Recipient,
    sent_reminders,
    template_items,
)
from desktop_app.services.dunning.planning import Group, Plan, Skip
from desktop_app.services.letter_queue import letter_pdf_of, queue_letter
from desktop_app.services.letters import (
    Built,
    InterestSources,
    LetterRefusedError,
    LetterRequest,
    build_letter,
)
from desktop_app.settings import Snapshot

log = logging.getLogger(__name__)


@dataclass
class ApplyReport:
    outbox_ids: list[int] = field(default_factory=list)
    task_ids: list[int] = field(default_factory=list)
    #: letters put in "Letters to print"
    letter_ids: list[int] = field(default_factory=list)
    skipped: int = 0
    handed_over: int = 0
    #: messages that could not be written (a broken template): failed in the outbox
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    #: what waits and why, in plain sentences (a channel not set up, a contractor without address)
    notes: list[str] = field(default_factory=list)


@dataclass
class Draft:
    """One group made ready to store: the rows to insert, or why it could not be written."""

    group: Group
    contractor: str
    #: the outbox row (a message or a notice line), as column values
    outbox: dict[str, Any] | None = None
    #: the task row, as column values, and its full text for the activity log
    task: dict[str, Any] | None = None
    task_text: str = ""
    #: a letter step's letter and its PDF, rendered here, queued with the task
    letter: tuple[Built, bytes] | None = None
    #: the owner's notice line that goes with a hand-over
    notice: dict[str, Any] | None = None
    #: the template could not be rendered: this sentence says why
    error: str | None = None


@dataclass
class Prepared:
    plan: Plan
    drafts: list[Draft]
    contacts: list[dict[str, Any]]
    notes: list[str]


def prepare(
    session: Session,
    plan: Plan,
    scenarios: dict[str, Scenario],
    composer: Composer,
    *,
    now: dt.datetime,
) -> Prepared:
    """Render everything the plan sends or opens; reads only. ``now`` is naive UTC."""
    today = plan.day
    contractor_ids = {g.contractor_id for g in plan.groups}
    contractor_ids |= {w.action.item.contractor_id for w in plan.waits}
    composer.recipients(session, sorted(contractor_ids))
    ids = sorted({i.instalment_id for g in plan.groups for i in g.items})
    items = template_items(session, ids, today)
    drafts = []
    sources: InterestSources | None = None
    letter_notes: list[str] = []
    for group in plan.groups:
        recipient = composer.recipient(group.contractor_id)
        draft = Draft(group, recipient.name)
        listed = [items[i.instalment_id] for i in group.items]
        try:
            _draft(session, draft, scenarios[group.scenario], composer, recipient, listed, now)
            if group.channel == "letter" and group.kind == "send":
                sources = sources or InterestSources(
                    rates.interest_tables_in(session), rates.eur_rates_in(session)
                )
                try:
                    document = scenarios[group.scenario].step(group.step).letter
                    draft.letter = _letter(session, group, listed, sources, document)
                    letter_notes.extend(
                        _("Letter to {name}: {warning}").format(name=recipient.name, warning=w)
                        for w in draft.letter[0].warnings
                    )
                except LetterRefusedError as exc:
                    # the task still goes to the person; the run says why no letter came with it
                    letter_notes.append(exc.message)
        except InkasoError as exc:
            draft.error = exc.message
            if group.channel in ("email", "sms", "voice", "notice"):
                draft.outbox = _failed_row(group, recipient, listed, exc.message, now)
        drafts.append(draft)
    contacts, notes = _waiting(session, plan.waits, composer, today)
    return Prepared(plan, drafts, contacts, notes + letter_notes)


def store(session: Session, prepared: Prepared, *, actor: str = "scheduler") -> ApplyReport:
    """Write what :func:`prepare` made, keyed, in the caller's (short) write transaction."""
    report = ApplyReport(notes=list(prepared.notes))
    today = prepared.plan.day
    for skip in prepared.plan.skips:
        if _log_once(session, skip, today):
            report.skipped += 1
    for draft in prepared.drafts:
        savepoint = session.begin_nested()
        try:
            _store(session, draft, report, actor)
            savepoint.commit()
        except IntegrityError:
            savepoint.rollback()
            log.info("group %s was planned by another run", draft.group.key)
            continue
        if draft.error is not None:
            report.errors.append(
                _("{contractor}: {problem}").format(
                    contractor=draft.contractor, problem=draft.error
                )
            )
    for values in prepared.contacts:
        savepoint = session.begin_nested()
        try:
            task = Task(**{k: v for k, v in values.items() if k != "text"})
            session.add(task)
            session.flush()
            _task_activity(session, task, values["text"], actor)
            savepoint.commit()
            report.task_ids.append(task.id)
        except IntegrityError:
            savepoint.rollback()  # asked once already
    return report


# --- rendering ------------------------------------------------------------------------------


def _draft(
    session: Session,
    draft: Draft,
    scenario: Scenario,
    composer: Composer,
    recipient: Recipient,
    items: list[Item],
    now: dt.datetime,
) -> None:
    group = draft.group
    if group.kind == "handover":
        assert scenario.handover is not None
        _task_draft(session, draft, scenario, composer, recipient, items, kind="handover")
        if scenario.handover.notice:
            draft.notice = _notice_row(
                session, group, composer, recipient, items, now,
                template=scenario.handover.task_template, key=group.key + "/notice",
            )  # fmt: skip
    elif group.channel in ("task", "letter"):
        _task_draft(session, draft, scenario, composer, recipient, items)
    elif group.channel == "notice":
        draft.outbox = _notice_row(
            session, group, composer, recipient, items, now,
            template=_template_name(group, scenario), key=group.key,
        )  # fmt: skip
    else:
        draft.outbox = _message_row(group, scenario, composer, recipient, items, now)


def _letter(
    session: Session, group: Group, items: list[Item], sources: InterestSources, document: str
) -> tuple[Built, bytes]:
    """The step's letter (its ``letter`` document) for the group's invoices, as a PDF (rendered
    with the read session open, never in the write transaction)."""
    request = LetterRequest(
        cast(LetterKind, document),
        group.contractor_id,
        group.day,
        invoices=tuple(dict.fromkeys(i.number for i in items)),
    )
    built = build_letter(session, request, sources)
    return built, letter_pdf_of(built)


def _template_name(group: Group, scenario: Scenario) -> str:
    if group.kind == "thanks":
        return scenario.on_paid.templates[group.channel]
    if group.kind == "handover":
        assert scenario.handover is not None
        return scenario.handover.task_template
    return scenario.step(group.step).templates[group.channel]


def _items_json(group: Group, items: list[Item]) -> list[dict[str, object]]:
    occurrences = {a.item.instalment_id: a.occurrence for a in group.actions}
    return [
        {
            "instalment_id": it.instalment_id,
            "invoice_id": it.invoice_id,
            "number": item.number,
            "issue_date": item.issue_date.isoformat(),
            "due_date": item.due_date.isoformat(),
            "amount": decimal_str(item.amount.minor, item.currency),
            "open": decimal_str(item.open.minor, item.currency),
            "currency": item.currency,
            "occurrence": occurrences.get(it.instalment_id, 0),
        }
        for it, item in zip(group.items, items, strict=True)
    ]


def _message_row(
    group: Group,
    scenario: Scenario,
    composer: Composer,
    recipient: Recipient,
    items: list[Item],
    now: dt.datetime,
) -> dict[str, Any]:
    rendered = composer.render(
        _template_name(group, scenario), recipient, items, group.day, group.channel
    )
    return {
        **_row_base(group, recipient, items, now),
        "subject": rendered.subject,
        "body_text": rendered.text,
        "body_html": rendered.html,
        "reply_to": recipient.manager_email,
        "from_name": composer.sender_name(recipient),
        "attachments": ["invoice_list"] if _wants_list(group, scenario) else [],
        "status": "pending",
        "valid_until": group.valid_until,
    }


def _failed_row(
    group: Group, recipient: Recipient, items: list[Item], error: str, now: dt.datetime
) -> dict[str, Any]:
    """The outbox row of a message whose template failed: nothing to send, the reason shown."""
    return {
        **_row_base(group, recipient, items, now),
        "body_text": "",
        "status": "failed_permanently",
        "last_error": error,
        "finished_at": now,
    }


def _row_base(
    group: Group, recipient: Recipient, items: list[Item], now: dt.datetime
) -> dict[str, Any]:
    """What every outbox row of a message group says: who, about what, when planned."""
    to = (
        recipient.emails
        if group.channel == "email"
        else recipient.phones[:1]
        if group.channel in ("sms", "voice")
        else ()
    )
    return {
        "key": group.key,
        "contractor_id": group.contractor_id,
        "scenario": group.scenario,
        "step": group.step,
        "channel": group.channel,
        "recipients": list(to),
        "language": recipient.language,
        "items": _items_json(group, items),
        "next_attempt_at": now,
        "planned_for": group.day,
    }


def _wants_list(group: Group, scenario: Scenario) -> bool:
    if group.kind != "send" or group.channel != "email":
        return False
    return scenario.step(group.step).attach_invoice_list


def _notice_row(
    session: Session,
    group: Group,
    composer: Composer,
    recipient: Recipient,
    items: list[Item],
    now: dt.datetime,
    *,
    template: str,
    key: str,
) -> dict[str, Any] | None:
    to = _notice_recipients(composer, recipient)
    if not to:
        return None  # nobody is set to receive notices: nothing to send
    history = sent_reminders(session, group.contractor_id, (i.number for i in items))
    rendered = composer.render(template, recipient, items, group.day, "notice", history)
    return {
        "key": key,
        "contractor_id": group.contractor_id,
        "scenario": group.scenario,
        "step": group.step,
        "channel": "notice",
        "recipients": to,
        "language": recipient.language,
        "subject": rendered.subject,
        "body_text": rendered.text,
        "items": _items_json(group, items),
        "status": "pending",
        # the run's own moment, not the wall clock: a run for another day (--today) or a run
        # a second later must find it due like every other message it queued
        "next_attempt_at": now,
        "planned_for": group.day,
    }


def owner_addresses(settings: Snapshot) -> list[str]:
    """Who reads about every contractor: the addresses in ``notice.recipients``."""
    return [a.strip() for a in str(settings["notice.recipients"]).split(",") if a.strip()]


def _notice_recipients(composer: Composer, recipient: Recipient) -> list[str]:
    configured = owner_addresses(composer.settings)
    people = ([recipient.manager_email] if recipient.manager_email else []) + configured
    return list(dict.fromkeys(people))


def _task_draft(
    session: Session,
    draft: Draft,
    scenario: Scenario,
    composer: Composer,
    recipient: Recipient,
    items: list[Item],
    *,
    kind: str | None = None,
) -> None:
    group = draft.group
    history = sent_reminders(session, group.contractor_id, (i.number for i in items))
    rendered = composer.render(
        _template_name(group, scenario), recipient, items, group.day, group.channel, history
    )
    title, _sep, body = rendered.text.strip().partition("\n")
    draft.task = {
        "key": group.key,
        "contractor_id": group.contractor_id,
        "assigned_user_id": _manager(session, group.contractor_id, group.day),
        "kind": kind or ("letter" if group.channel == "letter" else "followup"),
        "title": title.strip() or rendered.subject or group.step,
        "body": body.strip() or None,
        "due_on": group.day,
        "status": "open",
    }
    draft.task_text = rendered.text


def _manager(session: Session, contractor_id: int, day: dt.date) -> int | None:
    """The contractor's account manager, or their deputy while they are away."""
    manager = session.scalar(
        select(Contractor.assigned_user_id).where(Contractor.id == contractor_id)
    )
    return users.assignee(session, manager, day)


# --- entries that wait ----------------------------------------------------------------------

CONTACT_KINDS = {"email": "email", "sms": "phone", "voice": "phone"}
CONTACT_TITLES = {
    "email": N_("Add an e-mail address for {name}: reminders cannot reach them"),
    "phone": N_("Add a phone number for {name}: reminders cannot reach them"),
}
CONTACT_NOTES = {
    "email": N_("{name} has no e-mail address: their reminders wait (a task asks for one)"),
    "phone": N_("{name} has no phone number: their reminders wait (a task asks for one)"),
}


def _waiting(
    session: Session, waits: list[Skip], composer: Composer, today: dt.date
) -> tuple[list[dict[str, Any]], list[str]]:
    """Tasks asking for a missing address (once per contractor and kind, by their key) and the
    sentences the run reports about what waits."""
    missing: dict[tuple[int, str], list[str]] = defaultdict(list)
    not_set_up: dict[str, set[int]] = defaultdict(set)
    for wait in waits:
        action = wait.action
        cid = action.item.contractor_id
        if action.reason_code == "no_address":
            missing[(cid, CONTACT_KINDS[action.channel])].append(action.channel)
        elif action.reason_code == "not_set_up":
            not_set_up[action.channel].add(cid)
    contacts: list[dict[str, Any]] = []
    notes: list[str] = []
    for (cid, kind), channels in sorted(missing.items()):
        name = composer.recipient(cid).name
        channel_names = ", ".join(sorted({labels.channel(c) for c in channels}))
        contacts.append(
            {
                "key": f"contact/c{cid}/{kind}",
                "contractor_id": cid,
                "assigned_user_id": _manager(session, cid, today),
                "kind": "contact",
                "title": _(CONTACT_TITLES[kind]).format(name=name),
                "body": _(
                    "Reminders are due by {channels}, but the contractor has no address for "
                    "it. Add one on the contractor's card: the next run sends the reminder."
                ).format(channels=channel_names),
                "due_on": today,
                "status": "open",
                "text": _(CONTACT_TITLES[kind]).format(name=name),
            }
        )
        notes.append(_(CONTACT_NOTES[kind]).format(name=name))
    for channel, cids in sorted(not_set_up.items()):
        notes.append(
            ngettext(
                "{problem}: reminders to {count} contractor wait until it is (Settings)",
                "{problem}: reminders to {count} contractors wait until it is (Settings)",
                len(cids),
            ).format(problem=labels.not_set_up(channel), count=len(cids))
        )
    return contacts, notes


# --- writing --------------------------------------------------------------------------------


def _store(session: Session, draft: Draft, report: ApplyReport, actor: str) -> None:
    group = draft.group
    if draft.error is not None:
        if draft.outbox is not None:
            row = _insert_outbox(session, draft.outbox)
            _log_rows(session, group, "failed", outbox_id=row.id, reason=draft.error)
            report.failed += 1
        # a task or hand-over whose text failed is tried again at the next run
        return
    if draft.task is not None:
        task = Task(**draft.task)
        session.add(task)
        session.flush()
        _log_rows(session, group, "done", task_id=task.id)
        _task_activity(session, task, draft.task_text, actor)
        report.task_ids.append(task.id)
        if draft.letter is not None:
            built, pdf = draft.letter
            report.letter_ids.append(queue_letter(session, built, pdf, key=group.key, actor=actor))
        if group.kind == "handover":
            _hand_over(session, group, actor, report)
        if draft.notice is not None:
            report.outbox_ids.append(_insert_outbox(session, draft.notice).id)
        return
    if draft.outbox is None:  # a notice nobody is set to receive
        _log_rows(session, group, "skipped", reason=N_("nobody is set to receive notices"))
        report.skipped += len(group.actions)
        return
    row = _insert_outbox(session, draft.outbox)
    _log_rows(session, group, "planned", outbox_id=row.id)
    report.outbox_ids.append(row.id)


def _insert_outbox(session: Session, values: dict[str, Any]) -> OutboxMessage:
    row = OutboxMessage(**values)
    session.add(row)
    session.flush()
    return row


def _task_activity(session: Session, task: Task, text: str, actor: str) -> None:
    if task.contractor_id is None:
        return
    activity.record(
        session,
        contractor_id=task.contractor_id,
        kind="task",
        summary=N_("Task created: {title}"),
        data={"title": task.title},
        body=text,
        actor=actor,
    )
    session.flush()


def _hand_over(session: Session, group: Group, actor: str, report: ApplyReport) -> None:
    invoice_ids = sorted({a.item.invoice_id for a in group.actions})
    session.execute(
        update(Invoice)
        .where(Invoice.id.in_(invoice_ids), Invoice.handed_over_on.is_(None))
        .values(handed_over_on=group.day)
    )
    numbers = session.scalars(
        select(Invoice.number).where(Invoice.id.in_(invoice_ids)).order_by(Invoice.number)
    )
    activity.record(
        session,
        contractor_id=group.contractor_id,
        kind="status",
        summary=N_("Handed over to external collection: {invoices}"),
        data={"invoices": ", ".join(numbers)},
        actor=actor,
    )
    report.handed_over += len(invoice_ids)


def _log_rows(
    session: Session,
    group: Group,
    status: str,
    *,
    outbox_id: int | None = None,
    task_id: int | None = None,
    reason: str | None = None,
) -> None:
    for scenario, action in group.settled():
        session.add(
            DunningLog(
                instalment_id=action.item.instalment_id,
                contractor_id=action.item.contractor_id,
                scenario=scenario,
                step=action.step,
                occurrence=action.occurrence,
                channel=action.channel,
                day=group.day,
                status=status,
                reason=reason,
                outbox_id=outbox_id,
                task_id=task_id,
            )
        )
    session.flush()


def _log_once(session: Session, skip: Skip, day: dt.date) -> bool:
    action = skip.action
    savepoint = session.begin_nested()
    try:
        session.add(
            DunningLog(
                instalment_id=action.item.instalment_id,
                contractor_id=action.item.contractor_id,
                scenario=skip.scenario,
                step=action.step,
                occurrence=action.occurrence,
                channel=action.channel,
                day=day,
                status="skipped",
                reason=action.reason,
                reason_data=action.reason_data or None,
            )
        )
        session.flush()
        savepoint.commit()
        return True
    except IntegrityError:
        savepoint.rollback()
        return False
