"""The "Owed to us" report as one use case: read the aging with its filters, group it, and write
it to an XLSX or PDF file with the firm's name on top (the window and the CLI both call this)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from db.uow import Database
from desktop_app.domain.aging import AgingBuckets
from desktop_app.errors import ValidationError
from desktop_app.i18n import _
from desktop_app.reports.owed import By, OwedTable, owed_table
from desktop_app.reports.pdf import write_pdf
from desktop_app.reports.xlsx import write_xlsx
from desktop_app.services.aging_report import AgingFilter, aging_report
from desktop_app.services.firm import get_firm


def owed(
    db: Database,
    as_of: dt.date,
    by: By = By.CONTRACTOR,
    filters: AgingFilter | None = None,
    buckets: AgingBuckets | None = None,
) -> OwedTable:
    return owed_table(aging_report(db, as_of, buckets, filters), by)


def export(db: Database, table: OwedTable, path: Path) -> Path:
    """Writes ``table`` as XLSX or PDF, chosen by the file's suffix; a half-written file is never
    left under the name asked for."""
    firm = get_firm(db)
    name = firm.name if firm is not None else ""
    home = firm.home_currency if firm is not None else ""
    kind = path.suffix.lower()
    if kind not in {".xlsx", ".pdf"}:
        raise ValidationError(
            _("{path}: the report can be saved as .xlsx or .pdf").format(path=str(path)),
            field="file",
        )
    temp = path.with_name(path.name + ".part")
    try:
        if kind == ".xlsx":
            write_xlsx(table, temp, firm=name, home=home)
        else:
            write_pdf(table, temp, firm=name, home=home)
        temp.replace(path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise ValidationError(
            _("Cannot write {path}: {reason}").format(path=str(path), reason=exc.strerror or exc),
            field="file",
        ) from exc
    return path
