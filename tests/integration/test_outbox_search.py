"""The outbox is searched, counted, sorted and paged in SQL: an old message is found as readily
as a new one."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.errors import ValidationError
from desktop_app.services.database import open_database
from desktop_app.services.dunning import outbox
from tests.conftest import Cli, CliResult
from tests.integration.dunning_env import DunningEnv, dunning_env
from tests.integration.outbox_crowd import NEWER, OLDEST_EMAIL, crowded_outbox


@pytest.fixture
def oldest(env: DunningEnv) -> int:
    return crowded_outbox(env)


def _ids(env: DunningEnv, **query: object) -> list[int]:
    return [m.id for m in outbox.list_messages(env.db, **query)]  # type: ignore[arg-type]


def test_the_oldest_of_thousands_is_found_by_name_recipient_subject_or_text(
    env: DunningEnv, oldest: int
) -> None:
    for text in (
        "najstarsze",  # the contractor's name
        "ZAKLADY najstarsze",  # any case, without Polish letters
        "Zakłady Najstarsze",
        OLDEST_EMAIL.upper(),  # the recipient
        "FV/1/2026",  # the text and subject name the invoice
    ):
        assert _ids(env, text=text, limit=50) == [oldest], text
    assert _ids(env, text="najstarsze", status="sent", channel="email") == [oldest]
    assert _ids(env, text="najstarsze", status="failed") == []
    assert _ids(env, text="najstarsze", channel="sms") == []


def test_counts_per_status_follow_the_channel_and_the_text(env: DunningEnv, oldest: int) -> None:
    everything = outbox.counts(env.db)
    assert sum(everything.values()) == NEWER + 1
    assert everything["failed"] == len(range(0, NEWER, 7))
    found = outbox.counts(env.db, text="najstarsze")
    assert found == {**dict.fromkeys(outbox.STATUSES, 0), "sent": 1}
    sms = outbox.counts(env.db, channel="sms")
    assert sum(sms.values()) == len(range(0, NEWER, 5))
    assert sms["failed"] == len(range(0, NEWER, 35))


def test_pages_cover_the_whole_outbox_newest_first(env: DunningEnv, oldest: int) -> None:
    pages = [_ids(env, offset=offset, limit=1000) for offset in (0, 1000, 2000)]
    assert [len(p) for p in pages] == [1000, 1000, NEWER + 1 - 2000]
    every = [i for page in pages for i in page]
    assert len(set(every)) == NEWER + 1
    assert every == sorted(every, reverse=True)
    assert every[-1] == oldest
    assert _ids(env, offset=NEWER + 1, limit=10) == []


def test_sorting_in_sql(env: DunningEnv, oldest: int) -> None:
    by_name = outbox.list_messages(env.db, sort="contractor", descending=False, limit=NEWER + 1)
    names = [m.contractor_name for m in by_name]
    assert names[0] == "Hurtownia Inna Sp. z o.o."
    assert names[-1] == "Zakłady Najstarsze Sp. z o.o."
    oldest_first = _ids(env, sort="created", descending=False, limit=3)
    assert oldest_first[0] == oldest
    by_status = outbox.list_messages(env.db, sort="status", descending=False, limit=NEWER + 1)
    statuses = [m.status for m in by_status]
    # what needs a person comes first
    assert statuses.index("sent") > statuses.index("failed")
    with pytest.raises(ValidationError):
        outbox.list_messages(env.db, sort="nonsense")


def test_a_phone_number_is_found_as_people_type_it(env: DunningEnv, oldest: int) -> None:
    sms = set(_ids(env, channel="sms", limit=NEWER))
    assert set(_ids(env, text="501 000 111", limit=NEWER)) == sms
    assert set(_ids(env, text="+48 501-000-111", limit=NEWER)) == sms


def test_wildcards_typed_by_a_person_are_plain_characters(env: DunningEnv, oldest: int) -> None:
    assert _ids(env, text="%") == []
    assert len(_ids(env, text="_", limit=NEWER + 1)) <= 1  # at most a key with a step name


@pytest.mark.postgres
def test_the_same_search_counts_and_order_on_postgres(
    cli: Cli, pg_url: str, tmp_path: Path
) -> None:
    def on_pg(*args: str, db: Path | str | None = None) -> CliResult:
        return cli(*args, db=pg_url)

    database = open_database(pg_url)
    try:
        with dunning_env(database, tmp_path / "unused.db", on_pg) as env:
            oldest = crowded_outbox(env, newer=300)
            for text in ("ZAKLADY najstarsze", "Zakłady Najstarsze", OLDEST_EMAIL.upper()):
                assert _ids(env, text=text) == [oldest], text
            sms = set(_ids(env, channel="sms"))
            assert set(_ids(env, text="501 000 111")) == sms
            assert _ids(env, text="%") == []
            assert outbox.counts(env.db, text="najstarsze")["sent"] == 1
            by_status = outbox.list_messages(env.db, sort="status", descending=False)
            statuses = [m.status for m in by_status]
            assert statuses.index("sent") > statuses.index("failed")
            by_name = outbox.list_messages(env.db, sort="contractor", descending=True)
            assert by_name[0].id == oldest
            assert _ids(env, offset=300, limit=10) == [oldest]
    finally:
        database.dispose()
