"""Demo data: realistic Polish firms and 24 months of invoices and payments (deterministic)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from db.uow import Database


@dataclass(frozen=True)
class DemoSpec:
    contractors: int = 200
    invoices: int = 3000
    seed: int = 1
    today: dt.date = dt.date(2026, 11, 22)


@dataclass(frozen=True)
class DemoSummary:
    contractors: int
    invoices: int
    payments: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def generate(db: Database, spec: DemoSpec) -> DemoSummary:
    raise NotImplementedError  # being written
