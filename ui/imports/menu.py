"""File → Import… and the "Import invoices…" buttons of the empty list and the empty dashboard:
all open the import wizard, one per main window (asking again brings the open one forward);
File → Import sources… opens Settings on its Import sources tab."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from desktop_app.i18n import _
from ui.imports.empty_offer import EmptyOffer
from ui.imports.wizard import ImportWizard

if TYPE_CHECKING:
    from ui.main_window import MainWindow

_OPEN: dict[int, ImportWizard] = {}


def open_import_wizard(window: MainWindow) -> ImportWizard:
    key = id(window)
    wizard = _OPEN.get(key)
    # a finished wizard is hidden until its deletion comes round: a new import gets a new one
    if wizard is not None and wizard.isVisible():
        wizard.showNormal()
        wizard.raise_()
        wizard.activateWindow()
        return wizard
    wizard = ImportWizard(window.db, window.ops, today=window.today, parent=window)
    wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    _OPEN[key] = wizard
    wizard.destroyed.connect(lambda *_args: _OPEN.pop(key, None))
    wizard.show()
    return wizard


def install(window: MainWindow, menu: QMenu) -> None:
    """Add File → Import… and the empty database's button."""
    action = QAction(_("&Import…"), window)
    action.setStatusTip(_("Import invoices or bank statements from a file or a folder"))
    action.setShortcut(Qt.Modifier.CTRL | Qt.Key.Key_I)
    action.triggered.connect(lambda: open_import_wizard(window))
    menu.addAction(action)
    window.addAction(action)
    sources = QAction(_("Import &sources…"), window)
    sources.setStatusTip(_("Set up KSeF, 1C, watched folders and the automatic import"))
    sources.triggered.connect(lambda: window.sending.open_settings("sources"))
    menu.addAction(sources)
    offer = EmptyOffer(window)
    offer.button.clicked.connect(lambda: open_import_wizard(window))
    window.dashboard.import_requested.connect(lambda: open_import_wizard(window))
