"""Reading what the planner needs: items, their scenario, their history. Plain data out."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, exists, select
from sqlalchemy.orm import Session

from db.models import (
    Contractor,
    DunningLog,
    Instalment,
    Invoice,
    Promise,
    Tag,
    contractor_tag,
)
from db.models import Scenario as ScenarioRow
from desktop_app.domain import planner, rating
from desktop_app.domain.scenario import Scenario
from desktop_app.services.dunning import scenarios

#: how long after payment an item is still looked at (for the thank-you)
THANKS_LOOKBACK_DAYS = 31
#: a promise pauses reminders until its day plus the time bank statements take to arrive
PROMISE_GRACE_DAYS = 2


@dataclass
class PlanningState:
    scenarios: dict[str, Scenario]
    items: list[tuple[str, planner.Item]]
    history: dict[tuple[int, str], list[planner.Done]]

    def history_for(self, scenario: str, instalment_id: int) -> list[planner.Done]:
        return self.history.get((instalment_id, scenario), [])


def load(
    session: Session,
    today: dt.date,
    *,
    contractor_ids: Sequence[int] | None = None,
    start_date: dt.date | None = None,
) -> PlanningState:
    scenarios.ensure_presets(session)
    rows = list(session.scalars(select(ScenarioRow)))
    by_id = {r.id: r.name for r in rows}
    loaded = {r.name: scenarios.load(r) for r in rows}
    default = next((r.name for r in rows if r.is_default), None)
    columns: tuple[Any, ...] = (
        Instalment.id,
        Instalment.invoice_id,
        Invoice.contractor_id,
        Invoice.issue_date,
        Instalment.due_date,
        Invoice.currency,
        Instalment.open_minor,
        Invoice.gross_minor,
        Instalment.settled_on,
        Invoice.scenario_id,
        Contractor.scenario_id,
        Contractor.collection_paused_until,
        Invoice.collection_paused_until,
        Invoice.disputed,
        Invoice.handed_over_on,
    )

    def base() -> Select[Any]:
        query: Select[Any] = (
            select(*columns)
            .join(Invoice, Invoice.id == Instalment.invoice_id)
            .join(Contractor, Contractor.id == Invoice.contractor_id)
            .where(Invoice.issue_date <= today)
        )
        if contractor_ids is not None:
            query = query.where(Invoice.contractor_id.in_(list(contractor_ids)))
        if start_date is not None:
            query = query.where(Instalment.due_date >= start_date)
        return query

    # Two queries, each on its own index, instead of one OR over the whole ledger: what is
    # open, and what was paid lately after being reminded about (the thank-you candidates).
    open_rows = session.execute(base().where(Instalment.open_minor > 0)).all()
    reminded = exists().where(DunningLog.instalment_id == Instalment.id)
    paid_rows = session.execute(
        base().where(
            Instalment.settled_on >= today - dt.timedelta(days=THANKS_LOOKBACK_DAYS),
            Instalment.open_minor == 0,
            reminded,
        )
    ).all()
    raw = [*open_rows, *paid_rows]
    contractor_set = {r[2] for r in raw}
    tags = _tags(session, contractor_set)
    promises = _promises(session, today, contractor_set)
    needs_rating = any(
        step.conditions.max_rating is not None for s in loaded.values() for step in s.steps
    )
    ratings = _ratings(session, today, contractor_set) if needs_rating else {}
    items: list[tuple[str, planner.Item]] = []
    for (
        inst_id,
        inv_id,
        cid,
        issued,
        due,
        currency,
        open_minor,
        gross,
        settled,
        inv_scenario,
        con_scenario,
        con_pause,
        inv_pause,
        disputed,
        handed_over,
    ) in raw:
        name = _pick(by_id, inv_scenario) or _pick(by_id, con_scenario) or default
        if name is None:
            continue
        items.append(
            (
                name,
                planner.Item(
                    instalment_id=inst_id,
                    invoice_id=inv_id,
                    contractor_id=cid,
                    issue_date=issued,
                    due_date=due,
                    currency=currency,
                    open_minor=open_minor,
                    invoice_gross_minor=gross,
                    settled_on=settled,
                    tags=tags.get(cid, frozenset()),
                    rating=ratings.get(cid),
                    contractor_paused_until=con_pause,
                    invoice_paused_until=inv_pause,
                    promise_until=promises.get((cid, inv_id)) or promises.get((cid, None)),
                    disputed=bool(disputed),
                    handed_over=handed_over is not None,
                ),
            )
        )
    history = _history(session, [item.instalment_id for _name, item in items])
    return PlanningState(scenarios=loaded, items=items, history=history)


def _pick(names: dict[int, str], scenario_id: int | None) -> str | None:
    return names.get(scenario_id) if scenario_id is not None else None


def _chunks(values: Sequence[int], size: int = 900) -> Iterable[Sequence[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _history(
    session: Session, instalment_ids: Sequence[int]
) -> dict[tuple[int, str], list[planner.Done]]:
    result: dict[tuple[int, str], list[planner.Done]] = defaultdict(list)
    for chunk in _chunks(sorted(set(instalment_ids))):
        for inst, scenario, step, occ, channel, day, status in session.execute(
            select(
                DunningLog.instalment_id,
                DunningLog.scenario,
                DunningLog.step,
                DunningLog.occurrence,
                DunningLog.channel,
                DunningLog.day,
                DunningLog.status,
            ).where(DunningLog.instalment_id.in_(chunk))
        ):
            result[(inst, scenario)].append(planner.Done(step, occ, channel, day, status))
    return result


def _tags(session: Session, contractor_ids: set[int]) -> dict[int, frozenset[str]]:
    found: dict[int, set[str]] = defaultdict(set)
    ids = sorted(contractor_ids)
    for chunk in _chunks(ids):
        for cid, name in session.execute(
            select(contractor_tag.c.contractor_id, Tag.name)
            .join(Tag, Tag.id == contractor_tag.c.tag_id)
            .where(contractor_tag.c.contractor_id.in_(chunk))
        ):
            found[cid].add(name)
    return {cid: frozenset(names) for cid, names in found.items()}


def _promises(
    session: Session, today: dt.date, contractor_ids: set[int]
) -> dict[tuple[int, int | None], dt.date]:
    """(contractor, invoice or None for all) -> the day reminders may resume after."""
    result: dict[tuple[int, int | None], dt.date] = {}
    horizon = today - dt.timedelta(days=PROMISE_GRACE_DAYS)
    for cid, inv, due_on in session.execute(
        select(Promise.contractor_id, Promise.invoice_id, Promise.due_on).where(
            and_(Promise.status == "open", Promise.due_on >= horizon)
        )
    ):
        if cid in contractor_ids:
            until = due_on + dt.timedelta(days=PROMISE_GRACE_DAYS)
            key = (cid, inv)
            result[key] = max(result.get(key, until), until)
    return result


def _ratings(session: Session, today: dt.date, contractor_ids: set[int]) -> dict[int, int]:
    facts: dict[int, list[rating.PaymentFact]] = defaultdict(list)
    since = today - dt.timedelta(days=rating.WINDOW_DAYS)
    for chunk in _chunks(sorted(contractor_ids)):
        for cid, due, amount, settled in session.execute(
            select(
                Invoice.contractor_id,
                Instalment.due_date,
                Instalment.amount_minor,
                Instalment.settled_on,
            )
            .join(Invoice, Invoice.id == Instalment.invoice_id)
            .where(Invoice.contractor_id.in_(chunk), Instalment.due_date >= since)
        ):
            facts[cid].append(rating.PaymentFact(due, amount, settled))
    result = {}
    for cid, rows in facts.items():
        stars = rating.rating(rows, today)
        if stars is not None:
            result[cid] = stars
    return result
