"""Amounts typed and shown in the user's language: "1 234,56" in Polish, "1,234.56" in English."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.domain.money import MAX_AMOUNT_MINOR, format_amount, parse_local_amount
from desktop_app.errors import ValidationError
from desktop_app.i18n import language


@pytest.mark.parametrize(
    ("lang", "text", "minor"),
    [
        ("pl", "1 234,56", 123456),
        ("pl", "1\u00a0234,56", 123456),
        ("pl", "1234,56", 123456),
        ("pl", "1234.56", 123456),  # the numeric keypad's decimal key
        ("pl", "982 141,42 zł", 98214142),
        ("pl", "0,5", 50),
        ("pl", "12", 1200),
        ("ru", "1 234,56", 123456),
        ("en", "1,234.56", 123456),
        ("en", "1,234", 123400),
        ("en", "1234.5", 123450),
        ("en", "PLN 1,234.56", 123456),
        ("en", "1 234.56", 123456),
    ],
)
def test_amounts_as_people_type_them(lang: str, text: str, minor: int) -> None:
    assert parse_local_amount(text, "PLN", lang) == minor


@pytest.mark.parametrize(
    ("lang", "text", "problem"),
    [
        ("pl", "", "Enter an amount"),
        ("pl", "abc", "Not an amount: abc"),
        ("pl", "1.234,56", "Not an amount: 1.234,56"),  # which mark is the decimal one?
        ("pl", "12 34,5", "Not an amount: 12 34,5"),
        ("pl", "1,234", "Too many decimal places in 1,234 for PLN"),
        ("pl", "-5", "The amount must not be negative: -5"),
        ("pl", "5 EUR", "Not an amount: 5 EUR"),  # another currency's code
        ("en", "1234,56", "Not an amount: 1234,56"),  # not read as 123,456
        ("en", "1,23", "Not an amount: 1,23"),
        ("en", "1e5", "Not an amount: 1e5"),
    ],
)
def test_garbage_is_refused_with_a_sentence(lang: str, text: str, problem: str) -> None:
    with pytest.raises(ValidationError) as raised:
        parse_local_amount(text, "PLN", lang)
    assert raised.value.message == problem
    assert raised.value.field == "amount"


def test_the_refusal_is_in_the_users_language() -> None:
    with language("pl"), pytest.raises(ValidationError) as raised:
        parse_local_amount("abc", "PLN")
    assert raised.value.message != "Not an amount: abc"
    assert "abc" in raised.value.message


def test_negative_only_when_allowed_and_currency_exponents() -> None:
    assert parse_local_amount("-1 234,5", "PLN", "pl", allow_negative=True) == -123450
    assert parse_local_amount("\u22125", "EUR", "pl", allow_negative=True) == -500
    assert parse_local_amount("1 234", "JPY", "pl") == 1234
    with pytest.raises(ValidationError):
        parse_local_amount("1,5", "JPY", "pl")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("pl", "982\u00a0141,42"), ("ru", "982\u00a0141,42"), ("en", "982,141.42")],
)
def test_amounts_read_in_the_language(lang: str, expected: str) -> None:
    assert format_amount(98214142, "PLN", lang) == expected


def test_shown_with_the_currencys_own_decimals() -> None:
    assert format_amount(123456, "JPY", "en") == "123,456"
    assert format_amount(1234567, "KWD", "en") == "1,234.567"
    assert format_amount(5, "EUR", "pl") == "0,05"
    assert format_amount(-150, "PLN", "pl") == "-1,50"


@given(
    minor=st.integers(min_value=-MAX_AMOUNT_MINOR, max_value=MAX_AMOUNT_MINOR),
    currency=st.sampled_from(["PLN", "EUR", "JPY", "KWD"]),
    lang=st.sampled_from(["pl", "en", "ru"]),
)
def test_what_is_shown_reads_back_as_the_same_amount(minor: int, currency: str, lang: str) -> None:
    shown = format_amount(minor, currency, lang)
    assert parse_local_amount(shown, currency, lang, allow_negative=True) == minor
