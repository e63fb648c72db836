"""One dunning cycle: import, take the lease, settle promises, plan today, send what is due.

The import comes first (every configured source: watched folders, KSeF, 1C), so a payment or a
paid invoice that came in since the last run stops its reminder in this very run. A source that
fails is reported in the run's errors and the run goes on.

The CLI (``dunning run``), the headless scheduler and the tray all call :func:`run_cycle`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import update

from db.models import DunningLog, OutboxMessage, naive_utc
from db.uow import Database
from desktop_app.changes import Change
from desktop_app.errors import ConflictError
from desktop_app.i18n import _
from desktop_app.secrets import get_secret
from desktop_app.services import late_payment
from desktop_app.services.dunning import execute, lease, promises, windows
from desktop_app.services.dunning.channel_setup import ConfiguredChannels, SecretReader
from desktop_app.services.dunning.compose import Composer
from desktop_app.services.dunning.execute import ApplyReport
from desktop_app.services.dunning.planning import plan_day
from desktop_app.services.dunning.sender import LeaseLostError, SendReport, send_due
from desktop_app.services.dunning.state import load as load_state
from desktop_app.services.setup_state import setup_state
from desktop_app.services.sync.everything import SyncReport, import_all
from desktop_app.settings import Snapshot

log = logging.getLogger(__name__)

#: what a run may write once it holds the lease: messages and the log, tasks, settled promises,
#: and the invoices it hands over
RUN_CHANGES = Change.OUTBOX | Change.TASKS | Change.PROMISES | Change.INVOICES | Change.LETTERS


@dataclass
class RunReport:
    today: dt.date
    now: dt.datetime
    planned: int = 0
    tasks: int = 0
    skipped: int = 0
    handed_over: int = 0
    #: messages whose template could not be rendered (failed in the outbox, with the reason)
    render_failed: int = 0
    uncertain_found: int = 0
    promises_broken: int = 0
    sent: SendReport = field(default_factory=SendReport)
    errors: list[str] = field(default_factory=list)
    #: what waits and why (a channel not set up, a contractor without an address)
    notes: list[str] = field(default_factory=list)
    busy_holder: str | None = None
    #: the kinds of data this run may have written (none when it stopped before its work)
    changes: Change = Change.NONE
    #: what the import before planning brought in (None: no import ran)
    imported: SyncReport | None = None

    def counts(self) -> dict[str, int]:
        return {
            "planned": self.planned,
            "sent": self.sent.count("sent"),
            "failed": self.sent.count("failed")
            + self.sent.count("failed_permanently")
            + self.render_failed,
            # interrupted by a previous sender's death, or sent without a confirmation now
            "uncertain": self.uncertain_found + self.sent.count("uncertain"),
            "cancelled": self.sent.count("cancelled"),
            "skipped": self.skipped,
            "tasks": self.tasks,
            "handed_over": self.handed_over,
        }


def run_cycle(
    db: Database,
    *,
    now: dt.datetime,
    open_channels: set[str] | None = None,
    secret: SecretReader = get_secret,
    wait_for_lease: float = 30.0,
    plan: bool = True,
    contractor_ids: Sequence[int] | None = None,
    import_first: bool = True,
) -> RunReport:
    """``now`` is an aware moment; ``open_channels`` overrides the send windows (``--today``).

    ``import_first`` runs the automatic import before planning (when ``import.before_dunning``
    is on and the run plans); a "Send reminder now" for one contractor leaves it out."""
    settings = Snapshot.load(db)
    local = now.astimezone(windows.firm_zone(settings))
    today = local.date()
    report = RunReport(today=today, now=local)
    if settings["schedule.paused"]:
        report.errors.append(_("Automatic sending is paused"))
        return report
    setup = setup_state(db)
    if not setup.may_send:
        # a reminder signed by nobody, with no account to pay into, helps no one
        report.errors.append(
            _(
                "Finish setting Inkaso up before reminders can go out (missing: {missing}); "
                "use the setup wizard, Settings, or inkaso firm set"
            ).format(missing=setup.missing_text())
        )
        return report
    imported = Change.NONE
    if import_first and plan and settings["import.before_dunning"]:
        report.imported = import_all(db, today=today, actor="scheduler", secret=secret)
        report.errors.extend(report.imported.problems())
        imported = report.imported.changes
    channels = ConfiguredChannels(settings, secret)
    opened = open_channels if open_channels is not None else windows.open_channels(settings, local)
    holder = lease.new_holder()
    utc = naive_utc(local)
    report.changes = imported
    if not _take_lease(db, holder, utc, wait_for_lease, report):
        return report
    # from here on even a run that stops half-way has written; invoices only if some are handed
    # over, letters only if some were queued
    report.changes |= RUN_CHANGES & ~(Change.INVOICES | Change.LETTERS)
    try:
        report.uncertain_found = _mark_uncertain(db, holder)
        report.promises_broken = promises.settle(db, today, actor="scheduler")
        if plan:
            applied = _plan_and_apply(db, settings, channels, today, opened, local, contractor_ids)
            report.planned = len(applied.outbox_ids)
            report.tasks = len(applied.task_ids)
            report.skipped = applied.skipped
            report.handed_over = applied.handed_over
            report.render_failed = applied.failed
            if applied.handed_over:
                report.changes |= Change.INVOICES
            if applied.letter_ids:
                report.changes |= Change.LETTERS
            report.errors.extend(applied.errors)
            report.notes.extend(applied.notes)
        report.sent = asyncio.run(
            send_due(db, channels, holder=holder, now=local, today=today, open_channels=opened)
        )
    except LeaseLostError:
        report.errors.append(_("Another Inkaso took over sending; this run stopped"))
    finally:
        with db.write() as session:
            lease.release(session, holder)
    return report


def _take_lease(
    db: Database, holder: str, utc: dt.datetime, wait: float, report: RunReport
) -> bool:
    deadline = time.monotonic() + wait
    while True:
        try:
            with db.write() as session:
                busy = lease.acquire(session, holder, utc)
        except ConflictError:
            # two first-ever runs raced to create the lease row (the unit of work reports the
            # database's IntegrityError as a ConflictError)
            busy = "?"
        if busy is None:
            return True
        if time.monotonic() >= deadline:
            report.busy_holder = busy
            report.errors.append(
                _("Another Inkaso is sending for this database ({holder})").format(holder=busy)
            )
            return False
        time.sleep(0.5)


def _mark_uncertain(db: Database, holder: str) -> int:
    """Whatever was being sent when a previous sender died may or may not have gone out."""
    with db.write() as session:
        rows = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == "sending", OutboxMessage.holder != holder)
            .values(status="uncertain")
            .returning(OutboxMessage.id)
        ).all()
        ids = [r[0] for r in rows]
        if ids:
            session.execute(
                update(DunningLog).where(DunningLog.outbox_id.in_(ids)).values(status="uncertain")
            )
            log.warning("messages %s were interrupted while sending: now uncertain", ids)
        return len(ids)


def _plan_and_apply(
    db: Database,
    settings: Snapshot,
    channels: ConfiguredChannels,
    today: dt.date,
    opened: set[str],
    local: dt.datetime,
    contractor_ids: Sequence[int] | None,
) -> ApplyReport:
    start = settings["dunning.start_date"]
    # Plan and render with a read session: a slow template never holds the write lock, so a
    # payment recorded meanwhile goes through (the sender checks every message again anyway).
    with db.read() as session:
        state = load_state(
            session,
            today,
            contractor_ids=contractor_ids,
            start_date=dt.date.fromisoformat(start) if start else None,
        )
        only = {c for c, flag in windows.business_only(settings).items() if flag}
        plan = plan_day(
            state, today, opened, configured=channels.configured(), business_days_only=only
        )
    # a letter claims compensation at NBP's euro rate: fetch the ones nobody stored (outside
    # any transaction; offline, the letter goes without it and the run's notes say which)
    letter_due = [i.due_date for g in plan.groups if g.channel == "letter" for i in g.items]
    if letter_due:
        late_payment.ensure_eur_rates(db, letter_due)
    with db.read() as session:
        composer = Composer.load(session, settings)
        prepared = execute.prepare(
            session,
            plan,
            state.scenarios,
            composer,
            now=naive_utc(local),
        )
    with db.write() as session:
        applied = execute.store(session, prepared)
    applied.errors.extend(
        _("Scenario {name} cannot be used, its reminders wait until it is fixed: {problem}").format(
            name=name, problem=problem
        )
        for name, problem in sorted(state.broken.items())
    )
    return applied
