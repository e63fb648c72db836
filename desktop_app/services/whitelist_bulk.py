"""The credibility check in bulk: many contractors' NIPs asked of the VAT White List in batches
(:func:`services.whitelist.check_nips`, at most 30 a question), each batch kept as it arrives,
with progress, a stop between batches, and the registry's limit honoured.

The registry limits how many questions it answers (HTTP 429). The bulk check never hammers it:
it pauses between batches and, on the limit, stops and says so; every answer received before is
kept with its date, so running it again later asks only for the rest (answers kept for the same
day are not asked twice). The same happens on any other error of the registry (no connection,
its own error): the run stops with that error's sentence.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select

from db.models import Contractor, Firm, WhiteListCheck
from db.uow import Database
from desktop_app.domain.credibility import Light, WhiteListEntry, summarize
from desktop_app.i18n import _
from desktop_app.services import rating as rating_service
from desktop_app.services.whitelist import (
    BATCH,
    WhiteListUnavailableError,
    Writer,
    check_nips,
    debt_of,
    in_place,
)

#: seconds between two questions to the registry (politeness; its limit is per day and hour)
PAUSE_SECONDS = 1.0

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Candidate:
    contractor_id: int
    name: str
    nip: str
    #: the day of the latest check kept for the NIP (None: never checked)
    last_checked: dt.date | None


@dataclass(frozen=True, slots=True)
class BulkRow:
    contractor_id: int
    name: str
    nip: str
    #: the registry's answer (None: not asked, the run stopped before)
    entry: WhiteListEntry | None
    light: Light | None = None
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class BulkResult:
    rows: tuple[BulkRow, ...]
    #: why the run ended before every NIP was asked (the registry's limit, an error, a stop by
    #: the user); None when it finished
    stopped: str | None = None

    @property
    def checked(self) -> int:
        return sum(1 for row in self.rows if row.entry is not None)


def candidates(
    db: Database,
    today: dt.date,
    *,
    contractor_ids: Sequence[int] | None = None,
    older_than_days: int | None = None,
) -> list[Candidate]:
    """Contractors with a NIP to check: the given ones (all with a NIP when None), narrowed by
    ``older_than_days`` to those never checked or last checked more than that many days before
    ``today``. By name."""
    latest = (
        select(WhiteListCheck.nip, func.max(WhiteListCheck.checked_on).label("last"))
        .group_by(WhiteListCheck.nip)
        .subquery("latest_check")
    )
    query = (
        select(Contractor.id, Contractor.name, Contractor.nip, latest.c.last)
        .outerjoin(latest, latest.c.nip == Contractor.nip)
        .where(Contractor.nip.is_not(None), Contractor.nip != "")
        .order_by(Contractor.name, Contractor.id)
    )
    if contractor_ids is not None:
        query = query.where(Contractor.id.in_(list(contractor_ids)))
    if older_than_days is not None:
        since = today - dt.timedelta(days=older_than_days)
        query = query.where((latest.c.last.is_(None)) | (latest.c.last < since))
    with db.read() as session:
        return [Candidate(cid, name, nip, last) for cid, name, nip, last in session.execute(query)]


def bulk_check(
    db: Database,
    wanted: Sequence[Candidate],
    today: dt.date,
    *,
    progress: Progress | None = None,
    stop: Callable[[], bool] | None = None,
    pause: float = PAUSE_SECONDS,
    writer: Writer = in_place,
) -> BulkResult:
    """Ask the registry about every candidate's NIP, a batch at a time; then judge each answer
    with the contractor's own history into a traffic light (:func:`domain.credibility.summarize`).

    Meant for a worker that is not the writer: no transaction stays open while the registry is
    asked; each batch's answers are kept by ``writer`` in a short write of their own, so other
    saves go on between the batches of a run that takes minutes."""
    answers: dict[str, WhiteListEntry] = {}
    nips = list(dict.fromkeys(c.nip for c in wanted))
    stopped: str | None = None
    if progress is not None:
        progress(0, len(nips))
    for start in range(0, len(nips), BATCH):
        if stop is not None and stop():
            stopped = _stopped_by_user()
            break
        if start and pause > 0:
            time.sleep(pause)
        chunk = nips[start : start + BATCH]
        try:
            answers.update((e.nip, e) for e in check_nips(db, chunk, today, writer=writer))
        except WhiteListUnavailableError as exc:
            stopped = exc.message
            break
        if progress is not None:
            progress(min(start + BATCH, len(nips)), len(nips))
    return BulkResult(_judged(db, wanted, answers, today), stopped)


def _stopped_by_user() -> str:
    return _("Stopped before every NIP was checked; the answers received so far are kept.")


def _judged(
    db: Database, wanted: Sequence[Candidate], answers: dict[str, WhiteListEntry], today: dt.date
) -> tuple[BulkRow, ...]:
    asked = [c for c in wanted if c.nip in answers]
    with db.read() as session:
        home = session.scalar(select(Firm.home_currency)) or "PLN"
        rated = rating_service.ratings(session, today, [c.contractor_id for c in asked])
        debts = {c.contractor_id: debt_of(session, c.contractor_id, today) for c in asked}
    rows = []
    for c in wanted:
        entry = answers.get(c.nip)
        if entry is None:
            rows.append(BulkRow(c.contractor_id, c.name, c.nip, None))
            continue
        summary = summarize(entry, rated.get(c.contractor_id), debts[c.contractor_id], today, home)
        rows.append(BulkRow(c.contractor_id, c.name, c.nip, entry, summary.light, summary.reasons))
    return tuple(rows)
