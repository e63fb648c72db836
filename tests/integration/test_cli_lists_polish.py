"""What a Polish office worker reads in the outbox and task lists: words, not the codes scripts use."""

from __future__ import annotations

from tests.integration.dunning_env import DunningEnv

NBSP = "\u00a0"


def _month(env: DunningEnv) -> None:
    env.configure("gentle-email")
    env.ok("contractor", "add", "--name", "Klient 1", "--email", "k1@klient.example.com")
    env.ok("invoice", "add", "--contractor", "1", "--number", "FV/1", "--issued", "2026-03-02",
           "--due", "2026-03-16", "--amount", "1234,50")  # fmt: skip
    env.ok("contractor", "promise", "1", "--date", "2026-03-20", "--amount", "1234,50",
           "--today", "2026-03-17")  # fmt: skip
    for day in range(17, 31):
        env.run(f"2026-03-{day:02d}")


def test_outbox_list_names_the_status_and_channel_in_the_users_language(env: DunningEnv) -> None:
    _month(env)
    rows = env.ok("outbox", "list", "--json")
    assert rows and {r["status"] for r in rows} == {"sent"}  # JSON keeps the codes
    table = env.cli("--lang", "pl", "outbox", "list").out
    lines = [line for line in table.splitlines() if "k1@klient.example.com" in line]
    assert lines, table
    for line in lines:
        assert "Wysłana" in line and "E-mail" in line, line
        assert " sent " not in line and " email " not in line, line


def test_a_broken_promise_task_names_its_kind_in_polish_and_writes_amount_and_date_for_people(
    env: DunningEnv,
) -> None:
    _month(env)  # the runs are in English: the task's title is written then, in English
    [task] = [
        t for t in env.ok("task", "list", "--filter", "all", "--json") if t["kind"] == "promise"
    ]
    assert "1,234.50 PLN" in task["title"] and "20/03/2026" in task["title"], task["title"]
    table = env.cli("--lang", "pl", "task", "list", "--filter", "all", "--today", "2026-03-30").out
    [line] = [line for line in table.splitlines() if task["title"] in line]
    assert "Niedotrzymana obietnica zapłaty" in line, line
    assert " promise " not in line, line


def test_remind_says_in_polish_what_went_where(env: DunningEnv) -> None:
    env.configure("gentle-email")
    env.ok("contractor", "add", "--name", "Klient 1", "--email", "k1@klient.example.com")
    env.ok("invoice", "add", "--contractor", "1", "--number", "FV/1", "--issued", "2026-03-02",
           "--due", "2026-03-16", "--amount", "100")  # fmt: skip
    result = env.cli("--lang", "pl", "remind", "--contractor", "1")
    assert result.code == 0, result.err
    [line] = result.out.splitlines()
    assert line.startswith("E-mail -> k1@klient.example.com: Wysłana"), line
    assert " sent" not in line and not line.startswith("email"), line
