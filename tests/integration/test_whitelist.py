"""The credibility check against a loopback server answering like the VAT White List."""

from __future__ import annotations

import datetime as dt

from db.models import WhiteListCheck
from db.uow import Database
from desktop_app.services import whitelist
from desktop_app.settings import set_value
from tests.conftest import Cli
from tests.integration.http_gateway import Answer, running_gateway
from tests.integration.whitelist_server import registry, subject

ACCOUNT = "61109010140000071219812874"
ALFA = subject("5260250274", "ALFA SPÓŁKA Z O.O.", accounts=(ACCOUNT,))


def _valid_nips(count: int) -> list[str]:
    weights = (6, 5, 7, 2, 3, 4, 5, 6, 7)
    found = []
    base = 100_000_000
    while len(found) < count:
        digits = [int(c) for c in str(base)]
        check = sum(w * d for w, d in zip(weights, digits, strict=True)) % 11
        if check != 10:
            found.append(f"{base}{check}")
        base += 1
    return found


def test_an_active_payer_with_a_good_history_is_green_and_the_check_is_kept(cli: Cli) -> None:
    with running_gateway(registry({"5260250274": ALFA})) as mf:
        assert cli("config", "set", "whitelist.api_url", mf.base_url).code == 0
        first = cli("check", "nip", "526-025-02-74", "--today", "2026-12-01", "--json")
        assert first.code == 0, first.err
        again = cli("check", "nip", "5260250274", "--today", "2026-12-01", "--json")
        assert [r.path for r in mf.requests] == ["/api/search/nip/5260250274"]
        assert mf.requests[0].query == {"date": ["2026-12-01"]}
    data = first.json()
    assert again.json() == data  # the kept answer, with the same request id
    assert data == {
        "nip": "5260250274",
        "found": True,
        "status": "Czynny",
        "name": "ALFA SPÓŁKA Z O.O.",
        "accounts": [ACCOUNT],
        "request_id": data["request_id"],
        "checked_on": "2026-12-01",
        "checked_at": data["checked_at"],
        "contractor": None,
        "stars": None,
        "light": "green",
        "reasons": [
            "an active VAT payer on the White List on 01/12/2026",
            "no payment history with us yet",
        ],
    }
    assert data["request_id"].startswith("a1b2c-")
    assert dt.datetime.fromisoformat(data["checked_at"]).tzinfo is None  # UTC, as stored
    text = cli("check", "nip", "5260250274", "--today", "2026-12-01")
    assert text.out.splitlines()[:4] == [
        "NIP 5260250274: green",
        "Name: ALFA SPÓŁKA Z O.O.",
        "VAT status: Czynny",
        "Accounts on the White List:",
    ]
    assert "PL61 1090 1014 0000 0712 1981 2874" in text.out
    assert f"request id {data['request_id']}" in text.out


def test_a_nip_not_on_the_list_is_red(cli: Cli) -> None:
    with running_gateway(registry({})) as mf:
        cli("config", "set", "whitelist.api_url", mf.base_url)
        result = cli("check", "nip", "7740001454", "--today", "2026-12-01", "--json")
    data = result.json()
    assert (data["found"], data["light"], data["accounts"]) == (False, "red", [])
    assert data["reasons"][0] == "not on the VAT White List on 01/12/2026"


def test_our_own_late_payer_is_red_even_when_registered(cli: Cli) -> None:
    assert cli("contractor", "add", "--name", "Alfa", "--nip", "5260250274").code == 0
    for month in (3, 4, 5, 6):
        due = dt.date(2026, month, 10)
        number = f"FV/{month}/2026"
        args = ("--issued", "2026-01-01", "--due", due.isoformat(), "--amount", "1000")
        assert cli("invoice", "add", "--contractor", "1", "--number", number, *args).code == 0
    cli("payment", "add", "--contractor", "1", "--date", "2026-06-01", "--amount", "1000")
    with running_gateway(registry({"5260250274": ALFA})) as mf:
        cli("config", "set", "whitelist.api_url", mf.base_url)
        data = cli("check", "nip", "5260250274", "--today", "2026-12-01", "--json").json()
    assert (data["contractor"], data["stars"], data["light"]) == (1, 1, "red")
    assert data["reasons"][1:] == [
        "payer rating 1 star",
        "owes PLN\xa03,000.00 overdue, the oldest 235 days",
    ]


def test_registry_errors_are_plain_sentences_and_nothing_is_kept(cli: Cli, db: Database) -> None:
    cases = [
        (Answer(500, {"code": "WL-100", "message": "Błąd"}), "is not working right now (HTTP 500)"),
        (Answer(503, "<html>busy</html>"), "is not working right now (HTTP 503)"),
        (Answer(429, {"code": "WL-190", "message": "limit"}), "as many questions as it allows"),
        (Answer(200, "not json"), "an answer Inkaso cannot read"),
        (Answer(drop=True), "could not be reached"),
    ]
    for answer, expected in cases:
        with running_gateway(lambda r, a=answer: a) as mf:
            cli("config", "set", "whitelist.api_url", mf.base_url)
            result = cli("check", "nip", "5260250274", "--today", "2026-12-01")
        assert result.code == 3, (answer, result.err)
        assert expected in result.err and result.err.count("\n") == 1, result.err
        assert "Traceback" not in result.err
    with db.read() as session:
        assert session.query(WhiteListCheck).count() == 0


def test_a_bad_nip_is_refused_before_asking(cli: Cli) -> None:
    with running_gateway(registry({})) as mf:
        cli("config", "set", "whitelist.api_url", mf.base_url)
        result = cli("check", "nip", "1234567890", "--today", "2026-12-01")
        assert mf.requests == []
    assert result.code == 3
    assert "NIP" in result.err


def test_bulk_check_asks_at_most_30_at_a_time(db: Database) -> None:
    nips = _valid_nips(31)
    known = {nips[0]: subject(nips[0], "PIERWSZY", accounts=(ACCOUNT,))}
    today = dt.date(2026, 12, 1)
    with running_gateway(registry(known)) as mf:
        set_value(db, "whitelist.api_url", mf.base_url)
        entries = whitelist.check_nips(db, nips, today)
        assert [len(r.path.rsplit("/", 1)[1].split(",")) for r in mf.requests] == [30, 1]
        assert whitelist.check_nips(db, nips[:5], today) == entries[:5]
        assert len(mf.requests) == 2  # kept: not asked again the same day
    assert [e.found for e in entries] == [True] + [False] * 30
    assert entries[0].name == "PIERWSZY"


def test_a_payment_from_an_account_not_on_the_list_is_flagged(db: Database) -> None:
    today = dt.date(2026, 12, 1)
    with running_gateway(registry({"5260250274": ALFA})) as mf:
        set_value(db, "whitelist.api_url", mf.base_url)
        whitelist.check_nip(db, "5260250274", today)
    with db.read() as session:

        def listed(account: str, day: dt.date) -> bool | None:
            return whitelist.payment_account_listed(session, "5260250274", account, day)

        assert listed("PL 61 1090 1014 0000 0712 1981 2874", today) is True
        assert listed(ACCOUNT, today + dt.timedelta(days=3)) is True
        assert listed("PL27114020040000300201355387", today) is False
        assert listed(ACCOUNT, today - dt.timedelta(days=1)) is None  # not checked by then
