"""View → Owed to us: the window shows what ``report aging --json`` and its exports say, its
filters and groupings narrow and regroup it, a double-click drills down, and a payment saved
elsewhere changes it at once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from db.models import Invoice
from db.uow import Database
from desktop_app.changes import Change
from desktop_app.domain.money import format_money, parse_amount
from desktop_app.reports.owed import By
from tests.conftest import Cli
from tests.gui.conftest import OFFSCREEN_NOISE, shown_main_window
from tests.helpers import pay
from tests.integration.owed_book import AS_OF, make_book
from ui.card.contractor_card import ContractorCardWindow
from ui.main_window import MainWindow
from ui.operations import Operations
from ui.report.menu import open_report
from ui.report.window import DAYS, ReportWindow

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


@pytest.fixture
def window(qtbot: QtBot, cli: Cli, db: Database, ops: Operations) -> MainWindow:
    make_book(cli, db)
    return shown_main_window(qtbot, db, ops, AS_OF, rows=3)


def _report(qtbot: QtBot, window: MainWindow) -> ReportWindow:
    view = open_report(window)
    qtbot.waitUntil(lambda: not view.loading and view.table_data is not None)
    return view


def _cells(view: ReportWindow) -> list[dict[str, str]]:
    model = view.model
    titles = [c.name for c in model.columns]
    return [
        {titles[c]: str(model.index(r, c).data()) for c in range(model.columnCount())}
        for r in range(model.rowCount())
    ]


def _wait_reload(qtbot: QtBot, view: ReportWindow, change: Any) -> None:
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        change()


def test_the_window_agrees_with_report_aging_and_its_export(
    qtbot: QtBot, window: MainWindow, cli: Cli, tmp_path: Path
) -> None:
    aging = cli("report", "aging", "--as-of", AS_OF.isoformat(), "--json").json()
    view = _report(qtbot, window)
    shown = _cells(view)
    expected = [
        (currency, row)
        for currency, section in aging["currencies"].items()
        for row in section["contractors"]
    ]
    assert len(shown) == len(expected)
    by_name = {(cells["currency"], cells["name"]): cells for cells in shown}
    for currency, row in expected:
        cells = by_name[currency, row["name"]]
        for key in ("open", "overdue", "not_due"):
            assert cells[key] == format_money(parse_amount(row[key], currency), currency)
        for label, amount in row["buckets"].items():
            assert cells[f"b:{label}"] == format_money(parse_amount(amount, currency), currency)
    for currency, section in aging["currencies"].items():
        total = format_money(parse_amount(section["totals"]["open"], currency), currency)
        assert total in view.totals.text()
    # the export made from the window says the same
    target = tmp_path / "z okna.xlsx"
    with qtbot.waitSignal(view.exported, timeout=10_000):
        view.export_to(target)
    sheet = load_workbook(target)["PLN"]
    names = [sheet.cell(r, 1).value for r in range(6, 9)]
    opens = [Decimal(str(sheet.cell(r, 4).value)) for r in range(6, 9)]
    pln = {r["name"]: Decimal(r["open"]) for r in aging["currencies"]["PLN"]["contractors"]}
    assert dict(zip(names, opens, strict=True)) == pln


def test_filters_groupings_and_drill_down(qtbot: QtBot, window: MainWindow) -> None:
    view = _report(qtbot, window)
    # "debtors over 3 months"
    _wait_reload(qtbot, view, lambda: view.days.setCurrentIndex(4))
    assert DAYS[4][1] == 91
    assert sorted(c["name"] for c in _cells(view)) == ["Beta Sp. z o.o.", "Łódzka Hurtownia Żółw"]
    _wait_reload(qtbot, view, lambda: view.days.setCurrentIndex(0))
    # by manager: Anna's row drills down to her two contractors
    _wait_reload(qtbot, view, lambda: view.by.setCurrentIndex(view.by.findData(By.MANAGER)))
    managers = _cells(view)
    assert {m["name"] for m in managers} == {"Anna Nowak", "Piotr Wiśniewski"}
    anna = next(n for n in range(view.model.rowCount()) if _cells(view)[n]["name"] == "Anna Nowak")
    _wait_reload(qtbot, view, lambda: view.table.doubleClicked.emit(view.model.index(anna, 0)))
    assert view.by_value() is By.CONTRACTOR
    assert sorted(c["name"] for c in _cells(view)) == ["Beta Sp. z o.o.", "Łódzka Hurtownia Żółw"]
    # by bucket: 181+ days is Beta alone
    _wait_reload(qtbot, view, lambda: view.manager.setCurrentIndex(0))  # all managers
    _wait_reload(qtbot, view, lambda: view.by.setCurrentIndex(view.by.findData(By.BUCKET)))
    buckets = _cells(view)
    oldest = next(
        n for n, c in enumerate(buckets) if (c["name"], c["currency"]) == ("181+ days", "PLN")
    )
    assert buckets[oldest]["contractors"] == "1"
    _wait_reload(qtbot, view, lambda: view.table.doubleClicked.emit(view.model.index(oldest, 0)))
    assert [c["name"] for c in _cells(view)] == ["Beta Sp. z o.o."]
    assert view.drill.isVisible()
    # a contractor's row opens its card
    view.table.doubleClicked.emit(view.model.index(0, 0))
    qtbot.waitUntil(lambda: bool(window.findChildren(ContractorCardWindow)))


def test_a_payment_saved_elsewhere_changes_the_report(
    qtbot: QtBot, window: MainWindow, db: Database
) -> None:
    view = _report(qtbot, window)
    before = {c["name"]: c["open"] for c in _cells(view)}
    assert before["Beta Sp. z o.o."] == format_money(92_345, "PLN")

    def paid() -> None:
        pay(db, 2, dt.date(2026, 11, 30), 12_345)
        window.ops.announce(Change.PAYMENTS)

    _wait_reload(qtbot, view, paid)
    after = {c["name"]: c["open"] for c in _cells(view)}
    assert after["Beta Sp. z o.o."] == format_money(80_000, "PLN")


def test_from_the_report_to_an_invoices_collection_history(
    qtbot: QtBot, window: MainWindow, cli: Cli, db: Database
) -> None:
    assert cli("invoice", "dispute", "A/1", "--reason", "Towar uszkodzony").code == 0
    view = _report(qtbot, window)
    row = next(n for n, c in enumerate(_cells(view)) if c["name"] == "Łódzka Hurtownia Żółw")
    view.table.doubleClicked.emit(view.model.index(row, 0))
    qtbot.waitUntil(lambda: bool(window.findChildren(ContractorCardWindow)))
    card = window.findChildren(ContractorCardWindow)[0]
    qtbot.waitUntil(lambda: card.card is not None)
    with db.read() as session:
        invoice_id = session.scalars(select(Invoice.id).where(Invoice.number == "A/1")).one()
    dialog = card.show_history(invoice_id)
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 0)
    texts = [dialog.model.row(n).texts for n in range(dialog.model.rowCount())]
    assert any("Towar uszkodzony" in t[2] for t in texts)
    assert "A/1" in dialog.title.text()
