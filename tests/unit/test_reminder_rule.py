"""The one rule "may this item be reminded now through this channel, and if not, why", and the
planner that must never plan what the rule forbids."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.domain import planner
from desktop_app.domain.planner import Done, plan_contractor, plan_item
from desktop_app.domain.presets import ESCALATION, GENTLE_EMAIL, PRESETS, SMS_CLASSIC
from desktop_app.domain.reminder_rule import (
    BEFORE_DUE,
    CLOSED,
    DONE,
    DUE_TODAY,
    HELD,
    OVERDUE,
    SPACED,
    WAITING,
    ChannelNow,
    Item,
    PromiseTerms,
    due_state,
    reminder_allowed,
    step_state,
)
from desktop_app.domain.scenario import MESSAGE_CHANNELS

D = dt.date
ALL = {"email", "sms", "voice"}


ISSUED, DUE = D(2026, 3, 2), D(2026, 3, 16)


def item(issued: dt.date = ISSUED, due: dt.date = DUE, **kw: object) -> Item:
    return replace(Item(1, 1, 1, issued, due, "PLN", 100_00, 100_00), **kw)  # type: ignore[arg-type]


def codes(verdict: object) -> list[str]:
    return [r.code for r in verdict.reasons]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("changes", "code", "kind"),
    [
        ({"open_minor": 0, "settled_on": D(2026, 3, 17)}, "paid", CLOSED),
        ({"disputed": True}, "disputed", CLOSED),
        ({"handed_over": True}, "handed_over", CLOSED),
        ({"contractor_paused_until": D(2026, 3, 18)}, "contractor_paused", HELD),
        ({"invoice_paused_until": D(2026, 3, 18)}, "invoice_paused", HELD),
        ({"promise": PromiseTerms(D(2026, 3, 16), 50_00, "PLN")}, "promised", HELD),
        ({"reachable": frozenset({"sms"})}, "no_address", WAITING),
    ],
)
def test_each_reason_is_named(changes: dict[str, object], code: str, kind: str) -> None:
    verdict = reminder_allowed(item(**changes), "email", D(2026, 3, 18))
    assert not verdict.allowed
    [reason] = verdict.reasons
    assert (reason.code, reason.kind) == (code, kind)
    assert reason.text()  # a sentence a person can read


def test_nothing_in_the_way_is_allowed() -> None:
    assert reminder_allowed(item(), "email", D(2026, 3, 18)).allowed


def test_a_pause_holds_through_its_last_day_and_names_its_reason() -> None:
    paused = item(contractor_paused_until=D(2026, 3, 20), contractor_pause_reason="negotiating")
    [reason] = reminder_allowed(paused, "sms", D(2026, 3, 20)).reasons
    assert reason.text() == "reminders to the contractor are paused until 20/03/2026: negotiating"
    assert reminder_allowed(paused, "sms", D(2026, 3, 21)).allowed


def test_a_promise_holds_until_its_day_plus_the_bank_grace_and_names_amount_and_date() -> None:
    promised = item(promise=PromiseTerms(D(2026, 3, 20), 1234_56, "PLN"))
    [reason] = reminder_allowed(promised, "email", D(2026, 3, 22)).reasons
    assert reason.text() == "the contractor promised to pay 1,234.56 PLN by 20/03/2026"
    assert reminder_allowed(promised, "email", D(2026, 3, 23)).allowed


def test_the_channel_set_up_day_and_hours() -> None:
    holiday = D(2026, 11, 11)
    sms = ChannelNow(business_days_only=True, hours=(dt.time(9), dt.time(19)), at=dt.time(10))
    assert codes(reminder_allowed(item(), "sms", holiday, now=sms)) == ["not_business_day"]
    assert reminder_allowed(item(), "sms", D(2026, 11, 12), now=sms).allowed
    night = replace(sms, at=dt.time(22, 30))
    assert codes(reminder_allowed(item(), "sms", D(2026, 11, 12), now=night)) == ["outside_hours"]
    whole_day = replace(sms, at=None)  # a plan for the day: the hours open at some point
    assert reminder_allowed(item(), "sms", D(2026, 11, 12), now=whole_day).allowed
    missing = ChannelNow(configured=False)
    [reason] = reminder_allowed(item(), "email", D(2026, 11, 12), now=missing).reasons
    assert (reason.code, reason.kind) == ("not_set_up", WAITING)
    # internal channels are the firm's own work: always open
    assert reminder_allowed(item(), "task", holiday, now=missing).allowed


def test_the_gap_and_a_step_already_sent() -> None:
    verdict = reminder_allowed(
        item(), "email", D(2026, 3, 18), last_reminder=D(2026, 3, 17), min_gap_days=2
    )
    assert [(r.code, r.kind) for r in verdict.reasons] == [("reminded_recently", SPACED)]
    assert reminder_allowed(
        item(), "email", D(2026, 3, 19), last_reminder=D(2026, 3, 17), min_gap_days=2
    ).allowed
    assert reminder_allowed(item(), "email", D(2026, 3, 19), done=True).of(DONE)


def test_every_reason_at_once() -> None:
    everything = item(
        disputed=True,
        invoice_paused_until=D(2026, 4, 1),
        promise=PromiseTerms(D(2026, 3, 30), 1_00, "PLN"),
        reachable=frozenset(),
    )
    verdict = reminder_allowed(
        everything,
        "sms",
        D(2026, 3, 21),  # a Saturday
        now=ChannelNow(configured=False, business_days_only=True),
        last_reminder=D(2026, 3, 20),
        min_gap_days=3,
        done=True,
    )
    assert codes(verdict) == [
        "disputed",
        "invoice_paused",
        "promised",
        "no_address",
        "not_set_up",
        "not_business_day",
        "reminded_recently",
        "already_sent",
    ]


def test_due_state_follows_art_115() -> None:
    saturday = D(2026, 3, 21)
    assert due_state(saturday, D(2026, 3, 20)) == BEFORE_DUE
    assert due_state(saturday, saturday) == DUE_TODAY
    assert due_state(saturday, D(2026, 3, 23)) == DUE_TODAY  # payable on Monday
    assert due_state(saturday, D(2026, 3, 24)) == OVERDUE


def test_step_state() -> None:
    assert [step_state(s) for s in GENTLE_EMAIL.steps] == [BEFORE_DUE, DUE_TODAY, OVERDUE, OVERDUE]
    assert step_state(SMS_CLASSIC.steps[0]) is None  # the issue-day SMS reminds of nothing


# --- the planner asks the rule --------------------------------------------------------------


def test_a_channel_not_set_up_keeps_the_step_due_then_sends_one_fitting_message() -> None:
    it = item()
    history: list[Done] = []
    for day in range(13, 27):
        today = D(2026, 3, day)
        actions = plan_item(GENTLE_EMAIL, it, history, today, ALL, configured={"sms"})
        # nothing is logged: no "skipped: not set up", no "superseded"
        assert {a.kind for a in actions} <= {"wait"}
        assert all(a.reason_code == "not_set_up" for a in actions)
    actions = plan_item(GENTLE_EMAIL, it, history, D(2026, 3, 27), ALL)
    assert [(a.step, a.occurrence) for a in actions if a.kind == "send"] == [("overdue", 1)]
    assert {a.reason_code for a in actions if a.kind == "skip"} == {"superseded"}


def test_one_reminder_per_contractor_and_day_in_the_most_urgent_wording() -> None:
    due_today = item()
    soon = item(due=D(2026, 3, 19), instalment_id=2, invoice_id=2)
    actions = plan_contractor(
        [(GENTLE_EMAIL, due_today, []), (GENTLE_EMAIL, soon, [])], D(2026, 3, 16), ALL
    )
    sends = [a for a in actions if a.kind == "send"]
    # each item keeps its own entry (its log row), both go in the "due today" message
    assert sorted((a.item.instalment_id, a.step) for a in sends) == [(1, "due"), (2, "before-due")]
    assert {a.carrier for a in sends} == {("gentle-email", "due", "email")}


def test_the_gap_is_the_contractors_not_the_items() -> None:
    first = item()
    second = item(due=D(2026, 3, 17), instalment_id=2, invoice_id=2)
    reminded = [Done("email", 0, "email", D(2026, 3, 17), "sent")]
    actions = plan_contractor(
        [(ESCALATION, first, reminded), (ESCALATION, second, [])], D(2026, 3, 18), ALL
    )
    assert [(a.kind, a.item.instalment_id, a.reason_code) for a in actions] == [
        ("skip", 2, "reminded_recently")
    ]


def test_a_step_moved_by_a_holiday_does_not_swallow_the_next() -> None:
    # due Friday 13 Nov 2026; two days before is 11 Nov, a holiday: the SMS goes on the 12th
    it = item(issued=D(2026, 11, 2), due=D(2026, 11, 13))
    history = [Done("issued", 0, "sms", D(2026, 11, 2), "sent")]
    only = {"sms"}  # SMS go on business days only
    assert (
        plan_item(SMS_CLASSIC, it, history, D(2026, 11, 11), set(), business_days_only=only) == []
    )
    actions = plan_item(SMS_CLASSIC, it, history, D(2026, 11, 12), ALL, business_days_only=only)
    assert [(a.kind, a.step) for a in actions] == [("send", "before-due")]
    history.append(Done("before-due", 0, "sms", D(2026, 11, 12), "sent"))
    actions = plan_item(SMS_CLASSIC, it, history, D(2026, 11, 13), ALL, business_days_only=only)
    assert [(a.kind, a.step) for a in actions] == [("send", "due")]
    # the same lateness without a closed day to explain it (the PC was off): the gap holds
    actions = plan_item(SMS_CLASSIC, it, history, D(2026, 11, 13), ALL)
    assert [(a.kind, a.step, a.reason_code) for a in actions] == [
        ("skip", "due", "reminded_recently")
    ]


def test_a_catch_up_message_keeps_the_gap_for_the_next_entry() -> None:
    # first run on the 18th: the due-date e-mail of the 16th is caught up (3 days before the
    # weekly overdue one of the 19th); the 19th must not bring a second e-mail in two days
    it = item()
    history = [
        Done("before-due", 0, "email", D(2026, 3, 18), "skipped"),
        Done("due", 0, "email", D(2026, 3, 18), "sent"),
    ]
    actions = plan_item(GENTLE_EMAIL, it, history, D(2026, 3, 19), ALL, business_days_only=ALL)
    assert [(a.kind, a.step, a.reason_code) for a in actions] == [
        ("skip", "overdue", "reminded_recently")
    ]


def test_tasks_are_never_superseded_nor_spaced_out() -> None:
    # due Fri 11 Sep 2026: the call (due + 8, a Saturday) waits for Monday the 21st
    it = item(issued=D(2026, 8, 28), due=D(2026, 9, 11))
    history = [
        Done("email", 0, "email", D(2026, 9, 12), "sent"),
        Done("sms", 0, "sms", D(2026, 9, 15), "sent"),
        Done("voice", 0, "voice", D(2026, 9, 21), "sent"),
    ]
    actions = plan_item(ESCALATION, it, history, D(2026, 9, 23), ALL)
    assert [(a.kind, a.step, a.channel) for a in actions] == [
        ("send", "manager", "task"),
        ("send", "manager", "notice"),
    ]
    # after downtime that outlasted the call and the task, the task is still made
    actions = plan_item(ESCALATION, it, history[:2], D(2026, 9, 30), ALL)
    assert ("send", "manager", "task") in [(a.kind, a.step, a.channel) for a in actions]
    assert ("skip", "voice", "voice") in [(a.kind, a.step, a.channel) for a in actions]


def test_a_thank_you_only_for_money_and_only_when_nothing_else_is_overdue() -> None:
    reminded = [Done("overdue", 0, "email", D(2026, 3, 19), "sent")]
    paid = item(open_minor=0, settled_on=D(2026, 3, 20))
    assert [a.kind for a in plan_item(GENTLE_EMAIL, paid, reminded, D(2026, 3, 20), ALL)] == [
        "thanks"
    ]
    corrected = replace(paid, settled_by_payment=False)
    assert plan_item(GENTLE_EMAIL, corrected, reminded, D(2026, 3, 20), ALL) == []
    still_overdue = item(due=D(2026, 3, 10), instalment_id=2, invoice_id=2)
    actions = plan_contractor(
        [(GENTLE_EMAIL, paid, reminded), (GENTLE_EMAIL, still_overdue, [])], D(2026, 3, 20), ALL
    )
    assert "thanks" not in {a.kind for a in actions}


# --- the planner never plans what the rule forbids (hypothesis) ------------------------------

dates = st.dates(min_value=D(2026, 1, 1), max_value=D(2026, 12, 31))
optional_dates = st.none() | dates


@st.composite
def items(draw: st.DrawFn, number: int, contractor: Item) -> Item:
    """An item of ``contractor`` (whose pause, promise and addresses it shares)."""
    issued = draw(st.dates(min_value=D(2025, 10, 1), max_value=D(2026, 6, 30)))
    due = issued + dt.timedelta(days=draw(st.integers(0, 90)))
    return replace(
        contractor,
        instalment_id=number,
        invoice_id=number,
        issue_date=issued,
        due_date=due,
        open_minor=draw(st.sampled_from([0, 50_00, 100_00])),
        settled_on=draw(optional_dates),
        invoice_paused_until=draw(optional_dates),
        disputed=draw(st.booleans()),
        handed_over=draw(st.booleans()),
        settled_by_payment=draw(st.booleans()),
    )


contractors = st.builds(
    item,
    contractor_paused_until=optional_dates,
    promise=st.none() | dates.map(lambda d: PromiseTerms(d, 100, "PLN")),
    reachable=st.sets(st.sampled_from(MESSAGE_CHANNELS)).map(frozenset),
)


@settings(max_examples=300, deadline=None)
@given(
    data=st.data(),
    contractor=contractors,
    count=st.integers(1, 3),
    preset=st.sampled_from(sorted(PRESETS)),
    today=dates,
    opened=st.sets(st.sampled_from(MESSAGE_CHANNELS)),
    configured=st.sets(st.sampled_from(MESSAGE_CHANNELS)),
)
def test_the_planner_never_sends_what_the_rule_forbids(
    data: st.DataObject,
    contractor: Item,
    count: int,
    preset: str,
    today: dt.date,
    opened: set[str],
    configured: set[str],
) -> None:
    scenario = PRESETS[preset]
    units = []
    for n in range(1, count + 1):
        it = data.draw(items(n, contractor))
        history = [
            Done(e.step, e.occurrence, e.channels[0], e.day, "sent")
            for e in planner.timeline(scenario, it, [], today - dt.timedelta(days=1))
            if data.draw(st.booleans())
        ]
        units.append((scenario, it, history))
    for action in plan_contractor(units, today, opened, configured=configured):
        if action.kind not in ("send", "thanks"):
            continue
        _name, _step, channel = action.carrier
        if channel not in MESSAGE_CHANNELS:
            continue
        assert channel in opened
        verdict = reminder_allowed(
            action.item, channel, today, now=ChannelNow(configured=channel in configured)
        )
        if action.kind == "thanks":
            assert verdict.of(CLOSED) and all(r.code == "paid" for r in verdict.of(CLOSED))
            assert not verdict.of(WAITING)
            continue
        assert not verdict.has(CLOSED, HELD, WAITING), verdict
