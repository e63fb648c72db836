from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.domain.aging import NOT_DUE, AgingBuckets, days_overdue

AS_OF = dt.date(2026, 11, 22)


def test_due_day_itself_is_not_overdue() -> None:
    assert days_overdue(AS_OF, AS_OF) == 0
    assert days_overdue(AS_OF - dt.timedelta(days=1), AS_OF) == 1
    assert days_overdue(AS_OF + dt.timedelta(days=5), AS_OF) == 0


def test_default_labels() -> None:
    assert AgingBuckets().labels == ("1-30", "31-60", "61-90", "91-180", "181+")


@pytest.mark.parametrize(
    ("days", "label"),
    [
        (0, NOT_DUE),
        (1, "1-30"),
        (30, "1-30"),
        (31, "31-60"),
        (90, "61-90"),
        (180, "91-180"),
        (181, "181+"),
    ],
)
def test_bucket_edges(days: int, label: str) -> None:
    assert AgingBuckets().label_for(days) == label


def test_configurable_bounds() -> None:
    buckets = AgingBuckets.parse("7,14")
    assert buckets.labels == ("1-7", "8-14", "15+")
    with pytest.raises(ValueError):
        AgingBuckets.parse("30,10")


@given(
    st.integers(min_value=-400, max_value=4000),
    st.lists(st.integers(min_value=1, max_value=400), min_size=1, max_size=6, unique=True),
)
def test_sql_thresholds_agree_with_label_for(offset: int, bounds: list[int]) -> None:
    """The due-date thresholds the SQL CASE uses put every due date in the same bucket."""
    buckets = AgingBuckets(tuple(sorted(bounds)))
    due = AS_OF - dt.timedelta(days=offset)
    by_threshold = next(
        (label for label, edge in buckets.due_date_thresholds(AS_OF) if due >= edge),
        buckets.labels[-1],
    )
    assert by_threshold == buckets.label_for(days_overdue(due, AS_OF))
