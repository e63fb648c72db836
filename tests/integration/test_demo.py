"""The demo generator: deterministic, realistic, and exactly what the services would have written."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from stdnum.pl import nip as stdnum_nip
from stdnum.pl import regon as stdnum_regon

from db.models import Activity, Contractor, Firm, FirmBankAccount, Invoice, User
from db.uow import Database
from desktop_app.domain.identifiers import normalize_email, normalize_iban, normalize_phone
from desktop_app.domain.text import search_key
from desktop_app.errors import ConflictError
from desktop_app.services import contractors, demo, invoices, payments
from desktop_app.services.activity import render_summary
from desktop_app.services.database import open_database
from tests.conftest import Cli

TODAY = dt.date(2026, 11, 22)
D = dt.date.fromisoformat


def _generate(path: Path, contractors_: int, invoices_: int, seed: int) -> demo.DemoSummary:
    db = open_database(path)
    try:
        return demo.generate(
            db, demo.DemoSpec(contractors=contractors_, invoices=invoices_, seed=seed, today=TODAY)
        )
    finally:
        db.dispose()


def _rows(path: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def _dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    # the scenario presets are not demo data: they are stored (and time-stamped) when the
    # database is created
    tables = [
        name
        for (name,) in _rows(
            path,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT IN ('alembic_version', 'scenario') ORDER BY name",
        )
    ]
    return {t: _rows(path, f'SELECT * FROM "{t}" ORDER BY 1, 2') for t in tables}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, demo.DemoSummary]]:
    """One shared demo file for the read-only checks (60 contractors, 900 documents)."""
    path = tmp_path_factory.mktemp("demo") / "small.db"
    yield path, _generate(path, 60, 900, seed=3)


def test_same_seed_gives_identical_data(cli: Cli, tmp_path: Path) -> None:
    first, second = tmp_path / "one.db", tmp_path / "two.db"
    args = (
        "demo",
        "--contractors",
        "40",
        "--invoices",
        "500",
        "--seed",
        "11",
        "--today",
        "2026-11-22",
    )
    for path in (first, second):
        result = cli(*args, "--json", db=path)
        assert result.code == 0, result.err
        assert result.json()["invoices"] == 500
    assert _dump(first) == _dump(second)
    aging = [
        cli("report", "aging", "--as-of", "2026-11-22", "--json", db=p).json()
        for p in (first, second)
    ]
    assert aging[0] == aging[1]
    assert aging[0]["currencies"]["PLN"]["contractors"]
    other = _generate(tmp_path / "other.db", 40, 500, seed=12)
    assert other.invoices == 500
    assert _dump(tmp_path / "other.db")["invoice"] != _dump(first)["invoice"]


def test_every_persona_is_present_and_behaves(small: tuple[Path, demo.DemoSummary]) -> None:
    path, summary = small
    assert set(summary.personas) == set(demo.PERSONAS)
    assert all(summary.personas[p] for p in demo.PERSONAS)
    assert len(summary.personas[demo.BIG_DEBTOR]) == 1
    insts = _rows(
        path,
        "SELECT i.contractor_id, i.issue_date, s.due_date, s.amount_minor, s.open_minor, "
        "s.settled_on, s.id FROM instalment s JOIN invoice i ON i.id = s.invoice_id",
    )
    by_contractor: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in insts:
        by_contractor[row[0]].append(row)
    payment_parts = Counter(
        r[0]
        for r in _rows(path, "SELECT instalment_id FROM allocation WHERE payment_id IS NOT NULL")
    )

    def lateness(ids: tuple[int, ...]) -> list[int]:
        return [(D(r[5]) - D(r[2])).days for c in ids for r in by_contractor[c] if r[5] is not None]

    on_time = lateness(summary.personas[demo.ON_TIME])
    assert on_time
    assert sum(days <= 0 for days in on_time) >= 0.9 * len(on_time)
    late = lateness(summary.personas[demo.LATE])
    assert 4 <= statistics.median(late) <= 15
    chronic = summary.personas[demo.CHRONIC]
    assert max(lateness(chronic)) >= 30
    assert any(
        r[4] > 0 and (TODAY - D(r[2])).days > 30 for c in chronic for r in by_contractor[c]
    ), "some chronic payers never pay"
    partial = [r for c in summary.personas[demo.PARTIAL] for r in by_contractor[c]]
    assert any(payment_parts[r[6]] >= 2 for r in partial), "paid in parts"
    assert any(0 < r[4] < r[3] for r in partial), "remainders left open"
    for contractor_id in summary.personas[demo.DORMANT]:
        rows = by_contractor[contractor_id]
        assert all(D(r[1]) <= TODAY - dt.timedelta(days=365) for r in rows)
        assert all(r[4] == 0 for r in rows), "dormant payers paid everything"
    assert any(by_contractor[c] for c in summary.personas[demo.DORMANT])
    overdue: Counter[int] = Counter()
    for row in insts:
        if row[4] and D(row[2]) < TODAY:
            overdue[row[0]] += row[4]
    (big,) = summary.personas[demo.BIG_DEBTOR]
    (first, top), (_second, runner_up) = overdue.most_common(2)
    assert first == big and top >= 3 * runner_up
    big_rows = by_contractor[big]
    assert sum(r[4] > 0 and (TODAY - D(r[2])).days > 90 for r in big_rows) >= 5


def test_identifiers_are_valid(small: tuple[Path, demo.DemoSummary]) -> None:
    path, _summary = small
    people = _rows(
        path, "SELECT id, name, search_name, nip, regon, postal_code, city FROM contractor"
    )
    assert len(people) == 60
    nips = [p[3] for p in people]
    assert len(set(nips)) == len(nips)
    assert all(stdnum_nip.is_valid(n) for n in nips)
    regons = [p[4] for p in people if p[4]]
    assert len(regons) >= 0.6 * len(people)
    assert all(stdnum_regon.is_valid(r) for r in regons)
    assert all(p[2] == search_key(p[1]) for p in people)
    assert all(re.fullmatch(r"\d\d-\d\d\d", p[5]) and p[6] for p in people)
    phones = [r[0] for r in _rows(path, "SELECT phone FROM contractor_phone")]
    phones += [
        r[0] for r in _rows(path, "SELECT phone FROM contact_person WHERE phone IS NOT NULL")
    ]
    assert phones and all(normalize_phone(p) == p for p in phones)
    emails = [r[0] for r in _rows(path, "SELECT email FROM contractor_email")]
    emails += [
        r[0] for r in _rows(path, "SELECT email FROM contact_person WHERE email IS NOT NULL")
    ]
    assert emails and all(normalize_email(e) == e for e in emails)
    assert all(e.endswith((".example.com", ".example.net", ".example.org")) for e in emails)
    per_contractor = Counter(
        r[0] for r in _rows(path, "SELECT contractor_id FROM contractor_email")
    )
    assert set(per_contractor.values()) <= {1, 2} and len(per_contractor) == 60
    ibans = [r[0] for r in _rows(path, "SELECT iban FROM firm_bank_account")]
    ibans += [r[0] for r in _rows(path, "SELECT DISTINCT payer_account FROM payment")]
    assert all(normalize_iban(i) == i for i in ibans)
    numbers = [r[0] for r in _rows(path, "SELECT number FROM invoice")]
    assert len(numbers) == 900 and all(re.fullmatch(r"F[VK]/\d+/\d\d/20\d\d", n) for n in numbers)


def test_firm_users_and_activity(small: tuple[Path, demo.DemoSummary]) -> None:
    path, _summary = small
    db = open_database(path)
    try:
        with db.read() as session:
            firm = session.scalars(select(Firm)).one()
            assert firm.home_currency == "PLN" and firm.nip and stdnum_nip.is_valid(firm.nip)
            accounts = session.scalars(select(FirmBankAccount)).all()
            assert sorted((a.currency, a.is_default) for a in accounts) == [
                ("EUR", False),
                ("PLN", True),
            ]
            users = session.scalars(select(User)).all()
            assert len(users) == 3
            assigned = session.scalars(select(Contractor.assigned_user_id).distinct()).all()
            assert {u.id for u in users} <= set(assigned)
            created = session.scalars(
                select(Activity).where(
                    Activity.kind == "status", Activity.summary == "Contractor {name} created"
                )
            ).all()
            assert len(created) == 60
            names = {
                cid: name for cid, name in session.execute(select(Contractor.id, Contractor.name))
            }
            for entry in created:
                assert render_summary(entry.kind, entry.summary, entry.data) == (
                    f"Contractor {names[entry.contractor_id]} created"
                )
                assert entry.at.date() <= TODAY
            talked = session.scalar(
                select(func.count(func.distinct(Activity.contractor_id))).where(
                    Activity.kind.in_(("note", "call"))
                )
            )
            assert talked is not None and 6 <= talked <= 30
            latest = session.scalar(select(func.max(Invoice.created_at)))
            assert latest is not None and latest.date() <= TODAY
    finally:
        db.dispose()


def test_caches_equal_a_recomputation_from_allocations(
    small: tuple[Path, demo.DemoSummary],
) -> None:
    path, _summary = small
    active: dict[int, list[tuple[int, str]]] = defaultdict(list)
    paid: Counter[int] = Counter()
    for inst, pay, amount, eff, released in _rows(
        path,
        "SELECT instalment_id, payment_id, amount_minor, effective_date, released_on "
        "FROM allocation",
    ):
        if released is None:
            active[inst].append((amount, eff))
            if pay is not None:
                paid[pay] += amount
    for inst_id, amount, open_minor, settled_on in _rows(
        path, "SELECT id, amount_minor, open_minor, settled_on FROM instalment"
    ):
        covered = sum(a for a, _e in active[inst_id])
        assert open_minor == max(0, amount - covered)
        expected = max(e for _a, e in active[inst_id]) if open_minor == 0 else None
        assert settled_on == expected
    credits = 0
    for pay_id, amount, unallocated, date in _rows(
        path, "SELECT id, amount_minor, unallocated_minor, date FROM payment"
    ):
        assert unallocated == amount - paid[pay_id]
        assert D(date) <= TODAY
        credits += unallocated > 0
    assert credits, "some overpayments are left as credit"
    kinds = Counter(r[0] for r in _rows(path, "SELECT kind FROM invoice"))
    assert kinds["correction"] >= 1
    corrections = _rows(
        path,
        "SELECT c.gross_minor, o.gross_minor, c.issue_date >= o.issue_date, "
        "(SELECT COUNT(*) FROM instalment WHERE invoice_id = c.id) "
        "FROM invoice c JOIN invoice o ON o.id = c.corrected_invoice_id",
    )
    assert all(c < 0 and -c <= o and later and n == 0 for c, o, later, n in corrections)


def test_refuses_a_database_with_data_and_writes_nothing(db: Database, cli: Cli) -> None:
    contractors.add_contractor(db, contractors.ContractorInput(name="Alfa", nip="5260250274"))
    before = _counts(db)
    with pytest.raises(ConflictError, match="--db"):
        demo.generate(db, demo.DemoSpec(contractors=5, invoices=20, seed=1, today=TODAY))
    assert _counts(db) == before
    result = cli("demo", "--contractors", "5", "--invoices", "20", "--today", "2026-11-22")
    assert result.code == 3
    assert "--db" in result.err and "Traceback" not in result.err
    assert _counts(db) == before


def _counts(db: Database) -> tuple[int, ...]:
    with db.read() as session:
        return tuple(
            int(session.scalar(select(func.count()).select_from(m)) or 0)
            for m in (Contractor, Invoice, Firm, User, Activity)
        )


def test_acceptance_aging_through_the_cli(cli: Cli, db_path: Path) -> None:
    made = cli(
        "demo", "--contractors", "200", "--invoices", "3000", "--seed", "7",
        "--today", "2026-11-22", "--json",
    )  # fmt: skip
    assert made.code == 0, made.err
    assert made.json()["contractors"] == 200 and made.json()["invoices"] == 3000
    now = cli("report", "aging", "--as-of", "2026-11-22", "--json").json()
    assert set(now["currencies"]) == {"PLN", "EUR"}
    for section in now["currencies"].values():
        totals, rows = section["totals"], section["contractors"]
        for key in ("open", "not_due", "overdue"):
            assert _cents(totals[key]) == sum(_cents(r[key]) for r in rows)
        assert _cents(totals["open"]) == _cents(totals["not_due"]) + _cents(totals["overdue"])
        assert sum(_cents(v) for v in totals["buckets"].values()) == _cents(totals["overdue"])
        for row in rows:
            assert sum(_cents(v) for v in row["buckets"].values()) == _cents(row["overdue"])
    year_ago = cli("report", "aging", "--as-of", "2025-11-22", "--json").json()
    assert _totals(year_ago) == _recompute(db_path, D("2025-11-22"))
    assert _totals(now) == _recompute(db_path, TODAY)


def _cents(text: str) -> int:
    return int(text.replace(".", ""))


def _totals(report: dict[str, Any]) -> dict[str, dict[int, tuple[int, int]]]:
    return {
        currency: {
            row["id"]: (_cents(row["open"]), _cents(row["overdue"]))
            for row in section["contractors"]
        }
        for currency, section in report["currencies"].items()
    }


def _recompute(path: Path, as_of: dt.date) -> dict[str, dict[int, tuple[int, int]]]:
    """Balances as of a day from the raw rows, in plain Python: what was invoiced by then minus
    what was set against it by then and not yet released."""
    day = as_of.isoformat()
    covered: Counter[int] = Counter()
    for inst, amount, eff, released in _rows(
        path, "SELECT instalment_id, amount_minor, effective_date, released_on FROM allocation"
    ):
        if eff <= day and (released is None or released > day):
            covered[inst] += amount
    result: dict[str, dict[int, list[int]]] = defaultdict(dict)
    for inst, contractor, currency, issued, due, amount in _rows(
        path,
        "SELECT s.id, i.contractor_id, i.currency, i.issue_date, s.due_date, s.amount_minor "
        "FROM instalment s JOIN invoice i ON i.id = s.invoice_id",
    ):
        still_open = amount - covered[inst]
        if issued > day or still_open <= 0:
            continue
        sums = result[currency].setdefault(contractor, [0, 0])
        sums[0] += still_open
        if due < day:
            sums[1] += still_open
    return {
        cur: {cid: (v[0], v[1]) for cid, v in rows.items()} for cur, rows in result.items() if rows
    }


_INVOICE_IN_TITLE = re.compile(r"FV/\d+/\d\d/\d{4}")


def test_ledger_is_what_the_services_would_have_recorded(tmp_path: Path) -> None:
    """Replays the demo's history through add_contractor / add_invoice / add_payment in date
    order and compares every allocation, cache and credit with what the generator wrote."""
    source = tmp_path / "demo.db"
    _generate(source, 25, 330, seed=14)
    replay = open_database(tmp_path / "replay.db")
    try:
        _replay(source, replay)
    finally:
        replay.dispose()
    target = tmp_path / "replay.db"
    assert _ledger(target) == _ledger(source)
    facts = _ledger(source)
    assert any(a[5] is not None for a in facts["allocations"]), "a correction released money"
    assert any(a[2] is not None and a[2].startswith("FK/") for a in facts["allocations"])
    assert any(v > 0 for v in facts["payments"].values()), "credit is left somewhere"
    assert any(seq > 1 for _number, seq in facts["instalments"]), "instalment plans"
    assert _rows(source, "SELECT 1 FROM invoice WHERE currency = 'EUR'"), "EUR invoices"


def _replay(source: Path, db: Database) -> None:
    for cid, name, nip, regon, street, code, city, terms, lang in _rows(
        source,
        "SELECT id, name, nip, regon, street, postal_code, city, default_terms_days, language "
        "FROM contractor ORDER BY id",
    ):
        emails = [r[0] for r in _rows(source, "SELECT email FROM contractor_email WHERE contractor_id = ? ORDER BY position", cid)]  # fmt: skip
        phones = [r[0] for r in _rows(source, "SELECT phone FROM contractor_phone WHERE contractor_id = ? ORDER BY position", cid)]  # fmt: skip
        new_id = contractors.add_contractor(
            db,
            contractors.ContractorInput(
                name=name, nip=nip, regon=regon, street=street, postal_code=code, city=city,
                emails=emails, phones=phones, terms_days=terms, language=lang,
            ),
        )  # fmt: skip
        assert new_id == cid
    numbers = dict(_rows(source, "SELECT id, number FROM invoice"))
    parts: dict[int, list[invoices.InstalmentInput]] = defaultdict(list)
    for invoice_id, due, amount in _rows(
        source, "SELECT invoice_id, due_date, amount_minor FROM instalment ORDER BY seq"
    ):
        parts[invoice_id].append(invoices.InstalmentInput(D(due), amount))
    events: list[tuple[str, int, int, Any]] = []
    for row in _rows(
        source,
        "SELECT id, contractor_id, issue_date, currency, gross_minor, corrected_invoice_id "
        "FROM invoice",
    ):
        events.append((row[2], 1 if row[5] else 0, row[0], row))
    for row in _rows(
        source,
        "SELECT id, contractor_id, date, amount_minor, currency, title, source_ref FROM payment",
    ):
        events.append((row[2], 2, row[0], row))
    for _day, rank, _id, row in sorted(events, key=lambda e: e[:3]):
        if rank < 2:
            invoice_id, cid, issued, currency, gross, corrected = row
            invoices.add_invoice(
                db,
                invoices.InvoiceInput(
                    contractor=cid,
                    number=numbers[invoice_id],
                    issue_date=D(issued),
                    currency=currency,
                    instalments=parts[invoice_id],
                    kind="correction" if corrected else "invoice",
                    corrects=numbers[corrected] if corrected else None,
                    gross_minor=gross if corrected else None,
                ),
            )
        else:
            _pid, cid, date, amount, currency, title, ref = row
            named = _INVOICE_IN_TITLE.search(title)
            payments.add_payment(
                db,
                payments.PaymentInput(
                    contractor=cid, date=D(date), amount_minor=amount, currency=currency,
                    title=title, invoice_number=named.group(0) if named else None,
                    source="demo", source_ref=ref,
                ),
            )  # fmt: skip


def _ledger(path: Path) -> dict[str, Any]:
    return {
        "instalments": dict(
            ((number, seq), (open_minor, settled))
            for number, seq, open_minor, settled in _rows(
                path,
                "SELECT i.number, s.seq, s.open_minor, s.settled_on FROM instalment s "
                "JOIN invoice i ON i.id = s.invoice_id",
            )
        ),
        "payments": dict(_rows(path, "SELECT source_ref, unallocated_minor FROM payment")),
        "allocations": sorted(
            _rows(
                path,
                "SELECT i.number, s.seq, COALESCE(p.source_ref, c.number), a.amount_minor, "
                "a.effective_date, a.released_on FROM allocation a "
                "JOIN instalment s ON s.id = a.instalment_id JOIN invoice i ON i.id = s.invoice_id "
                "LEFT JOIN payment p ON p.id = a.payment_id "
                "LEFT JOIN invoice c ON c.id = a.correction_id",
            )
        ),
    }


@pytest.mark.postgres
def test_postgres_demo_matches_sqlite(cli: Cli, pg_url: str, tmp_path: Path) -> None:
    args = (
        "demo",
        "--contractors",
        "30",
        "--invoices",
        "300",
        "--seed",
        "4",
        "--today",
        "2026-11-22",
    )
    assert cli(*args, db=pg_url).code == 0
    assert cli(*args, db=tmp_path / "same.db").code == 0
    for as_of in ("2025-11-22", "2026-11-22"):
        on_pg = cli("report", "aging", "--as-of", as_of, "--json", db=pg_url).json()
        on_sqlite = cli(
            "report", "aging", "--as-of", as_of, "--json", db=tmp_path / "same.db"
        ).json()
        assert on_pg == on_sqlite
    # sequences continue after the explicit ids
    added = cli("contractor", "add", "--name", "Nowy", "--nip", "7740001454", db=pg_url)
    assert added.code == 0, added.err
    again = cli(*args, db=pg_url)
    assert again.code == 3
