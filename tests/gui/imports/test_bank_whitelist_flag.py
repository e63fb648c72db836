"""View → Bank: a payment from an account the VAT White List did not list for the payer's NIP
carries a warning sign and says why."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from db.uow import Database
from desktop_app.importers.records import BankLine, Where
from desktop_app.services import bank, whitelist
from desktop_app.settings import set_value
from tests.gui.conftest import OFFSCREEN_NOISE, shown_main_window
from tests.gui.imports.conftest import FIRM_ACCOUNT, TODAY
from tests.helpers import contractor, invoice
from tests.integration.http_gateway import running_gateway
from tests.integration.whitelist_server import registry, subject
from ui.bank.menu import open_bank
from ui.operations import Operations

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)
D = dt.date
LISTED = "61109010140000071219812874"
OTHER = "27114020040000300201355387"


def _line(amount: int, title: str, reference: str, account: str) -> BankLine:
    return BankLine(
        where=Where("wyciąg_listopad.sta", 4),
        account=FIRM_ACCOUNT,
        date=D(2026, 11, 20),
        amount_minor=amount,
        currency="PLN",
        title=title,
        reference=reference,
        payer_name="Żebrowski",
        payer_account=account,
    )


def test_a_payment_from_an_unlisted_account_is_flagged(
    qtbot: QtBot, firm_db: Database, ops: Operations
) -> None:
    zebra = contractor(firm_db, "Żebrowski i Wspólnicy Sp. j.", "7740001454")
    invoice(firm_db, zebra, "FV/7/10/2026", D(2026, 10, 1), (D(2026, 10, 15), 50_000))
    invoice(firm_db, zebra, "FV/8/10/2026", D(2026, 10, 1), (D(2026, 10, 15), 30_000))
    registered = {"7740001454": subject("7740001454", "ŻEBROWSKI", accounts=(LISTED,))}
    with running_gateway(registry(registered)) as mf:
        set_value(firm_db, "whitelist.api_url", mf.base_url)
        whitelist.check_nip(firm_db, "7740001454", D(2026, 11, 15))
    with firm_db.write() as session:
        bank.record_bank_lines(
            session,
            [
                _line(50_000, "Zapłata za FV 7/10/2026", "REF-1", OTHER),
                _line(30_000, "Zapłata za FV 8/10/2026", "REF-2", LISTED),
            ],
            today=TODAY,
        )
    window = shown_main_window(qtbot, firm_db, ops, TODAY, rows=1)
    view = open_bank(window)
    qtbot.waitUntil(lambda: not view.loading and view.matched_model.rowCount() == 2)
    model = view.matched_model
    flagged = {
        model.row(n).texts[3]: model.index(n, 0).data(Qt.ItemDataRole.ToolTipRole)
        for n in range(model.rowCount())
        if model.index(n, 0).data(Qt.ItemDataRole.DecorationRole) is not None
    }
    assert list(flagged) == ["Zapłata za FV 7/10/2026"]
    assert (
        "did not list for NIP 7740001454 when checked on 15/11/2026"
        in flagged["Zapłata za FV 7/10/2026"]
    )
    view.close()
