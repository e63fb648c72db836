"""One module per command group; each exposes ``register(subparsers)``."""

from __future__ import annotations

import argparse
from typing import Any

from desktop_app.cli.commands import (
    check,
    config,
    contractor,
    demo,
    dunning,
    firm,
    interest,
    invoice,
    outbox,
    payment,
    rates,
    rating,
    report,
    scenario,
    version,
)

GROUPS = (
    demo,
    firm,
    contractor,
    invoice,
    payment,
    report,
    rating,
    check,
    scenario,
    dunning,
    outbox,
    interest,
    rates,
    config,
    version,
)


def register_all(sub: argparse._SubParsersAction[Any]) -> None:
    for group in GROUPS:
        group.register(sub)
