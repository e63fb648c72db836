"""inkaso outbox list|retry|resolve|cancel, inkaso task list|done|add"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from desktop_app import labels
from desktop_app.cli.context import (
    MAX_ROWS,
    Context,
    json_flag,
    parse_date,
    record_id,
    today_flag,
    whole_number,
)
from desktop_app.i18n import _
from desktop_app.services.dunning import outbox, tasks


def register(sub: argparse._SubParsersAction[Any]) -> None:
    group = sub.add_parser("outbox", help=_("messages waiting, sent, failed or uncertain"))
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    lst = actions.add_parser("list", help=_("list messages"))
    lst.add_argument("--status", choices=outbox.STATUSES)
    lst.add_argument("--channel", choices=("email", "sms", "voice", "notice"))
    lst.add_argument("--contractor", type=record_id, metavar="ID")
    lst.add_argument("--limit", type=whole_number(1, MAX_ROWS), default=200, metavar="N")
    json_flag(lst)
    lst.set_defaults(handler=list_outbox)
    retry = actions.add_parser("retry", help=_("send a failed message again"))
    retry.add_argument("id", type=record_id)
    retry.set_defaults(handler=_retry)
    resolve = actions.add_parser("resolve", help=_("decide what happened to an uncertain message"))
    resolve.add_argument("id", type=record_id)
    resolve.add_argument(
        "--as", dest="outcome", required=True, choices=("sent", "resend", "cancel")
    )
    resolve.set_defaults(handler=_resolve)
    cancel = actions.add_parser("cancel", help=_("cancel a waiting message"))
    cancel.add_argument("id", type=record_id)
    cancel.set_defaults(handler=_cancel)

    task = sub.add_parser("task", help=_("tasks for people"))
    task_actions = task.add_subparsers(dest="action", metavar="ACTION", required=True)
    tlist = task_actions.add_parser("list", help=_("list tasks"))
    tlist.add_argument("--filter", choices=tasks.FILTERS, default="open")
    tlist.add_argument("--user", type=record_id, metavar="ID", help=_("only tasks of this user"))
    today_flag(tlist)
    json_flag(tlist)
    tlist.set_defaults(handler=list_tasks)
    done = task_actions.add_parser("done", help=_("mark a task done"))
    done.add_argument("id", type=record_id)
    done.add_argument("--note", default="")
    done.set_defaults(handler=_task_done)
    add = task_actions.add_parser("add", help=_("add a task"))
    add.add_argument("--title", required=True)
    add.add_argument("--due", required=True, metavar="YYYY-MM-DD")
    add.add_argument("--contractor", type=record_id, metavar="ID")
    add.add_argument("--user", type=record_id, metavar="ID")
    add.add_argument("--body")
    add.set_defaults(handler=add_task)


def _retry(ctx: Context) -> int:
    outbox.retry(ctx.db, ctx.args.id)
    ctx.line(_("Message {id} will be sent at the next run").format(id=ctx.args.id))
    return 0


def _resolve(ctx: Context) -> int:
    outbox.resolve_uncertain(ctx.db, ctx.args.id, ctx.args.outcome)
    ctx.line(_("Done"))
    return 0


def _cancel(ctx: Context) -> int:
    outbox.cancel(ctx.db, ctx.args.id)
    ctx.line(_("Message {id} cancelled").format(id=ctx.args.id))
    return 0


def _task_done(ctx: Context) -> int:
    tasks.complete(ctx.db, ctx.args.id, ctx.args.note)
    ctx.line(_("Task {id} done").format(id=ctx.args.id))
    return 0


def _utc(moment: dt.datetime | None) -> str | None:
    """Outbox times are stored as naive UTC; scripts get them marked as such."""
    return None if moment is None else moment.isoformat(timespec="seconds") + "Z"


def list_outbox(ctx: Context) -> int:
    a = ctx.args
    rows = outbox.list_messages(
        ctx.db, status=a.status, channel=a.channel, contractor_id=a.contractor, limit=a.limit
    )
    if ctx.json:
        ctx.emit_json(
            [
                {
                    "id": r.id,
                    "key": r.key,
                    "contractor_id": r.contractor_id,
                    "contractor": r.contractor_name,
                    "scenario": r.scenario,
                    "step": r.step,
                    "channel": r.channel,
                    "to": list(r.recipients),
                    "subject": r.subject,
                    "text": r.body_text,
                    "status": r.status,
                    "attempts": r.attempts,
                    "planned_for": r.planned_for.isoformat(),
                    "created_at": _utc(r.created_at),
                    "finished_at": _utc(r.finished_at),
                    "last_error": r.last_error,
                    "items": list(r.items),
                }
                for r in rows
            ]
        )
        return 0
    ctx.table(
        [_("ID"), _("Status"), _("Channel"), _("To"), _("Contractor"), _("Planned"), _("Error")],
        [
            (
                str(r.id),
                labels.status(r.status),
                labels.channel(r.channel, short=True),
                ", ".join(r.recipients),
                r.contractor_name or "",
                r.planned_for.isoformat(),
                (r.last_error or "")[:60],
            )
            for r in rows
        ],
        right={0},
    )
    return 0


def list_tasks(ctx: Context) -> int:
    rows = tasks.list_tasks(ctx.db, today=ctx.today(), which=ctx.args.filter, user_id=ctx.args.user)
    if ctx.json:
        ctx.emit_json(
            [
                {
                    "id": t.id,
                    "kind": t.kind,
                    "title": t.title,
                    "body": t.body,
                    "contractor_id": t.contractor_id,
                    "contractor": t.contractor_name,
                    "user_id": t.assigned_user_id,
                    "due": t.due_on.isoformat(),
                    "status": t.status,
                    "done_note": t.done_note,
                }
                for t in rows
            ]
        )
        return 0
    ctx.table(
        [_("ID"), _("Due"), _("Kind"), _("Contractor"), _("Task")],
        [
            (
                str(t.id),
                t.due_on.isoformat(),
                labels.task_kind(t.kind),
                t.contractor_name or "",
                t.title,
            )
            for t in rows
        ],
        right={0},
    )
    return 0


def add_task(ctx: Context) -> int:
    a = ctx.args
    new_id = tasks.add_task(
        ctx.db,
        title=a.title,
        due_on=parse_date(a.due, "--due"),
        contractor_id=a.contractor,
        user_id=a.user,
        body=a.body,
    )
    ctx.line(_("Task {id} added").format(id=new_id))
    return 0
