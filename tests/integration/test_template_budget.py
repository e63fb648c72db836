"""A broken template fails only its own messages: the rest of the run is sent as usual."""

from __future__ import annotations

import json
from dataclasses import replace

from db.models import MessageTemplate as TemplateRow
from desktop_app.domain.presets import PRESETS
from desktop_app.services.dunning import scenarios
from tests.integration.dunning_env import DunningEnv

#: saved by an older Inkaso, before the editor's check knew about endless templates
BROKEN = {
    "mine/recursive": "{% macro again(n) %}{{ again(n + 1) }}{% endmacro %}{{ again(1) }}",
    "mine/endless": (
        "{% for a in range(1000) %}{% for b in range(1000) %}{% for c in range(1000) %}"
        "{% endfor %}{% endfor %}{% endfor %}Dzień dobry"
    ),
}


def test_an_endless_or_recursive_template_fails_only_its_own_message(env: DunningEnv) -> None:
    env.configure()
    with env.db.write() as session:
        for name, body in BROKEN.items():
            session.add(TemplateRow(name=name, language="pl", body=body, subject="Przypomnienie"))
    preset = PRESETS["gentle-email"]
    for number, name in enumerate(BROKEN, start=1):
        steps = tuple(replace(step, templates={"email": name}) for step in preset.steps)
        scenarios.save(env.db, replace(preset, name=f"broken-{number}", steps=steps))
    for who in ("Kowalski", "Nowak", "Wiśniewski"):
        env.ok("contractor", "add", "--name", who, "--email", f"{who.lower()}@example.com")
    for contractor in (1, 2, 3):
        env.ok("invoice", "add", "--contractor", str(contractor), "--number", f"FV/{contractor}",
               "--issued", "2026-03-02", "--due", "2026-03-16", "--amount", "100")  # fmt: skip
    env.ok("scenario", "assign", "--contractor", "2", "broken-1")
    env.ok("scenario", "assign", "--contractor", "3", "broken-2")

    result = env.cli("dunning", "run", "--json", "--today", "2026-03-17")

    assert result.code in (0, 3), result.err  # never a crash
    assert [m.rcpt_tos for m in env.mail.messages] == [["kowalski@example.com"]]
    said = result.out + env.cli("outbox", "list", "--json").out
    assert "calls itself without end" in said
    assert "repeats its loops more than 1000000 times" in said or "took longer than" in said
    assert "Traceback" not in result.err
    json.loads(result.out)
