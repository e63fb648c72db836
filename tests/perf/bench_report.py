""" "Owed to us" report benchmark, run by hand:

    .venv/bin/python -m tests.perf.bench_report [DB]

Times the report by contractor (:func:`services.owed_report.owed`: the aging with names and
account managers, grouped into the table the window and the exports draw) on the 20,000 / 500,000
demo (default /tmp/big.db; a COPY is worked on, the file itself is never changed), beside the same
rows assembled from hand-written SQL on the bare ``sqlite3`` module, and checks both give the same
rows and totals; then the same with the "over 3 months" filter and the XLSX/PDF exports.
Target: the report <= 1.5x raw SQL.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

from desktop_app.domain.aging import AgingBuckets
from desktop_app.reports.owed import By
from desktop_app.services import owed_report
from desktop_app.services.aging_report import AgingFilter, aging_report
from desktop_app.services.database import open_database
from tests.perf.bench_dashboard import OPEN_ITEMS, TODAY, best


def raw_by_contractor(conn: sqlite3.Connection, today: dt.date) -> dict[str, tuple[int, int]]:
    """Per currency: (contractors, open) with every row's name and manager read as the report
    reads them."""
    cases = " ".join(
        f"WHEN due_date >= '{edge.isoformat()}' THEN '{label}'"
        for label, edge in AgingBuckets().due_date_thresholds(today)
    )
    grouped = conn.execute(
        f"SELECT contractor_id, currency, CASE {cases} ELSE 'old' END AS bucket, SUM(open), "
        f"MIN(due_date) FROM ({OPEN_ITEMS}) GROUP BY 1, 2, 3",
        {"t": today.isoformat()},
    ).fetchall()
    people = {
        cid: (name, nip, manager)
        for cid, name, nip, manager in conn.execute(
            "SELECT c.id, c.name, c.nip, u.full_name FROM contractor c "
            "LEFT JOIN app_user u ON u.id = c.assigned_user_id"
        )
    }
    rows: dict[tuple[str, int], list[object]] = {}
    for cid, currency, bucket, amount, oldest in grouped:
        row = rows.setdefault((currency, cid), [*people[cid], 0, 0, 0])
        row[3] = int(str(row[3])) + amount
        if bucket != "not_due":
            row[4] = int(str(row[4])) + amount
            days = (today - dt.date.fromisoformat(oldest)).days
            row[5] = max(int(str(row[5])), days)
    ordered = sorted(rows.items(), key=lambda kv: (kv[0][0], -int(str(kv[1][4]))))
    totals: dict[str, tuple[int, int]] = {}
    for (currency, _cid), row in ordered:
        count, amount = totals.get(currency, (0, 0))
        totals[currency] = (count + 1, amount + int(str(row[3])))
    return totals


def main(source: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        shutil.copyfile(source, path)
        db = open_database(path)
        conn = sqlite3.connect(path)
        print(f"database: {source} ({source.stat().st_size / 1e6:.0f} MB), as of {TODAY}")

        # alternated, so a neighbour's burst of work falls on both sides alike
        for _round in range(2):
            raw_wall, raw_cpu, raw = best(4, lambda: raw_by_contractor(conn, TODAY))
            wall, cpu, report = best(4, lambda: aging_report(db, TODAY))
            table_wall, table_cpu, table = best(
                4, lambda: owed_report.owed(db, TODAY, By.CONTRACTOR)
            )
        for section in table.sections:
            assert raw[section.currency] == (len(section.lines), section.total.values["open"])
            assert report.currencies[section.currency].totals.open == section.total.values["open"]
        rows = sum(len(s.lines) for s in table.sections)
        print(
            f"aging report by contractor ({rows} rows): best {wall * 1000:.0f} ms "
            f"(CPU {cpu * 1000:.0f} ms); raw SQL {raw_wall * 1000:.0f} ms "
            f"(CPU {raw_cpu * 1000:.0f} ms); ratio {wall / raw_wall:.2f}x (CPU "
            f"{cpu / raw_cpu:.2f}x) (target <= 1.5x)"
        )
        print(
            f"  with the window's table: best {table_wall * 1000:.0f} ms "
            f"(CPU {table_cpu * 1000:.0f} ms); ratio {table_wall / raw_wall:.2f}x "
            f"(CPU {table_cpu / raw_cpu:.2f}x)"
        )
        old = AgingFilter(min_days=91)
        wall, cpu, table = best(3, lambda: owed_report.owed(db, TODAY, By.CONTRACTOR, old))
        rows = sum(len(s.lines) for s in table.sections)
        print(f"over 3 months ({rows} rows): best {wall * 1000:.0f} ms (CPU {cpu * 1000:.0f} ms)")
        for by in (By.MANAGER, By.BUCKET):
            wall, cpu, _table = best(3, lambda by=by: owed_report.owed(db, TODAY, by))
            print(f"report by {by}: best {wall * 1000:.0f} ms (CPU {cpu * 1000:.0f} ms)")
        full = owed_report.owed(db, TODAY, By.CONTRACTOR)
        for suffix in (".xlsx", ".pdf"):
            target = Path(folder) / f"owed{suffix}"
            wall, cpu, _path = best(1, lambda t=target: owed_report.export(db, full, t))
            size = target.stat().st_size / 1e6
            print(f"export {suffix} of every row: {wall:.1f} s (CPU {cpu:.1f} s), {size:.1f} MB")
        conn.close()
        db.dispose()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/big.db"))
