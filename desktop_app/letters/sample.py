"""A made-up letter an edited template is tried on before it is saved (every field filled)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from desktop_app.domain.money import Money
from desktop_app.letters.bureaus import DEFAULT_BUREAU, bureau
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

_DAY = dt.date(2026, 11, 23)


def sample_letter(kind: LetterKind, language: str) -> LetterData:
    pln = "PLN"
    row = InterestRow(
        dt.date(2026, 9, 16), _DAY, 69, Decimal("13.75"), Money(1_230_000, pln), Money(31_972, pln)
    )
    item = LetterItem(
        "FV/2026/09/017",
        dt.date(2026, 9, 1),
        dt.date(2026, 9, 15),
        Money(1_230_000, pln),
        Money(1_230_000, pln),
        paid_on=dt.date(2026, 11, 20) if kind in ("interest-note", "compensation") else None,
        days_late=69,
        interest_rows=(row,),
        compensation=Money(29_750, pln),
        compensation_eur=Money(7_000, "EUR"),
    )
    totals = tuple(
        replace(t, words=amount_in_words(t.total, language)) for t in totals_of([item], pln)
    )
    return LetterData(
        kind=kind,
        language=language,
        reference="WZ/2026/11/23/1",
        place="Warszawa",
        date=_DAY,
        creditor=Party(
            "Hurtownia Przykład sp. z o.o.", "5260250274", ("ul. Prosta 1", "00-001 Warszawa")
        ),
        debtor=Party("Klient Przykład S.A.", "5252248481", ("ul. Długa 2", "30-001 Kraków")),
        items=(item,),
        totals=totals,
        deadline=dt.date(2026, 11, 30),
        accounts=(BankAccount("PL61109010140000071219812874", "Bank", pln),),
        signature=Signature("Hurtownia Przykład sp. z o.o.", "Anna Nowak"),
        bureau=bureau(DEFAULT_BUREAU),
        registered=True,
    )
