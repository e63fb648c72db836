"""inkaso version"""

from __future__ import annotations

import argparse
import platform
from typing import Any

from db.migrate import head_revision
from desktop_app import __version__
from desktop_app.cli.context import Context, json_flag
from desktop_app.i18n import _


def register(sub: argparse._SubParsersAction[Any]) -> None:
    cmd = sub.add_parser("version", help=_("show the program and database schema versions"))
    json_flag(cmd)
    cmd.set_defaults(handler=show_version)


def show_version(ctx: Context) -> int:
    data = {"version": __version__, "schema": head_revision(), "python": platform.python_version()}
    if ctx.json:
        ctx.emit_json(data)
    else:
        ctx.line(f"inkaso {data['version']} (schema {data['schema']}, Python {data['python']})")
    return 0
