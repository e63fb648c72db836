"""The rate limiter keeps to every sliding window at once, as KSeF counts them."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.sources.http import LimitReachedError, RateLimiter, Window, retry_after_seconds


class FakeTime:
    """A clock the limiter reads and a sleep that moves it (the limiter's own seams)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_waits_for_the_per_second_and_per_minute_windows() -> None:
    t = FakeTime()
    limiter = RateLimiter(
        (Window(2, 1.0), Window(3, 60.0)), clock=t.clock, sleep=t.sleep, max_wait=120
    )
    for _ in range(3):
        limiter.acquire()
    # 2 a second: the second request waited for the first to leave the 1 s window
    assert t.slept == [1.0]
    limiter.acquire()
    # 3 a minute: the fourth waits until the first is a minute old
    assert t.slept[-1] == pytest.approx(59.0)


def test_an_hourly_budget_spent_ends_the_sync_instead_of_sleeping() -> None:
    t = FakeTime()
    limiter = RateLimiter((Window(2, 3600.0),), clock=t.clock, sleep=t.sleep, max_wait=90)
    limiter.acquire()
    limiter.acquire()
    with pytest.raises(LimitReachedError) as caught:
        limiter.acquire()
    assert caught.value.seconds == pytest.approx(3600.0)
    assert t.slept == []


def test_retry_after_in_seconds_or_as_a_date() -> None:
    now = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
    assert retry_after_seconds("30") == 30
    assert retry_after_seconds("Tue, 01 Dec 2026 12:00:45 GMT", now=now) == 45
    assert retry_after_seconds(None) == 60
    assert retry_after_seconds("soon") == 60
    assert retry_after_seconds("\u00b2") == 60  # a digit to str.isdigit, not to float()


@given(
    windows=st.lists(
        st.tuples(st.integers(1, 6), st.sampled_from([1.0, 5.0, 60.0])), min_size=1, max_size=3
    ),
    gaps=st.lists(st.floats(0, 3, allow_nan=False), min_size=1, max_size=40),
)
def test_no_window_ever_holds_more_requests_than_it_allows(
    windows: list[tuple[int, float]], gaps: list[float]
) -> None:
    t = FakeTime()
    limits = tuple(Window(count, seconds) for count, seconds in windows)
    limiter = RateLimiter(limits, clock=t.clock, sleep=t.sleep, max_wait=10_000)
    sent: list[float] = []
    for gap in gaps:
        t.now += gap
        limiter.acquire()
        sent.append(t.now)
    for window in limits:
        for i, start in enumerate(sent):
            inside = [s for s in sent[i:] if s < start + window.seconds]
            assert len(inside) <= window.count
