"""The state-based planner, day by day, as pure functions."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.domain import planner
from desktop_app.domain.planner import Done, Item, plan_item
from desktop_app.domain.presets import ESCALATION, GENTLE_EMAIL, PRESETS, SMS_CLASSIC
from desktop_app.domain.reminder_rule import PromiseTerms
from desktop_app.domain.scenario import Conditions, Step, Trigger, from_dict, to_dict, validate
from desktop_app.errors import ValidationError

D = dt.date
ALL = {"email", "sms", "voice"}


def item(issued: dt.date, due: dt.date, **kw: object) -> Item:
    return replace(Item(1, 1, 1, issued, due, "PLN", 100_00, 100_00), **kw)  # type: ignore[arg-type]


def simulate(scenario, it: Item, start: dt.date, days: int, *, channels=ALL, paid_on=None):  # type: ignore[no-untyped-def]
    """Run the planner once a day; returns [(day, kind, step, occurrence, channel)]."""
    history: list[Done] = []
    out = []
    for n in range(days):
        today = start + dt.timedelta(days=n)
        current = it
        if paid_on is not None and today >= paid_on:
            current = replace(it, open_minor=0, settled_on=paid_on)
        for a in plan_item(scenario, current, history, today, channels):
            status = "skipped" if a.kind == "skip" else "sent"
            history.append(Done(a.step, a.occurrence, a.channel, today, status))
            out.append((today, a.kind, a.step, a.occurrence, a.channel))
    return out


def sent(events):  # type: ignore[no-untyped-def]
    return [(d, step, occ) for d, kind, step, occ, _ch in events if kind != "skip"]


def test_sms_classic_dates_from_seed_003() -> None:
    # issued Monday 2 March 2026, due Monday 16 March (weekdays, no holidays around)
    it = item(D(2026, 3, 2), D(2026, 3, 16))
    events = simulate(SMS_CLASSIC, it, D(2026, 3, 1), 60)
    assert sent(events) == [
        (D(2026, 3, 2), "issued", 0),
        (D(2026, 3, 14), "before-due", 0),
        (D(2026, 3, 16), "due", 0),
        (D(2026, 3, 18), "overdue", 0),  # due + 2
        (D(2026, 3, 25), "overdue", 1),  # due + 9
        (D(2026, 4, 1), "overdue", 2),  # due + 16
        (D(2026, 4, 6), "handover", 0),  # due + 21: SMS stop, case handed over
    ]
    assert all(kind != "skip" for _d, kind, *_rest in events)


def test_thank_you_once_on_the_first_run_after_full_payment() -> None:
    it = item(D(2026, 3, 2), D(2026, 3, 16))
    events = simulate(SMS_CLASSIC, it, D(2026, 3, 1), 40, paid_on=D(2026, 3, 20))
    assert sent(events)[-1] == (D(2026, 3, 20), "thanks", 0)
    assert [e for e in sent(events) if e[1] == "thanks"] == [(D(2026, 3, 20), "thanks", 0)]
    assert all(d <= D(2026, 3, 20) for d, *_ in sent(events))


def test_no_thanks_for_a_paid_case_that_was_handed_over_or_disputed() -> None:
    # found by the reminder-rule property test: a handed-over invoice paid (to the agency)
    # got our thank-you, though the rule says the case is no longer ours to write about
    reminded = [Done("overdue", 0, "email", D(2025, 12, 20), "sent")]
    paid = item(D(2025, 10, 1), D(2025, 10, 1), open_minor=0, settled_on=D(2026, 1, 1))
    assert [a.kind for a in plan_item(GENTLE_EMAIL, paid, reminded, D(2026, 1, 1), ALL)] == [
        "thanks"
    ]
    for closed in ({"handed_over": True}, {"disputed": True}):
        it = replace(paid, **closed)  # type: ignore[arg-type]
        assert plan_item(GENTLE_EMAIL, it, reminded, D(2026, 1, 1), ALL) == []


def test_no_thanks_for_an_item_never_reminded_or_paid_long_ago() -> None:
    it = item(D(2026, 3, 2), D(2026, 3, 16), open_minor=0, settled_on=D(2026, 3, 3))
    assert plan_item(GENTLE_EMAIL, it, [], D(2026, 3, 4), ALL) == []
    reminded = [Done("before-due", 0, "email", D(2026, 3, 13), "sent")]
    assert (
        plan_item(
            GENTLE_EMAIL, replace(it, settled_on=D(2026, 3, 14)), reminded, D(2026, 4, 1), ALL
        )
        == []
    )


def test_catch_up_after_downtime_sends_only_what_fits_today() -> None:
    it = item(D(2026, 3, 2), D(2026, 3, 16))
    # the PC was off from 1 March to 26 March: only the weekly "overdue" fits, the rest is skipped
    actions = plan_item(SMS_CLASSIC, it, [], D(2026, 3, 26), ALL)
    sends = [(a.step, a.occurrence) for a in actions if a.kind == "send"]
    skips = [(a.step, a.occurrence) for a in actions if a.kind == "skip"]
    assert sends == [("overdue", 1)]
    assert skips == [("issued", 0), ("before-due", 0), ("due", 0), ("overdue", 0)]
    assert all(a.reason for a in actions if a.kind == "skip")


def test_before_due_text_is_never_sent_after_the_due_date() -> None:
    it = item(D(2026, 3, 2), D(2026, 3, 16))
    for today in (D(2026, 3, 16), D(2026, 3, 17)):
        steps = {a.step for a in plan_item(SMS_CLASSIC, it, [], today, ALL) if a.kind == "send"}
        assert "before-due" not in steps and "issued" not in steps


def test_closed_window_waits_then_is_superseded_not_sent_late() -> None:
    it = item(D(2026, 3, 2), D(2026, 3, 16))
    history = [Done("issued", 0, "sms", D(2026, 3, 2), "sent")]
    # SMS closed on the 14th (the before-due day): nothing, no skip yet
    assert plan_item(SMS_CLASSIC, it, history, D(2026, 3, 14), {"email"}) == []
    # on the 16th it is the due-date SMS that goes; before-due is skipped
    actions = plan_item(SMS_CLASSIC, it, history, D(2026, 3, 16), ALL)
    assert [(a.kind, a.step) for a in actions] == [("skip", "before-due"), ("send", "due")]


def test_gap_after_a_manual_reminder() -> None:
    it = item(D(2026, 3, 2), D(2026, 3, 16))
    history = [
        Done("issued", 0, "sms", D(2026, 3, 2), "sent"),
        Done("before-due", 0, "sms", D(2026, 3, 14), "sent"),
        Done("due", 0, "sms", D(2026, 3, 16), "sent"),
        Done("manual", 0, "email", D(2026, 3, 17), "manual"),
    ]
    actions = plan_item(SMS_CLASSIC, it, history, D(2026, 3, 18), ALL)
    assert [(a.kind, a.step) for a in actions] == [("skip", "overdue")]
    assert actions[0].reason_data == {"date": "2026-03-17"}


@pytest.mark.parametrize(
    "blocker",
    [
        {"disputed": True},
        {"handed_over": True},
        {"contractor_paused_until": D(2026, 3, 30)},
        {"invoice_paused_until": D(2026, 3, 20)},
        {"promise": PromiseTerms(D(2026, 3, 18), 100_00, "PLN")},
    ],
)
def test_blocked_items_get_nothing(blocker: dict[str, object]) -> None:
    it = item(D(2026, 3, 2), D(2026, 3, 16), **blocker)
    assert plan_item(SMS_CLASSIC, it, [], D(2026, 3, 18), ALL) == []


def test_pause_ends_and_the_current_step_resumes() -> None:
    it = item(D(2026, 3, 2), D(2026, 3, 16), contractor_paused_until=D(2026, 3, 20))
    actions = plan_item(SMS_CLASSIC, it, [], D(2026, 3, 21), ALL)
    assert [a.step for a in actions if a.kind == "send"] == ["overdue"]


def test_art_115_saturday_due_date_is_not_overdue_on_monday() -> None:
    # due Saturday 21 March 2026: legally payable on Monday 23rd; "+2" counts from Monday
    it = item(D(2026, 3, 2), D(2026, 3, 21))
    entries = planner.timeline(SMS_CLASSIC, it, [], D(2026, 4, 30))
    overdue = [e.day for e in entries if e.step == "overdue"]
    assert overdue[0] == D(2026, 3, 25)


def test_escalation_follows_seed_001_order() -> None:
    it = item(D(2026, 3, 2), D(2026, 3, 16))
    events = sent(simulate(ESCALATION, it, D(2026, 3, 1), 30))
    assert [step for _d, step, _o in events] == ["email", "sms", "voice", "manager", "manager"]
    channels = [
        ch for _d, kind, _s, _o, ch in simulate(ESCALATION, it, D(2026, 3, 1), 30) if kind == "send"
    ]
    assert channels == ["email", "sms", "voice", "task", "notice"]


def test_conditions_filter_steps() -> None:
    step = Step(
        "big",
        "Big only",
        Trigger("due", 1),
        ("email",),
        {"email": "x/y"},
        conditions=Conditions(min_open_minor=500_00, tags_none=("vip",)),
    )
    scenario = replace(GENTLE_EMAIL, steps=(step,))
    small = item(D(2026, 3, 2), D(2026, 3, 16))
    assert plan_item(scenario, small, [], D(2026, 3, 17), ALL) == []
    big = replace(small, open_minor=600_00)
    assert [a.step for a in plan_item(scenario, big, [], D(2026, 3, 17), ALL)] == ["big"]
    vip = replace(big, tags=frozenset({"vip"}))
    assert plan_item(scenario, vip, [], D(2026, 3, 17), ALL) == []


def test_business_day_offsets() -> None:
    step = Step(
        "bd",
        "Two business days after",
        Trigger("due", 2, business_days=True),
        ("email",),
        {"email": "x/y"},
    )
    scenario = replace(GENTLE_EMAIL, steps=(step,))
    # due Thursday 24 Dec 2026 (a holiday): legal deadline Monday 28th; +2 business days = 30th
    it = item(D(2026, 12, 1), D(2026, 12, 24))
    assert [e.day for e in planner.timeline(scenario, it, [], D(2027, 1, 31))] == [D(2026, 12, 30)]


def test_presets_are_valid_and_round_trip() -> None:
    for preset in PRESETS.values():
        assert validate(preset) == []
        assert from_dict(to_dict(preset)) == preset


def test_validation_messages_name_the_step() -> None:
    first, second, *rest = GENTLE_EMAIL.steps
    broken = replace(
        GENTLE_EMAIL,
        steps=(
            replace(first, trigger=Trigger("previous", 1)),
            replace(second, channels=("fax",)),
            *rest,
        ),
    )
    problems = "; ".join(validate(broken))
    assert "Step 2 (due)" in problems and "fax" in problems
    assert "Step 1 (before-due)" in problems and "previous" in problems
    with pytest.raises(ValidationError, match="fax"):
        from_dict(to_dict(broken), source="mine.yaml")


@settings(max_examples=200, deadline=None)
@given(
    terms=st.integers(min_value=0, max_value=60),
    start_offset=st.integers(min_value=0, max_value=90),
    runs_per_day=st.integers(min_value=1, max_value=3),
    skip_days=st.sets(st.integers(min_value=0, max_value=89), max_size=40),
    preset=st.sampled_from(sorted(PRESETS)),
)
def test_never_twice_and_never_stale(
    terms: int, start_offset: int, runs_per_day: int, skip_days: set[int], preset: str
) -> None:
    """Whatever the downtime and however often it runs: each entry at most once, and nothing
    sent on a day when it no longer fits (a later entry exists before that day)."""
    scenario = PRESETS[preset]
    issued = D(2026, 1, 5) + dt.timedelta(days=start_offset)
    it = item(issued, issued + dt.timedelta(days=terms))
    history: list[Done] = []
    for n in range(90):
        if n in skip_days:
            continue
        today = issued + dt.timedelta(days=n)
        for _ in range(runs_per_day):
            for a in plan_item(scenario, it, history, today, ALL):
                if a.kind != "skip":
                    assert a.valid_until is None or today < a.valid_until
                    assert a.scheduled <= today
                history.append(
                    Done(
                        a.step,
                        a.occurrence,
                        a.channel,
                        today,
                        "skipped" if a.kind == "skip" else "sent",
                    )
                )
    keys = [(h.step, h.occurrence, h.channel) for h in history]
    assert len(keys) == len(set(keys))
