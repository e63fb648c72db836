"""Bank matching benchmark, run by hand:

    .venv/bin/python -m tests.perf.bench_matching [DB]

Copies the 20,000 / 500,000 demo (``/tmp/big.db`` by default, never written itself; generated
with ``inkaso demo --contractors 20000 --invoices 500000`` when missing) and records 10,000 bank
lines in one unit of work: 6,000 name one or two open invoices in the title (written as payers
write them), 1,500 give the payer's NIP, 500 come again from an account seen earlier in the run
and 2,000 match nothing. Target: <= 5 s for the 10,000 (``record_bank_lines``: insert, look up,
decide, allocate, log). The one-time fill of invoice number keys on a database written before
they existed is timed apart.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from db.models import Contractor, Instalment, Invoice, Payment
from desktop_app.importers.records import BankLine, Where
from desktop_app.services import bank
from desktop_app.services.database import open_database

TODAY = dt.date(2026, 11, 22)
LINES = 10_000
ACCOUNT = "PL61109010140000071219812874"


def _spell(number: str, rng: random.Random) -> str:
    """The number the way some payer writes it."""
    body = number.split(" ", 1)[-1] if " " in number else number
    return rng.choice(
        [number, number.replace(" ", ""), "F-" + body, body.replace("/", " / "), "fv " + body]
    )


def build_lines(path: Path) -> list[BankLine]:
    rng = random.Random(7)
    db = open_database(path)
    try:
        with db.read() as session:
            found = session.execute(
                select(
                    Invoice.number, Invoice.currency, Instalment.open_minor, Invoice.contractor_id
                )
                .join(Instalment)
                .where(Instalment.open_minor > 0, Instalment.seq == 1)
                .limit(60_000)
            ).all()
            nips = session.execute(
                select(Contractor.nip).where(Contractor.nip.is_not(None)).limit(5_000)
            ).all()
    finally:
        db.dispose()
    rows = list(found)
    rng.shuffle(rows)
    lines: list[BankLine] = []
    where = Where("bench.sta")

    def line(amount: int, currency: str, title: str, **kw: str) -> None:
        lines.append(BankLine(where, ACCOUNT, TODAY, max(1, amount), currency, title=title, **kw))

    by_contractor: dict[int, list[Any]] = {}
    for row in rows:
        by_contractor.setdefault(row.contractor_id, []).append(row)
    pairs = [r for r in by_contractor.values() if len(r) >= 2]
    it = iter(rows)
    for i in range(6_000):
        if i % 5 == 0:
            first, second = pairs[i // 5][:2]
            title = f"Zapłata {_spell(first.number, rng)}, {_spell(second.number, rng)}"
            line(first.open_minor + 1000, first.currency, title)
        else:
            first = next(it)
            line(first.open_minor, first.currency, f"Zapłata za {_spell(first.number, rng)}")
    for i in range(1_500):
        nip = nips[i % len(nips)].nip
        line(rng.randint(1_000, 500_000), "PLN", f"NIP {nip} przelew", payer_account=f"PL{i:026d}")
    for i in range(500):
        line(rng.randint(1_000, 50_000), "PLN", "przelew", payer_account=f"PL{i:026d}")
    for i in range(2_000):
        line(rng.randint(100, 900_000), "PLN", f"darowizna {i}", payer_name=f"Osoba {i}")
    return lines


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/big.db")
    work = Path(tempfile.mkdtemp(prefix="inkaso-bench-bank-")) / "big.db"
    if source.exists():
        shutil.copyfile(source, work)
    else:
        print(f"generating the demo in {work} ...", flush=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "desktop_app",
                "--db",
                str(work),
                "demo",
                "--contractors",
                "20000",
                "--invoices",
                "500000",
            ],
            check=True,
        )
    lines = build_lines(work)
    db = open_database(work)
    try:
        started = time.perf_counter()
        with db.write() as session:
            filled = bank.fill_number_keys(session)
        print(
            f"invoice number keys filled once: {filled:,} in {time.perf_counter() - started:.2f} s"
        )
        started, cpu = time.perf_counter(), time.process_time()
        with db.write() as session:
            counts = bank.record_bank_lines(session, lines, today=TODAY, actor="bench")
        took = time.perf_counter() - started
        # on a shared machine the wall time waits for other processes too; the CPU time is ours
        print(
            f"{len(lines):,} bank lines recorded and matched in {took:.2f} s "
            f"(CPU {time.process_time() - cpu:.2f} s, {len(lines) / took:,.0f} lines/s): {counts}"
        )
        started = time.perf_counter()
        with db.write() as session:
            again = bank.record_bank_lines(session, lines, today=TODAY, actor="bench")
        print(f"the same lines again: {time.perf_counter() - started:.2f} s, {again}")
        started = time.perf_counter()
        with db.read() as session:
            waiting = bank.unmatched_payments(session, limit=500)
            total = session.scalar(
                select(func.count()).select_from(Payment).where(Payment.contractor_id.is_(None))
            )
        print(
            f"unmatched list (first 500 of {total:,}, with suggestions): "
            f"{time.perf_counter() - started:.2f} s, {len(waiting)} rows"
        )
        print("target: <= 5 s for the 10,000 lines", "OK" if took <= 5 else "MISSED")
    finally:
        db.dispose()
        shutil.rmtree(work.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
