"""inkaso contractor export|anonymise (data protection)"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from desktop_app.cli.context import Context, json_flag
from desktop_app.errors import ValidationError
from desktop_app.i18n import _
from desktop_app.services import privacy


def register(actions: argparse._SubParsersAction[Any]) -> None:
    """Added to ``inkaso contractor``."""
    export = actions.add_parser(
        "export",
        help=_("write everything held about a contractor (JSON and its letters' PDFs) to a folder"),
    )
    export.add_argument("contractor", metavar="ID|NIP")
    export.add_argument("--to", required=True, metavar="DIR", type=Path)
    json_flag(export)
    export.set_defaults(handler=export_contractor)

    anonymise = actions.add_parser(
        "anonymise",
        help=_("remove a contractor's personal data for good, keeping amounts and invoice numbers"),
    )
    anonymise.add_argument("contractor", metavar="ID|NIP")
    anonymise.add_argument("--yes", action="store_true", help=_("confirm: this cannot be undone"))
    json_flag(anonymise)
    anonymise.set_defaults(handler=anonymise_contractor)


def export_contractor(ctx: Context) -> int:
    done = privacy.export_contractor(ctx.db, ctx.args.contractor, ctx.args.to, dt.datetime.now())
    if ctx.json:
        ctx.emit_json(
            {
                "folder": str(done.folder),
                "document": str(done.document),
                "letters": [str(p) for p in done.letters],
            }
        )
    else:
        ctx.line(str(done.document))
        for path in done.letters:
            ctx.line(str(path))
    return 0


def anonymise_contractor(ctx: Context) -> int:
    if not ctx.args.yes:
        raise ValidationError(
            _(
                "Anonymising removes the contractor's personal data for good and cannot be "
                "undone; add --yes to do it"
            ),
            field="--yes",
        )
    done = privacy.anonymise_contractor(ctx.db, ctx.args.contractor)
    if ctx.json:
        ctx.emit_json({"anonymised": done.contractor_id, "name": done.name})
    else:
        ctx.line(
            _("Contractor {id} anonymised; reminders to it stopped").format(id=done.contractor_id)
        )
    return 0
