"""Take the README screenshots from the real application on the demo database.

    xvfb-run -s "-screen 0 1400x900x24" .venv/bin/python installers/screenshots.py [--lang pl]

Starts Inkaso exactly as ``inkaso-gui --demo --lang pl --today 2026-11-22`` does (a fresh demo
database in a temporary data folder), sorts the list by overdue debt, and saves
resources/screenshots/main_window.png; then opens the card of a debtor with overdue invoices,
a partial payment and some history and saves resources/screenshots/contractor_card.png, records a
promise to pay for that debtor and saves "Send reminder now" as send_now.png; then the
dunning editors: scenario_editor.png (sms-classic, its weekly step), template_preview.png (an
overdue e-mail previewed for that debtor) and calendar.png (the dry run of the next 14 days).
Before the list, the dashboard (the first screen) as resources/screenshots/dashboard.png, and the
list behind its oldest aging bar (the drill-down dialog) as dashboard_drilldown.png.
``--only card,editors`` takes a subset (dashboard, main, card, editors).
Run it under a real X server (Xvfb) so fonts and styles are the ones users see.

With ``--only entry`` it takes the entry dialogs on the demo: New invoice (two instalments typed
in, past the credit limit set for the debtor first; the suggested terms shown) as
entry_invoice.png and Record payment (an amount typed, the allocation shown) as
entry_payment.png.

With ``--only report`` it takes the "Owed to us" report (View → Owed to us…) filtered to debtors
more than 3 months overdue as report_window.png, exports it to Excel and renders the sheet with
LibreOffice (``soffice --headless --convert-to pdf``, then ``pdftoppm``) as report_xlsx.png.

With ``--only templates`` it takes the template editor's simple Text tab: the overdue e-mail of
the escalation preset as it opens (subject and text, conditions as labelled markers, fields and
advanced parts as chips) as template_simple.png, then the overdue SMS of sms-classic with its last
sentence put in a "one invoice / several invoices" condition and «amount due» added to one
variant as template_condition.png.

With ``--only help`` it takes the About box (about.png), Help > Keyboard shortcuts
(shortcuts.png) and the quick-find popup with a few letters typed (quick_find.png, the screen
around the main window: the popup is a window of its own). The dashboard makes the window wider
than 1400 pixels in Polish: run it on a wider screen ("-screen 0 1700x900x24").

With ``--only users`` it takes Tools → Users… on the demo (an owner and a bookkeeper added to its
account managers, one of whom is away with a deputy) as users.png and that user's Away… dialog as
absence.png.

With ``--only sending`` it takes the sending screenshots instead: a demo database made with
``inkaso demo --contractors 300 --invoices 5000 --seed 7 --today 2026-11-22``, e-mail pointed at a
local aiosmtpd that accepts most mail and refuses some (so the outbox shows failures), one
``inkaso dunning run --today 2026-11-23``; then resources/screenshots/outbox.png, settings.png
and tray_menu.png.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 11, 22)


def drive(app: Any, launcher: Any, steps: list[Callable[[], bool]], failures: list[str]) -> None:
    """Run the steps in order on the event loop: each returns True when done (or False to be
    asked again 50 ms later); stop at the first error dialog, give up after five minutes."""
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


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", default="pl", choices=("pl", "en", "ru"))
    parser.add_argument("--out", type=Path, default=ROOT / "resources" / "screenshots")
    parser.add_argument("--all-tabs", action="store_true", help="also save the card's other tabs")
    parser.add_argument(
        "--only",
        default="dashboard,main,card,editors",
        help="comma-separated: dashboard, main, card, editors",
    )
    args = parser.parse_args(argv)
    only = {part.strip() for part in args.only.split(",")}
    if "sending" in only:  # its own database after a dunning run: outbox, settings, tray menu
        return sending_shots(args.lang, args.out)
    if "entry" in only:  # the entry dialogs filled in as a clerk would
        return entry_shots(args.lang, args.out)
    if "wizard" in only:  # a first start on an empty database: every page of the wizard
        return wizard_shots(args.lang, args.out)
    if "report" in only:  # the "Owed to us" window and its Excel export
        return report_shots(args.lang, args.out)
    if "templates" in only:  # the template editor's simple Text tab with chips
        return template_shots(args.lang, args.out)
    if "help" in only:  # About, the shortcuts page, the quick-find popup
        return help_shots(args.lang, args.out)
    if "users" in only:  # Tools → Users… and a user's absence
        return users_shots(args.lang, args.out)
    # a fresh, deterministic demo database every time, never the user's own data folder
    os.environ["INKASO_DATA_DIR"] = tempfile.mkdtemp(prefix="inkaso-screens-")
    sys.path.insert(0, str(ROOT))

    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from desktop_app.services import contractor_list, views
    from ui.app import Options, launch
    from ui.models.contractors_model import COLUMN

    app = QApplication([sys.argv[0]])
    launcher = launch(Options(demo=True, lang=args.lang, today=TODAY), app)
    args.out.mkdir(parents=True, exist_ok=True)
    steps: list[Callable[[], bool]] = []
    failures: list[str] = []

    def window_ready() -> bool:
        window = launcher.window
        return bool(
            window is not None
            and not window.model.loading
            and window.model.rowCount()
            and window.model.cached_row(0) is not None
        )

    def dashboard_ready() -> bool:
        assert launcher.window is not None
        board = launcher.window.dashboard
        return board.board is not None and bool(board.trend) and bool(board.forecast)

    def shoot_dashboard() -> bool:
        assert launcher.window is not None
        if "dashboard" in only:
            app.processEvents()
            launcher.window.grab().save(str(args.out / "dashboard.png"))
        return True

    def open_drilldown() -> bool:
        assert launcher.window is not None
        board = launcher.window.dashboard
        if "dashboard" in only and board.board is not None:
            state["drill"] = board.show_overdue(board.board.labels[-1])
        return True

    def drilldown_ready() -> bool:
        drill = state.get("drill")
        return drill is None or drill.drill is not None

    def shoot_drilldown() -> bool:
        drill = state.pop("drill", None)
        if drill is not None:
            app.processEvents()
            drill.grab().save(str(args.out / "dashboard_drilldown.png"))
            drill.close()
        return True

    def sort_by_overdue() -> bool:
        assert launcher.window is not None
        window = launcher.window
        window.show_list()
        header = window.table.horizontalHeader()
        column = COLUMN["overdue"]
        x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
        state["generation"] = window.model.search_generation()
        QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
        return True

    def sorted_and_painted() -> bool:
        assert launcher.window is not None
        model = launcher.window.model
        if model.search_generation() <= state["generation"] or model.loading:
            return False
        visible = launcher.window.table.rowAt(launcher.window.table.viewport().height() - 2)
        last = visible if visible >= 0 else model.rowCount() - 1
        return all(model.cached_row(r) is not None for r in range(last + 1))

    def shoot_main() -> bool:
        assert launcher.window is not None
        if "main" not in only:
            return True
        launcher.window.table.setFocus()
        # not the first row: the selection colour would hide the red of the biggest debt
        launcher.window.table.scrollToTop()
        launcher.window.table.selectRow(3)
        launcher.window.table.scrollToTop()
        app.processEvents()
        launcher.window.grab().save(str(args.out / "main_window.png"))
        return True

    def open_card() -> bool:
        assert launcher.window is not None and launcher.db is not None
        contractor = pick_contractor(launcher.db, launcher.window.model.currency)
        if contractor is None:
            failures.append("no contractor with overdue debt, a partial payment and history")
            return True
        state["card"] = contractor
        launcher.window.open_card(contractor)
        return True

    def card_ready() -> bool:
        if "card" not in state:
            return True
        assert launcher.window is not None
        card = launcher.window.cards().get(state["card"])
        # the insight brings the rating and each open invoice's forecast
        return (
            card is not None
            and card.card is not None
            and card.insight.insight is not None
            and card.isVisible()
        )

    def shoot_card() -> bool:
        if "card" not in state or "card" not in only:
            return True
        assert launcher.window is not None
        card = launcher.window.cards()[state["card"]]
        if args.all_tabs:  # for reviewing the other tabs; the README shows the invoices
            for tab, name in ((1, "payments"), (2, "activity"), (3, "communication")):
                card.tabs.setCurrentIndex(tab)
                app.processEvents()
                card.grab().save(str(args.out / f"contractor_card_{name}.png"))
        card.tabs.setCurrentIndex(0)
        QTest.qWait(300)  # the insight just arrived: its word-wrapped lines settle their height
        card.grab().save(str(args.out / "contractor_card.png"))
        return True

    def open_send_now() -> bool:
        """The card's debtor promised to pay; "Send reminder now" on a fresh demo (nothing set up
        for sending) shows the overdue reminder, names the promise and cannot send yet."""
        if "card" not in state or "card" not in only:
            return True
        from desktop_app.services.dunning import promises

        assert launcher.window is not None and launcher.db is not None
        card = launcher.window.cards()[state["card"]]
        balance = views.contractor_card(launcher.db, state["card"], TODAY).balance("PLN")
        promises.add_promise(
            launcher.db,
            contractor=state["card"],
            due_on=TODAY + dt.timedelta(days=7),
            amount_minor=balance.overdue_minor,
            currency="PLN",
            today=TODAY,
        )
        card.send_button.click()
        return True

    def send_now_ready() -> bool:
        if "card" not in state or "card" not in only:
            return True
        assert launcher.window is not None
        dialog = launcher.window.cards()[state["card"]].send_dialog
        return dialog is not None and bool(dialog.warnings) and bool(dialog.body.toPlainText())

    def shoot_send_now() -> bool:
        if "card" not in state or "card" not in only:
            return True
        assert launcher.window is not None
        dialog = launcher.window.cards()[state["card"]].send_dialog
        assert dialog is not None
        dialog.resize(760, 640)
        app.processEvents()
        dialog.grab().save(str(args.out / "send_now.png"))
        dialog.reject()
        return True

    def pick_contractor(db: object, currency: str) -> int | None:
        """A debtor whose card shows everything: overdue items, a partly paid one, history."""
        ids = contractor_list.search_ids(
            db,  # type: ignore[arg-type]
            today=TODAY,
            currency=currency,
            sort="overdue",
            descending=True,
            limit=200,
        )
        best: tuple[int, int] | None = None
        for contractor_id in ids:
            card = views.contractor_card(db, contractor_id, TODAY)  # type: ignore[arg-type]
            parts = [p for i in card.invoices for p in i.instalments]
            partly = any(0 < p.open_minor < p.amount_minor for p in parts)
            overdue = sum(1 for p in parts if p.days_overdue)
            if not partly or not overdue or len(card.payments) < 2:
                continue
            # a card that fits on one screen reads better than a 120-invoice wall
            score = (
                min(len(card.activity), 12) * 3 + min(overdue, 5) * 2 - abs(len(card.invoices) - 14)
            )
            if best is None or score > best[0]:
                best = (score, contractor_id)
        return best[1] if best else None

    from ui.dunning import editors_menu

    editors: dict[str, Any] = {}

    def open_scenarios() -> bool:
        assert launcher.window is not None
        editor = editors_menu.open_scenarios(launcher.window)
        editor.resize(1280, 860)
        editors["scenarios"] = editor
        return True

    def scenarios_ready() -> bool:
        editor = editors["scenarios"]
        if editor._loaded is None or editor.scenario_list.count() < 3:
            return False
        if editor._loaded.name != "sms-classic":
            for row in range(editor.scenario_list.count()):
                item = editor.scenario_list.item(row)
                if item is not None and item.data(Qt.ItemDataRole.UserRole) == "sms-classic":
                    editor.scenario_list.setCurrentRow(row)
            return False
        editor.select_step(3)
        return True

    def shoot_scenarios() -> bool:
        editor = editors["scenarios"]
        app.processEvents()
        editor.grab().save(str(args.out / "scenario_editor.png"))
        editor.close()
        return True

    def open_templates() -> bool:
        assert launcher.window is not None
        editor = editors_menu.open_templates(launcher.window)
        editor.resize(1380, 820)
        editors["templates"] = editor
        return True

    def templates_ready() -> bool:
        editor = editors["templates"]
        if not editor.template_list.topLevelItemCount():
            return False
        loaded = editor._loaded
        wanted = ("escalation/email_overdue", args.lang)
        if loaded is None or (loaded.name, loaded.language) != wanted:
            editor.select_template(*wanted)
            return False
        if "card" not in state:
            return bool(editor.preview_plain_text())
        name = views.get_contractor(launcher.db, state["card"]).name
        if editor._contractor_id != state["card"]:
            editor.contractor_search.setText(name)
            return False
        # the preview of that very contractor has arrived (not the sample's)
        return bool(editor.preview_plain_text()) and name in editor.preview_note.text()

    def shoot_templates() -> bool:
        editor = editors["templates"]
        app.processEvents()
        editor.grab().save(str(args.out / "template_preview.png"))
        editor.close()
        return True

    def open_calendar() -> bool:
        assert launcher.window is not None
        calendar = editors_menu.open_calendar(launcher.window)
        calendar.resize(1240, 780)
        editors["calendar"] = calendar
        return True

    def calendar_ready() -> bool:
        calendar = editors["calendar"]
        return calendar.dry_run is not None and not calendar.loading

    def shoot_calendar() -> bool:
        calendar = editors["calendar"]
        tree = calendar.tree
        # the first busy day after today, opened, the rest folded: the shape shows at a glance
        for i in range(tree.topLevelItemCount()):
            item = tree.topLevelItem(i)
            if item is not None:
                item.setExpanded(i in (0, 1))
        app.processEvents()
        calendar.grab().save(str(args.out / "calendar.png"))
        return True

    state: dict[str, Any] = {}
    steps.extend(
        [
            window_ready,
            dashboard_ready,
            shoot_dashboard,
            open_drilldown,
            drilldown_ready,
            shoot_drilldown,
            sort_by_overdue,
            sorted_and_painted,
            shoot_main,
            open_card,
            card_ready,
            shoot_card,
            open_send_now,
            send_now_ready,
            shoot_send_now,
        ]
    )
    if "editors" in only:
        steps.extend(
            [
                open_scenarios,
                scenarios_ready,
                shoot_scenarios,
                open_templates,
                templates_ready,
                shoot_templates,
                open_calendar,
                calendar_ready,
                shoot_calendar,
            ]
        )

    drive(app, launcher, steps, failures)
    if failures or steps:
        waiting = steps[0].__name__ if steps else "-"
        sys.stderr.write(f"screenshots incomplete (at {waiting}): " + "; ".join(failures) + "\n")
        return 1
    sys.stdout.write(f"saved the screenshots ({', '.join(sorted(only))}) in {args.out}\n")
    return 0


WIZARD_PAGES = (
    "language",
    "firm",
    "account",
    "email",
    "sms",
    "scenario",
    "owner",
    "autostart",
    "first_data",
)


def wizard_shots(lang: str, out: Path) -> int:
    """The first-run wizard on an empty database, each page filled in as a new user would
    (the firm from a loopback stand-in of the White List), saved as wizard_<page>.png. Finish is
    never pressed: nothing is written to this computer's autostart."""
    work = Path(tempfile.mkdtemp(prefix="inkaso-screens-"))
    os.environ["INKASO_DATA_DIR"] = str(work / "data")
    os.environ["XDG_CONFIG_HOME"] = str(work / "config")
    sys.path.insert(0, str(ROOT))

    from PySide6.QtWidgets import QApplication
    from screenshots_rating import registry

    from desktop_app.services.database import open_database
    from desktop_app.settings import set_value
    from ui.app import Options, launch

    nip = "5260250274"
    server = registry({nip: "Hurtownia Pol-Mak spółka z o.o."})
    target = work / "inkaso.db"
    db = open_database(target)
    set_value(db, "whitelist.api_url", f"http://127.0.0.1:{server.server_port}")
    db.dispose()
    app = QApplication([sys.argv[0]])
    launcher = launch(Options(db=str(target), lang=lang, today=TODAY), app)
    out.mkdir(parents=True, exist_ok=True)
    failures: list[str] = []

    def wizard() -> Any:
        assert launcher.wizard is not None
        return launcher.wizard

    def ready() -> bool:
        found = launcher.wizard
        return bool(found and found.settings.ready and found.scenario.count())

    def shoot(name: str) -> Callable[[], bool]:
        def take() -> bool:
            app.processEvents()
            wizard().grab().save(str(out / f"wizard_{name}.png"))
            return True

        take.__name__ = f"shoot_{name}"
        return take

    def forward() -> bool:
        wizard().next()
        return True

    def fill(**texts: str) -> Callable[[], bool]:
        def typed() -> bool:
            for key, text in texts.items():
                wizard().settings.fields[key].set_text(text)
            return True

        return typed

    def ask_white_list() -> bool:
        settings = wizard().settings
        settings.fields["firm.nip"].set_text("526-025-02-74")
        settings.fill_from_white_list()
        return True

    def filled() -> bool:
        return bool(wizard().settings.fields["firm.name"].text())

    def owner() -> bool:
        wizard().owner_name.setText("Anna Nowak")
        wizard().owner_email.setText("anna.nowak@polmak.example.com")
        return True

    steps: list[Callable[[], bool]] = [ready, shoot("language"), forward]
    steps += [ask_white_list, filled, shoot("firm"), forward]
    steps += [fill(**{"firm.accounts": "PL61 1090 1014 0000 0712 1981 2874"})]
    steps += [shoot("account"), forward]
    steps += [
        fill(
            **{
                "smtp.host": "smtp.polmak.example.com",
                "smtp.user": "windykacja@polmak.example.com",
                "smtp.from": "windykacja@polmak.example.com",
            }
        ),
        shoot("email"),
        forward,
    ]
    steps += [shoot("sms"), forward, shoot("scenario"), forward, owner, shoot("owner"), forward]
    steps += [shoot("autostart"), forward, shoot("first_data")]
    drive(app, launcher, steps, failures)
    server.shutdown()
    if failures or steps:
        waiting = steps[0].__name__ if steps else "-"
        sys.stderr.write(f"screenshots incomplete (at {waiting}): " + "; ".join(failures) + "\n")
        return 1
    sys.stdout.write(f"saved wizard_*.png ({len(WIZARD_PAGES)} pages) in {out}\n")
    return 0


