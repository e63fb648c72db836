"""State-based dunning: which step is due for an item today, and one message per contractor.

Every run looks at each item as it is now and at what was already done for it, lays out the
scenario's timeline for the item, and acts only on the entry that fits today. Entries that came
and went unanswered (downtime, pauses) are skipped with a reason, never sent late in a burst;
an entry that cannot go out yet (send window, channel not set up, no address) stays due.

What is due for one contractor on one day becomes one reminder: the most urgent step's wording
on its channels, listing every item due. Whether anything may go is asked of
:func:`~desktop_app.domain.reminder_rule.reminder_allowed`. Nothing here reads a clock or a
database.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from desktop_app.domain.calendar import add_days, effective_due, is_business_day
from desktop_app.domain.reminder_rule import (
    CLOSED,
    DUE_STATES,
    OVERDUE,
    SPACED,
    ChannelNow,
    Item,
    delivery_reasons,
    due_state,
    item_reasons,
    reminder_allowed,
)
from desktop_app.domain.scenario import (
    MESSAGE_CHANNELS,
    Conditions,
    Scenario,
    Step,
)
from desktop_app.i18n import N_

__all__ = ["Action", "Done", "Entry", "Item", "plan_contractor", "plan_item", "timeline"]

HANDOVER = "handover"
THANKS = "thanks"
#: how far ahead a run's timelines reach (they must cover "the next entry after today")
FAR = dt.timedelta(days=3660)
#: history statuses that mean "this happened (or is queued to happen) for the item"
DONE_STATUSES = frozenset({"planned", "sent", "manual", "uncertain", "failed"})
#: statuses that mean the contractor was actually reminded (or may have been)
REMINDED_STATUSES = frozenset({"planned", "sent", "manual", "uncertain"})


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
    """What to do about one entry of an item's timeline (step, occurrence, channel) today.

    A reminder sent today may carry several items of one contractor: ``message_*`` name the
    scenario, step and channel of the message that carries this entry (the most urgent step
    due for the contractor), while ``step``/``occurrence``/``channel`` stay the item's own
    entry, which the message settles.
    """

    kind: str  # "send" | "skip" | "handover" | "thanks" | "wait" (stays due; not recorded)
    item: Item
    step: str
    occurrence: int
    channel: str
    scheduled: dt.date
    valid_until: dt.date | None = None
    reason: str | None = None  # an N_() message for skips and waits
    reason_data: dict[str, str] = field(default_factory=dict)
    reason_code: str | None = None
    message_scenario: str | None = None
    message_step: str | None = None
    message_channel: str | None = None

    @property
    def carrier(self) -> tuple[str | None, str, str]:
        """(scenario or None for the item's own, step, channel) of the message carrying it."""
        return (
            self.message_scenario,
            self.message_step or self.step,
            self.message_channel or self.channel,
        )


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


def plan_item(
    scenario: Scenario,
    item: Item,
    history: Collection[Done],
    today: dt.date,
    open_channels: Collection[str],
    cache: TimelineCache | None = None,
    *,
    configured: Collection[str] = MESSAGE_CHANNELS,
    business_days_only: Collection[str] = (),
) -> list[Action]:
    """What to do for one item today, as if the contractor had nothing else open."""
    return plan_contractor(
        [(scenario, item, history)],
        today,
        open_channels,
        configured=configured,
        business_days_only=business_days_only,
        cache=cache,
    )


@dataclass
class _Candidate:
    """An item whose current entry wants a message to the contractor today."""

    scenario: Scenario
    item: Item
    entry: Entry
    pending: list[str]
    next_day: dt.date | None
    superseded: list[Action]
    #: the item's timeline up to today (when each of its steps was planned)
    entries: Sequence[Entry]
    deliverable: list[str] = field(default_factory=list)

    def planned(self, step: str, occurrence: int) -> dt.date | None:
        for entry in self.entries:
            if entry.step == step and entry.occurrence == occurrence:
                return entry.day
        return None

    def urgency(self, today: dt.date) -> tuple[int, int, int, int, int]:
        """Overdue before due today before not yet due; then the later step, the later
        repetition, the older due date."""
        return (
            DUE_STATES.index(due_state(self.item.due_date, today)),
            self.entry.order,
            self.entry.occurrence,
            -self.item.due_date.toordinal(),
            -self.item.instalment_id,
        )


def plan_contractor(
    units: Sequence[tuple[Scenario, Item, Collection[Done]]],
    today: dt.date,
    open_channels: Collection[str],
    *,
    configured: Collection[str] = MESSAGE_CHANNELS,
    business_days_only: Collection[str] = (),
    cache: TimelineCache | None = None,
) -> list[Action]:
    """What to do today for one contractor's items (each with its scenario and history).

    ``open_channels``: message channels whose send window is open now; ``configured``: message
    channels set up for sending; ``business_days_only``: channels that send on business days
    only. Internal channels (tasks, letters, notices) are always open.
    Pass one ``cache`` for all the contractors of a run (its horizon must lie beyond every
    ``today`` it is used for).
    """
    if cache is None or cache.horizon <= today:
        cache = TimelineCache(today + FAR)
    actions: list[Action] = []
    #: the conversation: the contractor, or one invoice of a per-invoice scenario
    candidates: dict[int | None, list[_Candidate]] = defaultdict(list)
    histories: dict[int | None, list[tuple[Item, Collection[Done]]]] = defaultdict(list)
    paid: list[tuple[Scenario, Item, Collection[Done]]] = []
    for scenario, item, history in units:
        conversation = item.invoice_id if scenario.per_invoice else None
        histories[conversation].append((item, history))
        if item.open_minor <= 0:
            paid.append((scenario, item, history))
            continue
        if item_reasons(item, today):
            continue  # stopped (disputed, handed over) or held (paused, promised)
        found = _current(scenario, item, history, today, cache)
        if found is None:
            continue
        entries, upto = found
        current = entries[upto - 1]
        done = {(h.step, h.occurrence, h.channel) for h in history}
        if current.step == HANDOVER:
            actions.extend(
                _superseded(item, entry, channel, current)
                for entry in entries[: upto - 1]
                for channel in entry.channels
                if (entry.step, entry.occurrence, channel) not in done
            )
            if (HANDOVER, 0, "task") not in done:
                actions.append(Action("handover", item, HANDOVER, 0, "task", current.day))
            continue
        # Tasks, letters and notices are work inside the firm: one that was missed (downtime,
        # a pause) is still done late, never superseded by a later step (only the hand-over,
        # which ends the case, does), and no gap rule applies to them.
        superseded: list[Action] = []
        for entry in entries[: upto - 1]:
            for channel in entry.channels:
                if (entry.step, entry.occurrence, channel) in done:
                    continue
                if channel in MESSAGE_CHANNELS:
                    superseded.append(_superseded(item, entry, channel, current))
                else:
                    actions.append(
                        Action("send", item, entry.step, entry.occurrence, channel, entry.day)
                    )
        pending = []
        for channel in current.channels:
            if (current.step, current.occurrence, channel) in done:
                continue
            if channel in MESSAGE_CHANNELS:
                pending.append(channel)
            else:
                actions.append(
                    Action("send", item, current.step, current.occurrence, channel, current.day)
                )
        if not pending:
            actions.extend(superseded)
            continue
        candidates[conversation].append(
            _Candidate(
                scenario,
                item,
                current,
                pending,
                entries[upto].day if upto < len(entries) else None,
                superseded,
                entries[:upto],
            )
        )
    for conversation, due in candidates.items():
        reminded = [
            (h.day, item.instalment_id, h.step, h.occurrence, h.channel)
            for item, history in histories[conversation]
            for h in history
            if h.status in REMINDED_STATUSES
            and h.channel in MESSAGE_CHANNELS
            and h.step not in (HANDOVER, THANKS)
        ]
        actions.extend(
            _conversation(due, reminded, today, open_channels, configured, business_days_only)
        )
    if paid and not any(_reminded_overdue(item, today) for _s, item, _h in units):
        for scenario, item, history in paid:
            actions.extend(_thanks(scenario, item, history, today, open_channels, configured))
    return actions


def _reminded_overdue(item: Item, today: dt.date) -> bool:
    """Still owed after its term, and still being reminded about (even if held for now)."""
    return (
        item.open_minor > 0
        and due_state(item.due_date, today) == OVERDUE
        and not any(r.kind == CLOSED for r in item_reasons(item, today))
    )


def _current(
    scenario: Scenario, item: Item, history: Collection[Done], today: dt.date, cache: TimelineCache
) -> tuple[list[Entry], int] | None:
    """The item's timeline and how many of its entries have come by ``today`` (None: none)."""
    entries, keys = cache.get(scenario, item, history)
    upto = bisect.bisect_right(keys, (today, len(scenario.steps) + 1, 10**9))
    return (entries, upto) if upto else None


def _superseded(item: Item, entry: Entry, channel: str, current: Entry) -> Action:
    return Action(
        "skip", item, entry.step, entry.occurrence, channel, entry.day,
        reason=N_("superseded by a later step ({step})"),
        reason_data={"step": current.step},
        reason_code="superseded",
    )  # fmt: skip


def _conversation(
    found: list[_Candidate],
    reminded: list[_Reminded],
    today: dt.date,
    open_channels: Collection[str],
    configured: Collection[str],
    business_days_only: Collection[str],
) -> list[Action]:
    """One reminder for a contractor today: the most urgent due step's channels and wording,
    listing every item due; or nothing while that step waits for its send window; or, when the
    contractor was reminded too recently, the due entries skipped with the reason."""
    actions: list[Action] = []
    setup = {c: ChannelNow(configured=c in configured) for c in MESSAGE_CHANNELS}
    for candidate in found:
        for channel in candidate.pending:
            waiting = delivery_reasons(candidate.item, channel, today, setup[channel])
            if waiting:
                first = waiting[0]
                actions.append(
                    Action(
                        "wait", candidate.item, candidate.entry.step, candidate.entry.occurrence,
                        channel, candidate.entry.day, reason=first.message,
                        reason_data=dict(first.data), reason_code=first.code,
                    )
                )  # fmt: skip
            else:
                candidate.deliverable.append(channel)
    ready = [c for c in found if c.deliverable]
    if not ready:
        return actions
    urgent = max(ready, key=lambda c: c.urgency(today))
    carriers = urgent.deliverable
    if any(channel not in open_channels for channel in carriers):
        return actions  # the day's reminder goes when its window opens, all items in it
    latest = _latest_days(reminded)
    verdicts = {
        id(c): reminder_allowed(
            c.item,
            c.deliverable[0],
            today,
            last_reminder=_last_reminder(c, latest, business_days_only),
            min_gap_days=c.scenario.min_gap_days,
        )
        for c in ready
    }
    spaced = all(verdicts[id(c)].has(SPACED) for c in ready)
    for candidate in ready:
        entry = candidate.entry
        actions.extend(candidate.superseded)
        for channel in candidate.deliverable:
            if spaced:
                (reason, *_rest) = verdicts[id(candidate)].of(SPACED)
                actions.append(
                    Action(
                        "skip", candidate.item, entry.step, entry.occurrence, channel, entry.day,
                        reason=reason.message, reason_data=dict(reason.data),
                        reason_code=reason.code,
                    )
                )  # fmt: skip
                continue
            actions.append(
                Action(
                    "send", candidate.item, entry.step, entry.occurrence, channel, entry.day,
                    valid_until=candidate.next_day,
                    message_scenario=urgent.scenario.name,
                    message_step=urgent.entry.step,
                    message_channel=channel if channel in carriers else carriers[0],
                )
            )  # fmt: skip
    return actions


#: (day, instalment, step, occurrence, channel) of a reminder that went (or is going) out
_Reminded = tuple[dt.date, int, str, int, str]


def _latest_days(reminded: list[_Reminded]) -> list[list[_Reminded]]:
    """The reminder records grouped by day, the latest day first."""
    by_day: dict[dt.date, list[_Reminded]] = defaultdict(list)
    for record in reminded:
        by_day[record[0]].append(record)
    return [by_day[day] for day in sorted(by_day, reverse=True)]


def _last_reminder(
    candidate: _Candidate, latest: list[list[_Reminded]], business_days_only: Collection[str]
) -> dt.date | None:
    """The day the contractor was last reminded, as the gap rule counts it for this entry.

    The entry's own other channels do not count. When that last reminder carried one of this
    item's own earlier steps which the send window had moved (it waited over days on which its
    channel does not send: a holiday, a weekend), the step's planned day counts: a step moved
    next to the following one must not swallow it. A step sent late for any other reason (the
    PC was off) counts from the day it went.
    """
    own = candidate.item.instalment_id
    current = (candidate.entry.step, candidate.entry.occurrence)
    for records in latest:
        others = [r for r in records if not (r[1] == own and (r[2], r[3]) == current)]
        if not others:
            continue
        last = others[0][0]
        moved = [
            planned
            for _day, instalment, step, occurrence, channel in others
            if instalment == own
            and (planned := candidate.planned(step, occurrence)) is not None
            and _moved_by_window(planned, last, channel, business_days_only)
        ]
        return max(moved) if moved else last
    return None


def _moved_by_window(
    planned: dt.date, sent: dt.date, channel: str, business_days_only: Collection[str]
) -> bool:
    if planned >= sent or channel not in business_days_only:
        return False
    days = (sent - planned).days
    return all(not is_business_day(planned + dt.timedelta(days=n)) for n in range(days))


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
    configured: Collection[str],
) -> list[Action]:
    """A thank-you for a payment that settled an item the contractor was reminded about; the
    caller asks only when nothing of the contractor is still overdue and being reminded."""
    paid = scenario.on_paid
    if not paid.channels or item.settled_on is None:
        return []
    if any(r.kind == CLOSED and r.code != "paid" for r in item_reasons(item, today)):
        return []  # disputed or handed over: the thank-you is not ours to send
    if not item.settled_by_payment:
        return []  # a correction or a write-off brought it to zero: nobody paid anything
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
        if channel not in thanked
        and channel in open_channels
        and not delivery_reasons(item, channel, today, ChannelNow(channel in configured))
    ]
