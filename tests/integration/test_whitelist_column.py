"""The contractor list's White List column: the light of the latest kept check, sorted in SQL by
a twin of ``domain.credibility.registry_summary`` that random checks keep equal to it."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from db.models import Contractor, WhiteListCheck
from db.uow import Database
from desktop_app.domain.credibility import ACTIVE, EXEMPT, registry_summary
from desktop_app.services import contractor_list
from desktop_app.services.contractor_list import WHITELIST_RANK, latest_check, whitelist_rank
from desktop_app.services.database import open_database
from tests.helpers import contractor

TODAY = dt.date(2026, 12, 1)
ACCOUNT = "61109010140000071219812874"
_numbers = itertools.count(100_000_001)


def _nip() -> str:
    """A NIP with a valid check digit, a new one at each call."""
    while True:
        digits = [int(d) for d in f"{next(_numbers):09d}"]
        check = sum(w * d for w, d in zip((6, 5, 7, 2, 3, 4, 5, 6, 7), digits, strict=True)) % 11
        if check != 10:
            return "".join(map(str, digits)) + str(check)


checks = st.lists(
    st.tuples(
        st.integers(0, 70),  # days before today
        st.booleans(),  # found
        st.sampled_from([ACTIVE, EXEMPT, "Niezarejestrowany", None]),
        st.sampled_from([[], [ACCOUNT], None]),
    ),
    max_size=3,
    unique_by=lambda c: c[0],
)


def _keep(
    db: Database, nip: str, drawn: list[tuple[int, bool, str | None, list[str] | None]]
) -> None:
    with db.write() as session:
        for days, found, status, accounts in drawn:
            session.add(
                WhiteListCheck(
                    nip=nip,
                    checked_on=TODAY - dt.timedelta(days=days),
                    request_id="r",
                    found=found,
                    status_vat=status if found else None,
                    name=None,
                    accounts=accounts,
                    answer=None,
                )
            )


@pytest.fixture(scope="module")
def shared_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path: Path = tmp_path_factory.mktemp("whitelist_column") / "inkaso.db"
    database = open_database(path)
    yield database
    database.dispose()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drawn=checks)
def test_the_sql_rank_equals_the_domain_light_of_the_latest_check(
    shared_db: Database, drawn: list[tuple[int, bool, str | None, list[str] | None]]
) -> None:
    nip = _nip()
    cid = contractor(shared_db, name=f"Kontrahent {nip}", nip=nip)
    _keep(shared_db, nip, drawn)
    (row,) = contractor_list.fetch_rows(shared_db, [cid], today=TODAY, currency="PLN")
    if drawn:
        assert row.whitelist is not None
        assert row.whitelist.checked_on == TODAY - dt.timedelta(days=min(d[0] for d in drawn))
        expected = WHITELIST_RANK[registry_summary(row.whitelist, TODAY).light]
    else:
        assert row.whitelist is None
        expected = WHITELIST_RANK[None]
    check, on = latest_check(Contractor.nip)
    with shared_db.read() as session:
        rank = session.scalar(
            select(whitelist_rank(check, TODAY))
            .select_from(Contractor)
            .outerjoin(check, on)
            .where(Contractor.id == cid)
        )
    assert rank == expected


def test_the_list_sorts_by_the_light_the_worst_first(db: Database) -> None:
    ids = {}
    for name, drawn in (
        ("Zielony", [(3, True, ACTIVE, [ACCOUNT])]),
        ("Czerwony", [(40, True, ACTIVE, [ACCOUNT]), (2, False, None, [])]),
        ("Bez sprawdzenia", []),
        ("Bursztyn", [(1, True, EXEMPT, [ACCOUNT])]),
    ):
        nip = _nip()
        ids[name] = contractor(db, name=name, nip=nip)
        _keep(db, nip, drawn)
    found = contractor_list.search_ids(db, today=TODAY, currency="PLN", sort="whitelist")
    assert found == [ids["Czerwony"], ids["Bursztyn"], ids["Zielony"], ids["Bez sprawdzenia"]]
    backwards = contractor_list.search_ids(
        db, today=TODAY, currency="PLN", sort="whitelist", descending=True
    )
    assert backwards == found[::-1]
