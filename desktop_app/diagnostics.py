"""What support asks first: the versions of Inkaso and what it runs on, and where its files are.

Shown in the About box and put at the top of the crash dialog's report; the GUI adds Qt's
versions (the core does not import Qt).
"""

from __future__ import annotations

import platform
import sqlite3
import sys
from collections.abc import Sequence

import reportlab
import sqlalchemy

from desktop_app import __version__
from desktop_app.i18n import _
from desktop_app.paths import data_dir, log_dir

Lines = Sequence[tuple[str, str]]


def versions(extra: Lines = ()) -> list[tuple[str, str]]:
    """(name, version) of Inkaso, Python and the libraries whose version changes behaviour."""
    return [
        ("Inkaso", __version__),
        ("Python", f"{platform.python_version()} ({sys.platform})"),
        *extra,
        ("SQLAlchemy", sqlalchemy.__version__),
        ("ReportLab", reportlab.Version),
        ("SQLite", sqlite3.sqlite_version),
        (_("System"), platform.platform(terse=True)),
    ]


def paths(database: str | None) -> list[tuple[str, str]]:
    """(label, where) of the files a user or support may look for. Settings live in the
    database (every seat shares them), passwords in the system keyring."""
    return [
        (_("Database"), database or "—"),
        (_("Data folder"), str(data_dir())),
        (_("Log folder"), str(log_dir())),
        (_("Settings"), _("in the database; passwords in the system keyring")),
    ]


def report(sections: Sequence[tuple[str, Lines]]) -> str:
    """Plain text for the clipboard: a heading per section, "name: value" lines under it."""
    parts: list[str] = []
    for heading, lines in sections:
        parts.append(heading)
        parts.extend(f"  {name}: {value}" for name, value in lines)
    return "\n".join(parts) + "\n"
