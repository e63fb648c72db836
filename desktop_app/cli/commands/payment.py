"""inkaso payment add|unmatched|match|unmatch"""

from __future__ import annotations

import argparse
from typing import Any

from desktop_app.cli import serialize
from desktop_app.cli.context import Context, json_flag, parse_date, whole_number
from desktop_app.domain.dates import format_day
from desktop_app.domain.money import decimal_str, format_money, normalize_currency, parse_amount
from desktop_app.i18n import _
from desktop_app.services import activity, bank, payments, views


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
    register_matching(actions)


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


# --- bank payments waiting for a person; matching by hand ------------------------------------


def register_matching(actions: argparse._SubParsersAction[Any]) -> None:
    waiting = actions.add_parser(
        "unmatched", help=_("list payments that pay nobody yet, with what they might pay")
    )
    waiting.add_argument("--limit", type=whole_number(1, 100_000), default=500)
    json_flag(waiting)
    waiting.set_defaults(handler=list_unmatched)
    match = actions.add_parser("match", help=_("set a payment against an invoice by hand"))
    match.add_argument("payment", metavar="PAYMENT", type=whole_number(1, 2**62))
    match.add_argument("invoice", metavar="INVOICE", help=_("invoice number or id"))
    match.add_argument(
        "--amount", metavar="AMOUNT", help=_("how much (default: all the invoice still owes)")
    )
    json_flag(match)
    match.set_defaults(handler=match_payment)
    unmatch = actions.add_parser(
        "unmatch", help=_("undo an allocation of a payment; the invoice owes it again")
    )
    unmatch.add_argument("allocation", metavar="ALLOCATION", type=whole_number(1, 2**62))
    json_flag(unmatch)
    unmatch.set_defaults(handler=unmatch_allocation)


def list_unmatched(ctx: Context) -> int:
    with ctx.db.read() as session:
        waiting = bank.unmatched_payments(session, limit=ctx.args.limit)
    if ctx.json:
        ctx.emit_json(
            [
                {
                    "id": w.id,
                    "date": w.date.isoformat(),
                    "amount": decimal_str(w.amount_minor, w.currency),
                    "currency": w.currency,
                    "payer": w.payer_name,
                    "payer_account": w.payer_account,
                    "title": w.title,
                    "status": w.status,
                    "suggestions": [
                        {
                            "invoice_id": s.invoice_id,
                            "invoice": s.invoice_number,
                            "contractor_id": s.contractor_id,
                            "contractor": s.contractor_name,
                            "open": decimal_str(s.open_minor, s.currency),
                            "reason": s.reason,
                        }
                        for s in w.suggestions
                    ],
                }
                for w in waiting
            ]
        )
        return 0
    if not waiting:
        ctx.line(_("No payments are waiting to be matched"))
        return 0
    ctx.table(
        [_("Id"), _("Date"), _("Amount"), _("Payer"), _("Title")],
        [
            [
                str(w.id),
                format_day(w.date),
                format_money(w.amount_minor, w.currency),
                w.payer_name or "",
                w.title or "",
            ]
            for w in waiting
        ],
        right={2},
    )
    return 0


def match_payment(ctx: Context) -> int:
    a = ctx.args
    with ctx.db.write() as session:
        made = bank.match_by_reference(
            session, a.payment, a.invoice, amount=a.amount, actor=activity.current_actor()
        )
    view = views.get_payment(ctx.db, a.payment)
    if ctx.json:
        ctx.emit_json({"allocations": list(made), "payment": serialize.payment(view)})
        return 0
    ctx.line(
        _("Payment {id} matched; {amount} left unmatched").format(
            id=view.id, amount=format_money(view.unallocated_minor, view.currency)
        )
    )
    return 0


def unmatch_allocation(ctx: Context) -> int:
    with ctx.db.write() as session:
        payment_id = bank.unmatch(session, ctx.args.allocation, actor=activity.current_actor())
    view = views.get_payment(ctx.db, payment_id)
    if ctx.json:
        ctx.emit_json({"payment": serialize.payment(view)})
        return 0
    ctx.line(
        _("Allocation {id} undone; payment {payment} has {amount} unmatched").format(
            id=ctx.args.allocation,
            payment=view.id,
            amount=format_money(view.unallocated_minor, view.currency),
        )
    )
    return 0
