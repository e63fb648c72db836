"""A database set up in English shows its built-in scenarios in Polish to a Polish user."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_app.domain.presets import PRESETS
from desktop_app.i18n import gettext_for, set_language
from tests.gui.conftest import OFFSCREEN_NOISE
from ui.dunning import editors_menu
from ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


def test_the_scenario_editor_in_polish_shows_the_built_in_names_in_polish(
    qtbot: QtBot, window: MainWindow
) -> None:
    # the ledger's database was created (and its presets seeded) in English
    set_language("pl")
    editor = editors_menu.open_scenarios(window)
    qtbot.waitUntil(lambda: editor.scenario_list.count() == 3 and editor._loaded is not None)
    shown = {}
    for row in range(editor.scenario_list.count()):
        item = editor.scenario_list.item(row)
        assert item is not None
        shown[item.data(Qt.ItemDataRole.UserRole)] = item.text()
    for name, preset in PRESETS.items():
        assert gettext_for("pl", preset.title) in shown[name]
        assert preset.title not in shown[name]
    loaded = editor._loaded
    assert loaded is not None
    preset = PRESETS[loaded.name]
    assert editor.title_edit.text() == gettext_for("pl", preset.title)
    assert [s.name for s in loaded.steps] == [gettext_for("pl", s.name) for s in preset.steps]
    assert not editor.save_button.isEnabled()  # showing it in Polish changed nothing
