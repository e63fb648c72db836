"""A payment's allocation chosen by a person: the same money rules as the automatic one."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.domain.allocation import (
    ChoiceRefusedError,
    ChosenShare,
    OpenItem,
    Share,
    allocate,
    allocate_as_chosen,
)
from desktop_app.domain.receivables import Available
from tests.unit.test_allocation import days, open_items

D = dt.date


@given(st.integers(min_value=0, max_value=10**9), days, open_items)
def test_choosing_what_the_rule_proposes_records_what_the_rule_records(
    amount: int, received: dt.date, items: list[OpenItem]
) -> None:
    money = [Available(received, amount)]
    proposed, left = allocate(money, items)
    chosen = [ChosenShare(s.key, s.amount_minor) for s in proposed]
    assert allocate_as_chosen(money, items, chosen) == (proposed, left)


def test_chosen_shares_count_from_the_later_of_payment_and_issue_and_leave_the_rest() -> None:
    items = [
        OpenItem(1, 100_00, D(2026, 9, 15), D(2026, 9, 1)),
        OpenItem(2, 80_00, D(2026, 12, 15), D(2026, 12, 1)),
    ]
    shares, left = allocate_as_chosen(
        [Available(D(2026, 10, 1), 150_00)], items, [ChosenShare(2, 80_00), ChosenShare(1, 0)]
    )
    assert shares == [Share(2, 80_00, D(2026, 12, 1))]
    assert left == 70_00


@pytest.mark.parametrize(
    ("chosen", "reason"),
    [
        ([ChosenShare(1, 100_01)], "more_than_open"),
        ([ChosenShare(1, 60_00), ChosenShare(1, 40_01)], "more_than_open"),
        ([ChosenShare(7, 1)], "not_open"),
        ([ChosenShare(1, -1)], "negative"),
        ([ChosenShare(1, 100_00), ChosenShare(2, 50_01)], "more_than_paid"),
    ],
)
def test_choices_the_rules_refuse(chosen: list[ChosenShare], reason: str) -> None:
    items = [
        OpenItem(1, 100_00, D(2026, 9, 15), D(2026, 9, 1)),
        OpenItem(2, 80_00, D(2026, 9, 30), D(2026, 9, 1)),
    ]
    with pytest.raises(ChoiceRefusedError) as refused:
        allocate_as_chosen([Available(D(2026, 10, 1), 150_00)], items, chosen)
    assert refused.value.reason == reason
