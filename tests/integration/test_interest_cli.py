"""`inkaso interest` and `inkaso rates`: the shipped tables, the user's rows over them, warnings."""

from __future__ import annotations

from tests.conftest import Cli


def test_the_issues_acceptance_case(cli: Cli) -> None:
    # DOMAIN.md §1: 2024 H1 and H2 are both 15.75 % (NBP reference 5.75 + 10 pp).
    # Due Fri 2024-03-15, paid 2024-09-30: Mar 16-31 16 + Apr 30 + May 31 + Jun 30 + Jul 31
    # + Aug 31 + Sep 30 = 199 days; 10,000.00 x 15.75 % x 199 / 365 = 858.6986 -> 858.70
    result = cli(
        "interest",
        "--amount",
        "10000.00",
        "--currency",
        "PLN",
        "--due",
        "2024-03-15",
        "--paid",
        "2024-09-30",
        "--kind",
        "commercial",
        "--json",
    )
    assert result.code == 0, result.err
    data = result.json()
    assert data["total"] == "858.70"
    assert data["days"] == 199
    assert [
        {k: p[k] for k in ("from", "to", "days", "rate", "interest")} for p in data["periods"]
    ] == [
        {
            "from": "2024-03-16",
            "to": "2024-09-30",
            "days": 199,
            "rate": "15.75",
            "interest": "858.70",
        }
    ]
    assert data["warnings"] == []
    assert result.err == ""


def test_statutory_interest_across_nbp_changes_with_the_shipped_table(cli: Cli) -> None:
    # due Mon 2025-09-01, to 2025-11-10, 10,000.00 PLN, art. 481 (reference + 5.5 pp):
    # Sep 2-3 at 10.50 (since 2025-07-03): 1,000,000 x 10.5 x 2 / 36,500 = 575.34 -> 575
    # Sep 4 - Oct 8 at 10.25: 35 days: 1,000,000 x 10.25 x 35 / 36,500 = 9,828.77 -> 9,829
    # Oct 9 - Nov 5 at 10.00: 28 days: 1,000,000 x 10 x 28 / 36,500 = 7,671.23 -> 7,671
    # Nov 6-10 at 9.75: 5 days: 1,000,000 x 9.75 x 5 / 36,500 = 1,335.62 -> 1,336
    # total 575 + 9,829 + 7,671 + 1,336 = 19,411 -> 194.11
    result = cli(
        "interest", "--amount", "10000", "--due", "2025-09-01", "--to", "2025-11-10",
        "--kind", "statutory", "--json",
    )  # fmt: skip
    assert result.code == 0, result.err
    data = result.json()
    assert [(p["from"], p["days"], p["rate"], p["interest"]) for p in data["periods"]] == [
        ("2025-09-02", 2, "10.50", "5.75"),
        ("2025-09-04", 35, "10.25", "98.29"),
        ("2025-10-09", 28, "10.00", "76.71"),
        ("2025-11-06", 5, "9.75", "13.36"),
    ]
    assert data["total"] == "194.11"


def test_partial_payments_and_a_contract_rate(cli: Cli) -> None:
    # 1,000.00 due Wed 2024-01-31 at 12 % a year; 400.00 paid 2024-02-10; to 2024-02-29
    # Feb 1-10 on 1,000.00: 100,000 x 12 x 10 / 36,500 = 328.77 -> 329
    # Feb 11-29 on 600.00: 60,000 x 12 x 19 / 36,500 = 374.79 -> 375; total 704
    result = cli(
        "interest", "--amount", "1000", "--due", "2024-01-31", "--to", "2024-02-29",
        "--kind", "contract", "--rate", "12", "--part-paid", "2024-02-10=400", "--json",
    )  # fmt: skip
    assert result.code == 0, result.err
    data = result.json()
    assert [(p["base"], p["interest"]) for p in data["periods"]] == [
        ("1000.00", "3.29"),
        ("600.00", "3.75"),
    ]
    assert data["total"] == "7.04"


def test_days_past_the_known_table_warn_on_stderr_and_in_json(cli: Cli) -> None:
    result = cli(
        "interest", "--amount", "1000", "--due", "2026-03-02", "--to", "2026-04-01",
        "--kind", "statutory", "--json",
    )  # fmt: skip
    assert result.code == 0, result.err
    data = result.json()
    assert data["past_known_from"] == "2026-03-06"
    assert len(data["warnings"]) == 1
    assert "2026-03-05" in data["warnings"][0]
    assert "Warning:" in result.err and "rates add" in result.err


