"""Faults the database reports, told as the user's sentences.

The one place that turns SQLite's and PostgreSQL's errors (busy, full, damaged, unwritable, a
constraint) into :mod:`desktop_app.errors`: every unit of work of an opened database passes its
exceptions through :func:`explainer`, so the CLI (exit 3), the GUI (a message box) and the
scheduler all get the same sentence instead of a traceback.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path

import psycopg
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from db.engine import busy_timeout_seconds, sqlite_path
from desktop_app.errors import (
    ConflictError,
    DamagedDatabaseError,
    DatabaseBusyError,
    DatabaseError,
    InkasoError,
    StorageError,
    ValidationError,
)
from desktop_app.i18n import _

log = logging.getLogger(__name__)

# SQLite's primary result codes (the low byte of an extended code)
_SQLITE_KINDS = {
    3: "unwritable",  # SQLITE_PERM
    5: "busy",  # SQLITE_BUSY
    6: "busy",  # SQLITE_LOCKED
    8: "unwritable",  # SQLITE_READONLY
    10: "unwritable",  # SQLITE_IOERR
    11: "damaged",  # SQLITE_CORRUPT
    13: "full",  # SQLITE_FULL
    14: "cannot_open",  # SQLITE_CANTOPEN
    19: "constraint",  # SQLITE_CONSTRAINT
    26: "not_a_database",  # SQLITE_NOTADB
}
_SQLITE_FOREIGN_KEY = 787  # SQLITE_CONSTRAINT_FOREIGNKEY
_SQLITE_UNIQUE = (2067, 1555)  # SQLITE_CONSTRAINT_UNIQUE, _PRIMARYKEY

# PostgreSQL SQLSTATE codes and classes
_PG_KINDS = {
    "55P03": "busy",  # lock_not_available
    "40P01": "busy",  # deadlock_detected
    "40001": "busy",  # serialization_failure
    "57014": "busy",  # query_canceled (statement or lock timeout)
    "53300": "busy",  # too_many_connections
    "53100": "full",  # disk_full
    "XX001": "damaged",  # data_corrupted
    "XX002": "damaged",  # index_corrupted
    "25006": "unwritable",  # read_only_sql_transaction
    "42501": "unwritable",  # insufficient_privilege
    "23503": "foreign_key",
    "23505": "unique",
}
_PG_CLASSES = {"08": "connection", "23": "constraint", "22": "value", "58": "unwritable"}


def sqlite_kind(error: BaseException) -> str | None:
    """What kind of fault a ``sqlite3`` error is (None: not one we can explain)."""
    code = getattr(error, "sqlite_errorcode", None)
    if not isinstance(code, int):
        return None
    if code == _SQLITE_FOREIGN_KEY:
        return "foreign_key"
    if code in _SQLITE_UNIQUE:
        return "unique"
    return _SQLITE_KINDS.get(code & 0xFF)


def _postgres_kind(error: BaseException) -> str | None:
    if not hasattr(error, "sqlstate"):
        return None  # not psycopg's
    state = error.sqlstate
    if not isinstance(state, str):
        # no answer from a server at all (refused, reset, timed out): psycopg has no SQLSTATE
        return "connection" if isinstance(error, psycopg.OperationalError) else None
    return _PG_KINDS.get(state) or _PG_CLASSES.get(state[:2])


def kind_of(exc: BaseException) -> str | None:
    driver_error = exc.orig if isinstance(exc, DBAPIError) else exc
    if driver_error is None:
        return None
    return sqlite_kind(driver_error) or _postgres_kind(driver_error)


def shown(url: URL) -> str:
    """The database as the user knows it: the file, or the URL without its password."""
    path = sqlite_path(url)
    return str(path) if path is not None else url.render_as_string(hide_password=True)


def explainer(url: URL) -> Callable[[Exception], Exception]:
    """The :class:`db.uow.Database` hook for the database at ``url``."""

    def explain(exc: Exception) -> Exception:
        return explain_fault(exc, url)

    return explain


def explain_fault(exc: Exception, url: URL) -> Exception:
    """The InkasoError to show for ``exc``, or ``exc`` itself when it is not a database fault
    (a bug then, reported as one)."""
    if isinstance(exc, InkasoError) or not isinstance(exc, DBAPIError | sqlite3.Error):
        return exc
    kind = kind_of(exc)
    if kind is None:
        return exc
    driver_error = exc.orig if isinstance(exc, DBAPIError) else exc
    detail = str(driver_error).strip().splitlines()[0] if str(driver_error).strip() else ""
    log.warning("database fault (%s) on %s: %s", kind, shown(url), detail)
    return fault(kind, url, detail)


def fault(kind: str, url: URL, detail: str) -> InkasoError:
    target = shown(url)
    path = sqlite_path(url)
    if kind == "busy":
        return busy(url)
    if kind == "full":
        return StorageError(
            _(
                "There is no space left for the database {target}: free some disk space and try again"
            ).format(target=target)
        )
    if kind == "not_a_database":
        return DatabaseError(_("{target} is not an Inkaso database").format(target=target))
    if kind == "damaged":
        return damaged(url, detail)
    if kind == "cannot_open" and path is not None:
        return cannot_create_files(path)
    if kind in ("unwritable", "cannot_open"):
        return StorageError(
            _("Cannot write to the database {target}: {error}").format(target=target, error=detail)
        )
    if kind == "connection":
        return DatabaseError(
            _("Cannot reach the database {target}: {error}").format(target=target, error=detail)
        )
    if kind == "unique":
        return ConflictError(
            _("This would record something a second time ({error})").format(error=detail)
        )
    if kind == "foreign_key":
        return ConflictError(
            _("This refers to a record that does not exist, or to one still in use")
        )
    return ValidationError(_("The database refused a value ({error})").format(error=detail))


def busy(url: URL) -> DatabaseBusyError:
    return DatabaseBusyError(
        _("The database {target} is busy (held by {holder}); try again in a moment").format(
            target=shown(url), holder=busy_holder(url)
        )
    )


def damaged(url: URL, detail: str) -> DamagedDatabaseError:
    # quick_check's report starts "*** in database main ***" and lists one problem per line;
    # the first problem is enough for the sentence (the log has them all)
    problems = [p.strip() for p in detail.splitlines() if p.strip() and not p.startswith("***")]
    detail = problems[0] if problems else detail.strip()
    return DamagedDatabaseError(
        _(
            "The database {target} is damaged ({problem}); Inkaso will not read or change it. "
            "Restore a backup copy"
        ).format(target=shown(url), problem=detail)
    )


def cannot_create_files(path: Path) -> StorageError:
    return StorageError(
        _(
            "Cannot open the database {path}: SQLite must create and write {wal} and {shm} beside "
            "it; check that the folder {folder} is writable and that these are ordinary files"
        ).format(
            path=path,
            wal=path.name + "-wal",
            shm=path.name + "-shm",
            folder=path.parent,
        )
    )


def busy_holder(url: URL) -> str:
    """Who holds the database, when knowable: a live dunning lease names the sending Inkaso."""
    from desktop_app.services.dunning.lease import SENDER, holder_is_alive

    path = sqlite_path(url)
    holder = None
    if path is not None and path.exists():
        try:
            # WAL lets readers in while another process writes; a short wait, never the full one
            probe = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro",
                uri=True,
                timeout=min(0.2, busy_timeout_seconds()),
            )
            try:
                row = probe.execute("SELECT holder FROM lease WHERE name = ?", (SENDER,)).fetchone()
            finally:
                probe.close()
            holder = row[0] if row else None
        except sqlite3.Error:
            holder = None
    if holder and holder_is_alive(holder):
        host, _sep, rest = holder.partition("/")
        return _("Inkaso sending reminders on {host}, process {pid}").format(
            host=host, pid=rest.partition("/")[0]
        )
    return _("another program")
