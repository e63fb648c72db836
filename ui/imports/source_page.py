"""The wizard's first page: a file or a folder, and the format Inkaso recognised in it (which the
user may change)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
    QWizardPage,
)

from desktop_app.errors import InkasoError
from desktop_app.i18n import N_, _
from desktop_app.importers.formats import all_formats
from desktop_app.services.imports import detect
from ui import theme
from ui.operations import Operations

log = logging.getLogger(__name__)

#: what a format is called on screen (the registry's names are for the CLI)
FORMAT_LABELS = {
    "ksef": N_("KSeF e-invoices (XML FA(2)/FA(3))"),
    "jpk": N_("JPK_FA file"),
    "csv": N_("Invoices in a CSV table"),
    "xlsx": N_("Invoices in an Excel workbook (XLSX)"),
    "mt940": N_("Bank statement MT940"),
    "camt053": N_("Bank statement camt.053 (XML)"),
    "bank-csv": N_("Bank statement in a CSV table"),
}


#: a folder's format is that of the first of its files recognised among this many
FOLDER_SAMPLE = 50


def detect_source(path: Path) -> str | None:
    """The format of a file, or of a folder's first recognisable file (worker thread)."""
    if not path.is_dir():
        return detect(path)
    tried = 0
    for folder, dirs, names in os.walk(path):
        dirs.sort()
        for name in sorted(names):
            found = detect(Path(folder) / name)
            if found is not None:
                return found
            tried += 1
            if tried >= FOLDER_SAMPLE:
                return None
    return None


def format_label(name: str) -> str:
    label = FORMAT_LABELS.get(name)
    return _(label) if label else name


class SourcePage(QWizardPage):
    #: the detected format arrived (tests wait for it)
    detected = Signal(object)

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ops = ops
        self.setTitle(_("What to import"))
        self.setSubTitle(
            _(
                "Choose a file, or a folder whose files are all imported. Inkaso recognises the "
                "format; change it if it guessed wrong."
            )
        )
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText(_("A file or a folder"))
        self.path_edit.setClearButtonEnabled(True)
        self.file_button = QPushButton(_("Choose &file…"))
        self.folder_button = QPushButton(_("Choose f&older…"))
        self.format_combo = QComboBox()
        self.format_combo.setAccessibleName(_("Format"))
        self.format_combo.addItem(_("Choose the format"), None)
        for name in sorted(all_formats(), key=format_label):
            self.format_combo.addItem(format_label(name), name)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        pal = self.hint.palette()
        pal.setColor(self.hint.foregroundRole(), theme.muted_text())
        self.hint.setPalette(pal)

        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.file_button)
        row.addWidget(self.folder_button)
        form = QFormLayout(self)
        # a row of widgets gives the label no buddy: without one its "&" shows as text
        source_label = QLabel(_("&Import from:"))
        source_label.setBuddy(self.path_edit)
        form.addRow(source_label, row)
        form.addRow(_("F&ormat:"), self.format_combo)
        form.addRow("", self.hint)

        self.file_button.clicked.connect(self._choose_file)
        self.folder_button.clicked.connect(self._choose_folder)
        self.path_edit.editingFinished.connect(self._path_edited)
        self.path_edit.textChanged.connect(lambda _text: self.completeChanged.emit())
        self.format_combo.currentIndexChanged.connect(lambda _i: self.completeChanged.emit())
        self._detect_key = f"import-detect-{id(self)}"
        self._detected_path: Path | None = None

    # -- what the other pages read -------------------------------------------------------------

    def path(self) -> Path | None:
        text = self.path_edit.text().strip()
        return Path(text) if text else None

    def format_name(self) -> str | None:
        data = self.format_combo.currentData()
        return str(data) if data else None

    def set_path(self, path: Path) -> None:
        """Choose ``path`` as if picked in the dialog, and recognise its format."""
        self.path_edit.setText(str(path))
        self._detect(path)

    def set_format(self, name: str) -> None:
        index = self.format_combo.findData(name)
        if index >= 0:
            self.format_combo.setCurrentIndex(index)

    def isComplete(self) -> bool:
        path = self.path()
        return path is not None and path.exists() and self.format_name() is not None

    # -- choosing ------------------------------------------------------------------------------

    def _choose_file(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self,
            _("Import from a file"),
            self.path_edit.text(),
            _(
                "Invoices and statements (*.xml *.csv *.txt *.xlsx *.sta *.mt940 *.940);;All files (*)"
            ),
        )
        if name:
            self.set_path(Path(name))

    def _choose_folder(self) -> None:
        name = QFileDialog.getExistingDirectory(
            self, _("Import every file of a folder"), self.path_edit.text()
        )
        if name:
            self.set_path(Path(name))

    def _path_edited(self) -> None:
        path = self.path()
        # leaving the field (also when the wizard closes) is no reason to recognise it again
        if path is not None and path != self._detected_path:
            self._detect(path)

    def _detect(self, path: Path) -> None:
        self._detected_path = path
        self.hint.setText(_("Recognising the format…"))
        self._ops.read(
            lambda: detect_source(path),
            on_success=self._detected,
            on_failure=self._not_detected,
            key=self._detect_key,
            owner=self,
            label="import detect",
        )

    def _detected(self, name: str | None) -> None:
        if name is not None and self.format_combo.findData(name) >= 0:
            self.set_format(name)
            self.hint.setText(_("Recognised as: {format}.").format(format=format_label(name)))
        else:
            self.format_combo.setCurrentIndex(0)
            self.hint.setText(_("Inkaso could not recognise this format: choose it above."))
        self.completeChanged.emit()
        self.detected.emit(name)

    def _not_detected(self, exc: BaseException) -> None:
        # an unreadable file is told about in full when it is checked, with its place and field
        if isinstance(exc, InkasoError):
            self.hint.setText(exc.message)
        else:
            log.warning("could not recognise an import's format", exc_info=exc)
            self.hint.setText(_("Inkaso could not recognise this format: choose it above."))
        self.format_combo.setCurrentIndex(0)
        self.completeChanged.emit()
        self.detected.emit(None)
