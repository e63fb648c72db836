"""Interest for late payment, checked against cases worked out by hand.

Every expected value has its arithmetic beside it: base in grosze x rate % x days / (100 x basis),
rounded half-up to the grosz per period.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.domain.interest import (
    InterestKind,
    Payment,
    interest_for,
    period_interest,
)
from desktop_app.domain.rates import RateKind, RateRow, RateTable, Status, build_table
from desktop_app.errors import ValidationError

D = dt.date


def _table(
    kind: RateKind, rows: list[tuple[dt.date, str]], known: dt.date | None = None
) -> RateTable:
    return build_table(
        kind,
        [RateRow(start, Decimal(rate), "test", Status.VERIFIED) for start, rate in rows],
        checked_until=known,
    )


# DOMAIN.md section 1, the half-years the cases below touch
COMMERCIAL = _table(
    RateKind.COMMERCIAL,
    [
        (D(2023, 1, 1), "16.75"),
        (D(2023, 7, 1), "16.75"),
        (D(2024, 1, 1), "15.75"),
        (D(2024, 7, 1), "15.75"),
        (D(2025, 1, 1), "15.75"),
        (D(2025, 7, 1), "15.25"),
        (D(2026, 1, 1), "14.00"),
    ],
)
STATUTORY = _table(
    RateKind.STATUTORY,
    [
        (D(2022, 9, 8), "12.25"),
        (D(2023, 9, 7), "11.50"),
        (D(2023, 10, 5), "11.25"),
        (D(2025, 5, 8), "10.75"),
        (D(2025, 7, 3), "10.50"),
        (D(2025, 9, 4), "10.25"),
        (D(2025, 10, 9), "10.00"),
        (D(2025, 11, 6), "9.75"),
        (D(2025, 12, 4), "9.50"),
        (D(2026, 3, 5), "9.25"),
    ],
    known=D(2026, 3, 5),
)
KEY_RATE = _table(
    RateKind.RU395,
    [
        (D(2023, 12, 18), "16.00"),
        (D(2024, 7, 29), "18.00"),
        (D(2024, 9, 16), "19.00"),
        (D(2024, 10, 28), "21.00"),
        (D(2025, 6, 9), "20.00"),
    ],
)


def _periods(result: object) -> list[tuple[str, str, int, str, int]]:
    return [
        (p.start.isoformat(), p.end.isoformat(), p.days, str(p.rate), p.interest_minor)
        for p in result.periods  # type: ignore[attr-defined]
    ]


def test_the_issues_acceptance_case_by_hand() -> None:
    # due Fri 2024-03-15 (a business day, not moved); paid 2024-09-30, the payment day counts:
    # Mar 16-31 = 16, Apr 30, May 31, Jun 30, Jul 31, Aug 31, Sep 30 -> 199 days.
    # 2024 H1 and H2 are both 15.75 % (reference 5.75 + 10 pp): one period, no new line.
    # 1,000,000 gr x 15.75 x 199 / 36,500 = 85,869.86 -> 85,870 gr = 858.70 PLN
    result = interest_for(
        1_000_000,
        "PLN",
        D(2024, 3, 15),
        until=D(2024, 9, 30),
        kind=InterestKind.COMMERCIAL,
        rates=COMMERCIAL,
    )
    assert result.total_minor == 85_870
    assert result.days == 199
    assert result.moved_due == D(2024, 3, 15)
    assert _periods(result) == [("2024-03-16", "2024-09-30", 199, "15.75", 85_870)]
    assert result.past_known_from is None


def test_a_half_year_with_a_new_rate_is_a_new_period() -> None:
    # 1,000.00 PLN due Fri 2025-06-20, counted to 2025-07-10
    # Jun 21-30: 10 days at 15.75: 100,000 x 15.75 x 10 / 36,500 = 431.51 -> 432
    # Jul 1-10: 10 days at 15.25: 100,000 x 15.25 x 10 / 36,500 = 417.81 -> 418; total 850
    result = interest_for(
        100_000,
        "PLN",
        D(2025, 6, 20),
        until=D(2025, 7, 10),
        kind=InterestKind.COMMERCIAL,
        rates=COMMERCIAL,
    )
    assert _periods(result) == [
        ("2025-06-21", "2025-06-30", 10, "15.75", 432),
        ("2025-07-01", "2025-07-10", 10, "15.25", 418),
    ]
    assert result.total_minor == 850
    assert result.days == 20


def test_a_due_date_on_christmas_eve_moves_past_the_holidays_and_the_weekend() -> None:
    # 2025-12-24 (Wed) is a public holiday since 2025, 25-26 too, 27-28 a weekend:
    # due moves to Mon 2025-12-29, interest from Tue 2025-12-30.
    # Dec 30-31: 2 days at 15.25: 1,000,000 x 15.25 x 2 / 36,500 = 835.62 -> 836
    # Jan 1-7: 7 days at 14.00: 1,000,000 x 14 x 7 / 36,500 = 2,684.93 -> 2,685; total 3,521
    result = interest_for(
        1_000_000,
        "PLN",
        D(2025, 12, 24),
        until=D(2026, 1, 7),
        kind=InterestKind.COMMERCIAL,
        rates=COMMERCIAL,
    )
    assert result.moved_due == D(2025, 12, 29)
    assert _periods(result) == [
        ("2025-12-30", "2025-12-31", 2, "15.25", 836),
        ("2026-01-01", "2026-01-07", 7, "14.00", 2_685),
    ]
    assert result.total_minor == 3_521
    assert result.days == 9


def test_statutory_interest_from_christmas_eve() -> None:
    # moved due Mon 2025-12-29; Dec 30 - Jan 7: 9 days at 9.50 (in force since 2025-12-04)
    # 1,000,000 x 9.5 x 9 / 36,500 = 2,342.47 -> 2,342
    result = interest_for(
        1_000_000,
        "PLN",
        D(2025, 12, 24),
        until=D(2026, 1, 7),
        kind=InterestKind.STATUTORY,
        rates=STATUTORY,
    )
    assert _periods(result) == [("2025-12-30", "2026-01-07", 9, "9.50", 2_342)]


def test_a_due_date_on_epiphany_moves_to_the_next_day() -> None:
    # 2026-01-06 (Tue) is Epiphany: due Wed 2026-01-07, so paying that day costs nothing
    on_time = interest_for(
        100_000,
        "PLN",
        D(2026, 1, 6),
        until=D(2026, 1, 7),
        kind=InterestKind.COMMERCIAL,
        rates=COMMERCIAL,
    )
    assert on_time.moved_due == D(2026, 1, 7)
    assert (on_time.total_minor, on_time.days, on_time.periods) == (0, 0, ())
    # one day late: 100,000 x 14 x 1 / 36,500 = 38.36 -> 38
    late = interest_for(
        100_000,
        "PLN",
        D(2026, 1, 6),
        until=D(2026, 1, 8),
        kind=InterestKind.COMMERCIAL,
        rates=COMMERCIAL,
    )
    assert (late.total_minor, late.days) == (38, 1)


def test_a_due_date_on_saturday_moves_to_monday() -> None:
    # Sat 2024-03-16 -> Mon 2024-03-18; to 2024-03-28: 10 days at 15.75
    # 100,000 x 15.75 x 10 / 36,500 = 431.51 -> 432
    result = interest_for(
        100_000,
        "PLN",
        D(2024, 3, 16),
        until=D(2024, 3, 28),
        kind=InterestKind.COMMERCIAL,
        rates=COMMERCIAL,
    )
    assert result.moved_due == D(2024, 3, 18)
    assert _periods(result) == [("2024-03-19", "2024-03-28", 10, "15.75", 432)]


def test_a_partial_payment_lowers_the_base_from_the_next_day() -> None:
    # 1,000.00 PLN due Wed 2024-01-31; 400.00 paid 2024-02-10; counted to 2024-02-29 (leap day)
    # Feb 1-10 on 1,000.00 (the payment day still counts): 100,000 x 15.75 x 10 / 36,500
    #   = 431.51 -> 432
    # Feb 11-29 on 600.00: 60,000 x 15.75 x 19 / 36,500 = 491.92 -> 492; total 924
    result = interest_for(
        100_000,
        "PLN",
        D(2024, 1, 31),
        until=D(2024, 2, 29),
        kind=InterestKind.COMMERCIAL,
        rates=COMMERCIAL,
        payments=[Payment(D(2024, 2, 10), 40_000)],
    )
    assert _periods(result) == [
        ("2024-02-01", "2024-02-10", 10, "15.75", 432),
        ("2024-02-11", "2024-02-29", 19, "15.75", 492),
    ]
    assert [p.base_minor for p in result.periods] == [100_000, 60_000]
    assert result.total_minor == 924
    assert result.days == 29


def test_payments_that_settle_the_debt_end_the_delay() -> None:
    # 600.00 on 2024-02-05 and 400.00 on 2024-02-10 pay it all: interest ends on Feb 10
    # Feb 1-5 on 1,000.00: 100,000 x 15.75 x 5 / 36,500 = 215.75 -> 216
    # Feb 6-10 on 400.00: 40,000 x 15.75 x 5 / 36,500 = 86.30 -> 86; total 302
    result = interest_for(
        100_000,
        "PLN",
        D(2024, 1, 31),
        until=D(2024, 3, 31),
        kind=InterestKind.COMMERCIAL,
        rates=COMMERCIAL,
        payments=[Payment(D(2024, 2, 10), 40_000), Payment(D(2024, 2, 5), 60_000)],
    )
    assert _periods(result) == [
        ("2024-02-01", "2024-02-05", 5, "15.75", 216),
        ("2024-02-06", "2024-02-10", 5, "15.75", 86),
    ]
    assert result.days == 10


def test_a_payment_before_the_due_date_lowers_the_base_from_the_start() -> None:
    # 250.00 of 1,000.00 paid on the due date: 750.00 late Feb 1-10
    # 75,000 x 15.75 x 10 / 36,500 = 323.63 -> 324
    result = interest_for(
        100_000,
        "PLN",
        D(2024, 1, 31),
        until=D(2024, 2, 10),
        kind=InterestKind.COMMERCIAL,
        rates=COMMERCIAL,
        payments=[Payment(D(2024, 1, 31), 25_000)],
    )
    assert _periods(result) == [("2024-02-01", "2024-02-10", 10, "15.75", 324)]


def test_leap_years_count_on_a_365_day_basis() -> None:
    # contract 10 %, 1,000.00 PLN due Fri 2023-12-29, to 2024-12-29: Dec 30-31 + 364 days = 366
    # 100,000 x 10 x 366 / 36,500 = 10,027.40 -> 10,027 (100.27 PLN, not 100.00)
    result = interest_for(
        100_000,
        "PLN",
        D(2023, 12, 29),
        until=D(2024, 12, 29),
        kind=InterestKind.CONTRACT,
        rates=None,
        contract_rate=Decimal("10"),
    )
    assert _periods(result) == [("2023-12-30", "2024-12-29", 366, "10", 10_027)]
    assert result.periods[0].basis == 365


def test_russian_interest_divides_by_the_days_of_the_year() -> None:
    # 100,000.00 RUB due Fri 2024-09-13, to 2024-09-20; key rate 18 % then 19 % from Sep 16
    # Sep 14-15: 10,000,000 x 18 x 2 / 36,600 = 9,836.07 -> 9,836
    # Sep 16-20: 10,000,000 x 19 x 5 / 36,600 = 25,956.28 -> 25,956; total 35,792
    result = interest_for(
        10_000_000,
        "RUB",
        D(2024, 9, 13),
        until=D(2024, 9, 20),
        kind=InterestKind.RU395,
        rates=KEY_RATE,
    )
    assert _periods(result) == [
        ("2024-09-14", "2024-09-15", 2, "18.00", 9_836),
        ("2024-09-16", "2024-09-20", 5, "19.00", 25_956),
    ]
    assert [p.basis for p in result.periods] == [366, 366]


def test_russian_interest_splits_on_new_year() -> None:
    # due Wed 2024-12-25 (a working day in Russia), to 2025-01-05, 21 % all along
    # Dec 26-31, 2024 (366 days): 10,000,000 x 21 x 6 / 36,600 = 34,426.23 -> 34,426
    # Jan 1-5, 2025 (365 days): 10,000,000 x 21 x 5 / 36,500 = 28,767.12 -> 28,767
    result = interest_for(
        10_000_000,
        "RUB",
        D(2024, 12, 25),
        until=D(2025, 1, 5),
        kind=InterestKind.RU395,
        rates=KEY_RATE,
    )
    assert _periods(result) == [
        ("2024-12-26", "2024-12-31", 6, "21.00", 34_426),
        ("2025-01-01", "2025-01-05", 5, "21.00", 28_767),
    ]
    assert result.total_minor == 63_193


def test_russian_due_dates_follow_russias_working_days() -> None:
    def moved(due: dt.date) -> dt.date:
        return interest_for(
            100, "RUB", due, until=D(2024, 5, 3), kind="ru395", rates=KEY_RATE
        ).moved_due

    # Sat 2024-04-27 was a working day in Russia: not moved
    assert moved(D(2024, 4, 27)) == D(2024, 4, 27)
    # Sun 2024-04-28, then days off Apr 29-30 and May 1 (holiday): due Thu 2024-05-02
    assert moved(D(2024, 4, 28)) == D(2024, 5, 2)


def test_days_past_the_known_table_are_marked_not_assumed() -> None:
    # the statutory table was last checked on 2026-03-05: later days are past its known part.
    # due Sun 2026-03-01 -> Mon 2026-03-02, interest from Mar 3
    # Mar 3-4 at 9.50: 1,000,000 x 9.5 x 2 / 36,500 = 520.55 -> 521
    # Mar 5 at 9.25 (known): 1,000,000 x 9.25 x 1 / 36,500 = 253.42 -> 253
    # Mar 6-10 at 9.25, the last rate still used but marked: x 5 / 36,500 = 1,267.12 -> 1,267
    result = interest_for(
        1_000_000,
        "PLN",
        D(2026, 3, 1),
        until=D(2026, 3, 10),
        kind=InterestKind.STATUTORY,
        rates=STATUTORY,
    )
    assert _periods(result) == [
        ("2026-03-03", "2026-03-04", 2, "9.50", 521),
        ("2026-03-05", "2026-03-05", 1, "9.25", 253),
        ("2026-03-06", "2026-03-10", 5, "9.25", 1_267),
    ]
    assert [p.past_known for p in result.periods] == [False, False, True]
    assert result.past_known_from == D(2026, 3, 6)


def test_a_commercial_table_is_known_to_the_end_of_its_last_half_year() -> None:
    assert COMMERCIAL.known_until == D(2026, 6, 30)
    result = interest_for(
        100_000,
        "PLN",
        D(2026, 6, 29),
        until=D(2026, 7, 2),
        kind=InterestKind.COMMERCIAL,
        rates=COMMERCIAL,
    )
    assert result.past_known_from == D(2026, 7, 1)


def test_unverified_rates_are_flagged() -> None:
    table = build_table(
        RateKind.COMMERCIAL,
        [
            RateRow(D(2026, 1, 1), Decimal("14.00"), "NBP", Status.DERIVED),
            RateRow(D(2026, 7, 1), Decimal("13.75"), "if unchanged", Status.UNVERIFIED),
        ],
    )
    early = interest_for(
        100_000,
        "PLN",
        D(2026, 2, 2),
        until=D(2026, 3, 2),
        kind="commercial",
        rates=table,
    )
    assert not early.unverified
    late = interest_for(
        100_000,
        "PLN",
        D(2026, 6, 1),
        until=D(2026, 7, 2),
        kind="commercial",
        rates=table,
    )
    assert late.unverified
    assert [p.status for p in late.periods] == [Status.DERIVED, Status.UNVERIFIED]


def test_a_day_before_the_table_is_an_error() -> None:
    with pytest.raises(ValidationError, match="2023-01-01"):
        interest_for(
            100_000,
            "PLN",
            D(2022, 12, 1),
            until=D(2023, 2, 1),
            kind=InterestKind.COMMERCIAL,
            rates=COMMERCIAL,
        )


def test_contract_interest_needs_a_rate() -> None:
    with pytest.raises(ValidationError):
        interest_for(100, "PLN", D(2024, 1, 2), until=D(2024, 2, 1), kind="contract", rates=None)


def test_nothing_owed_or_not_late_is_no_interest() -> None:
    for amount, until in ((0, D(2024, 9, 30)), (100_000, D(2024, 3, 15))):
        result = interest_for(
            amount,
            "PLN",
            D(2024, 3, 15),
            until=until,
            kind="commercial",
            rates=COMMERCIAL,
        )
        assert (result.total_minor, result.days, result.periods) == (0, 0, ())


# ---- properties -----------------------------------------------------------------------------

_days = st.dates(min_value=D(2023, 1, 2), max_value=D(2026, 6, 1))
_amounts = st.integers(min_value=1, max_value=10**12 - 1)
_kinds = st.sampled_from([("commercial", COMMERCIAL), ("statutory", STATUTORY)])


@given(
    base=_amounts,
    rate=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("50"), places=2),
    first=st.integers(min_value=1, max_value=400),
    second=st.integers(min_value=1, max_value=400),
    basis=st.sampled_from([365, 366]),
)
def test_splitting_a_period_changes_its_interest_by_rounding_only(
    base: int, rate: Decimal, first: int, second: int, basis: int
) -> None:
    whole = period_interest(base, rate, first + second, basis)
    split = period_interest(base, rate, first, basis) + period_interest(base, rate, second, basis)
    assert abs(whole - split) <= 1


@settings(max_examples=200)
@given(amount=_amounts, due=_days, span=st.integers(1, 500), cut=st.integers(0, 500))
def test_cutting_the_table_where_the_rate_does_not_change_moves_the_total_by_rounding_only(
    amount: int, due: dt.date, span: int, cut: int
) -> None:
    # the same rows, known to another day: a period is cut in two at the same rate
    whole_table = RateTable(STATUTORY.kind, STATUTORY.rows, D(2100, 1, 1))
    cut_table = RateTable(STATUTORY.kind, STATUTORY.rows, due + dt.timedelta(days=cut))
    until = due + dt.timedelta(days=span)
    whole = interest_for(amount, "PLN", due, until=until, kind="statutory", rates=whole_table)
    split = interest_for(amount, "PLN", due, until=until, kind="statutory", rates=cut_table)
    assert abs(whole.total_minor - split.total_minor) <= len(split.periods) - len(whole.periods)


@settings(max_examples=200)
@given(amount=_amounts, due=_days, a=st.integers(0, 600), b=st.integers(0, 600), kind=_kinds)
def test_interest_grows_with_time(
    amount: int, due: dt.date, a: int, b: int, kind: tuple[str, RateTable]
) -> None:
    early, late = sorted((a, b))
    name, table = kind
    totals = [
        interest_for(
            amount,
            "PLN",
            due,
            until=due + dt.timedelta(days=d),
            kind=name,
            rates=table,
        ).total_minor
        for d in (early, late)
    ]
    assert totals[0] <= totals[1]


@settings(max_examples=200)
@given(a=_amounts, b=_amounts, due=_days, span=st.integers(0, 600), kind=_kinds)
def test_interest_grows_with_the_amount(
    a: int, b: int, due: dt.date, span: int, kind: tuple[str, RateTable]
) -> None:
    small, large = sorted((a, b))
    name, table = kind
    until = due + dt.timedelta(days=span)
    totals = [
        interest_for(x, "PLN", due, until=until, kind=name, rates=table).total_minor
        for x in (small, large)
    ]
    assert totals[0] <= totals[1]


@settings(max_examples=100)
@given(
    amount=_amounts,
    due=_days,
    span=st.integers(1, 600),
    payments=st.lists(st.tuples(st.integers(0, 600), st.integers(1, 10**11)), max_size=4),
)
def test_the_total_is_the_sum_of_the_printed_periods_and_days_add_up(
    amount: int, due: dt.date, span: int, payments: list[tuple[int, int]]
) -> None:
    result = interest_for(
        amount,
        "PLN",
        due,
        until=due + dt.timedelta(days=span),
        kind=InterestKind.COMMERCIAL,
        rates=COMMERCIAL,
        payments=[Payment(due + dt.timedelta(days=d), x) for d, x in payments],
    )
    assert result.total_minor == sum(p.interest_minor for p in result.periods)
    for p in result.periods:
        assert p.days == (p.end - p.start).days + 1
        assert 0 < p.base_minor <= amount
    for earlier, later in pairwise(result.periods):
        assert earlier.end < later.start
        assert later.base_minor <= earlier.base_minor


def test_a_half_year_left_out_is_not_known_though_a_later_one_is() -> None:
    # rows for 2026 H1 and 2027 H1 only: 2026 H2 has no rate of its own
    table = build_table(
        RateKind.COMMERCIAL,
        [
            RateRow(D(2026, 1, 1), Decimal("14.00"), "t", Status.VERIFIED),
            RateRow(D(2027, 1, 1), Decimal("13.00"), "t", Status.VERIFIED),
        ],
    )
    assert table.known_until == D(2026, 6, 30)
    result = interest_for(
        100_000, "PLN", D(2026, 6, 29), until=D(2026, 7, 10), kind="commercial", rates=table
    )
    assert result.past_known_from == D(2026, 7, 1)
