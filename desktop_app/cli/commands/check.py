"""inkaso check nip"""

from __future__ import annotations

import argparse
from typing import Any

from desktop_app.cli.context import Context, json_date, json_flag, today_flag
from desktop_app.domain.credibility import Light
from desktop_app.domain.dates import format_day
from desktop_app.domain.identifiers import format_iban, normalize_iban
from desktop_app.errors import ValidationError
from desktop_app.i18n import N_, _
from desktop_app.services import whitelist_bulk
from desktop_app.services.whitelist import Credibility, WhiteListUnavailableError, credibility

LIGHTS = {Light.GREEN: N_("green"), Light.AMBER: N_("amber"), Light.RED: N_("red")}


def register(sub: argparse._SubParsersAction[Any]) -> None:
    group = sub.add_parser("check", help=_("credibility checks in public registers"))
    actions = group.add_subparsers(dest="action", metavar="CHECK", required=True)
    nip = actions.add_parser(
        "nip",
        help=_("a NIP on the VAT White List, with our own history of it: a traffic light"),
    )
    nip.add_argument("nip", metavar="NIP", nargs="?")
    nip.add_argument(
        "--all",
        action="store_true",
        help=_("every contractor with a NIP, in batches (with --older-than: only those due)"),
    )
    nip.add_argument(
        "--older-than",
        type=int,
        metavar="DAYS",
        help=_("with --all: only contractors never checked or last checked more than DAYS ago"),
    )
    today_flag(nip)
    json_flag(nip)
    nip.set_defaults(handler=check_nip)


def _account(text: str) -> str:
    try:
        return format_iban(normalize_iban(text))
    except ValidationError:
        return text


def check_nip(ctx: Context) -> int:
    if ctx.args.all == bool(ctx.args.nip):
        raise ValidationError(_("Give either a NIP or --all."))
    if ctx.args.older_than is not None and (not ctx.args.all or ctx.args.older_than < 0):
        raise ValidationError(_("--older-than goes with --all and is a number of days, 0 or more."))
    if ctx.args.all:
        return _check_all(ctx)
    found = credibility(ctx.db, ctx.args.nip, ctx.today())
    if ctx.json:
        ctx.emit_json(_json(found))
        return 0
    e = found.entry
    ctx.line(_("NIP {nip}: {light}").format(nip=e.nip, light=_(LIGHTS[found.summary.light])))
    if e.found:
        ctx.line(_("Name: {name}").format(name=e.name or "—"))
        ctx.line(_("VAT status: {status}").format(status=e.status or "—"))
        ctx.line(_("Accounts on the White List:"))
        for account in e.accounts:
            ctx.line(f"  {_account(account)}")
    ctx.line(
        _("Checked for {day}, request id {request_id}").format(
            day=format_day(e.checked_on), request_id=e.request_id or "—"
        )
        + (f" ({format_day(e.checked_at.date())} {e.checked_at:%H:%M} UTC)" if e.checked_at else "")
    )
    for reason in found.summary.reasons:
        ctx.line(f"  - {reason}")
    return 0


def _check_all(ctx: Context) -> int:
    today = ctx.today()
    wanted = whitelist_bulk.candidates(ctx.db, today, older_than_days=ctx.args.older_than)
    result = whitelist_bulk.bulk_check(ctx.db, wanted, today)
    if ctx.json:
        ctx.emit_json(
            {
                "today": json_date(today),
                "total": len(result.rows),
                "checked": result.checked,
                "stopped": result.stopped,
                "contractors": [_bulk_json(row) for row in result.rows],
            }
        )
    else:
        rows = [
            [
                row.nip,
                row.name,
                _(LIGHTS[row.light]) if row.light is not None else _("not checked"),
                row.reasons[0] if row.reasons else "",
            ]
            for row in result.rows
        ]
        ctx.table([_("NIP"), _("Contractor"), _("Light"), _("First reason")], rows, right=set())
        ctx.line(
            _("Checked {checked} of {total}.").format(
                checked=result.checked, total=len(result.rows)
            )
        )
    if result.stopped is not None:
        raise WhiteListUnavailableError(result.stopped)
    return 0


def _bulk_json(row: whitelist_bulk.BulkRow) -> dict[str, Any]:
    e = row.entry
    return {
        "contractor": row.contractor_id,
        "name": row.name,
        "nip": row.nip,
        "found": e.found if e else None,
        "status": e.status if e else None,
        "request_id": e.request_id if e else None,
        "checked_on": json_date(e.checked_on) if e else None,
        "light": row.light.value if row.light else None,
        "reasons": list(row.reasons),
    }


def _json(found: Credibility) -> dict[str, Any]:
    e = found.entry
    return {
        "nip": e.nip,
        "found": e.found,
        "status": e.status,
        "name": e.name,
        "accounts": list(e.accounts),
        "request_id": e.request_id,
        "checked_on": json_date(e.checked_on),
        "checked_at": e.checked_at.isoformat(timespec="seconds") if e.checked_at else None,
        "contractor": found.contractor_id,
        "stars": found.rating.stars if found.rating else None,
        "light": found.summary.light.value,
        "reasons": list(found.summary.reasons),
    }
