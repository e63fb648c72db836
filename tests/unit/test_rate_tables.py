"""The rate tables shipped in resources/rates: well formed, DOMAIN.md's values, and cases worked by
hand with each of them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from desktop_app.domain.interest import InterestKind, interest_for
from desktop_app.domain.rates import RateKind, RateTable, Status, build_table, half_year_start
from desktop_app.services.rates import shipped

D = dt.date


def _table(kind: RateKind) -> RateTable:
    base = shipped(kind)
    return build_table(kind, base.rows, checked_until=base.checked_until)


@pytest.mark.parametrize("kind", list(RateKind))
def test_every_table_is_sorted_with_source_and_status(kind: RateKind) -> None:
    rows = shipped(kind).rows
    assert [r.start for r in rows] == sorted({r.start for r in rows})
    for row in rows:
        assert row.source and row.status in set(Status)
        assert Decimal(0) < row.rate <= Decimal(100)


def test_commercial_tables_cover_every_half_year_from_2016_to_2026() -> None:
    expected = [D(y, m, 1) for y in range(2016, 2027) for m in (1, 7)]
    for kind in (RateKind.COMMERCIAL, RateKind.MEDICAL):
        starts = [r.start for r in shipped(kind).rows]
        assert starts == expected
        assert all(half_year_start(s) == s for s in starts)
    commercial = {r.start: r.rate for r in shipped(RateKind.COMMERCIAL).rows}
    medical = {r.start: r.rate for r in shipped(RateKind.MEDICAL).rows}
    for start, rate in commercial.items():
        # + 8 pp for everyone until 2019; since 2020 + 10 pp, + 8 pp for medical debtors
        assert rate - medical[start] == (0 if start.year < 2020 else 2)


def test_commercial_values_are_domain_md_s() -> None:
    rates = {r.start: str(r.rate) for r in shipped(RateKind.COMMERCIAL).rows}
    assert rates[D(2019, 7, 1)] == "9.50"
    assert rates[D(2020, 1, 1)] == "11.50"
    assert rates[D(2021, 7, 1)] == "10.10"
    assert rates[D(2022, 1, 1)] == "11.75"
    assert rates[D(2022, 7, 1)] == "16.00"
    assert rates[D(2023, 7, 1)] == "16.75"
    assert rates[D(2025, 1, 1)] == "15.75"
    assert rates[D(2025, 7, 1)] == "15.25"
    assert rates[D(2026, 1, 1)] == "14.00"
    assert rates[D(2026, 7, 1)] == "13.75"
    assert shipped(RateKind.COMMERCIAL).rows[-1].status is Status.UNVERIFIED


def test_statutory_values_are_domain_md_s() -> None:
    rows = shipped(RateKind.STATUTORY).rows
    assert [(r.start.isoformat(), str(r.rate), r.status.value) for r in rows][-4:] == [
        ("2025-10-09", "10.00", "V"),
        ("2025-11-06", "9.75", "D"),
        ("2025-12-04", "9.50", "D"),
        ("2026-03-05", "9.25", "D"),
    ]
    assert len(rows) == 24
    assert shipped(RateKind.STATUTORY).checked_until == D(2026, 3, 5)


def test_medical_interest_across_new_year_by_hand() -> None:
    # public medical debtor, 10,000.00 PLN due Fri 2022-12-23, counted to 2023-01-02
    # Dec 24-31: 8 days at 14.00 (2022 H2: 6.00 + 8): 1,000,000 x 14 x 8 / 36,500 = 3,068.49
    #   -> 3,068
    # Jan 1-2: 2 days at 14.75 (2023 H1: 6.75 + 8): 1,000,000 x 14.75 x 2 / 36,500 = 808.22
    #   -> 808; total 3,876
    result = interest_for(
        1_000_000,
        "PLN",
        D(2022, 12, 23),
        until=D(2023, 1, 2),
        kind=InterestKind.MEDICAL,
        rates=_table(RateKind.MEDICAL),
    )
    assert [(p.days, str(p.rate), p.interest_minor) for p in result.periods] == [
        (8, "14.00", 3_068),
        (2, "14.75", 808),
    ]
    assert result.total_minor == 3_876


def test_russian_interest_across_the_february_2022_rise_by_hand() -> None:
    # 10,000.00 RUB due Fri 2022-02-25, counted to 2022-03-03 (2022: 365 days)
    # Feb 26-27 at 9.50: 1,000,000 x 9.5 x 2 / 36,500 = 520.55 -> 521
    # Feb 28 - Mar 3 at 20.00: 1,000,000 x 20 x 4 / 36,500 = 2,191.78 -> 2,192; total 2,713
    result = interest_for(
        1_000_000,
        "RUB",
        D(2022, 2, 25),
        until=D(2022, 3, 3),
        kind=InterestKind.RU395,
        rates=_table(RateKind.RU395),
    )
    assert [
        (p.start.isoformat(), p.days, str(p.rate), p.interest_minor) for p in result.periods
    ] == [
        ("2022-02-26", 2, "9.50", 521),
        ("2022-02-28", 4, "20.00", 2_192),
    ]
    assert result.unverified  # rows from the Bank of Russia's history not yet checked


def test_russian_interest_in_2024_counts_366_days() -> None:
    # 10,000.00 RUB due Fri 2024-10-25, to 2024-11-04 (Unity Day, counted: it is the end)
    # Oct 26-27 at 19.00: 1,000,000 x 19 x 2 / 36,600 = 1,038.25 -> 1,038
    # Oct 28 - Nov 4 at 21.00: 8 days: 1,000,000 x 21 x 8 / 36,600 = 4,590.16 -> 4,590
    result = interest_for(
        1_000_000,
        "RUB",
        D(2024, 10, 25),
        until=D(2024, 11, 4),
        kind=InterestKind.RU395,
        rates=_table(RateKind.RU395),
    )
    assert [(p.days, str(p.rate), p.interest_minor, p.basis) for p in result.periods] == [
        (2, "19.00", 1_038, 366),
        (8, "21.00", 4_590, 366),
    ]
    assert not result.unverified
