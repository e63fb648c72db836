"""Dashboard benchmark, run by hand:

    .venv/bin/python -m tests.perf.bench_dashboard [DB]

Times :func:`services.dashboard.dashboard` (the current figures),
:func:`services.dashboard.cash_in_forecast` and
:func:`services.dashboard.overdue_trend` (twelve month ends) on the 20,000 / 500,000 demo
(default /tmp/big.db; a COPY is worked on, the file itself is never changed), each beside the
same aggregates written by hand in SQL and run on the bare ``sqlite3`` module over the same
file, and checks that both give the same totals. Targets: dashboard <= 500 ms and <= 1.5x raw.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop_app.domain.aging import AgingBuckets
from desktop_app.services.dashboard import (
    CEI_WINDOW_DAYS,
    DSO_WINDOW_DAYS,
    FAILED_STATUSES,
    FORECAST_WEEKS,
    cash_in_forecast,
    dashboard,
    month_ends,
    overdue_trend,
    week_start,
)
from desktop_app.services.database import open_database

TODAY = dt.date(2026, 11, 22)

OPEN_ITEMS = """
SELECT contractor_id, currency, due_date, open FROM (
  SELECT inv.contractor_id, inv.currency, ins.due_date,
         ins.amount_minor - COALESCE((
           SELECT SUM(a.amount_minor) FROM allocation a
           WHERE a.instalment_id = ins.id AND a.effective_date <= :t
             AND (a.released_on IS NULL OR a.released_on > :t)), 0) AS open
  FROM instalment ins JOIN invoice inv ON inv.id = ins.invoice_id
  WHERE inv.issue_date <= :t
    AND ins.id IN (SELECT id FROM instalment WHERE settled_on IS NULL OR settled_on > :t)
) WHERE open > 0
"""


def raw_dashboard(conn: sqlite3.Connection, today: dt.date) -> dict[str, int]:
    cases = " ".join(
        f"WHEN due_date >= '{edge.isoformat()}' THEN '{label}'"
        for label, edge in AgingBuckets().due_date_thresholds(today)
    )
    t = {"t": today.isoformat()}
    grouped = conn.execute(
        f"SELECT contractor_id, currency, CASE {cases} ELSE 'old' END AS bucket, SUM(open), "
        f"MIN(due_date) FROM ({OPEN_ITEMS}) GROUP BY 1, 2, 3",
        t,
    ).fetchall()
    ids = {row[0] for row in grouped}
    names = dict(conn.execute("SELECT id, name FROM contractor").fetchall())
    assert ids <= names.keys()
    totals: dict[str, int] = {}
    for _cid, currency, bucket, amount, _oldest in grouped:
        totals[f"{currency} open"] = totals.get(f"{currency} open", 0) + amount
        if bucket != "not_due":
            totals[f"{currency} overdue"] = totals.get(f"{currency} overdue", 0) + amount
    since = (today - dt.timedelta(days=DSO_WINDOW_DAYS)).isoformat()
    opening = (today - dt.timedelta(days=CEI_WINDOW_DAYS)).isoformat()
    conn.execute(
        "SELECT currency, SUM(gross_minor), SUM(CASE WHEN issue_date > :o THEN gross_minor "
        "ELSE 0 END) FROM invoice WHERE issue_date > :s AND issue_date <= :t GROUP BY currency",
        {"s": since, "o": opening, **t},
    ).fetchall()
    # collection effectiveness: what was open at the start of its window
    conn.execute(
        f"SELECT currency, SUM(open) FROM ({OPEN_ITEMS}) GROUP BY 1", {"t": opening}
    ).fetchall()
    monday = week_start(today)
    conn.execute(
        "SELECT currency, SUM(amount_minor) FROM promise WHERE status = 'open' "
        "AND due_on >= :m AND due_on < :n GROUP BY currency",
        {"m": monday.isoformat(), "n": (monday + dt.timedelta(days=7)).isoformat()},
    ).fetchall()
    conn.execute("SELECT COUNT(*) FROM task WHERE status = 'open' AND due_on <= :t", t).fetchone()
    marks = ", ".join("?" for _ in FAILED_STATUSES)
    conn.execute(f"SELECT COUNT(*) FROM outbox WHERE status IN ({marks})", FAILED_STATUSES)
    return totals


LATENESS = """
SELECT inv.contractor_id, COUNT(*), SUM(w), SUM(CASE WHEN d > 0 THEN w ELSE 0 END),
       SUM(CASE WHEN d > 30 THEN w ELSE 0 END), SUM(CASE WHEN d > 0 THEN w * d ELSE 0 END)
