"""inkaso dunning plan|run, inkaso remind"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from desktop_app.cli.context import Context, json_flag, parse_date, today_flag
from desktop_app.domain.money import decimal_str
from desktop_app.errors import ValidationError
from desktop_app.i18n import _
from desktop_app.services.dunning import actions, planning, runner, windows
from desktop_app.services.dunning.compose import template_items
from desktop_app.services.dunning.state import load as load_state
from desktop_app.services.views import get_contractor
from desktop_app.settings import Snapshot


def register(sub: argparse._SubParsersAction[Any]) -> None:
    group = sub.add_parser("dunning", help=_("plan and run reminders"))
    actions_ = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    plan = actions_.add_parser("plan", help=_("dry run: what would be sent in the coming days"))
    today_flag(plan)
    plan.add_argument("--days", type=int, default=14, metavar="N")
    json_flag(plan)
    plan.set_defaults(handler=plan_cmd)
    run = actions_.add_parser("run", help=_("one cycle: plan today and send what is due"))
    when = run.add_mutually_exclusive_group()
    when.add_argument(
        "--today", metavar="YYYY-MM-DD", help=_("act as a run when that day's send windows open")
    )
    when.add_argument("--now", metavar="YYYY-MM-DDTHH:MM", help=_("act as a run at this moment"))
    run.add_argument("--no-plan", action="store_true", help=_("only send what is already queued"))
    json_flag(run)
    run.set_defaults(handler=run_cmd)

    remind = sub.add_parser("remind", help=_("send a reminder to a contractor now"))
    remind.add_argument("--contractor", required=True, metavar="ID|NIP")
    remind.add_argument("--channel", choices=("email", "sms", "voice"), default="email")
    json_flag(remind)
    remind.set_defaults(handler=remind_cmd)


def plan_cmd(ctx: Context) -> int:
    if not 1 <= ctx.args.days <= 366:
        raise ValidationError(_("--days must be between 1 and 366"), field="days")
    today = ctx.today()
    settings = Snapshot.load(ctx.db)
    with ctx.db.write() as session:  # write: the presets are stored on first use
        state = load_state(session, today)
    plans = planning.calendar(state, today, ctx.args.days, windows.business_only(settings))
    groups = planning.flatten(plans)
    with ctx.db.read() as session:
        ids = sorted({a.item.instalment_id for g in groups for a in g.actions})
        items = {}
        for start in range(0, len(ids), 900):
            items.update(template_items(session, ids[start : start + 900], today))
    names = _names(ctx, {g.contractor_id for g in groups})
    rows = [
        {
            "date": g.day.isoformat(),
            "contractor_id": g.contractor_id,
            "contractor": names.get(g.contractor_id, ""),
            "scenario": g.scenario,
            "step": g.step,
            "kind": g.kind,
            "channel": g.channel,
            "key": g.key,
            "items": [
                {
                    "invoice": items[a.item.instalment_id].number,
                    "due_date": a.item.due_date.isoformat(),
                    "open": decimal_str(a.item.open_minor, a.item.currency),
                    "currency": a.item.currency,
                }
                for a in g.actions
            ],
        }
        for g in groups
    ]
    if ctx.json:
        ctx.emit_json({"today": today.isoformat(), "days": ctx.args.days, "actions": rows})
        return 0
    ctx.table(
        [_("Date"), _("Contractor"), _("Step"), _("Channel"), _("Invoices")],
        [
            (
                g.day.isoformat(),
                names.get(g.contractor_id, ""),
                g.step,
                g.channel,
                ", ".join(items[a.item.instalment_id].number for a in g.actions),
            )
            for g in groups
        ],
        right=set(),
    )
    return 0


def _names(ctx: Context, ids: set[int]) -> dict[int, str]:
    from sqlalchemy import select

    from db.models import Contractor

    with ctx.db.read() as session:
        found: dict[int, str] = {}
        ordered = sorted(ids)
        for start in range(0, len(ordered), 900):
            rows = session.execute(
                select(Contractor.id, Contractor.name).where(
                    Contractor.id.in_(ordered[start : start + 900])
                )
            )
            found.update({cid: name for cid, name in rows})
        return found


def run_cmd(ctx: Context) -> int:
    a = ctx.args
    settings = Snapshot.load(ctx.db)
    zone = windows.firm_zone(settings)
    opened: set[str] | None = None
    if a.now:
        try:
            moment = dt.datetime.fromisoformat(a.now)
        except ValueError as exc:
            raise ValidationError(
                _("--now: {value} is not a date and time (use YYYY-MM-DDTHH:MM)").format(
                    value=a.now
                )
            ) from exc
        now = moment if moment.tzinfo else moment.replace(tzinfo=zone)
    elif a.today:
        day = parse_date(a.today, "--today")
        now = windows.day_opening(settings, day)
        opened = windows.channels_opening_on(settings, day)
    else:
        now = dt.datetime.now(zone)
    report = runner.run_cycle(ctx.db, now=now, open_channels=opened, plan=not a.no_plan)
    if ctx.json:
        ctx.emit_json(
            {
                "today": report.today.isoformat(),
                "now": report.now.isoformat(timespec="minutes"),
                "counts": report.counts(),
                "messages": [
                    {
                        "key": r.key,
                        "channel": r.channel,
                        "to": r.to,
                        "status": r.status,
                        "detail": r.detail,
                    }
                    for r in report.sent.rows
                ],
                "errors": report.errors,
            }
        )
    else:
        counts = report.counts()
        ctx.line(
            _(
                "Sent {sent}, failed {failed}, uncertain {uncertain}, skipped {skipped}, "
                "tasks {tasks}, handed over {handed_over}"
            ).format(**counts)
        )
        for error in report.errors:
            ctx.line("! " + error)
    return 0 if report.busy_holder is None else 3


def remind_cmd(ctx: Context) -> int:
    settings = Snapshot.load(ctx.db)
    now = dt.datetime.now(windows.firm_zone(settings))
    contractor = get_contractor(ctx.db, ctx.args.contractor)
    result = actions.send_reminder_now(ctx.db, contractor.id, ctx.args.channel, now=now)
    rows = result.report.rows
    if ctx.json:
        ctx.emit_json(
            {
                "outbox_id": result.outbox_id,
                "messages": [
                    {
                        "key": r.key,
                        "channel": r.channel,
                        "to": r.to,
                        "status": r.status,
                        "detail": r.detail,
                    }
                    for r in rows
                ],
            }
        )
    else:
        for r in rows:
            ctx.line(f"{r.channel} -> {', '.join(r.to)}: {r.status} {r.detail}".rstrip())
    return 0 if rows and rows[0].status == "sent" else 3