def report_shots(lang: str, out: Path) -> int:
    """The "Owed to us" window with debtors over 3 months, and its XLSX export as LibreOffice
    prints it."""
    import shutil
    import subprocess

    os.environ["INKASO_DATA_DIR"] = tempfile.mkdtemp(prefix="inkaso-screens-")
    sys.path.insert(0, str(ROOT))

    from PySide6.QtWidgets import QApplication

    from ui.app import Options, launch
    from ui.report.menu import open_report
    from ui.report.window import DAYS

    app = QApplication([sys.argv[0]])
    launcher = launch(Options(demo=True, lang=lang, today=TODAY), app)
    out.mkdir(parents=True, exist_ok=True)
    failures: list[str] = []
    state: dict[str, Any] = {}
    work = Path(tempfile.mkdtemp(prefix="inkaso-report-"))

    def window_ready() -> bool:
        window = launcher.window
        return bool(window is not None and not window.model.loading and window.model.rowCount())

    def open_window() -> bool:
        assert launcher.window is not None
        view = state["view"] = open_report(launcher.window)
        view.resize(1380, 820)
        state["loads"] = 0
        view.loaded.connect(lambda: state.__setitem__("loads", state["loads"] + 1))
        return True

    def first_load() -> bool:
        return bool(state["loads"] >= 1 and not state["view"].loading)

    def over_three_months() -> bool:
        view = state["view"]
        view.days.setCurrentIndex(next(n for n, (_t, d) in enumerate(DAYS) if d == 91))
        return True

    def filtered() -> bool:
        return bool(state["loads"] >= 2 and not state["view"].loading)

    def shoot_window() -> bool:
        app.processEvents()
        state["view"].grab().save(str(out / "report_window.png"))
        state["xlsx"] = work / "owed.xlsx"
        state["exported"] = False
        state["view"].exported.connect(lambda _p: state.__setitem__("exported", True))
        state["view"].export_to(state["xlsx"])
        return True

    def exported() -> bool:
        return bool(state["exported"])

    steps: list[Callable[[], bool]] = [
        window_ready,
        open_window,
        first_load,
        over_three_months,
        filtered,
        shoot_window,
        exported,
    ]
    drive(app, launcher, steps, failures)
    if failures or steps:
        waiting = steps[0].__name__ if steps else "-"
        sys.stderr.write(f"report screenshots incomplete (at {waiting}): {failures}\n")
        return 1
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        sys.stderr.write("LibreOffice is not installed: report_xlsx.png not taken\n")
        return 1
    profile = work / "profile"
    subprocess.run(
        [
            office,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(state["xlsx"]),
        ],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "110",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(work / "owed.pdf"),
            str(out / "report_xlsx"),
        ],
        check=True,
    )
    # the page is A4; the README shows the part with the sheet on it
    from PIL import Image, ImageChops

    shot = out / "report_xlsx.png"
    with Image.open(shot) as page:
        page = page.convert("RGB")
        box = ImageChops.invert(page).getbbox() or (0, 0, page.width, page.height)
        margin = 16
        page.crop(
            (
                max(box[0] - margin, 0),
                max(box[1] - margin, 0),
                min(box[2] + margin, page.width),
                min(box[3] + margin, page.height),
            )
        ).save(shot)
    sys.stdout.write(f"saved report_window.png and report_xlsx.png in {out}\n")
    return 0


