"""Backup copies of the database and restoring one.

SQLite: the online backup API (a consistent copy while the program writes) into a local
temporary file, checked with ``PRAGMA integrity_check``, then copied to the backup folder under a
temporary name and renamed, so a network drive never holds half a copy under a real name.
PostgreSQL: ``pg_dump -Fc`` and ``pg_restore``.

Names are ``<database>-YYYYMMDD-HHMMSS[-label].db|.dump``; the daily and "Back up now" copies have
no label and are rotated (domain/backups.py); labelled ones (before a migration, before a
restore) are kept until the user removes them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL

from db import migrate
from db.engine import busy_timeout_seconds, sqlite_path
from db.uow import Database
from desktop_app.domain.backups import Rotation, backup_due, backups_to_keep
from desktop_app.errors import DatabaseBusyError, InkasoError
from desktop_app.i18n import _
from desktop_app.paths import data_dir
from desktop_app.services import audit
from desktop_app.settings import get_value

log = logging.getLogger(__name__)

FOLDER_KEY = "backup.folder"
_STAMP = "%Y%m%d-%H%M%S"
_NAME_RE = re.compile(
    r"^(?P<name>.+?)-(?P<stamp>\d{8}-\d{6})(?:-(?P<label>[A-Za-z0-9_.-]+))?\.(?P<ext>db|dump)$"
)
#: tables every Inkaso database has had since the first revision
_OUR_TABLES = frozenset({"alembic_version", "contractor", "invoice", "payment", "setting"})
BEFORE_RESTORE = "before-restore"


def kind_text(label: str | None) -> str:
    """What a copy is, in words, from its file name's label (shown as it is when unknown)."""
    if label is None:
        return _("regular")
    if label == BEFORE_RESTORE:
        return _("before a restore")
    if label.startswith("before-"):
        # the migration's copy is labelled with the revision it was taken at
        return _("before the upgrade from {revision}").format(
            revision=label.removeprefix("before-")
        )
    return label


class BackupError(InkasoError):
    """A backup could not be made or a file cannot be restored."""


@dataclass(frozen=True)
class Backup:
    path: Path
    database: str
    taken: dt.datetime
    label: str | None
    size: int

    def as_json(self) -> dict[str, object]:
        return {
            "path": str(self.path),
            "database": self.database,
            "taken": self.taken.isoformat(),
            "label": self.label,
            "size": self.size,
        }


def default_folder() -> Path:
    return data_dir() / "backups"


def folder_from_setting(value: object) -> Path:
    """The ``backup.folder`` setting's folder; empty means the user data folder's backups."""
    chosen = str(value or "").strip()
    if not chosen:
        return default_folder()
    try:
        return Path(chosen).expanduser()
    except RuntimeError:  # "~someone" who has no home here: the name as typed
        return Path(chosen)


def backup_folder(db: Database) -> Path:
    return folder_from_setting(get_value(db, FOLDER_KEY))


def configured_folder(url: URL) -> Path:
    """The folder setting read straight from a database that may not be usable yet (about to be
    migrated, or damaged and about to be restored): the default when it cannot be read."""
    path = sqlite_path(url)
    try:
        if path is not None:
            probe = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            try:
                row = probe.execute(
                    "SELECT value FROM setting WHERE key = ?", (FOLDER_KEY,)
                ).fetchone()
            finally:
                probe.close()
        else:
            engine = create_engine(url)
            try:
                with engine.connect() as conn:
                    row = conn.execute(
                        text("SELECT value FROM setting WHERE key = :k"), {"k": FOLDER_KEY}
                    ).fetchone()
            finally:
                engine.dispose()
    except Exception:  # no setting table yet, damaged file, server away: the default folder
        log.info("backup folder setting not readable; using the default", exc_info=True)
        return default_folder()
    if row is None:
        return default_folder()
    value = row[0]
    if isinstance(value, str):
        with contextlib.suppress(ValueError):  # a plain string stored by an older writer
            value = json.loads(value)
    return folder_from_setting(value)


def database_name(url: URL) -> str:
    path = sqlite_path(url)
    name = path.stem if path is not None else str(url.database or "inkaso")
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name) or "inkaso"


