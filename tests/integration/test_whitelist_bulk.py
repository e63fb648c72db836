"""The credibility check in bulk against a loopback server answering like the VAT White List:
batches of 30, answers kept as they come, its limit (429) and "not found", a stop in between,
and ``check nip --all [--older-than DAYS]``."""

from __future__ import annotations

import datetime as dt

from db.models import WhiteListCheck
from db.uow import Database
from desktop_app.domain.credibility import Light
from desktop_app.services import contractors, whitelist_bulk
from desktop_app.services.contractors import ContractorInput
from desktop_app.settings import set_value
from tests.conftest import Cli
from tests.integration.http_gateway import Answer, Request, running_gateway
from tests.integration.test_whitelist import _valid_nips
from tests.integration.whitelist_server import registry, subject

TODAY = dt.date(2026, 12, 1)
ACCOUNT = "61109010140000071219812874"


def _firm(db: Database, count: int) -> list[str]:
    nips = _valid_nips(count)
    for n, nip in enumerate(nips):
        contractors.add_contractor(db, ContractorInput(name=f"Firma {n:02d}", nip=nip))
    contractors.add_contractor(db, ContractorInput(name="Bez NIP-u"))
    return nips


def test_all_contractors_with_a_nip_in_one_batch(cli: Cli, db: Database) -> None:
    nips = _firm(db, 3)
    known = {nips[0]: subject(nips[0], "PIERWSZA", accounts=(ACCOUNT,)), nips[1]: subject(
        nips[1], "DRUGA", status="Zwolniony", accounts=(ACCOUNT,))}  # fmt: skip
    with running_gateway(registry(known)) as mf:
        set_value(db, "whitelist.api_url", mf.base_url)
        result = cli("check", "nip", "--all", "--today", TODAY.isoformat(), "--json")
        assert result.code == 0, result.err
        assert [r.path for r in mf.requests] == [f"/api/search/nips/{','.join(nips)}"]
        data = result.json()
        assert (data["total"], data["checked"], data["stopped"]) == (3, 3, None)
        lights = {row["nip"]: (row["found"], row["light"]) for row in data["contractors"]}
        assert lights == {
            nips[0]: (True, "green"),
            nips[1]: (True, "amber"),  # exempt from VAT
            nips[2]: (False, "red"),  # not found on the list
        }
        # the next day, those last checked more than a day before: none
        later = ("--today", "2026-12-02", "--json")
        again = cli("check", "nip", "--all", "--older-than", "1", *later)
        assert again.code == 0 and again.json()["total"] == 0
        assert len(mf.requests) == 1
        text = cli("check", "nip", "--all", "--today", TODAY.isoformat())
        assert text.code == 0 and "Checked 3 of 3." in text.out
        assert len(mf.requests) == 1  # kept for the day: not asked again
    with db.read() as session:
        assert session.query(WhiteListCheck).count() == 3


def test_the_limit_stops_the_run_and_what_came_before_is_kept(cli: Cli, db: Database) -> None:
    nips = _firm(db, 35)
    ok = registry({nip: subject(nip, "FIRMA", accounts=(ACCOUNT,)) for nip in nips})
    asked: list[int] = []

    def limited(request: Request) -> Answer:
        asked.append(1)
        if len(asked) == 2:
            return Answer(429, {"code": "WL-191", "message": "Przekroczono limit zapytań."})
        return ok(request)

    with running_gateway(limited) as mf:
        set_value(db, "whitelist.api_url", mf.base_url)
        result = cli("check", "nip", "--all", "--today", TODAY.isoformat(), "--json")
        assert result.code == 3
        assert "as many questions as it allows" in result.err
        data = result.json()
        assert (data["total"], data["checked"]) == (35, 30)
        assert "as many questions as it allows" in data["stopped"]
        assert [row["light"] for row in data["contractors"]][29:] == ["green"] + [None] * 5
        # run again: the 30 kept today are not asked again, only the 5 left
        again = cli("check", "nip", "--all", "--today", TODAY.isoformat(), "--json")
        assert again.code == 0, again.err
        assert again.json()["checked"] == 35
        assert len(mf.requests[2].path.rsplit("/", 1)[1].split(",")) == 5
        assert len(mf.requests) == 3


def test_progress_and_a_stop_between_batches(db: Database) -> None:
    nips = _firm(db, 40)
    seen: list[tuple[int, int]] = []
    with running_gateway(registry({})) as mf:
        set_value(db, "whitelist.api_url", mf.base_url)
        wanted = whitelist_bulk.candidates(db, TODAY)
        assert [c.nip for c in wanted] == nips  # by name; the one without a NIP is left out
        result = whitelist_bulk.bulk_check(
            db,
            wanted,
            TODAY,
            progress=lambda d, t: seen.append((d, t)),
            stop=lambda: bool(seen[1:]),
        )
        assert len(mf.requests) == 1
    assert seen == [(0, 40), (30, 40)]
    assert result.checked == 30
    assert result.stopped is not None and "answers received so far are kept" in result.stopped
    assert {row.light for row in result.rows if row.entry} == {Light.RED}
    chosen = whitelist_bulk.candidates(db, TODAY, contractor_ids=[1, 35, 41], older_than_days=0)
    assert [c.nip for c in chosen] == [nips[34]]  # 1 was checked today, 41 has no NIP


def test_a_nip_or_all(cli: Cli) -> None:
    assert cli("check", "nip").code == 3
    assert cli("check", "nip", "5260250274", "--all").code == 3
    assert cli("check", "nip", "5260250274", "--older-than", "3").code == 3
