"""File → Import…: a file or a folder, its format, for tables the column mapping, a check that
saves nothing, then the import with a progress bar and its result.

Every page calls the one import service (``desktop_app.services.imports``) through the
operations; the wizard only collects what the user chose into an :class:`ImportJob`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QWidget, QWizard

from db.uow import Database
from desktop_app.i18n import _
from desktop_app.importers.formats import ParseOptions, all_formats
from desktop_app.services.imports import ImportReport, import_paths
from resources import resource_path
from ui import theme
from ui.imports.check_page import CheckPage
from ui.imports.mapping_page import TABULAR, MappingPage
from ui.imports.run_page import RunPage
from ui.imports.source_page import SourcePage
from ui.operations import Operations

ProgressCallback = Callable[..., None]


@dataclass(frozen=True)
class ImportJob:
    """What the user chose, ready to hand to the import service on a worker thread."""

    db: Database
    path: Path
    format: str
    group: str
    options: ParseOptions
    today: dt.date

    def run(self, *, dry_run: bool, progress: ProgressCallback | None) -> ImportReport:
        return import_paths(
            self.db,
            [self.path],
            self.group,
            self.options,
            dry_run=dry_run,
            today=self.today,
            actor=None,
            progress=progress,
        )


class ImportWizard(QWizard):
    SOURCE, MAPPING, CHECK, RUN = range(4)

    def __init__(
        self,
        db: Database,
        ops: Operations,
        *,
        today: Callable[[], dt.date],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.ops = ops
        self._today = today
        self.setWindowTitle(_("Import"))
        self.setWindowIcon(QIcon(str(resource_path("icons", "inkaso.svg"))))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, False)
        self.source_page = SourcePage(ops)
        self.mapping_page = MappingPage(self)
        self.check_page = CheckPage(self)
        self.run_page = RunPage(self)
        self.setPage(self.SOURCE, self.source_page)
        self.setPage(self.MAPPING, self.mapping_page)
        self.setPage(self.CHECK, self.check_page)
        self.setPage(self.RUN, self.run_page)
        self.setStartId(self.SOURCE)
        self.resize(theme.fitting_size(QSize(1100, 760)))

    def nextId(self) -> int:
        current = self.currentId()
        if current == self.SOURCE:
            return self.MAPPING if self.needs_mapping() else self.CHECK
        if current == self.MAPPING:
            return self.CHECK
        if current == self.CHECK:
            return self.RUN
        return -1

    def needs_mapping(self) -> bool:
        return self.source_page.format_name() in TABULAR

    def job(self) -> ImportJob:
        path = self.source_page.path()
        name = self.source_page.format_name()
        assert path is not None and name is not None  # the source page is complete
        options = ParseOptions(today=self._today())
        if self.needs_mapping():
            options = self.mapping_page.options(options)
        return ImportJob(
            db=self.db,
            path=path,
            format=name,
            group=all_formats()[name].group,
            options=options,
            today=self._today(),
        )

    def reject(self) -> None:
        """Cancel: while importing it stops the import (the wizard stays to say what was done)."""
        if self.run_page.running:
            self.run_page.stop()
            return
        # a check saves nothing: it is stopped and the wizard closes at once
        self.check_page.stop()
        super().reject()

    def sizeHint(self) -> QSize:
        return QSize(1100, 760)
