"""The card's "Personal data" menu: export everything held about the contractor, or anonymise
it after a confirmation that cannot be clicked through (the name must be typed)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.changes import Change
from desktop_app.i18n import _
from desktop_app.services import privacy

if TYPE_CHECKING:
    from ui.card.contractor_card import ContractorCardWindow

#: what anonymising rewrites
ANONYMISED = (
    Change.CONTRACTORS
    | Change.INVOICES
    | Change.PAYMENTS
    | Change.PROMISES
    | Change.OUTBOX
    | Change.TASKS
    | Change.LETTERS
)


class AnonymiseDialog(QDialog):
    """Says what goes and what stays; the button works only once the name is typed exactly."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.setWindowTitle(_("Anonymise contractor"))
        text = QLabel(
            _(
                "The personal data of {name} will be removed for good: name, NIP, address, "
                "e-mail addresses, phone numbers, contact people, the texts of messages and "
                "letters. Invoice numbers, dates, amounts and payments stay for accounting. "
                "No reminder will be sent to it again. This cannot be undone; backups made "
                "before still hold the data until they are rotated away."
            ).format(name=name)
        )
        text.setWordWrap(True)
        prompt = QLabel(_("Type the contractor's name to confirm:"))
        self.typed = QLineEdit()
        self.typed.setPlaceholderText(name)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.confirm = QPushButton(_("Anonymise"))
        self.confirm.setEnabled(False)
        self.buttons.addButton(self.confirm, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.confirm.clicked.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.typed.textChanged.connect(
            lambda typed: self.confirm.setEnabled(typed.strip() == name.strip())
        )
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(prompt)
        layout.addWidget(self.typed)
        layout.addWidget(self.buttons)
        self.resize(520, self.sizeHint().height())


class PrivacyActions:
    def __init__(self, card: ContractorCardWindow) -> None:
        self.card = card
        self.button = QPushButton(_("Personal data"))
        self.button.setAutoDefault(False)
        menu = QMenu(self.button)
        self.export_action = menu.addAction(_("Export everything held…"), self.choose_export)
        self.anonymise_action = menu.addAction(_("Anonymise…"), self.ask_anonymise)
        self.button.setMenu(menu)
        self.dialog: AnonymiseDialog | None = None
        self.exported: privacy.Exported | None = None

    def choose_export(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self.card, _("Export everything held about the contractor to")
        )
        if folder:
            self.export(Path(folder))

    def export(self, folder: Path) -> None:
        db, cid = self.card._db, self.card.contractor_id
        self.card._ops.read(
            lambda: privacy.export_contractor(db, cid, folder, dt.datetime.now()),
            on_success=self._exported,
            owner=self.card,
            label="export contractor",
        )

    def _exported(self, done: privacy.Exported) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Information,
            _("Export"),
            _("Everything held about the contractor was written to {folder}").format(
                folder=done.folder
            ),
            QMessageBox.StandardButton.Ok,
            self.card,
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # not exec(): the card stays usable, and nothing waits on a nested loop
        self.exported = done

    def ask_anonymise(self) -> AnonymiseDialog | None:
        if self.card.card is None:
            return None
        dialog = AnonymiseDialog(self.card.card.contractor.name, self.card)
        dialog.accepted.connect(self.anonymise)
        self.dialog = dialog
        dialog.open()
        return dialog

    def anonymise(self) -> None:
        db, cid = self.card._db, self.card.contractor_id
        self.card._ops.write(
            lambda: privacy.anonymise_contractor(db, cid),
            changes=ANONYMISED,
            owner=self.card,
            label="anonymise contractor",
        )


def install(card: ContractorCardWindow, buttons: QDialogButtonBox) -> PrivacyActions:
    actions = PrivacyActions(card)
    buttons.addButton(actions.button, QDialogButtonBox.ButtonRole.ActionRole)
    return actions
