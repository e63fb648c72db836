"""inkaso invoice add|edit|delete|dispute|undispute|pause|resume"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from desktop_app.cli import serialize
from desktop_app.cli.context import Context, json_flag, parse_date, today_flag
from desktop_app.domain.money import format_money, normalize_currency, parse_amount
from desktop_app.errors import ValidationError
from desktop_app.i18n import _
from desktop_app.services import deletion, invoices, views
from desktop_app.services.credit_policy import credit_outlook
from desktop_app.services.dunning import actions as dunning_actions


def register(sub: argparse._SubParsersAction[Any]) -> None:
    group = sub.add_parser("invoice", help=_("record invoices"))
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help=_("record an invoice with one or more due dates"))
    add.add_argument("--contractor", required=True, metavar="ID|NIP")
    add.add_argument("--number", required=True, metavar="NO")
    add.add_argument("--issued", required=True, metavar="YYYY-MM-DD")
    add.add_argument("--sold", metavar="YYYY-MM-DD", help=_("sale date"))
    add.add_argument("--due", metavar="YYYY-MM-DD")
    add.add_argument("--amount", metavar="AMOUNT", help=_("gross amount"))
    add.add_argument(
        "--instalment",
        action="append",
        default=[],
        metavar="DATE:AMOUNT",
        help=_("one due date and its amount (repeatable, instead of --due/--amount)"),
    )
    add.add_argument("--currency", default="PLN")
    add.add_argument("--corrects", metavar="NO", help=_("number of the invoice this corrects"))
    json_flag(add)
    add.set_defaults(handler=add_invoice)

    edit = actions.add_parser(
        "edit", help=_("change an invoice; options not given stay as they are")
    )
    edit.add_argument("invoice", metavar="NO")
    edit.add_argument("--number", metavar="NO", help=_("new number"))
    edit.add_argument("--contractor", metavar="ID|NIP")
    edit.add_argument("--issued", metavar="YYYY-MM-DD")
    edit.add_argument("--sold", metavar="YYYY-MM-DD", help=_("sale date"))
    edit.add_argument("--due", metavar="YYYY-MM-DD", help=_("due date of a single instalment"))
    edit.add_argument("--amount", metavar="AMOUNT", help=_("amount of a single instalment"))
    edit.add_argument(
        "--instalment",
        action="append",
        default=[],
        metavar="DATE:AMOUNT",
        help=_("the instalments anew, in order (repeatable; replaces them all)"),
    )
    edit.add_argument("--currency")
    today_flag(edit)
    json_flag(edit)
    edit.set_defaults(handler=edit_invoice)

    delete = actions.add_parser(
        "delete", help=_("delete an invoice; what paid it becomes the contractor's credit")
    )
    delete.add_argument("invoice", metavar="NO")
    json_flag(delete)
    delete.set_defaults(handler=delete_invoice)

    dispute = actions.add_parser("dispute", help=_("mark an invoice disputed: no reminders"))
    dispute.add_argument("number", metavar="NO")
    dispute.add_argument("--reason", required=True)
    dispute.set_defaults(handler=lambda ctx: _dispute(ctx, True))
    undispute = actions.add_parser("undispute", help=_("close the dispute; reminders resume"))
    undispute.add_argument("number", metavar="NO")
    undispute.set_defaults(handler=lambda ctx: _dispute(ctx, False))
    pause = actions.add_parser("pause", help=_("pause reminders for one invoice until a day"))
    pause.add_argument("number", metavar="NO")
    pause.add_argument("--until", required=True, metavar="YYYY-MM-DD")
    pause.add_argument("--reason", required=True)
    pause.set_defaults(handler=_pause)
    resume = actions.add_parser("resume", help=_("resume reminders for one invoice"))
    resume.add_argument("number", metavar="NO")
    resume.set_defaults(handler=_resume)


def add_invoice(ctx: Context) -> int:
    a = ctx.args
    currency = normalize_currency(a.currency)
    parts, gross = _instalments(a, currency)
    issued = parse_date(a.issued, "--issued")
    credit = None if a.corrects else credit_outlook(ctx.db, a.contractor, issued)
    new_id = invoices.add_invoice(
        ctx.db,
        invoices.InvoiceInput(
            contractor=a.contractor,
            number=a.number,
            issue_date=parse_date(a.issued, "--issued"),
            sale_date=parse_date(a.sold, "--sold") if a.sold else None,
            currency=currency,
            instalments=parts,
            kind="correction" if a.corrects else "invoice",
            corrects=a.corrects,
            gross_minor=gross,
        ),
    )
    view = views.get_invoice(ctx.db, new_id, issued)
    warning = credit.warning(view.gross_minor, view.currency) if credit is not None else None
    if warning:
        sys.stderr.write(warning + "\n")  # on stderr: the invoice is recorded all the same
    if ctx.json:
        ctx.emit_json(serialize.invoice(view))
    else:
        ctx.line(
            _("Invoice {number} recorded: {amount}").format(
                number=view.number, amount=format_money(view.gross_minor, view.currency)
            )
        )
    return 0


def edit_invoice(ctx: Context) -> int:
    a = ctx.args
    today = ctx.today()
    view = views.find_invoice(ctx.db, a.invoice, today)
    currency = normalize_currency(a.currency) if a.currency else view.currency
    parts = [invoices.InstalmentInput(p.due_date, p.amount_minor, p.id) for p in view.instalments]
    if a.instalment:
        if a.due or a.amount:
            raise ValidationError(_("Give either --due and --amount, or --instalment, not both"))
        given, _gross = _instalments(a, currency)
        # the n-th instalment given replaces the n-th on file: what is paid of it stays with it
        ids = [p.id for p in parts]
        parts = [
            invoices.InstalmentInput(p.due_date, p.amount_minor, ids[n] if n < len(ids) else None)
            for n, p in enumerate(given)
        ]
    elif a.due or a.amount:
        if len(parts) != 1:
            raise ValidationError(
                _("Invoice {number} has several instalments; give them with --instalment").format(
                    number=view.number
                ),
                field="instalment",
            )
        only = parts[0]
        parts = [
            invoices.InstalmentInput(
                parse_date(a.due, "--due") if a.due else only.due_date,
                parse_amount(a.amount, currency) if a.amount else only.amount_minor,
                only.id,
            )
        ]
    new_id = invoices.edit_invoice(
        ctx.db,
        view.id,
        invoices.InvoiceInput(
            contractor=a.contractor or view.contractor_id,
            number=a.number or view.number,
            issue_date=parse_date(a.issued, "--issued") if a.issued else view.issue_date,
            sale_date=parse_date(a.sold, "--sold") if a.sold else view.sale_date,
            currency=currency,
            instalments=parts,
            kind=view.kind,
            corrects=view.corrects,
            gross_minor=view.gross_minor if view.gross_minor < 0 else None,
        ),
    )
    edited = views.get_invoice(ctx.db, new_id, today)
    if ctx.json:
        ctx.emit_json(serialize.invoice(edited))
    else:
        ctx.line(
            _("Invoice {number} changed: {amount}").format(
                number=edited.number, amount=format_money(edited.gross_minor, edited.currency)
            )
        )
    return 0


def delete_invoice(ctx: Context) -> int:
    deleted = deletion.delete_invoice(ctx.db, ctx.args.invoice)
    if ctx.json:
        ctx.emit_json({"deleted": "invoice", "number": deleted.name})
    else:
        ctx.line(deleted.sentence())
    return 0


def _instalments(
    a: argparse.Namespace, currency: str
) -> tuple[list[invoices.InstalmentInput], int | None]:
    """(instalments, signed gross of a lowering correction or None)."""
    if a.instalment and (a.due or a.amount):
        raise ValidationError(_("Give either --due and --amount, or --instalment, not both"))
    if a.instalment:
        parts = []
        for spec in a.instalment:
            day, sep, amount = spec.partition(":")
            if not sep:
                raise ValidationError(
                    _("--instalment {spec}: expected DATE:AMOUNT").format(spec=spec),
                    field="instalment",
                )
            parts.append(
                invoices.InstalmentInput(
                    parse_date(day, "--instalment"), parse_amount(amount, currency)
                )
            )
        return parts, None
    if a.corrects and a.amount:
        gross = parse_amount(a.amount, currency, allow_negative=True)
        if gross <= 0:
            return [], gross  # lowers the corrected invoice; no due date of its own
    if not a.due or not a.amount:
        raise ValidationError(
            _("An invoice needs --due and --amount, or --instalment"), field="due"
        )
    return [
        invoices.InstalmentInput(parse_date(a.due, "--due"), parse_amount(a.amount, currency))
    ], None


def _dispute(ctx: Context, disputed: bool) -> int:
    dunning_actions.set_dispute(
        ctx.db, ctx.args.number, disputed, getattr(ctx.args, "reason", None)
    )
    ctx.line(_("Done"))
    return 0


def _pause(ctx: Context) -> int:
    until = parse_date(ctx.args.until, "--until")
    dunning_actions.pause_invoice(ctx.db, ctx.args.number, until, ctx.args.reason)
    ctx.line(_("Reminders paused until {date}").format(date=until.isoformat()))
    return 0


def _resume(ctx: Context) -> int:
    dunning_actions.pause_invoice(ctx.db, ctx.args.number, None, None)
    ctx.line(_("Reminders resumed"))
    return 0
