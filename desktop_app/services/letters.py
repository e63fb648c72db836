"""Letters from the database: what each document claims, the legal conditions, the record.

The use case (:func:`write_letters`) reads everything in one read transaction, renders the
templates and the PDF outside any transaction (templates run on a budget), writes the file next
to its target, records the letters in the activity log in one write transaction, and only then
puts the file in place. A refused letter (its legal conditions do not hold, nothing to claim)
writes no file and records nothing.

Interest and compensation come from the interest domain (``interest_for``,
``compensation_for``) with the rate tables the caller hands in; this module never computes them.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from babel import Locale
from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager, selectinload

from db.models import Activity, Contractor, Firm, Instalment, Invoice, Setting, User
from db.uow import Database
from desktop_app.domain.compensation import (
    MissingEurRateError,
    business_debtor,
    compensation_for,
    rate_day,
)
from desktop_app.domain.identifiers import format_iban, format_phone
from desktop_app.domain.interest import InterestKind, InterestResult, Payment, interest_for
from desktop_app.domain.letter_rules import (
    Overdue,
    big_letter_missing,
    days_late,
    letter_deadline,
)
from desktop_app.domain.money import Money, decimal_str
from desktop_app.domain.rates import RateTable
from desktop_app.domain.receivables import counts_on, open_as_of
from desktop_app.errors import InkasoError, ValidationError
from desktop_app.i18n import N_, _
from desktop_app.letters.bureaus import DEFAULT_BUREAU, bureau
from desktop_app.letters.model import (
    DEMANDS,
    LetterData,
    LetterItem,
    LetterKind,
    Party,
    Signature,
    totals_of,
)
from desktop_app.letters.model import InterestRow as LetterInterestRow
from desktop_app.letters.pdf import render_pdf
from desktop_app.letters.postbook import PostbookEntry, render_postbook
from desktop_app.letters.texts import LetterTemplate, LetterText, render_text
from desktop_app.letters.words import amount_in_words
from desktop_app.messaging.context import BankAccount
from desktop_app.services import activity
from desktop_app.services.contractors import resolve
from desktop_app.services.late_payment import ensure_eur_rates
from desktop_app.services.letter_templates import template_in
from desktop_app.services.rates import eur_rates_in, interest_tables_in

log = logging.getLogger(__name__)

#: days the debtor is given, counted from the letter's date (then moved by Art. 115 KC)
DEADLINE_DAYS: Mapping[str, int] = {
    "demand": 7,
    "final": 7,
    "big": 14,
    "interest-note": 7,
    "compensation": 7,
    "balance": 14,
    "pretension": 30,
}
_PREFIX = {
    "demand": "WZ",
    "final": "WP",
    "big": "WB",
    "interest-note": "NO",
    "compensation": "NR",
    "balance": "PS",
    "pretension": "PR",
}
#: an interest note covers invoices paid late in the year before the letter unless named
INTEREST_NOTE_DAYS = 365
REGISTERED = "registered_mail"


class LetterRefusedError(InkasoError):
    """The letter may not be written: a legal condition does not hold or there is nothing to claim."""


@dataclass(frozen=True)
class InterestSources:
    """The rate tables interest and compensation are read from (the caller loads them)."""

    tables: Mapping[str, RateTable]  # by InterestKind value
    eur_rates: Mapping[dt.date, Decimal] = field(default_factory=dict)

    def table(self, kind: InterestKind) -> RateTable | None:
        return self.tables.get(kind.value)


@dataclass(frozen=True)
class LetterRequest:
    kind: LetterKind
    contractor: str | int
    today: dt.date
    invoices: tuple[str, ...] = ()
    registered: bool = False
    bureau: str = DEFAULT_BUREAU


@dataclass(frozen=True)
class Built:
    """A letter ready to render, and what its figures rest on that the user should check."""

    letter: LetterData
    contractor_id: int
    #: the wording it is rendered with: the owner's, else the shipped one
    template: LetterTemplate
    warnings: tuple[str, ...] = ()
    #: due dates whose compensation needs a euro rate nobody stored
    missing_eur: tuple[dt.date, ...] = ()


@dataclass(frozen=True)
class WrittenLetters:
    path: Path
    letters: tuple[LetterData, ...]
    warnings: tuple[str, ...]
    postbook: Path | None = None


# -- reading ------------------------------------------------------------------------------


def _firm(session: Session) -> Firm:
    firm = session.scalar(
        select(Firm).order_by(Firm.id).limit(1).options(selectinload(Firm.accounts))
    )
    if firm is None:
        raise ValidationError(
            _("The firm's details are not set: a letter needs its creditor ('inkaso firm set')")
        )
    return firm


def _address(street: str | None, postal_code: str | None, city: str | None) -> tuple[str, ...]:
    town = " ".join(p for p in (postal_code, city) if p)
    return tuple(p for p in (street, town) if p)


def _creditor(firm: Firm) -> Party:
    return Party(
        name=firm.name,
        nip=firm.nip or "",
        address_lines=_address(firm.street, firm.postal_code, firm.city),
        email=firm.email or "",
        phone=format_phone(firm.phone) if firm.phone else "",
    )


def _debtor(contractor: Contractor, firm: Firm) -> Party:
    lines = _address(contractor.street, contractor.postal_code, contractor.city)
    if contractor.country and contractor.country != firm.country:
        lines = (*lines, _country(contractor.country, firm.country))
    return Party(name=contractor.name, nip=contractor.nip or "", address_lines=lines)


def _country(code: str, home: str) -> str:
    """A foreign address ends with its country in capitals, in the sending post's language."""
    language = "pl_PL" if home == "PL" else "en_GB"
    return str(Locale.parse(language).territories.get(code.upper(), code)).upper()


