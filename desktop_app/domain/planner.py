"""State-based dunning: which single step is due for an item today.

Every run looks at the item as it is now and at what was already done for it, lays out the
scenario's timeline for the item, and acts only on the entry that fits today. Entries that came
and went unanswered (downtime, pauses, closed send windows) are skipped with a reason, never sent
late in a burst. Nothing here reads a clock or a database.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from desktop_app.domain.calendar import add_days, effective_due
from desktop_app.domain.scenario import (
    MESSAGE_CHANNELS,
    Conditions,
    Scenario,
    Step,
)
from desktop_app.i18n import N_

HANDOVER = "handover"
THANKS = "thanks"
#: how far ahead a run's timelines reach (they must cover "the next entry after today")
FAR = dt.timedelta(days=3660)
#: history statuses that mean "this happened (or is queued to happen) for the item"
DONE_STATUSES = frozenset({"planned", "sent", "manual", "uncertain", "failed"})
#: statuses that mean the contractor was actually reminded (or may have been)
REMINDED_STATUSES = frozenset({"planned", "sent", "manual", "uncertain"})


@dataclass(frozen=True, slots=True)
class Item:
    """One open or recently paid instalment with everything the planner may look at."""

    instalment_id: int
    invoice_id: int
    contractor_id: int
    issue_date: dt.date
    due_date: dt.date
    currency: str
    open_minor: int
    invoice_gross_minor: int
    settled_on: dt.date | None = None
    tags: frozenset[str] = frozenset()
    rating: int | None = None
    contractor_paused_until: dt.date | None = None
    invoice_paused_until: dt.date | None = None
    promise_until: dt.date | None = None
    disputed: bool = False
    handed_over: bool = False


@dataclass(frozen=True, slots=True)
class Done:
    """A history record: what happened to the item at which step occurrence and channel."""

    step: str
    occurrence: int
    channel: str
    day: dt.date
    status: str


@dataclass(frozen=True, slots=True)
class Entry:
    """One point of an item's timeline."""

    day: dt.date
    order: int
    step: str
    occurrence: int
    channels: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Action:
    kind: str  # "send" | "skip" | "handover" | "thanks"
    item: Item
    step: str
    occurrence: int
    channel: str
    scheduled: dt.date
    valid_until: dt.date | None = None
    reason: str | None = None  # an N_() message for skips
    reason_data: dict[str, str] = field(default_factory=dict)


def conditions_hold(cond: Conditions, item: Item) -> bool:
    if cond.min_open_minor is not None and item.open_minor < cond.min_open_minor:
        return False
    if cond.min_invoice_minor is not None and item.invoice_gross_minor < cond.min_invoice_minor:
        return False
    if cond.tags_any and not item.tags.intersection(cond.tags_any):
        return False
    if cond.tags_none and item.tags.intersection(cond.tags_none):
        return False
    return not (
        cond.max_rating is not None and item.rating is not None and item.rating > cond.max_rating
    )


def handover_day(scenario: Scenario, item: Item) -> dt.date | None:
    if scenario.handover is None:
        return None
    return effective_due(item.due_date) + dt.timedelta(days=scenario.handover.after_days)


def _anchor(step: Step, item: Item, previous: dt.date | None) -> dt.date | None:
    trigger = step.trigger
    if trigger.anchor == "issue":
        base = item.issue_date
    elif trigger.anchor == "due":
        # After the due date we count from the legal deadline (Art. 115 KC): a debtor whose term
        # ends on a Saturday is not late on Monday morning.
        base = effective_due(item.due_date) if trigger.offset > 0 else item.due_date
    else:
        if previous is None:
            return None
        base = previous
    return add_days(base, trigger.offset, business=trigger.business_days)


