"""The digest's period and its top movers (pure rules)."""

from __future__ import annotations

import datetime as dt

from desktop_app.domain.digest import Mover, period_start, top_movers

TODAY = dt.date(2026, 12, 2)


def test_period_starts_at_the_previous_digest_or_yesterday() -> None:
    assert period_start(dt.date(2026, 11, 28), TODAY) == dt.date(2026, 11, 28)
    assert period_start(None, TODAY) == dt.date(2026, 12, 1)
    assert period_start(TODAY, TODAY) == dt.date(2026, 12, 1)


def test_top_movers_by_size_of_change_both_ways() -> None:
    before = {(1, "PLN"): 100_00, (2, "PLN"): 500_00, (3, "EUR"): 10_00}
    now = {(1, "PLN"): 900_00, (2, "PLN"): 0, (3, "EUR"): 10_00, (4, "PLN"): 50_00}
    assert top_movers(before, now, limit=2) == [
        Mover(1, "PLN", 100_00, 900_00),
        Mover(2, "PLN", 500_00, 0),
    ]
    assert [m.change for m in top_movers(before, now)] == [800_00, -500_00, 50_00]
