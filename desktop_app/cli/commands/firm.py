"""inkaso firm show|set|logo"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from desktop_app.cli.context import Context, json_flag
from desktop_app.errors import ValidationError
from desktop_app.i18n import _
from desktop_app.services import firm


def register(sub: argparse._SubParsersAction[Any]) -> None:
    group = sub.add_parser("firm", help=_("your firm's details, used on every message and letter"))
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    show = actions.add_parser("show", help=_("show the firm's details"))
    json_flag(show)
    show.set_defaults(handler=show_firm)
    set_ = actions.add_parser("set", help=_("enter or change the firm's details"))
    set_.add_argument("--name", help=_("required the first time; later only what changes"))
    set_.add_argument("--nip")
    set_.add_argument("--street")
    set_.add_argument("--postal-code")
    set_.add_argument("--city")
    set_.add_argument("--email")
    set_.add_argument("--phone")
    set_.add_argument(
        "--account",
        action="append",
        default=[],
        metavar="IBAN[:CURRENCY]",
        help=_("bank account for payments (repeatable; default currency PLN)"),
    )
    set_.set_defaults(handler=set_firm)
    logo = actions.add_parser("logo", help=_("the logo on the letterhead of letters"))
    which = logo.add_mutually_exclusive_group(required=True)
    which.add_argument("file", nargs="?", metavar="FILE", help=_("a PNG or JPEG picture"))
    which.add_argument("--remove", action="store_true", help=_("letters without a logo"))
    logo.set_defaults(handler=set_logo)


def show_firm(ctx: Context) -> int:
    found = firm.get_firm(ctx.db)
    data = None if found is None else {
        "name": found.name, "nip": found.nip, "street": found.street,
        "postal_code": found.postal_code, "city": found.city, "email": found.email,
        "phone": found.phone, "home_currency": found.home_currency, "accounts": list(found.accounts),
    }  # fmt: skip
    if ctx.json:
        ctx.emit_json(data)
    elif data is None:
        ctx.line(_("The firm's details are not entered yet: inkaso firm set --name ..."))
    else:
        for key, value in data.items():
            ctx.line(f"{key}: {value}")
    return 0


def set_firm(ctx: Context) -> int:
    a = ctx.args
    # options left out keep what is stored, so "firm set --phone …" changes only the phone
    known = firm.get_firm(ctx.db)
    if known is not None:
        for field in ("name", "nip", "street", "postal_code", "city", "email", "phone"):
            if getattr(a, field) is None:
                setattr(a, field, getattr(known, field))
    if not a.name:
        raise ValidationError(_("Give the firm's name: inkaso firm set --name ..."), field="name")
    accounts = []
    for spec in a.account:
        iban, _sep, currency = spec.partition(":")
        accounts.append((iban, currency or "PLN"))
    firm.save_firm(
        ctx.db,
        firm.FirmInput(
            name=a.name, nip=a.nip, street=a.street, postal_code=a.postal_code, city=a.city,
            email=a.email, phone=a.phone, accounts=accounts,
        ),
    )  # fmt: skip
    ctx.line(_("Firm details saved"))
    return 0


def set_logo(ctx: Context) -> int:
    a = ctx.args
    if a.remove:
        firm.set_logo(ctx.db, None)
        ctx.line(_("Logo removed"))
        return 0
    path = Path(a.file)
    try:
        with path.open("rb") as handle:
            data = handle.read(firm.MAX_LOGO_BYTES + 1)
    except OSError as exc:
        raise ValidationError(
            _("Cannot read {path}: {reason}").format(path=a.file, reason=exc.strerror or exc),
            field="file",
        ) from exc
    firm.set_logo(ctx.db, data)
    ctx.line(_("Logo saved"))
    return 0
