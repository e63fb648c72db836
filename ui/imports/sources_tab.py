"""Settings → Import sources: the KSeF API, 1C, watched folders and the scheduled import.

Every value is an ordinary setting (``ksef.*``, ``1c.*``, ``import.*``) checked and saved with
the rest of the dialog; the KSeF token and the 1C password go to the system keyring. "Test
connection" and "Import now" save first, then run off the GUI thread
(``services.sync.checks``, ``services.sync.everything.import_all``) and say what happened in
plain sentences.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.changes import Change
from desktop_app.errors import InkasoError
from desktop_app.i18n import N_, _
from desktop_app.importers.mapping_presets import PRESETS
from desktop_app.services.sync import checks
from desktop_app.services.sync.everything import SyncReport, import_all
from desktop_app.settings import FOLDER_SOURCES
from ui import theme
from ui.dunning.settings_dialog import Field
from ui.imports.source_page import FORMAT_LABELS

if TYPE_CHECKING:
    from ui.dunning.settings_dialog import SettingsDialog

log = logging.getLogger(__name__)
T = TypeVar("T")

ENVIRONMENT_LABELS = {
    "production": N_("Production"),
    "demo": N_("Demo (pre-production)"),
    "test": N_("Test"),
}
#: what a watched folder holds, as a person reads it
SOURCE_LABELS = {
    **{name: FORMAT_LABELS[name] for name in ("ksef", "jpk", "csv", "xlsx")},
    "bank": N_("Bank statements (MT940, camt.053, CSV)"),
}
#: what an import run may change, announced to the open windows
IMPORTED = Change.CONTRACTORS | Change.INVOICES | Change.PAYMENTS


class FolderList(QWidget):
    """The watched folders: one per source, with an optional column mapping for tables."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.folders: dict[str, str] = {}
        self.mappings: dict[str, str] = {}
        self.tree = QTreeWidget()
        self.tree.setRootIsDecorated(False)
        self.tree.setHeaderLabels([_("Source"), _("Folder"), _("Column mapping")])
        self.tree.setAccessibleName(_("Watched folders"))
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.tree.setFixedHeight(self.tree.fontMetrics().lineSpacing() * 7)
        self.source = QComboBox()
        self.source.setAccessibleName(_("Source"))
        for name in FOLDER_SOURCES:
            self.source.addItem(_(SOURCE_LABELS[name]), name)
        self.folder = QLineEdit()
        self.folder.setAccessibleName(_("Folder"))
        self.folder.setPlaceholderText(_("A folder Inkaso imports new files from"))
        self.folder.setMinimumWidth(self.folder.fontMetrics().horizontalAdvance("x" * 30))
        self.choose = QPushButton(_("Choose…"))
        self.mapping = QComboBox()
        self.mapping.setEditable(True)
        self.mapping.setAccessibleName(_("Column mapping"))
        self.mapping.setToolTip(_("For CSV and XLSX tables: a ready or saved mapping's name"))
        self.mapping.addItem("", "")
        for name in sorted(PRESETS):
            self.mapping.addItem(name, name)
        self.add_button = QPushButton(_("&Add folder"))
        self.remove_button = QPushButton(_("&Remove"))
        self.remove_button.setEnabled(False)

        self.mapping.setMinimumContentsLength(16)
        entry = QHBoxLayout()
        entry.addWidget(self.source)
        entry.addWidget(self.folder, 1)
        entry.addWidget(self.choose)
        below = QHBoxLayout()
        mapping_label = QLabel(_("Column &mapping:"))
        mapping_label.setBuddy(self.mapping)
        below.addWidget(mapping_label)
        below.addWidget(self.mapping)
        below.addStretch(1)
        below.addWidget(self.add_button)
        below.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree)
        layout.addLayout(entry)
        layout.addLayout(below)

        self.choose.clicked.connect(self._choose)
        self.add_button.clicked.connect(self._add_typed)
        self.remove_button.clicked.connect(self.remove_selected)
        self.tree.itemSelectionChanged.connect(
            lambda: self.remove_button.setEnabled(bool(self.tree.selectedItems()))
        )

    def add(self, source: str, folder: str, mapping: str = "") -> None:
        """Watch ``folder`` for ``source`` (replacing the source's folder, if any)."""
        self.folders[source] = folder.strip()
        if mapping.strip():
            self.mappings[source] = mapping.strip()
        else:
            self.mappings.pop(source, None)
        self.refresh()
        self.edited.emit()

    def remove_selected(self) -> None:
        for item in self.tree.selectedItems():
            source = str(item.data(0, Qt.ItemDataRole.UserRole))
            self.folders.pop(source, None)
            self.mappings.pop(source, None)
        self.refresh()
        self.edited.emit()

    def refresh(self) -> None:
        self.tree.clear()
        for source in FOLDER_SOURCES:
            if source not in self.folders:
                continue
            label = _(SOURCE_LABELS[source])
            item = QTreeWidgetItem([label, self.folders[source], self.mappings.get(source, "")])
            item.setData(0, Qt.ItemDataRole.UserRole, source)
            self.tree.addTopLevelItem(item)
        self.tree.resizeColumnToContents(0)

    def _choose(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, _("Watched folder"), self.folder.text())
        if chosen:
            self.folder.setText(str(Path(chosen)))

    def _add_typed(self) -> None:
        folder = self.folder.text().strip()
        if not folder:
            self.folder.setFocus()
            return
        self.add(str(self.source.currentData()), folder, self.mapping.currentText())
        self.folder.clear()
        self.mapping.setCurrentIndex(0)


