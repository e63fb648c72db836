"""Real database faults for tests: another process holding the lock, a damaged page, files
SQLite cannot create. Nothing is simulated inside Inkaso; the faults are made to the file."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_HOLDER = r"""
import os, socket, sqlite3, sys
path, mode, lease = sys.argv[1:4]
con = sqlite3.connect(path, isolation_level=None, timeout=30)
if lease == "lease":
    # what a dunning run does first: take the sender's lease (committed), then write for long
    con.execute(
        "INSERT INTO lease (name, holder, expires_at) VALUES ('sender', ?, '2999-01-01 00:00:00')",
        (f"{socket.gethostname()}/{os.getpid()}/testlock",),
    )
if mode == "exclusive-mode":
    con.execute("PRAGMA locking_mode = EXCLUSIVE")
con.execute("BEGIN EXCLUSIVE")
if mode == "exclusive-mode":
    # in WAL mode the exclusive locking mode takes the file for itself at the first write
    con.execute("UPDATE alembic_version SET version_num = version_num")
print("held", flush=True)
sys.stdin.read()  # until the test closes our stdin
con.execute("COMMIT")
"""


@contextmanager
def lock_held_by_another_process(
    path: Path, *, exclusive_mode: bool = False, lease: bool = False
) -> Iterator[subprocess.Popen[str]]:
    """A second process (plain sqlite3) holding ``BEGIN EXCLUSIVE`` on the database until the
    block ends; ``exclusive_mode`` adds ``PRAGMA locking_mode=EXCLUSIVE`` (then nobody else can
    even read), ``lease`` first records it as the dunning sender, as a long run would be."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(path),
         "exclusive-mode" if exclusive_mode else "normal", "lease" if lease else "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stdin is not None
    try:
        line = proc.stdout.readline()
        assert line.strip() == "held", proc.stderr.read() if proc.stderr else line
        yield proc
    finally:
        proc.stdin.close()
        assert proc.wait(timeout=60) == 0, proc.stderr.read() if proc.stderr else ""


def table_page_offset(path: Path, table: str) -> int:
    """Byte offset of the table's root b-tree page in the (checkpointed) database file."""
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = con.execute("PRAGMA page_size").fetchone()[0]
        root = con.execute(
            "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
        ).fetchone()[0]
    finally:
        con.close()
    return int((root - 1) * page_size)


def overwrite(path: Path, offset: int, data: bytes) -> None:
    """Garbage on the disk, as a failing drive or a half-copied file leaves it."""
    with path.open("r+b") as f:
        f.seek(offset)
        f.write(data)
