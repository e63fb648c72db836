"""Run service calls off the GUI thread and hand the outcome back on it (after Anki's CollectionOp).

Widgets never call a service directly: they pass a callable to :class:`Operations` with a success
and, optionally, a failure callback. Both callbacks run on the GUI thread. Reads share a small
pool; writes go through a pool of exactly one thread, so writes happen one at a time and in the
order they were asked for. An operation submitted under a ``key`` supersedes earlier ones with the
same key: when an older search finishes after a newer one, its result is dropped, not shown.

A write says which kinds of data it changes (:class:`~desktop_app.changes.Change`); once it has
succeeded, :attr:`Operations.changed` carries them to every open window, which re-reads what it
shows (the scheduler bridge announces each dunning run the same way). Windows never tell each
other about changes.

The worker threads never touch a Qt object. They are plain :mod:`concurrent.futures` threads that
run the callable and leave its outcome in an :class:`_Inbox` (plain Python); only then is the GUI
thread woken, by a queued signal of a small relay that lives there. Nothing a worker holds points
back at the :class:`Operations` object, so it is freed by reference counting, on the GUI thread,
the moment its owner lets go of it. (A ``QRunnable`` per job did the opposite: PySide makes each
started runnable a child of its pool, so every job ever run, and through it the Operations, the
pools and everything the jobs captured, stayed alive in a reference cycle that only Python's cycle
collector could free — on whichever thread happened to allocate, often a worker compiling SQL,
which then destroyed Qt objects of the GUI thread: the kind of crash the test suite hit at random.)
"""

from __future__ import annotations

import itertools
import logging
import queue
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QWidget

from desktop_app.changes import Change
from ui.errors import show_error

log = logging.getLogger(__name__)

Success = Callable[[Any], None]
Failure = Callable[[BaseException], None]
T = TypeVar("T")


@dataclass
class _Pending:
    on_success: Success | None
    on_failure: Failure | None
    key: str | None
    owner: QObject | None
    label: str
    started: float
    changes: Change


@dataclass(frozen=True)
class _Outcome:
    token: int
    ok: bool
    value: object


class _Relay(QObject):
    """Lives on the GUI thread; workers only ever emit its signal (queued to the GUI thread)."""

    arrived = Signal()


class _Inbox:
    """Where workers leave outcomes for the GUI thread; plain Python, safe from any thread."""

    def __init__(self, wake: Callable[[], None]) -> None:
        self._outcomes: queue.SimpleQueue[_Outcome] = queue.SimpleQueue()
        self._wake = wake

    def put(self, outcome: _Outcome) -> None:
        self._outcomes.put(outcome)
        try:
            self._wake()
        except RuntimeError:
            # the relay is gone with its Operations: nobody is left to deliver to
            log.debug("an operation finished after its window system was shut down")

    def take(self) -> _Outcome | None:
        try:
            return self._outcomes.get_nowait()
        except queue.Empty:
            return None

    def clear(self) -> None:
        while self.take() is not None:
            pass


def _run(token: int, fn: Callable[[], Any], inbox: _Inbox) -> None:
    """The whole of a job on its worker thread."""
    try:
        value = fn()
    except BaseException as exc:  # every failure is the failure callback's, on the GUI thread
        # the details start in the service, not here; its frames' locals (sessions, rows) are
        # let go now, on this thread, instead of living as long as the exception
        tb = exc.__traceback__
        service_tb = tb.tb_next if tb is not None else None
        traceback.clear_frames(service_tb)
        inbox.put(_Outcome(token, False, exc.with_traceback(service_tb)))
    else:
        inbox.put(_Outcome(token, True, value))


