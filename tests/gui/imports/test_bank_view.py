"""View → Bank: a payment nothing matched is matched by hand, the main list's overdue amount
changes at once, and Undo puts it back; an automatic match shows why and can be unmatched."""

from __future__ import annotations

import datetime as dt

import pytest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from db.uow import Database
from desktop_app.domain.money import format_money
from desktop_app.importers.records import BankLine, Where
from desktop_app.services import bank
from tests.gui.conftest import OFFSCREEN_NOISE, shown_main_window
from tests.gui.imports.conftest import FIRM_ACCOUNT, TODAY
from tests.helpers import contractor, invoice
from ui.bank.bank_view import BankWindow
from ui.bank.menu import open_bank
from ui.main_window import MainWindow
from ui.models.contractors_model import COLUMN
from ui.operations import Operations

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)
D = dt.date


def _line(amount: int, title: str, reference: str, **kw: object) -> BankLine:
    return BankLine(
        where=Where("wyciąg_listopad.sta", 4),
        account=FIRM_ACCOUNT,
        date=D(2026, 11, 20),
        amount_minor=amount,
        currency="PLN",
        title=title,
        reference=reference,
        **kw,  # type: ignore[arg-type]
    )


@pytest.fixture
def book(firm_db: Database) -> dict[str, int]:
    """Two debtors with overdue invoices; one transfer names an invoice, one names nothing."""
    zebra = contractor(firm_db, "Żebrowski i Wspólnicy Sp. j.", "7740001454")
    lecki = contractor(firm_db, "Zakład Usługowy Łęcki", "1132853869")
    invoice(firm_db, zebra, "FV/7/10/2026", D(2026, 10, 1), (D(2026, 10, 15), 50_000))
    invoice(firm_db, lecki, "FV/9/10/2026", D(2026, 10, 2), (D(2026, 10, 16), 80_000))
    with firm_db.write() as session:
        counts = bank.record_bank_lines(
            session,
            [
                _line(50_000, "Zapłata za FV 7/10/2026", "REF-1", payer_name="Żebrowski"),
                _line(80_000, "przelew za usługę", "REF-2", payer_name="Jan Łęcki"),
            ],
            today=TODAY,
        )
    assert (counts.matched, counts.left_for_person) == (1, 1)
    return {"zebra": zebra, "lecki": lecki}


@pytest.fixture
def window(qtbot: QtBot, firm_db: Database, ops: Operations, book: dict[str, int]) -> MainWindow:
    return shown_main_window(qtbot, firm_db, ops, TODAY, rows=2)


def _overdue(window: MainWindow, contractor_id: int) -> str:
    row = window.model.row_of(contractor_id)
    assert row is not None
    return str(window.model.index(row, COLUMN["overdue"]).data())


def _bank(qtbot: QtBot, window: MainWindow) -> BankWindow:
    view = open_bank(window)
    qtbot.waitUntil(lambda: not view.loading)
    return view


def test_a_payment_matched_by_hand_changes_the_list_at_once_and_undo_restores_it(
    qtbot: QtBot,
    window: MainWindow,
    book: dict[str, int],
    qtmodeltester: ModelTester,
) -> None:
    lecki = book["lecki"]
    assert _overdue(window, lecki) == format_money(80_000, "PLN")
    card = window.open_card(lecki)
    qtbot.waitUntil(lambda: card.card is not None and card.isVisible())
    assert card.overdue_labels["PLN"].text() == format_money(80_000, "PLN")
    view = _bank(qtbot, window)
    qtmodeltester.check(view.waiting_model)
    qtmodeltester.check(view.matched_model)
    assert view.waiting_model.rowCount() == 1
    waiting = view.waiting_payment()
    assert waiting is not None and waiting.title == "przelew za usługę"
    assert view.waiting_model.index(0, 2).data() == "Jan Łęcki"
    assert view.headline.text() == "1 payment from the bank waits for a person."

    dialog = view.match_other()
    assert dialog is not None
    with qtbot.waitSignal(dialog.searched):
        dialog.search.setText("Łęcki")
    qtmodeltester.check(dialog.model)
    assert [dialog.model.row(r).texts[0] for r in range(dialog.model.rowCount())] == [
        "FV/9/10/2026"
    ]
    assert dialog.amount.minor() == 80_000  # all of the payment, all the invoice owes
    with qtbot.waitSignal(view.saved):
        dialog.accept()

    # the list and the open card hear of it through the one 'changed' signal: nothing overdue
    qtbot.waitUntil(lambda: _overdue(window, lecki) == format_money(0, "PLN"))
    qtbot.waitUntil(lambda: not card.overdue_labels)  # the card says there is nothing to pay
    qtbot.waitUntil(lambda: not view.loading and view.waiting_model.rowCount() == 0)
    assert "Every payment" in view.headline.text()
    assert view.matched_model.row_of(waiting.id) is not None
    assert view.undo_button.isVisible()

    with qtbot.waitSignal(view.saved):
        view.undo_button.click()
    qtbot.waitUntil(lambda: _overdue(window, lecki) == format_money(80_000, "PLN"))
    qtbot.waitUntil(
        lambda: (
            "PLN" in card.overdue_labels
            and card.overdue_labels["PLN"].text() == format_money(80_000, "PLN")
        )
    )
    qtbot.waitUntil(lambda: not view.loading and view.waiting_model.rowCount() == 1)
    assert view.waiting_model.row(0).id == waiting.id
    assert not view.undo_button.isVisible()
    view.close()


