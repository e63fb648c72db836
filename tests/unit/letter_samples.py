"""A letter built by hand: the values a service would read from the database, for PDF tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from desktop_app.domain.money import Money
from desktop_app.letters.bureaus import bureau
from desktop_app.letters.model import (
    InterestRow,
    LetterData,
    LetterItem,
    LetterKind,
    Party,
    Signature,
    totals_of,
)
from desktop_app.letters.words import amount_in_words
from desktop_app.messaging.context import BankAccount

TODAY = dt.date(2026, 12, 1)
PLN = "PLN"

CREDITOR = Party(
    "Żółta Łódź Sp. z o.o.",
    "8971234561",
    ("ul. Świętego Mikołaja 12/4", "50-125 Wrocław"),
    "biuro@zolta.example",
    "+48 71 123 45 67",
)
DEBTOR = Party("Gęśla Jaźń Sp. j.", "5252248481", ("ul. Źródlana 5", "00-950 Warszawa"))
DEBTOR_RU = Party("ООО «Щука и Ёж»", "7707083893", ("ул. Тверская, д. 7", "125009 Москва"))


def _m(minor: int, currency: str = PLN) -> Money:
    return Money(minor, currency)


def demand_items(currency: str = PLN) -> tuple[LetterItem, ...]:
    """12,300.00 due 2026-03-15 (a Sunday: late from Tuesday 17 March), interest worked by hand:
    16.03 is the moved due date, so 17.03-30.06 = 106 days at 14.00 %: 12300 * 0.14 * 106/365
    = 500.09; 01.07-01.12 = 154 days at 13.75 %: 12300 * 0.1375 * 154/365 = 713.57."""
    rows = (
        InterestRow(dt.date(2026, 3, 17), dt.date(2026, 6, 30), 106, Decimal("14.00"),
                    _m(1_230_000, currency), _m(50_009, currency)),
        InterestRow(dt.date(2026, 7, 1), TODAY, 154, Decimal("13.75"),
                    _m(1_230_000, currency), _m(71_357, currency)),
    )  # fmt: skip
    return (
        LetterItem("FV/2026/03/117", dt.date(2026, 2, 28), dt.date(2026, 3, 15),
                   _m(1_230_000, currency), _m(1_230_000, currency), days_late=259,
                   interest_rows=rows, compensation=_m(302_34), compensation_eur=_m(7_000, "EUR")),
        LetterItem("FV/2026/05/031", dt.date(2026, 5, 4), dt.date(2026, 5, 18),
                   _m(369_000, currency), _m(150_000, currency), days_late=197),
    )  # fmt: skip


def note_items() -> tuple[LetterItem, ...]:
    rows = (
        InterestRow(dt.date(2026, 5, 19), dt.date(2026, 8, 1), 75, Decimal("14.00"),
                    _m(369_000), _m(10_615)),
    )  # fmt: skip
    return (
        LetterItem("FV/2026/05/031", dt.date(2026, 5, 4), dt.date(2026, 5, 18), _m(369_000),
                   _m(0), paid_on=dt.date(2026, 8, 1), days_late=75, interest_rows=rows,
                   compensation=_m(172_76), compensation_eur=_m(4_000, "EUR")),
    )  # fmt: skip


def letter(
    kind: LetterKind = "demand",
    language: str = "pl",
    items: tuple[LetterItem, ...] | None = None,
    **changes: object,
) -> LetterData:
    if items is None:
        items = note_items() if kind in ("interest-note", "compensation") else demand_items()
        if kind == "interest-note":
            items = tuple(replace(i, compensation=None, compensation_eur=None) for i in items)
        if kind == "compensation":
            items = tuple(replace(i, interest_rows=()) for i in items)
        if kind == "balance":
            items = tuple(
                replace(i, interest_rows=(), compensation=None, compensation_eur=None)
                for i in items
            )
    totals = tuple(
        replace(t, words=amount_in_words(t.principal if kind == "balance" else t.total, language))
        for t in totals_of(items, PLN)
    )
    data = LetterData(
        kind=kind,
        language=language,
        reference="WZ/2026/12/01/17",
        place="Wrocław",
        date=TODAY,
        creditor=CREDITOR,
        debtor=DEBTOR_RU if language == "ru" else DEBTOR,
        items=items,
        totals=totals,
        deadline=dt.date(2026, 12, 8),
        accounts=(BankAccount("PL61109010140000071219812874", "Santander Bank Polska", PLN),),
        signature=Signature(CREDITOR.name, "Anna Wiśniewska", "Prezes Zarządu"),
        bureau=bureau("erif") if kind == "big" else None,
        registered=True,
    )
    return replace(data, **changes)  # type: ignore[arg-type]
