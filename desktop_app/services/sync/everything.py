"""One automatic import: every configured source, each on its own.

The scheduler's import job and every dunning run (before it plans) call :func:`import_all`.
A source that fails (KSeF down, a wrong 1C password, a missing folder) is logged and reported
as one sentence; the other sources, and the dunning run, go on.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from db.uow import Database
from desktop_app.changes import Change
from desktop_app.errors import InkasoError
from desktop_app.i18n import _
from desktop_app.secrets import get_secret
from desktop_app.services.imports import ImportReport
from desktop_app.services.sync import folders as folders_service
from desktop_app.services.sync import ksef_api, onec
from desktop_app.settings import Snapshot

log = logging.getLogger(__name__)
SecretReader = Callable[[str], str | None]


@dataclass
class SourceResult:
    #: "ksef-api", "1c", or "folder:ksef", "folder:bank", ...
    source: str
    report: ImportReport = field(default_factory=ImportReport)
    #: why the source could not be imported at all (None: it was)
    error: str | None = None


@dataclass
class SyncReport:
    sources: list[SourceResult] = field(default_factory=list)

    @property
    def changes(self) -> Change:
        found = Change.NONE
        for result in self.sources:
            found |= result.report.changes
        return found

    def counts(self) -> dict[str, int]:
        return {
            "created": sum(r.report.created for r in self.sources),
            "updated": sum(r.report.updated for r in self.sources),
            "unchanged": sum(r.report.unchanged for r in self.sources),
        }

    def problems(self) -> list[str]:
        """Sentences for the user: sources that failed, files and invoices refused."""
        lines: list[str] = []
        for result in self.sources:
            if result.error:
                lines.append(
                    _("Import from {source} failed: {problem}").format(
                        source=result.source, problem=result.error
                    )
                )
            lines.extend(
                _("Import from {source}: {file} refused: {problem}").format(
                    source=result.source, file=e.file, problem=e.message
                )
                for e in result.report.errors
            )
        return lines

    def to_json(self) -> dict[str, object]:
        return {
            **self.counts(),
            "sources": [
                {"source": r.source, "error": r.error, **r.report.to_json()} for r in self.sources
            ],
        }


def import_all(
    db: Database,
    *,
    today: dt.date,
    actor: str | None = "scheduler",
    secret: SecretReader = get_secret,
    settle: float = folders_service.SETTLE_SECONDS,
) -> SyncReport:
    settings = Snapshot.load(db)
    report = SyncReport()
    mappings = settings["import.mappings"]
    for source, folder in settings["import.folders"].items():
        watch = functools.partial(
            folders_service.import_folder,
            db,
            source,
            folder,
            today=today,
            mapping=mappings.get(source),
            after=str(settings["import.after"]),
            actor=actor,
            settle=settle,
        )
        report.sources.append(_guarded(f"folder:{source}", functools.partial(_folder, watch)))
    if settings["ksef.auto"]:
        report.sources.append(
            _guarded(
                "ksef-api",
                lambda: ksef_api.sync_ksef(db, today=today, actor=actor, secret=secret),
            )
        )
    if settings["1c.auto"] and onec.configured(settings):
        report.sources.append(
            _guarded("1c", lambda: onec.sync_1c(db, today=today, actor=actor, secret=secret))
        )
    return report


def _folder(watch: Callable[[], folders_service.FolderResult]) -> SourceResult:
    result = watch()
    merged = SourceResult(f"folder:{result.source}", error=result.problem)
    for file_report in result.files.values():
        _merge(merged.report, file_report)
    return merged


def _guarded(source: str, run: Callable[[], ImportReport | SourceResult]) -> SourceResult:
    try:
        done = run()
        return done if isinstance(done, SourceResult) else SourceResult(source, done)
    except InkasoError as exc:
        log.warning("automatic import from %s failed: %s", source, exc.message)
        return SourceResult(source, error=exc.message)
    except Exception:
        # a bug in one source must not stop the others nor the dunning run after them
        log.exception("automatic import from %s failed", source)
        return SourceResult(source, error=_("an unexpected error; the details are in the log"))


def _merge(into: ImportReport, other: ImportReport) -> None:
    into.created += other.created
    into.updated += other.updated
    into.unchanged += other.unchanged
    into.invoices += other.invoices
    into.files += other.files
    into.changes |= other.changes
    into.skipped.extend(other.skipped)
    into.errors.extend(other.errors)
    into.notes.extend(other.notes)
