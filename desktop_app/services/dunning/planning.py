"""Turning the planner's per-item actions into messages, tasks and log rows.

Actions for one contractor at the same step and channel become one message listing all those
items (or one per invoice when the scenario says so). Each message gets a key built from what it
is about; the key and the per-item log rows are unique in the database, which is what makes a
second run, a second process or a second PC harmless.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from desktop_app.domain import planner
from desktop_app.domain.calendar import is_business_day
from desktop_app.domain.scenario import MESSAGE_CHANNELS
from desktop_app.services.dunning.state import PlanningState


@dataclass(frozen=True)
class Group:
    kind: str  # "send" | "thanks" | "handover"
    scenario: str
    step: str
    channel: str
    contractor_id: int
    invoice_id: int | None
    actions: tuple[planner.Action, ...]
    day: dt.date

    @property
    def key(self) -> str:
        digest = hashlib.sha256(
            ",".join(f"{a.item.instalment_id}.{a.occurrence}" for a in self.actions).encode()
        ).hexdigest()[:12]
        owner = f"i{self.invoice_id}" if self.invoice_id is not None else f"c{self.contractor_id}"
        return f"{self.scenario}/{self.step}/{self.channel}/{owner}/{self.day.isoformat()}/{digest}"

    @property
    def valid_until(self) -> dt.date | None:
        ends = [a.valid_until for a in self.actions if a.valid_until is not None]
        return min(ends) if ends else None


@dataclass(frozen=True)
class Skip:
    scenario: str
    action: planner.Action
    day: dt.date


@dataclass
class Plan:
    day: dt.date
    groups: list[Group]
    skips: list[Skip]


def plan_day(
    state: PlanningState,
    today: dt.date,
    open_channels: Collection[str],
    *,
    extra_history: dict[tuple[int, str], list[planner.Done]] | None = None,
    cache: planner.TimelineCache | None = None,
    items: list[tuple[str, planner.Item]] | None = None,
) -> Plan:
    buckets: dict[tuple[str, str, str, str, int, int | None], list[planner.Action]] = defaultdict(
        list
    )
    skips: list[Skip] = []
    cache = cache or planner.TimelineCache(today + planner.FAR)
    for name, item in state.items if items is None else items:
        scenario = state.scenarios[name]
        history = state.history_for(name, item.instalment_id)
        if extra_history:
            history = history + extra_history.get((item.instalment_id, name), [])
        for action in planner.plan_item(scenario, item, history, today, open_channels, cache):
            if action.kind == "skip":
                skips.append(Skip(name, action, today))
                continue
            owner = item.invoice_id if scenario.per_invoice else None
            buckets[
                (action.kind, name, action.step, action.channel, item.contractor_id, owner)
            ].append(action)
    groups = [
        Group(kind, name, step, channel, cid, owner, tuple(sorted(actions, key=_order)), today)
        for (kind, name, step, channel, cid, owner), actions in sorted(
            buckets.items(), key=_bucket_order
        )
    ]
    return Plan(today, groups, skips)


def _order(action: planner.Action) -> tuple[dt.date, int]:
    return (action.item.due_date, action.item.instalment_id)


def _bucket_order(
    entry: tuple[tuple[str, str, str, str, int, int | None], object],
) -> tuple[int, int, str, str]:
    (_kind, _name, step, channel, cid, owner), _actions = entry
    return (cid, owner or 0, step, channel)


def channels_for_day(day: dt.date, business_only: dict[str, bool]) -> set[str]:
    """Message channels whose window opens at some point on ``day``."""
    return {
        channel
        for channel in MESSAGE_CHANNELS
        if not business_only.get(channel, False) or is_business_day(day)
    }


def calendar(
    state: PlanningState,
    today: dt.date,
    days: int,
    business_only: dict[str, bool],
) -> list[Plan]:
    """A dry run: what would happen on each of the next ``days`` days if nobody paid.

    Each simulated day sees the previous days' simulated messages as done, so a weekly repeat
    shows up weekly and the gap rule applies as it will for real.
    """
    simulated: dict[tuple[int, str], list[planner.Done]] = defaultdict(list)
    last = today + dt.timedelta(days=days - 1)
    cache = planner.TimelineCache(last + planner.FAR)
    # Only items with something to do today, or an entry coming inside the window, can appear;
    # the rest (long settled into their last step) are left out of the daily loop.
    first = plan_day(state, today, channels_for_day(today, business_only), cache=cache)
    busy = {(g.scenario, a.item.instalment_id) for g in first.groups for a in g.actions}
    busy |= {(s.scenario, s.action.item.instalment_id) for s in first.skips}
    moving = [
        (name, item) for name, item in state.items
        if (name, item.instalment_id) in busy or _may_act(state, name, item, today, last, cache)
    ]  # fmt: skip
    plans = []
    for offset in range(days):
        day = today + dt.timedelta(days=offset)
        plan = (
            first
            if offset == 0
            else plan_day(
                state, day, channels_for_day(day, business_only),
                extra_history=simulated, cache=cache, items=moving,
            )
        )  # fmt: skip
        for group in plan.groups:
            for action in group.actions:
                simulated[(action.item.instalment_id, group.scenario)].append(
                    planner.Done(action.step, action.occurrence, action.channel, day, "planned")
                )
        for skip in plan.skips:
            a = skip.action
            simulated[(a.item.instalment_id, skip.scenario)].append(
                planner.Done(a.step, a.occurrence, a.channel, day, "skipped")
            )
        plans.append(plan)
    return plans


def _may_act(
    state: PlanningState,
    name: str,
    item: planner.Item,
    today: dt.date,
    last: dt.date,
    cache: planner.TimelineCache,
) -> bool:
    if item.open_minor <= 0:
        return False
    scenario = state.scenarios[name]
    history = state.history_for(name, item.instalment_id)
    if planner.has_pending(scenario, item, history, today, cache):
        return True
    upcoming = planner.next_entry_after(scenario, item, history, today, cache)
    return upcoming is not None and upcoming <= last


def flatten(plans: Iterable[Plan]) -> list[Group]:
    return [group for plan in plans for group in plan.groups]