def timeline(
    scenario: Scenario, item: Item, history: Iterable[Done], horizon: dt.date
) -> list[Entry]:
    """The item's entries up to ``horizon``, in the order they happen; hand-over last."""
    first_done: dict[str, dt.date] = {}
    for record in history:
        if record.occurrence == 0 and record.status in DONE_STATUSES | {"skipped"}:
            known = first_done.get(record.step)
            first_done[record.step] = record.day if known is None else min(known, record.day)
    stop = handover_day(scenario, item)
    entries: list[Entry] = []
    previous: dt.date | None = None
    for order, step in enumerate(scenario.steps):
        if not conditions_hold(step.conditions, item):
            continue
        start = _anchor(step, item, previous)
        if start is None:
            continue
        previous = first_done.get(step.code, start)
        count = 1 + (step.repeat.times if step.repeat and step.repeat.times is not None else 10_000)
        for occurrence in range(count):
            day = start + dt.timedelta(days=step.repeat.every * occurrence if step.repeat else 0)
            if day > horizon or (stop is not None and day >= stop):
                break
            if day >= item.issue_date:
                entries.append(Entry(day, order, step.code, occurrence, step.channels))
            if step.repeat is None:
                break
    if stop is not None and stop <= horizon:
        entries.append(Entry(stop, len(scenario.steps), HANDOVER, 0, ("task",)))
    entries.sort(key=lambda e: (e.day, e.order, e.occurrence))
    return entries


class TimelineCache:
    """Timelines shared by items with the same scenario, dates and applicable steps.

    A run looks at tens of thousands of items, most of them sharing a handful of issue/due
    date pairs; their timelines (up to one far horizon) are computed once. Scenarios that
    anchor a step on the previous one depend on each item's history and are not shared.
    """

    def __init__(self, horizon: dt.date) -> None:
        self.horizon = horizon
        self._entries: dict[
            tuple[object, ...], tuple[list[Entry], list[tuple[dt.date, int, int]]]
        ] = {}
        self._meta: dict[int, tuple[tuple[Conditions, ...], bool]] = {}

    def get(
        self, scenario: Scenario, item: Item, history: Collection[Done]
    ) -> tuple[list[Entry], list[tuple[dt.date, int, int]]]:
        """(entries, their sort keys) up to the horizon."""
        meta = self._meta.get(id(scenario))
        if meta is None:
            conditional = tuple(s.conditions for s in scenario.steps if not s.conditions.is_empty())
            chained = any(step.trigger.anchor == "previous" for step in scenario.steps)
            meta = self._meta[id(scenario)] = (conditional, chained)
        conditional, chained = meta
        key: tuple[object, ...] = (id(scenario), item.issue_date, item.due_date)
        if conditional:
            key += tuple(conditions_hold(c, item) for c in conditional)
        if chained:
            key += (
                item.instalment_id,
                tuple(sorted((h.step, h.occurrence, h.day) for h in history)),
            )
        found = self._entries.get(key)
        if found is None:
            entries = timeline(scenario, item, history, self.horizon)
            found = (entries, [(e.day, e.order, e.occurrence) for e in entries])
            self._entries[key] = found
        return found


def blocked(item: Item, today: dt.date) -> str | None:
    """Why nothing may be sent for the item today (an N_() message), or None."""
    if item.disputed:
        return N_("the invoice is disputed")
    if item.handed_over:
        return N_("the case was handed over to collection")
    if item.contractor_paused_until is not None and item.contractor_paused_until >= today:
        return N_("collection is paused for the contractor")
    if item.invoice_paused_until is not None and item.invoice_paused_until >= today:
        return N_("collection is paused for the invoice")
    if item.promise_until is not None and item.promise_until >= today:
        return N_("the contractor promised to pay")
    return None


