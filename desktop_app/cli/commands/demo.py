"""inkaso demo"""

from __future__ import annotations

import argparse
import time
from typing import Any

from desktop_app.cli.context import Context, json_flag, today_flag, whole_number
from desktop_app.i18n import _
from desktop_app.services import demo


def register(sub: argparse._SubParsersAction[Any]) -> None:
    cmd = sub.add_parser("demo", help=_("fill an empty database with realistic demo data"))
    cmd.add_argument(
        "--contractors",
        type=whole_number(0, demo.MAX_CONTRACTORS),
        default=200,
        metavar="N",
    )
    cmd.add_argument(
        "--invoices", type=whole_number(0, demo.MAX_INVOICES), default=3000, metavar="M"
    )
    cmd.add_argument("--seed", type=whole_number(0, 2**32 - 1), default=1, metavar="S")
    today_flag(cmd)
    json_flag(cmd)
    cmd.set_defaults(handler=run_demo)


def run_demo(ctx: Context) -> int:
    a = ctx.args
    started = time.perf_counter()
    summary = demo.generate(
        ctx.db,
        demo.DemoSpec(
            contractors=a.contractors, invoices=a.invoices, seed=a.seed, today=ctx.today()
        ),
    )
    seconds = time.perf_counter() - started
    data = {**summary.as_dict(), "seconds": round(seconds, 2)}
    if ctx.json:
        ctx.emit_json(data)
    else:
        ctx.line(
            _(
                "Demo data: {contractors} contractors, {invoices} invoices, {payments} payments "
                "in {seconds:.1f} s"
            ).format(seconds=seconds, **summary.as_dict())
        )
    return 0
