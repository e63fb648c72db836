"""Main-window benchmark on a big demo database, run by hand:

    .venv/bin/python -m tests.perf.bench_gui [DB]

Opens the real window offscreen on DB (default: a 20,000 contractor / 500,000 invoice demo in
the temp folder, generated with ``inkaso demo`` when the file does not exist) and prints how long
the user waits for: the window with its first rows, a sort by overdue, searches to update the
table, a jump to the end of the list, and the card of the biggest debtor. It also prints the
longest stall of the GUI thread during each step (a 5 ms timer that should keep ticking while
SQL runs on worker threads) and the peak RSS of the process.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QElapsedTimer, QEventLoop, QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from ui.app import Launcher, Options, launch
from ui.models.contractors_model import COLUMN

TODAY = dt.date(2026, 11, 22)
CONTRACTORS, INVOICES = 20_000, 500_000


class StallMeter:
    """The longest gap between ticks of a 5 ms timer: how long the GUI thread was unavailable."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.clock.start()
        self.last = 0
        self.worst = 0
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = self.clock.elapsed()
        self.worst = max(self.worst, now - self.last)
        self.last = now

    def reset(self) -> None:
        self.last = self.clock.elapsed()
        self.worst = 0


def wait_until(condition: Callable[[], bool], timeout_s: float = 600) -> None:
    """Run the real event loop until ``condition`` holds, polling it every millisecond."""
    loop = QEventLoop()
    deadline = time.perf_counter() + timeout_s
    poll = QTimer()
    poll.setInterval(1)

    def check() -> None:
        if condition() or time.perf_counter() > deadline:
            loop.quit()

    poll.timeout.connect(check)
    poll.start()
    if not condition():
        loop.exec()
    poll.stop()
    if not condition():
        raise TimeoutError("condition not reached")


def ensure_demo(path: Path) -> None:
    if path.exists():
        return
    print(f"generating the demo in {path} ...", flush=True)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "desktop_app", "--db", str(path), "demo", "--contractors",
         str(CONTRACTORS), "--invoices", str(INVOICES), "--seed", "1", "--today", TODAY.isoformat()],
        check=True,
    )  # fmt: skip
    print(f"  generated in {time.perf_counter() - started:.0f} s", flush=True)


def main(argv: list[str]) -> int:
    path = (
        Path(argv[0])
        if argv
        else Path(tempfile.gettempdir()) / f"inkaso-demo-{CONTRACTORS}-{INVOICES}.db"
    )
    ensure_demo(path)
    app = QApplication([sys.argv[0]])
    meter = StallMeter()
    results: list[tuple[str, float, int]] = []

    def measure(label: str, action: Callable[[], None], done: Callable[[], bool]) -> None:
        meter.reset()
        started = time.perf_counter()
        action()
        wait_until(done)
        results.append((label, time.perf_counter() - started, meter.worst))

    launcher: Launcher | None = None

    def start() -> None:
        nonlocal launcher
        launcher = launch(
            Options(db=str(path), lang="pl", today=TODAY, scheduler=False), app, install_hooks=False
        )

    def window_ready() -> bool:
        if launcher is None or launcher.window is None:
            return False
        if launcher.window.pages.currentWidget() is not launcher.window.list_page:
            # the dashboard is the first screen; the list's rows are what this bench measures
            launcher.window.show_list()
        model = launcher.window.model
        return not model.loading and model.rowCount() > 0 and model.cached_row(0) is not None

    measure("window shown with first rows", start, window_ready)
    assert launcher is not None and launcher.window is not None
    window = launcher.window
    model = window.model
    total = model.rowCount()

    def after_search(previous: int) -> Callable[[], bool]:
        return lambda: model.search_generation() > previous and not model.loading

    generation = model.search_generation()
    header = window.table.horizontalHeader()
    column = COLUMN["overdue"]
    click_at = QPoint(header.sectionViewportPosition(column) + header.sectionSize(column) // 2, 5)
    measure(
        "sort by overdue (header click)",
        lambda: QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=click_at),
        after_search(generation),
    )
    biggest = model.contractor_id(0)
    biggest_row = model.cached_row(0)

    for label, text in (
        ("search a name fragment 'kowal'", "kowal"),
        ("search a NIP fragment '5260'", "5260"),
        ("search a phone fragment '501 2'", "501 2"),
        ("clear the search", ""),
    ):
        generation = model.search_generation()
        measure(
            label,
            lambda text=text: (window.search.setText(text), window.search.returnPressed.emit()),
            after_search(generation),
        )
        results[-1] = (f"{results[-1][0]} -> {model.rowCount()} rows", *results[-1][1:])

    last = model.rowCount() - 1
    measure(
        "jump to the end of the list (page fetch)",
        lambda: window.table.scrollToBottom(),
        lambda: model.cached_row(last) is not None,
    )

    card_holder: list[object] = []

    def open_card() -> None:
        card_holder.append(window.open_card(biggest))

    def card_ready() -> bool:
        card = window.cards().get(biggest)
        return card is not None and card.card is not None and card.isVisible()

    measure("open the biggest debtor's card", open_card, card_ready)
    card = window.cards()[biggest]
    assert card.card is not None
    invoices = len(card.card.invoices)
    payments = len(card.card.payments)

    print(f"database: {path} ({path.stat().st_size / 1e6:.0f} MB), {total} contractors listed")
    if biggest_row is not None:
        print(
            f"biggest debtor: {biggest_row.name} "
            f"({biggest_row.balance(biggest_row.currency).overdue_minor / 100:.2f} overdue), "
            f"card: {invoices} invoices, {payments} payments"
        )
    print(f"{'step':58} {'time':>9} {'GUI stall':>10}")
    for label, seconds, stall in results:
        print(f"{label:58} {seconds * 1000:7.0f} ms {stall:7d} ms")
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak RSS: {peak_kb / 1024:.0f} MB")
    window.close()
    card.close()
    launcher.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