def ready_folder(folder: Path) -> Path:
    """Create the folder and prove it takes a file; else one plain sentence."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".inkaso-write-test-{uuid.uuid4().hex[:8]}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise BackupError(
            _("Cannot write backups to the folder {folder}: {reason}").format(
                folder=folder, reason=exc.strerror or exc
            )
        ) from exc
    return folder


def _target(folder: Path, name: str, now: dt.datetime, label: str | None, ext: str) -> Path:
    stem = f"{name}-{now.strftime(_STAMP)}" + (f"-{label}" if label else "")
    target = folder / f"{stem}.{ext}"
    n = 2
    while target.exists():  # two copies in the same second
        target = folder / f"{stem}-{n}.{ext}"
        n += 1
    return target


def _publish(local: Path, target: Path) -> None:
    """Copy under a temporary name in the target folder, then rename: a reader of the folder
    (or an interrupted copy on a network drive) never sees a partial file under a real name."""
    partial = target.with_name(f".{target.name}.partial")
    try:
        shutil.copyfile(local, partial)
        partial.replace(target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(
            _("Cannot write backups to the folder {folder}: {reason}").format(
                folder=target.parent, reason=exc.strerror or exc
            )
        ) from exc


def integrity_problems(path: Path) -> list[str]:
    """PRAGMA integrity_check of a file nobody else uses (a fresh copy): [] when sound."""
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = [str(r[0]) for r in con.execute("PRAGMA integrity_check").fetchall()]
    finally:
        con.close()
    return [] if rows == ["ok"] else rows


def copy_sqlite(source: Path, target: Path, *, check: bool = True) -> None:
    """A consistent copy of ``source`` (readers and writers may be busy with it) at ``target``.

    ``check``: the copy must pass integrity_check, so that a backup is always one that can be
    restored; the copy of a damaged file kept aside before a restore is not checked."""
    with tempfile.TemporaryDirectory(prefix="inkaso-backup-") as tmp:
        local = Path(tmp) / target.name
        try:
            src = sqlite3.connect(
                f"{source.resolve().as_uri()}?mode=ro", uri=True, timeout=busy_timeout_seconds()
            )
            try:
                dest = sqlite3.connect(local)
                try:
                    src.backup(dest)
                    # a single self-contained file, readable where -wal/-shm cannot be made
                    dest.execute("PRAGMA journal_mode=DELETE")
                finally:
                    dest.close()
            finally:
                src.close()
            problems = integrity_problems(local) if check else []
        except sqlite3.Error as exc:
            raise BackupError(
                _("Cannot back up the database {path}: {error}").format(path=source, error=exc)
            ) from exc
        if problems:
            log.error("integrity_check of the copy of %s: %s", source, problems)
            raise BackupError(
                _(
                    "The database {path} is damaged ({problem}); no backup was made. "
                    "Restore it from an earlier backup."
                ).format(path=source, problem=problems[0])
            )
        _publish(local, target)


def backup_file(
    source: Path, folder: Path, now: dt.datetime, label: str | None = None, *, check: bool = True
) -> Path:
    """A backup of the SQLite file ``source`` in ``folder`` (see :func:`copy_sqlite`)."""
    ready_folder(folder)
    target = _target(folder, database_name(_file_url(source)), now, label, "db")
    copy_sqlite(source, target, check=check)
    log.info("backed up %s to %s", source, target)
    return target


def _file_url(path: Path) -> URL:
    return URL.create("sqlite+pysqlite", database=str(path))


def make_backup(
    db: Database, now: dt.datetime, folder: Path | None = None, label: str | None = None
) -> Backup:
    """Back the database up now (``folder``: elsewhere than the configured backup folder, and
    then not rotated). ``now`` is the local time written into the name."""
    rotate_after = folder is None
    target_folder = folder if folder is not None else backup_folder(db)
    made = backup_url(db.url, target_folder, now, label)
    if rotate_after and label is None:
        rotate(target_folder, made.database)
    try:
        with db.write() as session:
            audit.record(
                session,
                kind="backup",
                target=made.path.name,
                action="backup",
                changes={"folder": str(target_folder)},
            )
    except DatabaseBusyError:
        # the copy is made and sound: a database kept busy by others must not turn it into a
        # failure; the log keeps what the audit trail could not
        log.warning("backup %s made; its audit line not written: database busy", made.path)
    return made


def backup_url(url: URL, folder: Path, now: dt.datetime, label: str | None = None) -> Backup:
    path = sqlite_path(url)
    if path is not None:
        target = backup_file(path, folder, now, label)
    else:
        ready_folder(folder)
        target = _target(folder, database_name(url), now, label, "dump")
        _pg_dump(url, target)
    found = parse_name(target)
    assert found is not None
    return found


def parse_name(path: Path) -> Backup | None:
    match = _NAME_RE.match(path.name)
    if match is None:
        return None
    try:
        taken = dt.datetime.strptime(match["stamp"], _STAMP)
        size = path.stat().st_size
    except (ValueError, OSError):
        return None
    label = match["label"]
    if label is not None and re.fullmatch(r"\d+", label):
        label = None  # "-2": the second copy of the same second
    return Backup(path, match["name"], taken, label, size)


def list_backups(folder: Path, database: str | None = None) -> list[Backup]:
    """The backups in ``folder`` (of one database when named), newest first."""
    try:
        entries = list(folder.iterdir()) if folder.is_dir() else []
    except OSError as exc:
        raise BackupError(
            _("Cannot read the backup folder {folder}: {reason}").format(
                folder=folder, reason=exc.strerror or exc
            )
        ) from exc
    found = [b for b in map(parse_name, entries) if b is not None]
    if database is not None:
        found = [b for b in found if b.database == database]
    return sorted(found, key=lambda b: (b.taken, b.path.name), reverse=True)


def rotate(folder: Path, database: str, rotation: Rotation | None = None) -> list[Path]:
    """Delete the regular copies rotation does not keep; labelled copies are never touched."""
    regular = [b for b in list_backups(folder, database) if b.label is None]
    newest_of_moment: dict[dt.datetime, Backup] = {}
    for b in regular:  # newest first: the first of a moment is the one that stands for it
        newest_of_moment.setdefault(b.taken, b)
    keep = backups_to_keep(newest_of_moment, rotation or Rotation())
    removed: list[Path] = []
    for b in regular:
        if b.taken in keep and newest_of_moment[b.taken] is b:
            continue
        try:
            b.path.unlink()
            removed.append(b.path)
        except OSError:
            log.warning("cannot remove old backup %s", b.path, exc_info=True)
    if removed:
        log.info("rotation removed %d old backups from %s", len(removed), folder)
    return removed


def last_backup(db: Database) -> Backup | None:
    """The newest regular copy of this database in its backup folder."""
    regular = [b for b in list_backups(backup_folder(db), database_name(db.url)) if b.label is None]
    return regular[0] if regular else None


def backup_if_due(db: Database, now: dt.datetime) -> Backup | None:
    """The daily copy (the scheduler's job): made when today has none yet."""
    last = last_backup(db)
    if not backup_due(last.taken if last else None, now):
        return None
    return make_backup(db, now)


# --- restore -------------------------------------------------------------------------------


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a name too long for the file system: not a file either
        return False


def check_restorable(source: Path) -> str:
    """Refuse a file that is not a sound Inkaso database this version can open; return its
    revision."""
    if not _is_file(source):
        raise BackupError(_("{file} is not a file").format(file=source))
    if source.suffix == ".dump":
        raise BackupError(
            _(
                "{file} is a PostgreSQL dump; it can only be restored into a PostgreSQL database"
            ).format(file=source)
        )
    try:
        con = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            rows = [str(r[0]) for r in con.execute("PRAGMA integrity_check").fetchall()]
            tables = {str(r[0]) for r in con.execute("SELECT name FROM sqlite_master")}
            revision = None
            if "alembic_version" in tables:
                found = con.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = str(found[0]) if found else None
        finally:
            con.close()
    except sqlite3.Error as exc:
        raise BackupError(
            _(
                "{file} is not an Inkaso database or is damaged ({error}); nothing was restored"
            ).format(file=source, error=exc)
        ) from exc
    if rows != ["ok"]:
        raise BackupError(
            _("{file} is damaged ({problem}); nothing was restored").format(
                file=source, problem=rows[0]
            )
        )
    if not tables >= _OUR_TABLES or revision is None:
        raise BackupError(
            _("{file} is not an Inkaso database; nothing was restored").format(file=source)
        )
    if revision not in migrate.known_revisions():
        raise BackupError(
            _(
                "{file} was written by a newer version of Inkaso; install the newer version "
                "to restore it"
            ).format(file=source)
        )
    return revision


@dataclass(frozen=True)
class Restored:
    source: Path
    kept_aside: Path | None


def restore(url: URL, source: Path, now: dt.datetime, folder: Path | None = None) -> Restored:
    """Replace the database at ``url`` with the backup ``source``.

    The file is checked first; the current database is copied aside into the backup folder
    (``<name>-YYYYMMDD-HHMMSS-before-restore``); then the content is replaced in one step. Any
    failure before that step leaves the current database as it was. Nothing else may use the
    database meanwhile (the GUI stops its scheduler and closes its connections)."""
    path = sqlite_path(url)
    if path is None:
        return _restore_postgres(url, source, now, folder or configured_folder(url))
    check_restorable(source)  # first: a refused file never makes us touch the current one
    aside_folder = folder if folder is not None else configured_folder(url)
    aside: Path | None = None
    if path.exists() and path.stat().st_size > 0:
        aside = backup_file(path, aside_folder, now, BEFORE_RESTORE, check=False)
    _replace_sqlite(source, path)
    log.info("restored %s from %s (previous copy: %s)", path, source, aside)
    return Restored(source, aside)


def _replace_sqlite(source: Path, path: Path) -> None:
    """The backup API into the live file: one write transaction, so SQLite's own journal makes
    it all-or-nothing and a WAL left by the previous content can never be replayed over it."""
    try:
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            dest = sqlite3.connect(path, timeout=busy_timeout_seconds())
            try:
                src.backup(dest)
            finally:
                dest.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        raise BackupError(
            _("Cannot restore into the database {path}: {error}").format(path=path, error=exc)
        ) from exc


# --- PostgreSQL ----------------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            _(
                "{program} was not found; install the PostgreSQL client programs (the same "
                "version as the server) to back up or restore a PostgreSQL database"
            ).format(program=name)
        )
    return found


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq address without the password (which goes in the environment, not in the
    process list)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run_pg(args: list[str], env: dict[str, str], what: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr.strip().splitlines() or [str(done.returncode)])[-1]
        raise BackupError(_("{what} failed: {detail}").format(what=what, detail=detail))
    return done


