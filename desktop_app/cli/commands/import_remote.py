"""inkaso import ksef-api|1c|auto: imports that fetch from a source instead of reading files"""

from __future__ import annotations

import argparse
from typing import Any

from desktop_app.cli.commands.imports import print_summary
from desktop_app.cli.context import Context, json_flag, parse_date, today_flag
from desktop_app.i18n import _
from desktop_app.services.sync import everything
from desktop_app.services.sync.ksef_api import sync_ksef
from desktop_app.services.sync.onec import sync_1c


def register(import_actions: argparse._SubParsersAction[Any]) -> None:
    """Called by ``inkaso import`` with its subcommands (next to the file formats)."""
    ksef = import_actions.add_parser(
        "ksef-api", help=_("fetch the invoices your firm issued from KSeF (KSeF API 2.0)")
    )
    _since(ksef)
    ksef.set_defaults(handler=ksef_cmd)
    onec = import_actions.add_parser(
        "1c", help=_("fetch counterparties, sales and payments from 1C (OData)")
    )
    _since(onec)
    onec.set_defaults(handler=onec_cmd)
    auto = import_actions.add_parser(
        "auto",
        help=_("import from every configured source now: watched folders, KSeF, 1C"),
    )
    today_flag(auto)
    json_flag(auto)
    auto.set_defaults(handler=auto_cmd)


def _since(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--since",
        metavar="YYYY-MM-DD",
        help=_("fetch from this day instead of where the last sync ended"),
    )
    today_flag(parser)
    json_flag(parser)


def ksef_cmd(ctx: Context) -> int:
    since = parse_date(ctx.args.since, "--since") if ctx.args.since is not None else None
    report = sync_ksef(ctx.db, today=ctx.today(), since=since, actor="cli")
    if ctx.json:
        ctx.emit_json(report.to_json())
    else:
        print_summary(ctx, report)
    return 3 if report.errors else 0


def onec_cmd(ctx: Context) -> int:
    since = parse_date(ctx.args.since, "--since") if ctx.args.since is not None else None
    report = sync_1c(ctx.db, today=ctx.today(), since=since, actor="cli")
    if ctx.json:
        ctx.emit_json(report.to_json())
    else:
        print_summary(ctx, report)
    return 3 if report.errors else 0


def auto_cmd(ctx: Context) -> int:
    report = everything.import_all(ctx.db, today=ctx.today(), actor="cli")
    if ctx.json:
        ctx.emit_json(report.to_json())
    else:
        if not report.sources:
            ctx.line(_("No source is set up for automatic import (see README, Automatic import)"))
        for result in report.sources:
            r = result.report
            ctx.line(
                _("{source}: {created} created, {updated} updated, {unchanged} unchanged").format(
                    source=result.source,
                    created=r.created,
                    updated=r.updated,
                    unchanged=r.unchanged,
                )
            )
        for problem in report.problems():
            ctx.line("! " + problem)
    return 3 if report.problems() else 0
