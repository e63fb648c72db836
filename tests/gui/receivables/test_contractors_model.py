"""The contractors table model: ids from SQL, rows by page, raw values for sorting, red debt."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from db.uow import Database
from desktop_app.domain.money import format_money
from desktop_app.services.contractor_list import CurrencyTotal
from tests.gui.conftest import OFFSCREEN_NOISE
from tests.gui.receivables.conftest import TODAY, Ledger
from ui import theme
from ui.models import contractors_model
from ui.models.contractors_model import COLUMN, ContractorsModel, IdRole, SortRole
from ui.operations import Operations

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


def _model(qtbot: QtBot, db: Database, ops: Operations) -> ContractorsModel:
    model = ContractorsModel(db, ops, currency="PLN", today=lambda: TODAY)
    model.refresh()
    qtbot.waitUntil(lambda: model.rowCount() == 4 and not model.loading)
    return model


def _names(model: ContractorsModel) -> list[str]:
    return [model.index(r, COLUMN["name"]).data() for r in range(model.rowCount())]


def test_model_passes_qt_model_tester(
    qtbot: QtBot, qtmodeltester: ModelTester, db: Database, ledger: Ledger, ops: Operations
) -> None:
    model = _model(qtbot, db, ops)
    qtmodeltester.check(model)
    model.sort(COLUMN["overdue"], Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: model.index(0, 0).data(IdRole) == ledger.beta)
    qtmodeltester.check(model)


def test_cells_are_formatted_with_raw_values_behind_them(
    qtbot: QtBot, db: Database, ledger: Ledger, ops: Operations
) -> None:
    model = _model(qtbot, db, ops)
    row = model.row_of(ledger.alfa)
    assert row is not None
    overdue = model.index(row, COLUMN["overdue"])
    assert overdue.data() == format_money(90_000, "PLN")
    # the home currency's amount, then the largest other currency's (none here)
    assert overdue.data(SortRole) == (90_000, 0)
    assert model.index(row, COLUMN["open"]).data(SortRole) == (120_000, 0)
    assert (
        model.index(row, COLUMN["days"]).data(SortRole)
        == (TODAY - TODAY.replace(month=9, day=15)).days
    )
    assert model.index(row, COLUMN["phone"]).data() == "+48 501 234 567"
    assert model.index(row, COLUMN["email"]).data() == "biuro@alfa.pl"
    alignment = overdue.data(Qt.ItemDataRole.TextAlignmentRole)
    assert alignment & Qt.AlignmentFlag.AlignRight
    brush = overdue.data(Qt.ItemDataRole.ForegroundRole)
    assert isinstance(brush, QBrush) and brush.color() == theme.overdue_text()
    # nothing overdue is not painted red
    gamma_row = model.row_of(ledger.gamma)
    assert gamma_row is not None
    gamma_brush = model.index(gamma_row, COLUMN["overdue"]).data(Qt.ItemDataRole.ForegroundRole)
    assert gamma_brush is None or gamma_brush.color() != theme.overdue_text()
    assert model.summary.count == 4
    assert model.summary.totals == (CurrencyTotal("PLN", 120_000 + 500_000 + 20_000, 590_000),)


def test_sort_and_filter_run_in_sql(
    qtbot: QtBot, db: Database, ledger: Ledger, ops: Operations
) -> None:
    model = _model(qtbot, db, ops)
    model.sort(COLUMN["overdue"], Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: _names(model)[:2] == ["Beta Budownictwo S.A.", "Alfa Sp. z o.o."])
    model.sort(COLUMN["email"], Qt.SortOrder.AscendingOrder)  # not sortable: order unchanged
    assert model.sort_column() == (COLUMN["overdue"], Qt.SortOrder.DescendingOrder)
    model.set_overdue_only(True)
    qtbot.waitUntil(lambda: model.rowCount() == 2)
    model.set_filter_text("beta")
    qtbot.waitUntil(lambda: _names(model) == ["Beta Budownictwo S.A."])


def test_rows_are_fetched_a_page_at_a_time(
    qtbot: QtBot, db: Database, ledger: Ledger, ops: Operations, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(contractors_model, "PAGE_SIZE", 2)
    model = _model(qtbot, db, ops)
    assert model.cached_row(1) is not None
    assert model.cached_row(2) is None  # the second page is not loaded until something shows it
    assert model.index(3, COLUMN["name"]).data() is None  # asks for the page
    qtbot.waitUntil(lambda: model.cached_row(3) is not None)
    assert model.index(3, COLUMN["name"]).data() == _names(model)[3]