def entry_shots(lang: str, out: Path) -> int:
    """New invoice and Record payment, filled in, for a demo debtor with several open invoices."""
    os.environ["INKASO_DATA_DIR"] = tempfile.mkdtemp(prefix="inkaso-screens-")
    sys.path.insert(0, str(ROOT))

    from PySide6.QtWidgets import QApplication

    from desktop_app.domain.money import format_amount
    from desktop_app.services import contractor_list, contractors, payments, views
    from ui.app import Options, launch
    from ui.entry.invoice_dialog import InvoiceDialog
    from ui.entry.payment_dialog import PaymentDialog

    app = QApplication([sys.argv[0]])
    launcher = launch(Options(demo=True, lang=lang, today=TODAY), app)
    out.mkdir(parents=True, exist_ok=True)
    failures: list[str] = []
    state: dict[str, Any] = {}

    def window_ready() -> bool:
        window = launcher.window
        return bool(window is not None and not window.model.loading and window.model.rowCount())

    def pick() -> bool:
        assert launcher.db is not None and launcher.window is not None
        ids = contractor_list.search_ids(
            launcher.db,
            today=TODAY,
            currency="PLN",
            sort="overdue",
            descending=True,
            limit=100,
        )
        for contractor_id in ids:
            preview = payments.preview_payment(launcher.db, contractor_id, TODAY, 0, "PLN")
            if 3 <= len(preview.lines) <= 7:
                state["contractor"] = contractor_id
                state["lines"] = preview.lines
                # a credit limit 5 000,00 above what is open: the new invoice passes it
                data = views.contractor_input(views.get_contractor(launcher.db, contractor_id))
                data.credit_limit_minor = sum(line.open_minor for line in preview.lines) + 500_000
                data.credit_limit_currency = "PLN"
                contractors.edit_contractor(launcher.db, contractor_id, data)
                return True
        failures.append("no debtor with 3 to 7 open instalments")
        return True

    def open_invoice() -> bool:
        assert launcher.window is not None
        dialog = launcher.window.entry.new_invoice(state["contractor"])
        state["invoice"] = dialog
        return True

    def fill_invoice() -> bool:
        dialog: InvoiceDialog = state["invoice"]
        if dialog.picker.current() is None or dialog.credit is None:
            return False
        dialog.number_edit.setText("FV/318/11/2026")
        dialog.instalments.amount_edit(0).setText(format_amount(615_000, "PLN"))
        dialog._add_instalment()
        dialog.instalments.amount_edit(1).setText(format_amount(615_000, "PLN"))
        dialog.resize(640, 660)
        return True

    def shoot_invoice() -> bool:
        dialog: InvoiceDialog = state["invoice"]
        app.processEvents()
        dialog.grab().save(str(out / "entry_invoice.png"))
        dialog.reject()
        return True

    def open_payment() -> bool:
        assert launcher.window is not None
        dialog = launcher.window.entry.record_payment(state["contractor"])
        state["payment"] = dialog
        return True

    def fill_payment() -> bool:
        dialog: PaymentDialog = state["payment"]
        if dialog.picker.current() is None:
            return False
        lines = state["lines"]
        # a transfer that pays the oldest in full and part of the next
        amount = lines[0].open_minor + lines[1].open_minor // 2
        dialog.amount_edit.setText(format_amount(amount, "PLN"))
        dialog.title_edit.setText(
            f"Zapłata za {lines[0].invoice_number}, {lines[1].invoice_number}"
        )
        state["amount"] = amount
        return True

    def payment_ready() -> bool:
        dialog: PaymentDialog = state["payment"]
        preview = dialog.preview
        return preview is not None and preview.amount_minor == state["amount"]

    def shoot_payment() -> bool:
        dialog: PaymentDialog = state["payment"]
        dialog.resize(720, 640)
        app.processEvents()
        dialog.grab().save(str(out / "entry_payment.png"))
        dialog.reject()
        return True

    steps: list[Callable[[], bool]] = [
        window_ready,
        pick,
        open_invoice,
        fill_invoice,
        shoot_invoice,
        open_payment,
        fill_payment,
        payment_ready,
        shoot_payment,
    ]
    drive(app, launcher, steps, failures)
    if failures or steps:
        waiting = steps[0].__name__ if steps else "-"
        sys.stderr.write(f"screenshots incomplete (at {waiting}): " + "; ".join(failures) + "\n")
        return 1
    sys.stdout.write(f"saved the entry screenshots in {out}\n")
    return 0


