"""Each digest recipient reads it in their own language; ``digest.language`` is the fallback."""

from __future__ import annotations

from email.message import EmailMessage

from db.models import User
from tests.integration.dunning_env import DunningEnv

OWNER = "szef@hurtownia.example.com"
IRINA = "irina@hurtownia.example.com"
PIOTR = "piotr@hurtownia.example.com"


def _subject(env: DunningEnv, address: str) -> str:
    found = [m for m in env.emails() if m["To"] == address]
    assert len(found) == 1, [m["To"] for m in env.emails()]
    message: EmailMessage = found[0]
    return str(message["Subject"])


def test_each_recipient_gets_the_digest_in_their_own_language(env: DunningEnv) -> None:
    env.configure(notice__recipients=OWNER, digest__language="en")
    with env.db.write() as session:
        # the owner is a user too (by address), Polish; Irina reads Russian; Piotr set nothing
        session.add(User(login="szef", full_name="Jan Szef", email=OWNER, language="pl"))
        session.add(User(login="irina", full_name="Irina Petrova", email=IRINA, language="ru"))
        session.add(User(login="piotr", full_name="Piotr Nowak", email=PIOTR))
    env.ok("contractor", "add", "--name", "Alfa", "--email", "alfa@klient.example.com")
    env.ok("contractor", "edit", "1", "--manager", "irina")
    env.ok("contractor", "add", "--name", "Beta", "--email", "beta@klient.example.com")
    env.ok("contractor", "edit", "2", "--manager", "piotr")
    env.ok("invoice", "add", "--issued", "2026-11-01", "--contractor", "1", "--number", "A/1",
           "--due", "2026-11-20", "--amount", "1000")  # fmt: skip

    sent = env.cli("digest", "--today", "2026-12-01", "--send")

    assert sent.code == 0, sent.err
    assert _subject(env, OWNER).startswith("Podsumowanie Inkaso na ")
    assert _subject(env, IRINA).startswith("Сводка Inkaso на ")
    assert "Irina Petrova" in _subject(env, IRINA)
    assert _subject(env, PIOTR).startswith("Inkaso digest")  # digest.language, the fallback
