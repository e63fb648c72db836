"""Money as an integer number of minor units plus an ISO 4217 code.

Never float: amounts are parsed from text with :class:`decimal.Decimal` and stored as ``int``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from babel.core import Locale, UnknownLocaleError
from babel.numbers import (
    format_currency,
    format_decimal,
    get_currency_precision,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
    list_currencies,
)

from desktop_app.errors import ValidationError
from desktop_app.i18n import _, babel_locale

_KNOWN_CURRENCIES = frozenset(list_currencies())

#: The largest amount Inkaso accepts, in minor units of any currency (9,999,999,999.99 PLN).
#: Money columns are 64-bit integers and reports add them up in SQL: SQLite's SUM() fails with
#: "integer overflow" past 2**63 - 1 (about 9.22e18) for the whole database. With this bound a
#: sum overflows only past 9.22e18 / 1e12, about 9.2 million amounts each at the maximum; a
#: small firm's database holds far fewer rows (the demo 3,000 invoices), and real amounts are
#: far below the bound. Open balances are differences of bounded amounts, so they fit too.
MAX_AMOUNT_MINOR = 10**12 - 1
_AMOUNT_FORMS = (
    re.compile(r"(?P<int>\d+)(?:[.,](?P<dec>\d+))?"),
    re.compile(r"(?P<int>\d{1,3}(?:\.\d{3})+)(?:,(?P<dec>\d+))?"),
    re.compile(r"(?P<int>\d{1,3}(?:,\d{3})+)(?:\.(?P<dec>\d+))?"),
)


def normalize_currency(code: str) -> str:
    """Upper-case ISO code, or a ValidationError naming the bad value."""
    norm = code.strip().upper()
    if norm not in _KNOWN_CURRENCIES or len(norm) != 3:
        raise ValidationError(
            _("Unknown currency code: {code}").format(code=code), field="currency"
        )
    return norm


#: what groups thousands, and the marks inside the integer part, removed before reading digits
_GROUPING = re.compile(r"[ \u00a0\u202f']")
_MARKS = re.compile(r"[.,]")


@functools.lru_cache(maxsize=256)  # asked for every amount read and written
def exponent(currency: str) -> int:
    """Number of minor-unit digits (PLN 2, JPY 0, ...)."""
    digits: int = get_currency_precision(currency)
    return digits


def parse_amount(text: str, currency: str, *, allow_negative: bool = False) -> int:
    """Parse "1234.56", "1 234,56", "1.234,56" or "1234" into minor units of ``currency``.

    Spaces and apostrophes group thousands. A single ``,`` or ``.`` is always the decimal mark,
    so an ambiguous "1,234" in PLN is rejected as too many decimals rather than silently read as
    a thousand; a mark repeated in groups of three ("1.234.567,5") groups thousands.
    """
    raw = _GROUPING.sub("", text.strip())
    sign = -1 if raw.startswith("-") else 1
    if raw[:1] in ("+", "-"):
        raw = raw[1:]
    for pattern in _AMOUNT_FORMS:
        match = pattern.fullmatch(raw)
        if match:
            break
    else:
        raise ValidationError(_("Not an amount: {text}").format(text=text), field="amount")
    integer = _MARKS.sub("", match.group("int"))
    decimals = match.group("dec") or ""
    digits = exponent(currency)
    if len(decimals) > digits:
        raise ValidationError(
            _("Too many decimal places in {text} for {currency}").format(
                text=text, currency=currency
            ),
            field="amount",
        )
    if len(integer.lstrip("0")) > 15:
        # far past the bound; int() of thousands of digits would be slow for nothing
        raise _too_large(text.strip(), currency, "amount")
    minor: int = (int(integer) * 10**digits + int(decimals.ljust(digits, "0") or "0")) * sign
    if minor < 0 and not allow_negative:
        raise ValidationError(
            _("The amount must not be negative: {text}").format(text=text), field="amount"
        )
    if abs(minor) > MAX_AMOUNT_MINOR:
        raise _too_large(text.strip(), currency, "amount")
    return minor


def check_amount(
    minor: int, currency: str, *, field: str = "amount", allow_negative: bool = False
) -> int:
    """The services' check of an amount given as minor units (importers, the GUI, the CLI)."""
    if minor < 0 and not allow_negative:
        raise ValidationError(
            _("The amount must not be negative: {text}").format(text=decimal_str(minor, currency)),
            field=field,
        )
    if abs(minor) > MAX_AMOUNT_MINOR:
        raise _too_large(decimal_str(minor, currency), currency, field)
    return minor


def _too_large(text: str, currency: str, field: str) -> ValidationError:
    return ValidationError(
        _("The amount {text} is too large; Inkaso accepts at most {limit}").format(
            text=text, limit=format_money(MAX_AMOUNT_MINOR, currency)
        ),
        field=field,
    )


#: spaces people type between thousands in any language (and the apostrophe of Swiss books)
_GROUP_SPACES = " \u00a0\u202f'"
_MINUS = "-\u2212"


