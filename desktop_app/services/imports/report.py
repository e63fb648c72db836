"""What an import did: counts, what was skipped and why, which files were refused and where."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from desktop_app.changes import Change
from desktop_app.importers.records import ImportFileError


@dataclass(frozen=True)
class SkippedItem:
    file: str
    reason: str


@dataclass(frozen=True)
class FileError:
    """A refused file: nothing of it was written. ``line`` is a line number or an XPath."""

    file: str
    line: int | str | None
    field: str | None
    message: str

    @classmethod
    def of(cls, exc: ImportFileError) -> FileError:
        where = exc.where
        return cls(
            where.file,
            where.line if where.line is not None else where.xpath,
            exc.field,
            exc.message,
        )


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    #: invoices (and corrections) written or found unchanged, for speed figures
    invoices: int = 0
    changes: Change = Change.NONE
    #: what the file's records did that a person should know (a kept edit)
    notes: list[str] = field(default_factory=list)

    def add(self, other: Counts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.invoices += other.invoices
        self.changes |= other.changes
        self.notes.extend(other.notes)


@dataclass
class ImportReport:
    """Counts are of records (contractors, invoices and corrections, payments) across files."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[SkippedItem] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    #: files read (imported, refused or with nothing to import)
    files: int = 0
    invoices: int = 0
    notes: list[SkippedItem] = field(default_factory=list)
    dry_run: bool = False
    #: the kinds of data written, for the front end to announce
    changes: Change = Change.NONE

    def add(self, counts: Counts) -> None:
        self.created += counts.created
        self.updated += counts.updated
        self.unchanged += counts.unchanged
        self.invoices += counts.invoices
        if not self.dry_run:
            self.changes |= counts.changes

    def to_json(self) -> dict[str, Any]:
        """The shape the CLI's ``--json`` prints (issue 7)."""
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": [{"file": s.file, "reason": s.reason} for s in self.skipped],
            "errors": [
                {"file": e.file, "line": e.line, "field": e.field, "message": e.message}
                for e in self.errors
            ],
        }
