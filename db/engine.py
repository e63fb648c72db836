"""Engines for a SQLite file (the default) or a PostgreSQL URL, with the pragmas Inkaso relies on."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url

#: how long a SQLite statement waits for another process's lock before reporting "busy"
SQLITE_BUSY_TIMEOUT_MS = 15_000
#: execution option a writing unit of work sets on its connection
WRITE_OPTION = "inkaso_write"


def to_url(target: str | Path) -> URL:
    """A filesystem path or a SQLAlchemy URL string -> URL (``postgresql://`` uses psycopg 3)."""
    text = str(target)
    if "://" not in text:
        return URL.create("sqlite+pysqlite", database=str(Path(text).expanduser()))
    url = make_url(text)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def sqlite_path(url: URL) -> Path | None:
    if not is_sqlite(url) or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def busy_timeout_seconds() -> float:
    return SQLITE_BUSY_TIMEOUT_MS / 1000


def _sqlite_on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    # pysqlite's own transaction handling fights SAVEPOINT and BEGIN IMMEDIATE; we issue BEGIN.
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _sqlite_on_begin(conn: Any) -> None:
    # A writing unit of work takes the lock up front (BEGIN IMMEDIATE): two processes then queue
    # on busy_timeout instead of failing on a read-to-write lock upgrade.
    write = conn.get_execution_options().get(WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def make_engine(url: URL, *, echo: bool = False) -> Engine:
    if is_sqlite(url):
        engine = create_engine(url, echo=echo)
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)
