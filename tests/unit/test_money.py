from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.domain.money import (
    MAX_AMOUNT_MINOR,
    Money,
    check_amount,
    decimal_str,
    format_amounts,
    format_money,
    normalize_currency,
    parse_amount,
    parse_local_amount,
)
from desktop_app.errors import ValidationError


@pytest.mark.parametrize(
    ("text", "minor"),
    [
        ("1234.56", 123456),
        ("1 234,56", 123456),
        ("1\u00a0234,56", 123456),
        ("1.234,56", 123456),
        ("1,234.56", 123456),
        ("1234", 123400),
        ("0,5", 50),
        ("1.234.567", 123456700),
        ("+7", 700),
    ],
)
def test_parse_amount_accepts_common_spellings(text: str, minor: int) -> None:
    assert parse_amount(text, "PLN") == minor


@pytest.mark.parametrize(
    "text", ["", "abc", "12,345", "1,234", "1.2.3,4,5", "1e5", "--1", "12.3.4"]
)
def test_parse_amount_rejects_ambiguous_or_garbage(text: str) -> None:
    with pytest.raises(ValidationError):
        parse_amount(text, "PLN")


def test_negative_only_when_allowed() -> None:
    with pytest.raises(ValidationError, match="negative"):
        parse_amount("-5", "PLN")
    assert parse_amount("-12,30", "PLN", allow_negative=True) == -1230


def test_currency_exponent_respected() -> None:
    assert parse_amount("1500", "JPY") == 1500
    with pytest.raises(ValidationError):
        parse_amount("15.5", "JPY")
    assert decimal_str(1500, "JPY") == "1500"


@given(st.integers(min_value=-MAX_AMOUNT_MINOR, max_value=MAX_AMOUNT_MINOR))
def test_decimal_str_round_trips(minor: int) -> None:
    assert parse_amount(decimal_str(minor, "PLN"), "PLN", allow_negative=True) == minor


def test_format_money_per_language() -> None:
    nbsp = "\u00a0"
    assert format_money(123456, "PLN", "pl") == f"1{nbsp}234,56{nbsp}zł"
    assert format_money(123456, "PLN", "en") == f"PLN{nbsp}1,234.56"
    assert format_money(123456, "EUR", "ru") == f"1{nbsp}234,56{nbsp}€"


def test_amounts_in_several_currencies_stand_side_by_side() -> None:
    nbsp = "\u00a0"
    both = format_amounts([(123456, "PLN"), (26892, "EUR"), (0, "USD")], "PLN", "pl")
    assert both == f"1{nbsp}234,56{nbsp}zł + 268,92{nbsp}€"
    assert format_amounts([(0, "PLN"), (26892, "EUR")], "PLN", "pl") == f"268,92{nbsp}€"
    assert format_amounts([], "PLN", "pl") == f"0,00{nbsp}zł"


def test_currency_codes() -> None:
    assert normalize_currency(" eur ") == "EUR"
    with pytest.raises(ValidationError, match="XYZ"):
        normalize_currency("XYZ")


def test_money_refuses_mixing_currencies() -> None:
    assert Money(100, "PLN") + Money(50, "PLN") == Money(150, "PLN")
    with pytest.raises(ValueError):
        _ = Money(100, "PLN") + Money(1, "EUR")


def test_amounts_have_an_upper_bound_in_every_currency() -> None:
    """92,233,720,368,547,758.07 was accepted twice and then no sum over the database fitted."""
    assert parse_amount("9 999 999 999,99", "PLN") == MAX_AMOUNT_MINOR
    for text, currency in (("10 000 000 000", "PLN"), ("92233720368547758.07", "PLN"),
                           ("1000000000000", "JPY"), ("9" * 40, "EUR")):  # fmt: skip
        with pytest.raises(ValidationError, match="too large"):
            parse_amount(text, currency)
    with pytest.raises(ValidationError, match="too large"):
        parse_amount("-10 000 000 000", "PLN", allow_negative=True)


def test_the_gui_amount_fields_parse_with_the_same_bound() -> None:
    """The dialogs read amounts with parse_local_amount, in the user's language."""
    assert parse_local_amount("9 999 999 999,99 zł", "PLN", "pl") == MAX_AMOUNT_MINOR
    for text, lang in (("10 000 000 000,00", "pl"), ("10,000,000,000.00", "en"),
                       ("92 233 720 368 547 758,07", "ru")):  # fmt: skip
        with pytest.raises(ValidationError, match="too large"):
            parse_local_amount(text, "PLN", lang)


def test_services_check_the_same_bound() -> None:
    assert check_amount(MAX_AMOUNT_MINOR, "PLN") == MAX_AMOUNT_MINOR
    assert check_amount(-MAX_AMOUNT_MINOR, "PLN", allow_negative=True) == -MAX_AMOUNT_MINOR
    with pytest.raises(ValidationError, match="too large") as caught:
        check_amount(MAX_AMOUNT_MINOR + 1, "PLN", field="credit_limit")
    assert caught.value.field == "credit_limit"
    with pytest.raises(ValidationError, match="negative"):
        check_amount(-1, "PLN")


def test_a_sum_of_maximal_amounts_fits_the_database_integer() -> None:
    """What the bound buys: SQLite's SUM and PostgreSQL's bigint overflow past 2**63 - 1."""
    assert 9_000_000 * MAX_AMOUNT_MINOR < 2**63 - 1
