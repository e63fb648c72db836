"""inkaso contractor add|edit|delete|show|list (export|anonymise: commands/privacy.py)"""

from __future__ import annotations

import argparse
from typing import Any

from desktop_app.cli import serialize
from desktop_app.cli.commands import privacy
from desktop_app.cli.context import (
    MAX_ROWS,
    Context,
    json_flag,
    parse_date,
    today_flag,
    whole_number,
)
from desktop_app.domain.identifiers import format_phone
from desktop_app.domain.money import (
    format_amounts,
    format_money,
    normalize_currency,
    parse_amount,
)
from desktop_app.errors import NotFoundError
from desktop_app.i18n import _, ngettext
from desktop_app.services import contractor_list, contractors, deletion, firm, users, views
from desktop_app.services.contractor_list import ContractorRow
from desktop_app.services.dunning import actions, promises


def register(sub: argparse._SubParsersAction[Any]) -> None:
    group = sub.add_parser("contractor", help=_("add, show and list contractors"))
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True)

    add = actions.add_parser("add", help=_("add a contractor"))
    add.add_argument("--name", required=True, help=_("full name of the firm or person"))
    add.add_argument("--nip", help=_("Polish tax id (checked)"))
    add.add_argument("--regon", help=_("REGON (checked)"))
    add.add_argument("--email", action="append", default=[], help=_("e-mail address (repeatable)"))
    add.add_argument("--phone", action="append", default=[], help=_("phone number (repeatable)"))
    add.add_argument("--street")
    add.add_argument("--postal-code")
    add.add_argument("--city")
    add.add_argument("--country", default="PL")
    add.add_argument(
        "--terms",
        type=whole_number(0, contractors.MAX_TERMS_DAYS),
        default=14,
        metavar="DAYS",
        help=_("default payment terms"),
    )
    add.add_argument(
        "--language",
        "--lang",  # kept for scripts written before --language
        dest="contractor_lang",
        choices=("pl", "en", "ru"),
        default="pl",
        help=_(
            "language of the reminders and letters sent to this contractor (the language of "
            "Inkaso's own output is the --lang given before the command)"
        ),
    )
    add.add_argument("--credit-limit", metavar="AMOUNT")
    add.add_argument("--credit-currency", default="PLN")
    add.add_argument("--tag", action="append", default=[], help=_("tag (repeatable)"))
    add.add_argument("--notes")
    json_flag(add)
    add.set_defaults(handler=add_contractor)

    edit = actions.add_parser(
        "edit", help=_("change a contractor; options not given stay as they are")
    )
    edit.add_argument("contractor", metavar="ID|NIP")
    edit.add_argument("--name", help=_("full name of the firm or person"))
    edit.add_argument("--nip", help=_("Polish tax id (checked); empty to remove"))
    edit.add_argument("--regon", help=_("REGON (checked)"))
    edit.add_argument(
        "--email", action="append", help=_("e-mail address (repeatable; replaces the list)")
    )
    edit.add_argument(
        "--phone", action="append", help=_("phone number (repeatable; replaces the list)")
    )
    edit.add_argument("--street")
    edit.add_argument("--postal-code")
    edit.add_argument("--city")
    edit.add_argument("--country")
    edit.add_argument(
        "--terms",
        type=whole_number(0, contractors.MAX_TERMS_DAYS),
        metavar="DAYS",
        help=_("default payment terms"),
    )
    edit.add_argument(
        "--language",
        dest="contractor_lang",
        choices=("pl", "en", "ru"),
        help=_("language of the reminders and letters sent to this contractor"),
    )
    edit.add_argument("--credit-limit", metavar="AMOUNT", help=_("empty to remove"))
    edit.add_argument("--credit-currency")
    edit.add_argument(
        "--manager", metavar="LOGIN", help=_("login of the account manager; empty for none")
    )
    edit.add_argument("--tag", action="append", help=_("tag (repeatable; replaces the list)"))
    edit.add_argument("--notes")
    json_flag(edit)
    edit.set_defaults(handler=edit_contractor)

    delete = actions.add_parser(
        "delete", help=_("delete a contractor that has no invoices and no payments")
    )
    delete.add_argument("contractor", metavar="ID|NIP")
    json_flag(delete)
    delete.set_defaults(handler=delete_contractor)

    show = actions.add_parser("show", help=_("show a contractor's card"))
    show.add_argument("contractor", metavar="ID|NIP")
    today_flag(show)
    json_flag(show)
    show.set_defaults(handler=show_contractor)

    lst = actions.add_parser("list", help=_("list contractors with their balances"))
    lst.add_argument("--overdue", action="store_true", help=_("only contractors with overdue debt"))
    lst.add_argument("--search", default="", help=_("name, city, NIP, e-mail or phone fragment"))
    lst.add_argument("--sort", choices=contractor_list.SORT_KEYS, default=None)
    lst.add_argument("--limit", type=whole_number(1, MAX_ROWS), metavar="N")
    lst.add_argument(
        "--currency", help=_("currency whose amounts order the list (default: the firm's)")
    )
    today_flag(lst)
    json_flag(lst)
    lst.set_defaults(handler=list_contractors)

    pause = actions.add_parser("pause", help=_("pause reminders to a contractor until a day"))
    pause.add_argument("contractor", metavar="ID|NIP")
    pause.add_argument("--until", required=True, metavar="YYYY-MM-DD")
    pause.add_argument("--reason", required=True)
    pause.set_defaults(handler=pause_contractor)
    resume = actions.add_parser("resume", help=_("resume reminders to a contractor"))
    resume.add_argument("contractor", metavar="ID|NIP")
    resume.set_defaults(handler=resume_contractor)
    promise = actions.add_parser("promise", help=_("record a promise to pay (pauses reminders)"))
    promise.add_argument("contractor", metavar="ID|NIP")
    promise.add_argument("--date", required=True, metavar="YYYY-MM-DD", help=_("promised day"))
    promise.add_argument("--amount", required=True, metavar="AMOUNT")
    promise.add_argument("--currency", default="PLN")
    promise.add_argument("--note")
    today_flag(promise)
    promise.set_defaults(handler=promise_contractor)
    privacy.register(actions)