def plan_item(
    scenario: Scenario,
    item: Item,
    history: Collection[Done],
    today: dt.date,
    open_channels: Collection[str],
    cache: TimelineCache | None = None,
) -> list[Action]:
    """What to do for one item today. ``open_channels``: message channels whose send window is
    open now; internal channels (tasks, notices, letters) are always open. Pass one ``cache``
    for all the items of a run (its horizon must lie beyond every ``today`` it is used for)."""
    if item.open_minor <= 0:
        return _thanks(scenario, item, history, today, open_channels)
    if blocked(item, today) is not None:
        return []
    if cache is None or cache.horizon <= today:
        cache = TimelineCache(today + FAR)
    entries, keys = cache.get(scenario, item, history)
    upto = bisect.bisect_right(keys, (today, len(scenario.steps) + 1, 10**9))
    if upto == 0:
        return []
    current = entries[upto - 1]
    done = {(h.step, h.occurrence, h.channel) for h in history}
    actions: list[Action] = []
    for entry in entries[: upto - 1]:
        for channel in entry.channels:
            if (entry.step, entry.occurrence, channel) not in done:
                actions.append(
                    Action(
                        "skip", item, entry.step, entry.occurrence, channel, entry.day,
                        reason=N_("superseded by a later step ({step})"),
                        reason_data={"step": current.step},
                    )
                )  # fmt: skip
    if current.step == HANDOVER:
        if (HANDOVER, 0, "task") not in done:
            actions.append(Action("handover", item, HANDOVER, 0, "task", current.day))
        return actions
    pending = [c for c in current.channels if (current.step, current.occurrence, c) not in done]
    if not pending:
        return actions
    next_day = entries[upto].day if upto < len(entries) else None
    last_reminder = max(
        (
            h.day
            for h in history
            if h.status in REMINDED_STATUSES
            and h.step not in (HANDOVER, THANKS)
            and (h.step, h.occurrence) != (current.step, current.occurrence)
        ),
        default=None,
    )
    for channel in pending:
        if channel in MESSAGE_CHANNELS and channel not in open_channels:
            continue  # waits for the send window; superseded later if it never opens
        if last_reminder is not None and (today - last_reminder).days < scenario.min_gap_days:
            actions.append(
                Action(
                    "skip", item, current.step, current.occurrence, channel, current.day,
                    reason=N_("the contractor was reminded on {date}"),
                    reason_data={"date": last_reminder.isoformat()},
                )
            )  # fmt: skip
            continue
        actions.append(
            Action(
                "send", item, current.step, current.occurrence, channel, current.day,
                valid_until=next_day,
            )
        )  # fmt: skip
    return actions


def has_pending(
    scenario: Scenario, item: Item, history: Collection[Done], day: dt.date, cache: TimelineCache
) -> bool:
    """Does the entry that fits ``day`` still have a channel not done (e.g. waiting for a
    send window that opens on a later day)?"""
    entries, keys = cache.get(scenario, item, history)
    upto = bisect.bisect_right(keys, (day, 10**9, 10**9))
    if upto == 0:
        return False
    current = entries[upto - 1]
    done = {(h.step, h.occurrence, h.channel) for h in history}
    return any((current.step, current.occurrence, c) not in done for c in current.channels)


def next_entry_after(
    scenario: Scenario, item: Item, history: Collection[Done], day: dt.date, cache: TimelineCache
) -> dt.date | None:
    """The first day after ``day`` on which the item's timeline has an entry (dry runs)."""
    _entries, keys = cache.get(scenario, item, history)
    upto = bisect.bisect_right(keys, (day, 10**9, 10**9))
    return keys[upto][0] if upto < len(keys) else None


def _thanks(
    scenario: Scenario,
    item: Item,
    history: Collection[Done],
    today: dt.date,
    open_channels: Collection[str],
) -> list[Action]:
    paid = scenario.on_paid
    if not paid.channels or item.settled_on is None or item.disputed:
        return []
    if (today - item.settled_on).days > paid.within_days or item.settled_on > today:
        return []
    reminded = any(
        h.status in {"sent", "manual"} and h.channel in MESSAGE_CHANNELS and h.step != THANKS
        for h in history
    )
    if not reminded:
        return []
    thanked = {h.channel for h in history if h.step == THANKS}
    return [
        Action(
            "thanks",
            item,
            THANKS,
            0,
            channel,
            item.settled_on,
            valid_until=item.settled_on + dt.timedelta(days=paid.within_days + 1),
        )
        for channel in paid.channels
        if channel not in thanked and channel in open_channels
    ]
