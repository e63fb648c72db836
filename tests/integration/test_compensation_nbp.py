"""`inkaso compensation`: the euro rate from the local table, from NBP's API (a real HTTP server
on loopback), typed by hand, or a clear error when it is missing and NBP cannot be reached."""

from __future__ import annotations

import datetime as dt
import socket
from decimal import Decimal

from db.uow import Database
from desktop_app.services import late_payment, rates
from desktop_app.settings import set_value
from tests.conftest import Cli
from tests.integration.http_gateway import Answer, Request, running_gateway

D = dt.date

NBP_FEB_2024 = (
    '{"table":"A","currency":"euro","code":"EUR","rates":['
    '{"no":"041/A/NBP/2024","effectiveDate":"2024-02-28","mid":4.3300},'
    '{"no":"042/A/NBP/2024","effectiveDate":"2024-02-29","mid":4.3191}]}'
)


def _nbp(request: Request) -> Answer:
    if request.path == "/api/exchangerates/rates/a/eur/2024-02-23/2024-02-29/":
        return Answer(200, NBP_FEB_2024)
    return Answer(404, "404 NotFound - Not Found - Brak danych")


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_rate_is_fetched_from_nbp_once_and_kept(cli: Cli) -> None:
    with running_gateway(_nbp) as nbp:
        assert cli("config", "set", "rates.nbp_url", nbp.base_url + "/api").code == 0
        # 6,000.00 PLN: above 5,000, below 50,000 -> 70 EUR; 70 x 4.3191 = 302.337 -> 302.34
        result = cli("compensation", "--amount", "6000", "--due", "2024-03-15", "--json")
        assert result.code == 0, result.err
        assert result.json() == {
            "eur": "70.00",
            "rate_date": "2024-02-29",
            "rate": "4.3191",
            "pln": "302.34",
        }
        [asked] = nbp.requests
        assert asked.query == {"format": ["json"]}
        # the same month end again: the stored rate, no second request
        again = cli("compensation", "--amount", "100000", "--due", "2024-03-01", "--json")
        assert again.json()["pln"] == "431.91"  # 100 EUR x 4.3191
        assert len(nbp.requests) == 1
    listed = cli("rates", "list", "--kind", "eur", "--json").json()
    fetched = {r["from"]: (r["rate"], r["status"], r["source"]) for r in listed if r["added"]}
    assert fetched["2024-02-29"] == ("4.3191", "V", "NBP table A 042/A/NBP/2024")


def test_offline_without_a_stored_rate_is_a_clear_error(cli: Cli) -> None:
    assert cli("config", "set", "rates.nbp_url", f"http://127.0.0.1:{_closed_port()}").code == 0
    result = cli("compensation", "--amount", "6000", "--due", "2025-03-15")
    assert result.code == 3
    [line] = result.err.strip().splitlines()
    assert "2025-02-28" in line and "rates add --kind eur" in line


def test_a_rate_entered_by_hand_serves_offline(cli: Cli) -> None:
    assert cli("config", "set", "rates.fetch", "false").code == 0
    missing = cli("compensation", "--amount", "50000", "--due", "2025-03-15")
    assert missing.code == 3 and "2025-02-28" in missing.err
    added = cli("rates", "add", "--kind", "eur", "--from", "2025-02-28", "--rate", "4.1400")
    assert added.code == 0, added.err
    # exactly 50,000.00 PLN -> 100 EUR x 4.14 = 414.00
    result = cli("compensation", "--amount", "50000.00", "--due", "2025-03-15", "--json")
    assert result.code == 0, result.err
    assert result.json() == {
        "eur": "100.00",
        "rate_date": "2025-02-28",
        "rate": "4.1400",
        "pln": "414.00",
    }


def test_a_rate_given_on_the_command_line_needs_no_table(cli: Cli) -> None:
    assert cli("config", "set", "rates.fetch", "false").code == 0
    # exactly 5,000.00 PLN -> 40 EUR x 4.25 = 170.00
    result = cli(
        "compensation", "--amount", "5000.00", "--due", "2024-07-10", "--eur-rate", "4.25",
        "--json",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert result.json() == {
        "eur": "40.00",
        "rate_date": "2024-06-28",
        "rate": "4.2500",
        "pln": "170.00",
    }


def test_nbp_with_no_table_in_the_window_says_so(cli: Cli) -> None:
    with running_gateway(_nbp) as nbp:
        assert cli("config", "set", "rates.nbp_url", nbp.base_url + "/api").code == 0
        result = cli("compensation", "--amount", "6000", "--due", "2023-05-15")
    assert result.code == 3
    assert "NBP published no euro rate" in result.err


def test_a_broken_nbp_answer_is_an_error_not_a_rate(cli: Cli) -> None:
    with running_gateway(lambda r: Answer(200, '{"rates": [{"mid": "x"}]}')) as nbp:
        assert cli("config", "set", "rates.nbp_url", nbp.base_url).code == 0
        result = cli("compensation", "--amount", "6000", "--due", "2024-03-15")
    assert result.code == 3
    assert "cannot read" in result.err


def _by_window(request: Request) -> Answer:
    # one table on the last business day of each window asked for: 4.2 + month / 100
    last = request.path.rstrip("/").split("/")[-1]
    rate = f"4.{20 + int(last[5:7]):02d}"
    return Answer(200, f'{{"rates":[{{"no":"1/A/NBP","effectiveDate":"{last}","mid":{rate}}}]}}')


def test_a_batch_asks_nbp_once_per_month_end(db: Database) -> None:
    with running_gateway(_by_window) as nbp:
        set_value(db, "rates.nbp_url", nbp.base_url)
        dues = [D(2024, 3, 15), D(2024, 3, 28), D(2024, 4, 10), D(2024, 5, 6)]
        assert late_payment.ensure_eur_rates(db, dues) == []
        assert sorted(r.path for r in nbp.requests) == [
            "/exchangerates/rates/a/eur/2024-02-23/2024-02-29/",
            "/exchangerates/rates/a/eur/2024-03-23/2024-03-29/",
            "/exchangerates/rates/a/eur/2024-04-24/2024-04-30/",
        ]
        assert late_payment.ensure_eur_rates(db, dues) == []
        assert len(nbp.requests) == 3  # all stored now
    with db.read() as session:
        assert rates.eur_rates_in(session) == {
            D(2024, 2, 29): Decimal("4.22"),
            D(2024, 3, 29): Decimal("4.23"),
            D(2024, 4, 30): Decimal("4.24"),
        }
        assert set(rates.interest_tables_in(session)) == {
            "commercial", "medical", "statutory", "ru395",
        }  # fmt: skip
    # May 2024 due: April's last business day, 2024-04-30, at 4.24: 40 EUR -> 169.60 PLN
    comp = late_payment.compensation(db, 100_000, D(2024, 5, 6))
    assert comp is not None and (comp.rate_date, comp.pln_minor) == (D(2024, 4, 30), 16_960)


def test_a_batch_stops_asking_once_nbp_fails(db: Database) -> None:
    with running_gateway(lambda r: Answer(503, "busy")) as nbp:
        set_value(db, "rates.nbp_url", nbp.base_url)
        problems = late_payment.ensure_eur_rates(
            db, [D(2024, 3, 15), D(2024, 4, 10), D(2024, 5, 6)]
        )
        assert len(nbp.requests) == 1
    assert [p.message.split(" is not")[0] for p in problems] == [
        "The NBP euro rate of 2024-02-29",
        "The NBP euro rate of 2024-03-29",
        "The NBP euro rate of 2024-04-30",
    ]
    assert all("503" in p.message for p in problems)
