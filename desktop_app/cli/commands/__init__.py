"""One module per command group; each exposes ``register(subparsers)``."""

from __future__ import annotations

import argparse
from typing import Any

from desktop_app.cli.commands import (
    config,
    contractor,
    demo,
    dunning,
    firm,
    interest,
    invoice,
    letter,
    outbox,
    payment,
    rates,
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
    scenario,
    dunning,
    outbox,
    interest,
    rates,
    letter,
    config,
    version,
)


def register_all(sub: argparse._SubParsersAction[Any]) -> None:
    for group in GROUPS:
        group.register(sub)
