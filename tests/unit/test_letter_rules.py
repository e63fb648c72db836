"""The debtor-register warning's legal conditions (art. 15) and a letter's deadline (Art. 115 KC)."""

from __future__ import annotations

import datetime as dt

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
