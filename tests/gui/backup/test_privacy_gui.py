"""The card's Personal data menu: export everything held, and anonymise only once the name is
typed; the card then shows the anonymised contractor."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from db.uow import Database
from tests.conftest import Cli
from tests.gui.conftest import OFFSCREEN_NOISE, shown_main_window
from ui.operations import Operations

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)
TODAY = dt.date(2026, 12, 1)
NAME = "Jan Kowalski Usługi"


def test_export_and_anonymise_from_the_card(
    qtbot: QtBot, db: Database, ops: Operations, cli: Cli, tmp_path: Path
) -> None:
    assert cli("contractor", "add", "--name", NAME, "--email", "jan@kowalski.example.com").code == 0
    assert cli("invoice", "add", "--contractor", "1", "--number", "FV/1/2026", "--issued",
               "2026-11-02", "--due", "2026-11-16", "--amount", "100").code == 0  # fmt: skip
    window = shown_main_window(qtbot, db, ops, TODAY, rows=1)
    card = window.open_card(1)
    qtbot.waitUntil(lambda: card.card is not None and card.isVisible())

    card.privacy.export(tmp_path / "out")
    document = tmp_path / "out" / f"contractor-1-{dt.date.today():%Y%m%d}" / "contractor.json"
    qtbot.waitUntil(document.exists, timeout=10_000)
    assert json.loads(document.read_text(encoding="utf-8"))["contractor"]["name"] == NAME

    dialog = card.privacy.ask_anonymise()
    assert dialog is not None and not dialog.confirm.isEnabled()
    dialog.typed.setText("Jan Kowalski")  # not the whole name: still refused
    assert not dialog.confirm.isEnabled()
    dialog.typed.setText(NAME)
    assert dialog.confirm.isEnabled()
    dialog.confirm.click()
    qtbot.waitUntil(lambda: "Anonymised contractor 1" in card.name_label.text(), timeout=10_000)
    assert "kowalski" not in card.details_label.text().lower()
