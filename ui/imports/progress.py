"""How far an import running on the writer thread has got, and the user's wish to stop it.

The worker only writes plain numbers here and reads one flag; the wizard reads them on a timer on
the GUI thread. No Qt object is touched from the worker (see ui/operations.py for why).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass


class ImportCancelledError(Exception):
    """Raised inside the import's progress callback once the user asked to stop: what the import
    was writing is rolled back with its transaction, what it committed before stays imported."""


@dataclass(frozen=True)
class Snapshot:
    done: int
    total: int
    current: str


class Progress:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._snapshot = Snapshot(0, 0, "")
        self._cancelled = threading.Event()

    def report(self, done: int, total: int, current: object = "") -> None:
        """The import's progress callback (worker thread): stops the import when cancelled."""
        with self._lock:
            self._snapshot = Snapshot(done, total, str(current or ""))
        if self._cancelled.is_set():
            raise ImportCancelledError

    def snapshot(self) -> Snapshot:
        with self._lock:
            return self._snapshot

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()
