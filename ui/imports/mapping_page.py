"""The wizard's page for tables (CSV, XLSX): which column holds which field, with a live preview."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget, QWizardPage

from desktop_app.i18n import _
from desktop_app.importers.formats import ParseOptions

if TYPE_CHECKING:
    from ui.imports.wizard import ImportWizard

#: the formats read through a column mapping
TABULAR = frozenset({"csv", "xlsx", "bank-csv"})


class MappingPage(QWizardPage):
    def __init__(self, wizard: ImportWizard, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._wizard = wizard
        self.setTitle(_("Columns"))

    def options(self, options: ParseOptions) -> ParseOptions:
        return options
