"""Building a letter from the ledger: which items each document is about, their figures,
and the legal conditions that may refuse it. It only reads; interest and compensation come from
the interest domain with the rate tables the caller hands in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import partial

from babel import Locale
from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager, selectinload

from db.models import Activity, Contractor, Firm, Instalment, Invoice, Setting, User
from desktop_app.domain.compensation import (
    MissingEurRateError,
    business_debtor,
    compensation_for,
)
from desktop_app.domain.identifiers import format_iban, format_phone
from desktop_app.domain.interest import InterestKind, InterestResult, Payment, interest_for
from desktop_app.domain.letter_rules import (
    Overdue,
    big_letter_missing,
    days_late,
    letter_deadline,
)
from desktop_app.domain.money import Money
from desktop_app.domain.rates import RateTable
from desktop_app.domain.receivables import counts_on, open_as_of
from desktop_app.errors import InkasoError, ValidationError
from desktop_app.i18n import _
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
from desktop_app.letters.texts import LetterTemplate
from desktop_app.letters.words import amount_in_words
from desktop_app.messaging.context import BankAccount
from desktop_app.services.contractors import resolve
from desktop_app.services.letter_templates import template_in

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


# -- reading ------------------------------------------------------------------------------


def firm_of(session: Session) -> Firm:
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
    return Party(
        name=contractor.name, nip=contractor.nip or contractor.tax_id or "", address_lines=lines
    )


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
    firm = firm or firm_of(session)
    contractor = resolve(session, request.contractor)
    today = request.today
    kind = request.kind
    language = contractor.language
    warnings: list[str] = []
    states = [_state(i, today) for i in _instalments(session, contractor.id, request.invoices)]
    business = business_debtor(contractor.nip or contractor.tax_id)
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
        # a note's line names what the invoice was and when it was paid; nothing is left to pay
        settled = partial(
            LetterItem,
            invoice.number,
            invoice.issue_date,
            inst.due_date,
            amount,
            Money(0, invoice.currency),
            paid_on=paid_on,
        )
        if kind == "interest-note" and paid_on is not None:
            rows = interest_rows(state, paid_on)
            if rows:
                _add(
                    items,
                    inst,
                    settled(days_late=days_late(inst.due_date, paid_on), interest_rows=rows),
                )
        elif kind == "compensation":
            comp, comp_eur = compensation(state)
            if comp is not None:
                _add(
                    items,
                    inst,
                    settled(
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
    accounts = _accounts(firm, currencies)
    for currency in sorted(currencies - {a.currency for a in accounts}):
        warnings.append(
            _(
                "The firm has no bank account in {currency}, so the letter names none for it: "
                "add one with 'inkaso firm set --account IBAN:{currency}'"
            ).format(currency=currency)
        )
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
        accounts=accounts,
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
    if kind == "big" and not business:
        # art. 14 sets other conditions for consumers (200 PLN; its days are not verified yet)
        raise LetterRefusedError(
            _(
                "No debtor-register warning for {name}: Inkaso checks the conditions for "
                "businesses only (art. 15), and the contractor has no NIP"
            ).format(name=contractor.name),
            field="contractor",
        )
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
    if lines:  # the owner's signature block (Letterhead and rates) wins over the account manager
        return Signature(firm.name, lines[0], " ".join(lines[1:]))
    person = ""
    if contractor.assigned_user_id is not None:
        user = session.get(User, contractor.assigned_user_id)
        person = user.full_name if user is not None else ""
    return Signature(firm.name, person)
