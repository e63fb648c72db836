"""Text normal forms for searching."""

from __future__ import annotations

import unicodedata

# Letters NFKD does not decompose into a base letter plus an accent.
_EXTRA = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d"})


def search_key(text: str) -> str:
    """Case-folded, diacritics removed, spaces collapsed: "Łódź  S.A." -> "lodz s.a."."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())
