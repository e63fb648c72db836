"""Payer stars in the list and the card, the card's credibility box with "Check now", and the
White List button of the new-contractor dialog, against a loopback White List."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from db.uow import Database
from desktop_app.services import payments, whitelist
from desktop_app.settings import set_value
from tests.gui.conftest import OFFSCREEN_NOISE, shown_main_window
from tests.gui.receivables.conftest import TODAY, Ledger
from tests.helpers import invoice, pay
from tests.integration.http_gateway import Answer, Request, running_gateway
from tests.integration.whitelist_server import registry, subject
from ui.card.contractor_card import ContractorCardWindow, UnlistedRole
from ui.main_window import MainWindow
from ui.models.contractors_model import COLUMN, SortRole
from ui.operations import Operations

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)

D = dt.date
GAMMA_NIP = "1132853869"
ACCOUNT = "61109010140000071219812874"


@pytest.fixture
def window(qtbot: QtBot, db: Database, ledger: Ledger, ops: Operations) -> MainWindow:
    """The ledger with Gamma paying three invoices on time: rated; the others too new."""
    invoice(db, ledger.gamma, "FV/6/2026", D(2026, 9, 1), (D(2026, 9, 15), 10_000))
    pay(db, ledger.gamma, D(2026, 9, 15), 10_000, invoice_number="FV/6/2026")
    invoice(db, ledger.gamma, "FV/7/2026", D(2026, 10, 1), (D(2026, 10, 15), 10_000))
    pay(db, ledger.gamma, D(2026, 10, 14), 10_000, invoice_number="FV/7/2026")
    return shown_main_window(qtbot, db, ops, TODAY, rows=4)


def _open(qtbot: QtBot, window: MainWindow, contractor_id: int) -> ContractorCardWindow:
    card = window.open_card(contractor_id)
    qtbot.waitUntil(lambda: card.card is not None and card.insight.insight is not None)
    return card


def test_the_list_shows_stars_with_their_reasons_and_a_dash_when_not_rated(
    window: MainWindow, ledger: Ledger
) -> None:
    model = window.model
    column = COLUMN["rating"]

    def cell(contractor_id: int, role: Qt.ItemDataRole) -> object:
        row = model.row_of(contractor_id)
        assert row is not None
        return model.index(row, column).data(role)

    display, tooltip = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole
    assert cell(ledger.gamma, display) == "★★★★★"
    assert cell(ledger.gamma, SortRole) == 5
    assert cell(ledger.gamma, tooltip) == "paid 3 of 3 invoices on time"
    assert cell(ledger.beta, display) == "—"
    assert cell(ledger.beta, SortRole) is None
    assert "not rated yet" in str(cell(ledger.beta, tooltip))
    assert model.headerData(column, Qt.Orientation.Horizontal) == "Rating"


def test_the_card_shows_stars_reasons_and_checks_the_white_list_on_demand(
    qtbot: QtBot, window: MainWindow, db: Database, ledger: Ledger
) -> None:
    gamma = subject(GAMMA_NIP, "GAMMA TRANSPORT S.C.", accounts=(ACCOUNT,))
    with running_gateway(registry({GAMMA_NIP: gamma})) as mf:
        set_value(db, "whitelist.api_url", mf.base_url)
        card = _open(qtbot, window, ledger.gamma)
        panel = card.insight
        assert panel.stars_label.text() == "★★★★★"
        assert "paid 3 of 3 invoices on time" in panel.reasons_label.text()
        assert panel.light_label.property("light") == "amber"  # never checked yet
        assert "Never checked" in panel.entry_label.text()
        assert mf.requests == []  # opening the card never asks the registry

        qtbot.mouseClick(panel.check_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "a1b2c-" in panel.entry_label.text())
        assert [r.path for r in mf.requests] == [f"/api/search/nip/{GAMMA_NIP}"]
    text = panel.entry_label.text()
    for fragment in ("GAMMA TRANSPORT S.C.", "Czynny", ACCOUNT, "22/11/2026"):
        assert fragment in text
    assert panel.light_label.property("light") == "green"
    assert "an active VAT payer on the White List on 22/11/2026" in (
        panel.credibility_reasons.text()
    )
    assert panel.check_button.isEnabled()


def test_a_refusal_of_the_registry_is_its_plain_sentence_in_the_box(
    qtbot: QtBot, window: MainWindow, db: Database, ledger: Ledger
) -> None:
    def limited(_request: Request) -> Answer:
        return Answer(429, {"code": "WL-190", "message": "Limit"})

    with running_gateway(limited) as mf:
        set_value(db, "whitelist.api_url", mf.base_url)
        card = _open(qtbot, window, ledger.gamma)
        qtbot.mouseClick(card.insight.check_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "try again later" in card.insight.status_label.text())
    assert card.insight.status_label.isVisibleTo(card)
    assert card.insight.check_button.isEnabled()
    assert "Never checked" in card.insight.entry_label.text()


def test_a_payment_from_an_account_not_on_the_white_list_is_flagged(
    qtbot: QtBot, window: MainWindow, db: Database, ledger: Ledger
) -> None:
    gamma = subject(GAMMA_NIP, "GAMMA TRANSPORT S.C.", accounts=(ACCOUNT,))
    with running_gateway(registry({GAMMA_NIP: gamma})) as mf:
        set_value(db, "whitelist.api_url", mf.base_url)
        whitelist.check_nip(db, GAMMA_NIP, D(2026, 11, 1))
    stranger = payments.add_payment(
        db,
        payments.PaymentInput(
            ledger.gamma, D(2026, 11, 5), 5_000, payer_account="11 1140 2004 0000 3002 0135 5387"
        ),
    )
    card = _open(qtbot, window, ledger.gamma)
    tree = card.payments_tree
    qtbot.waitUntil(lambda: tree.topLevelItemCount() == 4)
    flagged = [
        tree.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole)  # the payment id
        for i in range(tree.topLevelItemCount())
        if tree.topLevelItem(i).data(0, UnlistedRole)
    ]
    assert flagged == [stranger]
    # with the reason in plain words
    reasons = [
        tree.topLevelItem(i).toolTip(0)
        for i in range(tree.topLevelItemCount())
        if tree.topLevelItem(i).data(0, UnlistedRole)
    ]
    assert "did not list for NIP" in reasons[0]
    assert "the money may not come from this contractor" in reasons[0]


def test_the_new_contractor_dialog_fills_name_and_address_from_the_white_list(
    qtbot: QtBot, window: MainWindow, db: Database
) -> None:
    nip = "1234563218"
    found = subject(nip, "DELTA HANDEL SP. Z O.O.", accounts=(ACCOUNT,))
    with running_gateway(registry({nip: found})) as mf:
        set_value(db, "whitelist.api_url", mf.base_url)
        dialog = window.entry.new_contractor(window)
        assert not dialog.whitelist_button.isEnabled()
        qtbot.keyClicks(dialog.nip_edit, "123-456-32-18")
        assert dialog.whitelist_button.isEnabled()
        assert mf.requests == []  # typing never asks the registry
        qtbot.mouseClick(dialog.whitelist_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.credibility is not None)
    assert dialog.name_edit.text() == "DELTA HANDEL SP. Z O.O."
    assert (dialog.street_edit.text(), dialog.postal_edit.text(), dialog.city_edit.text()) == (
        "UL. PROSTA 1",
        "00-001",
        "WARSZAWA",
    )
    assert "Green" in dialog.whitelist_result.text()
    assert "a1b2c-" in dialog.whitelist_result.text()
    dialog.close()
