"""Writing a day's plan: outbox rows, tasks, hand-overs and the per-item log, atomically per group.

Each group goes in its own savepoint: a duplicate key (another process got there first) or a
template error loses that group only, never the rest of the run.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import Contractor, DunningLog, Invoice, OutboxMessage, Task
from desktop_app.domain import planner
from desktop_app.domain.money import decimal_str
from desktop_app.domain.scenario import Scenario
from desktop_app.errors import InkasoError
from desktop_app.i18n import N_, _
from desktop_app.messaging import Item
from desktop_app.services import activity
from desktop_app.services.dunning.compose import (
    Composer,
    Recipient,
    sent_reminders,
    template_items,
)
from desktop_app.services.dunning.planning import Group, Plan

log = logging.getLogger(__name__)


@dataclass
class ApplyReport:
    outbox_ids: list[int] = field(default_factory=list)
    task_ids: list[int] = field(default_factory=list)
    skipped: int = 0
    handed_over: int = 0
    errors: list[str] = field(default_factory=list)


NOT_SET_UP = {
    "email": N_("e-mail sending is not set up"),
    "sms": N_("SMS sending is not set up"),
    "voice": N_("voice calls are not set up"),
}
NO_ADDRESS = {
    "email": N_("the contractor has no e-mail address"),
    "sms": N_("the contractor has no phone number"),
    "voice": N_("the contractor has no phone number"),
}


def apply_plan(
    session: Session,
    plan: Plan,
    scenarios: dict[str, Scenario],
    composer: Composer,
    *,
    now: dt.datetime,
    configured: Collection[str],
    actor: str = "scheduler",
) -> ApplyReport:
    report = ApplyReport()
    today = plan.day
    composer.recipients(session, sorted({g.contractor_id for g in plan.groups}))
    items = template_items(
        session, sorted({a.item.instalment_id for g in plan.groups for a in g.actions}), today
    )
    for skip in plan.skips:
        a = skip.action
        if _log_once(
            session, a, skip.scenario, today, "skipped", reason=a.reason, data=a.reason_data
        ):
            report.skipped += 1
    for group in plan.groups:
        scenario = scenarios[group.scenario]
        recipient = composer.recipient(group.contractor_id)
        group_items = [items[a.item.instalment_id] for a in group.actions]
        savepoint = session.begin_nested()
        try:
            if group.kind == "handover":
                _handover(session, group, scenario, composer, recipient, group_items, report, actor)
            elif group.channel in ("task", "letter"):
                _task(session, group, scenario, composer, recipient, group_items, report, actor)
            elif group.channel == "notice":
                _notice(session, group, scenario, composer, recipient, group_items, report)
            elif group.channel not in configured:
                _skip_group(session, group, NOT_SET_UP[group.channel], report)
            else:
                _message(session, group, scenario, composer, recipient, group_items, now, report)
            savepoint.commit()
        except InkasoError as exc:
            savepoint.rollback()
            report.errors.append(
                _("{contractor}: {problem}").format(contractor=recipient.name, problem=exc.message)
            )
        except IntegrityError:
            savepoint.rollback()
            log.info("group %s was planned by another run", group.key)
    return report


def _template_name(group: Group, scenario: Scenario) -> str:
    if group.kind == "thanks":
        return scenario.on_paid.templates[group.channel]
    if group.kind == "handover":
        assert scenario.handover is not None
        return scenario.handover.task_template
    return scenario.step(group.step).templates[group.channel]


def _items_json(group: Group, items: list[Item]) -> list[dict[str, object]]:
    return [
        {
            "instalment_id": a.item.instalment_id,
            "invoice_id": a.item.invoice_id,
            "number": item.number,
            "issue_date": item.issue_date.isoformat(),
            "due_date": item.due_date.isoformat(),
            "amount": decimal_str(item.amount.minor, item.currency),
            "open": decimal_str(item.open.minor, item.currency),
            "currency": item.currency,
            "occurrence": a.occurrence,
        }
        for a, item in zip(group.actions, items, strict=True)
    ]


def _message(
    session: Session,
    group: Group,
    scenario: Scenario,
    composer: Composer,
    recipient: Recipient,
    items: list[Item],
    now: dt.datetime,
    report: ApplyReport,
) -> None:
    to = recipient.emails if group.channel == "email" else recipient.phones[:1]
    if not to:
        _skip_group(session, group, NO_ADDRESS[group.channel], report)
        return
    rendered = composer.render(
        _template_name(group, scenario), recipient, items, group.day, group.channel
    )
    row = OutboxMessage(
        key=group.key,
        contractor_id=group.contractor_id,
        scenario=group.scenario,
        step=group.step,
        channel=group.channel,
        recipients=list(to),
        language=recipient.language,
        subject=rendered.subject,
        body_text=rendered.text,
        body_html=rendered.html,
        reply_to=recipient.manager_email,
        from_name=composer.sender_name(recipient),
        items=_items_json(group, items),
        attachments=["invoice_list"] if _wants_list(group, scenario) else [],
        status="pending",
        next_attempt_at=now,
        planned_for=group.day,
        valid_until=group.valid_until,
    )
    session.add(row)
    session.flush()
    for action in group.actions:
        session.add(_log_row(action, group, "planned", outbox_id=row.id))
    session.flush()
    report.outbox_ids.append(row.id)


def _wants_list(group: Group, scenario: Scenario) -> bool:
    if group.kind != "send" or group.channel != "email":
        return False
    return scenario.step(group.step).attach_invoice_list


def _notice(
    session: Session,
    group: Group,
    scenario: Scenario,
    composer: Composer,
    recipient: Recipient,
    items: list[Item],
    report: ApplyReport,
    *,
    template: str | None = None,
) -> None:
    to = _notice_recipients(composer, recipient)
    if not to:
        _skip_group(session, group, N_("nobody is set to receive notices"), report)
        return
    if template is None:
        template = _template_name(group, scenario)
    history = sent_reminders(session, group.contractor_id, (i.number for i in items))
    rendered = composer.render(template, recipient, items, group.day, "notice", history)
    row = OutboxMessage(
        key=group.key + ("" if group.channel == "notice" else "/notice"),
        contractor_id=group.contractor_id,
        scenario=group.scenario,
        step=group.step,
        channel="notice",
        recipients=to,
        language=recipient.language,
        subject=rendered.subject,
        body_text=rendered.text,
        items=_items_json(group, items),
        status="pending",
        planned_for=group.day,
    )
    session.add(row)
    session.flush()
    if group.channel == "notice":
        for action in group.actions:
            session.add(_log_row(action, group, "planned", outbox_id=row.id))
    report.outbox_ids.append(row.id)


def _notice_recipients(composer: Composer, recipient: Recipient) -> list[str]:
    configured = [
        a.strip() for a in str(composer.settings["notice.recipients"]).split(",") if a.strip()
    ]
    people = ([recipient.manager_email] if recipient.manager_email else []) + configured
    return list(dict.fromkeys(people))


def _task(
    session: Session,
    group: Group,
    scenario: Scenario,
    composer: Composer,
    recipient: Recipient,
    items: list[Item],
    report: ApplyReport,
    actor: str,
    *,
    kind: str | None = None,
    template: str | None = None,
) -> Task:
    history = sent_reminders(session, group.contractor_id, (i.number for i in items))
    rendered = composer.render(
        template or _template_name(group, scenario),
        recipient,
        items,
        group.day,
        group.channel,
        history,
    )
    title, _sep, body = rendered.text.strip().partition("\n")
    contractor_manager = _manager_id(session, group.contractor_id)
    task = Task(
        key=group.key,
        contractor_id=group.contractor_id,
        assigned_user_id=contractor_manager,
        kind=kind or ("letter" if group.channel == "letter" else "followup"),
        title=title.strip() or rendered.subject or group.step,
        body=body.strip() or None,
        due_on=group.day,
        status="open",
    )
    session.add(task)
    session.flush()
    for action in group.actions:
        session.add(_log_row(action, group, "done", task_id=task.id))
    activity.record(
        session,
        contractor_id=group.contractor_id,
        kind="task",
        summary=N_("Task created: {title}"),
        data={"title": task.title},
        body=rendered.text,
        actor=actor,
    )
    session.flush()
    report.task_ids.append(task.id)
    return task


def _manager_id(session: Session, contractor_id: int) -> int | None:
    return session.scalar(select(Contractor.assigned_user_id).where(Contractor.id == contractor_id))


def _handover(
    session: Session,
    group: Group,
    scenario: Scenario,
    composer: Composer,
    recipient: Recipient,
    items: list[Item],
    report: ApplyReport,
    actor: str,
) -> None:
    _task(session, group, scenario, composer, recipient, items, report, actor, kind="handover")
    invoice_ids = sorted({a.item.invoice_id for a in group.actions})
    session.execute(
        update(Invoice)
        .where(Invoice.id.in_(invoice_ids), Invoice.handed_over_on.is_(None))
        .values(handed_over_on=group.day)
    )
    numbers = ", ".join(item.number for item in items)
    activity.record(
        session,
        contractor_id=group.contractor_id,
        kind="status",
        summary=N_("Handed over to external collection: {invoices}"),
        data={"invoices": numbers},
        actor=actor,
    )
    report.handed_over += len(invoice_ids)
    if scenario.handover is not None and scenario.handover.notice:
        to = _notice_recipients(composer, recipient)
        if to:
            _notice(
                session,
                group,
                scenario,
                composer,
                recipient,
                items,
                report,
                template=scenario.handover.task_template,
            )


def _skip_group(session: Session, group: Group, reason: str, report: ApplyReport) -> None:
    for action in group.actions:
        session.add(_log_row(action, group, "skipped", reason=reason))
        report.skipped += 1
    session.flush()


def _log_row(
    action: planner.Action,
    group: Group,
    status: str,
    *,
    outbox_id: int | None = None,
    task_id: int | None = None,
    reason: str | None = None,
) -> DunningLog:
    return DunningLog(
        instalment_id=action.item.instalment_id,
        contractor_id=action.item.contractor_id,
        scenario=group.scenario,
        step=action.step,
        occurrence=action.occurrence,
        channel=action.channel,
        day=group.day,
        status=status,
        reason=reason,
        outbox_id=outbox_id,
        task_id=task_id,
    )


def _log_once(
    session: Session,
    action: planner.Action,
    scenario: str,
    day: dt.date,
    status: str,
    *,
    reason: str | None,
    data: dict[str, str] | None,
) -> bool:
    savepoint = session.begin_nested()
    try:
        session.add(
            DunningLog(
                instalment_id=action.item.instalment_id,
                contractor_id=action.item.contractor_id,
                scenario=scenario,
                step=action.step,
                occurrence=action.occurrence,
                channel=action.channel,
                day=day,
                status=status,
                reason=reason,
                reason_data=data or None,
            )
        )
        session.flush()
        savepoint.commit()
        return True
    except IntegrityError:
        savepoint.rollback()
        return False
