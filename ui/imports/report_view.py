"""What an import would do or did: the counts in one line, and the problems in a table."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from desktop_app.i18n import _, ngettext
from ui.imports.problems_model import COLUMN, Problem, ProblemsModel
from ui.widgets.tables import setup_list_table


def problems_of(report: Any) -> list[Problem]:
    """The report's refused files first (what needs the user), then what was skipped on purpose."""
    problems = [
        Problem(
            file=str(error.file),
            line="" if error.line is None else str(error.line),
            field=str(error.field or ""),
            message=str(error.message),
        )
        for error in report.errors
    ]
    # skipped on purpose (a purchase invoice), and what a file says it left out (a statement's
    # debits): shown, not faults
    problems += [
        Problem(file=str(item.file), line="", field="", message=str(item.reason), skipped=True)
        for item in (*report.skipped, *report.notes)
    ]
    return problems


def counts_text(report: Any, *, dry_run: bool) -> str:
    """One sentence of counts, worded for a check ("would be") or for what was done."""
    if not report.files:
        return _("There is nothing to import here: no file of this format was found.")
    if dry_run:
        head = _("If imported now: {created} new, {updated} updated, {unchanged} unchanged.")
    else:
        head = _("Imported: {created} new, {updated} updated, {unchanged} unchanged.")
    parts = [
        head.format(created=report.created, updated=report.updated, unchanged=report.unchanged)
    ]
    if report.skipped:
        parts.append(
            ngettext("{count} item skipped.", "{count} items skipped.", len(report.skipped)).format(
                count=len(report.skipped)
            )
        )
    if report.errors:
        refused = len({error.file for error in report.errors})
        parts.append(
            ngettext(
                "{count} file refused: nothing of it is imported.",
                "{count} files refused: nothing of them is imported.",
                refused,
            ).format(count=refused)
        )
    return " ".join(parts)


class ReportView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counts = QLabel()
        self.counts.setWordWrap(True)
        self.counts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.model = ProblemsModel(self)
        self.table = QTableView()
        header = setup_list_table(self.table, self.model, name=_("Problems"))
        header.setSortIndicatorShown(False)
        header.setSectionsClickable(False)
        header.setSectionResizeMode(COLUMN["message"], QHeaderView.ResizeMode.Stretch)
        metrics = self.table.fontMetrics()
        header.resizeSection(COLUMN["file"], metrics.horizontalAdvance("faktury_2026-11.csv") + 24)
        header.resizeSection(COLUMN["line"], metrics.horizontalAdvance("/Faktura/Fa[2]") + 24)
        header.resizeSection(COLUMN["field"], metrics.horizontalAdvance("Termin płatności") + 24)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.counts)
        layout.addWidget(self.table, 1)
        self.clear()

    def clear(self) -> None:
        self.counts.setText("")
        self.model.set_problems([])
        self.table.hide()

    def show_report(self, report: Any, *, dry_run: bool) -> None:
        self.counts.setText(counts_text(report, dry_run=dry_run))
        problems = problems_of(report)
        self.model.set_problems(problems)
        self.table.setVisible(bool(problems))
