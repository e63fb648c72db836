"""Many operations on a real SQLite file under garbage-collection pressure, in a process of its own.

``python -m tests.gui.receivables.operations_stress DB ROUNDS PER_ROUND`` builds a small ledger
through the services in DB, then, ROUNDS times, makes a fresh :class:`Operations` (as every GUI
test does), runs PER_ROUND reads and writes through it — searches that supersede each other,
pages, real writes and failures inside write transactions — shuts it down and lets go of it,
while Python's cycle collector runs all the time: on the GUI thread from a timer every 5 ms, and
on whichever thread allocates (thresholds far below the defaults), so on the workers compiling
SQL too. A crash kills this process, not the test session; the last line of stdout is a JSON
summary: delivered successes and failures, and how many Operations outlived their last reference.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import sys
import weakref
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from db.uow import Database
from desktop_app.changes import Change
from desktop_app.errors import InkasoError
from desktop_app.services import contractor_list, contractors, views
from desktop_app.services.database import open_database
from tests.helpers import contractor, invoice, pay
from ui.operations import Operations

TODAY = dt.date(2026, 11, 22)
LEDGER = 60
#: operations in flight at once: enough to keep every worker busy
IN_FLIGHT = 12


def build_ledger(db: Database) -> list[int]:
    ids = []
    for n in range(LEDGER):
        cid = contractor(db, f"Stress {n:03d} Sp. z o.o.", city="Łódź" if n % 2 else "Kraków")
        invoice(db, cid, f"FV/{n}/2026", dt.date(2026, 9, 1), (dt.date(2026, 10, 1), 10_000 + n))
        if n % 3 == 0:
            pay(db, cid, dt.date(2026, 10, 5), 5_000)
        ids.append(cid)
    return ids


class Round:
    """One Operations object's life: ``count`` operations, then shutdown."""

    def __init__(self, db: Database, ids: list[int], number: int, count: int) -> None:
        self.db, self.ids, self.number, self.count = db, ids, number, count
        self.ops = Operations()
        self.submitted = 0
        self.ok = 0
        self.failed = 0
        self.dropped = 0  # superseded searches: their callbacks are never called
        self.written = 0
        self.announced = 0
        self.ops.changed.connect(self._announced)

    def submit_more(self) -> None:
        while self.submitted < self.count and len(self.ops._pending) < IN_FLIGHT:
            self._submit(self.submitted)
            self.submitted += 1

    @property
    def finished(self) -> bool:
        return self.submitted >= self.count and not self.ops.busy

    def _submit(self, n: int) -> None:
        db, ids, ops = self.db, self.ids, self.ops
        kind = n % 6
        if kind == 0:
            page = ids[(n * 7) % LEDGER :][:25]
            ops.read(
                lambda: contractor_list.fetch_rows(db, page, today=TODAY, currency="PLN"),
                on_success=self._ok,
                on_failure=self._failed,
            )
        elif kind == 1:
            # superseded by the next search under the same key unless it finishes first
            text = ("stress", "łódź", "kraków", "0")[n % 4]
            ops.read(
                lambda: contractor_list.search(
                    db, today=TODAY, currency="PLN", text=text, sort="overdue", descending=True
                ),
                on_success=self._ok,
                on_failure=self._failed,
                key="search",
            )
            self.dropped += 1
        elif kind == 2:
            cid = ids[n % LEDGER]
            ops.read(lambda: views.contractor_card(db, cid, TODAY), on_success=self._ok)
        elif kind == 3:
            ops.read(lambda: views.contractor_card(db, 10**9, TODAY), on_failure=self._failed)
        elif kind == 4:
            name = f"Written {self.number}-{n}"
            ops.write(
                lambda: contractors.add_contractor(db, contractors.ContractorInput(name=name)),
                changes=Change.CONTRACTORS,
                on_success=self._written,
            )
        else:
            # a real write transaction that fails and rolls back: the NIP is on file already
            ops.write(
                lambda: contractors.add_contractor(
                    db, contractors.ContractorInput(name="Twin", nip="7740001454")
                ),
                changes=Change.CONTRACTORS,
                on_failure=self._failed,
            )

    def _written(self, result: object) -> None:
        self.written += 1
        self._ok(result)

    def _announced(self, changes: object) -> None:
        assert changes == Change.CONTRACTORS
        self.announced += 1

    def _ok(self, _result: object) -> None:
        self.ok += 1
        self._superseded_search_arrived(_result)

    def _superseded_search_arrived(self, result: object) -> None:
        if isinstance(result, contractor_list.ListResult):
            self.dropped -= 1  # this search was the latest one after all

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, InkasoError):
            raise exc
        self.failed += 1


def main(argv: list[str]) -> int:
    path, rounds, per_round = Path(argv[0]), int(argv[1]), int(argv[2])
    app = QApplication.instance() or QApplication([])
    assert app is not None
    db = open_database(path)
    ids = build_ledger(db)
    contractors.add_contractor(db, contractors.ContractorInput(name="Nip", nip="7740001454"))
    # what exists now lives to the end: the collector's work is the objects the rounds make
    gc.freeze()
    collector = QTimer()
    collector.setInterval(5)
    collector.timeout.connect(gc.collect)
    collector.start()
    gc.set_threshold(50, 5, 5)
    totals = {
        "ok": 0,
        "failed": 0,
        "dropped": 0,
        "operations": 0,
        "outlived": 0,
        "unannounced": 0,  # successful writes whose change was not announced exactly once
    }
    for number in range(rounds):
        job = Round(db, ids, number, per_round)
        loop = QEventLoop()
        feeder = QTimer()
        feeder.setInterval(0)

        def feed(job: Round = job, loop: QEventLoop = loop) -> None:
            job.submit_more()
            if job.finished:
                loop.quit()

        feeder.timeout.connect(feed)
        feeder.start()
        loop.exec()
        feeder.stop()
        job.ops.shutdown()
        gone = weakref.ref(job.ops)
        totals["ok"] += job.ok
        totals["failed"] += job.failed
        totals["dropped"] += job.dropped
        totals["operations"] += job.submitted
        totals["unannounced"] += abs(job.written - job.announced)
        job.ops = None  # type: ignore[assignment]
        if gone() is not None:
            totals["outlived"] += 1
        del job, feeder, loop
    collector.stop()
    gc.set_threshold(700, 10, 10)
    db.dispose()
    sys.stdout.write(json.dumps(totals) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
