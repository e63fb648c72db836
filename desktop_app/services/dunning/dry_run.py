"""The dry-run calendar as the GUI shows it: day by day, one row per message or task.

The same planning the CLI's ``dunning plan`` runs (``planning.calendar`` over the loaded state),
with what a person wants beside each action: the contractor's name, the step's title, the send
window of the channel and the open amount per currency of the items it lists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from db.models import Contractor
from db.uow import Database
from desktop_app.domain import planner
from desktop_app.domain.scenario import MESSAGE_CHANNELS, Scenario
from desktop_app.errors import ValidationError
from desktop_app.i18n import _
from desktop_app.services.dunning import planning, windows
from desktop_app.services.dunning.compose import template_items
from desktop_app.services.dunning.state import load as load_state
from desktop_app.settings import Snapshot

MAX_DAYS = 366


@dataclass(frozen=True)
class DryRunItem:
    invoice: str
    due_date: dt.date
    open_minor: int
    currency: str


@dataclass(frozen=True)
class DryRunAction:
    day: dt.date
    kind: str  # "send" | "thanks" | "handover"
    scenario: str
    step: str
    step_title: str
    channel: str
    #: "09:00-19:00" for message channels, "" for tasks and notices
    window: str
    contractor_id: int
    contractor: str
    key: str
    items: tuple[DryRunItem, ...]

    def totals(self) -> dict[str, int]:
        sums: dict[str, int] = {}
        for item in self.items:
            sums[item.currency] = sums.get(item.currency, 0) + item.open_minor
        return sums


@dataclass(frozen=True)
class DryRun:
    today: dt.date
    days: int
    actions: tuple[DryRunAction, ...]

    def by_day(self) -> list[tuple[dt.date, list[DryRunAction]]]:
        """Every day of the range, also the quiet ones, in order."""
        grouped: dict[dt.date, list[DryRunAction]] = {
            self.today + dt.timedelta(days=n): [] for n in range(self.days)
        }
        for action in self.actions:
            grouped.setdefault(action.day, []).append(action)
        return sorted(grouped.items())


def dry_run(db: Database, today: dt.date, days: int = 14) -> DryRun:
    """What would be sent or opened on each of the next ``days`` days if nobody paid."""
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError(
            _("The calendar covers 1 to {max} days").format(max=MAX_DAYS), field="days"
        )
    settings = Snapshot.load(db)
    with db.read() as session:
        state = load_state(session, today)
    plans = planning.calendar(state, today, days, windows.business_only(settings))
    groups = planning.flatten(plans)
    ids = sorted({i.instalment_id for g in groups for i in g.items})
    contractor_ids = sorted({g.contractor_id for g in groups})
    items = {}
    names: dict[int, str] = {}
    with db.read() as session:
        for start in range(0, len(ids), 900):
            items.update(template_items(session, ids[start : start + 900], today))
        for start in range(0, len(contractor_ids), 900):
            chunk = contractor_ids[start : start + 900]
            rows = session.execute(
                select(Contractor.id, Contractor.name).where(Contractor.id.in_(chunk))
            )
            names.update({cid: name for cid, name in rows})
    window_texts = {c: str(settings[f"window.{c}"]) for c in MESSAGE_CHANNELS}
    actions = []
    for group in groups:
        scenario = state.scenarios.get(group.scenario)
        actions.append(
            DryRunAction(
                day=group.day,
                kind=group.kind,
                scenario=group.scenario,
                step=group.step,
                step_title=_step_title(scenario, group.kind, group.step),
                channel=group.channel,
                window=window_texts.get(group.channel, ""),
                contractor_id=group.contractor_id,
                contractor=names.get(group.contractor_id, ""),
                key=group.key,
                items=tuple(
                    DryRunItem(
                        invoice=items[i.instalment_id].number,
                        due_date=i.due_date,
                        open_minor=i.open_minor,
                        currency=i.currency,
                    )
                    for i in group.items
                ),
            )
        )
    return DryRun(today, days, tuple(actions))


def _step_title(scenario: Scenario | None, kind: str, step: str) -> str:
    if kind == "thanks" or step == planner.THANKS:
        return _("Thank-you after payment")
    if kind == "handover" or step == planner.HANDOVER:
        return _("Hand-over to collection")
    if scenario is None:
        return step
    try:
        return scenario.step(step).name
    except KeyError:
        return step
