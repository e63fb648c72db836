"""Turning the planner's actions into messages, tasks and log rows.

The planner decides per contractor: what is due for one contractor on one day goes as one
message per channel of the most urgent step, listing every item due (or one per invoice when
the scenario says so); tasks and notices are grouped per step. Each message gets a key built
from what it is about; the key and the per-item log rows are unique in the database, which is
what makes a second run, a second process or a second PC harmless.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from desktop_app.domain import planner
from desktop_app.domain.reminder_rule import ChannelNow, channel_reasons, item_reasons
from desktop_app.domain.scenario import MESSAGE_CHANNELS
from desktop_app.gc_pause import collection_paused
from desktop_app.services.dunning.state import PlanningState


@dataclass(frozen=True)
class Group:
    """One message or task: the wording of ``scenario``/``step`` on ``channel``.

    ``actions`` are the item entries it settles (one log row each); ``listed`` the items it
    names, which for a message are all the items of the contractor's reminder that day.
    """

    kind: str  # "send" | "thanks" | "handover"
    scenario: str
    step: str
    channel: str
    contractor_id: int
    invoice_id: int | None
    actions: tuple[planner.Action, ...]
    day: dt.date
    listed: tuple[planner.Item, ...] = ()
    #: the scenario each action's item follows (its log row is kept under it)
    sources: tuple[str, ...] = ()

    @property
    def items(self) -> tuple[planner.Item, ...]:
        return self.listed or tuple(a.item for a in self.actions)

    def settled(self) -> list[tuple[str, planner.Action]]:
        """(the item's own scenario, action) for every entry this group settles."""
        return list(
            zip(self.sources or (self.scenario,) * len(self.actions), self.actions, strict=True)
        )

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
    #: entries that stay due because their channel cannot carry them yet (set-up, address)
    waits: list[Skip] = field(default_factory=list)


@collection_paused
def plan_day(
    state: PlanningState,
    today: dt.date,
    open_channels: Collection[str],
    *,
    configured: Collection[str] = MESSAGE_CHANNELS,
    business_days_only: Collection[str] = (),
    extra_history: dict[tuple[int, str], list[planner.Done]] | None = None,
    cache: planner.TimelineCache | None = None,
    items: list[tuple[str, planner.Item]] | None = None,
) -> Plan:
    buckets: dict[_Bucket, list[tuple[str, planner.Action]]] = defaultdict(list)
    skips: list[Skip] = []
    waits: list[Skip] = []
    cache = cache or planner.TimelineCache(today + planner.FAR)
    by_contractor: dict[int, list[tuple[str, planner.Item]]] = defaultdict(list)
    for name, item in state.items if items is None else items:
        by_contractor[item.contractor_id].append((name, item))
    for _cid, owned in sorted(by_contractor.items()):
        units = []
        names = {}
        for name, item in owned:
            history = state.history_for(name, item.instalment_id)
            extra = extra_history.get((item.instalment_id, name)) if extra_history else None
            if extra:
                history = history + extra
            units.append((state.scenarios[name], item, history))
            names[item.instalment_id] = name
        for action in planner.plan_contractor(
            units,
            today,
            open_channels,
            configured=configured,
            business_days_only=business_days_only,
            cache=cache,
        ):
            name = names[action.item.instalment_id]
            if action.kind in ("skip", "wait"):
                (skips if action.kind == "skip" else waits).append(Skip(name, action, today))
                continue
            scenario, step, channel = action.carrier
            owner = action.item.invoice_id if state.scenarios[name].per_invoice else None
            key = (action.kind, scenario or name, step, channel, action.item.contractor_id, owner)
            buckets[key].append((name, action))
    # every channel of one reminder names every item of it
    listed: dict[tuple[str, str, int, int | None], dict[int, planner.Item]] = defaultdict(dict)
    for (kind, name, step, _channel, cid, owner), pairs in buckets.items():
        if kind == "send":
            listed[(name, step, cid, owner)].update(
                (a.item.instalment_id, a.item) for _n, a in pairs
            )
    groups = []
    for (kind, name, step, channel, cid, owner), pairs in sorted(
        buckets.items(), key=_bucket_order
    ):
        pairs.sort(key=lambda pair: _order(pair[1]))
        shown = (
            tuple(sorted(listed[(name, step, cid, owner)].values(), key=_item_order))
            if kind == "send" and channel in MESSAGE_CHANNELS
            else ()
        )
        groups.append(
            Group(
                kind, name, step, channel, cid, owner, tuple(a for _n, a in pairs), today,
                shown, tuple(n for n, _a in pairs),
            )
        )  # fmt: skip
    return Plan(today, groups, skips, waits)


def _order(action: planner.Action) -> tuple[dt.date, int]:
    return _item_order(action.item)


def _item_order(item: planner.Item) -> tuple[dt.date, int]:
    return (item.due_date, item.instalment_id)


_Bucket = tuple[str, str, str, str, int, int | None]


def _bucket_order(entry: tuple[_Bucket, object]) -> tuple[int, int, str, str]:
    (_kind, _name, step, channel, cid, owner), _actions = entry
    return (cid, owner or 0, step, channel)


def channels_for_day(day: dt.date, business_only: dict[str, bool]) -> set[str]:
    """Message channels whose window opens at some point on ``day``."""
    return {
        channel
        for channel in MESSAGE_CHANNELS
        if not channel_reasons(
            channel, day, ChannelNow(business_days_only=business_only.get(channel, False))
        )
    }


@collection_paused
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
    only = {channel for channel, flag in business_only.items() if flag}
    first = plan_day(
        state, today, channels_for_day(today, business_only), business_days_only=only, cache=cache
    )
    # A contractor is planned (all its items together: one reminder a day, the gap, the
    # thank-you) only on days something of it can happen: an entry comes, or one waits for its
    # window. Contractors long settled into their last step never join the daily loop.
    owned: dict[int, list[tuple[str, planner.Item]]] = defaultdict(list)
    for name, item in state.items:
        owned[item.contractor_id].append((name, item))
    wake: dict[dt.date, set[int]] = defaultdict(set)

    def schedule(cid: int, after: dt.date) -> None:
        days_ahead = [
            day
            for name, item in owned[cid]
            if (day := _first_act(state, simulated, name, item, after, last, cache)) is not None
        ]
        if days_ahead:
            wake[min(days_ahead)].add(cid)

    for cid in owned:
        schedule(cid, today)
    plans = []
    for offset in range(days):
        day = today + dt.timedelta(days=offset)
        woken = wake.pop(day, set())
        plan = (
            first
            if offset == 0
            else plan_day(
                state, day, channels_for_day(day, business_only), business_days_only=only,
                extra_history=simulated, cache=cache,
                items=[pair for cid in sorted(woken) for pair in owned[cid]],
            )
        )  # fmt: skip
        for group in plan.groups:
            for name, action in group.settled():
                simulated[(action.item.instalment_id, name)].append(
                    planner.Done(action.step, action.occurrence, action.channel, day, "planned")
                )
        for skip in plan.skips:
            a = skip.action
            simulated[(a.item.instalment_id, skip.scenario)].append(
                planner.Done(a.step, a.occurrence, a.channel, day, "skipped")
            )
        plans.append(plan)
        acted = {a.item.contractor_id for g in plan.groups for a in g.actions}
        acted |= {s.action.item.contractor_id for s in (*plan.skips, *plan.waits)}
        for cid in woken | acted:
            schedule(cid, day + dt.timedelta(days=1))
    return plans


def _first_act(
    state: PlanningState,
    simulated: dict[tuple[int, str], list[planner.Done]],
    name: str,
    item: planner.Item,
    start: dt.date,
    last: dt.date,
    cache: planner.TimelineCache,
) -> dt.date | None:
    """The first day from ``start`` to ``last`` on which the item may have something to do."""
    if item.open_minor <= 0 or start > last:
        return None
    scenario = state.scenarios[name]
    history = state.history_for(name, item.instalment_id)
    extra = simulated.get((item.instalment_id, name))
    if extra:
        history = history + extra
    day: dt.date | None = start
    if not planner.has_pending(scenario, item, history, start, cache):
        day = planner.next_entry_after(scenario, item, history, start, cache)
    # once an entry has come it stays pending; a hold (pause, promise) only puts it off, and a
    # dispute or a hand-over keeps the item out for good
    while day is not None and day <= last:
        if not item_reasons(item, day):
            return day
        day += dt.timedelta(days=1)
    return None


def flatten(plans: Iterable[Plan]) -> list[Group]:
    return [group for plan in plans for group in plan.groups]
