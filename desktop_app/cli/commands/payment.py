"""inkaso payment add"""

from __future__ import annotations

import argparse
from typing import Any

from desktop_app.cli import serialize
from desktop_app.cli.context import Context, json_flag, parse_date, record_id
from desktop_app.domain.money import format_money, normalize_currency, parse_amount
from desktop_app.i18n import _
from desktop_app.services import deletion, payments, views


def register(sub: argparse._SubParsersAction[Any]) -> None:
    group = sub.add_parser("payment", help=_("record payments"))
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add", help=_("record a payment; it pays the oldest open instalments unless --invoice")
    )
    add.add_argument("--contractor", required=True, metavar="ID|NIP")
    add.add_argument("--date", required=True, metavar="YYYY-MM-DD")
    add.add_argument("--amount", required=True, metavar="AMOUNT")
    add.add_argument("--currency", default="PLN")
    add.add_argument("--title", help=_("transfer title"))
    add.add_argument("--invoice", metavar="NO", help=_("pay this invoice only"))
    add.add_argument("--ref", help=_("bank reference; the same reference is never recorded twice"))
    json_flag(add)
    add.set_defaults(handler=add_payment)
    _register_delete(actions)


def add_payment(ctx: Context) -> int:
    a = ctx.args
    currency = normalize_currency(a.currency)
    new_id = payments.add_payment(
        ctx.db,
        payments.PaymentInput(
            contractor=a.contractor,
            date=parse_date(a.date, "--date"),
            amount_minor=parse_amount(a.amount, currency),
            currency=currency,
            title=a.title,
            invoice_number=a.invoice,
            source="manual",
            source_ref=a.ref,
        ),
    )
    view = views.get_payment(ctx.db, new_id)
    if ctx.json:
        ctx.emit_json(serialize.payment(view))
        return 0
    ctx.line(
        _("Payment {id} recorded: {amount}").format(
            id=view.id, amount=format_money(view.amount_minor, view.currency)
        )
    )
    for alloc in view.allocations:
        ctx.line(
            "  "
            + _("{amount} to invoice {number}, instalment {seq}").format(
                amount=format_money(alloc.amount_minor, view.currency),
                number=alloc.invoice_number,
                seq=alloc.instalment_seq,
            )
        )
    if view.unallocated_minor:
        ctx.line(
            "  "
            + _("{amount} left as credit").format(
                amount=format_money(view.unallocated_minor, view.currency)
            )
        )
    return 0


# -- payment delete (kept at the end: other payment commands are added above it) ---------------


def _register_delete(actions: argparse._SubParsersAction[Any]) -> None:
    delete = actions.add_parser(
        "delete", help=_("delete a payment; what it paid is open again from its date on")
    )
    delete.add_argument("payment", type=record_id, metavar="ID")
    json_flag(delete)
    delete.set_defaults(handler=delete_payment)


def delete_payment(ctx: Context) -> int:
    deleted = deletion.delete_payment(ctx.db, ctx.args.payment)
    if ctx.json:
        ctx.emit_json({"deleted": "payment", "id": ctx.args.payment})
    else:
        ctx.line(deleted.sentence())
    return 0
