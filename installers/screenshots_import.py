"""Take the README screenshots of the import wizard and the Bank view from the running application.

    Xvfb :97 -screen 0 1400x900x24 &
    DISPLAY=:97 .venv/bin/python installers/screenshots_import.py [--lang pl]

A demo database (``inkaso demo --contractors 300 --invoices 5000 --seed 7 --today 2026-11-22``)
gets a few bank transfers recorded through the bank services: two that name demo invoices (the
rules match them and say why), one with a typo in the number, and two that name nothing. Then
Inkaso opens it as ``inkaso-gui --db FILE --lang pl --today 2026-11-22 --no-scheduler`` does; the
wizard is shown on its columns page for a Subiekt "Rozrachunki" export (its ready mapping picks
itself, the preview shows the first rows, one amount written as "12,5 tys." in red) and saved as resources/screenshots/import_wizard.png;
then View → Bank with a waiting payment chosen, as bank_view.png. Each window fills the screen and
the screen is taken with ImageMagick's ``import -window root``, as a user would see it. Last,
Settings → Import sources with KSeF, two watched folders and the automatic import set up, as
import_sources.png (the dialog alone, as settings.png is).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 11, 22)
CSV = ROOT / "tests" / "fixtures" / "tabular" / "subiekt_rozrachunki_cp1250.csv"


def record_transfers(db: Any) -> None:
    """Bank lines as a statement would bring them, some for demo invoices, some for nobody."""
    from desktop_app.importers.records import BankLine, Where
    from desktop_app.services import bank
    from desktop_app.services.bank.review import open_invoices

    with db.read() as session:
        found = open_invoices(session, "", currency="PLN", limit=40)
    first, second, third = found[0], found[7], found[15]
    account = "PL61109010140000071219812874"

    def line(n: int, amount: int, title: str, payer: str, payer_account: str) -> BankLine:
        return BankLine(
            where=Where("wyciag_2026-11-21.sta", n),
            account=account,
            date=TODAY - dt.timedelta(days=1 + n % 3),
            amount_minor=amount,
            currency="PLN",
            payer_name=payer,
            payer_account=payer_account,
            title=title,
            reference=f"2026112100{n:04d}",
        )

    typo = third.number.replace("/", " ", 1)[:-2]  # "FV 1234/11/20" for FV/1234/11/2026
    lines = [
        line(1, first.open_minor, f"Zapłata za fakturę {first.number}", first.contractor_name,
             "PL27114020040000300201355387"),
        line(2, second.open_minor, f"{second.number} - płatność", second.contractor_name,
             "PL83101010230000261395100000"),
        line(3, third.open_minor, f"FAKTURA {typo}", "KOWALSKI JAN ul. Długa 5 Łódź",
             "PL10105000997603123456789123"),
        line(4, 45_000, "przelew środków", "Małgorzata Wiśniewska",
             "PL02124012951111001028282925"),
        line(5, 1_230_000, "zaliczka na poczet dostawy", "Żabka Polska sp. z o.o.",
             "PL61109010140000071219812875"),
    ]  # fmt: skip
    with db.write() as session:
        bank.record_bank_lines(session, lines, today=TODAY)


def set_up_sources(db: Any) -> None:
    """What a firm fetching from KSeF and watching two folders has under Import sources."""
    from desktop_app.settings import set_value

    set_value(db, "ksef.environment", "demo")
    set_value(db, "ksef.auto", "true")
    set_value(
        db, "import.folders", json.dumps({"ksef": "C:/KSeF/faktury", "bank": "C:/Wyciągi/mBank"})
    )
    set_value(db, "import.mappings", json.dumps({"bank": "mbank-historia"}))
    set_value(db, "import.interval_minutes", "30")


def shoot(path: Path) -> None:
    subprocess.run(["import", "-window", "root", str(path)], check=True)


def fill_screen(widget: Any) -> None:
    from PySide6.QtGui import QGuiApplication

    screen = QGuiApplication.primaryScreen().availableGeometry()
    widget.setGeometry(screen)
    widget.raise_()
    widget.activateWindow()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", default="pl", choices=("pl", "en", "ru"))
    parser.add_argument("--out", type=Path, default=ROOT / "resources" / "screenshots")
    args = parser.parse_args(argv)
    os.environ["INKASO_DATA_DIR"] = tempfile.mkdtemp(prefix="inkaso-screens-")
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    sys.path.insert(0, str(ROOT))

    from desktop_app.cli.main import main as cli
    from desktop_app.services.database import open_database

    db_path = Path(tempfile.mkdtemp(prefix="inkaso-shots-")) / "import.db"
    with contextlib.redirect_stdout(io.StringIO()):
        code = cli(["--db", str(db_path), "demo", "--contractors", "300", "--invoices", "5000",
                    "--seed", "7", "--today", TODAY.isoformat()])  # fmt: skip
    if code != 0:
        raise SystemExit(f"inkaso demo failed with {code}")
    db = open_database(db_path)
    record_transfers(db)
    set_up_sources(db)
    db.dispose()

    from PySide6.QtWidgets import QApplication

    from ui.app import Options, launch
    from ui.bank.bank_view import BankWindow
    from ui.bank.menu import open_bank
    from ui.imports.menu import open_import_wizard
    from ui.imports.wizard import ImportWizard

    app = QApplication([sys.argv[0]])
    launcher = launch(Options(db=str(db_path), lang=args.lang, today=TODAY, scheduler=False), app)
    args.out.mkdir(parents=True, exist_ok=True)
    state: dict[str, Any] = {"ticks": 0}
    failures: list[str] = []

    def window_ready() -> bool:
        window = launcher.window
        return window is not None and not window.model.loading

    def open_wizard() -> bool:
        assert launcher.window is not None
        wizard = state["wizard"] = open_import_wizard(launcher.window)
        fill_screen(wizard)
        # one amount written out in words, to show how a row that cannot be read looks
        broken = Path(tempfile.mkdtemp(prefix="inkaso-shots-")) / "rozrachunki_11_2026.csv"
        broken.write_bytes(CSV.read_bytes().replace(b"12 500,00", "12,5 tys.".encode("cp1250")))
        wizard.source_page.set_path(broken)
        return True

    def recognised() -> bool:
        wizard: ImportWizard = state["wizard"]
        if wizard.source_page.format_name() != "csv":
            return False
        wizard.next()
        return True

    def previewed() -> bool:
        page = state["wizard"].mapping_page
        return bool(page.isComplete() and page.preview_model.rowCount())

    def settle() -> bool:
        state["ticks"] += 1  # a few turns of the event loop for the last paint
        return state["ticks"] > 10

    def shoot_wizard() -> bool:
        shoot(args.out / "import_wizard.png")
        state["wizard"].reject()
        state["ticks"] = 0
        return True

    def open_bank_view() -> bool:
        assert launcher.window is not None
        view = state["bank"] = open_bank(launcher.window)
        fill_screen(view)
        return True

    def bank_ready() -> bool:
        view: BankWindow = state["bank"]
        if view.loading or not view.waiting_model.rowCount():
            return False
        rows = view.waiting_model.rows()
        with_suggestion = next((r for r in rows if getattr(r.item, "suggestions", ())), rows[0])
        view.choose_waiting(int(str(with_suggestion.id)))
        return True

    def shoot_bank() -> bool:
        shoot(args.out / "bank_view.png")
        state["bank"].close()
        return True

    def open_sources() -> bool:
        assert launcher.window is not None
        state["settings"] = launcher.window.sending.open_settings("sources")
        state["ticks"] = 0
        return True

    def sources_ready() -> bool:
        dialog = state["settings"]
        if not dialog.ready:
            return False
        dialog.resize(dialog.width(), max(dialog.height(), 860))
        return True

    def shoot_sources() -> bool:
        state["settings"].grab().save(str(args.out / "import_sources.png"))
        state["settings"].reject()
        return True

    steps: list[Callable[[], bool]] = [
        window_ready, open_wizard, recognised, previewed, settle, shoot_wizard,
        open_bank_view, bank_ready, settle, shoot_bank,
        open_sources, sources_ready, settle, shoot_sources,
    ]  # fmt: skip

    from PySide6.QtCore import QTimer

    def run_steps() -> None:
        if launcher.error_box is not None:
            failures.append(launcher.error_box.text())
            app.quit()
            return
        while steps and steps[0]():
            steps.pop(0)
        if steps:
            QTimer.singleShot(50, run_steps)
        else:
            QTimer.singleShot(200, app.quit)

    QTimer.singleShot(50, run_steps)
    QTimer.singleShot(300_000, app.quit)
    app.exec()
    if failures or steps:
        sys.stderr.write(f"stopped at {steps[0].__name__ if steps else '?'}: {failures}\n")
        return 1
    sys.stdout.write(
        f"saved import_wizard.png, bank_view.png and import_sources.png in {args.out}\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
