"""Invoices, instalments, payments and corrections through the services, on a real SQLite file."""

from __future__ import annotations

import pytest

from db.uow import Database
from desktop_app.errors import ConflictError, NotFoundError, ValidationError
from desktop_app.services import invoices, views
from desktop_app.services.aging_report import aging_report
from desktop_app.services.views import Balance
from tests.conftest import Cli
from tests.helpers import D, assert_ledger_consistent, contractor, invoice, pay


def _open(db: Database, cid: int, today: object = D(2026, 11, 22)) -> dict[str, list[int]]:
    card = views.contractor_card(db, cid, today)  # type: ignore[arg-type]
    return {i.number: [p.open_minor for p in i.instalments] for i in card.invoices}


def test_payment_goes_to_oldest_due_first_across_invoices(db: Database) -> None:
    cid = contractor(db)
    invoice(db, cid, "FV/2", D(2026, 9, 5), (D(2026, 9, 20), 50_000))
    invoice(db, cid, "FV/1", D(2026, 9, 1), (D(2026, 9, 15), 100_000), (D(2026, 10, 15), 50_000))
    pay(db, cid, D(2026, 10, 1), 120_000)
    assert _open(db, cid) == {"FV/2": [30_000], "FV/1": [0, 50_000]}
    assert_ledger_consistent(db)


def test_payment_for_a_named_invoice_leaves_the_rest_as_credit(db: Database) -> None:
    cid = contractor(db)
    invoice(db, cid, "FV/1", D(2026, 9, 1), (D(2026, 9, 15), 10_000))
    invoice(db, cid, "FV/2", D(2026, 9, 2), (D(2026, 9, 16), 10_000))
    pay(db, cid, D(2026, 9, 20), 15_000, invoice_number="FV/2")
    card = views.contractor_card(db, cid, D(2026, 11, 22))
    assert _open(db, cid) == {"FV/2": [0], "FV/1": [10_000]}
    assert card.balance("PLN").credit_minor == 5_000
    # the surplus carries no instruction, so (art. 451 KC) it settles the oldest debt as soon as
    # the ledger is touched again
    invoice(db, cid, "FV/3", D(2026, 10, 1), (D(2026, 10, 15), 8_000))
    assert _open(db, cid) == {"FV/3": [8_000], "FV/2": [0], "FV/1": [5_000]}
    assert views.contractor_card(db, cid, D(2026, 11, 22)).balance("PLN").credit_minor == 0
    assert_ledger_consistent(db)


def test_currencies_never_mix(db: Database) -> None:
    cid = contractor(db)
    invoice(db, cid, "FV/EUR", D(2026, 9, 1), (D(2026, 9, 15), 10_000), currency="EUR")
    pay(db, cid, D(2026, 9, 10), 10_000)  # PLN: nothing in PLN to pay, stays credit
    card = views.contractor_card(db, cid, D(2026, 11, 22))
    assert card.balance("EUR").open_minor == 10_000
    assert card.balance("PLN").credit_minor == 10_000
    report = aging_report(db, D(2026, 11, 22))
    assert set(report.currencies) == {"EUR"}


def test_reducing_correction_before_payment(db: Database) -> None:
    cid = contractor(db)
    invoice(db, cid, "FV/1", D(2026, 9, 1), (D(2026, 9, 15), 60_000), (D(2026, 10, 15), 40_000))
    invoices.add_invoice(
        db,
        invoices.InvoiceInput(
            contractor=cid,
            number="KOR/1",
            issue_date=D(2026, 9, 10),
            currency="PLN",
            instalments=[],
            kind="correction",
            corrects="FV/1",
            gross_minor=-50_000,
        ),
    )
    # the latest instalment is reduced first
    assert _open(db, cid)["FV/1"] == [50_000, 0]
    assert aging_report(db, D(2026, 9, 9)).currencies["PLN"].totals.open == 100_000
    assert_ledger_consistent(db)


