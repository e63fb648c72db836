"""New / Edit contractor: who they are, how to reach them, their terms, language and manager."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from db.uow import Database
from desktop_app.changes import Change
from desktop_app.domain.credibility import address_parts
from desktop_app.domain.credit_policy import suggest_terms
from desktop_app.domain.identifiers import normalize_nip
from desktop_app.errors import InkasoError, ValidationError
from desktop_app.i18n import _
from desktop_app.services import contractors, users, views, whitelist
from desktop_app.services.contractors import MAX_TERMS_DAYS, ContractorInput
from desktop_app.services.credit_policy import credit_outlook
from desktop_app.services.views import ContractorView
from desktop_app.services.whitelist import Credibility
from ui import theme
from ui.card.insight_panel import light_colour, light_text
from ui.entry.field_errors import FieldErrors, error_label
from ui.entry.list_editor import ListEditor
from ui.entry.terms_suggestion import TermsSuggestion
from ui.errors import show_error
from ui.operations import Operations
from ui.widgets.amount_edit import AmountEdit

LANGUAGES = (("pl", "Polski"), ("en", "English"), ("ru", "Русский"))


class ContractorDialog(QDialog):
    """Saves through ``add_contractor`` or ``edit_contractor``; ``saved`` carries the id."""

    saved = Signal(int)

    def __init__(
        self,
        db: Database,
        ops: Operations,
        *,
        today: Callable[[], dt.date],
        contractor: ContractorView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._ops = ops
        self._today = today
        self._editing = contractor
        self.setWindowTitle(_("Edit contractor") if contractor else _("New contractor"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(560, 640)

        self.name_edit = QLineEdit()
        self.name_edit.setMinimumWidth(380)
        self.nip_edit = QLineEdit()
        self.nip_edit.setPlaceholderText("526-025-02-74")
        self.nip_hint = QLabel()
        # the registry is asked only on this click, never while the NIP is being typed
        self.whitelist_button = QPushButton(_("Check in the &White List"))
        self.whitelist_button.setToolTip(
            _("Fill the name and address from the VAT White List and show the credibility light")
        )
        self.whitelist_button.setAutoDefault(False)
        self.whitelist_button.setEnabled(False)
        self.whitelist_button.clicked.connect(self.check_white_list)
        self.whitelist_result = QLabel()
        self.whitelist_result.setTextFormat(Qt.TextFormat.RichText)
        self.whitelist_result.setWordWrap(True)
        self.whitelist_result.hide()
        self.credibility: Credibility | None = None
        self.street_edit = QLineEdit()
        self.postal_edit = QLineEdit()
        self.postal_edit.setMaximumWidth(110)
        self.city_edit = QLineEdit()
        self.emails = ListEditor(placeholder="biuro@firma.pl")
        self.phones = ListEditor(placeholder="501 234 567")
        self.terms_spin = QSpinBox()
        self.terms_spin.setRange(0, MAX_TERMS_DAYS)
        self.terms_spin.setValue(14)
        self.terms_spin.setSuffix(_(" days"))
        self.terms_suggestion = TermsSuggestion()
        self.terms_suggestion.accepted.connect(self.terms_spin.setValue)
        limit_currency = (contractor.credit_limit_currency if contractor else None) or "PLN"
        self.limit_edit = AmountEdit(limit_currency, placeholder=_("no limit"))
        self.limit_edit.setToolTip(
            _("Open invoices plus a new one above this amount bring a warning ({currency})").format(
                currency=limit_currency
            )
        )
        self.language_combo = QComboBox()
        for code, name in LANGUAGES:
            self.language_combo.addItem(name, code)
        self.manager_combo = QComboBox()
        self.manager_combo.addItem(_("(nobody)"), None)
        self.tags_edit = QLineEdit()
        self.tags_edit.setPlaceholderText(_("separated by commas"))
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setMaximumHeight(70)

        self.general_error = error_label()
        self.errors = FieldErrors(self.general_error)
        form = QFormLayout()
        rows: list[tuple[str, QWidget, str | None, tuple[str, ...]]] = [
            (_("&Name:"), self.name_edit, "name", ()),
            (_("NI&P:"), self.nip_edit, "nip", ()),
            (_("&Street:"), self.street_edit, None, ()),
            (_("Postal &code:"), self.postal_edit, None, ()),
            (_("C&ity:"), self.city_edit, None, ()),
            (_("&E-mails:"), self.emails, "email", ("emails",)),
            (_("P&hones:"), self.phones, "phone", ("phones",)),
            (_("Payment &terms:"), self.terms_spin, "terms", ()),
            ("", self.terms_suggestion, None, ()),
            (_("Credit &limit:"), self.limit_edit, "credit_limit", ()),
            (_("&Language of messages:"), self.language_combo, "language", ()),
            (_("Account &manager:"), self.manager_combo, "assigned_user", ()),
            (_("T&ags:"), self.tags_edit, "tags", ()),
            (_("N&otes:"), self.notes_edit, None, ()),
        ]
        for title, widget, field, aliases in rows:
            form.addRow(title, widget)
            if widget is self.nip_edit:
                hint_row = QHBoxLayout()
                hint_row.addWidget(self.nip_hint, 1)
                hint_row.addWidget(self.whitelist_button)
                form.addRow("", hint_row)
                form.addRow("", self.whitelist_result)
            if field is not None:
                label = error_label()
                form.addRow("", label)
                self.errors.add(field, widget, label, *aliases)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.general_error)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        self.nip_edit.textChanged.connect(self._check_nip)
        self.name_edit.textChanged.connect(self._check_ready)
        if contractor is not None:
            self._fill(contractor)
        self._check_nip()
        self._check_ready()
        self._load_users(contractor.assigned_user_id if contractor else None)
        self._load_terms()

    def _fill(self, c: ContractorView) -> None:
        self.name_edit.setText(c.name)
        self.nip_edit.setText(c.nip or "")
        self.street_edit.setText(c.street or "")
        self.postal_edit.setText(c.postal_code or "")
        self.city_edit.setText(c.city or "")
        for email in c.emails:
            self.emails.add(email)
        for phone in c.phones:
            self.phones.add(phone)
        self.terms_spin.setValue(c.terms_days)
        self.limit_edit.set_minor(c.credit_limit_minor)
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(c.language)))
        self.tags_edit.setText(", ".join(c.tags))
        self.notes_edit.setPlainText(c.notes or "")

    def _load_terms(self) -> None:
        """A new contractor has no history: prepayment is suggested at once; a known one's
        suggestion comes from its rating."""
        if self._editing is None:
            self.terms_suggestion.set_terms(suggest_terms(None, 0, self.terms_spin.value()))
            return
        db, contractor_id, today = self._db, self._editing.id, self._today()
        self._ops.read(
            lambda: credit_outlook(db, contractor_id, today).terms,
            on_success=self.terms_suggestion.set_terms,
            key=f"contractor-terms-{id(self)}",
            owner=self,
            label="suggested terms",
        )

    def _load_users(self, selected: int | None) -> None:
        db = self._db

        def loaded(found: list[users.UserView]) -> None:
            for user in found:
                self.manager_combo.addItem(user.full_name, user.id)
            if selected is not None:
                self.manager_combo.setCurrentIndex(max(0, self.manager_combo.findData(selected)))

        self._ops.read(lambda: users.list_users(db), on_success=loaded, owner=self, label="users")

    # -- checks as you type ----------------------------------------------------------------------

    def _check_nip(self) -> None:
        """The NIP's check digit as it is typed: a hint, not a block (Save says it again)."""
        text = self.nip_edit.text().strip()
        if not text:
            self.nip_hint.setText(_("No NIP (a private person or a foreign firm)"))
            colour = theme.muted_text()
        else:
            try:
                nip = normalize_nip(text)
            except ValidationError as exc:
                self.nip_hint.setText(exc.message)
                colour = theme.overdue_text()
            else:
                self.nip_hint.setText(_("NIP {nip} is valid").format(nip=nip))
                colour = theme.muted_text()
        self.whitelist_button.setEnabled(self._valid_nip() is not None)
        pal = self.nip_hint.palette()
        pal.setColor(self.nip_hint.foregroundRole(), colour)
        self.nip_hint.setPalette(pal)

    def _valid_nip(self) -> str | None:
        text = self.nip_edit.text().strip()
        if not text:
            return None
        try:
            return normalize_nip(text)
        except ValidationError:
            return None

    def check_white_list(self) -> None:
        """Ask the registry about the NIP (off the GUI thread); fill what it answers."""
        nip = self._valid_nip()
        if nip is None:
            return
        db, today = self._db, self._today()
        self.whitelist_button.setEnabled(False)
        self._show_result(html.escape(_("Asking the VAT White List…")))

        def done(found: Credibility) -> None:
            self.whitelist_button.setEnabled(self._valid_nip() is not None)
            self.credibility = found
            entry = found.entry
            if entry.found and entry.name:
                self.name_edit.setText(entry.name)
            if entry.found and entry.address:
                street, postal, city = address_parts(entry.address)
                self.street_edit.setText(street)
                self.postal_edit.setText(postal)
                self.city_edit.setText(city)
            light = found.summary.light
            reasons = "<br>".join(f"• {html.escape(r)}" for r in found.summary.reasons)
            request = _("Request id: {id}").format(id=entry.request_id)
            self._show_result(
                f"<span style='color:{light_colour(light).name()}'>●</span> "
                f"<b>{html.escape(light_text(light))}</b><br>{reasons}"
                f"<br>{html.escape(request)}"
            )

        def failed(exc: BaseException) -> None:
            self.whitelist_button.setEnabled(self._valid_nip() is not None)
            if isinstance(exc, InkasoError):
                self._show_result(html.escape(exc.message))
            else:
                self.whitelist_result.hide()
                show_error(exc, self)

        # the answer is kept as proof of the check; no view shows it, so nothing to announce
        self._ops.write(
            lambda: whitelist.credibility(db, nip, today),
            changes=Change.NONE,
            on_success=done,
            on_failure=failed,
            owner=self,
            label="White List check",
        )

    def _show_result(self, text: str) -> None:
        self.whitelist_result.setText(text)
        self.whitelist_result.show()

    def nip_valid(self) -> bool:
        try:
            return (
                bool(normalize_nip(self.nip_edit.text())) if self.nip_edit.text().strip() else True
            )
        except ValidationError:
            return False

    def _check_ready(self) -> None:
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setEnabled(bool(self.name_edit.text().strip()))

    # -- saving ----------------------------------------------------------------------------------

    def data(self) -> ContractorInput:
        base = views.contractor_input(self._editing) if self._editing else ContractorInput(name="")
        base.name = self.name_edit.text()
        base.nip = self.nip_edit.text()
        base.street = self.street_edit.text()
        base.postal_code = self.postal_edit.text()
        base.city = self.city_edit.text()
        base.emails = self.emails.values()
        base.phones = self.phones.values()
        base.terms_days = self.terms_spin.value()
        try:
            base.credit_limit_minor = self.limit_edit.minor_or_none()
        except ValidationError as exc:
            raise ValidationError(exc.message, field="credit_limit") from None
        if base.credit_limit_minor is not None and base.credit_limit_currency is None:
            base.credit_limit_currency = self.limit_edit.currency
        base.language = str(self.language_combo.currentData())
        base.assigned_user_id = self.manager_combo.currentData()
        base.tags = [t.strip() for t in self.tags_edit.text().split(",") if t.strip()]
        base.notes = self.notes_edit.toPlainText()
        return base

    def save(self) -> None:
        self.errors.clear()
        try:
            data = self.data()
        except ValidationError as exc:
            self.errors.show(exc, self)
            return
        db, editing = self._db, self._editing

        def run() -> int:
            if editing is None:
                return contractors.add_contractor(db, data)
            return contractors.edit_contractor(db, editing.id, data)

        def done(contractor_id: int) -> None:
            self.saved.emit(contractor_id)
            self.accept()

        self.buttons.setEnabled(False)

        def failed(exc: BaseException) -> None:
            self.buttons.setEnabled(True)
            self.errors.show(exc, self)

        self._ops.write(
            run,
            changes=Change.CONTRACTORS,
            on_success=done,
            on_failure=failed,
            owner=self,
            label="save contractor",
        )