def template_shots(lang: str, out: Path) -> int:
    """The simple template editor on the overdue SMS, then with a sentence in a condition."""
    os.environ["INKASO_DATA_DIR"] = tempfile.mkdtemp(prefix="inkaso-screens-")
    sys.path.insert(0, str(ROOT))

    from PySide6.QtGui import QTextCursor
    from PySide6.QtWidgets import QApplication

    from desktop_app.messaging import template_blocks as tb
    from ui.app import Options, launch
    from ui.dunning import editors_menu
    from ui.dunning.template_editor import TemplateEditor

    app = QApplication([sys.argv[0]])
    launcher = launch(Options(demo=True, lang=lang, today=TODAY), app)
    out.mkdir(parents=True, exist_ok=True)
    failures: list[str] = []
    state: dict[str, Any] = {}
    state["wanted"] = ("escalation/email_overdue", lang)

    def window_ready() -> bool:
        window = launcher.window
        return bool(window is not None and not window.model.loading and window.model.rowCount())

    def open_editor() -> bool:
        assert launcher.window is not None
        editor = editors_menu.open_templates(launcher.window)
        editor.resize(1380, 760)
        state["editor"] = editor
        return True

    def loaded() -> bool:
        editor: TemplateEditor = state["editor"]
        if not editor.template_list.topLevelItemCount():
            return False
        current, wanted = editor._loaded, state["wanted"]
        if current is None or (current.name, current.language) != wanted:
            editor.select_template(*wanted)
            return False
        return bool(editor.preview_plain_text())

    def open_sms() -> bool:
        state["wanted"] = ("sms-classic/sms_overdue", lang)
        return True

    def shoot_simple() -> bool:
        editor: TemplateEditor = state["editor"]
        app.processEvents()
        editor.grab().save(str(out / "template_simple.png"))
        return True

    def wrap_last_sentence() -> bool:
        editor: TemplateEditor = state["editor"]
        simple = editor.simple_edit
        simple.moveCursor(QTextCursor.MoveOperation.End)
        simple.moveCursor(QTextCursor.MoveOperation.StartOfBlock, QTextCursor.MoveMode.KeepAnchor)
        if not simple.textCursor().hasSelection():
            simple.moveCursor(QTextCursor.MoveOperation.PreviousBlock)
            simple.moveCursor(QTextCursor.MoveOperation.StartOfBlock)
            simple.moveCursor(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
        simple.wrap_in_condition("invoice_count")
        # in the "several invoices" variant, before its end marker: the total
        cursor = simple.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.Left)
        simple.setTextCursor(cursor)
        simple.insertPlainText(" ")
        simple.insert_piece(tb.Field("amount_due"))
        editor.field_button.setFocus()
        return True

    def previewed() -> bool:
        editor: TemplateEditor = state["editor"]
        # the preview of the new wording has arrived (the total is in its last line)
        return (
            "{{ totals|money }}" in editor.text_edit.toPlainText() and editor._rendered is not None
        )

    def shoot_condition() -> bool:
        editor: TemplateEditor = state["editor"]
        app.processEvents()
        editor.grab().save(str(out / "template_condition.png"))
        editor._loaded = None  # close without asking to save the screenshot's edit
        editor.close()
        return True

    steps: list[Callable[[], bool]] = [
        window_ready,
        open_editor,
        loaded,
        shoot_simple,
        open_sms,
        loaded,
        wrap_last_sentence,
        previewed,
        shoot_condition,
    ]
    drive(app, launcher, steps, failures)
    if failures or steps:
        waiting = steps[0].__name__ if steps else "-"
        sys.stderr.write(f"screenshots incomplete (at {waiting}): " + "; ".join(failures) + "\n")
        return 1
    sys.stdout.write(f"saved the template screenshots in {out}\n")
    return 0