def test_a_rate_the_user_adds_is_used_and_listed(cli: Cli) -> None:
    # the shipped 2026 H2 commercial rate is [U]; the owner adds the announced one (say 13.50)
    added = cli(
        "rates", "add", "--kind", "commercial", "--from", "2026-07-01", "--rate", "13,50",
        "--source", "Obwieszczenie MF", "--json",
    )  # fmt: skip
    assert added.code == 0, added.err
    assert added.json()["rate"] == "13.50"
    # Jul 2-11, 2026: 10 days on 1,000.00 at 13.50: 100,000 x 13.5 x 10 / 36,500 = 369.86
    result = cli(
        "interest", "--amount", "1000", "--due", "2026-07-01", "--to", "2026-07-11", "--json"
    )
    data = result.json()
    assert [(p["rate"], p["interest"], p["status"]) for p in data["periods"]] == [
        ("13.50", "3.70", "V")
    ]
    assert data["warnings"] == []
    listed = cli("rates", "list", "--kind", "commercial", "--json").json()
    july = [r for r in listed if r["from"] == "2026-07-01"]
    assert [(r["rate"], r["added"], r["replaced"]) for r in july] == [
        ("13.75", False, True),
        ("13.50", True, False),
    ]


def test_the_next_half_year_added_extends_the_known_table(cli: Cli) -> None:
    assert (
        cli("rates", "add", "--kind", "commercial", "--from", "2027-01-01", "--rate", "13").code
        == 0
    )
    data = cli(
        "interest", "--amount", "1000", "--due", "2027-01-04", "--to", "2027-06-30", "--json"
    ).json()
    assert data["past_known_from"] is None
    assert [p["rate"] for p in data["periods"]] == ["13.00"]


def test_a_commercial_rate_starts_on_a_half_year_only(cli: Cli) -> None:
    result = cli("rates", "add", "--kind", "commercial", "--from", "2027-01-02", "--rate", "13")
    assert result.code == 3
    assert "1 January or 1 July" in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_bad_rates_are_refused_in_one_line(cli: Cli) -> None:
    for rate in ("0", "-1", "abc", "1.23456", "nan", "101"):
        result = cli("rates", "add", "--kind", "statutory", "--from", "2026-09-01", "--rate", rate)
        assert result.code == 3, (rate, result.out)
        assert len(result.err.strip().splitlines()) == 1


def test_rates_list_shows_status_and_known_day(cli: Cli) -> None:
    result = cli("rates", "list", "--kind", "statutory")
    assert result.code == 0, result.err
    assert "statutory: known up to 2026-03-05" in result.out
    listed = cli("rates", "list", "--json").json()
    # the euro table ships empty: its rows come from NBP or the user
    assert {r["kind"] for r in listed} == {"commercial", "medical", "statutory", "ru395"}
    assert all(r["status"] in ("V", "D", "U") and r["source"] for r in listed)


def test_contract_needs_a_rate_and_rate_needs_contract(cli: Cli) -> None:
    no_rate = cli("interest", "--amount", "1", "--due", "2024-01-02", "--to", "2024-02-01",
                  "--kind", "contract")  # fmt: skip
    assert no_rate.code == 3
    stray = cli("interest", "--amount", "1", "--due", "2024-01-02", "--to", "2024-02-01",
                "--rate", "5")  # fmt: skip
    assert stray.code == 3 and "--rate" in stray.err


def test_a_due_date_before_the_table_is_one_line(cli: Cli) -> None:
    result = cli("interest", "--amount", "1", "--due", "2010-01-04", "--to", "2011-01-01")
    assert result.code == 3
    assert "2016-01-01" in result.err


def test_a_rate_added_by_mistake_is_removed_and_the_shipped_one_applies_again(cli: Cli) -> None:
    assert (
        cli("rates", "add", "--kind", "statutory", "--from", "2025-12-04", "--rate", "19").code == 0
    )
    assert cli("rates", "remove", "--kind", "statutory", "--from", "2025-12-04").code == 0
    rows = cli("rates", "list", "--kind", "statutory", "--json").json()
    assert [(r["rate"], r["added"]) for r in rows if r["from"] == "2025-12-04"] == [("9.50", False)]
    shipped_only = cli("rates", "remove", "--kind", "statutory", "--from", "2025-12-04")
    assert shipped_only.code == 3 and "cannot be removed" in shipped_only.err
