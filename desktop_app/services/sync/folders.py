"""Watched folders: a file dropped into a source's folder is imported once (issue 7, item 5).

A folder per source (``import.folders``: ksef, jpk, csv, xlsx, bank, with the CSV/XLSX column
mapping from ``import.mappings``). Only files right in the folder are read, not subfolders, and
only once they have not changed for ``SETTLE_SECONDS`` (a bank export still being copied is
left for the next run). Each file is imported on its own, all or nothing, and remembered by its
content (table ``imported_file``), so it is never imported twice, even under another name; a
file still at the same path with the same size and time is known without reading it again.
With ``import.after`` = move (the default) it then goes to the folder's ``imported``
subfolder, or ``refused`` when it could not be imported (the reason is in the report and
the log); with ``keep`` it stays where it is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from db.models import ImportedFile
from db.uow import Database
from desktop_app.i18n import _
from desktop_app.importers.formats import ParseOptions
from desktop_app.services.imports import ImportReport, import_paths
from desktop_app.services.imports.run import group_formats

log = logging.getLogger(__name__)

IMPORTED = "imported"
REFUSED = "refused"
#: a file changed more recently than this may still be being written
SETTLE_SECONDS = 10.0


@dataclass
class FolderResult:
    source: str
    folder: str
    #: one report per file imported (refused ones included), by file name
    files: dict[str, ImportReport] = field(default_factory=dict)
    #: a problem with the folder itself (missing, unreadable)
    problem: str | None = None


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def _move(path: Path, subfolder: str) -> None:
    target_dir = path.parent / subfolder
    target_dir.mkdir(exist_ok=True)
    target = target_dir / path.name
    n = 2
    while target.exists():
        target = target_dir / f"{path.stem} ({n}){path.suffix}"
        n += 1
    shutil.move(str(path), str(target))


def waiting_files(folder: Path, source: str, *, settle: float = SETTLE_SECONDS) -> list[Path]:
    """Files of the source's formats right in the folder, settled, oldest name first."""
    suffixes = {s for f in group_formats(source) for s in f.suffixes}
    now = time.time()
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and p.suffix.lower() in suffixes
        and not p.name.startswith(".")
        and now - p.stat().st_mtime >= settle
    )


def import_folder(
    db: Database,
    source: str,
    folder: str,
    *,
    today: dt.date,
    mapping: str | None = None,
    after: str = "move",
    actor: str | None = None,
    settle: float = SETTLE_SECONDS,
) -> FolderResult:
    result = FolderResult(source, folder)
    path = Path(folder)
    if not path.is_dir():
        result.problem = _("The watched folder {folder} of {source} does not exist").format(
            folder=folder, source=source
        )
        return result
    try:
        files = waiting_files(path, source, settle=settle)
    except OSError as exc:
        result.problem = _("The watched folder {folder} cannot be read: {reason}").format(
            folder=folder, reason=exc.strerror or exc
        )
        return result
    for file in files:
        try:
            _one(db, result, file, today=today, mapping=mapping, after=after, actor=actor)
        except OSError as exc:
            # a file locked by the program writing it, or gone meanwhile: the next run retries
            log.warning("watched file %s not imported: %s", file, exc)
    return result


def _one(
    db: Database,
    result: FolderResult,
    file: Path,
    *,
    today: dt.date,
    mapping: str | None,
    after: str,
    actor: str | None,
) -> None:
    stat = file.stat()
    with db.read() as session:
        # the same path, size and time as a file read before: no need to read it again
        unchanged = session.scalar(
            select(ImportedFile.id).where(
                ImportedFile.source == result.source,
                ImportedFile.path == str(file),
                ImportedFile.size == stat.st_size,
                ImportedFile.mtime_ns == stat.st_mtime_ns,
            )
        )
        digest = _digest(file) if unchanged is None else ""
        seen = unchanged or session.scalar(
            select(ImportedFile.id).where(
                ImportedFile.source == result.source, ImportedFile.sha256 == digest
            )
        )
    if seen is not None:
        if after == "move":
            _move(file, IMPORTED)
        return
    report = import_paths(
        db,
        [file],
        result.source,
        ParseOptions(mapping=mapping),
        dry_run=False,
        today=today,
        actor=actor,
    )
    refused = report.errors[0].message if report.errors else None
    with db.write() as session:
        session.add(
            ImportedFile(
                source=result.source,
                sha256=digest,
                path=str(file),
                size=stat.st_size,
                mtime_ns=stat.st_mtime_ns,
                refused=refused,
            )
        )
    result.files[file.name] = report
    if refused:
        log.warning("watched file %s refused: %s", file, refused)
    if after == "move":
        _move(file, REFUSED if refused else IMPORTED)
