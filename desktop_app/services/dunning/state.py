"""Reading what the planner and the reminder rule need: items, their scenario, their history.

Plain data out, read-only: the presets were stored when the database was created or migrated.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, bindparam, exists, select
from sqlalchemy.orm import Session

from db.models import (
    Allocation,
    Contractor,
    ContractorEmail,
    ContractorPhone,
    DunningLog,
    Instalment,
    Invoice,
    Promise,
    Tag,
    contractor_tag,
)
from db.models import Scenario as ScenarioRow
from desktop_app.domain import planner
from desktop_app.domain.reminder_rule import PROMISE_GRACE_DAYS, PromiseTerms
from desktop_app.domain.scenario import Scenario
from desktop_app.errors import ValidationError
from desktop_app.gc_pause import collection_paused
from desktop_app.services import rating as rating_service
from desktop_app.services.dunning import scenarios

#: how long after payment an item is still looked at (for the thank-you)
THANKS_LOOKBACK_DAYS = 31


@dataclass
class PlanningState:
    scenarios: dict[str, Scenario]
    items: list[tuple[str, planner.Item]]
    history: dict[tuple[int, str], list[planner.Done]]
    #: stored scenarios that no longer validate (name -> the problem): their items wait
    broken: dict[str, str] = field(default_factory=dict)

    def history_for(self, scenario: str, instalment_id: int) -> list[planner.Done]:
        return self.history.get((instalment_id, scenario), [])


@collection_paused
def load(
    session: Session,
    today: dt.date,
    *,
    contractor_ids: Sequence[int] | None = None,
    start_date: dt.date | None = None,
) -> PlanningState:
    rows = list(session.scalars(select(ScenarioRow)))
    by_id = {r.id: r.name for r in rows}
    loaded: dict[str, Scenario] = {}
    broken: dict[str, str] = {}
    for stored in rows:
        # One scenario stored before a rule was tightened (say, a template name that is now
        # refused) must not stop the reminders of every other scenario.
        try:
            loaded[stored.name] = scenarios.load(stored)
        except ValidationError as exc:
            broken[stored.name] = exc.message
    default = next((r.name for r in rows if r.is_default), None)

    def base() -> Select[Any]:
        query: Select[Any] = (
            select(*_ITEM_COLUMNS, Invoice.scenario_id, Contractor.scenario_id)
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
    facts = _Facts.read(session, today, contractor_set, [r[0] for r in paid_rows])
    needs_rating = any(
        step.conditions.max_rating is not None for s in loaded.values() for step in s.steps
    )
    ratings = rating_service.stars(session, today, sorted(contractor_set)) if needs_rating else {}
    items: list[tuple[str, planner.Item]] = []
    for row in raw:
        *fields, inv_scenario, con_scenario = row
        name = _pick(by_id, inv_scenario) or _pick(by_id, con_scenario) or default
        if name is None or name in broken:
            continue
        items.append((name, facts.item(tuple(fields), ratings.get(row[2]))))
    history = _history(session, [item.instalment_id for _name, item in items])
    return PlanningState(scenarios=loaded, items=items, history=history, broken=broken)


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
) -> dict[tuple[int, int | None], PromiseTerms]:
    """(contractor, invoice or None for all) -> the open promise that holds reminders longest."""
    result: dict[tuple[int, int | None], PromiseTerms] = {}
    horizon = today - dt.timedelta(days=PROMISE_GRACE_DAYS)
    conn = session.connection()
    for chunk in _chunks(sorted(contractor_ids)):
        params = {"horizon": horizon, "ids": list(chunk)}
        for cid, inv, due_on, amount, currency in conn.execute(_SELECT_PROMISES, params):
            terms = PromiseTerms(due_on, amount, currency)
            known = result.get((cid, inv))
            if known is None or terms.due_on > known.due_on:
                result[(cid, inv)] = terms
    return result


def _reachable(session: Session, contractor_ids: set[int]) -> dict[int, frozenset[str]]:
    """The message channels each contractor has an address for."""
    found: dict[int, set[str]] = defaultdict(set)
    for chunk in _chunks(sorted(contractor_ids)):
        for (cid,) in session.execute(
            select(ContractorEmail.contractor_id)
            .where(ContractorEmail.contractor_id.in_(chunk))
            .distinct()
        ):
            found[cid].add("email")
        for (cid,) in session.execute(
            select(ContractorPhone.contractor_id)
            .where(ContractorPhone.contractor_id.in_(chunk))
            .distinct()
        ):
            found[cid].update(("sms", "voice"))
    return {cid: frozenset(channels) for cid, channels in found.items()}


def _settled_by_payment(session: Session, instalment_ids: Sequence[int]) -> set[int]:
    """Settled instalments whose last reduction still in force is money received (not a
    correction): only those earn a thank-you."""
    last: dict[int, tuple[dt.date, int, bool]] = {}
    for chunk in _chunks(sorted(set(instalment_ids))):
        for inst, day, row_id, payment in session.execute(
            select(
                Allocation.instalment_id,
                Allocation.effective_date,
                Allocation.id,
                Allocation.payment_id,
            ).where(Allocation.instalment_id.in_(chunk), Allocation.released_on.is_(None))
        ):
            mark = (day, row_id, payment is not None)
            if inst not in last or mark > last[inst]:
                last[inst] = mark
    return {inst for inst, (_day, _id, by_payment) in last.items() if by_payment}


#: what the rule and the planner need of an instalment, in the order :meth:`_Facts.item` reads
_ITEM_COLUMNS: tuple[Any, ...] = (
    Instalment.id,
    Instalment.invoice_id,
    Invoice.contractor_id,
    Invoice.issue_date,
    Instalment.due_date,
    Invoice.currency,
    Instalment.open_minor,
    Invoice.gross_minor,
    Instalment.settled_on,
    Contractor.collection_paused_until,
    Contractor.collection_pause_reason,
    Invoice.collection_paused_until,
    Invoice.collection_pause_reason,
    Invoice.disputed,
    Invoice.handed_over_on,
    Invoice.number,
)


@dataclass
class _Facts:
    """What an item needs beyond its own row: tags, promises, addresses, how it was settled."""

    tags: dict[int, frozenset[str]]
    promises: dict[tuple[int, int | None], PromiseTerms]
    reachable: dict[int, frozenset[str]]
    by_payment: set[int]

    @classmethod
    def read(
        cls,
        session: Session,
        today: dt.date,
        contractor_ids: set[int],
        settled_ids: Sequence[int],
        *,
        tags: bool = True,
    ) -> _Facts:
        return cls(
            _tags(session, contractor_ids) if tags else {},
            _promises(session, today, contractor_ids),
            _reachable(session, contractor_ids),
            _settled_by_payment(session, settled_ids),
        )

    def item(self, row: tuple[Any, ...], stars: int | None = None) -> planner.Item:
        (
            inst_id, inv_id, cid, issued, due, currency, open_minor, gross, settled,
            con_pause, con_reason, inv_pause, inv_reason, disputed, handed_over, number,
        ) = row  # fmt: skip
        promises = [
            p for p in (self.promises.get((cid, inv_id)), self.promises.get((cid, None))) if p
        ]
        return planner.Item(
            instalment_id=inst_id,
            invoice_id=inv_id,
            contractor_id=cid,
            issue_date=issued,
            due_date=due,
            currency=currency,
            open_minor=open_minor,
            invoice_gross_minor=gross,
            settled_on=settled,
            tags=self.tags.get(cid, frozenset()),
            rating=stars,
            contractor_paused_until=con_pause,
            contractor_pause_reason=con_reason,
            invoice_paused_until=inv_pause,
            invoice_pause_reason=inv_reason,
            promise=max(promises, key=lambda p: p.due_on) if promises else None,
            disputed=bool(disputed),
            handed_over=handed_over is not None,
            reachable=self.reachable.get(cid, frozenset()),
            settled_by_payment=inst_id in self.by_payment,
            number=number,
        )


# built once: the sender asks this for every batch it claims
_SELECT_ITEMS_NOW = (
    select(*_ITEM_COLUMNS)
    .join(Invoice, Invoice.id == Instalment.invoice_id)
    .join(Contractor, Contractor.id == Invoice.contractor_id)
    .where(Instalment.id.in_(bindparam("ids", expanding=True)))
)
_SELECT_PROMISES = select(
    Promise.contractor_id,
    Promise.invoice_id,
    Promise.due_on,
    Promise.amount_minor,
    Promise.currency,
).where(
    Promise.status == "open",
    Promise.due_on >= bindparam("horizon"),
    Promise.contractor_id.in_(bindparam("ids", expanding=True)),
)


def items_now(
    session: Session, instalment_ids: Sequence[int], today: dt.date
) -> dict[int, planner.Item]:
    """The instalments as the reminder rule sees them now, with their pauses and promises (the
    sender's last-moment check; addresses and tags are not looked at)."""
    conn = session.connection()
    rows = [
        row
        for chunk in _chunks(sorted(set(instalment_ids)))
        for row in conn.execute(_SELECT_ITEMS_NOW, {"ids": list(chunk)})
    ]
    facts = _Facts({}, _promises(session, today, {r[2] for r in rows}), {}, set())
    return {r[0]: facts.item(tuple(r)) for r in rows}
