"""Import files and folders: find the files, parse each, write each all or nothing, report.

Each file is its own write transaction: a refused file leaves the database as it was and is
listed with the place and field at fault, and the other files are still imported. A dry run
writes everything in one transaction (each file in a savepoint, so a correction can find the
invoice another file of the run would create) and rolls it back at the end.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from db.uow import Database
from desktop_app.errors import DatabaseError, InkasoError, ValidationError
from desktop_app.i18n import _
from desktop_app.importers import formats
from desktop_app.importers.formats import Format, ParseOptions
from desktop_app.importers.records import ImportFileError, ParsedFile, Where
from desktop_app.services import bank, import_mappings
from desktop_app.services import firm as firm_service
from desktop_app.services.imports import bulk
from desktop_app.services.imports.report import Counts, FileError, ImportReport, SkippedItem
from desktop_app.services.imports.upsert import MissingOriginalError, upsert

log = logging.getLogger(__name__)

#: called after each file with (files done, files in all)
Progress = Callable[[int, int], None]

#: files written in one transaction, each in its own savepoint: a refused file is rolled back
#: alone, and the commit (the expensive part of a small write) is shared
BATCH_FILES = 200

#: how much of a file a format's sniff sees
SNIFF_BYTES = 64 * 1024


class _RollBackError(Exception):
    """Ends a dry run's transaction without committing it."""


def group_formats(group: str) -> list[Format]:
    found = [f for f in formats.all_formats().values() if f.group == group]
    if not found:
        raise ValidationError(
            _("Unknown import format {group}").format(group=group), field="format"
        )
    return found


def detect(path: Path | str) -> str | None:
    """The name of the format a file looks like (by its first bytes, then its suffix), or None."""
    file = Path(path)
    try:
        with file.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError:
        return None
    return _detect_among(file, head, list(formats.all_formats().values()))


def _detect_among(file: Path, head: bytes, candidates: Sequence[Format]) -> str | None:
    for fmt in candidates:
        try:
            if fmt.sniff(head):
                return fmt.name
        except Exception:  # a sniff must never stop detection of the others
            log.exception("sniff of %s failed on %s", fmt.name, file)
    return None


def parse_path(path: Path | str, fmt: str, options: ParseOptions) -> ParsedFile:
    """One file parsed by the named format; an ImportFileError names what is wrong and where."""
    file = Path(path)
    chosen = formats.all_formats().get(fmt)
    if chosen is None:
        raise ValidationError(_("Unknown import format {group}").format(group=fmt), field="format")
    try:
        return chosen.parse(file, options)
    except ImportFileError:
        raise
    except OSError as exc:
        raise ImportFileError(
            _("The file cannot be read: {reason}").format(reason=exc.strerror or exc),
            Where(str(file)),
        ) from None
    except ValidationError as exc:
        raise ImportFileError(exc.message, Where(str(file)), field=exc.field) from None
    except Exception:
        # a parser's bug must not take the other files down, nor show a traceback
        log.exception("the %s parser failed on %s", fmt, file)
        raise ImportFileError(
            _("The file could not be read as {format}; the details are in the log file").format(
                format=fmt
            ),
            Where(str(file)),
        ) from None


def expand(paths: Iterable[Path | str], candidates: Sequence[Format]) -> list[Path]:
    """Files named, and inside folders (recursively) the files with a suffix of the formats."""
    suffixes = {s for f in candidates for s in f.suffixes}
    found: list[Path] = []
    for entry in paths:
        path = Path(entry)
        if path.is_dir():
            for folder, dirs, names in os.walk(path):
                dirs.sort()
                base = Path(folder)
                found.extend(
                    base / n
                    for n in sorted(names)
                    if os.path.splitext(n)[1].lower() in suffixes  # noqa: PTH122 - a Path each is slow
                )
        elif path.exists():
            found.append(path)
        else:
            raise ValidationError(_("{path} does not exist").format(path=path), field="path")
    return found


def import_paths(
    db: Database,
    paths: Sequence[Path | str],
    format_group: str,
    options: ParseOptions,
    *,
    dry_run: bool,
    today: dt.date,
    actor: str | None = None,
    progress: Progress | None = None,
    bulk: bool = True,
) -> ImportReport:
    """Import files and folders of one group ("ksef", "jpk", "csv", "xlsx", "bank", ...).

    ``bulk=False`` writes every file through the one-by-one upsert: the reference the bulk path
    is tested against (both give the same rows)."""
    candidates = group_formats(format_group)
    files = expand(paths, candidates)
    if options.firm_nip is None:
        firm = firm_service.get_firm(db)
        options = dataclasses.replace(options, firm_nip=firm.nip if firm else None)
    if options.today is None:
        options = dataclasses.replace(options, today=today)
    if options.mapping and options.column_mapping is None:
        # a saved mapping lives in the database, which the pure parsers never read
        mapping = import_mappings.resolve_mapping(db, options.mapping)
        options = dataclasses.replace(options, column_mapping=mapping)
    report = ImportReport(dry_run=dry_run)
    runner = _Runner(db, candidates, options, actor, report, len(files), progress, bulk)
    if dry_run:
        try:
            with db.write() as session:
                runner.run(files, session)
                raise _RollBackError
        except _RollBackError:
            pass
    else:
        runner.run(files, None)
    return report


