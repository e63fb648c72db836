"""The scenario condition "rating at most N stars" reads the one payer rating."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from tests.integration.dunning_env import DunningEnv


def test_a_step_for_poor_payers_reaches_only_them(env: DunningEnv, tmp_path: Path) -> None:
    scenario = {
        "name": "poor-payers",
        "title": "Overdue, poor payers only",
        "steps": [
            {
                "code": "overdue",
                "name": "Overdue",
                "trigger": {"anchor": "due", "offset": 1},
                "channels": ["email"],
                "templates": {"email": "gentle-email/email_overdue"},
                "conditions": {"max_rating": 2},
            }
        ],
    }
    path = tmp_path / "poor.yaml"
    path.write_text(yaml.safe_dump(scenario), encoding="utf-8")
    env.configure()
    env.ok("scenario", "import", str(path))
    env.ok("scenario", "default", "poor-payers")
    for cid, (name, late) in enumerate((("Punctual", 0), ("Slow", 61)), start=1):
        env.ok("contractor", "add", "--name", name, "--email", f"{name.lower()}@x.example.com")
        for month in range(3, 9):
            due = dt.date(2026, month, 10)
            env.ok("invoice", "add", "--contractor", str(cid), "--number", f"{name}/{month}",
                   "--issued", "2026-02-20", "--due", due.isoformat(), "--amount", "100")  # fmt: skip
            paid = due + dt.timedelta(days=late)
            env.ok("payment", "add", "--contractor", str(cid), "--date", paid.isoformat(),
                   "--amount", "100")  # fmt: skip
        env.ok("invoice", "add", "--contractor", str(cid), "--number", f"{name}/11",
               "--issued", "2026-11-01", "--due", "2026-11-20", "--amount", "100")  # fmt: skip

    ratings = {
        r["contractor"]: r["stars"] for r in env.ok("rating", "--today", "2026-11-23", "--json")
    }
    assert ratings == {1: 5, 2: 1}
    env.run("2026-11-23")
    assert [to for _day, to in env.sent_on("email")] == ["slow@x.example.com"]
