"""Foundation benchmark, run by hand (not a test):

    .venv/bin/python tests/perf/bench_foundation.py [--db PATH] [--contractors 20000]
        [--invoices 500000] [--seed 1] [--today 2026-11-22]

Without --db, or with a --db file that holds no contractors yet, it first fills the file with
``demo.generate`` and times that (target: 20,000 contractors / 500,000 invoices in <= 60 s on a
2-core machine). Then it prints rows per table, file size, peak RSS, and the time of:

- the aging report service as of today and a year earlier, each next to a hand-written raw SQL
  aggregate over the same file through the sqlite3 module; the two must give the same numbers
  (the script fails otherwise);
- the contractor list: ``contractor_list.search_ids`` sorted by overdue (descending), text
  searches (a name fragment, a NIP fragment, a phone fragment) and ``fetch_rows`` for one page.

Times are "first run" and "best of 3"; the load average is printed because a shared machine
makes every figure worse.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import resource
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from db.uow import Database
from desktop_app.domain.aging import NOT_DUE, AgingBuckets
from desktop_app.services import contractor_list, demo
from desktop_app.services.aging_report import aging_report
from desktop_app.services.database import open_database

T = TypeVar("T")
TABLES = (
    "contractor",
    "contractor_email",
    "contractor_phone",
    "contact_person",
    "invoice",
    "instalment",
    "payment",
    "allocation",
    "activity",
)


def timed(fn: Callable[[], T], repeat: int = 3) -> tuple[T, float, float]:
    """(result, first run seconds, best of ``repeat`` seconds)."""
    times = []
    result: Any = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return result, times[0], min(times)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


Aging = dict[tuple[str, int], dict[str, int]]


def raw_aging(path: Path, as_of: dt.date, buckets: AgingBuckets) -> Aging:
    """Amounts per currency, contractor and bucket in plain SQL over the file (no SQLAlchemy, no services):
    instalments of invoices issued by ``as_of`` and not settled by then, minus allocations
    effective by then and not released by then."""
    labels = buckets.labels
    cases = [
        f"WHEN days <= {upper} THEN '{label}'"
        for label, upper in zip(labels, buckets.bounds, strict=False)
    ]
    sql = f"""
        WITH items AS (
            SELECT i.currency AS currency, i.contractor_id AS contractor_id,
                   CAST(julianday(:d) - julianday(s.due_date) AS INTEGER) AS days,
                   s.amount_minor - COALESCE((
                       SELECT SUM(a.amount_minor) FROM allocation a
                       WHERE a.instalment_id = s.id AND a.effective_date <= :d
                         AND (a.released_on IS NULL OR a.released_on > :d)
                   ), 0) AS open
            FROM instalment s JOIN invoice i ON i.id = s.invoice_id
            WHERE i.issue_date <= :d
              AND s.id IN (SELECT id FROM instalment WHERE settled_on IS NULL OR settled_on > :d)
        )
        SELECT currency, contractor_id,
               CASE WHEN days <= 0 THEN '{NOT_DUE}' {" ".join(cases)} ELSE '{labels[-1]}' END,
               SUM(open)
        FROM items WHERE open > 0 GROUP BY 1, 2, 3
    """
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result: Aging = {}
        for currency, contractor, bucket, amount in conn.execute(sql, {"d": as_of.isoformat()}):
            result.setdefault((currency, contractor), {})[bucket] = int(amount)
        return result
    finally:
        conn.close()


def service_aging(db: Database, as_of: dt.date, buckets: AgingBuckets) -> Aging:
    report = aging_report(db, as_of, buckets)
    result: Aging = {}
    for currency, section in report.currencies.items():
        for row in section.contractors:
            amounts = {label: amount for label, amount in row.buckets.items() if amount}
            if row.open - row.overdue:
                amounts[NOT_DUE] = row.open - row.overdue
            result[(currency, row.contractor_id)] = amounts
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--contractors", type=int, default=20_000)
    parser.add_argument("--invoices", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date(2026, 11, 22))
    args = parser.parse_args()
    path: Path = args.db or Path(tempfile.mkdtemp(prefix="inkaso-bench-")) / "foundation.db"
    today: dt.date = args.today
    rows: list[tuple[str, str, str]] = []

    db = open_database(path)
    with db.read() as session:
        filled = session.connection().exec_driver_sql("SELECT 1 FROM contractor LIMIT 1").first()
    if filled is None:
        spec = demo.DemoSpec(args.contractors, args.invoices, args.seed, today)
        cpu = time.process_time()
        summary, seconds, _best = timed(lambda: demo.generate(db, spec), repeat=1)
        cpu = time.process_time() - cpu
        rows.append(
            (
                f"demo {spec.contractors:,} contractors / {spec.invoices:,} invoices",
                f"{seconds:.1f} s",
                f"CPU {cpu:.1f} s, {summary.payments:,} payments",
            )
        )
    else:
        rows.append(("demo", "reused", str(path)))
    rows.append(("peak RSS after the demo", f"{peak_rss_mb():.0f} MB", ""))
    db.dispose()

    db = open_database(path)
    size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())
    rows.append(("file size (with -wal)", f"{size / 2**20:.0f} MB", str(path)))
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    counts = {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}
    conn.close()
    for table, count in counts.items():
        rows.append((f"rows {table}", f"{count:,}", ""))

    buckets = AgingBuckets()
    for label, as_of in (("today", today), ("a year earlier", today.replace(year=today.year - 1))):
        by_service, first, best = timed(lambda d=as_of: service_aging(db, d, buckets))
        by_sql, raw_first, raw_best = timed(lambda d=as_of: raw_aging(path, d, buckets))
        assert by_service == by_sql, f"aging {as_of}: service {by_service} != raw SQL {by_sql}"
        total = sum(sum(v.values()) for (cur, _c), v in by_service.items() if cur == "PLN")
        rows.append(
            (
                f"aging report as of {as_of} ({label})",
                f"{first:.2f} / {best:.2f} s",
                f"raw SQL {raw_first:.2f} / {raw_best:.2f} s; same {len(by_sql):,} rows "
                f"(PLN open {total / 100:,.2f})",
            )
        )

    def search(text: str = "") -> list[int]:
        return contractor_list.search_ids(
            db, today=today, currency="PLN", text=text, sort="overdue", descending=True
        )

    ids, first, best = timed(search)
    rows.append(("list: all, by overdue desc", f"{first:.2f} / {best:.2f} s", f"{len(ids):,} ids"))
    with db.read() as session:
        conn2 = session.connection()
        nip = conn2.exec_driver_sql(
            "SELECT nip FROM contractor WHERE id = ?", (ids[len(ids) // 2],)
        ).scalar()
        phone = conn2.exec_driver_sql("SELECT phone FROM contractor_phone WHERE contractor_id = ?", (ids[len(ids) // 3],)).scalar()  # fmt: skip
    for label, text in (
        ("name", "kow"),
        ("NIP", str(nip)[2:8]),
        ("phone", str(phone)[5:11]),
    ):
        found, first, best = timed(lambda t=text: search(t))
        rows.append(
            (f"list: search {label} {text!r}", f"{first:.2f} / {best:.2f} s", f"{len(found):,} ids")
        )
    page, first, best = timed(
        lambda: contractor_list.fetch_rows(db, ids[:100], today=today, currency="PLN")
    )
    assert [r.id for r in page] == ids[:100]
    assert all(
        a.sort_key("overdue_minor") >= b.sort_key("overdue_minor")
        for a, b in itertools.pairwise(page)
    )
    rows.append(("list: fetch_rows, 100-row page", f"{first:.3f} / {best:.3f} s", ""))
    rows.append(("peak RSS at the end", f"{peak_rss_mb():.0f} MB", ""))
    db.dispose()

    load = os.getloadavg()
    print(f"Inkaso foundation benchmark, {os.cpu_count()} CPUs, load {load[0]:.2f} {load[1]:.2f}")
    print("times: first / best of 3")
    width = max(len(r[0]) for r in rows)
    value_width = max(len(r[1]) for r in rows)
    for what, value, note in rows:
        print(f"{what.ljust(width)}  {value.rjust(value_width)}  {note}".rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
