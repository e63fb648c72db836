from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from desktop_app.domain.allocation import OpenItem, spread
from desktop_app.domain.receivables import AllocationFact, open_as_of


def test_spread_fills_in_order_and_returns_remainder() -> None:
    parts, left = spread(1500, [OpenItem(1, 1000), OpenItem(2, 300), OpenItem(3, 400)])
    assert parts == [(1, 1000), (2, 300), (3, 200)]
    assert left == 0
    parts, left = spread(2000, [OpenItem(1, 1000), OpenItem(2, 300)])
    assert left == 700


@given(
    st.integers(min_value=0, max_value=10**9),
    st.lists(st.integers(min_value=0, max_value=10**8), max_size=20),
)
def test_spread_conserves_money(amount: int, opens: list[int]) -> None:
    items = [OpenItem(i, v) for i, v in enumerate(opens)]
    parts, left = spread(amount, items)
    assert sum(p for _, p in parts) + left == amount
    assert all(0 < p <= opens[k] for k, p in parts)
    assert left == 0 or sum(p for _, p in parts) == sum(opens)


def test_open_as_of_honours_effective_and_release_dates() -> None:
    d = dt.date
    facts = [
        AllocationFact(100, d(2026, 1, 10), released_on=d(2026, 3, 1)),
        AllocationFact(70, d(2026, 3, 1)),
        AllocationFact(30, d(2026, 3, 1)),
    ]
    assert open_as_of(100, facts, d(2026, 1, 9)) == 100
    assert open_as_of(100, facts, d(2026, 2, 28)) == 0
    assert open_as_of(100, facts, d(2026, 3, 1)) == 0
