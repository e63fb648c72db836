"""Caller lookup and quick-find benchmark, run by hand:

    .venv/bin/python -m tests.perf.bench_lookup [DB]

Opens the 20,000 / 500,000 demo (default /tmp/big.db) read-only and times what a softphone's
``inkaso open --phone`` and the quick-find box ask: a phone number, a NIP, a few letters, the start
of an invoice number, a whole invoice number, digits that match nothing. Wall and CPU time (on a
shared machine the wall time also waits); the best of five. Target: each well under 100 ms, the
phone lookup (on a ringing phone) under 10 ms.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from db.models import Contractor, ContractorPhone, Invoice
from desktop_app.services import lookup


def _time(run: Callable[[], object]) -> tuple[float, float, object]:
    best_wall, best_cpu, result = float("inf"), float("inf"), None
    for _ in range(5):
        wall, cpu = time.perf_counter(), time.process_time()
        result = run()
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return best_wall, best_cpu, result


def main(source: Path) -> None:
    # read-only: the demo file is shared and never changed
    engine = create_engine(f"sqlite:///file:{source}?mode=ro&uri=true")
    with Session(engine) as session:
        phone = session.scalars(select(ContractorPhone.phone).offset(9000).limit(1)).one()
        nip = str(
            session.scalars(
                select(Contractor.nip).where(Contractor.nip.is_not(None)).offset(9000).limit(1)
            ).one()
        )
        number = session.scalars(select(Invoice.number).offset(250_000).limit(1)).one()
        cases: list[tuple[str, Callable[[], object]]] = [
            (f"by_phone {phone[3:]}", lambda: lookup.by_phone(session, phone[3:])),
            (f"by_nip {nip}", lambda: lookup.by_nip(session, nip)),
            ("quick_find 'kow'", lambda: lookup.quick_find(session, "kow")),
            ("quick_find 'a'", lambda: lookup.quick_find(session, "a")),
            (f"quick_find {number[:6]!r}", lambda: lookup.quick_find(session, number[:6])),
            (f"quick_find {number!r}", lambda: lookup.quick_find(session, number)),
            (f"quick_find {phone[3:]!r}", lambda: lookup.quick_find(session, phone[3:])),
            (f"quick_find {nip!r}", lambda: lookup.quick_find(session, nip)),
            ("quick_find '999999999'", lambda: lookup.quick_find(session, "999999999")),
        ]
        print(f"database: {source} ({source.stat().st_size / 1e6:.0f} MB)")
        for name, run in cases:
            wall, cpu, hits = _time(run)
            count = len(hits) if isinstance(hits, list) else "?"
            print(f"{name:40} {count:>3} hits  {wall * 1000:7.1f} ms (CPU {cpu * 1000:.1f} ms)")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/big.db"))
