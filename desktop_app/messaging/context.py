"""What a message template can see: plain, frozen data, never ORM objects.

The dunning service fills a :class:`TemplateContext` from the database; templates read it inside
a sandbox, so everything here is a value (strings, dates, :class:`Money`) without behaviour that
could reach the database or the file system.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from desktop_app.domain.identifiers import format_iban
from desktop_app.domain.money import Money


@dataclass(frozen=True, slots=True)
class Party:
    """The firm or the contractor: who they are and where."""

    name: str
    nip: str = ""
    address: str = ""  # one or more lines, as printed on an envelope
    phone: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class BankAccount:
    iban: str  # shown grouped in fours: "PL61 1090 1014 0000 0712 1981 2874"
    bank_name: str = ""
    currency: str = ""

    def __post_init__(self) -> None:
        compact = self.iban.replace(" ", "")
        if compact:
            object.__setattr__(self, "iban", format_iban(compact))


@dataclass(frozen=True, slots=True)
class Person:
    """The account manager who signs reminders and receives replies."""

    name: str
    email: str = ""
    phone: str = ""


@dataclass(frozen=True, slots=True)
class Item:
    """One open invoice (or instalment) the message is about."""

    number: str
    issue_date: dt.date
    due_date: dt.date
    amount: Money  # the invoice total
    open: Money  # what is still unpaid
    days_overdue: int  # today - due date; negative before the due date

    @property
    def currency(self) -> str:
        return self.open.currency

    @property
    def days_to_due(self) -> int:
        """Days left until the due date (0 on the day and after)."""
        return max(0, -self.days_overdue)

    # A message can list items in different states (one reminder a day covers all that is due),
    # so templates word each item's due date by its own state, never by the step's.

    @property
    def before_due(self) -> bool:
        return self.days_overdue < 0

    @property
    def due_today(self) -> bool:
        return self.days_overdue == 0

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0

    @classmethod
    def create(
        cls,
        *,
        number: str,
        issue_date: dt.date,
        due_date: dt.date,
        amount_minor: int,
        open_minor: int,
        currency: str,
        today: dt.date,
    ) -> Item:
        return cls(
            number=number,
            issue_date=issue_date,
            due_date=due_date,
            amount=Money(amount_minor, currency),
            open=Money(open_minor, currency),
            days_overdue=(today - due_date).days,
        )


@dataclass(frozen=True, slots=True)
class SentReminder:
    """A reminder that actually went out about some of the items (tasks and notices cite them)."""

    channel: str  # "email", "sms" or "voice"
    date: dt.date


@dataclass(frozen=True, slots=True)
class CurrencyDue:
    """What the contractor owes in one currency and the firm's account for it (None: no account
    in that currency, and a template must say so rather than name an account in another)."""

    currency: str
    total: Money
    account: BankAccount | None


def totals_by_currency(items: Iterable[Item]) -> tuple[Money, ...]:
    """Open amount per currency, in alphabetical order of the code (never summed across)."""
    sums: dict[str, int] = {}
    for item in items:
        sums[item.currency] = sums.get(item.currency, 0) + item.open.minor
    return tuple(Money(minor, currency) for currency, minor in sorted(sums.items()))


@dataclass(frozen=True, slots=True)
class TemplateContext:
    contractor: Party
    items: tuple[Item, ...]
    firm: Party
    today: dt.date
    #: the firm's accounts for payments, at most one per currency
    accounts: tuple[BankAccount, ...] = ()
    account_manager: Person | None = None
    #: statutory interest and compensation; filled once the letters work lands
    interest: object | None = None
    #: open amount per currency; computed from ``items`` when left empty
    totals: tuple[Money, ...] = field(default=())
    #: reminders already sent about these items, oldest first (empty: none went out)
    reminders: tuple[SentReminder, ...] = ()

    def __post_init__(self) -> None:
        if not self.totals:
            object.__setattr__(self, "totals", totals_by_currency(self.items))

    @property
    def max_days_overdue(self) -> int:
        return max((item.days_overdue for item in self.items), default=0)

    def account_for(self, currency: str) -> BankAccount | None:
        return next((a for a in self.accounts if a.currency == currency), None)

    @property
    def by_currency(self) -> tuple[CurrencyDue, ...]:
        """Each currency's total beside the account to pay it to, in the order of ``totals``."""
        return tuple(CurrencyDue(t.currency, t, self.account_for(t.currency)) for t in self.totals)

    @property
    def bank_account(self) -> BankAccount | None:
        """The one account for a message in one currency (older templates print only this).

        Empty when the items are in several currencies or the firm has no account in theirs:
        an EUR debt must never be shown the PLN account.
        """
        currencies = {total.currency for total in self.totals}
        return self.account_for(currencies.pop()) if len(currencies) == 1 else None

    def variables(self, language: str) -> dict[str, object]:
        """The top-level names a template sees."""
        return {
            "contractor": self.contractor,
            "items": self.items,
            "totals": self.totals,
            "firm": self.firm,
            "bank_account": self.bank_account,
            "by_currency": self.by_currency,
            "account_manager": self.account_manager,
            "today": self.today,
            "interest": self.interest,
            "max_days_overdue": self.max_days_overdue,
            "language": language,
            "reminders": self.reminders,
        }


#: every top-level name :meth:`TemplateContext.variables` provides (validation uses it)
TOP_LEVEL_NAMES = frozenset(
    {
        "contractor",
        "items",
        "totals",
        "firm",
        "bank_account",
        "by_currency",
        "account_manager",
        "today",
        "interest",
        "max_days_overdue",
        "language",
        "reminders",
    }
)
