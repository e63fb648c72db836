"""Python's cycle collector runs on the GUI thread only, never on a worker.

CPython collects reference cycles on whichever thread happens to allocate past a threshold; in
Inkaso that is usually a worker compiling SQL or the scheduler composing mail. A cycle holding a
Qt object of the GUI thread (a window and a lambda that captured it) would then be destroyed on
that worker, which Qt forbids and which crashes the process at random. So, as PyQt's and
pyqtgraph's maintainers advise, automatic collection is switched off while the GUI runs and a
timer on the GUI thread collects instead, generation by generation with the usual thresholds.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

#: often enough that garbage never piles up, rarely enough to cost nothing when idle
INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    """While it runs, cycles are collected by its timer on the thread that created it."""

    def __init__(self, parent: QObject | None = None, *, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect_due)
        gc.disable()
        self._timer.start()

    def collect_due(self) -> int:
        """Collect the generations whose counts passed their threshold; returns what was freed."""
        generation = -1
        for number, (count, threshold) in enumerate(
            zip(gc.get_count(), self._thresholds, strict=True)
        ):
            if count <= threshold:
                break
            generation = number
        return gc.collect(generation) if generation >= 0 else 0

    def stop(self) -> None:
        """Automatic collection as it was before (the GUI is gone; only plain threads remain).

        What piled up since the last tick is collected here first: once collection is automatic
        again, a thread still running (a worker finishing, the scheduler) would otherwise be the
        one to free the last windows' cycles."""
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()
