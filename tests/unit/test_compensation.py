"""Compensation for recovery costs: the 40/70/100 EUR tiers at their exact PLN limits and the
NBP rate of the last business day of the month before the payment fell due."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from desktop_app.domain.compensation import (
    MissingEurRateError,
    business_debtor,
    compensation_eur,
    compensation_for,
    rate_day,
)

D = dt.date


@pytest.mark.parametrize(
    ("amount_minor", "eur_minor"),
    [
        (1, 4000),
        (500_000, 4000),  # exactly 5,000.00 PLN: "up to 5,000" -> 40 EUR
        (500_001, 7000),  # 5,000.01
        (4_999_999, 7000),  # 49,999.99: "below 50,000" -> 70 EUR
        (5_000_000, 10000),  # exactly 50,000.00: "from 50,000" -> 100 EUR
        (99_999_999_999, 10000),
    ],
)
def test_tiers_at_their_exact_limits(amount_minor: int, eur_minor: int) -> None:
    assert compensation_eur(amount_minor, D(2024, 3, 15)) == eur_minor


def test_before_2020_every_invoice_was_40_eur() -> None:
    assert compensation_eur(5_000_000, D(2019, 12, 31)) == 4000


def test_the_briefs_example() -> None:
    # due 2024-03-15 -> rate of the last business day of February 2024: Thu 2024-02-29
    # 6,000.00 PLN is above 5,000 and below 50,000: 70 EUR x 4.3191 = 302.337 -> 302.34 PLN
    result = compensation_for(
        600_000,
        D(2024, 3, 15),
        business_debtor=True,
        eur_rates={D(2024, 2, 28): Decimal("4.3300"), D(2024, 2, 29): Decimal("4.3191")},
    )
    assert result is not None
    assert (result.eur_minor, result.rate_date, result.rate, result.pln_minor) == (
        7000,
        D(2024, 2, 29),
        Decimal("4.3191"),
        30_234,
    )


@pytest.mark.parametrize(
    ("due", "day"),
    [
        (D(2024, 7, 10), D(2024, 6, 28)),  # June 30, 2024 is a Sunday, 29 a Saturday
        (D(2026, 1, 15), D(2025, 12, 31)),  # Wed Dec 31 is a business day
        (D(2025, 12, 5), D(2025, 11, 28)),  # Nov 29-30, 2025 a weekend
        # due Sun 2024-03-31 moves past Easter Monday to Tue 2024-04-02 (Art. 115 KC): the
        # payment fell due in April, so March's last business day, Good Friday 2024-03-29
        (D(2024, 3, 31), D(2024, 3, 29)),
    ],
)
def test_the_rate_day_is_the_last_business_day_of_the_month_before(
    due: dt.date, day: dt.date
) -> None:
    assert rate_day(due) == day


def test_days_without_a_table_are_skipped_back() -> None:
    # only the 28th's table is in the month-end window (the 29th had none): it is the one used
    result = compensation_for(
        100_000,
        D(2024, 3, 15),
        business_debtor=True,
        eur_rates={D(2024, 2, 28): Decimal("4.3300"), D(2024, 1, 31): Decimal("4.0000")},
    )
    assert result is not None
    assert (result.rate_date, result.pln_minor) == (D(2024, 2, 28), 17_320)  # 40 x 4.33


def test_a_missing_rate_names_the_day_and_how_to_enter_it() -> None:
    # a rate from the month before is no stand-in: it is outside the month-end window
    with pytest.raises(MissingEurRateError, match="2024-02-29") as caught:
        compensation_for(
            100_000,
            D(2024, 3, 15),
            business_debtor=True,
            eur_rates={D(2024, 1, 31): Decimal("4.0000")},
        )
    assert "rates add --kind eur" in caught.value.message
    assert caught.value.rate_day == D(2024, 2, 29)


def test_only_business_debtors_owe_compensation() -> None:
    rates = {D(2024, 2, 29): Decimal("4.3191")}
    assert compensation_for(600_000, D(2024, 3, 15), business_debtor=False, eur_rates=rates) is None
    assert compensation_for(0, D(2024, 3, 15), business_debtor=True, eur_rates=rates) is None


def test_a_business_is_known_by_its_tax_number() -> None:
    assert business_debtor("5260250274")
    assert business_debtor("DE123456789")
    assert not business_debtor(None)
    assert not business_debtor("  ")
