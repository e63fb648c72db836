"""inkaso import GROUP PATH... (ksef, jpk, csv, xlsx, bank, 1c: whichever formats are registered)"""

from __future__ import annotations

import argparse
from typing import Any

from desktop_app.cli.context import Context, json_flag, today_flag
from desktop_app.i18n import _
from desktop_app.importers import formats
from desktop_app.importers.formats import ParseOptions
from desktop_app.services import imports
from desktop_app.services.imports.report import ImportReport

#: the order groups are listed in help; any other registered group follows
_ORDER = ("ksef", "jpk", "csv", "xlsx", "bank", "1c")


def groups() -> list[str]:
    registered = {f.group for f in formats.all_formats().values()}
    return [g for g in _ORDER if g in registered] + sorted(registered - set(_ORDER))


def register(sub: argparse._SubParsersAction[Any]) -> None:
    group = sub.add_parser("import", help=_("import invoices, payments or statements from files"))
    actions = group.add_subparsers(dest="action", metavar="FORMAT", required=True)
    for name in groups():
        add_file_group(actions, name)
    from desktop_app.cli.commands import import_remote  # it reuses this module's summary

    import_remote.register(actions)


def add_file_group(actions: argparse._SubParsersAction[Any], name: str) -> None:
    parser = actions.add_parser(
        name, help=_("import {format} files or folders").format(format=name)
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help=_("a file or a folder"))
    parser.add_argument(
        "--mapping", metavar="NAME|FILE", help=_("column mapping: a saved preset or a file")
    )
    parser.add_argument(
        "--encoding", metavar="E", help=_("the files' encoding (default: detected)")
    )
    parser.add_argument(
        "--dry-run", action="store_true", help=_("show what would change, change nothing")
    )
    today_flag(parser)
    json_flag(parser)
    parser.set_defaults(handler=import_files, group=name)


def import_files(ctx: Context) -> int:
    a = ctx.args
    report = imports.import_paths(
        ctx.db,
        a.paths,
        a.group,
        ParseOptions(encoding=a.encoding, mapping=a.mapping),
        dry_run=a.dry_run,
        today=ctx.today(),
    )
    if ctx.json:
        ctx.emit_json(report.to_json())
    else:
        print_summary(ctx, report)
    return 3 if report.errors else 0


def print_summary(ctx: Context, report: ImportReport) -> None:
    if report.dry_run:
        ctx.line(_("Dry run: nothing was written."))
    ctx.line(
        _("{created} created, {updated} updated, {unchanged} unchanged").format(
            created=report.created, updated=report.updated, unchanged=report.unchanged
        )
    )
    for skipped in report.skipped:
        ctx.line(
            "  " + _("skipped {file}: {reason}").format(file=skipped.file, reason=skipped.reason)
        )
    for note in report.notes:
        ctx.line("  " + _("note on {file}: {note}").format(file=note.file, note=note.reason))
    for error in report.errors:
        place = ", ".join(str(p) for p in (error.line, error.field) if p is not None)
        ctx.line(
            "  "
            + _("refused {file} ({place}): {message}").format(
                file=error.file, place=place, message=error.message
            )
            if place
            else "  "
            + _("refused {file}: {message}").format(file=error.file, message=error.message)
        )
