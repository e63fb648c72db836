"""Tasks for people: hand-overs, calls, broken promises; mine, due today, overdue; done with a note."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, select

from db.models import Contractor, Task, User, utcnow
from db.uow import Database
from desktop_app.domain.dates import check_date
from desktop_app.domain.deputies import stood_in_for
from desktop_app.errors import NotFoundError, ValidationError
from desktop_app.i18n import N_, _
from desktop_app.services import activity, users

#: "due": open and due today or earlier (today's and the overdue ones together)
FILTERS = ("open", "due", "today", "overdue", "done", "all")


def due_by(today: dt.date) -> ColumnElement[bool]:
    """An open task due today or earlier: what the dashboard's "tasks due" counts."""
    return and_(Task.status == "open", Task.due_on <= today)


@dataclass(frozen=True)
class TaskView:
    id: int
    kind: str
    title: str
    body: str | None
    contractor_id: int | None
    contractor_name: str | None
    assigned_user_id: int | None
    due_on: dt.date
    status: str
    created_at: dt.datetime
    done_at: dt.datetime | None
    done_by: str | None
    done_note: str | None


def list_tasks(
    db: Database,
    *,
    today: dt.date,
    which: str = "open",
    user_id: int | None = None,
    contractor_id: int | None = None,
    limit: int = 5000,
) -> list[TaskView]:
    if which not in FILTERS:
        raise ValidationError(_("Unknown task filter {name}").format(name=which))
    query = select(Task, Contractor.name).outerjoin(Contractor, Contractor.id == Task.contractor_id)
    if which == "open":
        query = query.where(Task.status == "open")
    elif which == "due":
        query = query.where(due_by(today))
    elif which == "today":
        query = query.where(Task.status == "open", Task.due_on == today)
    elif which == "overdue":
        query = query.where(Task.status == "open", Task.due_on < today)
    elif which == "done":
        query = query.where(Task.status == "done")
    if user_id is not None:
        # open work of someone away is their deputy's (domain.deputies); done work stays theirs
        with db.read() as session:
            standing = stood_in_for(user_id, today, users.absences(session))
        if which in ("open", "today", "overdue"):
            query = query.where(Task.assigned_user_id.in_(standing))
        else:
            query = query.where(Task.assigned_user_id == user_id)
    if contractor_id is not None:
        query = query.where(Task.contractor_id == contractor_id)
    query = query.order_by(Task.due_on, Task.id).limit(limit)
    with db.read() as session:
        return [
            TaskView(
                t.id,
                t.kind,
                t.title,
                t.body,
                t.contractor_id,
                name,
                t.assigned_user_id,
                t.due_on,
                t.status,
                t.created_at,
                t.done_at,
                t.done_by,
                t.done_note,
            )
            for t, name in session.execute(query)
        ]


def complete(db: Database, task_id: int, note: str | None, *, actor: str | None = None) -> None:
    with db.write() as session:
        task = session.get(Task, task_id)
        if task is None:
            raise NotFoundError(_("No task with id {id}").format(id=task_id))
        if task.status != "open":
            raise ValidationError(_("Task {id} is already closed").format(id=task_id))
        task.status = "done"
        task.done_at = utcnow()
        task.done_by = actor or activity.current_actor()
        task.done_note = (note or "").strip() or None
        if task.contractor_id is not None:
            activity.record(
                session,
                contractor_id=task.contractor_id,
                kind="task",
                summary=N_("Task done: {title}"),
                data={"title": task.title},
                body=task.done_note,
                actor=actor,
            )


def add_task(
    db: Database,
    *,
    title: str,
    due_on: dt.date,
    contractor_id: int | None = None,
    user_id: int | None = None,
    body: str | None = None,
    actor: str | None = None,
) -> int:
    if not title.strip():
        raise ValidationError(_("The task needs a title"), field="title")
    check_date(due_on, "due", _("Due date"))
    with db.write() as session:
        if contractor_id is not None and session.get(Contractor, contractor_id) is None:
            raise NotFoundError(
                _("No contractor with id or NIP {ref}").format(ref=contractor_id),
                field="contractor",
            )
        if user_id is not None and session.get(User, user_id) is None:
            raise NotFoundError(_("No user with id {id}").format(id=user_id), field="user")
        task = Task(
            contractor_id=contractor_id,
            assigned_user_id=users.assignee(session, user_id, due_on),
            kind="manual",
            title=title.strip(),
            body=body,
            due_on=due_on,
        )
        session.add(task)
        session.flush()
        if contractor_id is not None:
            activity.record(
                session,
                contractor_id=contractor_id,
                kind="task",
                summary=N_("Task created: {title}"),
                data={"title": task.title},
                actor=actor,
            )
        return task.id
