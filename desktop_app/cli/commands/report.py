"""inkaso report aging | dashboard"""

from __future__ import annotations

import argparse
from typing import Any

from desktop_app.cli import serialize
from desktop_app.cli.context import Context, json_flag, today_flag
from desktop_app.domain.aging import AgingBuckets
from desktop_app.domain.money import format_money
from desktop_app.errors import ValidationError
from desktop_app.i18n import _
from desktop_app.services.aging_report import aging_report
from desktop_app.services.dashboard import add_forecast, cash_in_forecast, dashboard


def register(sub: argparse._SubParsersAction[Any]) -> None:
    group = sub.add_parser("report", help=_("reports"))
    actions = group.add_subparsers(dest="action", metavar="REPORT", required=True)
    aging = actions.add_parser("aging", help=_("who owes what, by days overdue"))
    aging.add_argument("--as-of", metavar="YYYY-MM-DD", help=_("balances as they were on this day"))
    aging.add_argument(
        "--buckets",
        default="30,60,90,180",
        metavar="D1,D2,...",
        help=_("upper bounds of the buckets"),
    )
    json_flag(aging)
    aging.set_defaults(handler=report_aging)
    board = actions.add_parser("dashboard", help=_("the debt dashboard's figures per currency"))
    today_flag(board)
    json_flag(board)
    board.set_defaults(handler=report_dashboard)


def report_dashboard(ctx: Context) -> int:
    today = ctx.today()
    board = add_forecast(dashboard(ctx.db, today), cash_in_forecast(ctx.db, today))
    if ctx.json:
        ctx.emit_json(serialize.dashboard(board))
        return 0
    ctx.line(_("Dashboard on {date}").format(date=board.today.isoformat()))
    for currency, section in board.currencies.items():
        ctx.line()
        dso = "-" if section.dso_days is None else f"{section.dso_days:.0f}"
        cei = section.collection_effectiveness
        rows = [
            [_("Open"), format_money(section.open, currency)],
            [_("Overdue"), format_money(section.overdue, currency)],
            [_("Overdue share"), f"{section.overdue_share:.0%}"],
            [_("DSO (days)"), dso],
            [_("Collection effectiveness (30 days)"), "-" if cei is None else f"{cei:.0f}%"],
            [_("Promised this week"), format_money(section.promised_this_week, currency)],
        ]
        ctx.table([currency, ""], rows, right={1})
    ctx.line()
    ctx.line(_("Tasks due: {count}").format(count=board.tasks_due))
    ctx.line(_("Failed reminders: {count}").format(count=board.failed_reminders))
    return 0


def report_aging(ctx: Context) -> int:
    try:
        buckets = AgingBuckets.parse(ctx.args.buckets)
    except ValueError as exc:
        raise ValidationError(
            _("--buckets: {value} is not a rising list of days").format(value=ctx.args.buckets),
            field="buckets",
        ) from exc
    report = aging_report(ctx.db, ctx.today("as_of"), buckets)
    if ctx.json:
        ctx.emit_json(serialize.aging(report))
        return 0
    ctx.line(_("Aging as of {date}").format(date=report.as_of.isoformat()))
    if not report.currencies:
        ctx.line(_("Nobody owes anything."))
    for currency, section in report.currencies.items():
        ctx.line()
        headers = [_("Contractor"), _("Open"), _("Not due"), *report.labels]
        rows = [
            [
                row.name,
                format_money(row.open, currency),
                format_money(row.open - row.overdue, currency),
                *(format_money(row.buckets[label], currency) for label in report.labels),
            ]
            for row in section.contractors
        ]
        t = section.totals
        rows.append(
            [
                _("Total"),
                format_money(t.open, currency),
                format_money(t.not_due, currency),
                *(format_money(t.buckets[label], currency) for label in report.labels),
            ]
        )
        ctx.table(headers, rows, right=set(range(1, len(headers))))
    return 0
