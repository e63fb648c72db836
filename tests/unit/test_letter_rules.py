"""The debtor-register warning's legal conditions (art. 15) and a letter's deadline (Art. 115 KC)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from desktop_app.domain.calendar import is_business_day
from desktop_app.domain.letter_rules import (
    Overdue,
    add_months,
    big_letter_missing,
    days_late,
    letter_deadline,
)

D = dt.date
TODAY = D(2026, 12, 1)


def codes(*args: object) -> list[str]:
    return [m.code for m in big_letter_missing(*args)]  # type: ignore[arg-type]


def test_all_conditions_hold() -> None:
    # 600 PLN due 2026-10-15 (a Thursday): 47 days late; a registered demand on 2026-11-01
    assert codes([Overdue(600_00, D(2026, 10, 15))], [D(2026, 11, 1)], TODAY) == []


def test_registered_demand_exactly_one_month_earlier_counts_and_a_day_less_does_not() -> None:
    overdue = [Overdue(600_00, D(2026, 9, 1))]
    assert codes(overdue, [D(2026, 11, 1)], TODAY) == []
    assert codes(overdue, [D(2026, 11, 2)], TODAY) == ["registered"]
    assert codes(overdue, [], TODAY) == ["registered"]


def test_less_than_500_pln_overdue_for_30_days_is_refused() -> None:
    # 499.99 overdue long enough, plus 5,000 that is only 10 days late: only the first counts
    overdue = [Overdue(499_99, D(2026, 9, 1)), Overdue(5_000_00, D(2026, 11, 20))]
    assert codes(overdue, [D(2026, 10, 1)], TODAY) == ["amount"]
    assert codes([Overdue(500_00, D(2026, 9, 1))], [D(2026, 10, 1)], TODAY) == []


def test_thirty_days_are_counted_from_the_moved_due_date() -> None:
    # due Saturday 2026-10-31 moves to Monday 2026-11-02 (1 Nov is a holiday, Sunday anyway):
    # on 2026-12-01 that is 29 days late, on 2026-12-02 thirty
    overdue = [Overdue(900_00, D(2026, 10, 31))]
    assert days_late(D(2026, 10, 31), TODAY) == 29
    assert codes(overdue, [D(2026, 10, 1)], TODAY) == ["days"]
    assert codes(overdue, [D(2026, 10, 1)], D(2026, 12, 2)) == []


def test_every_missing_condition_is_named() -> None:
    assert codes([], [], TODAY) == ["days", "registered"]


def test_add_months_keeps_the_day_or_takes_the_month_end() -> None:
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2026, 12, 15), 1) == D(2027, 1, 15)


def test_deadline_moves_past_saturdays_sundays_and_holidays() -> None:
    # 2026-12-17 + 7 = Thursday 24 December, a public holiday since 2025; 25-27 follow
    assert letter_deadline(D(2026, 12, 17), 7) == D(2026, 12, 28)
    # 2026-12-01 + 7 = Tuesday 8 December: a business day, kept
    assert letter_deadline(TODAY, 7) == D(2026, 12, 8)
    # Saturday 2026-12-12 -> Monday 14
    assert letter_deadline(D(2026, 12, 5), 7) == D(2026, 12, 14)


days_2020s = st.dates(dt.date(2020, 1, 1), dt.date(2029, 12, 31))


@given(days_2020s, st.integers(0, 60))
def test_the_deadline_is_a_business_day_no_earlier_than_asked(day: dt.date, days: int) -> None:
    deadline = letter_deadline(day, days)
    assert is_business_day(deadline)
    assert deadline >= day + dt.timedelta(days=days)
    assert (deadline - (day + dt.timedelta(days=days))).days <= 5  # Easter or Christmas at most


@given(
    st.lists(st.tuples(st.integers(1, 100_000_00), days_2020s), max_size=5),
    st.lists(days_2020s, max_size=3),
    days_2020s,
    st.integers(0, 400),
)
def test_what_holds_today_still_holds_later(
    debts: list[tuple[int, dt.date]], sent: list[dt.date], today: dt.date, later: int
) -> None:
    overdue = [Overdue(amount, due) for amount, due in debts]
    now = big_letter_missing(overdue, sent, today)
    then = big_letter_missing(overdue, sent, today + dt.timedelta(days=later))
    # debts only age and demands only get older: no new obstacle appears with time ("days" may
    # turn into "amount" once the debts are old enough for their sum to be what is lacking)
    assert len(then) <= len(now)
    if not now:
        assert not then
