"""The contractor card: header totals in red, instalments with what is still open, payments, log."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem
from pytestqt.qtbot import QtBot

from db.uow import Database
from desktop_app.changes import Change
from desktop_app.domain.money import format_money
from desktop_app.i18n import set_language
from desktop_app.services import payments
from tests.gui.conftest import OFFSCREEN_NOISE
from tests.gui.receivables.conftest import TODAY, Ledger
from ui import theme
from ui.card.contractor_card import ContractorCardWindow
from ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)

NUMBER, KIND, ISSUED, DUE, AMOUNT, OPEN, DAYS, STATUS = range(8)


def _open(qtbot: QtBot, window: MainWindow, contractor_id: int) -> ContractorCardWindow:
    card = window.open_card(contractor_id)
    qtbot.waitUntil(lambda: card.card is not None and card.isVisible())
    return card


def _top(tree: QTreeWidget, text: str) -> QTreeWidgetItem:
    for i in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(i)
        if item is not None and item.text(0) == text:
            return item
    raise AssertionError(f"{text} not in the list")


def _pln(minor: int) -> str:
    return format_money(minor, "PLN")


def test_header_shows_who_and_the_overdue_total_in_red(
    qtbot: QtBot, window: MainWindow, ledger: Ledger
) -> None:
    card = _open(qtbot, window, ledger.alfa)
    assert card.name_label.text() == "Alfa Sp. z o.o."
    details = card.details_label.text()
    for fragment in (
        "5260250274",
        "ul. Długa 5, 00-238 Warszawa",
        "biuro@alfa.pl",
        "+48 501 234 567",
    ):
        assert fragment in details
    overdue = card.overdue_labels["PLN"]
    assert overdue.text() == _pln(90_000)
    assert overdue.palette().color(QPalette.ColorRole.WindowText) == theme.overdue_text()
    assert overdue.font().pointSizeF() > card.font().pointSizeF() * 1.5
    assert card.open_labels["PLN"].text().endswith(_pln(120_000))
    assert "PLN" not in card.credit_labels
    assert card.tabs.tabText(0) == "Invoices (2)"


def test_invoices_list_instalments_with_open_amounts_after_a_partial_payment(
    qtbot: QtBot, window: MainWindow, ledger: Ledger
) -> None:
    card = _open(qtbot, window, ledger.alfa)
    tree = card.invoices_tree
    highlighted = theme.overdue_row()

    first = _top(tree, "FV/1/2026")
    assert first.text(AMOUNT) == _pln(100_000)
    assert first.text(OPEN) == _pln(60_000)  # 400,00 of the payment went here
    assert first.text(DAYS) == str((TODAY - TODAY.replace(month=9, day=15)).days)
    assert first.text(STATUS) == "Partly paid, overdue"
    assert first.background(NUMBER).color() == highlighted

    split = _top(tree, "FV/2/2026")
    assert split.childCount() == 2 and split.isExpanded()
    assert split.text(OPEN) == _pln(60_000)
    one, two = split.child(0), split.child(1)
    assert one is not None and two is not None
    assert one.text(NUMBER) == "Instalment 1 of 2"
    assert (one.text(OPEN), one.text(DAYS)) == (_pln(30_000), "38")
    assert one.background(NUMBER).color() == highlighted
    assert (two.text(OPEN), two.text(DAYS), two.text(STATUS)) == (
        _pln(30_000),
        "",
        "Unpaid, due in 8 days",
    )
    assert two.background(NUMBER).color() != highlighted


def test_payments_show_their_allocations_and_the_log_its_entries(
    qtbot: QtBot, window: MainWindow, ledger: Ledger
) -> None:
    card = _open(qtbot, window, ledger.alfa)
    payments_tree = card.payments_tree
    assert payments_tree.topLevelItemCount() == 1
    payment = payments_tree.topLevelItem(0)
    assert payment is not None
    assert (payment.text(1), payment.text(2)) == (_pln(40_000), "FV/1/2026")
    allocation = payment.child(0)
    assert allocation is not None
    assert (allocation.text(1), allocation.text(2)) == (_pln(40_000), "FV/1/2026")
    log = card.activity_tree
    what = {log.topLevelItem(i).text(3) for i in range(log.topLevelItemCount())}  # type: ignore[union-attr]
    assert "Contractor Alfa Sp. z o.o. created" in what
    assert any(text.startswith("Payment of 400.00 PLN") for text in what)


def test_paid_invoices_can_be_hidden_and_credit_is_shown(
    qtbot: QtBot, window: MainWindow, ledger: Ledger, db: Database
) -> None:
    payments.add_payment(
        db, payments.PaymentInput(contractor=ledger.gamma, date=TODAY, amount_minor=5_000)
    )
    card = _open(qtbot, window, ledger.gamma)
    paid = _top(card.invoices_tree, "FV/4/2026")
    assert paid.text(STATUS) == "Paid"
    assert card.overdue_labels["PLN"].palette().color(QPalette.ColorRole.WindowText) != (
        theme.overdue_text()
    )
    assert card.credit_labels["PLN"].text().endswith(_pln(5_000))
    card.only_open.setChecked(True)
    assert paid.isHidden()


def test_a_missing_contractor_is_explained_not_crashed(
    qtbot: QtBot, window: MainWindow, ledger: Ledger
) -> None:
    from tests.gui.receivables.test_operations import wait_for_box

    window.open_card(999_999)
    box = wait_for_box(qtbot, "No contractor with id or NIP 999999")
    box.close()
    qtbot.waitUntil(lambda: 999_999 not in window.cards())


def test_a_change_announced_while_the_card_loads_still_shows_it(
    qtbot: QtBot, window: MainWindow, ledger: Ledger
) -> None:
    card = window.open_card(ledger.beta)
    # before the first load comes back: the card's own re-read supersedes it
    window.ops.announce(Change.PAYMENTS)
    qtbot.waitUntil(lambda: card.card is not None and card.isVisible())


def test_the_status_is_not_cut_on_a_laptop_screen(
    qtbot: QtBot, window: MainWindow, ledger: Ledger
) -> None:
    """On a 1366-pixel screen (the card opens 1180 wide) the status column was squeezed to
    "Niezapłaco…" by the forecast's."""
    set_language("pl")
    try:
        card = _open(qtbot, window, ledger.alfa)
        card.resize(1180, 740)
        tree = card.invoices_tree
        qtbot.waitUntil(lambda: bool(card.outlook) and tree.isVisible())
        header = tree.header()
        qtbot.waitUntil(lambda: header.sectionSize(STATUS) >= tree.sizeHintForColumn(STATUS))
        # nothing hidden past the right edge either
        assert header.length() <= tree.viewport().width()
        # and the columns give the room back when the card is widened
        card.resize(1600, 740)
        qtbot.waitUntil(lambda: header.length() == tree.viewport().width())
        assert header.sectionSize(STATUS) >= tree.sizeHintForColumn(STATUS)
    finally:
        set_language("en")
