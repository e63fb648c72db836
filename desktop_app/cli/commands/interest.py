"""inkaso interest, inkaso compensation"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from desktop_app.cli.context import Context, json_flag, parse_date
from desktop_app.domain.compensation import Compensation
from desktop_app.domain.interest import (
    InterestKind,
    InterestResult,
    Payment,
    format_rate,
    interest_warnings,
)
from desktop_app.domain.money import (
    check_amount,
    decimal_str,
    format_money,
    normalize_currency,
    parse_amount,
)
from desktop_app.domain.rates import RateKind, check_rate_value
from desktop_app.errors import ValidationError
from desktop_app.i18n import _
from desktop_app.services import late_payment
from desktop_app.services.rates import parse_rate


def register(sub: argparse._SubParsersAction[Any]) -> None:
    calc = sub.add_parser(
        "interest",
        help=_("interest for late payment of one amount, per rate period"),
    )
    calc.add_argument("--amount", required=True, metavar="AMOUNT")
    calc.add_argument("--currency", default="PLN")
    calc.add_argument("--due", required=True, metavar="YYYY-MM-DD", help=_("due date"))
    until = calc.add_mutually_exclusive_group(required=True)
    until.add_argument("--paid", metavar="YYYY-MM-DD", help=_("the day it was paid"))
    until.add_argument("--to", metavar="YYYY-MM-DD", help=_("count the interest up to this day"))
    calc.add_argument(
        "--kind",
        choices=[k.value for k in InterestKind],
        default=InterestKind.COMMERCIAL.value,
        help=_("which interest (default: commercial)"),
    )
    calc.add_argument("--rate", metavar="PERCENT", help=_("the contract's rate (--kind contract)"))
    calc.add_argument(
        "--part-paid",
        action="append",
        default=[],
        metavar="YYYY-MM-DD=AMOUNT",
        help=_("a partial payment; repeat for each"),
    )
    json_flag(calc)
    calc.set_defaults(handler=show_interest)

    comp = sub.add_parser(
        "compensation",
        help=_("compensation for recovery costs (40/70/100 EUR) for one invoice"),
    )
    comp.add_argument("--amount", required=True, metavar="AMOUNT", help=_("invoice amount in PLN"))
    comp.add_argument("--due", required=True, metavar="YYYY-MM-DD", help=_("due date"))
    comp.add_argument(
        "--eur-rate",
        metavar="RATE",
        help=_("the NBP euro rate to use (default: stored, else fetched from NBP)"),
    )
    json_flag(comp)
    comp.set_defaults(handler=show_compensation)


def show_interest(ctx: Context) -> int:
    a = ctx.args
    currency = normalize_currency(a.currency)
    amount = parse_amount(a.amount, currency)
    kind = InterestKind(a.kind)
    if a.rate is not None and kind is not InterestKind.CONTRACT:
        raise ValidationError(_("--rate is for --kind contract only"), field="--rate")
    until = parse_date(a.paid, "--paid") if a.paid else parse_date(a.to, "--to")
    result = late_payment.interest(
        ctx.db,
        amount,
        currency,
        parse_date(a.due, "--due"),
        until=until,
        kind=kind,
        payments=[_partial(text, currency) for text in a.part_paid],
        contract_rate=parse_rate(a.rate) if a.rate is not None else None,
    )
    warnings = interest_warnings(result)
    if ctx.json:
        ctx.emit_json(interest_json(result, warnings))
    else:
        _print_interest(ctx, result)
    for note in warnings:
        sys.stderr.write(_("Warning: {note}").format(note=note) + "\n")
    return 0


def _partial(text: str, currency: str) -> Payment:
    day, sep, amount = text.partition("=")
    if not sep:
        raise ValidationError(
            _("--part-paid: use YYYY-MM-DD=AMOUNT, not {value}").format(value=text),
            field="--part-paid",
        )
    return Payment(parse_date(day, "--part-paid"), parse_amount(amount, currency))


def interest_json(result: InterestResult, warnings: list[str]) -> dict[str, Any]:
    c = result.currency
    return {
        "total": decimal_str(result.total_minor, c),
        "currency": c,
        "kind": result.kind.value,
        "days": result.days,
        "moved_due": result.moved_due.isoformat(),
        "periods": [
            {
                "from": p.start.isoformat(),
                "to": p.end.isoformat(),
                "days": p.days,
                "rate": format_rate(p.rate),
                "base": decimal_str(p.base_minor, c),
                "interest": decimal_str(p.interest_minor, c),
                "basis": p.basis,
                "status": p.status.value if p.status is not None else None,
                "past_known": p.past_known,
            }
            for p in result.periods
        ],
        "past_known_from": result.past_known_from.isoformat() if result.past_known_from else None,
        "warnings": warnings,
    }


def _print_interest(ctx: Context, result: InterestResult) -> None:
    c = result.currency
    ctx.line(
        _("Due {due} (after Art. 115 KC), {days} days late").format(
            due=result.moved_due.isoformat(), days=result.days
        )
    )
    if result.periods:
        ctx.table(
            [_("From"), _("Until"), _("Days"), _("Rate %"), _("Base"), _("Interest")],
            [
                [
                    p.start.isoformat(),
                    p.end.isoformat(),
                    str(p.days),
                    format_rate(p.rate) + (" [U]" if p.status and p.status.value == "U" else ""),
                    format_money(p.base_minor, c),
                    format_money(p.interest_minor, c),
                ]
                for p in result.periods
            ],
            right={2, 3, 4, 5},
        )
    ctx.line(_("Interest: {total}").format(total=format_money(result.total_minor, c)))


def show_compensation(ctx: Context) -> int:
    a = ctx.args
    amount = check_amount(parse_amount(a.amount, "PLN"), "PLN")
    due = parse_date(a.due, "--due")
    eur_rate = (
        check_rate_value(RateKind.EUR, parse_rate(a.eur_rate)) if a.eur_rate is not None else None
    )
    result = late_payment.compensation(ctx.db, amount, due, eur_rate=eur_rate)
    if result is None:
        # only a zero amount gets here: the command claims for a business debtor
        raise ValidationError(_("Nothing is owed, so no compensation is due"), field="--amount")
    if ctx.json:
        ctx.emit_json(compensation_json(result))
        return 0
    ctx.line(
        _("{eur} EUR × {rate} (NBP, {date}) = {pln}").format(
            eur=decimal_str(result.eur_minor, "EUR"),
            rate=f"{result.rate:.4f}",
            date=result.rate_date.isoformat(),
            pln=format_money(result.pln_minor, "PLN"),
        )
    )
    return 0


def compensation_json(result: Compensation) -> dict[str, Any]:
    return {
        "eur": decimal_str(result.eur_minor, "EUR"),
        "rate_date": result.rate_date.isoformat(),
        "rate": f"{result.rate:.4f}",
        "pln": decimal_str(result.pln_minor, "PLN"),
    }
