"""Payer rating benchmark, run by hand:

    .venv/bin/python -m tests.perf.bench_rating [DB]

Rates every contractor of the 20,000 / 500,000 demo (default /tmp/big.db; a COPY is worked on,
the file itself is never changed), then records one payment and rates that contractor again.
Targets: all <= 5 s; one contractor after a payment <= 50 ms.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from db.models import Instalment, Invoice
from desktop_app.services import rating
from desktop_app.services.database import open_database
from desktop_app.services.payments import PaymentInput, add_payment

TODAY = dt.date(2026, 11, 22)


def main(source: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        shutil.copyfile(source, path)
        db = open_database(path)
        runs = []
        cpu = []
        for _ in range(3):
            started, started_cpu = time.perf_counter(), time.process_time()
            with db.read() as session:
                every = rating.for_all(session, TODAY)
            runs.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        rated = sum(1 for r in every if r.rating.stars is not None)
        print(f"database: {source} ({source.stat().st_size / 1e6:.0f} MB)")
        print(f"contractors: {len(every)}, rated: {rated}")
        # the CPU time beside the wall time: on a shared machine the wall time also waits
        print(
            f"all contractors: best {min(runs):.2f} s of {len(runs)} "
            f"(CPU {min(cpu):.2f} s; target <= 5 s)"
        )

        with db.read() as session:
            cid, owed = session.execute(
                select(Invoice.contractor_id, func.sum(Instalment.open_minor))
                .join(Invoice, Invoice.id == Instalment.invoice_id)
                .where(Instalment.open_minor > 0, Invoice.currency == "PLN")
                .group_by(Invoice.contractor_id)
                .order_by(func.sum(Instalment.open_minor).desc())
                .limit(1)
            ).one()
            before = rating.for_contractor(session, cid, TODAY).rating
        add_payment(db, PaymentInput(contractor=cid, date=TODAY, amount_minor=owed))
        one_runs = []
        for _ in range(5):
            started = time.perf_counter()
            with db.read() as session:
                after = rating.for_contractor(session, cid, TODAY).rating
            one_runs.append(time.perf_counter() - started)
        print(
            f"contractor {cid} after paying all it owed: {before.stars} -> {after.stars} stars "
            f"({after.items} items); best {min(one_runs) * 1000:.1f} ms, "
            f"worst {max(one_runs) * 1000:.1f} ms (target <= 50 ms)"
        )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/big.db"))
