"""Back-test of the payment forecast, run by hand:

    .venv/bin/python -m tests.perf.backtest_forecast [DB] [--today YYYY-MM-DD]

On a COPY of the database (default /tmp/big.db, today 2026-11-22), the history is cut three
months before today: each payer's lateness is read as it stood on the cut day (instalments
settled after it count as unpaid so far, exactly as the forecast sees an open item), and every
item open on the cut day is forecast as of that day. Then the last three months tell:

- **expected date**: for the items paid by today, mean absolute error in days between the
  expected and the actual payment day, beside the naive forecast "paid on the due date (or on
  the cut day when already overdue)" that the dashboard used before;
- **risk of more than 30 days late**: for the items whose answer is known by today (paid, or
  still unpaid more than 30 days after the due date), the Brier score of the forecast beside the
  naive population rate given to every item, and a calibration table (forecast risk in bins
  against the share that did turn out more than 30 days late).
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from sqlalchemy import select

from db.models import Instalment
from desktop_app.domain import forecast
from desktop_app.services import forecast as forecast_service
from desktop_app.services.balances import open_items
from desktop_app.services.database import open_database

TODAY = dt.date(2026, 11, 22)
CUT_DAYS = 91
BINS = (0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 1.01)


def main(source: Path, today: dt.date) -> None:
    cut = today - dt.timedelta(days=CUT_DAYS)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "backtest.db"
        shutil.copyfile(source, path)
        db = open_database(path)
        started, cpu = time.perf_counter(), time.process_time()
        with db.read() as session:
            own = forecast_service.lateness_sums(session, cut)
            items = open_items(cut)
            rows = session.execute(
                select(items.c.contractor_id, items.c.due_date, Instalment.settled_on)
                .join(Instalment, Instalment.id == items.c.instalment_id)
                .where(items.c.open > 0)
            ).all()
        db.dispose()
    prior = forecast.population(sum(own.values(), forecast.LatenessSums()))
    figures: dict[int, forecast.Lateness] = {}
    errors: list[int] = []
    naive_errors: list[int] = []
    brier = naive_brier = 0.0
    known = 0
    open_question: list[float] = []
    naive_open: list[float] = []
    by_group: dict[str, list[int]] = defaultdict(list)
    naive_by_group: dict[str, list[int]] = defaultdict(list)
    calibration: dict[float, list[tuple[float, bool]]] = defaultdict(list)
    for cid, due, settled in rows:
        if cid not in figures:
            figures[cid] = forecast.lateness(own.get(cid, forecast.LatenessSums()), prior)
        guess = forecast.forecast_item(due, cut, figures[cid])
        paid = settled if settled is not None and settled <= today else None
        if paid is not None:
            group = "overdue" if due < cut else "not due"
            errors.append(abs((guess.expected - paid).days))
            naive_errors.append(abs((max(due, cut) - paid).days))
            by_group[group].append(abs((guess.expected - paid).days))
            naive_by_group[group].append(abs((max(due, cut) - paid).days))
        if paid is not None:
            outcome: bool | None = (paid - due).days > forecast.LATE_DAYS
        elif (today - due).days > forecast.LATE_DAYS:
            outcome = True
        else:
            outcome = None  # unpaid but not yet 30 days late: not known yet
        if outcome is None:
            continue
        known += 1
        brier += (guess.late_risk - outcome) ** 2
        naive_brier += (prior.very_late_share - outcome) ** 2
        if (cut - due).days <= forecast.LATE_DAYS:  # not settled by being 30 days late already
            open_question.append((guess.late_risk - outcome) ** 2)
            naive_open.append((prior.very_late_share - outcome) ** 2)
        upper = next(b for b in BINS if guess.late_risk < b)
        calibration[upper].append((guess.late_risk, outcome))
    wall, used = time.perf_counter() - started, time.process_time() - cpu

    print(f"database: {source}; today {today}; history cut on {cut}")
    print(f"items open on the cut day: {len(rows)}; payers: {len(figures)}; {wall:.1f} s "
          f"(CPU {used:.1f} s)")  # fmt: skip
    print(
        f"population on the cut day: late {prior.late_share:.1%}, >30 days late "
        f"{prior.very_late_share:.1%}, {prior.excess_days:.1f} days late when late"
    )
    if errors:
        mae = sum(errors) / len(errors)
        naive = sum(naive_errors) / len(naive_errors)
        median = sorted(errors)[len(errors) // 2]
        print(
            f"expected date, {len(errors)} items paid by today: mean absolute error "
            f"{mae:.1f} days (median {median}); naive 'due date' {naive:.1f} days"
        )
    for group, found in sorted(by_group.items()):
        naive_found = naive_by_group[group]
        print(
            f"  {group} on the cut day: {len(found)} items, {sum(found) / len(found):.1f} days; "
            f"naive {sum(naive_found) / len(naive_found):.1f}"
        )
    if known:
        print(
            f">30 days late, {known} items with a known answer: Brier {brier / known:.3f}; "
            f"naive population rate {naive_brier / known:.3f}"
        )
        if open_question:
            print(
                f"  of which {len(open_question)} not yet 30 days late on the cut day: Brier "
                f"{sum(open_question) / len(open_question):.3f}; naive population rate "
                f"{sum(naive_open) / len(naive_open):.3f}"
            )
        print("calibration (forecast risk bin: items, mean forecast, share that was >30 late)")
        lower = 0.0
        for upper in BINS:
            found = calibration.get(upper, [])
            if found:
                mean = sum(r for r, _o in found) / len(found)
                share = sum(o for _r, o in found) / len(found)
                print(
                    f"  {lower:.0%}-{min(upper, 1.0):.0%}: {len(found):>7}  {mean:6.1%}  {share:6.1%}"
                )
            lower = upper


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("db", nargs="?", type=Path, default=Path("/tmp/big.db"))
    parser.add_argument("--today", type=dt.date.fromisoformat, default=TODAY)
    args = parser.parse_args()
    main(args.db, args.today)
