"""inkaso digest"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from desktop_app.cli.context import Context, today_flag
from desktop_app.errors import InkasoError
from desktop_app.i18n import _
from desktop_app.services.digest import mail
from desktop_app.services.dunning.windows import firm_zone
from desktop_app.settings import Snapshot


def register(sub: argparse._SubParsersAction[Any]) -> None:
    cmd = sub.add_parser(
        "digest", help=_("the morning digest: what changed since the previous one")
    )
    today_flag(cmd)
    what = cmd.add_mutually_exclusive_group()
    what.add_argument(
        "--print",
        dest="print_only",
        action="store_true",
        help=_("write the text of each recipient's digest to the screen (the default)"),
    )
    what.add_argument(
        "--send", action="store_true", help=_("queue today's digests in the outbox and send them")
    )
    cmd.set_defaults(handler=digest)


def digest(ctx: Context) -> int:
    today = ctx.today()
    settings = Snapshot.load(ctx.db)
    if ctx.args.today is None:
        now = dt.datetime.now(firm_zone(settings))
    else:
        # a digest for another day stands for the one sent at its hour that day
        hour = dt.time(int(settings["digest.hour"]))
        now = dt.datetime.combine(today, hour, tzinfo=firm_zone(settings))
    if not ctx.args.send:
        rendered = mail.build(ctx.db, today)
        _nobody(rendered)
        for i, one in enumerate(rendered):
            if i:
                ctx.line()
            ctx.line(_("To: {to}").format(to=one.scope.email))
            ctx.line(_("Subject: {subject}").format(subject=one.subject))
            ctx.line()
            ctx.line(one.text.rstrip("\n"))
        return 0
    with ctx.db.read() as session:
        _nobody(mail.recipients(session, settings))
    ids = mail.queue(ctx.db, today, now)
    if not ids:
        ctx.line(_("Today's digests were already queued; nothing new to send"))
        return 0
    report = mail.send(ctx.db, ids, now=now, today=today)
    for row in report.rows:
        if row.status == "sent":
            ctx.line(_("Digest sent to {to}").format(to=", ".join(row.to)))
        else:
            ctx.line(
                _("Digest to {to} not sent ({status}): {detail}").format(
                    to=", ".join(row.to), status=row.status, detail=row.detail
                )
            )
    return 0 if report.count("sent") == len(ids) else 3


def _nobody(found: list[Any]) -> None:
    if not found:
        raise InkasoError(
            _(
                "Nobody receives the digest: set notice.recipients, or give the account managers "
                "an e-mail address"
            )
        )
