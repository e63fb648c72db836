"""An absent account manager's digest goes to their deputy while they are away."""

from __future__ import annotations

from db.models import User
from tests.integration.dunning_env import DunningEnv

OWNER = "szef@hurtownia.example.com"
ANNA = "anna@hurtownia.example.com"
PIOTR = "piotr@hurtownia.example.com"


def test_the_deputy_reads_the_absent_managers_digest(env: DunningEnv) -> None:
    env.configure(notice__recipients=OWNER, digest__language="en")
    with env.db.write() as session:
        session.add(User(login="anna", full_name="Anna Nowak", email=ANNA))
        session.add(User(login="piotr", full_name="Piotr Wiśniewski", email=PIOTR))
    env.ok("contractor", "add", "--name", "Alfa", "--email", "alfa@klient.example.com")
    env.ok("contractor", "add", "--name", "Beta", "--email", "beta@klient.example.com")
    env.ok("contractor", "assign", "--manager", "anna", "1")
    env.ok("contractor", "assign", "--manager", "piotr", "2")
    env.ok("invoice", "add", "--issued", "2026-11-01", "--contractor", "1", "--number", "A/1",
           "--due", "2026-11-20", "--amount", "1000")  # fmt: skip
    env.ok("user", "absent", "anna", "--from", "2026-12-01", "--to", "2026-12-04",
           "--deputy", "piotr")  # fmt: skip

    assert env.cli("digest", "--today", "2026-12-01", "--send").code == 0
    to = sorted(str(m["To"]) for m in env.emails())
    # Piotr reads his own digest and Anna's; Anna's address gets nothing while she is away
    assert to == [PIOTR, PIOTR, OWNER]
    subjects = [str(m["Subject"]) for m in env.emails() if m["To"] == PIOTR]
    assert any("Anna Nowak" in s for s in subjects)
    assert any("Piotr Wiśniewski" in s for s in subjects)

    # back at work: her digest is hers again
    assert env.cli("digest", "--today", "2026-12-05", "--send").code == 0
    later = [str(m["To"]) for m in env.emails()][3:]
    assert sorted(later) == sorted([OWNER, ANNA, PIOTR])
