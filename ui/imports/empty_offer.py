""" "Import invoices…" under the main list's sentence while the database has no contractors yet:
the way forward for a new user, beside whatever else the empty list offers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QPushButton

from desktop_app.i18n import _
from ui.models.contractors_model import ListSummary

if TYPE_CHECKING:
    from ui.main_window import MainWindow

#: the button's place below the middle of the list, in lines of text: the sentence is in the
#: middle and a button of hand entry ("Add contractor…") may sit just under it
LINES_BELOW_MIDDLE = 5


class EmptyOffer(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        viewport = window.table.viewport()
        self.button = QPushButton(_("Import invoices…"), viewport)
        self.button.setToolTip(_("Import invoices from KSeF, JPK, CSV or Excel files"))
        self.button.hide()
        window.model.search_finished.connect(self._listed)
        window.model.loading_changed.connect(self._loading)
        viewport.installEventFilter(self)

    def _listed(self, summary: ListSummary) -> None:
        window = self._window
        # the same case in which the list says the database has no contractors yet
        nothing = not (summary.count or window.model.filter_text or window.overdue_only.isChecked())
        self.button.setVisible(nothing)
        self._place()

    def _loading(self, loading: bool) -> None:
        if loading:
            self.button.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._place()
        return False

    def _place(self) -> None:
        area = self._window.table.viewport().rect()
        hint = self.button.sizeHint()
        below = self.button.fontMetrics().height() * LINES_BELOW_MIDDLE
        self.button.setGeometry(
            area.center().x() - hint.width() // 2,
            area.center().y() + below,
            hint.width(),
            hint.height(),
        )
