"""The per-item forecast: hand-made histories give the expected dates and risks one expects."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.domain.forecast import (
    LATE_DAYS,
    PRIOR_ITEMS,
    Lateness,
    LatenessSums,
    forecast_item,
    lateness,
    population,
    sums,
)
from desktop_app.domain.rating import PaymentFact

TODAY = dt.date(2026, 12, 1)
NOBODY_LATE = Lateness(0.0, 0.0, 14.0)


def _history(count: int, late_days: int, amount: int = 100_000) -> list[PaymentFact]:
    """``count`` invoices due every 30 days before today, each paid ``late_days`` late."""
    facts = []
    for n in range(1, count + 1):
        due = TODAY - dt.timedelta(days=30 * n + late_days)
        facts.append(PaymentFact(due, amount, due + dt.timedelta(days=late_days)))
    return facts


def test_a_payer_always_ten_days_late_is_expected_some_days_after_due() -> None:
    own = sums(_history(20, 10), TODAY)
    figures = lateness(own, NOBODY_LATE)
    # 20 items against 5 of the population: 20/25 of the way to "always 10 days late"
    assert figures.late_share == pytest.approx(20 / 25)
    assert figures.excess_days == pytest.approx((20 * 10 + 5 * 14) / (20 + 5))
    due = TODAY + dt.timedelta(days=14)
    found = forecast_item(due, TODAY, figures)
    # the median day: 80% pay late, ~10.8 days when late -> half have paid after 10.8 ln 1.6
    assert figures.median_days == pytest.approx(10.8 * math.log(1.6))
    assert found.expected == due + dt.timedelta(days=5)
    assert found.late_risk == 0.0


def test_a_payer_always_on_time_is_expected_on_the_due_date() -> None:
    figures = lateness(sums(_history(24, 0), TODAY), NOBODY_LATE)
    due = TODAY + dt.timedelta(days=3)
    assert forecast_item(due, TODAY, figures) == forecast_item(due, TODAY, NOBODY_LATE)
    assert forecast_item(due, TODAY, figures).expected == due


def test_a_payer_always_two_months_late_is_a_sure_risk_when_it_has_history() -> None:
    figures = lateness(sums(_history(20, 60), TODAY), NOBODY_LATE)
    assert figures.very_late_share == pytest.approx(20 / (20 + PRIOR_ITEMS))
    found = forecast_item(TODAY + dt.timedelta(days=7), TODAY, figures)
    assert found.late_risk == pytest.approx(0.8)
    assert (found.expected - TODAY).days == 7 + round(figures.median_days)
    # 80% paying late, ~51 days when late (shrunk from 60): half have paid 24 days after due
    assert figures.median_days == pytest.approx(50.8 * math.log(1.6))


def test_a_new_payer_gets_the_population_figures() -> None:
    crowd = population(sums(_history(100, 45), TODAY) + sums(_history(100, 0), TODAY))
    assert crowd.late_share == pytest.approx(0.5, abs=0.1)
    assert lateness(LatenessSums(), crowd) == crowd
    due = TODAY + dt.timedelta(days=10)
    assert forecast_item(due, TODAY, crowd).late_risk == pytest.approx(crowd.very_late_share)


def test_little_history_is_pulled_toward_the_population() -> None:
    crowd = Lateness(0.5, 0.2, 20.0)
    one_late = lateness(sums(_history(1, 60), TODAY), crowd)
    assert one_late.very_late_share == pytest.approx((1 * 1.0 + 5 * 0.2) / 6)
    many_late = lateness(sums(_history(30, 60), TODAY), crowd)
    assert crowd.very_late_share < one_late.very_late_share < many_late.very_late_share


def test_an_item_forty_days_late_and_unpaid_is_a_sure_risk() -> None:
    figures = Lateness(0.3, 0.1, 12.0)
    found = forecast_item(TODAY - dt.timedelta(days=40), TODAY, figures)
    assert found.late_risk == 1.0
    # half the late payers still unpaid pay within 12 ln 2 = 8 days, however late they are
    assert found.expected == TODAY + dt.timedelta(days=8)
    later = forecast_item(TODAY - dt.timedelta(days=400), TODAY, figures)
    assert later.expected == found.expected


def test_being_late_so_far_raises_the_risk_step_by_step() -> None:
    figures = Lateness(0.4, 0.1, 15.0)
    risks = [
        forecast_item(TODAY - dt.timedelta(days=days), TODAY, figures).late_risk
        for days in (0, 1, 10, 20, 29, 30, 31)
    ]
    assert risks[0] == pytest.approx(0.1)  # due today: not late yet
    assert risks[1] == pytest.approx(0.1 / (0.4 * 0.25 ** (1 / LATE_DAYS)))
    assert risks == sorted(risks)
    assert risks[5] == pytest.approx(1.0)
    assert risks[6] == 1.0


def test_most_paying_on_time_puts_the_expected_day_on_the_due_date() -> None:
    figures = Lateness(0.45, 0.2, 60.0)
    due = TODAY + dt.timedelta(days=3)
    assert forecast_item(due, TODAY, figures).expected == due


def test_the_overdue_are_expected_after_today_never_before() -> None:
    figures = Lateness(0.9, 0.5, 0.2)
    assert forecast_item(TODAY - dt.timedelta(days=5), TODAY, figures).expected > TODAY


def test_the_history_window_and_unpaid_items_count_as_the_rating_counts_them() -> None:
    old = PaymentFact(TODAY - dt.timedelta(days=800), 10_000, None)
    future = PaymentFact(TODAY + dt.timedelta(days=1), 10_000, None)
    unpaid = PaymentFact(TODAY - dt.timedelta(days=45), 10_000, None)
    found = sums([old, future, unpaid], TODAY)
    assert found.items == 1
    assert found.very_late_weight == found.weight == found.late_weight
    assert found.late_days_weight == pytest.approx(45 * found.weight)


@given(
    st.lists(
        st.tuples(st.integers(1, 729), st.integers(0, 10**9), st.integers(0, 400)),
        max_size=30,
    ),
    st.integers(-60, 120),
)
def test_the_risk_is_a_probability_and_the_date_is_not_in_the_past(
    rows: list[tuple[int, int, int]], due_in: int
) -> None:
    facts = [
        PaymentFact(
            TODAY - dt.timedelta(days=age),
            amount,
            TODAY - dt.timedelta(days=age) + dt.timedelta(days=late),
        )
        for age, amount, late in rows
    ]
    figures = lateness(sums(facts, TODAY), Lateness(0.4, 0.1, 15.0))
    found = forecast_item(TODAY + dt.timedelta(days=due_in), TODAY, figures)
    assert 0.0 <= found.late_risk <= 1.0
    assert found.expected >= min(TODAY, TODAY + dt.timedelta(days=due_in))
