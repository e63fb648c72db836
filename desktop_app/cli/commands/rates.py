"""inkaso rates list|add"""

from __future__ import annotations

import argparse
from typing import Any

from desktop_app.cli.context import Context, json_flag, parse_date
from desktop_app.domain.rates import RateKind, Status
from desktop_app.i18n import _
from desktop_app.services import rates
from desktop_app.services.rates import ListedRate


def register(sub: argparse._SubParsersAction[Any]) -> None:
    group = sub.add_parser("rates", help=_("interest and euro rate tables"))
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help=_("the rates in use, with source and status"))
    listing.add_argument("--kind", choices=[k.value for k in RateKind])
    json_flag(listing)
    listing.set_defaults(handler=list_rates)

    add = actions.add_parser(
        "add", help=_("add a rate from a day on (or correct one); it wins over the shipped one")
    )
    add.add_argument("--kind", required=True, choices=[k.value for k in RateKind])
    add.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
    add.add_argument(
        "--rate", required=True, metavar="RATE", help=_("percent a year; PLN per EUR for eur")
    )
    add.add_argument("--source", default="", help=_("where the rate comes from"))
    add.add_argument(
        "--status",
        choices=[s.value for s in Status],
        default=Status.VERIFIED.value,
        help=_("V checked in a primary source (default), D derived, U unverified"),
    )
    json_flag(add)
    add.set_defaults(handler=add_rate)

    remove = actions.add_parser("remove", help=_("remove a rate you added"))
    remove.add_argument("--kind", required=True, choices=[k.value for k in RateKind])
    remove.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
    remove.set_defaults(handler=remove_rate)


def _json(item: ListedRate) -> dict[str, Any]:
    return {
        "kind": item.kind.value,
        "from": item.row.start.isoformat(),
        "rate": str(item.row.rate),
        "source": item.row.source,
        "status": item.row.status.value,
        "added": item.row.added_by_user,
        "replaced": item.replaced,
    }


def list_rates(ctx: Context) -> int:
    kinds = [RateKind(ctx.args.kind)] if ctx.args.kind else list(RateKind)
    listed = rates.list_rates(ctx.db, kinds)
    if ctx.json:
        ctx.emit_json([_json(item) for item in listed])
        return 0
    for kind in kinds:
        table = rates.rate_table(ctx.db, kind)
        ctx.line(
            _("{kind}: known up to {date}").format(kind=kind.value, date=table.known_until)
            if table.rows
            else _("{kind}: no rates").format(kind=kind.value)
        )
    ctx.table(
        [_("Table"), _("From"), _("Rate"), _("Status"), _("Source")],
        [
            [
                item.kind.value,
                item.row.start.isoformat(),
                str(item.row.rate),
                item.row.status.value
                + (" " + _("(added)") if item.row.added_by_user else "")
                + (" " + _("(replaced)") if item.replaced else ""),
                item.row.source,
            ]
            for item in listed
        ],
        right={2},
    )
    return 0


def add_rate(ctx: Context) -> int:
    a = ctx.args
    kind = RateKind(a.kind)
    row = rates.add_rate(
        ctx.db,
        kind,
        parse_date(a.start, "--from"),
        rates.parse_rate(a.rate),
        source=a.source,
        status=Status(a.status),
    )
    if ctx.json:
        ctx.emit_json(_json(ListedRate(kind, row)))
        return 0
    ctx.line(
        _("Rate {rate} of {kind} from {date} saved").format(
            rate=row.rate, kind=kind.value, date=row.start.isoformat()
        )
    )
    return 0


def remove_rate(ctx: Context) -> int:
    kind = RateKind(ctx.args.kind)
    start = parse_date(ctx.args.start, "--from")
    rates.remove_rate(ctx.db, kind, start)
    ctx.line(
        _("Rate of {kind} from {date} removed").format(kind=kind.value, date=start.isoformat())
    )
    return 0
