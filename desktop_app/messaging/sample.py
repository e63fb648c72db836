"""A made-up contractor for template previews and validation (no real data leaves the app)."""

from __future__ import annotations

import datetime as dt

from desktop_app.messaging.context import BankAccount, Item, Party, Person, TemplateContext


def sample_context(today: dt.date, *, items: int = 2) -> TemplateContext:
    """Two overdue invoices (one in EUR) by default; ``items=1`` for the typical single one.

    More than two adds older PLN invoices, as a large debtor would have.
    """
    rows = [
        Item.create(
            number="FV/2026/11/0142",
            issue_date=today - dt.timedelta(days=24),
            due_date=today - dt.timedelta(days=10),
            amount_minor=1_845_00,
            open_minor=1_845_00,
            currency="PLN",
            today=today,
        ),
        Item.create(
            number="FV/2026/10/0977",
            issue_date=today - dt.timedelta(days=45),
            due_date=today - dt.timedelta(days=31),
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
        bank_account=BankAccount("PL61109010140000071219812874", bank_name="Santander"),
        account_manager=Person(
            name="Anna Nowak", email="anna.nowak@kowalski.example.pl", phone="+48 600 700 800"
        ),
    )