def users_shots(lang: str, out: Path) -> int:
    """Tools → Users… with one account manager away, and that user's absence dialog."""
    os.environ["INKASO_DATA_DIR"] = tempfile.mkdtemp(prefix="inkaso-screens-")
    sys.path.insert(0, str(ROOT))

    from PySide6.QtWidgets import QApplication

    from desktop_app.services import users
    from desktop_app.services.users import UserInput
    from ui.app import Options, launch
    from ui.users.menu import open_users

    app = QApplication([sys.argv[0]])
    launcher = launch(Options(demo=True, lang=lang, today=TODAY), app)
    out.mkdir(parents=True, exist_ok=True)
    failures: list[str] = []
    state: dict[str, Any] = {}

    def window_ready() -> bool:
        window = launcher.window
        return bool(window is not None and not window.model.loading and window.model.rowCount())

    def set_up() -> bool:
        db = launcher.db
        assert db is not None
        # the demo's people are its account managers; an office also has an owner and books
        staff = users.list_users(db)
        for login, name, role in (
            ("jkowalski", "Jan Kowalski", "owner"),
            ("emazur", "Ewa Mazur", "bookkeeper"),
        ):
            email = f"{name.split()[0].lower()}.{login[1:]}@elmax.example.com"
            users.add_user(db, UserInput(login, name, email, "600 100 200", role))
        away, deputy = staff[0], staff[1]
        users.set_absence(db, away.id, TODAY, TODAY + dt.timedelta(days=11), deputy.id)
        state["away"] = away.id
        return True

    def open_window() -> bool:
        assert launcher.window is not None
        view = state["view"] = open_users(launcher.window)
        view.resize(1280, 360)
        state["loaded"] = False
        view.loaded.connect(lambda: state.__setitem__("loaded", True))
        return True

    def loaded() -> bool:
        return bool(state["loaded"])

    def shoot_window() -> bool:
        view = state["view"]
        view.select_user(state["away"])
        app.processEvents()
        view.grab().save(str(out / "users.png"))
        return True

    def shoot_absence() -> bool:
        dialog = state["view"].ask_absence()
        app.processEvents()
        dialog.grab().save(str(out / "absence.png"))
        dialog.reject()
        return True

    steps: list[Callable[[], bool]] = [
        window_ready,
        set_up,
        open_window,
        loaded,
        shoot_window,
        shoot_absence,
    ]
    drive(app, launcher, steps, failures)
    if failures or steps:
        waiting = steps[0].__name__ if steps else "-"
        sys.stderr.write(f"screenshots incomplete (at {waiting}): " + "; ".join(failures) + "\n")
        return 1
    sys.stdout.write(f"saved users.png and absence.png in {out}\n")
    return 0


