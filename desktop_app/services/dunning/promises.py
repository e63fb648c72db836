"""Promises to pay: they pause reminders until their day; a broken one opens a task."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Contractor, Payment, Promise, Task
from db.uow import Database
from desktop_app.domain.dates import check_date
from desktop_app.domain.money import check_amount, decimal_str, normalize_currency
from desktop_app.domain.readable import readable
from desktop_app.domain.reminder_rule import PROMISE_GRACE_DAYS
from desktop_app.errors import NotFoundError, ValidationError
from desktop_app.i18n import N_, _
from desktop_app.services import activity, contractors, users


def add_promise(
    db: Database,
    *,
    contractor: str | int,
    due_on: dt.date,
    amount_minor: int,
    currency: str,
    today: dt.date,
    invoice_id: int | None = None,
    note: str | None = None,
    actor: str | None = None,
) -> int:
    if amount_minor <= 0:
        raise ValidationError(_("The promised amount must be greater than zero"), field="amount")
    if due_on < today:
        raise ValidationError(_("The promised date is in the past"), field="date")
    currency = normalize_currency(currency)
    check_amount(amount_minor, currency)
    check_date(due_on, "date", _("Promised date"))
    with db.write() as session:
        target = contractors.resolve(session, contractor)
        promise = Promise(
            contractor_id=target.id,
            invoice_id=invoice_id,
            made_on=today,
            due_on=due_on,
            amount_minor=amount_minor,
            currency=currency,
            note=note,
            actor=actor or activity.current_actor(),
        )
        session.add(promise)
        session.flush()
        activity.record(
            session,
            contractor_id=target.id,
            invoice_id=invoice_id,
            kind="promise",
            summary=N_("Promise to pay {amount} {currency} by {date}"),
            data={
                "amount": decimal_str(amount_minor, currency),
                "currency": currency,
                "date": due_on.isoformat(),
            },
            body=note,
            actor=actor,
        )
        return promise.id


def cancel_promise(db: Database, promise_id: int, *, actor: str | None = None) -> None:
    with db.write() as session:
        promise = session.get(Promise, promise_id)
        if promise is None or promise.status != "open":
            raise NotFoundError(_("No open promise with id {id}").format(id=promise_id))
        promise.status = "cancelled"
        activity.record(
            session,
            contractor_id=promise.contractor_id,
            kind="promise",
            summary=N_("Promise to pay cancelled"),
            actor=actor,
        )


def settle(db: Database, today: dt.date, *, actor: str = "scheduler") -> int:
    """Decide every open promise whose day (plus the bank's grace) has passed; returns broken."""
    broken = 0
    with db.write() as session:
        due = list(
            session.scalars(
                select(Promise).where(
                    Promise.status == "open",
                    Promise.due_on < today - dt.timedelta(days=PROMISE_GRACE_DAYS),
                )
            )
        )
        for promise in due:
            paid = _paid_between(session, promise)
            if paid >= promise.amount_minor:
                promise.status = "kept"
                promise.resolved_on = today
                activity.record(
                    session,
                    contractor_id=promise.contractor_id,
                    kind="promise",
                    summary=N_("Promise to pay kept"),
                    actor=actor,
                )
                continue
            promise.status = "broken"
            promise.resolved_on = today
            broken += 1
            _broken_task(session, promise, paid, today, actor)
    return broken


def _paid_between(session: Session, promise: Promise) -> int:
    total = session.scalar(
        select(func.coalesce(func.sum(Payment.amount_minor), 0)).where(
            Payment.contractor_id == promise.contractor_id,
            Payment.currency == promise.currency,
            Payment.date >= promise.made_on,
            Payment.date <= promise.due_on + dt.timedelta(days=PROMISE_GRACE_DAYS),
        )
    )
    return int(total or 0)


def broken_task_texts(data: Mapping[str, str]) -> tuple[str, str]:
    """The broken promise task's title and body from its stored values; a task keeps its words
    as written, so its amount and date are written for people here, not left as "1234.50"."""
    shown = readable(data)
    return (
        _("Promise to pay broken: {name} promised {amount} {currency} by {date}").format_map(shown),
        _("Received since the promise: {paid} {currency}. Call the contractor.").format_map(shown),
    )


def _broken_task(session: Session, promise: Promise, paid: int, today: dt.date, actor: str) -> None:
    contractor = session.get(Contractor, promise.contractor_id)
    assert contractor is not None
    data = {
        "name": contractor.name,
        "amount": decimal_str(promise.amount_minor, promise.currency),
        "paid": decimal_str(paid, promise.currency),
        "currency": promise.currency,
        "date": promise.due_on.isoformat(),
    }
    title, body = broken_task_texts(data)
    session.add(
        Task(
            key=f"promise/{promise.id}/broken",
            contractor_id=contractor.id,
            assigned_user_id=users.assignee(session, contractor.assigned_user_id, today),
            kind="promise",
            title=title,
            body=body,
            due_on=today,
        )
    )
    activity.record(
        session,
        contractor_id=contractor.id,
        kind="promise",
        summary=N_(
            "Promise to pay broken: {amount} {currency} promised by {date}, {paid} received"
        ),
        data=data,
        actor=actor,
    )
