"""inkaso letter demand|final|big|interest-note|compensation|balance|pretension, letter batch,
letter template show|set|revert"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from desktop_app.cli.context import Context, json_date, json_flag, today_flag, whole_number
from desktop_app.domain.money import decimal_str, format_money, normalize_currency, parse_amount
from desktop_app.errors import ValidationError
from desktop_app.i18n import LANGUAGES, N_, _
from desktop_app.letters.bureaus import DEFAULT_BUREAU, bureaus
from desktop_app.letters.model import KINDS, LetterData
from desktop_app.letters.texts import LetterTemplate
from desktop_app.services import letter_templates, letters
from desktop_app.services.letters import BatchRequest, LetterRequest, WrittenLetters

_HELP = {
    "demand": N_("demand for payment (wezwanie do zapłaty)"),
    "final": N_("final demand before court (przedsądowe wezwanie do zapłaty)"),
    "big": N_("demand warning of a debtor-register listing (art. 15 conditions are checked)"),
    "interest-note": N_("interest note for invoices paid late (nota odsetkowa)"),
    "compensation": N_("note claiming the 40/70/100 EUR compensation for recovery costs"),
    "balance": N_("balance confirmation (potwierdzenie salda)"),
    "pretension": N_("pre-trial claim under Russian law (претензия)"),
}


def register(sub: argparse._SubParsersAction[Any]) -> None:
    group = sub.add_parser("letter", help=_("demand letters and notes as PDF"))
    actions = group.add_subparsers(dest="action", metavar="DOCUMENT", required=True)
    for kind in KINDS:
        one = actions.add_parser(kind, help=_(_HELP[kind]))
        one.add_argument("--contractor", required=True, metavar="ID|NIP")
        one.add_argument(
            "--invoice",
            action="append",
            default=[],
            metavar="NO",
            help=_("only this invoice (repeatable; default: every one the document is about)"),
        )
        _common(one)
        if kind == "big":
            one.add_argument(
                "--bureau",
                choices=sorted(bureaus()),
                default=DEFAULT_BUREAU,
                help=_("the debtor register the warning names"),
            )
        one.set_defaults(handler=write_one, kind=kind)
    batch = actions.add_parser(
        "batch",
        help=_(
            "one PDF with a letter to each contractor owing at least --min-amount overdue for "
            "at least --min-days, and the registered-mail list beside it (FILE-ksiazka.pdf)"
        ),
    )
    batch.add_argument("--min-days", required=True, type=whole_number(0, 36_500), metavar="N")
    batch.add_argument("--min-amount", required=True, metavar="AMOUNT")
    batch.add_argument("--currency", default="PLN")
    batch.add_argument("--kind", choices=("demand", "final", "big", "pretension"), default="demand")
    _common(batch)
    batch.set_defaults(handler=write_batch)
    _register_templates(actions)


def _register_templates(actions: argparse._SubParsersAction[Any]) -> None:
    group = actions.add_parser("template", help=_("the wording of letters: show, change, revert"))
    verbs = group.add_subparsers(dest="verb", metavar="ACTION", required=True)
    show = verbs.add_parser("show", help=_("print a letter's title and text template"))
    change = verbs.add_parser(
        "set", help=_("use your own wording (tried on a sample letter before it is saved)")
    )
    revert = verbs.add_parser("revert", help=_("back to the shipped wording"))
    for parser in (show, change, revert):
        parser.add_argument("kind", choices=KINDS, metavar="DOCUMENT")
        parser.add_argument("--language", choices=LANGUAGES, default="pl")
    change.add_argument("--title-file", metavar="FILE", help=_("the title template"))
    change.add_argument(
        "--body-file", required=True, metavar="FILE", help=_("the text template (UTF-8)")
    )
    json_flag(show)
    show.set_defaults(handler=show_template)
    change.set_defaults(handler=set_template)
    revert.set_defaults(handler=revert_template)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", required=True, metavar="FILE.pdf", help=_("the PDF to write"))
    parser.add_argument(
        "--registered",
        action="store_true",
        help=_("record that the letter goes by registered mail today"),
    )
    today_flag(parser)
    json_flag(parser)


def write_one(ctx: Context) -> int:
    a = ctx.args
    request = LetterRequest(
        kind=a.kind,
        contractor=a.contractor,
        today=ctx.today(),
        invoices=tuple(a.invoice),
        registered=a.registered,
        bureau=getattr(a, "bureau", DEFAULT_BUREAU),
    )
    sources = letters.load_sources(ctx.db)
    written = letters.write_letter(ctx.db, request, sources, Path(a.out))
    _report(ctx, written, [])
    return 0


def write_batch(ctx: Context) -> int:
    a = ctx.args
    currency = normalize_currency(a.currency)
    request = BatchRequest(
        today=ctx.today(),
        min_days=a.min_days,
        min_amount_minor=parse_amount(a.min_amount, currency),
        currency=currency,
        kind=a.kind,
        registered=a.registered,
    )
    sources = letters.load_sources(ctx.db)
    written, refused = letters.write_batch(ctx.db, request, sources, Path(a.out))
    _report(ctx, written, refused)
    return 0


def _claimed(letter: LetterData) -> list[tuple[int, str]]:
    if letter.kind == "balance":
        return [(t.principal.minor, t.currency) for t in letter.totals]
    return [(t.total.minor, t.currency) for t in letter.totals]


def _report(ctx: Context, written: WrittenLetters, refused: list[str]) -> None:
    if ctx.json:
        ctx.emit_json(
            {
                "file": str(written.path),
                "postbook": str(written.postbook) if written.postbook else None,
                "letters": [
                    {
                        "document": x.kind,
                        "reference": x.reference,
                        "contractor": x.debtor.name,
                        "language": x.language,
                        "deadline": json_date(x.deadline),
                        "registered": x.registered,
                        "invoices": [i.number for i in x.items],
                        "amounts": [
                            {"amount": decimal_str(m, c), "currency": c} for m, c in _claimed(x)
                        ],
                    }
                    for x in written.letters
                ],
                "refused": refused,
                "warnings": list(written.warnings),
            }
        )
        return
    for x in written.letters:
        amounts = ", ".join(format_money(m, c) for m, c in _claimed(x))
        ctx.line(
            _("{reference}: {name}, {amount}").format(
                reference=x.reference, name=x.debtor.name, amount=amounts
            )
        )
    ctx.line(_("Written: {path}").format(path=written.path))
    if written.postbook is not None:
        ctx.line(_("Registered-mail list: {path}").format(path=written.postbook))
    for reason in refused:
        ctx.line(_("Left out: {reason}").format(reason=reason))
    for warning in written.warnings:
        ctx.line(_("Check: {warning}").format(warning=warning))


#: a letter's template is a page of text; more is a mistake (or /dev/zero)
MAX_TEMPLATE_BYTES = 100_000


def _read_template(path: str) -> str:
    try:
        with Path(path).open("rb") as handle:
            data = handle.read(MAX_TEMPLATE_BYTES + 1)
    except OSError as exc:
        raise ValidationError(
            _("Cannot read {path}: {reason}").format(path=path, reason=exc.strerror or exc),
            field="file",
        ) from exc
    if len(data) > MAX_TEMPLATE_BYTES:
        raise ValidationError(
            _("{path} is larger than {size} kB").format(path=path, size=MAX_TEMPLATE_BYTES // 1000),
            field="file",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            _("{path} is not UTF-8 text").format(path=path), field="file"
        ) from exc


def show_template(ctx: Context) -> int:
    a = ctx.args
    template, own = letter_templates.get_letter_template(ctx.db, a.kind, a.language)
    if ctx.json:
        ctx.emit_json({"title": template.title, "body": template.body, "customised": own})
        return 0
    ctx.line(template.title.rstrip())
    ctx.line()
    ctx.line(template.body.rstrip())
    return 0


def set_template(ctx: Context) -> int:
    a = ctx.args
    current, _own = letter_templates.get_letter_template(ctx.db, a.kind, a.language)
    title = _read_template(a.title_file) if a.title_file else current.title
    body = _read_template(a.body_file)
    letter_templates.save_letter_template(ctx.db, LetterTemplate(a.kind, a.language, title, body))
    ctx.line(_("Wording of {kind} ({lang}) saved").format(kind=a.kind, lang=a.language))
    return 0


def revert_template(ctx: Context) -> int:
    a = ctx.args
    letter_templates.revert_letter_template(ctx.db, a.kind, a.language)
    ctx.line(_("Wording of {kind} ({lang}) reverted").format(kind=a.kind, lang=a.language))
    return 0
