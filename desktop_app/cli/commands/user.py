"""inkaso user list|add|edit|deactivate|activate|absent|present|me"""

from __future__ import annotations

import argparse
from typing import Any

from desktop_app.cli.context import Context, json_flag, parse_date
from desktop_app.domain import roles
from desktop_app.errors import NotFoundError
from desktop_app.i18n import LANGUAGES, _
from desktop_app.services import activity, users
from desktop_app.services.users import UserInput, UserView


def register(sub: argparse._SubParsersAction[Any]) -> None:
    group = sub.add_parser("user", help=_("the people working in Inkaso, their roles and deputies"))
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True)

    listing = actions.add_parser("list", help=_("list users"))
    listing.add_argument(
        "--all", dest="everyone", action="store_true", help=_("deactivated users too")
    )
    json_flag(listing)
    listing.set_defaults(handler=list_users)

    add = actions.add_parser("add", help=_("add a user"))
    add.add_argument("--login", required=True, help=_("the person's login on their computer"))
    add.add_argument("--name", required=True, help=_("full name"))
    _contact_options(add)
    add.add_argument("--role", choices=list(roles.ROLES), default=roles.ACCOUNT_MANAGER)
    json_flag(add)
    add.set_defaults(handler=add_user)

    edit = actions.add_parser("edit", help=_("change a user; options not given stay as they are"))
    edit.add_argument("user", metavar="ID|LOGIN")
    edit.add_argument("--login", help=_("the person's login on their computer"))
    edit.add_argument("--name", help=_("full name"))
    _contact_options(edit)
    edit.add_argument("--role", choices=list(roles.ROLES))
    json_flag(edit)
    edit.set_defaults(handler=edit_user)

    for name, active, text in (
        ("deactivate", False, _("deactivate a user (history and tasks stay)")),
        ("activate", True, _("bring a deactivated user back")),
    ):
        cmd = actions.add_parser(name, help=text)
        cmd.add_argument("user", metavar="ID|LOGIN")
        json_flag(cmd)
        cmd.set_defaults(handler=set_active, active=active)

    absent = actions.add_parser(
        "absent", help=_("mark a user away; their tasks go to the deputy meanwhile")
    )
    absent.add_argument("user", metavar="ID|LOGIN")
    absent.add_argument("--from", dest="first", required=True, metavar="YYYY-MM-DD")
    absent.add_argument("--to", dest="last", required=True, metavar="YYYY-MM-DD")
    absent.add_argument("--deputy", required=True, metavar="ID|LOGIN")
    json_flag(absent)
    absent.set_defaults(handler=set_absent)

    me = actions.add_parser(
        "me",
        help=_(
            "the user this computer's login is; on a database without users it becomes the owner"
        ),
    )
    json_flag(me)
    me.set_defaults(handler=show_me)

    present = actions.add_parser("present", help=_("clear a user's absence"))
    present.add_argument("user", metavar="ID|LOGIN")
    json_flag(present)
    present.set_defaults(handler=set_present)


def _contact_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--email", help=_("e-mail address (checked); empty to remove"))
    parser.add_argument("--phone", help=_("phone number (checked); empty to remove"))
    parser.add_argument(
        "--language",
        dest="user_lang",
        choices=(*LANGUAGES, ""),
        help=_("language of the user's morning digest; empty follows digest.language"),
    )


def serialize(user: UserView) -> dict[str, Any]:
    return {
        "id": user.id,
        "login": user.login,
        "name": user.full_name,
        "email": user.email,
        "phone": user.phone,
        "role": user.role,
        "active": user.active,
        "absent_from": user.absent_from.isoformat() if user.absent_from else None,
        "absent_to": user.absent_to.isoformat() if user.absent_to else None,
        "deputy_id": user.deputy_id,
        "language": user.language,
    }


def list_users(ctx: Context) -> int:
    found = users.list_users(ctx.db, active_only=not ctx.args.everyone)
    if ctx.json:
        ctx.emit_json([serialize(u) for u in found])
        return 0
    if not found:
        ctx.line(_("No users yet"))
        return 0
    names = {u.id: u.full_name for u in found}
    ctx.table(
        [_("Id"), _("Login"), _("Name"), _("Role"), _("E-mail"), _("Away")],
        [
            [
                str(u.id),
                u.login,
                u.full_name + ("" if u.active else " " + _("(inactive)")),
                _(roles.ROLES[u.role]),
                u.email or "",
                _absence_text(u, names),
            ]
            for u in found
        ],
        right={0},
    )
    return 0


def _absence_text(user: UserView, names: dict[int, str]) -> str:
    if user.absent_from is None or user.absent_to is None:
        return ""
    return _("{first} – {last}, deputy {deputy}").format(
        first=user.absent_from.isoformat(),
        last=user.absent_to.isoformat(),
        deputy=names.get(user.deputy_id or -1, "?"),
    )


def _show(ctx: Context, user_id: int, sentence: str) -> int:
    user = users.get_user(ctx.db, user_id)
    if ctx.json:
        ctx.emit_json(serialize(user))
    else:
        ctx.line(sentence.format(login=user.login, name=user.full_name))
    return 0


def add_user(ctx: Context) -> int:
    a = ctx.args
    data = UserInput(a.login, a.name, a.email, a.phone, a.role, a.user_lang)
    return _show(ctx, users.add_user(ctx.db, data), _("User {login} added: {name}"))


def edit_user(ctx: Context) -> int:
    a = ctx.args
    current = users.get_user(ctx.db, a.user)
    data = UserInput(
        current.login,
        current.full_name,
        current.email,
        current.phone,
        current.role,
        current.language,
    )
    for option, attribute in (
        ("login", "login"),
        ("name", "full_name"),
        ("email", "email"),
        ("phone", "phone"),
        ("role", "role"),
        ("user_lang", "language"),
    ):
        value = getattr(a, option)
        if value is not None:
            setattr(data, attribute, value)
    return _show(ctx, users.edit_user(ctx.db, current.id, data), _("User {login} changed: {name}"))


def set_active(ctx: Context) -> int:
    user_id = users.set_active(ctx.db, ctx.args.user, ctx.args.active)
    sentence = _("User {login} is active") if ctx.args.active else _("User {login} deactivated")
    return _show(ctx, user_id, sentence)


def set_absent(ctx: Context) -> int:
    a = ctx.args
    first, last = parse_date(a.first, "--from"), parse_date(a.last, "--to")
    user_id = users.set_absence(ctx.db, a.user, first, last, a.deputy)
    return _show(ctx, user_id, _("{name} is away; the deputy takes their tasks"))


def set_present(ctx: Context) -> int:
    user_id = users.set_absence(ctx.db, ctx.args.user, None, None, None)
    return _show(ctx, user_id, _("{name} is no longer marked away"))


def show_me(ctx: Context) -> int:
    login = activity.current_actor()
    user_id = users.ensure_first_user(ctx.db, login, login)
    if user_id is None:
        raise NotFoundError(
            _(
                "Your login {login} is not an Inkaso user yet (user add or user edit --login)"
            ).format(login=login)
        )
    return _show(ctx, user_id, _("You are {name} ({login})"))
