"""The card's invoices table: each open invoice's expected payment day and risk of more than
30 days late, from the payer's own history pulled toward everyone's."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from db.uow import Database
from desktop_app.services import forecast
from tests.gui.conftest import OFFSCREEN_NOISE
from tests.gui.receivables.conftest import TODAY, Ledger
from ui import formatting
from ui.card.contractor_card import ContractorCardWindow, SeqRole
from ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


def _row(card: ContractorCardWindow, number: str) -> int:
    tree = card.invoices_tree
    for index in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(index)
        if item is not None and item.text(0) == number:
            return index
    raise AssertionError(number)


def test_the_card_shows_expected_payment_and_risk_per_open_item(
    qtbot: QtBot, window: MainWindow, db: Database, ledger: Ledger
) -> None:
    card = window.open_card(ledger.alfa)
    qtbot.waitUntil(lambda: card.card is not None and bool(card.outlook))
    tree = card.invoices_tree
    # a header too wide for its cells may stand on two lines
    headers = [tree.headerItem().text(c).replace("\n", " ") for c in range(tree.columnCount())]
    assert headers[8:] == ["Expected", "Risk >30 d"]
    with db.read() as session:
        outlook = {
            (o.invoice_id, o.seq): o.forecast
            for o in forecast.for_contractor(session, ledger.alfa, TODAY)
        }

    old = tree.topLevelItem(_row(card, "FV/1/2026"))
    assert old is not None
    # due 15 September and still 600,00 open on 22 November: already more than 30 days late
    assert old.text(9) == formatting.percent(1.0)
    (expected,) = [
        f for (inv, _s), f in outlook.items() if inv == old.data(0, Qt.ItemDataRole.UserRole)
    ]
    assert expected.expected > TODAY
    assert old.text(8) == formatting.date(expected.expected)

    split = tree.topLevelItem(_row(card, "FV/2/2026"))
    assert split is not None and split.childCount() == 2
    later = split.child(1)
    assert later is not None and later.data(0, SeqRole) == 2
    not_due = outlook[(split.data(0, Qt.ItemDataRole.UserRole), 2)]
    # the second instalment, due 30 November, is not late yet: the payer's own risk
    assert 0.0 < not_due.late_risk < 1.0
    assert later.text(9) == formatting.percent(not_due.late_risk)
    assert later.text(8) == formatting.date(not_due.expected)
    # the invoice shows its latest expected day and its highest risk
    assert split.text(9) == formatting.percent(1.0)
    assert split.text(8) == formatting.date(
        max(not_due.expected, outlook[(split.data(0, Qt.ItemDataRole.UserRole), 1)].expected)
    )

    paid = ledger.gamma
    gamma = window.open_card(paid)
    qtbot.waitUntil(lambda: gamma.card is not None and gamma.insight.insight is not None)
    settled = gamma.invoices_tree.topLevelItem(0)
    assert settled is not None and settled.text(8) == "" and settled.text(9) == ""


def test_the_card_shows_the_suggested_terms(
    qtbot: QtBot, window: MainWindow, ledger: Ledger
) -> None:
    fresh = window.open_card(ledger.lodz)  # one invoice, not due yet: no history
    qtbot.waitUntil(lambda: fresh.insight.insight is not None)
    assert fresh.insight.terms_label.text() == (
        "Suggested terms: prepayment: a new contractor, with no payment history yet"
    )
    known = window.open_card(ledger.alfa)  # two instalments fallen due: too few to rate
    qtbot.waitUntil(lambda: known.insight.insight is not None)
    assert known.insight.terms_label.text() == (
        "Suggested terms: the usual 14 days: not rated yet, nothing speaks against it"
    )
