"""The payer rating: hand-made histories give the stars one expects, each with its reasons."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from desktop_app.domain.rating import PaymentFact, explain, rate
from desktop_app.i18n import set_language

TODAY = dt.date(2026, 12, 1)


def _monthly(count: int, late_days: int, amount: int = 100_000) -> list[PaymentFact]:
    """``count`` invoices due on the 10th of the months before today, each paid that late."""
    facts = []
    for back in range(1, count + 1):
        month = (TODAY.month - back - 1) % 12 + 1
        year = TODAY.year - (1 if month >= TODAY.month else 0) - (back - 1) // 12
        due = dt.date(year, month, 10)
        paid = due + dt.timedelta(days=late_days)
        facts.append(PaymentFact(due, amount, paid if paid <= TODAY else None))
    return facts


def test_always_on_time_is_five_stars() -> None:
    r = rate(_monthly(12, 0), TODAY)
    assert r.stars == 5
    assert explain(r) == ["paid 12 of 12 invoices on time"]


def test_always_about_two_months_late_is_one_star() -> None:
    r = rate(_monthly(12, 62), TODAY)
    assert r.stars == 1
    reasons = explain(r)
    assert reasons[0] == "paid 0 of 12 invoices on time"
    assert any(s.startswith("on average ") and "days late" in s for s in reasons)
    assert any(s.startswith("the worst one 6") and "days late, due in" in s for s in reasons)


def test_nothing_due_yet_is_not_rated() -> None:
    future = [PaymentFact(TODAY + dt.timedelta(days=d), 50_000, None) for d in (1, 14, 30)]
    r = rate(future, TODAY)
    assert r.stars is None
    assert explain(r) == ["not rated yet: nothing has fallen due in the last two years"]


def test_too_little_history_is_not_rated_rather_than_three_stars() -> None:
    r = rate(_monthly(2, 0), TODAY)
    assert r.stars is None
    assert explain(r)[0] == (
        "not rated yet: only 2 invoices fell due in the last two years, 3 are needed"
    )


def test_an_old_overdue_invoice_caps_a_good_history() -> None:
    facts = [*_monthly(10, 0), PaymentFact(TODAY - dt.timedelta(days=75), 10_000, None)]
    r = rate(facts, TODAY)
    assert r.stars == 2
    assert "1 invoice overdue now, the oldest 75 days" in explain(r)


def test_partial_payment_and_broken_promises_are_said() -> None:
    part = PaymentFact(TODAY - dt.timedelta(days=20), 100_000, None, open_minor=40_000)
    r = rate([*_monthly(6, 0), part], TODAY, broken_promises=2)
    assert r.stars is not None and r.stars <= 2
    reasons = explain(r)
    assert "1 of them paid in part" in reasons
    assert "2 promises to pay broken" in reasons


def test_the_reasons_write_numbers_and_months_the_readers_way() -> None:
    facts = [*_monthly(5, 0), PaymentFact(dt.date(2026, 6, 10), 5_000_000, dt.date(2026, 7, 25))]
    r = rate(facts, TODAY)
    set_language("pl")
    reasons = explain(r)
    assert any("czerwiec 2026" in s for s in reasons), reasons
    assert any("," in s for s in reasons if "45" not in s), reasons


def test_recent_lateness_counts_more_than_old() -> None:
    old_late = rate([*_monthly(12, 0)[:6], *_monthly(12, 30)[6:]], TODAY)
    recent_late = rate([*_monthly(12, 30)[:6], *_monthly(12, 0)[6:]], TODAY)
    assert recent_late.average_days_late > old_late.average_days_late


_days = st.integers(min_value=-800, max_value=-1)
_fact = st.builds(
    lambda due, amount, pay_after, paid: (due, amount, pay_after, paid),
    _days,
    st.integers(min_value=1, max_value=10_000_000),
    st.integers(min_value=0, max_value=200),
    st.booleans(),
)


def _fact_of(due: int, amount: int, after: int, paid: bool) -> PaymentFact:
    due_day = TODAY + dt.timedelta(days=due)
    settled = due_day + dt.timedelta(days=after) if paid else None
    return PaymentFact(due_day, amount, settled if settled and settled <= TODAY else None)


@given(
    st.lists(_fact, min_size=1, max_size=15),
    st.data(),
    st.integers(min_value=0, max_value=3),
    st.integers(min_value=0, max_value=2),
)
def test_a_later_history_never_gets_more_stars(
    raw: list[tuple[int, int, int, bool]], data: st.DataObject, broken: int, more_broken: int
) -> None:
    """Paying any item later (or not at all) or breaking more promises never raises the stars."""
    facts = [_fact_of(*f) for f in raw]
    i = data.draw(st.integers(min_value=0, max_value=len(raw) - 1))
    due, amount, after, paid = raw[i]
    # a paid item is paid later or not at all; an unpaid one stays unpaid
    later_day = st.integers(min_value=after, max_value=after + 200)
    worse = data.draw(st.one_of(st.none(), later_day)) if paid else None
    changed = (due, amount, worse, True) if worse is not None else (due, amount, after, False)
    later = [*facts[:i], _fact_of(*changed), *facts[i + 1 :]]
    before = rate(facts, TODAY, broken).stars
    after_stars = rate(later, TODAY, broken + more_broken).stars
    if before is None:
        assert after_stars is None
    else:
        assert after_stars is not None and after_stars <= before


def test_a_large_late_invoice_weighs_more_than_a_small_one() -> None:
    on_time = _monthly(6, 0)
    due = dt.date(2026, 10, 10)
    small = rate([*on_time, PaymentFact(due, 1_000, due + dt.timedelta(days=40))], TODAY)
    large = rate([*on_time, PaymentFact(due, 5_000_000, due + dt.timedelta(days=40))], TODAY)
    assert small.stars == 5
    assert large.stars is not None and large.stars <= 2