def _pg_dump(url: URL, target: Path) -> None:
    tool = _pg_tool("pg_dump")
    address, env = _libpq(url)
    with tempfile.TemporaryDirectory(prefix="inkaso-backup-") as tmp:
        local = Path(tmp) / target.name
        _run_pg([tool, "-Fc", "-f", str(local), "--dbname", address], env, "pg_dump")
        _publish(local, target)
    log.info("dumped %s to %s", url.render_as_string(hide_password=True), target)


def _check_dump(tool: str, source: Path, env: dict[str, str]) -> None:
    if not _is_file(source):
        raise BackupError(_("{file} is not a file").format(file=source))
    try:
        listing = _run_pg([tool, "-l", str(source)], env, "pg_restore").stdout
        data = _run_pg(
            [tool, "--data-only", "--table=alembic_version", "-f", "-", str(source)],
            env,
            "pg_restore",
        ).stdout
    except BackupError as exc:
        raise BackupError(
            _(
                "{file} is not an Inkaso database or is damaged ({error}); nothing was restored"
            ).format(file=source, error=exc)
        ) from exc
    tables = set(re.findall(r" TABLE (?:public )?(\w+) ", listing))
    revisions = re.findall(r"^COPY [^\n]*alembic_version[^\n]*\n([^\n\\]+)\n", data, re.M)
    if not tables >= _OUR_TABLES or not revisions:
        raise BackupError(
            _("{file} is not an Inkaso database; nothing was restored").format(file=source)
        )
    if revisions[0].strip() not in migrate.known_revisions():
        raise BackupError(
            _(
                "{file} was written by a newer version of Inkaso; install the newer version "
                "to restore it"
            ).format(file=source)
        )


def _restore_postgres(url: URL, source: Path, now: dt.datetime, folder: Path) -> Restored:
    tool = _pg_tool("pg_restore")
    address, env = _libpq(url)
    _check_dump(tool, source, env)
    aside = backup_url(url, folder, now, BEFORE_RESTORE).path
    # one transaction: a restore that fails half way leaves the database as it was
    _run_pg(
        [
            tool,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "-d",
            address,
            str(source),
        ],
        env,
        "pg_restore",
    )
    log.info("restored %s from %s", url.render_as_string(hide_password=True), source)
    return Restored(source, aside)
