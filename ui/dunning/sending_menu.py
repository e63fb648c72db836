"""Entries of the Dunning menu (filled in by the dunning GUI work)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMenu

if TYPE_CHECKING:
    from ui.main_window import MainWindow


def install(window: MainWindow, menu: QMenu) -> None:
    """Add this module's actions to the window's Dunning menu."""