def add_contractor(ctx: Context) -> int:
    a = ctx.args
    limit = parse_amount(a.credit_limit, a.credit_currency) if a.credit_limit else None
    new_id = contractors.add_contractor(
        ctx.db,
        contractors.ContractorInput(
            name=a.name,
            nip=a.nip,
            regon=a.regon,
            street=a.street,
            postal_code=a.postal_code,
            city=a.city,
            country=a.country,
            emails=a.email,
            phones=a.phone,
            terms_days=a.terms,
            language=a.contractor_lang,
            credit_limit_minor=limit,
            credit_limit_currency=a.credit_currency if limit is not None else None,
            tags=a.tag,
            notes=a.notes,
        ),
    )
    view = views.get_contractor(ctx.db, new_id)
    if ctx.json:
        ctx.emit_json(serialize.contractor(view))
    else:
        ctx.line(_("Contractor {id} added: {name}").format(id=view.id, name=view.name))
    return 0


def edit_contractor(ctx: Context) -> int:
    a = ctx.args
    current = views.get_contractor(ctx.db, a.contractor)
    data = views.contractor_input(current)
    for option, attribute in (
        ("name", "name"),
        ("nip", "nip"),
        ("regon", "regon"),
        ("street", "street"),
        ("postal_code", "postal_code"),
        ("city", "city"),
        ("country", "country"),
        ("terms", "terms_days"),
        ("contractor_lang", "language"),
        ("notes", "notes"),
        ("email", "emails"),
        ("phone", "phones"),
        ("tag", "tags"),
    ):
        value = getattr(a, option)
        if value is not None:
            setattr(data, attribute, value)
    if a.credit_currency is not None:
        data.credit_limit_currency = a.credit_currency
    if a.credit_limit is not None:
        currency = data.credit_limit_currency or "PLN"
        data.credit_limit_minor = (
            parse_amount(a.credit_limit, currency) if a.credit_limit.strip() else None
        )
        data.credit_limit_currency = currency if data.credit_limit_minor is not None else None
    if a.manager is not None:
        data.assigned_user_id = _user_id(ctx, a.manager) if a.manager.strip() else None
    contractors.edit_contractor(ctx.db, current.id, data)
    view = views.get_contractor(ctx.db, current.id)
    if ctx.json:
        ctx.emit_json(serialize.contractor(view))
    else:
        ctx.line(_("Contractor {id} changed: {name}").format(id=view.id, name=view.name))
    return 0


def _user_id(ctx: Context, login: str) -> int:
    wanted = login.strip().casefold()
    for user in users.list_users(ctx.db):
        if user.login.casefold() == wanted:
            return user.id
    raise NotFoundError(_("No Inkaso user with login {login}").format(login=login), field="manager")


def delete_contractor(ctx: Context) -> int:
    deleted = deletion.delete_contractor(ctx.db, ctx.args.contractor)
    if ctx.json:
        ctx.emit_json({"deleted": "contractor", "id": deleted.contractor_id, "name": deleted.name})
    else:
        ctx.line(deleted.sentence())
    return 0


