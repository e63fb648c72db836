"""Amounts in words, as a demand letter writes them: "tysiąc dwieście trzydzieści cztery złote,
pięćdziesiąt sześć groszy"."""

from __future__ import annotations

from num2words import num2words

from desktop_app.domain.money import Money, exponent, to_decimal

#: what num2words calls each of our languages
_LANG = {"pl": "pl", "en": "en", "ru": "ru"}


def amount_in_words(amount: Money, language: str) -> str:
    """Whole units and minor units in words, in the letter's language.

    num2words knows the grammar of złoty, rouble and euro in each of our languages; for a currency
    it does not know in that language, the number is written in words and the code follows it
    ("dwanaście 50/100 CHF"), which is how Polish forms write such amounts.
    """
    lang = _LANG.get(language, "en")
    value = to_decimal(abs(amount.minor), amount.currency)
    sign = "minus " if amount.minor < 0 else ""
    try:
        text = num2words(value, lang=lang, to="currency", currency=amount.currency)
    except NotImplementedError:
        digits = exponent(amount.currency)
        whole = abs(amount.minor) // 10**digits
        minor = abs(amount.minor) % 10**digits
        fraction = f" {minor:0{digits}d}/{10**digits}" if digits else ""
        text = f"{num2words(whole, lang=lang)}{fraction} {amount.currency}"
    return sign + str(text)
