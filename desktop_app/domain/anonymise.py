"""What anonymising a contractor does to the texts that stay: every piece of personal data
(the name, the NIP, addresses, e-mail addresses, phone numbers, contact people) is masked
wherever it was written (an activity entry, a task, a note), in any case, and in the spellings a
phone number or a NIP is written with (spaces, dashes, "+48")."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

MASK = "***"
#: shorter pieces (a "Sp", a two-letter city) would mask ordinary words everywhere
MIN_LENGTH = 3


def _loose(piece: str) -> str:
    """A regex for ``piece`` that lets spaces, dashes and dots come between digits, so
    "501234567" also finds "501 234 567" and "+48 501-234-567"."""
    if piece.isdigit():
        return r"[\s.\-]?".join(re.escape(ch) for ch in piece)
    return re.escape(piece)


def personal_pattern(pieces: Iterable[str | None]) -> re.Pattern[str] | None:
    """One pattern matching any of ``pieces`` (longest first); None when there is nothing."""
    cleaned: set[str] = set()
    for piece in pieces:
        text = (piece or "").strip()
        if len(text) < MIN_LENGTH:
            continue
        cleaned.add(text)
        digits = re.sub(r"\D", "", text)
        if len(digits) >= 7 and digits != text:  # a phone or a NIP written with separators
            cleaned.add(digits)
            if digits.startswith("48") and len(digits) == 11:
                cleaned.add(digits[2:])
    if not cleaned:
        return None
    ordered = sorted(cleaned, key=len, reverse=True)
    return re.compile("|".join(_loose(p) for p in ordered), re.IGNORECASE)


def scrub(text: str | None, pattern: re.Pattern[str] | None) -> str | None:
    if text is None or pattern is None:
        return text
    return pattern.sub(MASK, text)


def scrub_value(value: Any, pattern: re.Pattern[str] | None) -> Any:
    """``value`` (a JSON document: dicts, lists, strings, numbers) with the personal data in its
    strings masked; keys, numbers and booleans stay."""
    if pattern is None:
        return value
    if isinstance(value, str):
        return pattern.sub(MASK, value)
    if isinstance(value, list):
        return [scrub_value(v, pattern) for v in value]
    if isinstance(value, dict):
        return {k: scrub_value(v, pattern) for k, v in value.items()}
    return value