@dataclasses.dataclass
class _Runner:
    db: Database
    candidates: Sequence[Format]
    options: ParseOptions
    actor: str | None
    report: ImportReport
    total: int
    progress: Progress | None
    bulk: bool = True
    done: int = 0

    def run(self, files: Sequence[Path], session: Session | None) -> None:
        waiting: list[ParsedFile] = []
        if session is not None:
            self.chunk(files, session, waiting)
        else:
            for start in range(0, len(files), BATCH_FILES):
                with self.db.write() as own:
                    self.chunk(files[start : start + BATCH_FILES], own, waiting)
        if waiting:
            # corrections whose invoice came in a later file of the same run
            if session is not None:
                self.chunk_parsed(waiting, session)
            else:
                with self.db.write() as own:
                    self.chunk_parsed(waiting, own)

    def chunk(self, files: Sequence[Path], session: Session, waiting: list[ParsedFile]) -> None:
        parsed = [p for p in (self.parse(f) for f in files) if p is not None]
        others: Sequence[ParsedFile] = parsed
        written: dict[int, ParsedFile] = {}
        if self.bulk and parsed:
            batch = bulk.Batch(session, self.actor)
            batch.plan(parsed)
            try:
                with session.begin_nested():
                    results = batch.write()
            except (InkasoError, SQLAlchemyError):
                # a fault the checks did not foresee: every file of the batch one by one, so the
                # refused one is named and the others are written
                log.exception(
                    "bulk import of %d files failed; writing them one by one", len(parsed)
                )
            else:
                others = batch.others
                for done, counts in results:
                    self.report.add(counts)
                    written[id(done)] = done
                    self.step()
        for one in others:
            outcome = self.write(one, session, defer=True)
            if outcome is None:
                waiting.append(one)
                continue
            if outcome:
                written[id(one)] = one
            self.step()
        for one in parsed:  # what files skipped, in the files' order
            if id(one) in written:
                self.accepted(one)

    def accepted(self, parsed: ParsedFile) -> None:
        self.report.skipped.extend(SkippedItem(s.where.file, s.reason) for s in parsed.skipped)
        self.report.notes.extend(SkippedItem(parsed.path, n) for n in parsed.notes)

    def chunk_parsed(self, waiting: Sequence[ParsedFile], session: Session) -> None:
        for parsed in waiting:
            if self.write(parsed, session, defer=False):
                self.accepted(parsed)
            self.step()

    def step(self) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total)

    def parse(self, file: Path) -> ParsedFile | None:
        self.report.files += 1
        try:
            fmt = self.format_of(file)
            return parse_path(file, fmt.name, self.options)
        except ImportFileError as exc:
            self.report.errors.append(FileError.of(exc))
            return None

    def format_of(self, file: Path) -> Format:
        if len(self.candidates) == 1:
            return self.candidates[0]
        try:
            with file.open("rb") as handle:
                head = handle.read(SNIFF_BYTES)
        except OSError as exc:
            raise ImportFileError(
                _("The file cannot be read: {reason}").format(reason=exc.strerror or exc),
                Where(str(file)),
            ) from None
        name = _detect_among(file, head, self.candidates)
        if name is None:
            by_suffix = [f for f in self.candidates if file.suffix.lower() in f.suffixes]
            if len(by_suffix) == 1:
                return by_suffix[0]
            raise ImportFileError(
                _("The file is not in any of the formats {formats}").format(
                    formats=", ".join(f.name for f in self.candidates)
                ),
                Where(str(file)),
            )
        return formats.all_formats()[name]

    def bank_lines(self, parsed: ParsedFile, session: Session) -> Counts:
        """A statement's credits become payments, matched where the rules can tell."""
        assert self.options.today is not None  # import_paths sets it
        recorded = bank.record_bank_lines(
            session, parsed.bank_lines, today=self.options.today, actor=self.actor
        )
        return Counts(created=recorded.created, unchanged=recorded.unchanged, changes=bank.CHANGES)

    def write(self, parsed: ParsedFile, session: Session, *, defer: bool) -> bool | None:
        """True: written; False: refused (in the report); None: the file waits for the rest of
        the run (a correction before its invoice)."""
        try:
            with session.begin_nested():
                counts = upsert(session, parsed, actor=self.actor)
                if parsed.bank_lines:
                    counts.add(self.bank_lines(parsed, session))
        except MissingOriginalError as exc:
            if defer:
                return None
            self.report.errors.append(FileError.of(exc))
            return False
        except ImportFileError as exc:
            self.report.errors.append(FileError.of(exc))
            return False
        except DatabaseError:
            raise  # busy, full or damaged: no other file would fare better
        except InkasoError as exc:
            self.report.errors.append(
                FileError.of(ImportFileError(exc.message, Where(parsed.path), field=exc.field))
            )
            return False
        self.report.add(counts)
        self.report.notes.extend(SkippedItem(parsed.path, n) for n in counts.notes)
        return True