def _instalments(session: Session, contractor_id: int, numbers: Sequence[str]) -> list[Instalment]:
    query = (
        select(Instalment)
        .join(Instalment.invoice)
        .where(Invoice.contractor_id == contractor_id)
        .options(
            contains_eager(Instalment.invoice).selectinload(Invoice.instalments),
            selectinload(Instalment.allocations),
        )
        .order_by(Instalment.due_date, Invoice.number, Instalment.seq)
    )
    if numbers:
        query = query.where(Invoice.number.in_(list(numbers)))
    rows = list(session.scalars(query).unique())
    missing = sorted(set(numbers) - {i.invoice.number for i in rows})
    if missing:
        raise ValidationError(
            _("The contractor has no invoice {number}").format(number=", ".join(missing)),
            field="invoice",
        )
    return rows


def registered_demands(session: Session, contractor_id: int) -> list[dt.date]:
    """The days demands went to the contractor by registered mail, as recorded."""
    rows = session.scalars(
        select(Activity).where(
            Activity.contractor_id == contractor_id,
            Activity.kind == "letter",
            Activity.channel == REGISTERED,
        )
    )
    days = []
    for row in rows:
        data = row.data or {}
        if data.get("document") in DEMANDS and isinstance(data.get("sent_on"), str):
            days.append(dt.date.fromisoformat(data["sent_on"]))
    return days


# -- one instalment's figures --------------------------------------------------------------


@dataclass(frozen=True)
class _State:
    instalment: Instalment
    open_minor: int
    payments: tuple[Payment, ...]
    paid_on: dt.date | None  # the day it was settled, as of the letter's date

    @property
    def invoice(self) -> Invoice:
        return self.instalment.invoice


def _state(instalment: Instalment, today: dt.date) -> _State:
    counted = [a for a in instalment.allocations if counts_on(a, today)]
    open_minor = open_as_of(
        instalment.amount_minor, counted, today, issued=instalment.invoice.issue_date
    )
    payments = tuple(Payment(a.effective_date, a.amount_minor) for a in counted)
    paid_on = max((a.effective_date for a in counted), default=None) if open_minor == 0 else None
    return _State(instalment, open_minor, payments, paid_on)


def _interest_kind(language: str, kind: LetterKind, business: bool) -> InterestKind:
    """Art. 395 ГК РФ for a Russian claim; between businesses the commercial rate (art. 4a of the
    late-payments act); for anyone else the statutory rate of art. 481 KC."""
    if kind == "pretension" or language == "ru":
        return InterestKind.RU395
    return InterestKind.COMMERCIAL if business else InterestKind.STATUTORY


def _interest(
    state: _State, until: dt.date, kind: InterestKind, sources: InterestSources
) -> InterestResult:
    inst = state.instalment
    return interest_for(
        inst.amount_minor,
        inst.invoice.currency,
        inst.due_date,
        until=until,
        kind=kind,
        rates=sources.table(kind),
        payments=state.payments,
    )


