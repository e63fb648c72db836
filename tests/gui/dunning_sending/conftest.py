"""A firm dunning against real servers on loopback (aiosmtpd, a fake SMSAPI), and the GUI over it.

Data is made through the CLI and the services, and outbox rows by real dunning runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtWidgets import QApplication

from db.uow import Database
from tests.conftest import Cli
from tests.integration.dunning_env import DunningEnv, dunning_env
from ui.dunning.scheduler_bridge import SchedulerBridge
from ui.operations import Operations

# The offscreen platform cannot resize or raise real windows and has no real tray; Qt says so.
OFFSCREEN_NOISE = r"This plugin does not support|systemTrayWindowChanged"
WARSAW = ZoneInfo("Europe/Warsaw")
TODAY = dt.date(2026, 3, 16)
DEBTORS = 3


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=WARSAW)


def add_debtors(env: DunningEnv, count: int = DEBTORS) -> None:
    """``count`` contractors with one invoice each, issued 2 March, due 16 March 2026."""
    for n in range(1, count + 1):
        env.ok("contractor", "add", "--name", f"Dłużnik {n} Sp. z o.o.",
               "--email", f"d{n}@debtor.example.com", "--phone", f"+48 50{n} 000 111")  # fmt: skip
        env.ok("invoice", "add", "--contractor", str(n), "--number", f"FV/{n}/2026",
               "--issued", "2026-03-02", "--due", "2026-03-16", "--amount", f"{100 * n}")  # fmt: skip


@pytest.fixture
def env(db: Database, db_path: Path, cli: Cli) -> Iterator[DunningEnv]:
    with dunning_env(db, db_path, cli) as environment:
        yield environment


@pytest.fixture
def bridges(db: Database, ops: Operations) -> Iterator[list[SchedulerBridge]]:
    """Scheduler bridges made by a test; shut down (runs finished, lock released) before ``ops``."""
    made: list[SchedulerBridge] = []
    yield made
    for bridge in made:
        bridge.shutdown()


@pytest.fixture
def keep_quit_setting(qapp: QApplication) -> Iterator[None]:
    before = qapp.quitOnLastWindowClosed()
    yield
    qapp.setQuitOnLastWindowClosed(before)
