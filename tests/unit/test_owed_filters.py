"""The "Owed to us" report's payer-rating filter: what each way of writing it admits."""

from __future__ import annotations

import pytest

from desktop_app.services.aging_report import StarsRange


@pytest.mark.parametrize(
    ("text", "admitted"),
    [
        ("4", {4}),
        (">=4", {4, 5}),
        ("<=2", {1, 2}),
        ("2-3", {2, 3}),
        ("none", {None}),
    ],
)
def test_stars_filter(text: str, admitted: set[int | None]) -> None:
    wanted = StarsRange.parse(text)
    assert {s for s in (None, 1, 2, 3, 4, 5) if wanted.admits(s)} == admitted


def test_not_rated_together_with_a_range() -> None:
    wanted = StarsRange(high=2, unrated=True)
    assert [wanted.admits(s) for s in (None, 1, 2, 3)] == [True, True, True, False]


@pytest.mark.parametrize("text", ["6", "0-3", "4-2", ">=x", ""])
def test_nonsense_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        StarsRange.parse(text)
