"""A made-up contractor for template previews and validation (no real data leaves the app)."""

from __future__ import annotations

import datetime as dt

from desktop_app.messaging.context import BankAccount, Item, Party, Person, TemplateContext

#: days past the due date of the two sample invoices, for each state a template is written for
_DAYS_OVERDUE = {"before_due": (-10, -3), "due_today": (0, 0), "overdue": (10, 31)}


def state_for(template_name: str) -> str:
    """The state the sample's invoices are in for a template's preview, from its name: the
    before-due wording is shown on invoices not due yet, not on the overdue ones."""
    base = template_name.rpartition("/")[2]
    if "before_due" in base or "issued" in base:
        return "before_due"
    if "due_today" in base:
        return "due_today"
    return "overdue"


def sample_context(today: dt.date, *, items: int = 2, state: str = "overdue") -> TemplateContext:
    """Two invoices (one in EUR), overdue by default; ``items=1`` for the typical single one.

    More than two adds older PLN invoices, as a large debtor would have.
    """
    first, second = _DAYS_OVERDUE[state]
    rows = [
        Item.create(
            number="FV/2026/11/0142",
            issue_date=today - dt.timedelta(days=first + 14),
            due_date=today - dt.timedelta(days=first),
            amount_minor=1_845_00,
            open_minor=1_845_00,
            currency="PLN",
            today=today,
        ),
        Item.create(
            number="FV/2026/10/0977",
            issue_date=today - dt.timedelta(days=second + 14),
            due_date=today - dt.timedelta(days=second),
            amount_minor=620_00,
            open_minor=310_50,
            currency="EUR",
            today=today,
        ),
    ][:items]
    rows += [
        Item.create(
            number=f"FV/2026/{n:04d}",
            issue_date=today - dt.timedelta(days=60 + n),
            due_date=today - dt.timedelta(days=46 + n),
            amount_minor=100_00 + 37 * n,
            open_minor=100_00 + 37 * n,
            currency="PLN",
            today=today,
        )
        for n in range(max(items - 2, 0))
    ]
    return TemplateContext(
        contractor=Party(
            name="Przedsiębiorstwo Handlowe Żuraw Sp. z o.o.",
            nip="5260250274",
            address="ul. Świętokrzyska 12\n00-916 Warszawa",
            phone="+48 501 234 567",
            email="ksiegowosc@zuraw.example.pl",
        ),
        items=tuple(rows),
        firm=Party(
            name="Hurtownia Kowalski",
            nip="7740001454",
            address="ul. Długa 5\n30-001 Kraków",
            phone="+48 12 345 67 89",
            email="biuro@kowalski.example.pl",
        ),
        today=today,
        accounts=(
            BankAccount("PL36109010140000071219815555", bank_name="Santander", currency="EUR"),
            BankAccount("PL61109010140000071219812874", bank_name="Santander", currency="PLN"),
        ),
        account_manager=Person(
            name="Anna Nowak", email="anna.nowak@kowalski.example.pl", phone="+48 600 700 800"
        ),
    )