class Operations(QObject):
    """The GUI's only way to call services: off-thread, results by signal, one serial writer."""

    #: True while at least one operation is running (for a busy indicator)
    busy_changed = Signal(bool)
    #: data changed: a :class:`Change` with the kinds a write or a dunning run touched
    changed = Signal(object)

    def __init__(self, parent: QObject | None = None, *, read_threads: int = 3) -> None:
        super().__init__(parent)
        self._reads = ThreadPoolExecutor(max_workers=read_threads, thread_name_prefix="inkaso-read")
        self._writes = ThreadPoolExecutor(max_workers=1, thread_name_prefix="inkaso-write")
        self._relay = _Relay(self)
        self._relay.arrived.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._inbox = _Inbox(self._relay.arrived.emit)
        self._running: set[Future[None]] = set()
        self._tokens = itertools.count(1)
        self._pending: dict[int, _Pending] = {}
        self._latest: dict[str, int] = {}
        self._closed = False

    # -- submitting ----------------------------------------------------------------------------

    def read(
        self,
        fn: Callable[[], Any],
        *,
        on_success: Success | None = None,
        on_failure: Failure | None = None,
        key: str | None = None,
        owner: QObject | None = None,
        label: str = "",
    ) -> int:
        """Run a reading service call in the read pool; returns a token for :meth:`is_current`."""
        return self._submit(self._reads, fn, on_success, on_failure, key, owner, label, Change.NONE)

    def write(
        self,
        fn: Callable[[], Any],
        *,
        changes: Change,
        on_success: Success | None = None,
        on_failure: Failure | None = None,
        key: str | None = None,
        owner: QObject | None = None,
        label: str = "",
    ) -> int:
        """Run a data change on the single writer thread, after every write submitted before it.

        ``changes`` are the kinds of data it writes, announced by :attr:`changed` once it has
        succeeded (after its own callback); ``Change.NONE`` for a read that has to write (seeding).
        """
        return self._submit(self._writes, fn, on_success, on_failure, key, owner, label, changes)

    def write_and_wait(self, fn: Callable[[], T]) -> T:
        """From a worker of the read pool: run ``fn`` on the writer thread, after the writes
        submitted before it, and wait for its result (a long job's short writes interleave with
        the user's saves). Never from the GUI thread, which would stop, nor from the writer."""
        return self._writes.submit(fn).result()

    def announce(self, changes: Change) -> None:
        """Tell every open window, on the GUI thread, that data of these kinds changed (nothing
        when there are none, or after :meth:`shutdown`: the windows are going and could not read
        anything new)."""
        if changes and not self._closed:
            self.changed.emit(changes)

    def _submit(
        self,
        pool: ThreadPoolExecutor,
        fn: Callable[[], Any],
        on_success: Success | None,
        on_failure: Failure | None,
        key: str | None,
        owner: QObject | None,
        label: str,
        changes: Change,
    ) -> int:
        if self._closed:
            raise RuntimeError("operations were shut down")
        token = next(self._tokens)
        was_idle = not self._pending
        self._pending[token] = _Pending(
            on_success,
            on_failure,
            key,
            owner,
            label or getattr(fn, "__name__", "op"),
            time.perf_counter(),
            changes,
        )
        if key is not None:
            self._latest[key] = token
        future = pool.submit(_run, token, fn, self._inbox)
        self._running.add(future)
        future.add_done_callback(self._running.discard)
        if was_idle:
            self.busy_changed.emit(True)
        return token

    # -- state ---------------------------------------------------------------------------------

    def is_current(self, token: int, key: str) -> bool:
        return self._latest.get(key) == token

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def wait_for_done(self, msecs: int = -1) -> bool:
        """Block until the pools are idle (shutdown, tests); callbacks still arrive by event."""
        timeout = None if msecs < 0 else msecs / 1000
        _done, not_done = wait(list(self._running), timeout=timeout)
        return not not_done

    def shutdown(self) -> None:
        """Refuse new work, let running work finish, and forget callbacks (widgets are going)."""
        self._closed = True
        self._reads.shutdown(wait=True)
        self._writes.shutdown(wait=True)
        self._pending.clear()
        self._inbox.clear()  # outcomes nobody will look at any more

    # -- delivery on the GUI thread ------------------------------------------------------------

    @Slot()
    def _deliver(self) -> None:
        # one outcome per wake-up: a callback that raises cannot take the others down with it
        outcome = self._inbox.take()
        if outcome is not None:
            self._deliver_one(outcome.token, outcome.ok, outcome.value)

    def _deliver_one(self, token: int, ok: bool, payload: object) -> None:
        pending = self._pending.pop(token, None)
        if pending is None:
            return
        if not self._pending:
            self.busy_changed.emit(False)
        try:
            self._call_back(pending, token, ok, payload)
        finally:
            # the data changed whether or not the window that asked is still there to hear it
            if ok:
                self.announce(pending.changes)

    def _call_back(self, pending: _Pending, token: int, ok: bool, payload: object) -> None:
        elapsed = (time.perf_counter() - pending.started) * 1000
        if pending.key is not None:
            if self._latest.get(pending.key) != token:
                log.debug("dropped stale result of %s (%.0f ms)", pending.label, elapsed)
                if not ok:
                    log.warning("a superseded %s failed", pending.label, exc_info=payload)  # type: ignore[arg-type]
                return
            del self._latest[pending.key]
        if pending.owner is not None and not shiboken6.isValid(pending.owner):
            log.debug("dropped result of %s: its window is gone", pending.label)
            return
        log.debug("%s finished in %.0f ms (ok=%s)", pending.label, elapsed, ok)
        if ok:
            if pending.on_success is not None:
                pending.on_success(payload)
            return
        assert isinstance(payload, BaseException)
        if pending.on_failure is not None:
            pending.on_failure(payload)
        else:
            owner = pending.owner
            show_error(payload, owner if isinstance(owner, QWidget) else None)
