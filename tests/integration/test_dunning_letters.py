"""A scenario's letter step: the demand letter rendered into "Letters to print" and the log.

The run is real (dunning run against loopback servers); the PDF is read back with pypdf.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from pypdf import PdfReader

from desktop_app.changes import Change
from desktop_app.services import letter_queue
from desktop_app.services.dunning.runner import run_cycle
from desktop_app.services.letters import (
    LetterRefusedError,
    LetterRequest,
    build_letter,
    load_sources,
    registered_demands,
)
from tests.integration.dunning_env import DunningEnv
from tests.integration.http_gateway import running_gateway
from tests.integration.letter_step import LETTER_SCENARIO, with_letter_step

D = dt.date
WARSAW = ZoneInfo("Europe/Warsaw")


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))


@pytest.fixture
def lettered(env: DunningEnv, tmp_path: Path) -> DunningEnv:
    return with_letter_step(env, tmp_path)


def test_letter_step_queues_the_demand_pdf_once_and_logs_it(lettered: DunningEnv) -> None:
    env = lettered
    first = run_cycle(env.db, now=dt.datetime(2024, 3, 11, 10, 0, tzinfo=WARSAW))
    assert Change.LETTERS in first.changes  # an open "Letters to print" reads the list again
    env.run("2024-03-11")  # a second run the same day
    env.run("2024-03-12")  # and the next day: the step's letter is not made again
    [queued] = letter_queue.list_queue(env.db)
    assert (queued.contractor, queued.document) == ("Gęśla Jaźń Sp. j.", "demand")
    assert queued.letter_date == D(2024, 3, 11)
    assert queued.currency == "PLN" and queued.amount_minor >= 123450
    assert queued.printed_at is None and queued.sent_registered_on is None
    text = pdf_text(letter_queue.queued_pdf(env.db, queued.id))
    assert "FV/7/2024" in text and "Gęśla Jaźń" in text and "1 234,50" in text
    [(channel, data)] = env.sql(
        "SELECT channel, json_extract(data, '$.letter_id') FROM activity WHERE kind = 'letter'"
    )
    assert (channel, data) == ("print", queued.id)
    # the person who posts it still gets the task
    [(kind,)] = env.sql("SELECT kind FROM task")
    assert kind == "letter"


def test_registered_mail_unlocks_the_debtor_register_warning_a_month_later(
    lettered: DunningEnv,
) -> None:
    env = lettered
    env.run("2024-03-11")
    [queued] = letter_queue.list_queue(env.db)
    sources = load_sources(env.db)
    big = LetterRequest("big", 1, D(2024, 4, 15))
    with env.db.read() as session, pytest.raises(LetterRefusedError):
        build_letter(session, big, sources)  # no registered demand yet
    letter_queue.mark_printed(env.db, [queued.id], now=dt.datetime(2024, 3, 11, 15, 0))
    letter_queue.mark_registered(env.db, queued.id, day=D(2024, 3, 12), today=D(2024, 3, 12))
    assert letter_queue.list_queue(env.db) == []  # posted: off the list
    [done] = letter_queue.list_queue(env.db, include_done=True)
    assert done.sent_registered_on == D(2024, 3, 12)
    assert done.printed_at == dt.datetime(2024, 3, 11, 15, 0)
    with env.db.read() as session:
        assert registered_demands(session, 1) == [D(2024, 3, 12)]
        built = build_letter(session, big, sources)
    assert built.letter.kind == "big"


def test_a_letter_step_with_nothing_overdue_yet_leaves_the_task_and_says_why(
    env: DunningEnv, tmp_path: Path
) -> None:
    """A step on the due date itself: nothing is late that day (Art. 115 KC), so there is no
    demand to write; the task is still made and the run's notes name the reason."""
    scenario = copy.deepcopy(LETTER_SCENARIO)
    scenario["steps"][0]["trigger"] = {"anchor": "due", "offset": 0}  # type: ignore[index]
    with_letter_step(env, tmp_path, scenario)
    report = env.run("2024-03-01")
    assert letter_queue.list_queue(env.db) == []
    assert env.sql("SELECT kind FROM task") == [("letter",)]
    assert any("nothing of theirs is overdue" in note for note in report["notes"]), report