def parse_local_amount(
    text: str, currency: str, lang: str | None = None, *, allow_negative: bool = False
) -> int:
    """An amount as a person types it in the active (or given) UI language, in minor units.

    The language's decimal sign is the decimal mark: "1 234,56" in Polish and Russian,
    "1,234.56" in English. Its group sign and spaces separate thousands in threes. Where the
    group sign is a space, a "." also marks decimals (the numeric keypad's key); where it is
    ",", "1234,56" is refused rather than read as 123,456. The currency's code or symbol may
    stand before or after the number.
    """
    loc = babel_locale(lang)
    decimal_sign = get_decimal_symbol(loc)
    group_sign = get_group_symbol(loc)
    decimal_marks = {decimal_sign}
    if group_sign not in ".,":
        decimal_marks |= {".", ","} - {group_sign}
    groups = set(_GROUP_SPACES) | ({group_sign} - decimal_marks)
    raw = _without_currency(text.strip(), currency, loc)
    if not raw:
        raise ValidationError(_("Enter an amount"), field="amount")
    sign = ""
    if raw[0] in _MINUS or raw[0] == "+":
        sign = "-" if raw[0] in _MINUS else ""
        raw = raw[1:].lstrip()
    group_class = "".join(re.escape(g) for g in sorted(groups))
    mark_class = "".join(re.escape(m) for m in sorted(decimal_marks))
    match = re.fullmatch(
        rf"(?P<int>\d{{1,3}}(?:[{group_class}]\d{{3}})+|\d+)(?:[{mark_class}](?P<dec>\d+))?", raw
    )
    if match is None:
        raise ValidationError(_("Not an amount: {text}").format(text=text), field="amount")
    decimals = match.group("dec") or ""
    if len(decimals) > exponent(currency):
        raise ValidationError(
            _("Too many decimal places in {text} for {currency}").format(
                text=text, currency=currency
            ),
            field="amount",
        )
    if sign and not allow_negative:
        raise ValidationError(
            _("The amount must not be negative: {text}").format(text=text), field="amount"
        )
    digits = re.sub(r"\D", "", match.group("int"))
    canonical = f"{sign}{digits}.{decimals}" if decimals else f"{sign}{digits}"
    return parse_amount(canonical, currency, allow_negative=allow_negative)


def _without_currency(text: str, currency: str, loc: str) -> str:
    """ "1 234,56 zł" or "PLN 1,234.56" -> the number alone (only the currency's own marks)."""
    for mark in sorted({currency, get_currency_symbol(currency, loc)}, key=len, reverse=True):
        if text.upper().endswith(mark.upper()):
            return text[: -len(mark)].strip()
        if text.upper().startswith(mark.upper()):
            return text[len(mark) :].strip()
    return text


def format_amount(minor: int, currency: str, lang: str | None = None) -> str:
    """An amount for a person to read or edit, without the currency: "1 234,56", "1,234.56"."""
    digits = exponent(currency)
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return str(format_decimal(to_decimal(minor, currency), pattern, locale=babel_locale(lang)))


def to_decimal(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-exponent(currency))


def decimal_str(minor: int, currency: str) -> str:
    """Machine form used in JSON: "1234.56", "-5.00", "100" for JPY."""
    digits = exponent(currency)
    value = to_decimal(minor, currency)
    return f"{value:.{digits}f}"


def format_money(minor: int, currency: str, lang: str | None = None) -> str:
    """Human form for the active (or given) UI language: "1 234,56 zł", "PLN 1,234.56"."""
    loc = babel_locale(lang)
    text = format_currency(to_decimal(minor, currency), currency, locale=loc)
    return _apply_currency_spacing(text, currency, loc)


def format_amounts(amounts: Iterable[tuple[int, str]], home: str, lang: str | None = None) -> str:
    """Amounts in several currencies side by side, never added up: "1 234,56 zł + 268,92 €";
    zero amounts are left out, and nothing at all reads 0 in the ``home`` currency."""
    texts = [format_money(minor, currency, lang) for minor, currency in amounts if minor]
    return " + ".join(texts) if texts else format_money(0, home, lang)


def _apply_currency_spacing(text: str, currency: str, loc: str) -> str:
    """CLDR currencySpacing, which Babel skips: a letter symbol never touches a digit."""
    try:
        symbol = Locale.parse(loc).currency_symbols.get(currency, currency)
    except UnknownLocaleError:  # pragma: no cover - our locales are fixed
        symbol = currency
    index = text.find(symbol)
    if index < 0 or not symbol:
        return text
    end = index + len(symbol)
    if end < len(text) and text[end].isdigit() and unicodedata.category(symbol[-1]).startswith("L"):
        return text[:end] + "\u00a0" + text[end:]
    if index > 0 and text[index - 1].isdigit() and unicodedata.category(symbol[0]).startswith("L"):
        return text[:index] + "\u00a0" + text[index:]
    return text


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in one currency. Arithmetic across currencies is an error, not a conversion."""

    minor: int
    currency: str

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor - other.minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot combine {self.currency} and {other.currency}")

    def format(self, lang: str | None = None) -> str:
        return format_money(self.minor, self.currency, lang)

    def decimal_str(self) -> str:
        return decimal_str(self.minor, self.currency)
