"""Take the letters screenshots from the real application.

    xvfb-run -s "-screen 0 1400x900x24" .venv/bin/python installers/letter_screenshots.py [--lang pl]

A demo database (``inkaso demo --contractors 40 --invoices 300 --seed 7 --today 2026-11-22``)
whose default scenario gets a letter step (a demand letter 10 days after the due date), one
``inkaso dunning run --today 2026-11-23``; then resources/screenshots/letters_queue.png (the
queue with the first letter previewed) and interest_calculator.png (the acceptance case:
10,000.00 PLN due 2024-03-15, paid 2024-09-30, commercial interest).
Run it under a real X server (Xvfb) so fonts and styles are the ones users see.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DAY = dt.date(2026, 11, 23)
SCENARIO = """\
name: with-letter
title: Demand letter after ten days
steps:
  - code: letter
    name: Demand letter
    trigger: {anchor: due, offset: 10}
    channels: [letter]
    templates: {letter: escalation/task_manager}
"""


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", default="pl", choices=("pl", "en", "ru"))
    parser.add_argument("--out", type=Path, default=ROOT / "resources" / "screenshots")
    args = parser.parse_args(argv)
    os.environ["INKASO_DATA_DIR"] = tempfile.mkdtemp(prefix="inkaso-screens-")
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    sys.path.insert(0, str(ROOT))
    from desktop_app.cli.main import main as cli

    folder = Path(tempfile.mkdtemp(prefix="inkaso-shots-"))
    db_path = folder / "shots.db"
    scenario = folder / "letter.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")

    def run(*words: str) -> None:
        with contextlib.redirect_stdout(io.StringIO()):
            code = cli(["--db", str(db_path), *words])
        if code != 0:
            raise SystemExit(f"inkaso {' '.join(words)} failed with {code}")

    run("demo", "--contractors", "40", "--invoices", "300", "--seed", "7", "--today", "2026-11-22")
    run("scenario", "import", str(scenario))
    run("scenario", "default", "with-letter")
    run("dunning", "run", "--today", DAY.isoformat())

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from desktop_app.domain.interest import InterestKind
    from ui.app import Options, launch
    from ui.letters import letters_menu
    from ui.letters.calculator import InterestCalculator
    from ui.letters.queue_view import LettersQueueWindow

    app = QApplication([sys.argv[0]])
    launcher = launch(Options(db=str(db_path), lang=args.lang, today=DAY, scheduler=False), app)
    args.out.mkdir(parents=True, exist_ok=True)
    state: dict[str, object] = {}
    steps = []

    def window_ready() -> bool:
        return launcher.window is not None and not launcher.window.model.loading

    def open_queue() -> bool:
        assert launcher.window is not None
        state["queue"] = letters_menu.open_queue(launcher.window)
        return True

    def queue_ready() -> bool:
        queue = state["queue"]
        assert isinstance(queue, LettersQueueWindow)
        return not queue.loading and queue.preview.document.pageCount() > 0

    def rendered() -> bool:
        # QPdfView draws pages in the background: give it a moment after the document loads
        state["ticks"] = int(str(state.get("ticks", 0))) + 1
        return int(str(state["ticks"])) > 30

    def shoot_queue() -> bool:
        queue = state["queue"]
        assert isinstance(queue, LettersQueueWindow)
        app.processEvents()
        queue.grab().save(str(args.out / "letters_queue.png"))
        sys.stdout.write(f"letters in the queue: {queue.tree.topLevelItemCount()}\n")
        queue.close()
        return True

    def open_calculator() -> bool:
        assert launcher.window is not None
        calculator = letters_menu.open_calculator(launcher.window)
        calculator.amount.setText("10000")
        calculator.due.set_value(dt.date(2024, 3, 15))
        calculator.until.set_value(dt.date(2024, 9, 30))
        calculator.set_kind(InterestKind.COMMERCIAL)
        calculator.calculate()
        state["calculator"] = calculator
        return True

    def shoot_calculator() -> bool:
        calculator = state["calculator"]
        assert isinstance(calculator, InterestCalculator)
        if calculator.outcome is None:
            return False
        app.processEvents()
        calculator.grab().save(str(args.out / "interest_calculator.png"))
        sys.stdout.write(f"interest: {calculator.total.text()}\n")
        return True

    steps = [
        window_ready,
        open_queue,
        queue_ready,
        rendered,
        shoot_queue,
        open_calculator,
        shoot_calculator,
    ]

    def tick() -> None:
        while steps and steps[0]():
            steps.pop(0)
        if steps:
            QTimer.singleShot(50, tick)
        else:
            app.quit()

    QTimer.singleShot(0, tick)
    QTimer.singleShot(300_000, app.quit)
    app.exec()
    return 1 if steps else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