class SourcesTab(QWidget):
    """The tab: its fields live in the dialog's ``fields`` like every other tab's."""

    #: a check or an import finished: the sentence shown, or the exception
    finished = Signal(object)

    def __init__(self, dialog: SettingsDialog) -> None:
        super().__init__()
        self._dialog = dialog
        inner = QWidget()
        column = QVBoxLayout(inner)
        column.addWidget(self._ksef_group())
        column.addWidget(self._onec_group())
        column.addWidget(self._folders_group())
        column.addWidget(self._schedule_group())
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    # -- building ------------------------------------------------------------------------------

    def _ksef_group(self) -> QGroupBox:
        d = self._dialog
        box = QGroupBox(_("KSeF (the National e-Invoice System)"))
        form = _form(box)
        d.combo_field("ksef.environment", form, _("Environment:"), ENVIRONMENT_LABELS)
        d.line_field(
            "ksef.api_url",
            form,
            _("API address:"),
            hint=_("Empty: the environment's own address."),
        )
        nip = QLabel(_("Invoices are fetched for the firm's NIP entered on the Firm tab."))
        nip.setWordWrap(True)
        form.addRow(_("Firm NIP:"), nip)
        token = d.line_field("secret.ksef.token", form, _("KSeF token:"))
        token.setEchoMode(QLineEdit.EchoMode.Password)
        d.add_field(
            form,
            "ksef.auto",
            "",
            QCheckBox(_("Fetch invoices from KSeF in every automatic import")),
        )
        self.ksef_test, self.ksef_result = self._action_row(
            form, _("Test connection"), "test-ksef", lambda: self.test("ksef")
        )
        return box

    def _onec_group(self) -> QGroupBox:
        d = self._dialog
        box = QGroupBox(_("1C (OData interface)"))
        form = _form(box)
        d.line_field("1c.url", form, _("Base address:"), placeholder="https://1c.firma.ru/buh")
        d.line_field("1c.user", form, _("User:"))
        password = d.line_field("secret.1c.password", form, _("Password:"))
        password.setEchoMode(QLineEdit.EchoMode.Password)
        d.line_field(
            "1c.currency",
            form,
            _("Default currency:"),
            hint=_("For 1C documents that name no currency."),
        )
        d.add_field(
            form, "1c.auto", "", QCheckBox(_("Fetch documents from 1C in every automatic import"))
        )
        self.onec_test, self.onec_result = self._action_row(
            form, _("Test connection"), "test-1c", lambda: self.test("1c")
        )
        return box

    def _folders_group(self) -> QGroupBox:
        d = self._dialog
        box = QGroupBox(_("Watched folders"))
        form = _form(box)
        self.folder_list = FolderList()
        d.add_field(
            form,
            "import.folders",
            "",
            self.folder_list,
            hint=_(
                "New files in these folders are imported in every automatic import. A table "
                "(CSV, XLSX) needs its column mapping."
            ),
        )
        error = d.fields["import.folders"].error
        d.fields["import.folders"] = _JsonField(
            "import.folders", self.folder_list, error, self.folder_list, "folders"
        )
        d.fields["import.mappings"] = _JsonField(
            "import.mappings", self.folder_list, error, self.folder_list, "mappings"
        )
        d.mark_tab("import.mappings")
        d.combo_field(
            "import.after",
            form,
            _("After import:"),
            {
                "move": N_("Move the file to the imported subfolder"),
                "keep": N_("Leave the file where it is"),
            },
        )
        return box

    def _schedule_group(self) -> QGroupBox:
        d = self._dialog
        box = QGroupBox(_("Automatic import"))
        form = _form(box)
        d.line_field(
            "import.interval_minutes",
            form,
            _("Import every (minutes):"),
            hint=_("At least 15: KSeF limits how often it may be asked."),
        )
        d.add_field(
            form,
            "import.before_dunning",
            "",
            QCheckBox(_("Import from every source before each dunning run")),
        )
        self.import_button, self.import_result = self._action_row(
            form, _("Import now"), "import-now", self.import_now
        )
        return box

    def _action_row(
        self, form: QFormLayout, text: str, name: str, action: Callable[[], None]
    ) -> tuple[QPushButton, QLabel]:
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 4, 0, 0)
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(action)
        result = QLabel()
        result.setWordWrap(True)
        result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        line.addWidget(button)
        line.addWidget(result, 1)
        form.addRow("", row)
        return button, result

    # -- acting --------------------------------------------------------------------------------

    def test(self, source: str) -> None:
        """Save what was typed, then sign in to KSeF or read from 1C (off the GUI thread)."""
        label = self.ksef_result if source == "ksef" else self.onec_result
        check = checks.check_ksef if source == "ksef" else checks.check_1c
        db = self._dialog.db

        def run() -> str:
            return check(db)

        self._after_save(label, _("Connecting…"), run, lambda text: [text])

    def import_now(self) -> None:
        """Save, then import from every source as the scheduled import does."""
        db = self._dialog.db
        today = dt.date.today()  # the user's "now": the GUI passes it to the core

        def run() -> SyncReport:
            return import_all(db, today=today, actor=None)

        def said(report: SyncReport) -> list[str]:
            self._dialog.ops.announce(report.changes & IMPORTED)
            return checks.describe(report)

        self._after_save(self.import_result, _("Importing…"), run, said)

    def _after_save(
        self,
        label: QLabel,
        working: str,
        run: Callable[[], T],
        sentences: Callable[[T], list[str]],
    ) -> None:
        d = self._dialog
        label.setText(working)

        def after_save() -> None:
            d.ops.read(
                run,
                on_success=lambda result: self._show(label, sentences(result), ok=True),
                on_failure=lambda exc: self._failed(label, exc),
                owner=self,
                label=f"import sources: {working}",
            )

        if not d.save(then=after_save):
            label.setText(_("Correct the marked fields first.") if d.ready else _("Still loading…"))

    def _failed(self, label: QLabel, exc: BaseException) -> None:
        if isinstance(exc, InkasoError):
            self._show(label, [exc.message], ok=False, outcome=exc)
        else:
            log.error("import sources action failed", exc_info=exc)
            self._show(
                label, [_("It failed; the details are in the log file.")], ok=False, outcome=exc
            )

    def _show(self, label: QLabel, lines: list[str], *, ok: bool, outcome: object = None) -> None:
        colour = (theme.credit_text() if ok else theme.overdue_text()).name()
        label.setText(
            "<br>".join(f'<span style="color:{colour}">{html.escape(t)}</span>' for t in lines)
        )
        self.finished.emit(outcome if outcome is not None else "\n".join(lines))


class _JsonField(Field):
    """One of the folder list's two settings, read and written as the registry's JSON text."""

    def __init__(
        self, key: str, editor: QWidget, error: QLabel, folders: FolderList, which: str
    ) -> None:
        super().__init__(key, editor, error)
        self._folders = folders
        self._which = which

    def _values(self) -> dict[str, str]:
        values: dict[str, str] = getattr(self._folders, self._which)
        return values

    def text(self) -> str:
        values = self._values()
        return json.dumps(values, ensure_ascii=False, sort_keys=True) if values else ""

    def set_text(self, text: str) -> None:
        values = self._values()
        values.clear()
        if text:
            values.update(json.loads(text))
        self._folders.refresh()


def _form(parent: QWidget) -> QFormLayout:
    form = QFormLayout(parent)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
    return form