def _in_note(kind: LetterKind, state: _State, today: dt.date, *, named: bool) -> bool:
    """Interest notes list invoices paid after their due date (in the last year unless named);
    compensation notes those and the ones still unpaid after it (compensation is owed from the
    first day of delay)."""
    due = state.instalment.due_date
    if state.paid_on is not None:
        recent = named or (today - state.paid_on).days <= INTEREST_NOTE_DAYS
        return days_late(due, state.paid_on) > 0 and recent
    return (
        kind == "compensation"
        and state.open_minor > 0
        and not state.invoice.disputed
        and days_late(due, today) > 0
    )


def _part(instalment: Instalment) -> str:
    count = len(instalment.invoice.instalments)
    return f"{instalment.seq}/{count}" if count > 1 else ""


def _add(items: list[LetterItem], instalment: Instalment, item: LetterItem) -> None:
    items.append(replace(item, part=_part(instalment)))


def _rows(result: InterestResult) -> tuple[LetterInterestRow, ...]:
    cur = result.currency
    return tuple(
        LetterInterestRow(
            p.start, p.end, p.days, p.rate, Money(p.base_minor, cur), Money(p.interest_minor, cur)
        )
        for p in result.periods
    )


# -- building a letter ---------------------------------------------------------------------


def build_letter(
    session: Session,
    request: LetterRequest,
    sources: InterestSources,
    *,
    firm: Firm | None = None,
    templates: dict[tuple[str, str], LetterTemplate] | None = None,
) -> Built:
    """The letter ``request`` asks for, or LetterRefusedError naming what is missing."""
    firm = firm or _firm(session)
    contractor = resolve(session, request.contractor)
    today = request.today
    kind = request.kind
    language = contractor.language
    warnings: list[str] = []
    states = [_state(i, today) for i in _instalments(session, contractor.id, request.invoices)]
    business = business_debtor(contractor.nip)
    interest_kind = _interest_kind(language, kind, business)
    items: list[LetterItem] = []
    compensated: set[int] = set()
    missing_eur: list[dt.date] = []

    def compensation(state: _State) -> tuple[Money | None, Money | None]:
        invoice = state.invoice
        if invoice.id in compensated or invoice.currency != "PLN" or kind == "balance":
            return None, None
        try:
            found = compensation_for(
                invoice.gross_minor,
                state.instalment.due_date,
                business_debtor=business,
                eur_rates=sources.eur_rates,
            )
        except MissingEurRateError as exc:
            missing_eur.append(state.instalment.due_date)
            if kind != "compensation":  # a compensation note without it is refused later
                warnings.append(exc.message)
            return None, None
        if found is None:
            return None, None
        compensated.add(invoice.id)
        return Money(found.pln_minor, "PLN"), Money(found.eur_minor, "EUR")

    def interest_rows(state: _State, until: dt.date) -> tuple[LetterInterestRow, ...]:
        result = _interest(state, until, interest_kind, sources)
        if result.unverified:
            warnings.append(
                _(
                    "Some interest rates on this letter are not verified yet (status U): check "
                    "them ('inkaso rates list') before the letter goes out"
                )
            )
        if result.past_known_from is not None:
            warnings.append(
                _(
                    "Interest from {date} uses the last known rate; add the rate in force "
                    "('inkaso rates add') and write the letter again"
                ).format(date=result.past_known_from.isoformat())
            )
        return _rows(result)

    for state in states:
        inst, invoice = state.instalment, state.invoice
        amount = Money(inst.amount_minor, invoice.currency)
        if kind == "balance":
            if state.open_minor > 0:
                _add(
                    items,
                    inst,
                    LetterItem(
                        invoice.number,
                        invoice.issue_date,
                        inst.due_date,
                        amount,
                        Money(state.open_minor, invoice.currency),
                    ),
                )
            continue
        if kind in DEMANDS:
            late = days_late(inst.due_date, today)
            if state.open_minor <= 0 or late <= 0 or invoice.disputed:
                continue
            comp, comp_eur = compensation(state) if business else (None, None)
            _add(
                items,
                inst,
                LetterItem(
                    invoice.number,
                    invoice.issue_date,
                    inst.due_date,
                    amount,
                    Money(state.open_minor, invoice.currency),
                    days_late=late,
                    interest_rows=interest_rows(state, today),
                    compensation=comp,
                    compensation_eur=comp_eur,
                ),
            )
            continue
        if not _in_note(kind, state, today, named=bool(request.invoices)):
            continue
        paid_on = state.paid_on
        zero = Money(0, invoice.currency)
        if kind == "interest-note" and paid_on is not None:
            rows = interest_rows(state, paid_on)
            if rows:
                _add(
                    items,
                    inst,
                    LetterItem(
                        invoice.number,
                        invoice.issue_date,
                        inst.due_date,
                        amount,
                        zero,
                        paid_on=paid_on,
                        days_late=days_late(inst.due_date, paid_on),
                        interest_rows=rows,
                    ),
                )
        elif kind == "compensation":
            comp, comp_eur = compensation(state)
            if comp is not None:
                _add(
                    items,
                    inst,
                    LetterItem(
                        invoice.number,
                        invoice.issue_date,
                        inst.due_date,
                        amount,
                        zero,
                        paid_on=paid_on,
                        days_late=days_late(inst.due_date, paid_on or today),
                        compensation=comp,
                        compensation_eur=comp_eur,
                    ),
                )
    if not (kind == "compensation" and missing_eur):  # refused once the rates were sought
        _check(session, request, contractor, items, business)
    home = firm.home_currency or "PLN"
    totals = tuple(
        replace(t, words=amount_in_words(t.principal if kind == "balance" else t.total, language))
        for t in totals_of(items, home)
    )
    currencies = {t.currency for t in totals} or {home}
    letter = LetterData(
        kind=kind,
        language=language,
        reference=f"{_PREFIX[kind]}/{today:%Y/%m/%d}/{contractor.id}",
        place=firm.city or "",
        date=today,
        creditor=_creditor(firm),
        debtor=_debtor(contractor, firm),
        items=tuple(items),
        totals=totals,
        deadline=letter_deadline(today, DEADLINE_DAYS[kind]),
        accounts=_accounts(firm, currencies),
        signature=_signature(session, firm, contractor),
        logo=firm.logo,
        bureau=bureau(request.bureau) if kind == "big" else None,
        registered=request.registered,
    )
    key = (kind, language)
    if templates is None:
        templates = {}
    if key not in templates:
        templates[key] = template_in(session, kind, language)
    return Built(
        letter,
        contractor.id,
        templates[key],
        tuple(dict.fromkeys(warnings)),
        tuple(sorted(set(missing_eur))),
    )


