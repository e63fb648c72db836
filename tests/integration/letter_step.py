"""A scenario whose only step writes a demand letter ten days after the due date."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.integration.dunning_env import DunningEnv

LETTER_SCENARIO: dict[str, object] = {
    "name": "with-letter",
    "title": "Letter after ten days",
    "steps": [
        {
            "code": "letter",
            "name": "Demand letter",
            "trigger": {"anchor": "due", "offset": 10},
            "channels": ["letter"],
            "templates": {"letter": "escalation/task_manager"},
        }
    ],
}


def with_letter_step(
    env: DunningEnv, folder: Path, scenario: dict[str, object] | None = None
) -> DunningEnv:
    """The firm configured, the scenario imported, one business debtor (a NIP: art. 15 applies)
    with FV/7/2024 due 1 March 2024 (1,234.50 PLN) assigned to it: a run on 11 March 2024
    writes the letter."""
    env.configure()
    path = folder / "letter.yaml"
    path.write_text(
        yaml.safe_dump(scenario or LETTER_SCENARIO, allow_unicode=True), encoding="utf-8"
    )
    env.ok("scenario", "import", str(path))
    env.ok(
        "contractor", "add", "--name", "Gęśla Jaźń Sp. j.", "--nip", "5252248481", "--city", "Łódź"
    )
    env.ok("invoice", "add", "--contractor", "1", "--number", "FV/7/2024", "--issued",
           "2024-02-15", "--due", "2024-03-01", "--amount", "1234,50")  # fmt: skip
    env.ok("scenario", "assign", "--contractor", "1", "with-letter")
    return env