def test_correction_after_full_payment_frees_credit_and_keeps_history(db: Database) -> None:
    cid = contractor(db)
    invoice(db, cid, "FV/1", D(2026, 9, 1), (D(2026, 9, 15), 100_000))
    pay(db, cid, D(2026, 9, 14), 100_000)
    invoices.add_invoice(
        db,
        invoices.InvoiceInput(
            contractor=cid,
            number="KOR/1",
            issue_date=D(2026, 10, 1),
            currency="PLN",
            instalments=[],
            kind="correction",
            corrects="FV/1",
            gross_minor=-30_000,
        ),
    )
    card = views.contractor_card(db, cid, D(2026, 11, 22))
    assert card.balance("PLN").credit_minor == 30_000
    assert _open(db, cid)["FV/1"] == [0]
    for day in (D(2026, 9, 13), D(2026, 9, 14), D(2026, 9, 30), D(2026, 10, 1), D(2026, 11, 1)):
        section = aging_report(db, day).currencies.get("PLN")
        expected = 100_000 if day < D(2026, 9, 14) else 0
        assert (section.totals.open if section else 0) == expected, day
    # the freed money pays the next invoice
    invoice(db, cid, "FV/2", D(2026, 10, 5), (D(2026, 10, 20), 50_000))
    assert _open(db, cid)["FV/2"] == [20_000]
    assert_ledger_consistent(db)


def test_as_of_ignores_later_invoices_and_payments(db: Database) -> None:
    cid = contractor(db)
    invoice(db, cid, "FV/1", D(2025, 1, 1), (D(2025, 1, 15), 10_000))
    invoice(db, cid, "FV/2", D(2025, 6, 1), (D(2025, 6, 15), 20_000))
    pay(db, cid, D(2025, 7, 1), 30_000)
    assert aging_report(db, D(2024, 12, 31)).currencies == {}
    early = aging_report(db, D(2025, 3, 1)).currencies["PLN"]
    assert (early.totals.open, early.totals.overdue) == (10_000, 10_000)
    assert early.contractors[0].max_days_overdue == (D(2025, 3, 1) - D(2025, 1, 15)).days
    mid = aging_report(db, D(2025, 6, 30)).currencies["PLN"]
    assert mid.totals.open == 30_000
    assert mid.totals.buckets["1-30"] == 20_000
    assert mid.totals.buckets["91-180"] == 10_000
    assert aging_report(db, D(2025, 7, 1)).currencies == {}


def test_backdated_payment_updates_settlement(db: Database) -> None:
    cid = contractor(db)
    invoice(db, cid, "FV/1", D(2026, 1, 1), (D(2026, 1, 15), 10_000))
    pay(db, cid, D(2026, 3, 1), 4_000)
    pay(db, cid, D(2026, 2, 1), 6_000)
    assert _open(db, cid)["FV/1"] == [0]
    assert aging_report(db, D(2026, 2, 15)).currencies["PLN"].totals.open == 4_000
    assert_ledger_consistent(db)


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ([], "needs a due date"),
        ([(D(2026, 8, 1), 100)], "before the issue date"),
        ([(D(2026, 9, 15), 100), (D(2026, 9, 15), 100)], "same due date"),
    ],
)
def test_invoice_validation(db: Database, parts: list[tuple[object, int]], message: str) -> None:
    cid = contractor(db)
    with pytest.raises(ValidationError, match=message):
        invoice(db, cid, "FV/1", D(2026, 9, 1), *parts)  # type: ignore[arg-type]


def test_duplicates_and_unknowns_are_refused(db: Database) -> None:
    cid = contractor(db, nip="5260250274")
    with pytest.raises(ConflictError):
        contractor(db, name="Other", nip="526-025-02-74")
    invoice(db, cid, "FV/1", D(2026, 9, 1), (D(2026, 9, 15), 100))
    with pytest.raises(ConflictError):
        invoice(db, cid, "FV/1", D(2026, 9, 1), (D(2026, 9, 15), 100))
    with pytest.raises(NotFoundError):
        invoice(db, 999, "FV/9", D(2026, 9, 1), (D(2026, 9, 15), 100))
    with pytest.raises(NotFoundError):
        pay(db, cid, D(2026, 9, 1), 100, invoice_number="FV/404")