def _check(
    session: Session,
    request: LetterRequest,
    contractor: Contractor,
    items: Sequence[LetterItem],
    business: bool,
) -> None:
    """Refuse a letter whose legal conditions do not hold, or that would claim nothing."""
    kind = request.kind
    if kind == "big":
        overdue = [Overdue(i.principal.minor, i.due_date) for i in items if i.currency == "PLN"]
        missing = big_letter_missing(
            overdue, registered_demands(session, contractor.id), request.today
        )
        if missing:
            raise LetterRefusedError(
                _("No debtor-register warning for {name}: {condition}").format(
                    name=contractor.name, condition=missing[0].message
                ),
                field=missing[0].code,
            )
    if kind == "compensation" and not business:
        raise LetterRefusedError(
            _(
                "No compensation note for {name}: compensation is owed only by a business "
                "(the contractor has no NIP)"
            ).format(name=contractor.name),
            field="contractor",
        )
    if kind != "balance" and not items:
        reason = {
            "interest-note": _("no invoice of theirs was paid late"),
            "compensation": _("no invoice of theirs was paid late or is overdue"),
        }.get(kind, _("nothing of theirs is overdue"))
        raise LetterRefusedError(
            _("No letter for {name}: {reason}").format(name=contractor.name, reason=reason),
            field="invoice",
        )


def _accounts(firm: Firm, currencies: Iterable[str]) -> tuple[BankAccount, ...]:
    """For each currency claimed, the firm's account in it (the default one first)."""
    chosen = []
    for currency in sorted(currencies, key=lambda c: (c != firm.home_currency, c)):
        candidates = [a for a in firm.accounts if a.currency == currency]
        candidates.sort(key=lambda a: not a.is_default)
        if candidates:
            account = candidates[0]
            chosen.append(BankAccount(format_iban(account.iban), account.bank_name or "", currency))
    return tuple(chosen)


def _signature(session: Session, firm: Firm, contractor: Contractor) -> Signature:
    setting = session.get(Setting, "letters.signature")
    lines = [line.strip() for line in str(setting.value if setting else "").splitlines()]
    lines = [line for line in lines if line]
    if lines:  # the owner's signature block (Settings → Letters) wins over the account manager
        return Signature(firm.name, lines[0], " ".join(lines[1:]))
    person = ""
    if contractor.assigned_user_id is not None:
        user = session.get(User, contractor.assigned_user_id)
        person = user.full_name if user is not None else ""
    return Signature(firm.name, person)


