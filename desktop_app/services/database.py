"""Open the user's database: find it, refuse what we cannot use, back it up, migrate it."""

from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
from pathlib import Path

from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from db import migrate
from db.engine import make_engine, sqlite_path, to_url
from db.uow import Database
from desktop_app.errors import DatabaseError
from desktop_app.i18n import _
from desktop_app.paths import default_database_path
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
        if not os.access(path, os.R_OK | os.W_OK):
            raise DatabaseError(
                _("Cannot open the database {path}: no permission to read and write it").format(
                    path=path
                )
            )
        if not _is_sqlite_file(path):
            raise DatabaseError(_("{path} is not an Inkaso database").format(path=path))
    elif not os.access(path.parent, os.W_OK):
        raise DatabaseError(
            _("Cannot create the database {path}: the folder is not writable").format(path=path)
        )


def _is_sqlite_file(path: Path) -> bool:
    """Ask SQLite itself, read-only. Never open() the file here: closing any descriptor of a
    database file drops every POSIX lock this process holds on it, SQLite's included, which is
    the classic way to corrupt a database that other connections are using."""
    try:
        probe = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        probe.execute("PRAGMA schema_version").fetchone()
        return True
    except sqlite3.DatabaseError:
        return False
    finally:
        probe.close()


def backup_sqlite(path: Path, label: str) -> Path:
    """A consistent copy beside the file (the SQLite backup API copes with WAL)."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.before-{label}-{stamp}.bak")
    source = sqlite3.connect(str(path))
    try:
        dest = sqlite3.connect(str(target))
        try:
            source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()
    log.info("backed up %s to %s before migrating", path, target)
    return target


def open_database(target: str | Path | None = None, *, upgrade: bool = True) -> Database:
    """Open, check and (by default) migrate the database to the version this program knows."""
    url, default_location = resolve_target(target)
    path = sqlite_path(url)
    if path is not None:
        _check_sqlite_file(path, default_location=default_location)
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
        database = Database(engine=engine, url=url)
        if upgrade:
            # seeding happens here, once, so that reading the scenarios never writes
            scenarios.seed_presets(database)
    except DatabaseError:
        engine.dispose()
        raise
    except (OperationalError, DBAPIError) as exc:
        engine.dispose()
        log.exception("cannot open database %s", _shown(url))
        raise DatabaseError(
            _("Cannot open the database {target}: {error}").format(
                target=_shown(url), error=str(exc.orig).strip() if exc.orig else exc
            )
        ) from exc
    return database


def _shown(url: URL) -> str:
    path = sqlite_path(url)
    return str(path) if path is not None else url.render_as_string(hide_password=True)