def test_card_as_of_a_day_keeps_credit_later_spent_on_a_later_invoice(
    db: Database, cli: Cli
) -> None:
    """Issue 6 item 5: 50.00 overpaid on 2026-01-05 pays an invoice dated 2026-02-01; as of
    2026-01-10 the card still shows the 50.00 credit and no allocation made after that day."""
    cid = contractor(db)
    invoice(db, cid, "FV/1", D(2025, 12, 20), (D(2026, 1, 3), 100_00))
    payment_id = pay(db, cid, D(2026, 1, 5), 150_00)
    before = views.contractor_card(db, cid, D(2026, 1, 10))
    invoice(db, cid, "FV/2", D(2026, 2, 1), (D(2026, 2, 15), 80_00))

    card = views.contractor_card(db, cid, D(2026, 1, 10))
    assert (card.balances, card.invoices, card.payments) == (
        before.balances,
        before.invoices,
        before.payments,
    )
    assert card.balance("PLN").credit_minor == 50_00
    (payment,) = card.payments
    assert payment.unallocated_minor == 50_00
    assert [(a.invoice_number, a.amount_minor, a.effective_date) for a in payment.allocations] == [
        ("FV/1", 100_00, D(2026, 1, 5))
    ]
    shown = cli("contractor", "show", str(cid), "--today", "2026-01-10", "--json").json()
    assert shown["balances"]["PLN"]["credit"] == "50.00"
    assert [a["date"] for a in shown["payments"][0]["allocations"]] == ["2026-01-05"]

    # as of 2026-02-01 the credit has paid FV/2, from FV/2's date
    later = views.contractor_card(db, cid, D(2026, 2, 1))
    assert later.balance("PLN") == Balance("PLN", open_minor=30_00)
    assert [a.effective_date for a in later.payments[0].allocations] == [
        D(2026, 1, 5),
        D(2026, 2, 1),
    ]
    assert views.get_payment(db, payment_id).unallocated_minor == 0
    assert_ledger_consistent(db)


def test_card_as_of_a_day_before_a_correction_shows_the_allocation_unreleased(
    db: Database,
) -> None:
    cid = contractor(db)
    invoice(db, cid, "FV/1", D(2026, 9, 1), (D(2026, 9, 15), 100_000))
    pay(db, cid, D(2026, 9, 14), 100_000)
    invoices.add_invoice(
        db,
        invoices.InvoiceInput(
            contractor=cid,
            number="KOR/1",
            issue_date=D(2026, 10, 1),
            currency="PLN",
            instalments=[],
            kind="correction",
            corrects="FV/1",
            gross_minor=-30_000,
        ),
    )
    september = views.contractor_card(db, cid, D(2026, 9, 30))
    assert september.balance("PLN") == Balance("PLN")
    assert [(a.amount_minor, a.released_on) for a in september.payments[0].allocations] == [
        (100_000, None)
    ]
    october = views.contractor_card(db, cid, D(2026, 10, 1))
    assert october.balance("PLN") == Balance("PLN", credit_minor=30_000)
    assert [(a.amount_minor, a.released_on) for a in october.payments[0].allocations] == [
        (100_000, D(2026, 10, 1)),
        (70_000, None),
    ]


def test_money_freed_by_a_correction_pays_other_debt_only_from_the_correction_day(
    db: Database,
) -> None:
    """Before the correction the payment was all on FV/1; counting the freed part against FV/2
    from the payment's own date would count that money twice in every earlier balance."""
    cid = contractor(db)
    invoice(db, cid, "FV/1", D(2026, 1, 1), (D(2026, 1, 15), 100_00))
    invoice(db, cid, "FV/2", D(2026, 1, 2), (D(2026, 1, 20), 50_00))
    pay(db, cid, D(2026, 1, 5), 100_00, invoice_number="FV/1")
    invoices.add_invoice(
        db,
        invoices.InvoiceInput(
            contractor=cid,
            number="KOR/1",
            issue_date=D(2026, 1, 20),
            currency="PLN",
            instalments=[],
            kind="correction",
            corrects="FV/1",
            gross_minor=-30_00,
        ),
    )
    assert _open(db, cid, D(2026, 1, 10)) == {"FV/1": [0], "FV/2": [50_00]}
    assert aging_report(db, D(2026, 1, 10)).currencies["PLN"].totals.open == 50_00
    assert _open(db, cid, D(2026, 1, 20)) == {"KOR/1": [], "FV/1": [0], "FV/2": [20_00]}
    assert aging_report(db, D(2026, 1, 20)).currencies["PLN"].totals.open == 20_00
    (payment,) = views.contractor_card(db, cid, D(2026, 2, 1)).payments
    assert [(a.invoice_number, a.amount_minor, a.effective_date) for a in payment.allocations] == [
        ("FV/1", 100_00, D(2026, 1, 5)),
        ("FV/1", 70_00, D(2026, 1, 20)),
        ("FV/2", 30_00, D(2026, 1, 20)),
    ]
    assert_ledger_consistent(db)
