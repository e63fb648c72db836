"""inkaso scenario list|show|export|import|default|reset|assign"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from desktop_app import labels
from desktop_app.cli.context import Context, json_flag
from desktop_app.domain import scenario as model
from desktop_app.errors import ValidationError
from desktop_app.i18n import _, ngettext
from desktop_app.services.dunning import scenarios


def register(sub: argparse._SubParsersAction[Any]) -> None:
    group = sub.add_parser("scenario", help=_("dunning scenarios"))
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    lst = actions.add_parser("list", help=_("list scenarios"))
    json_flag(lst)
    lst.set_defaults(handler=list_scenarios)
    show = actions.add_parser("show", help=_("show a scenario's steps"))
    show.add_argument("name")
    json_flag(show)
    show.set_defaults(handler=show_scenario)
    export = actions.add_parser("export", help=_("write a scenario as JSON or YAML"))
    export.add_argument("name")
    export.add_argument("--format", choices=("json", "yaml"), default="json")
    export.add_argument("--output", metavar="FILE", help=_("file to write (default: the screen)"))
    export.set_defaults(handler=export_scenario)
    imp = actions.add_parser("import", help=_("read a scenario from a JSON or YAML file"))
    imp.add_argument("file", type=Path)
    imp.add_argument("--replace", action="store_true", help=_("overwrite a scenario of that name"))
    imp.add_argument("--name", help=_("store it under another name"))
    imp.set_defaults(handler=import_scenario)
    default = actions.add_parser("default", help=_("make a scenario the default"))
    default.add_argument("name")
    default.set_defaults(handler=default_scenario)
    reset = actions.add_parser("reset", help=_("restore a built-in scenario as shipped"))
    reset.add_argument("name")
    reset.set_defaults(handler=reset_scenario)
    assign = actions.add_parser("assign", help=_("use a scenario for one contractor or invoice"))
    target = assign.add_mutually_exclusive_group(required=True)
    target.add_argument("--contractor", metavar="ID|NIP")
    target.add_argument("--invoice", metavar="NO")
    assign.add_argument("name", nargs="?", help=_("scenario name; omit to go back to the default"))
    assign.set_defaults(handler=assign_scenario)


def list_scenarios(ctx: Context) -> int:
    rows = scenarios.list_scenarios(ctx.db)
    if ctx.json:
        ctx.emit_json(
            [
                {
                    "name": r.name,
                    "title": r.title,
                    "default": r.is_default,
                    "builtin": r.builtin,
                    "steps": r.steps,
                }
                for r in rows
            ]
        )
        return 0
    ctx.table(
        [_("Name"), _("Title"), _("Steps"), _("Default")],
        [(r.name, r.title, str(r.steps), "*" if r.is_default else "") for r in rows],
        right={2},
    )
    return 0


def show_scenario(ctx: Context) -> int:
    found = scenarios.get(ctx.db, ctx.args.name)
    if ctx.json:
        ctx.emit_json(model.to_dict(found))
        return 0
    ctx.line(f"{found.name}: {found.title}")
    if found.description:
        ctx.line(found.description)
    ctx.line()
    rows = []
    for step in found.steps:
        when = labels.describe_trigger(step.trigger)
        repeat = labels.describe_repeat(step.repeat)
        channels = ", ".join(labels.channel(c, short=True) for c in step.channels)
        rows.append((step.code, step.name, when, repeat, channels))
    ctx.table([_("Step"), _("Name"), _("When"), _("Repeat"), _("Channels")], rows, right=set())
    if found.handover:
        ctx.line()
        ctx.line(
            ngettext(
                "Hand-over to collection {n} day after the due date",
                "Hand-over to collection {n} days after the due date",
                found.handover.after_days,
            ).format(n=found.handover.after_days)
        )
    if found.on_paid.channels:
        ctx.line(
            _("Thank-you after payment: {channels}").format(
                channels=", ".join(labels.channel(c, short=True) for c in found.on_paid.channels)
            )
        )
    return 0


def export_scenario(ctx: Context) -> int:
    text = scenarios.export_text(ctx.db, ctx.args.name, ctx.args.format)
    if ctx.args.output:
        try:
            Path(ctx.args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise ValidationError(
                _("Cannot write {file}: {error}").format(file=ctx.args.output, error=exc.strerror)
            ) from exc
    else:
        ctx.out.write(text)
    return 0


def import_scenario(ctx: Context) -> int:
    name = scenarios.import_file(
        ctx.db, ctx.args.file, replace=ctx.args.replace, name=ctx.args.name
    )
    ctx.line(_("Scenario {name} imported").format(name=name))
    return 0


def default_scenario(ctx: Context) -> int:
    scenarios.set_default(ctx.db, ctx.args.name)
    ctx.line(_("{name} is now the default scenario").format(name=ctx.args.name))
    return 0


def reset_scenario(ctx: Context) -> int:
    scenarios.reset_preset(ctx.db, ctx.args.name)
    ctx.line(_("Scenario {name} restored").format(name=ctx.args.name))
    return 0


def assign_scenario(ctx: Context) -> int:
    a = ctx.args
    scenarios.assign(ctx.db, contractor=a.contractor, invoice_number=a.invoice, name=a.name)
    ctx.line(_("Done"))
    return 0
