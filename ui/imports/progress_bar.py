"""A progress bar that follows a :class:`~ui.imports.progress.Progress` filled by a worker,
read on a timer on the GUI thread (files done of files in all; busy until the first is done)."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QProgressBar, QWidget

from ui.imports.progress import Progress

#: how often the bar is brought up to date
POLL_MS = 100


class ProgressBar(QProgressBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._progress: Progress | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._update)
        self.hide()

    def follow(self, progress: Progress) -> None:
        self._progress = progress
        self.setRange(0, 0)
        self.show()
        self._timer.start()

    def done(self) -> None:
        self._timer.stop()
        self._progress = None
        self.hide()

    def _update(self) -> None:
        if self._progress is None:
            return
        snap = self._progress.snapshot()
        if snap.total:
            self.setRange(0, snap.total)
            self.setValue(snap.done)
