"""inkaso dunning plan|run, inkaso remind"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from desktop_app import labels
from desktop_app.cli.context import (
    Context,
    json_flag,
    parse_date,
    parse_moment,
    today_flag,
    whole_number,
)
from desktop_app.domain.money import decimal_str
from desktop_app.errors import DeliveryError
from desktop_app.i18n import _, ngettext
from desktop_app.services.dunning import actions, dry_run, runner, windows
from desktop_app.services.views import get_contractor
from desktop_app.settings import Snapshot


def register(sub: argparse._SubParsersAction[Any]) -> None:
    group = sub.add_parser("dunning", help=_("plan and run reminders"))
    actions_ = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    plan = actions_.add_parser("plan", help=_("dry run: what would be sent in the coming days"))
    today_flag(plan)
    plan.add_argument("--days", type=whole_number(1, dry_run.MAX_DAYS), default=14, metavar="N")
    json_flag(plan)
    plan.set_defaults(handler=plan_cmd)
    run = actions_.add_parser("run", help=_("one cycle: plan today and send what is due"))
    when = run.add_mutually_exclusive_group()
    when.add_argument(
        "--today", metavar="YYYY-MM-DD", help=_("act as a run when that day's send windows open")
    )
    when.add_argument("--now", metavar="YYYY-MM-DDTHH:MM", help=_("act as a run at this moment"))
    run.add_argument("--no-plan", action="store_true", help=_("only send what is already queued"))
    run.add_argument(
        "--wait",
        type=whole_number(0, 3600),
        default=30,
        metavar="SECONDS",
        help=_(
            "how long to wait for a run another computer is doing before giving up "
            "(default 30; 0: give up at once)"
        ),
    )
    json_flag(run)
    run.set_defaults(handler=run_cmd)

    remind = sub.add_parser("remind", help=_("send a reminder to a contractor now"))
    remind.add_argument("--contractor", required=True, metavar="ID|NIP")
    remind.add_argument("--channel", choices=("email", "sms", "voice"), default="email")
    remind.add_argument(
        "--force",
        action="store_true",
        help=_("send even while a pause or a promise to pay holds the contractor's reminders"),
    )
    json_flag(remind)
    remind.set_defaults(handler=remind_cmd)


def plan_cmd(ctx: Context) -> int:
    today = ctx.today()
    # the same dry run the GUI's calendar shows
    run = dry_run.dry_run(ctx.db, today, ctx.args.days)
    if ctx.json:
        rows = [
            {
                "date": a.day.isoformat(),
                "contractor_id": a.contractor_id,
                "contractor": a.contractor,
                "scenario": a.scenario,
                "step": a.step,
                "kind": a.kind,
                "channel": a.channel,
                "key": a.key,
                "items": [
                    {
                        "invoice": i.invoice,
                        "due_date": i.due_date.isoformat(),
                        "open": decimal_str(i.open_minor, i.currency),
                        "currency": i.currency,
                    }
                    for i in a.items
                ],
            }
            for a in run.actions
        ]
        ctx.emit_json({"today": today.isoformat(), "days": ctx.args.days, "actions": rows})
        return 0
    ctx.table(
        [_("Date"), _("Contractor"), _("Step"), _("Channel"), _("Invoices")],
        [
            (
                a.day.isoformat(),
                a.contractor,
                a.step_title,
                labels.channel(a.channel, short=True),
                ", ".join(i.invoice for i in a.items),
            )
            for a in run.actions
        ],
        right=set(),
    )
    return 0


def run_cmd(ctx: Context) -> int:
    a = ctx.args
    settings = Snapshot.load(ctx.db)
    zone = windows.firm_zone(settings)
    opened: set[str] | None = None
    if a.now is not None:
        moment = parse_moment(a.now, "--now")
        # a naive moment is the firm's wall clock; an aware one is converted by run_cycle to the
        # firm's zone before any send window is looked at
        now = moment if moment.tzinfo else moment.replace(tzinfo=zone)
    elif a.today is not None:
        day = parse_date(a.today, "--today")
        now = windows.day_opening(settings, day)
        opened = windows.channels_opening_on(settings, day)
    else:
        now = dt.datetime.now(zone)
    report = runner.run_cycle(
        ctx.db, now=now, open_channels=opened, plan=not a.no_plan, wait_for_lease=a.wait
    )
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
                "notes": report.notes,
                "imported": report.imported.to_json() if report.imported else None,
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
        if report.imported is not None and report.imported.sources:
            ctx.line(
                _(
                    "Imported first: {created} created, {updated} updated, {unchanged} unchanged"
                ).format(**report.imported.counts())
            )
        for error in report.errors:
            ctx.line("! " + error)
        for note in report.notes:
            ctx.line("- " + note)
    if report.busy_holder is not None:
        return 3
    counts = report.counts()
    if counts["failed"] and not counts["sent"]:
        # a script (cron, a monitoring check) must see that nothing got out
        raise DeliveryError(
            ngettext(
                "The only message could not be sent; see: inkaso outbox list --status failed",
                "None of the {count} messages could be sent; see: inkaso outbox list --status failed",
                counts["failed"],
            ).format(count=counts["failed"])
        )
    return 0


def remind_cmd(ctx: Context) -> int:
    settings = Snapshot.load(ctx.db)
    now = dt.datetime.now(windows.firm_zone(settings))
    contractor = get_contractor(ctx.db, ctx.args.contractor)
    try:
        result = actions.send_reminder_now(
            ctx.db, contractor.id, ctx.args.channel, now=now, force=ctx.args.force
        )
    except actions.ReminderHeldError as exc:
        raise actions.ReminderHeldError(
            exc.message + " " + _("Add --force to send it anyway.")
        ) from exc
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
            channel, status = labels.channel(r.channel, short=True), labels.status(r.status)
            ctx.line(f"{channel} -> {', '.join(r.to)}: {status} {r.detail or ''}".rstrip())
    return 0 if rows and rows[0].status == "sent" else 3
