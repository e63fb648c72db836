"""Letters → Letterhead and rates: what every letter carries (the firm's name and address as
set under Settings → Firm, a logo, the signature block) and the interest rate tables with their
verification status, where the next half-year's rate is added."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, QSize, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db.uow import Database
from desktop_app.changes import Change
from desktop_app.domain.interest import format_rate
from desktop_app.domain.rates import RateKind, half_year_end, half_year_start
from desktop_app.errors import ValidationError
from desktop_app.i18n import N_, _
from desktop_app.services import firm, letterhead, rates
from desktop_app.services.letterhead import Letterhead
from desktop_app.services.rates import ListedRate
from ui import formatting, theme
from ui.errors import show_error
from ui.operations import Operations
from ui.widgets.date_edit import DateEdit

TABLE_LABELS = {
    RateKind.COMMERCIAL: N_("Commercial"),
    RateKind.MEDICAL: N_("Commercial, medical entities"),
    RateKind.STATUTORY: N_("Statutory (art. 481 KC)"),
    RateKind.RU395: N_("Russia, art. 395"),
    RateKind.EUR: N_("EUR/PLN (NBP)"),
}
STATUS_TIPS = {
    "V": N_("verified against the source"),
    "D": N_("derived from verified figures"),
    "U": N_("not verified yet: check it"),
}
RATE_COLUMNS = (N_("Valid from"), N_("Rate"), N_("Status"), N_("Source"))


class LetterSettingsDialog(QDialog):
    #: the letterhead and rates were read (tests wait for it)
    loaded = Signal()
    #: the letterhead was saved
    saved = Signal()

    def __init__(
        self,
        db: Database,
        ops: Operations,
        *,
        today: Callable[[], dt.date],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._ops = ops
        self._today = today
        self.logo: bytes | None = None
        self._listed: list[ListedRate] = []
        self.setWindowTitle(_("Letterhead and rates"))
        self.setModal(False)

        self.firm_label = QLabel()
        self.firm_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.logo_view = QLabel()
        self.logo_view.setFixedSize(QSize(220, 90))
        self.logo_view.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo_view.setFrameShape(QLabel.Shape.StyledPanel)
        self.choose_logo_button = QPushButton(_("Choose image…"))
        self.remove_logo_button = QPushButton(_("Remove"))
        self.signature = QPlainTextEdit()
        self.signature.setPlaceholderText(_("Jan Kowalski\nPrezes Zarządu"))
        self.signature.setFixedHeight(self.fontMetrics().lineSpacing() * 4)
        head = QWidget()
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_view)
        logo_buttons = QVBoxLayout()
        logo_buttons.addWidget(self.choose_logo_button)
        logo_buttons.addWidget(self.remove_logo_button)
        logo_buttons.addStretch(1)
        logo_row.addLayout(logo_buttons)
        logo_row.addStretch(1)
        head_layout = QVBoxLayout(head)
        form = QFormLayout()
        head_layout.addLayout(form)
        head_layout.addStretch(1)
        form.addRow(_("Firm"), self.firm_label)
        form.addRow(_("Logo"), logo_row)
        form.addRow(_("Signature"), self.signature)
        note = QLabel(_("The firm's name and address are edited under Dunning → Settings → Firm."))
        note.setWordWrap(True)
        form.addRow("", note)

        rates_page = QWidget()
        self.kind = QComboBox()
        for kind, label in TABLE_LABELS.items():
            self.kind.addItem(_(label), kind.value)
        self.rates = QTreeWidget()
        self.rates.setColumnCount(len(RATE_COLUMNS))
        self.rates.setHeaderLabels([_(c) for c in RATE_COLUMNS])
        self.rates.setRootIsDecorated(False)
        self.rates.setAlternatingRowColors(True)
        self.rates.header().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.new_start = DateEdit(half_year_start(today()))
        self.new_rate = QLineEdit()
        self.new_rate.setPlaceholderText(_("e.g. 15.75"))
        self.new_source = QLineEdit()
        self.new_source.setPlaceholderText(_("where the rate was published"))
        self.add_button = QPushButton(_("Add rate"))
        add_box = QGroupBox(_("Add a rate"))
        add_form = QFormLayout(add_box)
        add_form.addRow(_("From"), self.new_start)
        add_form.addRow(_("Rate"), self.new_rate)
        add_form.addRow(_("Source"), self.new_source)
        add_form.addRow("", self.add_button)
        rates_layout = QVBoxLayout(rates_page)
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Table")))
        top.addWidget(self.kind, 1)
        rates_layout.addLayout(top)
        rates_layout.addWidget(self.rates, 1)
        rates_layout.addWidget(add_box)

        self.tabs = QTabWidget()
        self.tabs.addTab(head, _("Letterhead"))
        self.tabs.addTab(rates_page, _("Interest rates"))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close
        )
        buttons.accepted.connect(self.save)
        # a rate is saved by its own button; Save is the letterhead's
        save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.tabs.currentChanged.connect(lambda index: save_button.setVisible(index == 0))
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)

        self.choose_logo_button.clicked.connect(self.choose_logo)
        self.remove_logo_button.clicked.connect(lambda: self.set_logo(None))
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.add_button.clicked.connect(self.add_rate)
        self.resize(theme.fitting_size(QSize(720, 560)))
        self._kind_changed()
        self.reload()

    # -- reading -----------------------------------------------------------------------------

    def reload(self) -> None:
        db = self._db

        def read() -> tuple[Letterhead | None, list[ListedRate]]:
            return letterhead.get_letterhead(db), rates.list_rates(db)

        self._ops.read(read, on_success=self._loaded, owner=self, label="letterhead")

    def _loaded(self, result: tuple[Letterhead | None, list[ListedRate]]) -> None:
        head, listed = result
        self._listed = listed
        if head is None:
            self.firm_label.setText(_("The firm's details are not set yet."))
        else:
            lines = [head.name, *head.address_lines]
            if head.nip:
                lines.append(_("NIP {nip}").format(nip=head.nip))
            self.firm_label.setText("\n".join(lines))
            self.signature.setPlainText(head.signature)
            self.set_logo(head.logo)
        self._fill_rates()
        self.loaded.emit()

    def _kind_changed(self) -> None:
        kind = RateKind(self.kind.currentData())
        self.new_start.setToolTip(
            _("A commercial rate holds for a half-year: from 1 January or 1 July")
            if kind.half_yearly
            else ""
        )
        if kind.half_yearly:
            self.new_start.set_value(self.next_half_year(kind))
        self._fill_rates()

    def next_half_year(self, kind: RateKind) -> dt.date:
        """The half-year after the table's last row (what the owner adds twice a year)."""
        rows = [r.row.start for r in self._listed if r.kind is kind]
        last = max(rows, default=half_year_start(self._today()))
        return half_year_end(last) + dt.timedelta(days=1)

    def _fill_rates(self) -> None:
        kind = RateKind(self.kind.currentData())
        self.rates.clear()
        for listed in self._listed:
            if listed.kind is not kind:
                continue
            row = listed.row
            status = row.status.value
            item = QTreeWidgetItem(
                [formatting.date(row.start), format_rate(row.rate), f"[{status}]", row.source]
            )
            item.setToolTip(2, _(STATUS_TIPS.get(status, "")))
            if listed.replaced:
                item.setForeground(0, theme.muted_text())
                item.setToolTip(0, _("replaced by a rate you added for the same day"))
            self.rates.addTopLevelItem(item)
        self.rates.scrollToBottom()

    # -- letterhead --------------------------------------------------------------------------

    def choose_logo(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, _("Choose the logo"), "", _("Images (*.png *.jpg *.jpeg)")
        )
        if name:
            self.load_logo_file(Path(name))

    def load_logo_file(self, path: Path) -> bool:
        try:
            data = path.read_bytes()
            firm.check_logo(data)
        except OSError as exc:
            show_error(
                ValidationError(
                    _("Cannot read {path}: {reason}").format(path=str(path), reason=exc.strerror)
                ),
                self,
            )
            return False
        except ValidationError as exc:
            show_error(exc, self)
            return False
        self.set_logo(data)
        return True

    def set_logo(self, data: bytes | None) -> None:
        self.logo = data
        self.remove_logo_button.setEnabled(data is not None)
        if data is None:
            self.logo_view.setPixmap(QPixmap())
            self.logo_view.setText(_("No logo"))
            return
        pixmap = QPixmap()
        pixmap.loadFromData(QByteArray(data))
        self.logo_view.setPixmap(
            pixmap.scaled(
                self.logo_view.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )

    def save(self) -> None:
        db, logo, signature = self._db, self.logo, self.signature.toPlainText()
        self._ops.write(
            lambda: letterhead.save_letterhead(db, logo=logo, signature=signature),
            changes=Change.FIRM | Change.SETTINGS | Change.LETTERS,
            on_success=lambda _r: self.saved.emit(),
            on_failure=self._failed,
            owner=self,
            label="letterhead",
        )

    # -- rates -------------------------------------------------------------------------------

    def add_rate(self) -> None:
        kind = RateKind(self.kind.currentData())
        try:
            value = rates.parse_rate(self.new_rate.text())
        except ValidationError as exc:
            show_error(exc, self)
            return
        db, start, source = self._db, self.new_start.value(), self.new_source.text()

        def added(_row: object) -> None:
            self.new_rate.clear()
            self.new_source.clear()
            self.reload()

        self._ops.write(
            lambda: rates.add_rate(db, kind, start, value, source=source),
            changes=Change.SETTINGS,
            on_success=added,
            on_failure=self._failed,
            owner=self,
            label="rate added",
        )

    def _failed(self, exc: BaseException) -> None:
        show_error(exc, self)
