"""Who does an absent person's work on a given day (domain.deputies)."""

from __future__ import annotations

import datetime as dt

from desktop_app.domain.deputies import Absence, effective_assignee, stood_in_for

D = dt.date
ANNA, PIOTR, EWA = 1, 2, 3
#: Anna away the first week of December, Piotr standing in
AWAY = {ANNA: Absence(D(2026, 12, 1), D(2026, 12, 7), PIOTR)}


def test_the_deputy_takes_the_work_on_every_day_of_the_absence_and_only_then() -> None:
    assert effective_assignee(ANNA, D(2026, 11, 30), AWAY) == ANNA
    assert effective_assignee(ANNA, D(2026, 12, 1), AWAY) == PIOTR
    assert effective_assignee(ANNA, D(2026, 12, 7), AWAY) == PIOTR
    assert effective_assignee(ANNA, D(2026, 12, 8), AWAY) == ANNA
    assert effective_assignee(PIOTR, D(2026, 12, 3), AWAY) == PIOTR
    assert effective_assignee(None, D(2026, 12, 3), AWAY) is None


def test_a_deputy_away_too_hands_on_to_their_own_deputy() -> None:
    both = {**AWAY, PIOTR: Absence(D(2026, 12, 5), D(2026, 12, 20), EWA)}
    assert effective_assignee(ANNA, D(2026, 12, 4), both) == PIOTR
    assert effective_assignee(ANNA, D(2026, 12, 5), both) == EWA
    assert stood_in_for(EWA, D(2026, 12, 6), both) == {ANNA, PIOTR, EWA}
    assert stood_in_for(PIOTR, D(2026, 12, 6), both) == set()


def test_two_people_standing_in_for_each_other_keep_their_own_work() -> None:
    ring = {
        ANNA: Absence(D(2026, 12, 1), D(2026, 12, 7), PIOTR),
        PIOTR: Absence(D(2026, 12, 1), D(2026, 12, 7), ANNA),
    }
    assert effective_assignee(ANNA, D(2026, 12, 2), ring) == ANNA
    assert effective_assignee(PIOTR, D(2026, 12, 2), ring) == PIOTR


def test_an_absence_without_a_deputy_keeps_the_work() -> None:
    alone = {ANNA: Absence(D(2026, 12, 1), D(2026, 12, 7), None)}
    assert effective_assignee(ANNA, D(2026, 12, 2), alone) == ANNA
    assert stood_in_for(PIOTR, D(2026, 12, 2), AWAY) == {ANNA, PIOTR}
