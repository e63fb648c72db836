"""Entries of the Dunning menu for sending: Outbox…, Tasks…, Run now, Pause sending, Settings…"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMenu

if TYPE_CHECKING:
    from ui.main_window import MainWindow


def install(window: MainWindow, menu: QMenu) -> None:
    """Add this module's actions to the window's Dunning menu (they live on ``window.sending``)."""
    sending = window.sending
    menu.addAction(sending.outbox_action)
    menu.addAction(sending.tasks_action)
    menu.addSeparator()
    menu.addAction(sending.run_action)
    menu.addAction(sending.pause_action)
    menu.addSeparator()
    menu.addAction(sending.firm_action)
    menu.addAction(sending.setup_action)
    menu.addAction(sending.settings_action)
    menu.addAction(sending.wizard_action)
    # shortcuts work while the menu is closed only if the window knows the actions
    window.addActions([sending.outbox_action, sending.tasks_action, sending.settings_action])
