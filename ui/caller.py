"""Bring up the contractor a request names: ``inkaso open --phone`` from a softphone, a second
launch with ``--nip``, or a pick in the quick-find box.

One match opens its card; none shows the list with the number in its search box and a plain
sentence; several show the list of just those, to choose from.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTreeWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.identifiers import phone_lookup_key
from desktop_app.i18n import _, ngettext
from desktop_app.instance import Request
from desktop_app.services import lookup
from ui.errors import show_error

if TYPE_CHECKING:
    from ui.card.contractor_card import ContractorCardWindow
    from ui.main_window import MainWindow

log = logging.getLogger(__name__)

#: how long the sentence about the lookup stays in the status bar (ms)
MESSAGE_MS = 15_000


def hit_text(hit: lookup.Hit) -> str:
    """One line of the popup: what was found and what tells namesakes apart."""
    details = [d for d in (_nip(hit.nip), hit.city) if d]
    text = hit.name + (f"  ·  {', '.join(details)}" if details else "")
    if hit.invoice_number is not None:
        return _("Invoice {number}: {contractor}").format(
            number=hit.invoice_number, contractor=text
        )
    return text


def _nip(nip: str | None) -> str | None:
    return _("NIP {nip}").format(nip=nip) if nip else None


def search_text(request: Request) -> str:
    """What the list's search box shows for a request (the list searches digits in numbers)."""
    if request.phone is not None:
        key = phone_lookup_key(request.phone)
        if key is None:
            return request.phone
        return key[3:] if key.startswith("+48") else key[1:]
    if request.nip is not None:
        return "".join(c for c in request.nip if c.isdigit())
    return ""


def _find(window: MainWindow, request: Request) -> Callable[[], list[lookup.Hit]]:
    db = window.db

    def run() -> list[lookup.Hit]:
        with db.read() as session:
            if request.phone is not None:
                return lookup.by_phone(session, request.phone)
            if request.nip is not None:
                return lookup.by_nip(session, request.nip)
            if request.contractor is not None:
                return lookup.by_id(session, request.contractor)
            return []

    return run


def open_request(window: MainWindow, request: Request) -> None:
    """Look the request's contractor up (off the GUI thread) and show what was found."""
    if request.action != "open":
        return

    def found(hits: list[lookup.Hit]) -> None:
        show_hits(window, request, hits)

    def failed(exc: BaseException) -> None:
        show_error(exc, window)  # an invalid NIP: its sentence

    window.ops.read(
        _find(window, request),
        on_success=found,
        on_failure=failed,
        owner=window,
        label="caller lookup",
    )


def show_hits(window: MainWindow, request: Request, hits: list[lookup.Hit]) -> None:
    log.info("caller lookup: %d match(es)", len(hits))
    if len(hits) == 1:
        open_card_at(window, hits[0].contractor_id, hits[0].invoice_number)
        return
    if hits:
        choose(window, hits)
        return
    window.show_list(overdue_only=False)
    window.search.setText(search_text(request))
    if not hits:
        if request.phone is not None:
            text = _("No contractor has the phone number {number}.").format(number=request.phone)
        elif request.nip is not None:
            text = _("No contractor has the NIP {nip}.").format(nip=request.nip)
        else:
            text = _("There is no contractor number {id}.").format(id=request.contractor)
    window.statusBar().showMessage(text, MESSAGE_MS)


class ChooseContractor(QDialog):
    """Several contractors share the caller's number (a firm and its owner's sole trade, two
    branches): which card to open."""

    def __init__(self, window: MainWindow, hits: list[lookup.Hit]) -> None:
        super().__init__(window)
        self._window = window
        self.setWindowTitle(_("Choose a contractor"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        label = QLabel(
            ngettext(
                "{count} contractor has this number:",
                "{count} contractors have this number:",
                len(hits),
            ).format(count=len(hits))
        )
        self.choices = QListWidget()
        for hit in hits:
            item = QListWidgetItem(hit_text(hit))
            item.setData(Qt.ItemDataRole.UserRole, hit.contractor_id)
            self.choices.addItem(item)
        self.choices.setCurrentRow(0)
        self.choices.itemActivated.connect(lambda _item: self.accept())
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.choices)
        layout.addWidget(buttons)
        self.resize(self.choices.sizeHintForColumn(0) + 60, 320)

    def accept(self) -> None:
        item = self.choices.currentItem()
        if item is not None:
            open_card_at(self._window, int(item.data(Qt.ItemDataRole.UserRole)))
        super().accept()


def choose(window: MainWindow, hits: list[lookup.Hit]) -> ChooseContractor:
    dialog = ChooseContractor(window, hits)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog


def open_card_at(
    window: MainWindow, contractor_id: int, invoice_number: str | None = None
) -> ContractorCardWindow:
    """The contractor's card, with ``invoice_number`` selected on its Invoices tab once loaded."""
    card = window.open_card(contractor_id)
    if invoice_number is not None:
        tree = card.invoices_tree
        model = tree.model()

        def filled(_parent: QModelIndex, _first: int, _last: int) -> None:
            model.rowsInserted.disconnect(filled)
            # after the card has put back the selection it remembered
            QTimer.singleShot(0, lambda: _select_invoice(card, tree, invoice_number))

        model.rowsInserted.connect(filled)
    return card


def _select_invoice(card: ContractorCardWindow, tree: QTreeWidget, number: str) -> None:
    for i in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(i)
        if item is not None and item.text(0) == number:
            if item.isHidden():
                card.only_open.setChecked(False)  # a paid invoice: show the paid ones too
            tree.setCurrentItem(item)
            tree.scrollToItem(item)
            page: QWidget | None = tree
            while page is not None and card.tabs.indexOf(page) < 0:
                page = page.parentWidget()
            if page is not None:
                card.tabs.setCurrentWidget(page)
            tree.setFocus()
            return
