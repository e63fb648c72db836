"""The quick-find box (Ctrl+K): a name, NIP, phone, city or invoice number, matches in a popup
as you type, Enter opens the card (on the invoice when an invoice number was typed).

Unlike the list's own search (Ctrl+F), which filters the list, this jumps straight to one card
from any page, the dashboard included.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter, QLineEdit, QMenu

from desktop_app.i18n import _
from desktop_app.services import lookup
from ui import caller

if TYPE_CHECKING:
    from ui.main_window import MainWindow

#: a pause in typing this long asks the database (ms)
DEBOUNCE_MS = 150
HIT_ROLE = Qt.ItemDataRole.UserRole + 1
#: what the completer writes into the box when a line is highlighted: the text typed, kept
QUERY_ROLE = Qt.ItemDataRole.UserRole + 2
SHORTCUT = QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_K)


class QuickFind(QLineEdit):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.setPlaceholderText(_("Quick find: name, NIP, phone, city, invoice  (Ctrl+K)"))
        self.setAccessibleName(_("Quick find"))
        self.setClearButtonEnabled(True)
        self._width = self.fontMetrics().horizontalAdvance("x") * 48
        self.hits = QStandardItemModel(self)
        completer = QCompleter(self.hits, self)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.setMaxVisibleItems(lookup.QUICK_LIMIT)
        completer.setCompletionRole(QUERY_ROLE)
        completer.activated[QModelIndex].connect(self._activated)  # type: ignore[index]
        self.setCompleter(completer)
        self._asked = ""
        #: Enter came before the answer: open the first match when it comes
        self._open_first = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._ask)
        self.textEdited.connect(self._edited)
        self.returnPressed.connect(self._enter)

    def sizeHint(self) -> QSize:
        # the menu bar places its corner widget by its size hint, whatever its minimum width
        return QSize(self._width, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def _edited(self, _text: str) -> None:
        self._open_first = False
        self._timer.start()

    def focus(self) -> None:
        self.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.selectAll()

    def _ask(self) -> None:
        text = self.text().strip()
        self._asked = text
        if not text:
            self.hits.clear()
            return
        db = self._window.db

        def run() -> list[lookup.Hit]:
            with db.read() as session:
                return lookup.quick_find(session, text)

        self._window.ops.read(
            run,
            on_success=lambda hits: self._show(text, hits),
            key="quick-find",
            owner=self,
            label="quick find",
        )

    def _show(self, text: str, hits: list[lookup.Hit]) -> None:
        if text != self.text().strip():
            return  # typed on meanwhile: the next answer is the one to show
        if self._open_first and hits:
            self._open_first = False
            self._open(hits[0])
            return
        self._open_first = False
        self.hits.clear()
        for hit in hits:
            item = QStandardItem(caller.hit_text(hit))
            item.setData(hit, HIT_ROLE)
            item.setData(self.text(), QUERY_ROLE)
            item.setEditable(False)
            self.hits.appendRow(item)
        if not hits:
            item = QStandardItem(_("Nothing found for {text}").format(text=text))
            item.setEnabled(False)
            self.hits.appendRow(item)
        completer = self.completer()
        completer.setCompletionPrefix(text)
        popup = completer.popup()
        # as wide as its longest line (up to a limit): the NIP and city tell namesakes apart;
        # right-aligned with the box, which sits at the window's right edge
        metrics = self.fontMetrics()
        widest = max(
            metrics.horizontalAdvance(self.hits.item(row).text())
            for row in range(self.hits.rowCount())
        )
        width = max(self.width(), min(widest + 48, metrics.horizontalAdvance("x") * 110))
        completer.complete(QRect(self.width() - width, 0, width, self.height()))
        if hits and popup is not None:
            popup.setCurrentIndex(completer.completionModel().index(0, 0))

    def _activated(self, index: QModelIndex) -> None:
        hit = index.data(HIT_ROLE)
        if isinstance(hit, lookup.Hit):
            self._open(hit)

    def _enter(self) -> None:
        """Enter without choosing in the popup: the first match (asked now if not yet)."""
        popup = self.completer().popup()
        if popup is not None and popup.isVisible():
            return  # the popup's own Enter activates its current row
        if self.text().strip() != self._asked:
            self._timer.stop()
            self._open_first = True
            self._ask()
            return
        first = self.hits.item(0)
        hit = first.data(HIT_ROLE) if first is not None else None
        if isinstance(hit, lookup.Hit):
            self._open(hit)

    def _open(self, hit: lookup.Hit) -> None:
        caller.open_card_at(self._window, hit.contractor_id, hit.invoice_number)
        # the completer writes the chosen line into the box after this slot: clear it later
        QTimer.singleShot(0, self._reset)

    def _reset(self) -> None:
        self.clear()
        self.hits.clear()
        self._asked = ""


def install(window: MainWindow, menu: QMenu) -> QuickFind:
    """The box in the menu bar's corner and "Quick find" (Ctrl+K) in ``menu``."""
    box = QuickFind(window)
    window.menuBar().setCornerWidget(box, Qt.Corner.TopRightCorner)
    action = QAction(_("&Quick find…"), window)
    action.setShortcut(SHORTCUT)
    action.triggered.connect(box.focus)
    menu.addAction(action)
    window.addAction(action)
    return box