def test_an_automatic_match_says_why_and_can_be_unmatched(
    qtbot: QtBot, window: MainWindow, book: dict[str, int], qtmodeltester: ModelTester
) -> None:
    zebra = book["zebra"]
    assert _overdue(window, zebra) == format_money(0, "PLN")
    view = _bank(qtbot, window)
    assert view.matched_model.rowCount() == 1
    assert view.choose_matched(view.matched_model.row(0).id)
    assert view.reasons.text() == (
        "Matched automatically because: invoice number FV/7/10/2026 in the title."
    )
    assert "invoice number FV/7/10/2026" in view.matched_model.index(0, 6).data()
    assert view.matched_model.index(0, 5).data() == "FV/7/10/2026"

    with qtbot.waitSignal(view.saved):
        view.unmatch_button.click()
    qtbot.waitUntil(lambda: _overdue(window, zebra) == format_money(50_000, "PLN"))
    qtbot.waitUntil(lambda: not view.loading and view.waiting_model.rowCount() == 2)
    # the unmatched transfer waits again, the invoice its title names suggested with the reason
    assert view.matched_model.rowCount() == 0
    waiting = next(r for r in view.waiting_model.rows() if r.texts[4] == "Zapłata za FV 7/10/2026")
    assert view.choose_waiting(int(str(waiting.id)))
    assert view.waiting_model.index(view.waiting_model.row_of(waiting.id) or 0, 5).data() == (
        "fits an invoice now"
    )
    qtmodeltester.check(view.suggestions_model)
    assert [s.invoice_number for s in view.suggestions()] == ["FV/7/10/2026"]
    assert view.suggestions_model.index(0, 3).data() == "invoice number FV/7/10/2026 in the title"
    with qtbot.waitSignal(view.saved):
        view.match_button.click()
    qtbot.waitUntil(lambda: _overdue(window, zebra) == format_money(0, "PLN"))
    qtbot.waitUntil(lambda: not view.loading and view.waiting_model.rowCount() == 1)

    with qtbot.waitSignal(view.saved):
        view.undo()
    qtbot.waitUntil(lambda: _overdue(window, zebra) == format_money(50_000, "PLN"))
    qtbot.waitUntil(lambda: not view.loading and view.waiting_model.rowCount() == 2)
    view.close()


def test_the_rules_match_again_what_an_invoice_now_fits(
    qtbot: QtBot, window: MainWindow, book: dict[str, int]
) -> None:
    zebra = book["zebra"]
    view = _bank(qtbot, window)
    assert not view.rules_button.isEnabled()  # the one waiting payment fits nothing
    assert view.choose_matched(view.matched_model.row(0).id)
    with qtbot.waitSignal(view.saved):
        view.unmatch()
    qtbot.waitUntil(lambda: not view.loading and view.rules_button.isEnabled())

    with qtbot.waitSignal(view.saved):
        view.rules_button.click()
    assert view.undo_text.text() == "1 payment matched by the rules; see why on the Matched tab."
    assert not view.undo_button.isVisible()
    qtbot.waitUntil(lambda: _overdue(window, zebra) == format_money(0, "PLN"))
    qtbot.waitUntil(lambda: not view.loading and view.waiting_model.rowCount() == 1)
    assert view.choose_matched(view.matched_model.row(0).id)
    assert view.reasons.text() == (
        "Matched automatically because: invoice number FV/7/10/2026 in the title."
    )
    view.close()
