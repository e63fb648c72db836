"""The wizard's page for tables (CSV, XLSX, a bank's CSV): which column holds which field, how the
file is written, and a live preview of the first rows as the mapping reads them, errors in red.

A ready or saved mapping that fits the file's header is chosen on its own; every change is
previewed again (off the GUI thread) and can be saved as a mapping of its own name. The page only
collects choices: reading the table, checking the mapping and saving it are the core's
(``desktop_app.importers.tabular.preview``, ``column_mapping``, ``services.import_mappings``).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from db.uow import Database
from desktop_app.changes import Change
from desktop_app.errors import InkasoError, ValidationError
from desktop_app.i18n import N_, _, ngettext
from desktop_app.importers.column_mapping import ColumnMapping, Kind, fields_of, mapping_from_dict
from desktop_app.importers.formats import ParseOptions
from desktop_app.importers.mapping_presets import PRESETS
from desktop_app.importers.table_reader import header_key
from desktop_app.importers.tabular import TablePreview, preview
from desktop_app.services import import_mappings
from ui import theme
from ui.errors import show_error
from ui.imports.preview_model import PreviewModel
from ui.widgets.tables import setup_list_table

if TYPE_CHECKING:
    from ui.imports.wizard import ImportWizard

#: the formats read through a column mapping
TABULAR = frozenset({"csv", "xlsx", "bank-csv"})
#: rows shown in the preview
PREVIEW_ROWS = 20
#: a burst of choices is previewed once
PREVIEW_DELAY_MS = 200

ENCODINGS = (
    (None, N_("Recognise")),
    ("utf-8", N_("UTF-8")),
    ("windows-1250", N_("Windows-1250 (Polish)")),
    ("windows-1251", N_("Windows-1251 (Russian)")),
)
DELIMITERS = ((None, N_("Recognise")), (";", N_("Semicolon ;")), (",", N_("Comma ,")),
              ("\t", N_("Tab")))  # fmt: skip
DATE_STYLES = (("dmy", N_("day first (30.11.2026)")), ("mdy", N_("month first (11/30/2026)")))
DECIMALS = (
    ("auto", N_("recognise (1 234,56 or 1,234.56)")),
    (",", N_("comma (1 234,56)")),
    (".", N_("point (1,234.56)")),
)
#: the first choice of every column's field box
NOT_IMPORTED = N_("— not imported —")
#: table columns of the column list
_TITLE, _SAMPLE, _FIELD = range(3)


def _combo(choices: tuple[tuple[str | None, str], ...], name: str) -> QComboBox:
    box = QComboBox()
    box.setAccessibleName(name)
    for value, label in choices:
        box.addItem(_(label), value)
    return box


def _set_data(box: QComboBox, value: object) -> None:
    index = box.findData(value)
    box.setCurrentIndex(max(index, 0))


@dataclasses.dataclass(frozen=True)
class _Start:
    mappings: list[ColumnMapping]
    table: TablePreview


def _fits(mapping: ColumnMapping, columns: tuple[str, ...]) -> bool:
    """Every field the mapping needs has a column of one of its titles in the header."""
    present = {header_key(c) for c in columns}
    return all(group & present for group in mapping.required())


class MappingPage(QWizardPage):
    #: a preview arrived and is shown (tests wait for it)
    previewed = Signal(object)
    #: a mapping was saved under a name (tests wait for it)
    saved = Signal(str)

    def __init__(self, wizard: ImportWizard, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._wizard = wizard
        self._kind: Kind = "invoice"
        self._path: Path | None = None
        self._mappings: dict[str, ColumnMapping] = {}
        self._columns: tuple[str, ...] = ()
        self._preview: TablePreview | None = None
        self._problem: str | None = _("Reading the file…")
        self._filling = False
        self.setTitle(_("Columns"))
        self.setSubTitle(
            _(
                "Say which column holds what. A saved mapping that fits the file is chosen for "
                "you; the preview shows the first rows as they would be imported."
            )
        )
        self.preset = QComboBox()
        self.preset.setAccessibleName(_("Mapping"))
        self.save_button = QPushButton(_("&Save as mapping…"))
        self.encoding = _combo(ENCODINGS, _("Encoding"))
        self.delimiter = _combo(DELIMITERS, _("Separator"))
        self.date_style = _combo(DATE_STYLES, _("Dates"))
        self.decimal = _combo(DECIMALS, _("Decimal mark"))
        self.columns = QTableWidget(0, 3)
        self.columns.setHorizontalHeaderLabels([_("Column in the file"), _("First row"), _("Is")])
        self.columns.setAccessibleName(_("Columns of the file"))
        self.columns.verticalHeader().hide()
        self.columns.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.columns.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.columns.horizontalHeader()
        header.setSectionResizeMode(_TITLE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(_SAMPLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(_FIELD, QHeaderView.ResizeMode.ResizeToContents)
        self.preview_model = PreviewModel(self)
        self.preview_table = QTableView()
        preview_header = setup_list_table(self.preview_table, self.preview_model, name=_("Preview"))
        preview_header.setSortIndicatorShown(False)
        preview_header.setSectionsClickable(False)
        preview_header.setStretchLastSection(True)
        self.status = QLabel()
        self.status.setWordWrap(True)

        chooser = QHBoxLayout()
        caption = QLabel(_("&Mapping:"))
        caption.setBuddy(self.preset)
        chooser.addWidget(caption)
        chooser.addWidget(self.preset, 1)
        chooser.addWidget(self.save_button)
        # two settings a row: all four in one made the Polish wizard wider than a laptop's screen
        how = QGridLayout()
        for n, (label, widget) in enumerate(
            (
                (_("&Encoding:"), self.encoding),
                (_("Se&parator:"), self.delimiter),
                (_("&Dates:"), self.date_style),
                (_("Decimal &mark:"), self.decimal),
            )
        ):
            caption = QLabel(label)
            caption.setBuddy(widget)
            how.addWidget(caption, n // 2, (n % 2) * 2)
            how.addWidget(widget, n // 2, (n % 2) * 2 + 1)
        how.setColumnStretch(4, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.columns)
        split.addWidget(self.preview_table)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(chooser)
        layout.addLayout(how)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.refresh_preview)
        self.preset.currentIndexChanged.connect(self._preset_chosen)
        for box in (self.encoding, self.delimiter, self.date_style, self.decimal):
            box.currentIndexChanged.connect(self._changed)
        self.save_button.clicked.connect(self._ask_name)
        self._key = f"import-preview-{id(self)}"

    # -- what the wizard reads -----------------------------------------------------------------

    def options(self, options: ParseOptions) -> ParseOptions:
        return dataclasses.replace(
            options, column_mapping=self.mapping(), encoding=self.encoding.currentData()
        )

    def mapping(self) -> ColumnMapping:
        """The mapping as chosen on the page; a ValidationError says what is missing."""
        base = self._mappings.get(self.preset.currentData() or "")
        columns: dict[str, str] = {}
        for row in range(self.columns.rowCount()):
            box = self.columns.cellWidget(row, _FIELD)
            if isinstance(box, QComboBox) and box.currentData():
                columns[str(box.currentData())] = self._columns[row]
        data: dict[str, Any] = {
            "name": base.name if base is not None else "",
            "kind": self._kind,
            "columns": columns,
            "date_style": self.date_style.currentData(),
            "decimal": self.decimal.currentData(),
        }
        if self.encoding.currentData():
            data["encoding"] = self.encoding.currentData()
        if self.delimiter.currentData():
            data["delimiter"] = self.delimiter.currentData()
        if base is not None:
            data["currency"] = base.currency
            for key in ("sheet", "account", "description"):
                if getattr(base, key):
                    data[key] = getattr(base, key)
        if not columns:
            raise ValidationError(_("Choose what at least one column is."), field="mapping")
        return mapping_from_dict(data)

    def isComplete(self) -> bool:
        return self._problem is None

    # -- filling -------------------------------------------------------------------------------

    def initializePage(self) -> None:
        fmt = self._wizard.source_page.format_name()
        self._kind = "bank" if fmt == "bank-csv" else "invoice"
        self._path = self._wizard.source_page.path()
        self._set_problem(_("Reading the file…"))
        self._filling = True
        self.preset.clear()
        self.columns.setRowCount(0)
        self._filling = False
        self.preview_model.set_preview(None)
        db, path, kind = self._wizard.db, self._path, self._kind
        assert path is not None

        def start() -> _Start:
            mappings = [
                import_mappings.get_mapping(db, info.name)
                for info in import_mappings.list_mappings(db)
                if info.kind == kind
            ]
            return _Start(mappings, preview(path, None, rows=PREVIEW_ROWS))

        self._wizard.ops.read(
            start,
            on_success=self._started,
            on_failure=self._failed,
            key=self._key,
            owner=self,
            label="import mapping start",
        )

    def _started(self, begun: _Start) -> None:
        self._mappings = {m.name: m for m in begun.mappings}
        self._filling = True
        self.preset.clear()
        self.preset.addItem(_("(choose the columns below)"), None)
        for mapping in begun.mappings:
            label = (
                f"{mapping.name} — {mapping.description}" if mapping.description else mapping.name
            )
            self.preset.addItem(label, mapping.name)
        self._show_columns(begun.table)
        self._filling = False
        fitting = next((m for m in begun.mappings if _fits(m, begun.table.columns)), None)
        if fitting is not None:
            _set_data(self.preset, fitting.name)  # applies it and previews
        else:
            self._show_preview(begun.table)
            self._set_problem(_("No saved mapping fits this file: choose what each column is."))
            self.previewed.emit(begun.table)

    def choose_preset(self, name: str) -> None:
        _set_data(self.preset, name)

    def set_field(self, column_title: str, field: str | None) -> None:
        """Say what a column is, as choosing it in its box would."""
        for row, title in enumerate(self._columns):
            if title == column_title:
                box = self.columns.cellWidget(row, _FIELD)
                if isinstance(box, QComboBox):
                    _set_data(box, field)
                return
        raise KeyError(column_title)

    def _preset_chosen(self, _index: int) -> None:
        if self._filling:
            return
        mapping = self._mappings.get(self.preset.currentData() or "")
        if mapping is None:
            return
        self._filling = True
        _set_data(self.encoding, mapping.encoding)
        _set_data(self.delimiter, mapping.delimiter)
        _set_data(self.date_style, mapping.date_style)
        _set_data(self.decimal, mapping.decimal)
        for row, title in enumerate(self._columns):
            box = self.columns.cellWidget(row, _FIELD)
            if isinstance(box, QComboBox):
                field = next(
                    (f for f in mapping.columns if header_key(title) in mapping.titles(f)), None
                )
                _set_data(box, field)
        self._filling = False
        self._changed()

    def _show_columns(self, table: TablePreview) -> None:
        """One row per column of the file, keeping what was chosen for a title seen before."""
        chosen: dict[str, object] = {}
        for row, title in enumerate(self._columns):
            box = self.columns.cellWidget(row, _FIELD)
            if isinstance(box, QComboBox):
                chosen[title] = box.currentData()
        if table.columns == self._columns:
            return
        filling, self._filling = self._filling, True
        self._columns = table.columns
        sample = table.rows[0].cells if table.rows else ()
        self.columns.setRowCount(len(self._columns))
        fields = fields_of(self._kind)
        for row, title in enumerate(self._columns):
            self.columns.setItem(row, _TITLE, QTableWidgetItem(title))
            example = sample[row] if row < len(sample) else ""
            self.columns.setItem(row, _SAMPLE, QTableWidgetItem(example))
            box = QComboBox()
            box.setAccessibleName(_("What column {title} is").format(title=title))
            box.addItem(_(NOT_IMPORTED), None)
            for field, label in fields.items():
                box.addItem(_(label), field)
            _set_data(box, chosen.get(title))
            box.currentIndexChanged.connect(lambda _i, r=row: self._field_chosen(r))
            self.columns.setCellWidget(row, _FIELD, box)
        self._filling = filling

    def _field_chosen(self, row: int) -> None:
        if self._filling:
            return
        box = self.columns.cellWidget(row, _FIELD)
        field = box.currentData() if isinstance(box, QComboBox) else None
        if field:
            # a field comes from one column: the one chosen last
            self._filling = True
            for other in range(self.columns.rowCount()):
                other_box = self.columns.cellWidget(other, _FIELD)
                if (
                    other != row
                    and isinstance(other_box, QComboBox)
                    and other_box.currentData() == field
                ):
                    other_box.setCurrentIndex(0)
            self._filling = False
        self._changed()

    def _changed(self, *_args: object) -> None:
        if not self._filling:
            self._set_problem(_("Reading the file…"))
            self._timer.start()

    # -- preview -------------------------------------------------------------------------------

    def refresh_preview(self) -> None:
        self._timer.stop()
        path = self._path
        if path is None:
            return
        try:
            mapping: ColumnMapping | None = self.mapping()
            problem = None
        except ValidationError as exc:
            mapping, problem = None, exc.message
        encoding = self.encoding.currentData()

        def run() -> tuple[TablePreview, str | None]:
            return preview(path, mapping, encoding=encoding, rows=PREVIEW_ROWS), problem

        self._wizard.ops.read(
            run,
            on_success=self._previewed,
            on_failure=self._failed,
            key=self._key,
            owner=self,
            label="import preview",
        )

    def _previewed(self, result: tuple[TablePreview, str | None]) -> None:
        table, problem = result
        self._show_columns(table)
        self._show_preview(table)
        problem = table.problem or problem
        if problem is None:
            errors = self.preview_model.errors()
            if errors:
                # the check page lists every row in error; here the first rows show it
                self.status.setText(
                    ngettext(
                        "{count} of the first rows cannot be imported (in red): see why in its last column.",
                        "{count} of the first rows cannot be imported (in red): see why in their last column.",
                        len(errors),
                    ).format(count=len(errors))
                )
                self._set_problem(None, keep_text=True)
            else:
                self._set_problem(None)
                self.status.setText(
                    _("The first rows read well. Encoding: {encoding}.").format(
                        encoding=table.encoding or "—"
                    )
                )
        else:
            self._set_problem(problem)
        self.previewed.emit(table)

    def _show_preview(self, table: TablePreview) -> None:
        self._preview = table
        self.preview_model.set_preview(table)
        self.preview_table.resizeColumnsToContents()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, InkasoError):
            self._set_problem(exc.message)
        else:
            self._set_problem(_("The file could not be read."))
            show_error(exc, self)
        self.previewed.emit(None)

    def _set_problem(self, problem: str | None, *, keep_text: bool = False) -> None:
        self._problem = problem
        if not keep_text:
            self.status.setText(problem or "")
        pal = self.status.palette()
        pal.setColor(
            self.status.foregroundRole(),
            theme.overdue_text() if problem else self.palette().color(self.foregroundRole()),
        )
        self.status.setPalette(pal)
        self.save_button.setEnabled(problem is None)
        self.completeChanged.emit()

    # -- saving --------------------------------------------------------------------------------

    def _ask_name(self) -> None:
        current = self.preset.currentData() or ""
        name, ok = QInputDialog.getText(
            self,
            _("Save mapping"),
            _(
                "Name (lower-case letters, digits, '-' and '_'; next time it is offered for files like this):"
            ),
            text=current if current and current not in PRESETS else "",
        )
        if ok and name.strip():
            self.save_as(name)

    def save_as(self, name: str) -> None:
        """Save the page's mapping under ``name`` (the question was answered, or a test asked)."""
        db: Database = self._wizard.db
        try:
            mapping = self.mapping()
        except ValidationError as exc:
            self._set_problem(exc.message)
            return

        def saved(chosen: str) -> None:
            self._mappings[chosen] = dataclasses.replace(mapping, name=chosen)
            self._filling = True
            index = self.preset.findData(chosen)
            if index < 0:
                self.preset.addItem(chosen, chosen)
                index = self.preset.count() - 1
            self.preset.setCurrentIndex(index)
            self._filling = False
            self.status.setText(_("Saved as mapping {name}.").format(name=chosen))
            self.saved.emit(chosen)

        self._wizard.ops.write(
            lambda: import_mappings.save_mapping(db, mapping, name=name),
            changes=Change.SETTINGS,
            on_success=saved,
            owner=self,
            label="save import mapping",
        )
