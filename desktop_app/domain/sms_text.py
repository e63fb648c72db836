"""How long an SMS is, and how to make it shorter.

An SMS is GSM-7 encoded (3GPP TS 23.038: 160 septets, or 153 per part when split) unless one
character falls outside the GSM-7 alphabet; then the whole message is UCS-2 (70 UTF-16 units, 67
per part), so a single "ą" can double the price. Characters of the extension table (``€ [ ] { }
\\ ^ ~ |`` and form feed) take two septets. An escape pair or a surrogate pair is never split
between parts, as phones and gateways do it.

:func:`transliterate` replaces Polish letters and typographic punctuation (including the no-break
spaces Babel puts into amounts) with GSM-7 equivalents; with ``cyrillic=True`` it also writes
Russian in Latin letters using the ICAO Doc 9303 table, the one in Russian passports since 2014
(``ж zh, х kh, ц ts, щ shch, ю iu, я ia, ъ ie``), chosen because people read it without a key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

SmsEncoding = Literal["GSM-7", "UCS-2"]

#: 3GPP TS 23.038 default alphabet (the ESC code 0x1B is not a character of its own)
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
#: the extension table: each of these costs an escape septet plus its own
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67

_POLISH = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")
_PUNCTUATION = str.maketrans(
    {
        "\u00a0": " ",  # no-break space (Babel's thousands separator)
        "\u202f": " ",  # narrow no-break space
        "\u2009": " ",  # thin space
        "\u2007": " ",  # figure space
        "\t": " ",
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2011": "-",  # non-breaking hyphen
        "\u2212": "-",  # minus sign
        "\u201e": '"',  # „
        "\u201d": '"',  # ”
        "\u201c": '"',  # “
        "\u00ab": '"',  # «
        "\u00bb": '"',  # »
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "`": "'",
        "\u2026": "...",
        "\u2116": "No",  # №
        "\u00b7": ".",
        "\u2022": "-",  # bullet
    }
)
# ICAO Doc 9303 (Russian foreign passports, MVD order since 2014).
_CYRILLIC = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "ie",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "iu",
    "я": "ia",
}


@dataclass(frozen=True, slots=True)
class SmsLength:
    encoding: SmsEncoding
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int
    #: units still free in the last segment before another one is needed
    remaining: int


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def non_gsm7_characters(text: str) -> list[str]:
    """The characters that force UCS-2, each once, in order of appearance (for the editor)."""
    seen: dict[str, None] = {}
    for ch in text:
        if ch not in GSM7_BASIC and ch not in GSM7_EXTENSION:
            seen.setdefault(ch)
    return list(seen)


def _costs(text: str) -> tuple[SmsEncoding, list[int]]:
    if is_gsm7(text):
        return "GSM-7", [2 if ch in GSM7_EXTENSION else 1 for ch in text]
    return "UCS-2", [2 if ord(ch) > 0xFFFF else 1 for ch in text]


def _pack(costs: list[int], part: int) -> tuple[int, int]:
    """Greedy split into parts of ``part`` units, never splitting one character: (parts, used)."""
    parts, used = 1, 0
    for cost in costs:
        if used + cost > part:
            parts, used = parts + 1, 0
        used += cost
    return parts, used


def measure(text: str) -> SmsLength:
    """Encoding, length and number of SMS parts; an empty text needs 0 parts."""
    encoding, costs = _costs(text)
    units = sum(costs)
    single, part = (GSM7_SINGLE, GSM7_PART) if encoding == "GSM-7" else (UCS2_SINGLE, UCS2_PART)
    if units == 0:
        return SmsLength(encoding, 0, 0, single)
    if units <= single:
        return SmsLength(encoding, units, 1, single - units)
    parts, used = _pack(costs, part)
    return SmsLength(encoding, units, parts, part - used)


def segment_count(text: str) -> int:
    return measure(text).segments


def _cyrillic_to_latin(text: str) -> str:
    out: list[str] = []
    for i, ch in enumerate(text):
        lower = ch.lower()
        latin = _CYRILLIC.get(lower)
        if latin is None:
            out.append(ch)
        elif ch == lower:
            out.append(latin)
        else:
            # "ЖУК" -> "ZHUK" but "Жук" -> "Zhuk": all capitals when a neighbour is a capital
            neighbours = text[i - 1 : i] + text[i + 1 : i + 2]
            shouting = any(n.isupper() and n.lower() in _CYRILLIC for n in neighbours)
            out.append(latin.upper() if shouting else latin.capitalize())
    return "".join(out)


def transliterate(text: str, *, cyrillic: bool = False) -> str:
    """Polish letters and typographic punctuation to GSM-7 (optionally Russian to Latin too)."""
    result = text.translate(_POLISH).translate(_PUNCTUATION)
    if cyrillic:
        result = _cyrillic_to_latin(result)
    return result
