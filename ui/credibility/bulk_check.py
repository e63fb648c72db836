"""Contractor → Check on the White List…: the credibility check of many contractors at once
(the ones chosen in the list, or every one never checked or checked more than N days ago), in the
background with progress and Stop, each with its traffic light and reasons.

The run is a reader's job: the registry is asked outside any transaction and each batch's answers
are kept by a short write on the serial writer, between the user's saves
(:mod:`services.whitelist_bulk`). Progress is plain numbers the worker writes and a timer reads
(:class:`ui.imports.progress.Progress`), so no Qt object is touched off the GUI thread.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db.uow import Database
from desktop_app.changes import Change
from desktop_app.domain.credibility import Light
from desktop_app.errors import InkasoError
from desktop_app.i18n import _, ngettext
from desktop_app.services import whitelist_bulk
from desktop_app.services.whitelist_bulk import BulkResult, BulkRow
from ui.card.insight_panel import light_colour
from ui.errors import show_error
from ui.imports.progress import ImportCancelledError, Progress
from ui.imports.progress_bar import ProgressBar
from ui.models.prepared_rows import Index, PreparedRowsModel
from ui.operations import Operations
from ui.widgets.tables import setup_list_table

#: the default of "checked more than N days ago" (a check older than a month is no proof)
DEFAULT_DAYS = 30


def light_word(light: Light | None) -> str:
    if light is Light.GREEN:
        return _("green")
    if light is Light.AMBER:
        return _("amber")
    if light is Light.RED:
        return _("red")
    return _("not checked")


def registry_word(row: BulkRow) -> str:
    if row.entry is None:
        return _("not asked")
    if not row.entry.found:
        return _("not on the list")
    return row.entry.status or "—"


#: a row's cells: light, contractor, NIP, what the registry said, the reasons
BulkCells = tuple[str, str, str, str, str]
#: the worst light first when sorted by it
SEVERITY = {Light.RED: 0, Light.AMBER: 1, Light.GREEN: 2, None: 3}


def cells_of(row: BulkRow) -> BulkCells:
    return (
        f"● {light_word(row.light)}",
        row.name,
        row.nip,
        registry_word(row),
        "; ".join(row.reasons),
    )


class BulkModel(PreparedRowsModel[BulkRow]):
    """The checked contractors, in the order asked until a header is clicked."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            (_("Light"), _("Contractor"), _("NIP"), _("White List"), _("Reasons")), parent
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        n = self.source_row(index)
        if n is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts[n][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 4:
            return "\n".join(self._rows[n].reasons) or None
        if role == Qt.ItemDataRole.ForegroundRole:
            light = self._rows[n].light
            if index.column() == 0 and light is not None:
                return QBrush(light_colour(light))
            if index.column() == 1:
                return QBrush(QGuiApplication.palette().link())
        return None

    def sort_key(self, n: int, column: int) -> Any:
        if column == 0:
            return SEVERITY[self._rows[n].light]
        return super().sort_key(n, column)


class BulkCheckDialog(QDialog):
    #: a contractor's id whose card should open
    card_requested = Signal(int)
    #: a run has ended and its rows are shown (tests and the screenshot wait for it)
    finished_run = Signal()

    def __init__(
        self,
        db: Database,
        ops: Operations,
        *,
        today: Callable[[], dt.date],
        selected: Sequence[int] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Check on the VAT White List"))
        self.resize(900, 560)
        self._db = db
        self._ops = ops
        self._today = today
        self._selected = list(selected)
        self.progress: Progress | None = None
        self.outcome: BulkResult | None = None

        self.chosen = QRadioButton(
            ngettext(
                "The contractor chosen in the list ({count})",
                "The contractors chosen in the list ({count})",
                len(self._selected),
            ).format(count=len(self._selected))
        )
        self.due = QRadioButton(_("Every contractor never checked or last checked more than"))
        self.days = QSpinBox()
        self.days.setRange(0, 3650)
        self.days.setValue(DEFAULT_DAYS)
        self.days.setSuffix(_(" days ago"))
        self.chosen.setEnabled(bool(self._selected))
        (self.chosen if self._selected else self.due).setChecked(True)
        due_row = QHBoxLayout()
        due_row.addWidget(self.due)
        due_row.addWidget(self.days)
        due_row.addStretch(1)

        self.start_button = QPushButton(_("&Check"))
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        self.stop_button = QPushButton(_("&Stop"))
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop)
        self.bar = ProgressBar()
        run_row = QHBoxLayout()
        run_row.addWidget(self.start_button)
        run_row.addWidget(self.stop_button)
        run_row.addWidget(self.bar, 1)

        self.status = QLabel(
            _(
                "The White List is asked about 30 NIPs at a time; its answers are kept with their"
                " date as proof. If it says it has answered enough for now, the run stops and the"
                " rest can be checked later."
            )
        )
        self.status.setWordWrap(True)
        self.model = BulkModel(self)
        self.table = QTableView()
        header = setup_list_table(self.table, self.model, name=_("Check on the VAT White List"))
        self.table.setToolTip(_("Click a name to open the contractor's card"))
        for column in (0, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        # widths from the first rows: measuring thousands would stall the GUI thread
        header.setResizeContentsPrecision(200)
        self.table.setColumnWidth(1, 240)
        # in the order asked until a header is clicked (the light sorts the worst first)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.clicked.connect(self._cell_clicked)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Which contractors:")))
        layout.addWidget(self.chosen)
        layout.addLayout(due_row)
        layout.addLayout(run_row)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)

    @property
    def running(self) -> bool:
        return self.progress is not None

    def start(self) -> None:
        if self.running:
            return
        db, today, ops = self._db, self._today(), self._ops
        ids = list(self._selected) if self.chosen.isChecked() else None
        older = None if self.chosen.isChecked() else self.days.value()
        progress = self.progress = Progress()

        def run() -> tuple[BulkResult, tuple[BulkCells, ...]]:
            wanted = whitelist_bulk.candidates(db, today, contractor_ids=ids, older_than_days=older)
            result = whitelist_bulk.bulk_check(
                db,
                wanted,
                today,
                # once stopped, the run ends at its next batch (stop), not inside a report
                progress=lambda done, total: (
                    None if progress.cancelled else progress.report(done, total)
                ),
                stop=lambda: progress.cancelled,
                writer=ops.write_and_wait,
            )
            # the cell texts made here, not row by row on the GUI thread
            return result, tuple(cells_of(row) for row in result.rows)

        self.start_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self.status.setText(_("Checking…"))
        self.bar.follow(progress)
        # on a reader, not the writer: the registry is asked with no transaction open and each
        # batch's answers kept in a short write of their own, so the user's saves go on meanwhile
        self._ops.read(
            run,
            on_success=self._done,
            on_failure=self._failed,
            owner=self,
            label="White List bulk check",
        )

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.cancel()
            self.status.setText(_("Stopping after the batch being asked…"))

    def _ended(self) -> None:
        self.progress = None
        self.bar.done()
        self.start_button.setEnabled(True)
        self.stop_button.setEnabled(False)

    def _done(self, done: tuple[BulkResult, tuple[BulkCells, ...]]) -> None:
        result, cells = done
        self._ended()
        # the answers kept show in the contractor list's White List column
        self._ops.announce(Change.CONTRACTORS)
        self.outcome = result
        self.model.set_rows(result.rows, cells)
        summary = ngettext(
            "Checked {checked} of {total} contractor.",
            "Checked {checked} of {total} contractors.",
            len(result.rows),
        ).format(checked=result.checked, total=len(result.rows))
        if not result.rows:
            summary = _("No contractor with a NIP needs checking.")
        self.status.setText(f"{summary} {result.stopped}" if result.stopped else summary)
        self.finished_run.emit()

    def _failed(self, exc: BaseException) -> None:
        self._ended()
        self._ops.announce(Change.CONTRACTORS)  # the batches asked before are kept
        if isinstance(exc, ImportCancelledError):
            self.status.setText(
                _("Stopped before every NIP was checked; the answers received so far are kept.")
            )
        elif isinstance(exc, InkasoError):
            self.status.setText(exc.message)
        else:
            self.status.setText(_("The check could not be finished."))
            show_error(exc, self)
        self.finished_run.emit()

    def _cell_clicked(self, index: QModelIndex) -> None:
        if index.column() == 1 and 0 <= index.row() < self.model.rowCount():
            self.card_requested.emit(self.model.row(index.row()).contractor_id)

    def reject(self) -> None:
        self.stop()  # a run in progress ends at its next batch; what it kept stays
        super().reject()