def test_a_step_can_write_the_final_demand_and_names_only_demand_documents(
    env: DunningEnv, tmp_path: Path
) -> None:
    scenario = copy.deepcopy(LETTER_SCENARIO)
    scenario["steps"][0]["letter"] = "final"  # type: ignore[index]
    with_letter_step(env, tmp_path, scenario)
    shown = env.ok("scenario", "show", "with-letter", "--json")
    assert shown["steps"][0]["letter"] == "final"
    env.run("2024-03-11")
    [queued] = letter_queue.list_queue(env.db)
    assert queued.document == "final" and queued.reference.startswith("WP/")

    scenario["name"] = "balance-step"
    scenario["steps"][0]["letter"] = "balance"  # type: ignore[index]
    path = tmp_path / "balance.yaml"
    path.write_text(yaml.safe_dump(scenario, allow_unicode=True), encoding="utf-8")
    refused = env.cli("scenario", "import", str(path))
    assert refused.code != 0
    assert "a letter step writes a demand, final, big or pretension letter, not balance" in (
        refused.err + refused.out
    )


def test_a_letter_made_by_hand_is_kept_each_time_and_logged(lettered: DunningEnv) -> None:
    """Letter… on the card: the same day's letter kept twice (a corrected copy) is two letters."""
    env = lettered
    made = letter_queue.preview_letter(env.db, LetterRequest("demand", 1, D(2024, 3, 20)))
    first = letter_queue.keep_letter(env.db, made.built, made.pdf)
    second = letter_queue.keep_letter(env.db, made.built, made.pdf)
    assert first != second
    keys = [k for (k,) in env.sql("SELECT key FROM letter_queue ORDER BY id")]
    assert keys == ["manual/WZ/2024/03/20/1", "manual/WZ/2024/03/20/1#2"]
    logged = env.sql(
        "SELECT json_extract(data, '$.letter_id') FROM activity WHERE kind = 'letter' ORDER BY id"
    )
    assert logged == [(first,), (second,)]


def test_the_letter_step_fetches_the_euro_rate_its_compensation_needs(lettered: DunningEnv) -> None:
    """FV/7/2024 (1,234.50 PLN) fell due on 1 March 2024: 40 EUR at NBP's rate of 29 February
    (4.3191) is 172.76 PLN. Nobody stored that rate: the run asks NBP before the letter is made;
    offline, the letter goes without it and the run's notes say what to enter."""
    from tests.integration.test_compensation_nbp import _closed_port

    env = lettered
    env.ok("config", "set", "rates.nbp_url", f"http://127.0.0.1:{_closed_port()}/api")
    env.ok("config", "set", "rates.fetch", "true")
    offline = env.run("2024-03-11")
    assert any("Letter to Gęśla Jaźń" in n and "2024-02-29" in n for n in offline["notes"])
    [first] = letter_queue.list_queue(env.db)
    assert "172,76" not in pdf_text(letter_queue.queued_pdf(env.db, first.id))


def test_online_the_letter_claims_the_compensation_at_nbps_rate(lettered: DunningEnv) -> None:
    from tests.integration.test_compensation_nbp import _nbp

    env = lettered
    env.ok("config", "set", "rates.fetch", "true")
    with running_gateway(_nbp) as nbp:
        env.ok("config", "set", "rates.nbp_url", nbp.base_url + "/api")
        report = env.run("2024-03-11")
    assert not any("2024-02-29" in n for n in report["notes"]), report["notes"]
    [queued] = letter_queue.list_queue(env.db)
    assert "172,76" in pdf_text(letter_queue.queued_pdf(env.db, queued.id))
