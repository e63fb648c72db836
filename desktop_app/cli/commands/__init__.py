"""One module per command group; each exposes ``register(subparsers)``."""

from __future__ import annotations

import argparse
from typing import Any

from desktop_app.cli.commands import (
    audit,
    backup,
    check,
    config,
    contractor,
    demo,
    digest,
    dunning,
    firm,
    imports,
    interest,
    invoice,
    letter,
    mapping,
    open,
    outbox,
    payment,
    rates,
    rating,
    report,
    scenario,
    user,
    version,
)

GROUPS = (
    demo,
    firm,
    contractor,
    invoice,
    payment,
    imports,
    mapping,
    report,
    rating,
    check,
    open,
    scenario,
    dunning,
    digest,
    outbox,
    interest,
    rates,
    letter,
    user,
    config,
    backup,
    audit,
    version,
)


def register_all(sub: argparse._SubParsersAction[Any]) -> None:
    for group in GROUPS:
        group.register(sub)
