"""inkaso audit: who changed what, newest first (the firm's set-up and every contractor's log)"""

from __future__ import annotations

import argparse
from typing import Any

from desktop_app.cli.context import Context, json_flag, parse_date
from desktop_app.i18n import _
from desktop_app.services import audit


def register(sub: argparse._SubParsersAction[Any]) -> None:
    cmd = sub.add_parser(
        "audit", help=_("who changed what, newest first: settings, firm, templates, contractors")
    )
    cmd.add_argument("--since", metavar="DATE", help=_("only from this day on (YYYY-MM-DD)"))
    cmd.add_argument("--until", metavar="DATE", help=_("only up to this day (YYYY-MM-DD)"))
    cmd.add_argument("--user", metavar="LOGIN", help=_("only what this login did"))
    cmd.add_argument(
        "--kind",
        choices=sorted(audit.KINDS),
        help=_("only this kind of object"),
    )
    cmd.add_argument(
        "--limit", type=int, default=200, metavar="N", help=_("at most N entries (default 200)")
    )
    json_flag(cmd)
    cmd.set_defaults(handler=run_audit)


def run_audit(ctx: Context) -> int:
    args = ctx.args
    flt = audit.AuditFilter(
        since=parse_date(args.since, "--since") if args.since else None,
        until=parse_date(args.until, "--until") if args.until else None,
        user=args.user,
        kind=args.kind,
    )
    with ctx.db.read() as session:
        rows = audit.list_entries(session, flt, limit=max(args.limit, 1))
    if ctx.json:
        ctx.emit_json(
            [
                {
                    "at": row.at.isoformat(timespec="seconds") + "Z",
                    "actor": row.actor,
                    "who": row.who,
                    "kind": row.kind,
                    "target": row.target,
                    "action": row.action,
                    "changes": row.changes,
                    "summary": row.summary or None,
                }
                for row in rows
            ]
        )
    elif not rows:
        ctx.line(_("Nothing recorded"))
    else:
        ctx.table(
            [_("When (UTC)"), _("Who"), _("Kind"), _("Object"), _("What happened")],
            (
                [
                    row.at.strftime("%Y-%m-%d %H:%M"),
                    row.who,
                    audit.kind_label(row.kind),
                    row.target,
                    audit.what_happened(row),
                ]
                for row in rows
            ),
            right=set(),
        )
    return 0
