"""inkaso rating"""

from __future__ import annotations

import argparse
from typing import Any

from desktop_app.cli.context import Context, json_flag, today_flag
from desktop_app.domain.rating import explain
from desktop_app.i18n import _
from desktop_app.services import rating as rating_service


def register(sub: argparse._SubParsersAction[Any]) -> None:
    cmd = sub.add_parser(
        "rating", help=_("payer rating (1-5 stars) from each contractor's own history")
    )
    cmd.add_argument(
        "--contractor", metavar="ID|NIP", help=_("only this contractor (default: all)")
    )
    today_flag(cmd)
    json_flag(cmd)
    cmd.set_defaults(handler=show_rating)


def _stars_text(stars: int | None) -> str:
    return "★" * stars + "☆" * (5 - stars) if stars is not None else _("not rated yet")


def _json(found: rating_service.ContractorRating) -> dict[str, Any]:
    return {
        "contractor": found.contractor_id,
        "stars": found.rating.stars,
        "reasons": explain(found.rating),
    }


def show_rating(ctx: Context) -> int:
    today = ctx.today()
    with ctx.db.read() as session:
        if ctx.args.contractor is not None:
            one = rating_service.for_contractor(session, ctx.args.contractor, today)
            if ctx.json:
                ctx.emit_json(_json(one))
                return 0
            ctx.line(f"{one.name}: {_stars_text(one.rating.stars)}")
            for reason in explain(one.rating):
                ctx.line(f"  - {reason}")
            return 0
        every = rating_service.for_all(session, today)
    if ctx.json:
        ctx.emit_json([_json(found) for found in every])
        return 0
    ctx.table(
        [_("ID"), _("Name"), _("Rating"), _("Why")],
        (
            [
                str(f.contractor_id),
                f.name,
                _stars_text(f.rating.stars),
                "; ".join(explain(f.rating)),
            ]
            for f in every
        ),
        right={0},
    )
    return 0
