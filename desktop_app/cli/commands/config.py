"""inkaso config get|set|list, inkaso secret set, inkaso send-test, inkaso scheduler"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from desktop_app.cli.context import Context, json_flag
from desktop_app.errors import ValidationError
from desktop_app.i18n import _
from desktop_app.secrets import NAMES, set_secret
from desktop_app.services.dunning.send_test import send_test
from desktop_app.settings import KEYS, all_values, get_value, set_value


def register(sub: argparse._SubParsersAction[Any]) -> None:
    group = sub.add_parser("config", help=_("settings shared by everyone using this database"))
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    get = actions.add_parser("get", help=_("print one setting"))
    get.add_argument("key", choices=sorted(KEYS), metavar="KEY")
    json_flag(get)
    get.set_defaults(handler=get_cmd)
    set_ = actions.add_parser("set", help=_("change one setting"))
    set_.add_argument("key", metavar="KEY")
    set_.add_argument("value", metavar="VALUE")
    set_.set_defaults(handler=set_cmd)
    lst = actions.add_parser("list", help=_("all settings with their values"))
    json_flag(lst)
    lst.set_defaults(handler=list_cmd)

    secret = sub.add_parser("secret", help=_("passwords and tokens, kept in the system keyring"))
    secret_actions = secret.add_subparsers(dest="action", metavar="ACTION", required=True)
    sset = secret_actions.add_parser("set", help=_("store a secret read from standard input"))
    sset.add_argument("name", choices=NAMES)
    sset.set_defaults(handler=secret_cmd)

    test = sub.add_parser("send-test", help=_("send a test message through a configured channel"))
    test.add_argument("--channel", choices=("email", "sms", "voice"), required=True)
    test.add_argument("--to", required=True, help=_("e-mail address or phone number"))
    json_flag(test)
    test.set_defaults(handler=send_test_cmd)

    sched = sub.add_parser("scheduler", help=_("run reminders in the background (no window)"))
    sched.add_argument("--once", action="store_true", help=_("one run now, then exit"))
    sched.set_defaults(handler=scheduler_cmd)


def get_cmd(ctx: Context) -> int:
    value = get_value(ctx.db, ctx.args.key)
    if ctx.json:
        ctx.emit_json({ctx.args.key: value})
    else:
        ctx.line(str(value))
    return 0


def set_cmd(ctx: Context) -> int:
    value = set_value(ctx.db, ctx.args.key, ctx.args.value)
    ctx.line(f"{ctx.args.key} = {value}")
    return 0


def list_cmd(ctx: Context) -> int:
    values = all_values(ctx.db)
    if ctx.json:
        ctx.emit_json(values)
        return 0
    ctx.table(
        [_("Key"), _("Value"), _("Meaning")],
        [(k, str(v), _(KEYS[k].help)) for k, v in values.items()],
        right=set(),
    )
    return 0


def secret_cmd(ctx: Context) -> int:
    value = sys.stdin.readline().rstrip("\r\n")
    if not value:
        raise ValidationError(_("No secret on standard input"))
    set_secret(ctx.args.name, value)
    ctx.line(_("Secret {name} saved in the system keyring").format(name=ctx.args.name))
    return 0


def send_test_cmd(ctx: Context) -> int:
    result = send_test(ctx.db, ctx.args.channel, ctx.args.to)
    if ctx.json:
        ctx.emit_json(
            {"status": result.status, "provider_id": result.provider_id, "detail": result.detail}
        )
    else:
        ctx.line(f"{result.status}: {result.detail}")
    return 0 if result.ok else 3


def scheduler_cmd(ctx: Context) -> int:
    from desktop_app.scheduler import DunningScheduler

    scheduler = DunningScheduler(ctx.db, blocking=not ctx.args.once)
    if ctx.args.once:
        report = scheduler.run_once()
        if report is not None:
            ctx.line(
                _(
                    "Sent {sent}, failed {failed}, uncertain {uncertain}, skipped {skipped}, "
                    "tasks {tasks}, handed over {handed_over}"
                ).format(**report.counts())
            )
        return 0 if scheduler.last_error is None else 1
    try:
        scheduler.start()
    except KeyboardInterrupt:
        pass
    finally:
        scheduler.shutdown()
    return 0