SENDING_DAY = dt.date(2026, 11, 23)


def sending_shots(lang: str, out: Path) -> int:
    """Outbox, settings and tray menu over a demo database after one real dunning run."""
    os.environ["INKASO_DATA_DIR"] = tempfile.mkdtemp(prefix="inkaso-screens-")
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    sys.path.insert(0, str(ROOT))
    import contextlib
    import io
    import socket

    from aiosmtpd.controller import Controller

    from desktop_app.cli.main import main as cli

    class Handler:
        """Accepts mail, but answers a few addresses as a busy or unknown mailbox would."""

        count = 0

        async def handle_RCPT(self, server, session, envelope, address, options):  # type: ignore[no-untyped-def]
            Handler.count += 1
            if Handler.count % 41 == 0:
                return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
            if Handler.count % 29 == 0:
                return "451 4.2.0 Mailbox busy, try again later"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
            return "250 2.0.0 Ok: queued"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    smtp = Controller(Handler(), hostname="127.0.0.1", port=port)
    smtp.start()
    folder = Path(tempfile.mkdtemp(prefix="inkaso-shots-"))
    db_path = folder / "shots.db"

    def run(*words: str) -> None:
        with contextlib.redirect_stdout(io.StringIO()):
            code = cli(["--db", str(db_path), *words])
        if code != 0:
            raise SystemExit(f"inkaso {' '.join(words)} failed with {code}")

    try:
        run("demo", "--contractors", "300", "--invoices", "5000", "--seed", "7",
            "--today", "2026-11-22")  # fmt: skip
        for key, value in (
            ("smtp.host", "127.0.0.1"),
            ("smtp.port", str(port)),
            ("smtp.security", "plain"),
            ("smtp.from", "windykacja@elmax.example.com"),
            ("notice.recipients", "zarzad@elmax.example.com"),
        ):
            run("config", "set", key, value)
        run("dunning", "run", "--today", SENDING_DAY.isoformat())
    finally:
        smtp.stop()

    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QApplication

    from desktop_app.services.dunning.outbox import STATUSES
    from ui.app import Options, launch
    from ui.dunning.outbox_view import OutboxWindow
    from ui.dunning.settings_dialog import SettingsDialog
    from ui.dunning.tray import SendingTray

    app = QApplication([sys.argv[0]])
    options = Options(db=str(db_path), lang=lang, today=SENDING_DAY, scheduler=False)
    launcher = launch(options, app)
    out.mkdir(parents=True, exist_ok=True)
    state: dict[str, object] = {}
    failures: list[str] = []

    def window_ready() -> bool:
        return launcher.window is not None and not launcher.window.model.loading

    def open_outbox() -> bool:
        assert launcher.window is not None
        state["outbox"] = launcher.window.sending.open_outbox()
        return True

    def outbox_ready() -> bool:
        view = state["outbox"]
        assert isinstance(view, OutboxWindow)
        return not view.loading and view.model.rowCount() > 0

    def shoot_outbox() -> bool:
        view = state["outbox"]
        assert isinstance(view, OutboxWindow)
        # a failed message chosen, so the preview shows the server's answer beside the text
        for row in range(view.model.rowCount()):
            if view.model.message(row).status in ("failed_permanently", "failed"):
                view.select_message(view.model.message(row).id)
                break
        view.table.scrollTo(view.table.currentIndex())
        app.processEvents()
        view.grab().save(str(out / "outbox.png"))
        counts = {s: 0 for s in STATUSES}
        for row in range(view.model.rowCount()):
            counts[view.model.message(row).status] += 1
        sys.stdout.write(f"outbox: {counts}\n")
        view.close()
        return True

    def open_settings() -> bool:
        assert launcher.window is not None
        dialog = launcher.window.sending.open_settings("email")
        state["settings"] = dialog
        return True

    def shoot_settings() -> bool:
        dialog = state["settings"]
        assert isinstance(dialog, SettingsDialog)
        if not dialog.ready:
            return False
        dialog.test_result_email.setText("")
        app.processEvents()
        dialog.grab().save(str(out / "settings.png"))
        dialog.reject()
        return True

    def open_tray_menu() -> bool:
        assert launcher.window is not None
        tray = SendingTray(launcher.window.sending, parent=launcher.window)
        state["tray"] = tray
        launcher.window.scheduler.refresh()
        return True

    def shoot_tray_menu() -> bool:
        tray = state["tray"]
        assert isinstance(tray, SendingTray)
        if tray.controller.bridge.status is None:
            return False
        tray.update_state()
        tray.menu.popup(QPoint(200, 200))
        app.processEvents()
        tray.menu.grab().save(str(out / "tray_menu.png"))
        tray.menu.hide()
        return True

    steps = [
        window_ready,
        open_outbox,
        outbox_ready,
        shoot_outbox,
        open_settings,
        shoot_settings,
        open_tray_menu,
        shoot_tray_menu,
    ]

    drive(app, launcher, steps, failures)
    if failures or steps:
        waiting = steps[0].__name__ if steps else "-"
        sys.stderr.write(f"screenshots incomplete (at {waiting}): " + "; ".join(failures) + "\n")
        return 1
    sys.stdout.write(f"saved outbox.png, settings.png and tray_menu.png in {out}\n")
    return 0


