"""Issue 6 item 20 in the window: a busy, damaged or empty database file is explained in the
start-up message box with the very sentence the CLI prints, and advice that fits the fault."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

import db.engine
from tests.conftest import Cli
from tests.gui.conftest import OFFSCREEN_NOISE
from tests.gui.receivables.test_app import launched  # noqa: F401  (the fixture)
from tests.integration.db_faults import (
    lock_held_by_another_process,
    overwrite,
    table_page_offset,
)
from ui.app import Launcher, Options, launch

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


def _cli_sentence(cli: Cli, target: Path) -> str:
    result = cli("contractor", "list", db=target)
    assert result.code == 3, result.err
    return result.err.strip().removeprefix("inkaso: ")


def _shown(qtbot: QtBot, qapp: QApplication, target: Path, started: list[Launcher]) -> Launcher:
    launcher = launch(Options(db=str(target), lang="en"), qapp, install_hooks=False)
    started.append(launcher)
    qtbot.waitUntil(lambda: launcher.error_box is not None and launcher.error_box.isVisible())
    assert launcher.window is None
    return launcher


def _damage(path: Path) -> None:
    overwrite(path, table_page_offset(path, "contractor") + 3, b"\x00\x00")


def _empty(path: Path) -> None:
    path.unlink()
    path.touch()


@pytest.mark.parametrize(
    ("fault", "advice"), [(_damage, "backup copy"), (_empty, "Check the path")]
)
def test_a_damaged_or_empty_file_shows_the_cli_sentence(
    qtbot: QtBot,
    qapp: QApplication,
    cli: Cli,
    db_path: Path,
    launched: list[Launcher],  # noqa: F811
    fault: Callable[[Path], None],
    advice: str,
) -> None:
    assert cli("contractor", "add", "--name", "Alfa").code == 0
    fault(db_path)
    sentence = _cli_sentence(cli, db_path)
    launcher = _shown(qtbot, qapp, db_path, launched)
    assert launcher.error_box is not None
    assert launcher.error_box.text() == sentence
    assert advice in launcher.error_box.informativeText()


def test_a_database_held_by_another_program_shows_the_cli_sentence(
    qtbot: QtBot,
    qapp: QApplication,
    cli: Cli,
    db_path: Path,
    launched: list[Launcher],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(db.engine, "SQLITE_BUSY_TIMEOUT_MS", 300)
    assert cli("contractor", "add", "--name", "Alfa").code == 0
    with lock_held_by_another_process(db_path, exclusive_mode=True):
        sentence = _cli_sentence(cli, db_path)
        launcher = _shown(qtbot, qapp, db_path, launched)
    assert launcher.error_box is not None
    assert launcher.error_box.text() == sentence
    assert "is busy (held by another program)" in sentence
    assert "start Inkaso again" in launcher.error_box.informativeText()
