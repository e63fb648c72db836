"""The dunning scheduler inside the GUI process, seen by widgets only through Qt signals.

:class:`SchedulerBridge` owns a :class:`~desktop_app.scheduler.DunningScheduler` (APScheduler on a
background thread). Its runs finish on that thread; the bridge re-emits them as queued signals, so
the tray and the outbox view only ever hear about a run on the GUI thread. Starting and stopping
the scheduler (which takes and releases the per-machine file lock, a lock owned by the thread that
took it) happen on one private lifecycle thread, never on the GUI thread.

What the tray shows comes from :class:`SendingStatus`, read through :class:`Operations` after
start and whenever the operations announce a change to what it depends on (the outbox, the
settings, the firm, the scenarios in use). Each finished run is announced there too, with the
kinds of data the run wrote, so every open window hears about it the same way as about the
user's own changes.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal, Slot

from db.uow import Database
from desktop_app.changes import Change
from desktop_app.domain.scenario import MESSAGE_CHANNELS
from desktop_app.errors import InkasoError
from desktop_app.scheduler import DunningScheduler
from desktop_app.services.dunning import outbox, scenarios
from desktop_app.services.dunning.channel_setup import ConfiguredChannels
from desktop_app.services.dunning.runner import RUN_CHANGES, RunReport
from desktop_app.services.setup_state import setup_state
from desktop_app.settings import Snapshot
from ui.operations import Operations

log = logging.getLogger(__name__)

#: what the sending status counts and depends on: the outbox, the settings and the firm, and
#: which channels the scenarios in use need (a contractor or an invoice may choose another)
STATUS_SHOWS = (
    Change.OUTBOX
    | Change.SETTINGS
    | Change.FIRM
    | Change.SCENARIOS
    | Change.CONTRACTORS
    | Change.INVOICES
)


class Mode(enum.Enum):
    STARTING = "starting"
    RUNNING = "running"
    PAUSED = "paused"
    #: setting up is not finished (no firm details yet): the runner refuses to send reminders
    NO_FIRM = "no_firm"
    #: no channel the scenarios use is set up (no SMTP server, no gateway): nothing is sent
    NOT_SET_UP = "not_set_up"
    #: the machine lock is held by another Inkaso (say ``inkaso scheduler`` as a service)
    ELSEWHERE = "elsewhere"
    STOPPED = "stopped"


@dataclass(frozen=True)
class SendingStatus:
    """What the tray tells the user, read in one go off the GUI thread."""

    paused: bool
    firm_configured: bool
    failed: int
    uncertain: int
    pending: int
    #: message channels the scenarios in use send through that are not set up yet
    not_set_up: tuple[str, ...] = ()
    #: ... and whether that is every one of them (then no reminder goes out at all)
    nothing_set_up: bool = False
    #: what setting Inkaso up still lacks (services.setup_state), as one phrase
    setup_missing: str = ""


def read_status(db: Database) -> SendingStatus:
    counts = outbox.counts(db)
    settings = Snapshot.load(db)
    used = scenarios.channels_in_use(db)
    # only the settings are read: whether a channel is set up needs no secret
    missing = used - ConfiguredChannels(settings, lambda _name: None).configured()
    setup = setup_state(db)
    return SendingStatus(
        paused=bool(settings["schedule.paused"]),
        firm_configured=setup.may_send,
        failed=counts["failed"] + counts["failed_permanently"],
        uncertain=counts["uncertain"],
        pending=counts["pending"],
        not_set_up=tuple(c for c in MESSAGE_CHANNELS if c in missing),
        nothing_set_up=bool(used) and missing == used,
        setup_missing=setup.missing_text(),
    )


class _TrackedScheduler(DunningScheduler):
    """Knows whether a run is in progress, so shutting down can wait for it to finish."""

    def __init__(
        self,
        db: Database,
        *,
        listener: Callable[[RunReport | None, BaseException | None], None],
        clock: Callable[[], dt.datetime] | None,
        on_start: Callable[[], None],
    ) -> None:
        super().__init__(db, listener=listener, clock=clock)
        self._one_run = threading.Lock()
        self._on_start = on_start

    def run_once(self) -> RunReport | None:
        """A run, unless one is already going (then None, and that run's report will come)."""
        if not self._one_run.acquire(blocking=False):
            return None
        try:
            self._on_start()
            return super().run_once()
        finally:
            self._one_run.release()

    def wait_idle(self, timeout: float) -> bool:
        if not self._one_run.acquire(timeout=timeout):
            return False
        self._one_run.release()
        return True


class SchedulerBridge(QObject):
    """Starts the scheduler, relays its runs as signals, and answers pause/run-now requests."""

    #: a run began (on whichever thread); carries nothing
    run_started = Signal()
    #: a run ended: the report, or None when it raised (see ``run_failed``)
    run_finished = Signal(object)
    #: a run raised: the exception (already logged by the scheduler)
    run_failed = Signal(object)
    #: mode or status changed; read :attr:`mode` and :attr:`status`
    state_changed = Signal()

    # internal: emitted on the scheduler's threads, delivered queued on the GUI thread
    _started_in_worker = Signal()
    _finished_in_worker = Signal(object, object)
    _start_done_in_worker = Signal(object)

    def __init__(
        self,
        db: Database,
        ops: Operations,
        *,
        clock: Callable[[], dt.datetime] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._ops = ops
        self._lifecycle = ThreadPoolExecutor(max_workers=1, thread_name_prefix="inkaso-scheduler")
        self._run_threads: list[threading.Thread] = []
        self.scheduler = _TrackedScheduler(
            db,
            listener=self._listener,
            clock=clock,
            on_start=self._started_in_worker.emit,
        )
        self.mode = Mode.STARTING
        self.status: SendingStatus | None = None
        self.running_now = False
        self.last_report: RunReport | None = None
        self.last_error: BaseException | None = None
        self._lock_refused = False
        self._closed = False
        self._started_in_worker.connect(self._on_started, Qt.ConnectionType.QueuedConnection)
        self._finished_in_worker.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)
        self._start_done_in_worker.connect(self._start_outcome, Qt.ConnectionType.QueuedConnection)
        ops.changed.connect(self._data_changed)

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> None:
        """Take the machine lock and start the schedule (a run at start, then every N minutes)."""
        future = self._lifecycle.submit(self.scheduler.start)
        # the callback runs on the lifecycle thread: a queued signal carries the outcome over
        future.add_done_callback(lambda f: self._start_done_in_worker.emit(_exception(f)))

    @Slot(object)
    def _start_outcome(self, error: BaseException | None) -> None:
        if error is None:
            log.info("dunning scheduler running in the GUI process")
        elif isinstance(error, InkasoError):
            log.info("scheduler not started here: %s", error.message)
            self._lock_refused = True
        else:
            log.error("the scheduler could not start", exc_info=error)
            self.last_error = error
        self.refresh()

    def shutdown(self, timeout: float = 60.0) -> None:
        """Stop the schedule, let a run in progress finish, release the lock (on its thread)."""
        if self._closed:
            return
        self._closed = True
        self._lifecycle.submit(self.scheduler.shutdown).result()
        self._lifecycle.shutdown(wait=True)
        if not self.scheduler.wait_idle(timeout):
            log.warning("a dunning run was still going after %.0f s at shutdown", timeout)
        for thread in self._run_threads:
            thread.join(timeout)
        self.mode = Mode.STOPPED

    @property
    def sending_elsewhere(self) -> bool:
        return self._lock_refused

    # -- commands ------------------------------------------------------------------------------

    def run_now(self) -> bool:
        """One cycle now on its own thread; False when a run is already going."""
        if self._closed or self.running_now:
            return False
        self.running_now = True
        self.state_changed.emit()
        thread = threading.Thread(target=self._run_in_thread, name="inkaso-run-now", daemon=True)
        self._run_threads = [t for t in self._run_threads if t.is_alive()]
        self._run_threads.append(thread)
        thread.start()
        return True

    def _run_in_thread(self) -> None:
        # when a scheduled run is already going this returns at once; that run's report arrives
        self.scheduler.run_once()

    def set_paused(self, paused: bool, on_done: Callable[[], None] | None = None) -> None:
        """Pausing is a setting shared with the CLI and other PCs; written on the serial writer."""

        def done(_result: object) -> None:
            if on_done is not None:
                on_done()

        self._ops.write(
            lambda: self.scheduler.set_paused(paused),
            changes=Change.SETTINGS,
            on_success=done,
            owner=self,
            label="pause sending" if paused else "resume sending",
        )

    def refresh(self) -> None:
        """Re-read the sending status (after a run, a pause, an outbox change, the settings)."""
        if self._closed:
            return
        db = self._db
        self._ops.read(
            lambda: read_status(db),
            on_success=self._status_read,
            key=f"sending-status-{id(self)}",
            owner=self,
            label="sending status",
        )

    # -- from the scheduler's threads ----------------------------------------------------------

    def _listener(self, report: RunReport | None, error: BaseException | None) -> None:
        self._finished_in_worker.emit(report, error)

    @Slot()
    def _on_started(self) -> None:
        self.running_now = True
        self.run_started.emit()
        self.state_changed.emit()

    @Slot(object, object)
    def _on_finished(self, report: RunReport | None, error: BaseException | None) -> None:
        self.running_now = False
        self.last_report, self.last_error = report, error
        if error is not None:
            self.run_failed.emit(error)
        self.run_finished.emit(report)
        self.state_changed.emit()
        # a run that raised may have written part of its work: windows re-read what it touches
        self._ops.announce(report.changes if report is not None else RUN_CHANGES)

    def _data_changed(self, changes: Change) -> None:
        if changes & STATUS_SHOWS:
            self.refresh()

    def _status_read(self, status: SendingStatus) -> None:
        self.status = status
        if self._lock_refused:
            self.mode = Mode.ELSEWHERE
        elif not status.firm_configured:
            self.mode = Mode.NO_FIRM
        elif status.paused:
            self.mode = Mode.PAUSED
        elif status.nothing_set_up:
            self.mode = Mode.NOT_SET_UP
        else:
            self.mode = Mode.RUNNING
        self.state_changed.emit()


def _exception(future: Future[None]) -> BaseException | None:
    return future.exception()