# -- rendering and recording ---------------------------------------------------------------


def render(built: Sequence[Built]) -> list[tuple[LetterData, LetterText]]:
    """Each letter's words from its template (the contractor's language), on the sandbox budget."""
    return [(b.letter, render_text(b.template, b.letter)) for b in built]


_SUMMARY = N_("Letter {document} {reference} written, claiming {amount} {currency}")
_SUMMARY_REGISTERED = N_(
    "Letter {document} {reference} sent by registered mail, claiming {amount} {currency}"
)


def _record(
    session: Session, built: Built, actor: str | None, extra: Mapping[str, object] | None = None
) -> None:
    letter = built.letter
    first = letter.totals[0] if letter.totals else None
    amount = (
        first.principal if letter.kind == "balance" and first else first.total if first else None
    )
    data = {
        "document": letter.kind,
        "reference": letter.reference,
        "sent_on": letter.date.isoformat(),
        "registered": letter.registered,
        "amount": decimal_str(amount.minor, amount.currency) if amount else "0",
        "currency": amount.currency if amount else "",
        "invoices": sorted({i.number for i in letter.items}),
        "deadline": letter.deadline.isoformat() if letter.deadline else None,
    }
    if letter.bureau is not None:
        data["bureau"] = letter.bureau.key
    data.update(extra or {})
    activity.record(
        session,
        contractor_id=built.contractor_id,
        kind="letter",
        channel=REGISTERED if letter.registered else "print",
        summary=_SUMMARY_REGISTERED if letter.registered else _SUMMARY,
        actor=actor,
        data=data,
    )


def record_letter(
    session: Session, built: Built, actor: str | None, extra: Mapping[str, object] | None = None
) -> None:
    """Put ``built`` in the contractor's activity log (``extra`` adds to its data, e.g. the
    queued letter's id so the log can open its PDF)."""
    _record(session, built, actor, extra)


def _check_target(target: Path) -> None:
    """A new file or a file to replace in a folder that exists; never a folder or a device (the
    PDF is moved over the target, and moving over /dev/null would replace the device)."""
    if not target.parent.is_dir():
        raise ValidationError(
            _("--out: the folder {folder} does not exist").format(folder=str(target.parent)),
            field="out",
        )
    if target.exists() and not target.is_file():
        raise ValidationError(
            _("--out: {path} is not a file that a letter can replace").format(path=str(target)),
            field="out",
        )


def _temporary_beside(target: Path) -> Path:
    handle, name = tempfile.mkstemp(prefix=".inkaso-", suffix=".pdf", dir=target.parent)
    os.close(handle)
    return Path(name)


def write_letters(
    db: Database,
    built: Sequence[Built],
    out: Path,
    *,
    postbook: Path | None = None,
    actor: str | None = None,
) -> WrittenLetters:
    """Render ``built`` into ``out`` (one PDF), record each letter, then put the file in place."""
    out = out.resolve()
    for target in (out, postbook):
        if target is not None:
            _check_target(target)
    rendered = render(built)
    temp = _temporary_beside(out)
    book_temp: Path | None = None
    try:
        render_pdf(rendered, temp)
        if postbook is not None:
            book_temp = _temporary_beside(postbook)
            render_postbook(
                _postbook_entries(built), built[0].letter.creditor, built[0].letter.date, book_temp
            )
        with db.write() as session:
            for b in built:
                _record(session, b, actor)
        temp.replace(out)
        if book_temp is not None and postbook is not None:
            book_temp.replace(postbook)
    except OSError as exc:
        raise ValidationError(
            _("--out: cannot write {path}: {reason}").format(path=str(out), reason=exc.strerror),
            field="out",
        ) from exc
    finally:
        for leftover in (temp, book_temp):
            if leftover is not None:
                leftover.unlink(missing_ok=True)
    warnings = tuple(dict.fromkeys(w for b in built for w in b.warnings))
    return WrittenLetters(out, tuple(b.letter for b in built), warnings, postbook)


def _postbook_entries(built: Sequence[Built]) -> list[PostbookEntry]:
    return [
        PostbookEntry(b.letter.debtor.name, b.letter.debtor.address, b.letter.reference)
        for b in built
    ]


