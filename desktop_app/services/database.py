"""Open the user's database: find it, refuse what we cannot use, back it up, migrate it."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, DBAPIError

from db import migrate
from db.engine import busy_timeout_seconds, make_engine, sqlite_path, to_url
from db.uow import Database
from desktop_app.errors import DatabaseError, InkasoError
from desktop_app.i18n import _
from desktop_app.paths import default_database_path
from desktop_app.services import audit, backup, column_limits, db_faults
from desktop_app.services.bank import number_index  # noqa: F401  (keeps invoice number keys)
from desktop_app.services.dunning import scenarios

log = logging.getLogger(__name__)


def resolve_target(target: str | Path | None) -> tuple[URL, bool]:
    """(URL, is_default_location): ``--db`` wins, then ``INKASO_DB``, then the user data dir."""
    chosen = target if target else os.environ.get("INKASO_DB")
    if not chosen:
        return to_url(default_database_path()), True
    try:
        return to_url(chosen), False
    except ArgumentError as exc:
        raise DatabaseError(
            _("Not a database path or URL: {target}").format(target=chosen)
        ) from exc


def _check_sqlite_file(path: Path, *, default_location: bool) -> None:
    if path.is_dir():
        raise DatabaseError(_("{path} is a folder, not a database file").format(path=path))
    if not path.parent.is_dir():
        if not default_location:
            raise DatabaseError(
                _("Cannot open the database {path}: the folder does not exist").format(path=path)
            )
        path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        if not path.is_file():
            raise DatabaseError(_("{path} is not a database file").format(path=path))
        if not os.access(path, os.R_OK | os.W_OK):
            raise DatabaseError(
                _("Cannot open the database {path}: no permission to read and write it").format(
                    path=path
                )
            )
        if path.stat().st_size > 0:
            _check_contents(path)
        elif not default_location:
            # A file the user named that holds nothing: a failed copy or the wrong name, most
            # likely. Quietly making it a new, empty database would hide the mistake (and look
            # like lost data); only our own default file, interrupted while it was first being
            # created, is (re)initialised: it cannot hold anything a person put there.
            raise DatabaseError(
                _(
                    "{path} is an empty file (0 bytes), not a database; delete it to "
                    "start a new database there, or choose another file"
                ).format(path=path)
            )
    elif not os.access(path.parent, os.W_OK):
        raise DatabaseError(
            _("Cannot create the database {path}: the folder is not writable").format(path=path)
        )


def _check_contents(path: Path) -> None:
    """Ask SQLite itself, read-only, whether this is a database and an undamaged one
    (``PRAGMA quick_check``: every page readable and well-formed, in O(N)).

    Never open() the file here: closing any descriptor of a database file drops every POSIX
    lock this process holds on it, SQLite's included, which is the classic way to corrupt a
    database that other connections are using."""
    url = to_url(path)
    problems = check_integrity(path, quick=True, url=url)
    if problems:
        log.error("quick_check of %s: %s", path, problems)
        raise db_faults.damaged(url, problems[0])


def check_integrity(path: Path, *, quick: bool = False, url: URL | None = None) -> list[str]:
    """SQLite's own verdict on the file: [] when sound, else its list of problems.

    ``quick`` is PRAGMA quick_check (at every start); without it PRAGMA integrity_check, which
    also compares indexes with their tables (before a backup). Faults that stop the check
    (busy, not a database, files that cannot be created) are raised as their sentences."""
    pragma = "quick_check" if quick else "integrity_check"
    target = url or to_url(path)
    try:
        probe = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=busy_timeout_seconds()
        )
        try:
            rows = [str(r[0]) for r in probe.execute(f"PRAGMA {pragma}").fetchall()]
        finally:
            probe.close()
    except sqlite3.Error as exc:
        if db_faults.sqlite_kind(exc) == "damaged":
            return [str(exc)]
        explained = db_faults.explain_fault(exc, target)
        if explained is exc:
            explained = DatabaseError(
                _("Cannot open the database {target}: {error}").format(target=path, error=exc)
            )
        raise explained from exc
    return [] if rows == ["ok"] else rows


def backup_sqlite(path: Path, label: str, folder: Path | None = None) -> Path:
    """A consistent copy in the backup folder (the SQLite backup API copes with WAL); a damaged
    file is refused rather than copied, so a backup is always one that can be restored."""
    problems = check_integrity(path)
    if problems:
        log.error("integrity_check of %s: %s", path, problems)
        raise db_faults.damaged(to_url(path), problems[0])
    target_folder = folder if folder is not None else backup.configured_folder(to_url(path))
    target = backup.backup_file(path, target_folder, dt.datetime.now(), f"before-{label}")
    log.info("backed up %s to %s before migrating", path, target)
    return target


def open_database(target: str | Path | None = None, *, upgrade: bool = True) -> Database:
    """Open, check and (by default) migrate the database to the version this program knows."""
    url, default_location = resolve_target(target)
    path = sqlite_path(url)
    if path is not None:
        _check_sqlite_file(path, default_location=default_location)
    explain = db_faults.explainer(url)
    engine = make_engine(url)
    try:
        current = migrate.current_revision(engine)
        if current is None and migrate.has_foreign_tables(engine):
            raise DatabaseError(_("{target} is not an Inkaso database").format(target=_shown(url)))
        if current is not None and current not in migrate.known_revisions():
            raise DatabaseError(
                _(
                    "The database {target} was written by a newer version of Inkaso; "
                    "install the newer version to open it"
                ).format(target=_shown(url))
            )
        head = migrate.head_revision()
        if upgrade and current != head:
            if path is not None and current is not None:
                backup_sqlite(path, current)
            log.info("migrating %s from %s to %s", _shown(url), current, head)
            migrate.upgrade(engine)
        database = Database(
            engine=engine,
            url=url,
            explain=explain,
            flush_checks=(column_limits.check_session,),
        )
        if upgrade:
            # seeding happens here, once, so that reading the scenarios never writes
            scenarios.seed_presets(database)
    except InkasoError:  # already the user's sentence (seeding may meet a busy database too)
        engine.dispose()
        raise
    except Exception as exc:
        engine.dispose()
        explained = explain(exc)
        if explained is not exc:
            raise explained from exc
        if not isinstance(exc, DBAPIError):
            raise
        log.exception("cannot open database %s", _shown(url))
        raise DatabaseError(
            _("Cannot open the database {target}: {error}").format(
                target=_shown(url), error=str(exc.orig).strip() if exc.orig else exc
            )
        ) from exc
    return database


def restore_in_place(
    db: Database,
    source: Path,
    now: dt.datetime,
    hold: Callable[[], AbstractContextManager[object]] = contextlib.nullcontext,
) -> backup.Restored:
    """Restore a backup into the database this program has open (the GUI's Restore…).

    ``hold`` keeps the scheduler's jobs off the database meanwhile. The pooled connections are
    closed before (none holds the file) and after (none remembers the old content); the restored
    copy, maybe from an older version, is then opened once more so that it is migrated now."""
    path = sqlite_path(db.url)
    if path is not None:
        # before anything is held or closed: closing the last connection checkpoints the WAL,
        # and a refused file must leave the database file exactly as it was
        backup.check_restorable(source)
    with hold():
        db.engine.dispose()
        done = backup.restore(db.url, source, now)
        db.engine.dispose()
        note_restore(db.url, source)
    return done


def restore_file(url: URL, source: Path, now: dt.datetime) -> backup.Restored:
    """Restore a backup into a database nobody has open (``inkaso restore``): it is not
    opened first, as it may be the damaged file being replaced."""
    done = backup.restore(url, source, now)
    note_restore(url, source)
    return done


def note_restore(url: URL, source: Path) -> None:
    """The restored copy, maybe from an older version, is opened once, so that it is migrated
    now, and keeps in its own audit trail that it was restored (it is the one that goes on)."""
    restored = open_database(sqlite_path(url) or url.render_as_string(hide_password=False))
    try:
        with restored.write() as session:
            audit.record(session, kind="backup", target=source.name, action="restore")
    finally:
        restored.dispose()


def _shown(url: URL) -> str:
    return db_faults.shown(url)
