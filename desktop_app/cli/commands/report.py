"""inkaso report aging | dashboard"""

from __future__ import annotations

import argparse
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from desktop_app.cli import serialize
from desktop_app.cli.context import Context, json_flag, today_flag
from desktop_app.domain.aging import AgingBuckets
from desktop_app.domain.money import format_money, normalize_currency
from desktop_app.errors import ValidationError
from desktop_app.i18n import _
from desktop_app.reports.owed import By, column_title, owed_table
from desktop_app.reports.pdf import cell_text
from desktop_app.services import owed_report
from desktop_app.services.aging_report import AgingFilter, StarsRange, aging_report
from desktop_app.services.dashboard import add_forecast, cash_in_forecast, dashboard
from desktop_app.services.users import list_users


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
    aging.add_argument(
        "--by",
        choices=[b.value for b in By],
        default=By.CONTRACTOR.value,
        help=_("one line per contractor, account manager or bucket (default: contractor)"),
    )
    aging.add_argument(
        "--manager",
        action="append",
        metavar="LOGIN|ID|none",
        help=_("only this account manager's contractors ('none': nobody's); may be repeated"),
    )
    aging.add_argument(
        "--tag",
        action="append",
        metavar="TAG",
        help=_("only contractors with this tag; may be repeated"),
    )
    aging.add_argument(
        "--stars",
        metavar="N|>=N|<=N|N-M|none",
        help=_("only contractors with this payer rating ('none': not rated yet)"),
    )
    aging.add_argument(
        "--min-amount", metavar="AMOUNT", help=_("only contractors owing at least this much")
    )
    aging.add_argument(
        "--min-days",
        type=int,
        default=0,
        metavar="DAYS",
        help=_("only contractors with an item at least this many days overdue"),
    )
    aging.add_argument("--currency", metavar="CODE", help=_("only amounts in this currency"))
    saved = aging.add_mutually_exclusive_group()
    saved.add_argument("--xlsx", metavar="FILE", help=_("save the report as an Excel workbook"))
    saved.add_argument("--pdf", metavar="FILE", help=_("save the report as a PDF"))
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
    report = aging_report(ctx.db, ctx.today("as_of"), buckets, _filters(ctx))
    by = By(ctx.args.by)
    out = ctx.args.xlsx or ctx.args.pdf
    if out:
        path = Path(out)
        if ctx.args.xlsx and path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        if ctx.args.pdf and path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        owed_report.export(ctx.db, owed_table(report, by), path)
        if not ctx.json:
            ctx.line(_("Saved {path}").format(path=str(path)))
    if ctx.json:
        ctx.emit_json(serialize.aging(report))
        return 0
    if out:
        return 0
    if by is not By.CONTRACTOR:
        return _grouped(ctx, report, by)
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


def _grouped(ctx: Context, report: Any, by: By) -> int:
    table = owed_table(report, by)
    ctx.line(_("Aging as of {date}").format(date=report.as_of.isoformat()))
    if not table.sections:
        ctx.line(_("Nobody owes anything."))
    for section in table.sections:
        ctx.line()
        ctx.line(section.currency)
        headers = [column_title(c) for c in table.columns]
        rows = [
            [cell_text(c, line, section.currency) for c in table.columns]
            for line in [*section.lines, section.total]
        ]
        ctx.table(headers, rows, right=set(range(1, len(headers))))
    return 0


def _filters(ctx: Context) -> AgingFilter:
    a = ctx.args
    managers: frozenset[int | None] | None = None
    if a.manager:
        managers = frozenset(_manager(ctx, ref) for ref in a.manager)
    stars = None
    if a.stars is not None:
        try:
            stars = StarsRange.parse(a.stars)
        except ValueError as exc:
            raise ValidationError(
                _("--stars: {value} is not 1-5 stars, a range of them or 'none'").format(
                    value=a.stars
                ),
                field="stars",
            ) from exc
    min_amount = None
    if a.min_amount is not None:
        try:
            min_amount = Decimal(a.min_amount.replace(",", "."))
        except InvalidOperation as exc:
            raise ValidationError(
                _("--min-amount: {value} is not an amount").format(value=a.min_amount),
                field="min_amount",
            ) from exc
        if not min_amount.is_finite() or min_amount < 0:
            raise ValidationError(
                _("--min-amount: {value} is not an amount").format(value=a.min_amount),
                field="min_amount",
            )
    if a.min_days < 0:
        raise ValidationError(_("--min-days cannot be negative"), field="min_days")
    return AgingFilter(
        managers=managers,
        tags=frozenset(a.tag or ()),
        stars=stars,
        min_amount=min_amount,
        min_days=a.min_days,
        currency=normalize_currency(a.currency) if a.currency else None,
    )


def _manager(ctx: Context, ref: str) -> int | None:
    if ref.strip().lower() == "none":
        return None
    for user in list_users(ctx.db, active_only=False):
        if ref in (user.login, str(user.id)):
            return user.id
    raise ValidationError(
        _("--manager: no user {ref} (give a login, an id or 'none')").format(ref=ref),
        field="manager",
    )