FROM (
  SELECT ins.invoice_id,
         julianday(CASE WHEN ins.settled_on < :t THEN ins.settled_on ELSE :t END)
           - julianday(ins.due_date) AS d,
         ins.amount_minor * exp(-0.693147 / 180 * (julianday(:t) - julianday(ins.due_date))) AS w
  FROM instalment ins WHERE ins.due_date >= :s AND ins.due_date < :t AND ins.amount_minor > 0
) h JOIN invoice inv ON inv.id = h.invoice_id GROUP BY 1
"""


def raw_forecast(conn: sqlite3.Connection, today: dt.date) -> int:
    """The two reads of the cash-in forecast: each payer's lateness sums, open items in sums."""
    t = {"t": today.isoformat(), "s": (today - dt.timedelta(days=730)).isoformat()}
    payers = conn.execute(LATENESS, t).fetchall()
    horizon = (today + dt.timedelta(weeks=FORECAST_WEEKS)).isoformat()
    conn.execute(
        "SELECT currency, contractor_id, CASE WHEN due_date >= :t THEN due_date END, SUM(open) "
        f"FROM ({OPEN_ITEMS}) WHERE due_date < :h GROUP BY 1, 2, 3",
        {"h": horizon, **t},
    ).fetchall()
    return len(payers)


def raw_trend(conn: sqlite3.Connection, today: dt.date) -> dict[str, int]:
    last: dict[str, int] = {}
    for end in month_ends(today):
        rows = conn.execute(
            f"SELECT currency, SUM(open) FROM ({OPEN_ITEMS}) WHERE due_date < :t GROUP BY 1",
            {"t": end.isoformat()},
        ).fetchall()
        last = {f"{currency} overdue": amount for currency, amount in rows}
    return last


def best(runs: int, fn: Callable[[], Any]) -> tuple[float, float, Any]:
    walls, cpus, value = [], [], None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        value = fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus), value


def main(source: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        shutil.copyfile(source, path)
        db = open_database(path)
        conn = sqlite3.connect(path)
        print(f"database: {source} ({source.stat().st_size / 1e6:.0f} MB), today {TODAY}")

        wall, cpu, board = best(5, lambda: dashboard(db, TODAY))
        raw_wall, raw_cpu, raw = best(5, lambda: raw_dashboard(conn, TODAY))
        for currency, section in board.currencies.items():
            assert raw.get(f"{currency} open", 0) == section.open, currency
            assert raw.get(f"{currency} overdue", 0) == section.overdue, currency
        print(
            f"dashboard: best {wall * 1000:.0f} ms (CPU {cpu * 1000:.0f} ms); raw SQL "
            f"{raw_wall * 1000:.0f} ms (CPU {raw_cpu * 1000:.0f} ms); "
            f"ratio {wall / raw_wall:.2f}x (targets <= 500 ms, <= 1.5x)"
        )

        wall, cpu, weeks = best(3, lambda: cash_in_forecast(db, TODAY))
        raw_wall, raw_cpu, _payers = best(3, lambda: raw_forecast(conn, TODAY))
        print(
            f"cash-in forecast (read apart, like the trend): best {wall * 1000:.0f} ms "
            f"(CPU {cpu * 1000:.0f} ms); raw SQL {raw_wall * 1000:.0f} ms "
            f"(CPU {raw_cpu * 1000:.0f} ms); ratio {wall / raw_wall:.2f}x; "
            + "; ".join(f"{c} {[w.amount // 100 for w in ws]}" for c, ws in weeks.items())
        )

        wall, cpu, trend = best(3, lambda: overdue_trend(db, TODAY))
        raw_wall, raw_cpu, raw = best(3, lambda: raw_trend(conn, TODAY))
        for currency, months in trend.items():
            assert raw.get(f"{currency} overdue", 0) == months[-1].overdue, currency
        print(
            f"12-month trend: best {wall * 1000:.0f} ms (CPU {cpu * 1000:.0f} ms); raw SQL "
            f"{raw_wall * 1000:.0f} ms (CPU {raw_cpu * 1000:.0f} ms); "
            f"ratio {wall / raw_wall:.2f}x"
        )
        conn.close()
        db.dispose()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/big.db"))