def help_shots(lang: str, out: Path) -> int:
    """About, Keyboard shortcuts and the quick-find popup on the demo."""
    os.environ["INKASO_DATA_DIR"] = tempfile.mkdtemp(prefix="inkaso-screens-")
    sys.path.insert(0, str(ROOT))

    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from ui.app import Options, launch
    from ui.help_menu import AboutDialog, ShortcutsDialog

    app = QApplication([sys.argv[0]])
    launcher = launch(Options(demo=True, lang=lang, today=TODAY, scheduler=False), app)
    out.mkdir(parents=True, exist_ok=True)
    failures: list[str] = []
    state: dict[str, Any] = {}

    def window_ready() -> bool:
        window = launcher.window
        return bool(window is not None and not window.model.loading and window.model.rowCount())

    def shoot_about() -> bool:
        assert launcher.window is not None and launcher.db is not None
        about = AboutDialog(str(Path(os.environ["INKASO_DATA_DIR"]) / "demo.db"), launcher.window)
        about.show()
        app.processEvents()
        about.grab().save(str(out / "about.png"))
        about.close()
        return True

    def shoot_shortcuts() -> bool:
        assert launcher.window is not None
        page = ShortcutsDialog(launcher.window)
        page.show()
        app.processEvents()
        page.grab().save(str(out / "shortcuts.png"))
        page.close()
        return True

    def type_quick_find() -> bool:
        assert launcher.window is not None
        window = launcher.window
        window.move(0, 0)
        window.raise_()
        window.activateWindow()
        window.quick_find.focus()
        QTest.keyClicks(window.quick_find, "bud")
        return True

    def popup_ready() -> bool:
        assert launcher.window is not None
        popup = launcher.window.quick_find.completer().popup()
        if popup is None or not popup.isVisible():
            return False
        state["waited"] = state.get("waited", 0) + 1
        return bool(state["waited"] > 4)  # a few frames: the popup painted

    def shoot_quick_find() -> bool:
        assert launcher.window is not None
        # the right half of the window, where the box and its popup are
        frame = launcher.window.frameGeometry()
        screen = app.primaryScreen()
        left = frame.x() + frame.width() - 900
        shot = screen.grabWindow(0, left, frame.y(), 900, 400)
        shot.save(str(out / "quick_find.png"))
        return True

    steps: list[Callable[[], bool]] = [
        window_ready,
        shoot_about,
        shoot_shortcuts,
        type_quick_find,
        popup_ready,
        shoot_quick_find,
    ]
    drive(app, launcher, steps, failures)
    if failures or steps:
        waiting = steps[0].__name__ if steps else "-"
        sys.stderr.write(f"screenshots incomplete (at {waiting}): " + "; ".join(failures) + "\n")
        return 1
    sys.stdout.write(f"saved about.png, shortcuts.png and quick_find.png in {out}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
