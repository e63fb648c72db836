"""Templates in real runs: each currency with its own account; a broken template fails alone."""

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


PLN_IBAN = "PL61 1090 1014 0000 0712 1981 2874"
EUR_IBAN = "PL36 1090 1014 0000 0712 1981 5555"


def _debtor_in_two_currencies(env: DunningEnv) -> str:
    """A contractor owing PLN and EUR, both overdue; the text of the one e-mail they get."""
    env.ok("contractor", "add", "--name", "Kowalski", "--email", "k@kowalski.example.com")
    env.ok("invoice", "add", "--contractor", "1", "--number", "FV/1", "--issued", "2026-03-02",
           "--due", "2026-03-16", "--amount", "1000")  # fmt: skip
    env.ok("invoice", "add", "--contractor", "1", "--number", "FV/2", "--issued", "2026-03-02",
           "--due", "2026-03-16", "--amount", "250", "--currency", "EUR")  # fmt: skip
    env.run("2026-03-19")
    [message] = env.emails()
    parts = [message.get_body((kind,)) for kind in ("plain", "html")]
    return "\n".join(p.get_content() for p in parts if p is not None).replace("\xa0", " ")


def test_each_currency_is_paid_to_the_account_in_that_currency(env: DunningEnv) -> None:
    env.configure()
    env.ok("firm", "set", "--account", f"{PLN_IBAN}:PLN", "--account", f"{EUR_IBAN}:EUR")
    text = _debtor_in_two_currencies(env)
    assert f"Kwotę 1 000,00 zł prosimy wpłacić na rachunek {PLN_IBAN}" in text
    assert f"Kwotę 250,00 € prosimy wpłacić na rachunek {EUR_IBAN}" in text
    html_iban = '<span style="white-space: nowrap;">{}</span>'
    assert html_iban.format(PLN_IBAN) in text and html_iban.format(EUR_IBAN) in text
    assert "prosimy o kontakt" not in text.split("W razie pytań")[0]


def test_a_currency_without_an_account_says_so_instead_of_naming_another(env: DunningEnv) -> None:
    env.configure()  # the firm has a PLN account only
    text = _debtor_in_two_currencies(env)
    assert f"Kwotę 1 000,00 zł prosimy wpłacić na rachunek {PLN_IBAN}" in text
    assert "W sprawie rachunku do wpłaty kwoty 250,00 € w EUR prosimy o kontakt." in text
    assert text.count(PLN_IBAN) == 2  # once in the text, once in the HTML: for PLN only
