"""How money is spread over open items: pure arithmetic the payment and correction services share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class OpenItem:
    key: int
    open_minor: int


def spread(amount_minor: int, items: Sequence[OpenItem]) -> tuple[list[tuple[int, int]], int]:
    """Fill ``items`` in the given order; returns ([(key, amount)...], remainder).

    The caller decides the order (oldest due first for payments, latest first for corrections).
    """
    if amount_minor < 0:
        raise ValueError("amount must not be negative")
    parts: list[tuple[int, int]] = []
    left = amount_minor
    for item in items:
        if left == 0:
            break
        take = min(left, item.open_minor)
        if take > 0:
            parts.append((item.key, take))
            left -= take
    return parts, left
