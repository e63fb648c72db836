"""An invoice's collection history in a small window of its own: every reminder that named it,
its promise and what the log says about it (the "Owed to us" drill-down, from the card)."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from db.uow import Database
from desktop_app.i18n import N_, _
from desktop_app.services.invoice_history import InvoiceHistory, invoice_history
from ui import formatting, theme
from ui.bank.rows_model import Column, Row, RowsModel
from ui.errors import show_error
from ui.operations import Operations
from ui.widgets.tables import setup_list_table

COLUMNS = (
    Column("day", N_("Date")),
    Column("what", N_("What")),
    Column("text", N_("Details")),
    Column("outcome", N_("Outcome")),
)


class InvoiceHistoryDialog(QDialog):
    #: the history was read and shown (tests wait for it)
    loaded = Signal()

    def __init__(
        self, db: Database, ops: Operations, invoice_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Collection history"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.title = QLabel()
        self.empty = QLabel(_("Nothing has been done about this invoice yet."))
        self.empty.hide()
        self.model = RowsModel(COLUMNS)
        self.table = QTableView()
        header = setup_list_table(self.table, self.model, name=_("Collection history"))
        self.table.setSortingEnabled(True)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)
        self.resize(theme.fitting_size(QSize(900, 480)))
        ops.read(
            lambda: invoice_history(db, invoice_id),
            on_success=self._loaded,
            on_failure=self._failed,
            owner=self,
            label="invoice history",
        )

    def _loaded(self, history: InvoiceHistory) -> None:
        self.title.setText(_("Invoice {number}").format(number=history.number))
        self.model.set_rows(
            [
                Row(
                    id=n,
                    texts=(formatting.date(e.day), e.what, e.text, e.outcome),
                    keys=((e.day, n), e.what.casefold(), e.text.casefold(), e.outcome),
                )
                for n, e in enumerate(history.entries)
            ]
        )
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(1)
        self.empty.setVisible(not history.entries)
        self.loaded.emit()

    def _failed(self, exc: BaseException) -> None:
        show_error(exc, self)
        self.close()
