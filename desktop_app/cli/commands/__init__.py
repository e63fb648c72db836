"""One module per command group; each exposes ``register(subparsers)``."""

from __future__ import annotations

import argparse
from typing import Any

from desktop_app.cli.commands import contractor, demo, invoice, payment, report, version

GROUPS = (demo, contractor, invoice, payment, report, version)


def register_all(sub: argparse._SubParsersAction[Any]) -> None:
    for group in GROUPS:
        group.register(sub)