def load_sources(db: Database) -> InterestSources:
    """The merged rate tables (shipped rows and the user's) that letters read."""
    with db.read() as session:
        return InterestSources(interest_tables_in(session), eur_rates_in(session))


def _with_euro_rates(
    db: Database, built: Sequence[Built], rebuild: Callable[[InterestSources], list[Built]]
) -> list[Built]:
    """Letters whose compensation lacked a euro rate are built again once NBP was asked for the
    month ends they need (``ensure_eur_rates``: once each, not again after NBP failed); what is
    still missing stays a warning on the letter."""
    missing = sorted({day for b in built for day in b.missing_eur})
    if not missing or len(ensure_eur_rates(db, missing)) == len({rate_day(d) for d in missing}):
        return list(built)
    return rebuild(load_sources(db))


def _refuse_without_rates(built: Built) -> None:
    if built.letter.kind == "compensation" and built.missing_eur:
        raise MissingEurRateError(rate_day(built.missing_eur[0]))


def write_letter(
    db: Database,
    request: LetterRequest,
    sources: InterestSources,
    out: Path,
    *,
    actor: str | None = None,
) -> WrittenLetters:
    """``inkaso letter KIND``: one letter to ``out``, refused (no file) when it may not be written."""

    def build(with_sources: InterestSources) -> list[Built]:
        with db.read() as session:
            return [build_letter(session, request, with_sources)]

    built = _with_euro_rates(db, build(sources), build)
    _refuse_without_rates(built[0])
    return write_letters(db, built, out, actor=actor)


# -- batches -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchRequest:
    today: dt.date
    min_days: int
    min_amount_minor: int
    currency: str = "PLN"
    kind: LetterKind = "demand"
    registered: bool = False


def batch_contractors(session: Session, request: BatchRequest) -> list[int]:
    """Contractors owing at least ``min_amount`` in ``currency`` that has been overdue for at
    least ``min_days`` days (after Art. 115 KC), whose collection is not paused; by name (as the
    contractor list sorts it, diacritics aside)."""
    from desktop_app.services.balances import open_items

    items = open_items(request.today)
    rows = session.execute(
        select(items.c.contractor_id, items.c.open, items.c.due_date).where(
            items.c.currency == request.currency, items.c.due_date < request.today
        )
    )
    owed: dict[int, int] = {}
    for contractor_id, open_minor, due in rows:
        if days_late(due, request.today) >= request.min_days:
            owed[contractor_id] = owed.get(contractor_id, 0) + int(open_minor)
    wanted = [cid for cid, total in owed.items() if total >= request.min_amount_minor]
    if not wanted:
        return []
    contractors = session.scalars(
        select(Contractor).where(Contractor.id.in_(wanted)).order_by(Contractor.search_name)
    )
    return [
        c.id
        for c in contractors
        if c.collection_paused_until is None or c.collection_paused_until < request.today
    ]


def build_batch(
    session: Session, request: BatchRequest, sources: InterestSources
) -> tuple[list[Built], list[str]]:
    """A letter for each matching contractor; the ones refused are named with their reason."""
    firm = _firm(session)
    built: list[Built] = []
    refused: list[str] = []
    templates: dict[tuple[str, str], LetterTemplate] = {}
    for contractor_id in batch_contractors(session, request):
        letter_request = LetterRequest(
            request.kind, contractor_id, request.today, registered=request.registered
        )
        try:
            built.append(
                build_letter(session, letter_request, sources, firm=firm, templates=templates)
            )
        except LetterRefusedError as exc:
            refused.append(exc.message)
    return built, refused


def postbook_path(out: Path) -> Path:
    """FILE.pdf -> FILE-ksiazka.pdf beside it (the registered-mail list of a batch)."""
    return out.with_name(f"{out.stem}-ksiazka{out.suffix or '.pdf'}")


def write_batch(
    db: Database,
    request: BatchRequest,
    sources: InterestSources,
    out: Path,
    *,
    actor: str | None = None,
) -> tuple[WrittenLetters, list[str]]:
    refused: list[str] = []

    def build(with_sources: InterestSources) -> list[Built]:
        with db.read() as session:
            letters, refused[:] = build_batch(session, request, with_sources)
        return letters

    built = _with_euro_rates(db, build(sources), build)
    if not built:
        raise LetterRefusedError(
            _("No contractor matches: nobody owes that much for that long"), field="min-amount"
        )
    written = write_letters(db, built, out, postbook=postbook_path(out.resolve()), actor=actor)
    return written, refused
