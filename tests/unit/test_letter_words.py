"""Amounts in words as letters write them, in the contractor's language."""

from __future__ import annotations

from desktop_app.domain.money import Money
from desktop_app.letters.words import amount_in_words


def test_polish_zloty_and_grosze_with_their_grammar() -> None:
    assert amount_in_words(Money(1_234_56, "PLN"), "pl") == (
        "tysiąc dwieście trzydzieści cztery złote, pięćdziesiąt sześć groszy"
    )
    assert amount_in_words(Money(21_00, "PLN"), "pl") == "dwadzieścia jeden złotych, zero groszy"


def test_russian_roubles_and_english_euro() -> None:
    assert amount_in_words(Money(1_000_000_01, "RUB"), "ru") == "один миллион рублей, одна копейка"
    assert amount_in_words(Money(70_00, "EUR"), "en") == "seventy euro, zero cents"


def test_a_currency_without_grammar_is_words_and_hundredths() -> None:
    assert amount_in_words(Money(12_50, "CHF"), "pl") == "dwanaście 50/100 CHF"