def show_contractor(ctx: Context) -> int:
    card = views.contractor_card(ctx.db, ctx.args.contractor, ctx.today())
    if ctx.json:
        ctx.emit_json(serialize.card(card))
        return 0
    c = card.contractor
    ctx.line(f"{c.name}  (id {c.id})")
    if c.nip:
        ctx.line(_("NIP: {nip}").format(nip=c.nip))
    address = ", ".join(p for p in (c.street, " ".join(filter(None, (c.postal_code, c.city)))) if p)
    if address:
        ctx.line(address)
    for email in c.emails:
        ctx.line(_("E-mail: {email}").format(email=email))
    for phone in c.phones:
        ctx.line(_("Phone: {phone}").format(phone=format_phone(phone)))
    ctx.line(
        ngettext("Payment terms: {days} day", "Payment terms: {days} days", c.terms_days).format(
            days=c.terms_days
        )
    )
    ctx.line()
    for b in card.balances:
        ctx.line(
            ngettext(
                "Open {open}, overdue {overdue}, oldest {days} day overdue",
                "Open {open}, overdue {overdue}, oldest {days} days overdue",
                b.max_days_overdue,
            ).format(
                open=format_money(b.open_minor, b.currency),
                overdue=format_money(b.overdue_minor, b.currency),
                days=b.max_days_overdue,
            )
        )
        if b.credit_minor:
            ctx.line(
                _("Credit (overpaid): {amount}").format(
                    amount=format_money(b.credit_minor, b.currency)
                )
            )
    ctx.line()
    rows = [
        (
            inv.number,
            str(inst.seq),
            inv.issue_date.isoformat(),
            inst.due_date.isoformat(),
            format_money(inst.amount_minor, inv.currency),
            format_money(inst.open_minor, inv.currency),
            str(inst.days_overdue) if inst.open_minor and inst.days_overdue else "",
        )
        for inv in card.invoices
        for inst in inv.instalments
    ]
    ctx.table(
        [_("Invoice"), _("No."), _("Issued"), _("Due"), _("Amount"), _("Open"), _("Days overdue")],
        rows,
        right={1, 4, 5, 6},
    )
    return 0


def list_contractors(ctx: Context) -> int:
    a = ctx.args
    today = ctx.today()
    currency = (a.currency or firm.home_currency(ctx.db)).upper()
    sort = a.sort or ("overdue" if a.overdue else "name")
    ids = contractor_list.search_ids(
        ctx.db,
        today=today,
        currency=currency,
        text=a.search,
        sort=sort,
        descending=sort in ("open", "overdue", "days"),
        overdue_only=a.overdue,
        limit=a.limit,
    )
    rows = contractor_list.fetch_rows(ctx.db, ids, today=today, currency=currency)
    if ctx.json:
        ctx.emit_json([serialize.contractor_row(r) for r in rows])
        return 0
    ctx.table(
        [_("ID"), _("Name"), _("NIP"), _("Open"), _("Overdue"), _("Days overdue")],
        [
            (
                str(r.id),
                r.name,
                r.nip or "",
                _amounts(r, "open_minor"),
                _amounts(r, "overdue_minor"),
                str(r.max_days_overdue or ""),
            )
            for r in rows
        ],
        right={0, 3, 4, 5},
    )
    return 0


def _amounts(row: ContractorRow, amount: str) -> str:
    return format_amounts(((getattr(b, amount), b.currency) for b in row.balances), row.currency)


def pause_contractor(ctx: Context) -> int:
    until = parse_date(ctx.args.until, "--until")
    actions.pause_contractor(ctx.db, ctx.args.contractor, until, ctx.args.reason)
    ctx.line(_("Reminders paused until {date}").format(date=until.isoformat()))
    return 0


def resume_contractor(ctx: Context) -> int:
    actions.pause_contractor(ctx.db, ctx.args.contractor, None, None)
    ctx.line(_("Reminders resumed"))
    return 0


def promise_contractor(ctx: Context) -> int:
    a = ctx.args
    currency = normalize_currency(a.currency)
    promises.add_promise(
        ctx.db,
        contractor=a.contractor,
        due_on=parse_date(a.date, "--date"),
        amount_minor=parse_amount(a.amount, currency),
        currency=currency,
        today=ctx.today(),
        note=a.note,
    )
    ctx.line(_("Promise recorded; reminders wait until {date}").format(date=a.date))
    return 0
