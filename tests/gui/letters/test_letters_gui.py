"""Letters in the GUI: the queue a dunning run fills, Letter… from the card, the interest
calculator, the letterhead. Real database, real dunning run, PDFs read back with pypdf."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtGui import QColor, QImage
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QTreeWidgetItem
from pytestqt.qtbot import QtBot

from db.uow import Database
from desktop_app.domain.interest import InterestKind
from desktop_app.domain.rates import RateKind
from desktop_app.services import letter_queue, letterhead, rates
from desktop_app.services.firm import FirmInput, save_firm
from tests.conftest import Cli
from tests.gui.conftest import shown_main_window
from tests.helpers import contractor, invoice
from tests.integration.dunning_env import DunningEnv, dunning_env
from tests.integration.letter_step import with_letter_step
from ui import formatting
from ui.card.contractor_card import ContractorCardWindow, LetterRole
from ui.letters.calculator import InterestCalculator
from ui.letters.pdf_view import print_pages
from ui.letters.queue_view import LettersQueueWindow
from ui.letters.settings_page import LetterSettingsDialog
from ui.operations import Operations

D = dt.date
# The offscreen platform cannot resize or raise real windows; Qt says so.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support")


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))


@pytest.fixture
def env(db: Database, db_path: Path, cli: Cli) -> Iterator[DunningEnv]:
    with dunning_env(db, db_path, cli) as environment:
        yield environment


def test_queue_shows_the_dunning_letter_previews_prints_and_marks_it_registered(
    qtbot: QtBot, env: DunningEnv, ops: Operations, tmp_path: Path
) -> None:
    with_letter_step(env, tmp_path)
    env.run("2024-03-11")
    day = D(2024, 3, 12)
    window = LettersQueueWindow(env.db, ops, today=lambda: day)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.previewed, timeout=10_000):
        window.show()
    assert window.tree.topLevelItemCount() == 1
    item = window.tree.topLevelItem(0)
    assert item is not None and item.text(1) == "Gęśla Jaźń Sp. j."
    assert window.preview.document.pageCount() > 0
    assert "FV/7/2024" in pdf_text(window.preview.pdf)

    # printing paints the preview's pages on the printer (here a PDF file)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printer.setResolution(100)
    assert print_pages(window.preview.document, printer) == window.preview.document.pageCount()
    assert len(PdfReader(tmp_path / "printed.pdf").pages) == window.preview.document.pageCount()

    letter = window.selected_letter()
    assert letter is not None
    dialog = window.ask_registered()
    assert dialog is not None and dialog.day.value() == day
    with qtbot.waitSignal(window.loaded, timeout=10_000):
        dialog.accept()
    assert window.tree.topLevelItemCount() == 0  # posted: off the list
    [done] = letter_queue.list_queue(env.db, include_done=True)
    assert done.sent_registered_on == day


def test_letter_from_the_card_produces_the_pdf_and_keeps_it(
    qtbot: QtBot, db: Database, ops: Operations
) -> None:
    save_firm(
        db,
        FirmInput(
            "Hurtownia Pol-Mak", nip="7740001454", street="ul. Fabryczna 5",
            postal_code="00-001", city="Warszawa",
            accounts=[("61 1090 1014 0000 0712 1981 2874", "PLN")],
        ),
    )  # fmt: skip
    cid = contractor(db, "Łódzkie Zakłady Mięsne Sp. z o.o.", nip="5252248481", city="Łódź")
    invoice(db, cid, "FV/11/2024", D(2024, 2, 1), (D(2024, 2, 15), 98_765))
    today = D(2024, 4, 2)
    card = ContractorCardWindow(db, ops, cid, today=lambda: today)
    qtbot.addWidget(card)
    card.reload(show_when_loaded=True)
    qtbot.waitUntil(card.letter_button.isEnabled, timeout=10_000)
    dialog = card.open_letter()
    assert dialog is not None
    qtbot.addWidget(dialog)
    qtbot.waitSignal(dialog.checked, timeout=10_000).wait()
    # no registered demand a month earlier: the debtor-register warning is offered disabled
    assert not dialog.is_allowed("big")
    assert "registered" in dialog.reason("big")
    assert dialog.is_allowed("demand")
    dialog.choose("demand")
    with qtbot.waitSignal(dialog.previewed, timeout=10_000):
        dialog.make_preview()
    assert dialog.letter is not None
    text = pdf_text(dialog.letter.pdf)
    assert "FV/11/2024" in text and "Łódzkie Zakłady Mięsne" in text and "987,65" in text
    assert dialog.preview.document.pageCount() > 0
    with qtbot.waitSignal(dialog.kept, timeout=10_000):
        dialog.keep()
    [queued] = letter_queue.list_queue(db)
    assert (queued.contractor_id, queued.document) == (cid, "demand")
    assert letter_queue.queued_pdf(db, queued.id) == dialog.letter.pdf
    # the card's activity log has the letter, and opens its PDF
    tree = card.activity_tree

    def letter_entries() -> list[QTreeWidgetItem]:
        items = (tree.topLevelItem(n) for n in range(tree.topLevelItemCount()))
        return [i for i in items if i is not None and i.data(0, LetterRole) is not None]

    qtbot.waitUntil(lambda: len(letter_entries()) == 1, timeout=10_000)
    [item] = letter_entries()
    assert item.data(0, LetterRole) == queued.id
    viewer = card.open_logged(item)
    assert viewer is not None
    qtbot.addWidget(viewer)
    qtbot.waitUntil(lambda: viewer.preview.document.pageCount() > 0, timeout=10_000)
    assert viewer.preview.pdf == dialog.letter.pdf


def test_calculator_shows_the_hand_checked_acceptance_total(
    qtbot: QtBot, db: Database, ops: Operations
) -> None:
    """10,000.00 PLN due Friday 2024-03-15, paid 2024-09-30, commercial interest: 2024 had
    15.75 % in both half-years (NBP reference 5.75 % + 10 pp), so 199 days (16 March - 30
    September) x 15.75 % x 10,000.00 / 365 = 858.698 -> 858.70 PLN."""
    calculator = InterestCalculator(db, ops, today=lambda: D(2026, 12, 1))
    qtbot.addWidget(calculator)
    calculator.show()
    calculator.amount.setText("10000")
    calculator.due.set_value(D(2024, 3, 15))
    calculator.paid.setChecked(True)
    calculator.until.set_value(D(2024, 9, 30))
    calculator.set_kind(InterestKind.COMMERCIAL)
    with qtbot.waitSignal(calculator.calculated, timeout=10_000):
        calculator.calculate_button.click()
    assert calculator.outcome is not None
    assert (calculator.outcome.total_minor, calculator.outcome.days) == (85_870, 199)
    assert calculator.total.text() == formatting.money(85_870, "PLN")
    assert calculator.table.topLevelItemCount() >= 1


def test_letterhead_page_stores_the_logo_and_signature(
    qtbot: QtBot, db: Database, ops: Operations, tmp_path: Path
) -> None:
    save_firm(db, FirmInput("Hurtownia Pol-Mak", street="ul. Fabryczna 5", city="Warszawa"))
    image = QImage(120, 40, QImage.Format.Format_RGB32)
    image.fill(QColor("#1f4e79"))
    logo = tmp_path / "logo.png"
    assert image.save(str(logo))
    page = LetterSettingsDialog(db, ops, today=lambda: D(2026, 12, 1))
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.show()
    assert "Hurtownia Pol-Mak" in page.firm_label.text()
    assert page.rates.topLevelItemCount() > 0  # the commercial table with its statuses
    assert page.rates.topLevelItem(0).text(2) in ("[V]", "[D]", "[U]")  # type: ignore[union-attr]
    assert page.load_logo_file(logo)
    page.signature.setPlainText("Jan Kowalski\nPrezes Zarządu")
    with qtbot.waitSignal(page.saved, timeout=10_000):
        page.save()
    stored = letterhead.get_letterhead(db)
    assert stored is not None
    assert stored.logo == logo.read_bytes() and stored.logo_mime == "image/png"
    assert stored.signature == "Jan Kowalski\nPrezes Zarządu"


def test_rates_page_adds_the_next_half_years_commercial_rate(
    qtbot: QtBot, db: Database, ops: Operations
) -> None:
    page = LetterSettingsDialog(db, ops, today=lambda: D(2026, 12, 1))
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.show()
    shipped = [r.row.start for r in rates.list_rates(db, [RateKind.COMMERCIAL])]
    following = max(shipped) + dt.timedelta(days=184)
    following = D(following.year, 1 if following.month <= 6 else 7, 1)
    assert page.new_start.value() == following  # the half-year after the table's last row
    page.new_rate.setText("14,25")
    page.new_source.setText("obwieszczenie MF")
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.add_button.click()
    added = [r.row for r in rates.list_rates(db, [RateKind.COMMERCIAL]) if r.row.added_by_user]
    assert [(r.start, str(r.rate), r.source) for r in added] == [
        (following, "14.25", "obwieszczenie MF")
    ]
    last = page.rates.topLevelItem(page.rates.topLevelItemCount() - 1)
    assert last is not None and last.text(1) == "14.25" and last.text(2) == "[V]"


def test_letter_for_the_contractor_chosen_in_the_main_list(
    qtbot: QtBot, db: Database, ops: Operations
) -> None:
    save_firm(db, FirmInput("Hurtownia Pol-Mak", city="Warszawa"))
    contractor(db, "Alfa Sp. z o.o.")
    beta = contractor(db, "Beta S.A.")
    invoice(db, beta, "FV/2/2024", D(2024, 2, 1), (D(2024, 2, 15), 10_000))
    main = shown_main_window(qtbot, db, ops, D(2024, 4, 2), rows=2)
    row = next(r for r in range(main.model.rowCount()) if main.model.contractor_id(r) == beta)
    main.table.setCurrentIndex(main.model.index(row, 0))
    dialog = main.letter_for_current()
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert dialog.contractor_id == beta and "Beta S.A." in dialog.windowTitle()
    qtbot.waitSignal(dialog.checked, timeout=10_000).wait()
    with qtbot.waitSignal(dialog.previewed, timeout=10_000):
        dialog.make_preview()
    assert dialog.letter is not None and "FV/2/2024" in pdf_text(dialog.letter.pdf)
