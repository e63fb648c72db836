"""Run service calls off the GUI thread and hand the outcome back on it (after Anki's CollectionOp).

Widgets never call a service directly: they pass a callable to :class:`Operations` with a success
and, optionally, a failure callback. Both callbacks run on the GUI thread. Reads share a small
pool; writes go through a pool of exactly one thread, so writes happen one at a time and in the
order they were asked for. An operation submitted under a ``key`` supersedes earlier ones with the
same key: when an older search finishes after a newer one, its result is dropped, not shown.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QWidget

from ui.errors import show_error

log = logging.getLogger(__name__)

Success = Callable[[Any], None]
Failure = Callable[[BaseException], None]


@dataclass
class _Pending:
    on_success: Success | None
    on_failure: Failure | None
    key: str | None
    owner: QObject | None
    label: str
    started: float
    runnable: QRunnable


class _Job(QRunnable):
    def __init__(self, ops: Operations, token: int, fn: Callable[[], Any]) -> None:
        super().__init__()
        self._ops = ops
        self._token = token
        self._fn = fn

    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as exc:  # delivered to the failure callback on the GUI thread
            self._ops.finished_in_worker.emit(self._token, False, exc)
        else:
            self._ops.finished_in_worker.emit(self._token, True, result)


class Operations(QObject):
    """The GUI's only way to call services: off-thread, results by signal, one serial writer."""

    #: True while at least one operation is running (for a busy indicator)
    busy_changed = Signal(bool)
    #: emitted by worker threads; queued to the GUI thread (internal)
    finished_in_worker = Signal(int, bool, object)

    def __init__(self, parent: QObject | None = None, *, read_threads: int = 3) -> None:
        super().__init__(parent)
        self._reads = QThreadPool(self)
        self._reads.setMaxThreadCount(read_threads)
        self._writes = QThreadPool(self)
        self._writes.setMaxThreadCount(1)
        self._tokens = itertools.count(1)
        self._pending: dict[int, _Pending] = {}
        self._latest: dict[str, int] = {}
        self._closed = False
        self.finished_in_worker.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

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
        return self._submit(self._reads, fn, on_success, on_failure, key, owner, label)

    def write(
        self,
        fn: Callable[[], Any],
        *,
        on_success: Success | None = None,
        on_failure: Failure | None = None,
        key: str | None = None,
        owner: QObject | None = None,
        label: str = "",
    ) -> int:
        """Run a data change on the single writer thread, after every write submitted before it."""
        return self._submit(self._writes, fn, on_success, on_failure, key, owner, label)

    def _submit(
        self,
        pool: QThreadPool,
        fn: Callable[[], Any],
        on_success: Success | None,
        on_failure: Failure | None,
        key: str | None,
        owner: QObject | None,
        label: str,
    ) -> int:
        if self._closed:
            raise RuntimeError("operations were shut down")
        token = next(self._tokens)
        job = _Job(self, token, fn)
        job.setAutoDelete(False)  # the Python object is kept in _pending until delivery
        was_idle = not self._pending
        self._pending[token] = _Pending(
            on_success,
            on_failure,
            key,
            owner,
            label or getattr(fn, "__name__", "op"),
            time.perf_counter(),
            job,
        )
        if key is not None:
            self._latest[key] = token
        pool.start(job)
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
        reads = self._reads.waitForDone(msecs)
        writes = self._writes.waitForDone(msecs)
        return reads and writes

    def shutdown(self) -> None:
        """Refuse new work, let running work finish, and forget callbacks (widgets are going)."""
        self._closed = True
        self.wait_for_done()
        self._pending.clear()

    # -- delivery on the GUI thread ------------------------------------------------------------

    @Slot(int, bool, object)
    def _deliver(self, token: int, ok: bool, payload: object) -> None:
        pending = self._pending.pop(token, None)
        if not self._pending:
            self.busy_changed.emit(False)
        if pending is None:
            return
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
