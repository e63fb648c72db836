"""What a letter says, as plain frozen values: no ORM objects, no database, no clock.

The service (``services/letters.py``) fills a :class:`LetterData` from the database; the PDF code
(``letters/pdf.py``) and the owner's templates (``letters/texts.py``) only read it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from desktop_app.domain.money import Money
from desktop_app.messaging.context import BankAccount

#: every document Inkaso writes; the CLI's words for them
LetterKind = Literal[
    "demand", "final", "big", "interest-note", "compensation", "balance", "pretension"
]
KINDS: tuple[LetterKind, ...] = (
    "demand",
    "final",
    "big",
    "interest-note",
    "compensation",
    "balance",
    "pretension",
)
#: documents about what is still unpaid (the others are about late payments or confirmations)
DEMANDS: frozenset[LetterKind] = frozenset({"demand", "final", "big", "pretension"})


@dataclass(frozen=True, slots=True)
class Party:
    """The creditor or the debtor as the letter names them."""

    name: str
    nip: str = ""
    address_lines: tuple[str, ...] = ()
    email: str = ""
    phone: str = ""

    @property
    def address(self) -> str:
        return ", ".join(self.address_lines)


@dataclass(frozen=True, slots=True)
class Bureau:
    """A debtor register (biuro informacji gospodarczej) named in the art. 15 warning."""

    key: str
    name: str
    address_lines: tuple[str, ...]

    @property
    def address(self) -> str:
        return ", ".join(self.address_lines)


@dataclass(frozen=True, slots=True)
class InterestRow:
    """Interest on one invoice for one period at one rate (as the interest domain splits it)."""

    start: dt.date
    end: dt.date
    days: int
    rate: Decimal  # percent a year: Decimal("15.75")
    base: Money
    interest: Money


@dataclass(frozen=True, slots=True)
class LetterItem:
    """One invoice (or instalment) the letter is about."""

    number: str
    issue_date: dt.date
    due_date: dt.date
    amount: Money  # what the invoice (instalment) was for
    principal: Money  # what the letter claims of it: open now, or 0 when it was paid late
    paid_on: dt.date | None = None
    days_late: int = 0
    interest_rows: tuple[InterestRow, ...] = ()
    #: recovery costs (art. 10 of the late-payments act), already in the home currency
    compensation: Money | None = None
    compensation_eur: Money | None = None
    #: which instalment of several this is ("2/3"); empty for an invoice paid at once
    part: str = ""

    @property
    def currency(self) -> str:
        return self.amount.currency

    @property
    def interest(self) -> Money:
        total = Money(0, self.currency)
        for row in self.interest_rows:
            total = total + row.interest
        return total


@dataclass(frozen=True, slots=True)
class Total:
    """What the letter claims in one currency, with the amount in words."""

    currency: str
    principal: Money
    interest: Money
    compensation: Money
    total: Money
    words: str = ""


@dataclass(frozen=True, slots=True)
class Signature:
    """Who signs: the firm, and the person when one is known."""

    firm: str
    person: str = ""
    role: str = ""


@dataclass(frozen=True)
class LetterData:
    kind: LetterKind
    language: str  # "pl", "en" or "ru": the contractor's
    reference: str  # the letter's own number, e.g. "WZ/2026/12/0042"
    place: str
    date: dt.date
    creditor: Party
    debtor: Party
    items: tuple[LetterItem, ...]
    totals: tuple[Total, ...]
    deadline: dt.date | None
    accounts: tuple[BankAccount, ...]
    signature: Signature
    logo: bytes | None = field(default=None, repr=False)
    bureau: Bureau | None = None
    registered: bool = False


def totals_of(items: Iterable[LetterItem], home_currency: str) -> list[Total]:
    """Per currency (the home currency first): principal, interest, recovery costs and all of it.

    Recovery costs are in the home currency whatever the invoice's currency, so they count there.
    """
    sums: dict[str, list[int]] = {}
    for item in items:
        acc = sums.setdefault(item.currency, [0, 0, 0])
        acc[0] += item.principal.minor
        acc[1] += item.interest.minor
        if item.compensation is not None:
            sums.setdefault(item.compensation.currency, [0, 0, 0])[2] += item.compensation.minor
    order = sorted(sums, key=lambda c: (c != home_currency, c))
    return [
        Total(
            currency=c,
            principal=Money(sums[c][0], c),
            interest=Money(sums[c][1], c),
            compensation=Money(sums[c][2], c),
            total=Money(sum(sums[c]), c),
        )
        for c in order
    ]
