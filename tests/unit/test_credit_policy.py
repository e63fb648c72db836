"""Credit limit warnings and suggested terms on hand-made cases."""

from __future__ import annotations

from desktop_app.domain.credit_policy import over_limit, suggest_terms


def test_over_the_limit_by_what_open_and_new_exceed_it() -> None:
    assert over_limit(1_000_00, 800_00, 300_00) == 100_00
    assert over_limit(1_000_00, 700_00, 300_00) == 0  # exactly at the limit is within it
    assert over_limit(None, 10**9, 10**9) == 0  # no limit set
    assert over_limit(0, 0, 1) == 1  # a zero limit: nothing on credit
    assert over_limit(100, 500, -50) == 0  # a correction lowering the debt never warns


def test_a_new_contractor_is_offered_prepayment() -> None:
    found = suggest_terms(None, 0, 14)
    assert found.prepayment and found.days == 0
    assert found.reason == "prepayment: a new contractor, with no payment history yet"


def test_one_or_two_stars_are_offered_prepayment() -> None:
    for stars in (1, 2):
        found = suggest_terms(stars, 12, 30)
        assert found.prepayment and found.days == 0
    assert suggest_terms(1, 12, 30).reason == "prepayment: rated 1 star, it pays late"
    assert suggest_terms(2, 12, 30).reason == "prepayment: rated 2 stars, it pays late"


def test_three_stars_or_too_little_history_keep_the_usual_terms() -> None:
    found = suggest_terms(3, 12, 30)
    assert not found.prepayment and found.days == 30
    assert found.reason == "the usual 30 days: rated 3 of 5 stars"
    few = suggest_terms(None, 2, 14)
    assert not few.prepayment and few.days == 14
    assert few.reason == "the usual 14 days: not rated yet, nothing speaks against it"
