"""inkaso backup [list], inkaso restore FILE"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from desktop_app.cli.context import Context, json_flag
from desktop_app.i18n import _
from desktop_app.services import backup
from desktop_app.services.database import resolve_target, restore_file


def register(sub: argparse._SubParsersAction[Any]) -> None:
    cmd = sub.add_parser(
        "backup",
        help=_("back the database up now and print the path of the copy; `backup list` lists them"),
    )
    cmd.add_argument(
        "action",
        nargs="?",
        choices=("list",),
        help=_("list: the backups in the backup folder, newest first"),
    )
    cmd.add_argument(
        "--to",
        metavar="DIR",
        type=Path,
        help=_("write the copy to this folder instead of the backup folder (not rotated)"),
    )
    json_flag(cmd)
    cmd.set_defaults(handler=run_backup)

    again = sub.add_parser(
        "restore",
        help=_(
            "replace the database with a backup (checked first; the current one is kept aside "
            "in the backup folder)"
        ),
    )
    again.add_argument("file", metavar="FILE", type=Path, help=_("the backup to restore"))
    json_flag(again)
    again.set_defaults(handler=run_restore)


def run_backup(ctx: Context) -> int:
    if ctx.args.action == "list":
        folder = ctx.args.to or backup.backup_folder(ctx.db)
        found = backup.list_backups(folder, backup.database_name(ctx.db.url))
        if ctx.json:
            ctx.emit_json([b.as_json() for b in found])
        elif not found:
            ctx.line(_("No backups in {folder}").format(folder=folder))
        else:
            ctx.table(
                [_("Taken"), _("Kind"), _("Size"), _("File")],
                (
                    [
                        b.taken.isoformat(sep=" "),
                        backup.kind_text(b.label),
                        f"{b.size:,}".replace(",", " "),
                        str(b.path),
                    ]
                    for b in found
                ),
                right={2},
            )
        return 0
    made = backup.make_backup(ctx.db, dt.datetime.now(), folder=ctx.args.to)
    if ctx.json:
        ctx.emit_json(made.as_json())
    else:
        ctx.line(str(made.path))
    return 0


def run_restore(ctx: Context) -> int:
    # the database is not opened (nor migrated) first: it may be the damaged file to replace
    url, _default = resolve_target(ctx.args.db)
    done = restore_file(url, ctx.args.file, dt.datetime.now())
    if ctx.json:
        ctx.emit_json(
            {
                "restored": str(done.source),
                "kept_aside": str(done.kept_aside) if done.kept_aside else None,
            }
        )
    elif done.kept_aside:
        ctx.line(
            _("Restored {file}; the previous database was kept as {aside}").format(
                file=done.source, aside=done.kept_aside
            )
        )
    else:
        ctx.line(_("Restored {file}").format(file=done.source))
    return 0
