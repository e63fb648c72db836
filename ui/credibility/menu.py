"""Contractor → Check on the White List…: the bulk credibility check, for the contractors chosen
in the list (or, with none chosen, those whose check is missing or old)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from desktop_app.i18n import _
from ui.credibility.bulk_check import BulkCheckDialog

if TYPE_CHECKING:
    from ui.main_window import MainWindow


def chosen_contractors(window: MainWindow) -> list[int]:
    selection = window.table.selectionModel()
    rows = sorted({index.row() for index in selection.selectedRows()}) if selection else []
    return [window.model.contractor_id(row) for row in rows]


def open_bulk_check(window: MainWindow) -> BulkCheckDialog:
    dialog = BulkCheckDialog(
        window.db,
        window.ops,
        today=window.today,
        selected=chosen_contractors(window),
        parent=window,
    )
    dialog.card_requested.connect(window.open_card)
    dialog.finished.connect(dialog.deleteLater)
    dialog.show()
    return dialog


def install(window: MainWindow, menu: QMenu) -> None:
    action = QAction(_("Check on the &White List…"), window)
    action.setStatusTip(
        _("Check the chosen contractors, or those not checked lately, on the VAT White List")
    )
    action.triggered.connect(lambda: open_bulk_check(window))
    menu.addAction(action)
