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
from desktop_app.services.whitelist import Credibility, credibility

LIGHTS = {Light.GREEN: N_("green"), Light.AMBER: N_("amber"), Light.RED: N_("red")}


def register(sub: argparse._SubParsersAction[Any]) -> None:
    group = sub.add_parser("check", help=_("credibility checks in public registers"))
    actions = group.add_subparsers(dest="action", metavar="CHECK", required=True)
    nip = actions.add_parser(
        "nip",
        help=_("a NIP on the VAT White List, with our own history of it: a traffic light"),
    )
    nip.add_argument("nip", metavar="NIP")
    today_flag(nip)
    json_flag(nip)
    nip.set_defaults(handler=check_nip)


def _account(text: str) -> str:
    try:
        return format_iban(normalize_iban(text))
    except ValidationError:
        return text


def check_nip(ctx: Context) -> int:
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
