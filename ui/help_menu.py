"""Help menu: About (versions and paths, with Copy), Open log folder, Keyboard shortcuts.

The shortcuts page is read from the window's own actions each time it opens, so it lists
exactly what the keys do, including actions other modules add to the menus.
"""

from __future__ import annotations

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QSize, Qt, QUrl, qVersion
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db.engine import sqlite_path
from db.uow import Database
from desktop_app import diagnostics
from desktop_app.i18n import _
from desktop_app.paths import log_dir
from ui import theme


def qt_versions() -> list[tuple[str, str]]:
    return [("Qt", qVersion()), ("PySide6", pyside_version)]


def database_label(db: Database) -> str:
    path = sqlite_path(db.url)
    return str(path) if path is not None else db.url.render_as_string(hide_password=True)


def about_sections(database: str | None) -> list[tuple[str, list[tuple[str, str]]]]:
    return [
        (_("Versions"), diagnostics.versions(qt_versions())),
        (_("Files"), diagnostics.paths(database)),
    ]


class AboutDialog(QDialog):
    def __init__(self, database: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("About Inkaso"))
        sections = about_sections(database)
        self.report = diagnostics.report(sections)
        layout = QVBoxLayout(self)
        title = QLabel(_("Inkaso {version}").format(version=sections[0][1][0][1]))
        title.setFont(theme.scaled_font(self.font(), 1.5, bold=True))
        layout.addWidget(title)
        layout.addWidget(QLabel(_("Receivables and dunning for small firms.")))
        for heading, lines in sections:
            label = QLabel(heading)
            label.setFont(theme.scaled_font(self.font(), 1.0, bold=True))
            layout.addSpacing(8)
            layout.addWidget(label)
            form = QFormLayout()
            for name, value in lines:
                shown = QLabel(value)
                shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                form.addRow(name + ":", shown)
            layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton(_("Copy"))
        self.copy_button.setToolTip(_("Copy the versions and paths, for a message to support"))
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy)
        buttons.rejected.connect(self.reject)
        layout.addSpacing(8)
        layout.addWidget(buttons)

    def copy(self) -> None:
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            clipboard.setText(self.report)


def shortcut_rows(window: QMainWindow) -> list[tuple[str, str]]:
    """(where › what, keys) of every action of ``window`` that has a shortcut: those in the
    menus under their menu's name, then the window's own (and its children's) others."""
    rows: list[tuple[str, str]] = []
    seen: set[int] = set()

    def add(action: QAction, where: str) -> None:
        if id(action) in seen or not action.shortcuts():
            return
        seen.add(id(action))
        name = _plain(action.text())
        keys = ", ".join(
            k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()
        )
        rows.append((f"{where} › {name}" if where else name, keys))

    def walk(menu: QMenu, where: str) -> None:
        for action in menu.actions():
            submenu = action.menu()
            if isinstance(submenu, QMenu):
                walk(submenu, f"{where} › {_plain(action.text())}")
            else:
                add(action, where)

    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu):
            walk(menu, _plain(action.text()))
    for action in window.findChildren(QAction):
        add(action, "")
    return rows


def _plain(text: str) -> str:
    """A menu text as read: no mnemonic ampersand, no trailing ellipsis."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


class ShortcutsDialog(QDialog):
    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.setWindowTitle(_("Keyboard shortcuts"))
        rows = shortcut_rows(window)
        self.table = QTableWidget(len(rows), 2)
        self.table.setHorizontalHeaderLabels([_("Command"), _("Keys")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for row, (name, keys) in enumerate(rows):
            self.table.setItem(row, 0, QTableWidgetItem(name))
            self.table.setItem(row, 1, QTableWidgetItem(keys))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.table.resizeRowsToContents()
        rows_height = sum(self.table.rowHeight(row) for row in range(len(rows)))
        height = self.table.horizontalHeader().height() + rows_height + 90
        self.resize(theme.fitting_size(QSize(620, min(max(height, 240), 720))))


def open_log_folder(parent: QWidget | None = None) -> None:
    folder = log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
        # no file manager to hand it to (a bare desktop): the path, to copy
        box = QMessageBox(
            QMessageBox.Icon.Information,
            _("Open log folder"),
            _("The log files are in {folder}").format(folder=folder),
            QMessageBox.StandardButton.Ok,
            parent,
        )
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.open()


def install(window: QMainWindow, menu: QMenu, db: Database) -> None:
    """About, Open log folder and Keyboard shortcuts in the Help ``menu``."""
    about = QAction(_("&About Inkaso"), window)
    about.triggered.connect(lambda: _show(AboutDialog(database_label(db), window)))
    logs = QAction(_("Open &log folder"), window)
    logs.triggered.connect(lambda: open_log_folder(window))
    keys = QAction(_("&Keyboard shortcuts"), window)
    keys.triggered.connect(lambda: _show(ShortcutsDialog(window)))
    menu.addAction(keys)
    menu.addAction(logs)
    menu.addSeparator()
    menu.addAction(about)


def _show(dialog: QDialog) -> None:
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
