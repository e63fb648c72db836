"""Small dialogs the card opens for dunning actions: pause, dispute, promise to pay, send now.

They only collect what a person decides; the card runs the services (through operations) and
reloads itself. Every dialog is window-modal and opened with ``open()``, never ``exec()``.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Collection, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app import labels
from desktop_app.domain.identifiers import format_contact
from desktop_app.errors import InkasoError
from desktop_app.i18n import _
from desktop_app.services.dunning.desk import PromiseView, ReminderPreview
from ui import formatting, theme
from ui.widgets.amount_edit import AmountEdit
from ui.widgets.date_edit import DateEdit


class ReasonDialog(QDialog):
    """A reason (required) and, for pauses, the day until which it holds."""

    def __init__(
        self,
        title: str,
        prompt: str,
        *,
        until: dt.date | None = None,
        minimum: dt.date | None = None,
        reason: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.until_edit: DateEdit | None = None
        form = QFormLayout()
        intro = QLabel(prompt)
        intro.setWordWrap(True)
        if until is not None:
            self.until_edit = DateEdit(until)
            if minimum is not None:
                self.until_edit.set_minimum(minimum)
            form.addRow(_("&Until:"), self.until_edit)
        self.reason_edit = QLineEdit(reason)
        self.reason_edit.setMinimumWidth(360)
        form.addRow(_("&Reason:"), self.reason_edit)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.reason_edit.textChanged.connect(self._check)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self._check()

    def _check(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.reason_edit.text().strip()))

    def reason(self) -> str:
        return self.reason_edit.text().strip()

    def until(self) -> dt.date | None:
        return None if self.until_edit is None else self.until_edit.value()


class PromiseDialog(QDialog):
    """The contractor's promises (cancel an open one) and a form for a new one."""

    promise_requested = Signal(object, int, str, str)  # due_on, amount_minor, currency, note
    cancel_requested = Signal(int)

    def __init__(
        self,
        *,
        today: dt.date,
        currencies: Sequence[str],
        suggested: dict[str, int],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Promises to pay"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(640, 460)
        self._suggested = suggested

        self.promises = QTreeWidget()
        self.promises.setHeaderLabels(
            [_("Promised for"), _("Amount"), _("Status"), _("Recorded"), _("Note")]
        )
        self.promises.setRootIsDecorated(False)
        self.promises.setAlternatingRowColors(True)
        self.promises.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.promises.currentItemChanged.connect(lambda *_a: self._check())
        self.cancel_button = QPushButton(_("Cancel the promise"))
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self._cancel)
        existing = QGroupBox(_("Promises"))
        existing_layout = QVBoxLayout(existing)
        existing_layout.addWidget(self.promises, 1)
        existing_layout.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignRight)

        self.date_edit = DateEdit(today + dt.timedelta(days=7))
        self.date_edit.set_minimum(today)
        self.currency = QComboBox()
        self.currency.addItems(list(currencies) or ["PLN"])
        self.amount_edit = AmountEdit(self.currency.currentText())
        self.currency.currentTextChanged.connect(self._suggest)
        self.note_edit = QLineEdit()
        self.error = QLabel()
        pal = self.error.palette()
        pal.setColor(self.error.foregroundRole(), theme.overdue_text())
        self.error.setPalette(pal)
        amount_row = QHBoxLayout()
        amount_row.addWidget(self.amount_edit, 1)
        amount_row.addWidget(self.currency)
        self.add_button = QPushButton(_("&Record promise"))
        self.add_button.setDefault(True)
        self.add_button.clicked.connect(self._add)
        new = QGroupBox(_("New promise"))
        form = QFormLayout(new)
        form.addRow(_("Pays by:"), self.date_edit)
        form.addRow(_("Amount:"), amount_row)
        form.addRow(_("Note:"), self.note_edit)
        form.addRow("", self.error)
        form.addRow("", self.add_button)
        hint = QLabel(
            _(
                "A promise pauses the reminders until its day; if the money has not come two "
                "days later, the account manager gets a task."
            )
        )
        hint.setWordWrap(True)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(existing, 1)
        layout.addWidget(new)
        layout.addWidget(hint)
        layout.addWidget(close)
        self.amount_edit.textChanged.connect(lambda _t: self.error.clear())
        self._suggest(self.currency.currentText())
        self._check()

    def _suggest(self, currency: str) -> None:
        self.amount_edit.set_currency(currency)
        minor = self._suggested.get(currency)
        if minor and not self.amount_edit.text():
            self.amount_edit.set_minor(minor)

    def set_promises(self, promises: Sequence[PromiseView]) -> None:
        tree = self.promises
        tree.clear()
        for p in promises:
            item = QTreeWidgetItem(
                [
                    formatting.date(p.due_on),
                    formatting.money(p.amount_minor, p.currency),
                    _(labels.PROMISE_LABELS.get(p.status, p.status)),
                    formatting.date(p.made_on),
                    p.note or "",
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, p.id)
            item.setData(0, Qt.ItemDataRole.UserRole + 1, p.status)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if p.status == "broken":
                item.setForeground(2, QBrush(theme.overdue_text()))
            elif p.status != "open":
                for column in range(5):
                    item.setForeground(column, QBrush(theme.muted_text()))
            tree.addTopLevelItem(item)
        for column in range(4):
            tree.resizeColumnToContents(column)
        self._check()

    def _check(self) -> None:
        item = self.promises.currentItem()
        self.cancel_button.setEnabled(
            item is not None and item.data(0, Qt.ItemDataRole.UserRole + 1) == "open"
        )

    def _cancel(self) -> None:
        item = self.promises.currentItem()
        if item is not None:
            self.cancel_requested.emit(int(item.data(0, Qt.ItemDataRole.UserRole)))

    def _add(self) -> None:
        currency = self.currency.currentText()
        try:
            minor = self.amount_edit.minor()
        except InkasoError as exc:
            self.error.setText(exc.message)
            return
        if minor <= 0:
            self.error.setText(_("The promised amount must be greater than zero"))
            return
        self.promise_requested.emit(
            self.date_edit.value(), minor, currency, self.note_edit.text().strip()
        )

    def recorded(self) -> None:
        self.amount_edit.clear()
        self.note_edit.clear()


class SendNowDialog(QDialog):
    """Choose a channel, see exactly what will go out, then send it.

    While a pause or a promise holds the contractor's reminders the preview says so, and the
    reminder goes only after a person confirms it (``send_requested`` then carries force).
    """

    preview_requested = Signal(str)
    send_requested = Signal(str, bool)  # channel, the person confirmed sending despite holds

    def __init__(
        self,
        channels: Sequence[str],
        parent: QWidget | None = None,
        *,
        configured: Collection[str] | None = None,
    ) -> None:
        """``channels``: every channel the reminder can be previewed for; ``configured``: those
        set up for sending (None: all). The others show what would go out, so the wording can be
        checked before the server is entered, but cannot send."""
        super().__init__(parent)
        self.setWindowTitle(_("Send a reminder now"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(680, 560)
        self.configured = frozenset(channels if configured is None else configured)
        self.channel = QComboBox()
        for code in channels:
            label = labels.channel(code)
            if code not in self.configured:
                label = _("{channel} (not set up)").format(channel=label)
            self.channel.addItem(label, code)
        self.channel.currentIndexChanged.connect(
            lambda _i: self.preview_requested.emit(self.current_channel())
        )
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        pal = self.warning.palette()
        pal.setColor(self.warning.foregroundRole(), theme.overdue_text())
        self.warning.setPalette(pal)
        self.warning.setVisible(False)
        self.warnings: tuple[str, ...] = ()
        self.confirm_box: QMessageBox | None = None
        self.body = QTextBrowser()
        self.body.setOpenLinks(False)
        note = QLabel(
            _(
                "A reminder sent by hand counts as the scenario's current step done: the next "
                "automatic one follows the scenario, not tomorrow morning."
            )
        )
        note.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.send_button = self.buttons.addButton(
            _("&Send now"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.send_button.setEnabled(False)
        self.buttons.rejected.connect(self.reject)
        self.send_button.clicked.connect(self._send_clicked)
        form = QFormLayout()
        form.addRow(_("&Channel:"), self.channel)
        layout = QVBoxLayout(self)
        self.not_set_up = QLabel(
            _(
                "This channel is not set up for sending yet: enter the e-mail server or the SMS "
                "gateway in Dunning → Settings. Until then you can read what would go out."
            )
        )
        self.not_set_up.setWordWrap(True)
        self.not_set_up.setVisible(self.current_channel() not in self.configured)
        layout.addWidget(self.not_set_up)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.warning)
        layout.addWidget(self.body, 1)
        layout.addWidget(note)
        layout.addWidget(self.buttons)

    def current_channel(self) -> str:
        return str(self.channel.currentData() or "")

    def show_preview(self, preview: ReminderPreview) -> None:
        esc = html.escape
        lines = [
            _("<b>To:</b> {to}").format(
                to=esc(", ".join(format_contact(t) for t in preview.to)) or "—"
            ),
            _("<b>Invoices:</b> {numbers}").format(numbers=esc(", ".join(preview.invoices))),
            _("<b>Template:</b> {name}").format(name=esc(preview.template)),
        ]
        if preview.message.subject:
            lines.append(
                _("<b>Subject:</b> {subject}").format(subject=esc(preview.message.subject))
            )
        self.summary.setText("<br>".join(lines))
        if preview.message.html:
            self.body.setHtml(preview.message.html)
        else:
            self.body.setPlainText(preview.message.text)
        self._set_warnings(preview.warnings)
        settable = preview.channel in self.configured
        self.not_set_up.setVisible(not settable)
        self.send_button.setEnabled(bool(preview.to) and settable)

    def _set_warnings(self, warnings: Sequence[str]) -> None:
        self.warnings = tuple(warnings)
        self.warning.setText(
            _("Reminders to this contractor are on hold: {reasons}.").format(
                reasons="; ".join(self.warnings)
            )
            if self.warnings
            else ""
        )
        self.warning.setVisible(bool(self.warnings))
        self.send_button.setText(_("&Send anyway…") if self.warnings else _("&Send now"))

    def _send_clicked(self) -> None:
        channel = self.current_channel()
        if not self.warnings:
            self.send_requested.emit(channel, False)
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            _("Send the reminder anyway?"),
            _(
                "Reminders to this contractor are on hold:\n{reasons}\n\nSend this one anyway?"
            ).format(reasons="\n".join("• " + w for w in self.warnings)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered(button: QAbstractButton) -> None:
            if box.standardButton(button) == QMessageBox.StandardButton.Yes:
                self.send_requested.emit(channel, True)

        box.buttonClicked.connect(answered)
        self.confirm_box = box
        box.open()

    def show_problem(self, message: str) -> None:
        self.summary.setText(html.escape(message))
        self.body.clear()
        self._set_warnings(())
        self.send_button.setEnabled(False)

    def sending(self) -> None:
        self.send_button.setEnabled(False)
        self.summary.setText(_("Sending…"))


Callback = Callable[[], None]
