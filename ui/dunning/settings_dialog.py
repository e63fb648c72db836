"""Settings: the firm, e-mail, SMS and voice gateways, sending windows and the schedule.

Every field is checked with the parser the settings registry (and the firm service) itself uses,
and a problem is written under the field in plain words; nothing is saved until every field is
right, and then one service call (``settings_store.save_settings``) saves it all. Passwords and
tokens go to the system keyring and are never shown back: an empty password field means "keep
the stored one". "Send test message…" saves first, then sends through the same service as
``inkaso send-test``, off the GUI thread, and says what the server answered.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from db.uow import Database
from desktop_app import autostart as login_start
from desktop_app.changes import Change
from desktop_app.domain.credibility import WhiteListEntry, address_parts
from desktop_app.domain.identifiers import (
    format_phone,
    normalize_email,
    normalize_iban,
    normalize_nip,
    normalize_phone,
)
from desktop_app.domain.money import normalize_currency
from desktop_app.errors import InkasoError, ValidationError
from desktop_app.i18n import N_, _
from desktop_app.services import whitelist
from desktop_app.services.backup import default_folder
from desktop_app.services.dunning.send_test import SendTestResult, send_test
from desktop_app.services.firm import FirmInput
from desktop_app.services.settings_store import (
    SecretsNotSavedError,
    SettingsChanges,
    StoredSettings,
    load_settings,
    save_settings,
)
from desktop_app.settings import KEYS
from resources import resource_path
from ui import theme
from ui.errors import show_error
from ui.operations import Operations
from ui.widgets.date_edit import DateEdit

log = logging.getLogger(__name__)

TABS = ("firm", "email", "sms", "voice", "windows", "schedule", "sources")
#: what the dialog shows
SHOWS = Change.SETTINGS | Change.FIRM
SECURITY_LABELS = {
    "starttls": N_("STARTTLS (usually port 587)"),
    "tls": N_("TLS from the start (usually port 465)"),
    "plain": N_("None (plain, only inside a trusted network)"),
}
PROVIDER_LABELS = {
    "none": N_("Not used"),
    "smsapi": N_("SMSAPI.pl"),
    "twilio": N_("Twilio"),
    "generic": N_("Other gateway (generic HTTP)"),
}
SECRET_OF = {
    "email": "smtp.password",
    "sms": "sms.token",
    "voice": "voice.token",
    "ksef": "ksef.token",
    "1c": "1c.password",
}


def setting_text(value: Any) -> str:
    """A stored value as the registry's parser reads it back."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False) if value else ""
    return "" if value is None else str(value)


def parse_accounts(text: str) -> list[tuple[str, str]]:
    """One account a line, optionally followed by its currency: ``PL61 1090 … EUR``."""
    accounts = []
    for line in text.splitlines():
        words = line.split()
        if not words:
            continue
        currency = "PLN"
        if len(words) > 1 and len(words[-1]) == 3 and words[-1].isalpha():
            currency = normalize_currency(words[-1])
            words = words[:-1]
        accounts.append((normalize_iban("".join(words)), currency))
    return accounts


class Field:
    """One editor, the setting or firm field it stands for, and the line for its problem."""

    def __init__(self, key: str, editor: QWidget, error: QLabel) -> None:
        self.key = key
        self.editor = editor
        self.error = error

    def text(self) -> str:
        editor = self.editor
        if isinstance(editor, QLineEdit):
            return editor.text().strip()
        if isinstance(editor, QComboBox):
            return str(editor.currentData())
        if isinstance(editor, QCheckBox):
            return "true" if editor.isChecked() else "false"
        if isinstance(editor, QPlainTextEdit):
            return editor.toPlainText().strip()
        raise TypeError(editor)

    def set_text(self, text: str) -> None:
        editor = self.editor
        if isinstance(editor, QLineEdit):
            editor.setText(text)
        elif isinstance(editor, QComboBox):
            index = editor.findData(text)
            editor.setCurrentIndex(max(index, 0))
        elif isinstance(editor, QCheckBox):
            editor.setChecked(text == "true")
        elif isinstance(editor, QPlainTextEdit):
            editor.setPlainText(text)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))


class SettingsDialog(QDialog):
    #: settings were written (the tray re-reads the sending state)
    saved = Signal()
    #: the stored values arrived and fill the fields (tests wait for it)
    loaded = Signal()
    #: a test message finished: the result, or the exception for bad input
    test_finished = Signal(object)
    #: the White List answered (or could not be asked)
    white_list_filled = Signal()

    def __init__(
        self,
        db: Database,
        ops: Operations,
        parent: QWidget | None = None,
        *,
        sections: Sequence[str] = (),
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        """``sections`` (from SECTIONS): build only these, for another window to show
        (:meth:`section`), as the first-run wizard does; the firm is then saved by that window,
        never by a test message's save here."""
        super().__init__(parent)
        self._db = db
        self._ops = ops
        #: the day the White List is asked about (``--today``)
        self._today = today
        self.fields: dict[str, Field] = {}
        self._tab_of: dict[str, int] = {}
        self._original: dict[str, str] = {}
        self._original_firm: dict[str, str] = {}
        self.stored_secrets: dict[str, bool] = {}
        #: every field's text as last loaded or saved (secrets aside): what typing is told from
        self._shown: dict[str, str] = {}
        self.ready = False
        self.saving = False
        #: the stored settings changed while something typed here was not saved yet
        self.changed_elsewhere = False
        #: the next announcement is this dialog's own save: nothing changed "elsewhere"
        self._own_save = False
        self.setWindowTitle(_("Settings"))
        self.setWindowIcon(QIcon(str(resource_path("icons", "inkaso.svg"))))
        #: the firm is kept for whoever shows the sections (the wizard's Finish), not saved here
        self.firm_waits = bool(sections)
        self._sections: dict[str, QWidget] = {}

        self.tabs = QTabWidget()
        if sections:
            self._build_sections(sections)
        else:
            self._build_tabs()
        self.problem = _error_label()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setEnabled(False)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        if not sections:
            layout = QVBoxLayout(self)
            layout.addWidget(self.tabs, 1)
            bottom = QHBoxLayout()
            bottom.addWidget(self.problem, 1)
            bottom.addWidget(self.buttons)
            layout.addLayout(bottom)
            self.resize(theme.fitting_size(self.sizeHint().expandedTo(QSize(780, 520))))
        self._ops.read(
            lambda: load_settings(db), on_success=self._loaded, owner=self, label="settings"
        )
        ops.changed.connect(self._data_changed)

    def _build_tabs(self) -> None:
        self.tabs.addTab(self._firm_tab(), _("Firm"))
        self.tabs.addTab(self._email_tab(), _("E-mail"))
        self.tabs.addTab(self._gateway_tab("sms"), _("SMS"))
        self.tabs.addTab(self._gateway_tab("voice"), _("Voice calls"))
        self.tabs.addTab(self._windows_tab(), _("Sending hours"))
        self.tabs.addTab(self._schedule_tab(), _("Schedule"))
        from ui.imports.sources_tab import SourcesTab  # it builds its fields with this class

        self.sources = SourcesTab(self)
        self.tabs.addTab(self.sources, _("Import sources"))

    def _build_sections(self, sections: Sequence[str]) -> None:
        builders: dict[str, Callable[[], QWidget]] = {
            "firm": lambda: self._section(self._firm_form),
            "accounts": lambda: self._section(self._accounts_form),
            "email": self._email_tab,
            "sms": lambda: self._gateway_tab("sms"),
        }
        for name in sections:
            self._sections[name] = builders[name]()

    def _section(self, fill: Callable[[QFormLayout], None]) -> QWidget:
        page = QWidget()
        fill(_form(page))
        return page

    def section(self, name: str) -> QWidget:
        """A page built for another window to show (see ``sections``)."""
        return self._sections[name]

    # -- building ------------------------------------------------------------------------------

    def _add(
        self,
        form: QFormLayout,
        key: str,
        label: str,
        editor: QWidget,
        *,
        hint: str | None = None,
    ) -> QWidget:
        error = _error_label()
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(editor)
        box.addWidget(error)
        if hint:
            note = QLabel(hint)
            note.setWordWrap(True)
            pal = note.palette()
            pal.setColor(note.foregroundRole(), theme.muted_text())
            note.setPalette(pal)
            box.addWidget(note)
        form.addRow(label, holder)
        self.fields[key] = Field(key, editor, error)
        self._tab_of[key] = self.tabs.count()
        if key in KEYS and not isinstance(editor, QCheckBox):
            editor.setToolTip(_(KEYS[key].help))
        return holder

    # -- for the tabs other modules build (ui.imports.sources_tab) --------------------------------

    @property
    def db(self) -> Database:
        return self._db

    @property
    def ops(self) -> Operations:
        return self._ops

    def mark_tab(self, key: str) -> None:
        """A field put into ``fields`` by hand belongs to the tab being built."""
        self._tab_of[key] = self.tabs.count()

    def add_field(
        self, form: QFormLayout, key: str, label: str, editor: QWidget, **kw: Any
    ) -> None:
        self._add(form, key, label, editor, **kw)

    def line_field(self, key: str, form: QFormLayout, label: str, **kw: Any) -> QLineEdit:
        return self._line(key, form, label, **kw)

    def combo_field(
        self, key: str, form: QFormLayout, label: str, options: dict[str, str]
    ) -> QComboBox:
        return self._combo(key, form, label, options)

    def _line(self, key: str, form: QFormLayout, label: str, **kw: Any) -> QLineEdit:
        edit = QLineEdit()
        edit.setAccessibleName(label.rstrip(":"))
        placeholder = kw.pop("placeholder", None)
        if placeholder:
            edit.setPlaceholderText(placeholder)
        self._add(form, key, label, edit, **kw)
        return edit

    def _combo(self, key: str, form: QFormLayout, label: str, options: dict[str, str]) -> QComboBox:
        combo = QComboBox()
        for value, text in options.items():
            combo.addItem(_(text), value)
        self._add(form, key, label, combo)
        return combo

    def _firm_tab(self) -> QWidget:
        page = QWidget()
        form = _form(page)
        self._firm_form(form)
        self._accounts_form(form)
        self._line("firm.timezone", form, _("Time zone:"), placeholder="Europe/Warsaw")
        return page

    def _firm_form(self, form: QFormLayout) -> None:
        intro = QLabel(
            _(
                "Reminders are signed with these details and name the account to pay into. "
                "Until the firm's name is entered, Inkaso sends nothing."
            )
        )
        intro.setWordWrap(True)
        form.addRow(intro)
        nip = self._line("firm.nip", form, _("NIP:"), placeholder="0000000000")
        self.whitelist_button = QPushButton(_("Fill in from the &White List"))
        self.whitelist_button.setToolTip(
            _("Name and address as the VAT White List has them (needs the Internet)")
        )
        self.whitelist_button.setAutoDefault(False)
        self.whitelist_button.clicked.connect(self.fill_from_white_list)
        self.whitelist_result = QLabel()
        self.whitelist_result.setWordWrap(True)
        self.whitelist_result.hide()
        holder = QWidget()
        line = QHBoxLayout(holder)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.whitelist_button)
        line.addWidget(self.whitelist_result, 1)
        form.addRow("", holder)
        self._line("firm.name", form, _("Name:"))
        # the NIP first: it fills in the rest
        self.setTabOrder(nip, self.whitelist_button)
        self._line("firm.street", form, _("Street:"))
        self._line("firm.postal_code", form, _("Postal code:"), placeholder="00-000")
        self._line("firm.city", form, _("City:"))
        self._line("firm.email", form, _("E-mail:"))
        self._line("firm.phone", form, _("Phone:"))

    def _accounts_form(self, form: QFormLayout) -> None:
        accounts = QPlainTextEdit()
        accounts.setTabChangesFocus(True)
        accounts.setPlaceholderText("PL61 1090 1014 0000 0712 1981 2874")
        accounts.setFixedHeight(accounts.fontMetrics().lineSpacing() * 4 + 12)
        self._add(
            form,
            "firm.accounts",
            _("Bank accounts:"),
            accounts,
            hint=_("One account a line; add the currency after it if it is not PLN (… EUR)."),
        )

    def fill_from_white_list(self) -> None:
        """Name and address from the VAT White List for the NIP typed (off the GUI thread);
        offline, the user types them by hand."""
        nip_field = self.fields["firm.nip"]
        try:
            nip = normalize_nip(nip_field.text())
        except ValidationError as exc:
            nip_field.show_error(_plain(exc))
            return
        nip_field.show_error("")
        db, today = self._db, self._today()
        self.whitelist_button.setEnabled(False)
        self.whitelist_result.setText(_("Asking the VAT White List…"))
        self.whitelist_result.show()

        def done(entry: WhiteListEntry) -> None:
            self.whitelist_button.setEnabled(True)
            if not entry.found:
                self.whitelist_result.setText(
                    _("The White List does not know NIP {nip}: type the details by hand.").format(
                        nip=nip
                    )
                )
                return
            if entry.name:
                self.fields["firm.name"].set_text(entry.name)
            if entry.address:
                street, postal, city = address_parts(entry.address)
                self.fields["firm.street"].set_text(street)
                self.fields["firm.postal_code"].set_text(postal)
                self.fields["firm.city"].set_text(city)
            self.whitelist_result.setText(_("Filled in from the White List."))
            self.white_list_filled.emit()

        def failed(exc: BaseException) -> None:
            self.whitelist_button.setEnabled(True)
            log.info("White List not asked: %s", exc)
            self.whitelist_result.setText(
                _("{problem} Type the details by hand.").format(problem=_plain(exc))
            )
            self.white_list_filled.emit()

        # the answer is kept as proof of the check; no view shows it, so nothing to announce
        self._ops.write(
            lambda: whitelist.check_nip(db, nip, today),
            changes=Change.NONE,
            on_success=done,
            on_failure=failed,
            owner=self,
            label="White List check",
        )

    def _email_tab(self) -> QWidget:
        page = QWidget()
        form = _form(page)
        self._line("smtp.host", form, _("SMTP server:"), placeholder="smtp.example.com")
        self._line("smtp.port", form, _("Port:"), placeholder="587")
        self._combo("smtp.security", form, _("Security:"), SECURITY_LABELS)
        self._line("smtp.user", form, _("Login:"))
        password = self._line("secret.smtp.password", form, _("Password:"))
        password.setEchoMode(QLineEdit.EchoMode.Password)
        self._line("smtp.from", form, _("From address:"), placeholder="windykacja@firma.pl")
        self._line(
            "smtp.from_name",
            form,
            _("From name:"),
            hint=_("Empty: the firm's name."),
        )
        reply = QLabel(
            _(
                "Replies go to the contractor's account manager when one is assigned, "
                "otherwise to the From address."
            )
        )
        reply.setWordWrap(True)
        form.addRow(_("Reply-To:"), reply)
        self._line("smtp.timeout", form, _("Timeout (seconds):"))
        self._line(
            "notice.recipients",
            form,
            _("Owner's notices to:"),
            placeholder="szef@firma.pl, kierownik@firma.pl",
        )
        form.addRow("", self._test_row("email"))
        return page

    def _gateway_tab(self, kind: str) -> QWidget:
        page = QWidget()
        form = _form(page)
        provider = self._combo(f"{kind}.provider", form, _("Provider:"), PROVIDER_LABELS)
        self._line(
            f"{kind}.api_url",
            form,
            _("Gateway address:"),
            hint=_("Empty: the provider's usual address. Required for another gateway."),
        )
        self._line(
            f"{kind}.sender",
            form,
            _("Sender name:") if kind == "sms" else _("Caller number:"),
        )
        account = self._line(f"{kind}.account", form, _("Account SID:"))
        token = self._line(f"secret.{kind}.token", form, _("API token:"))
        token.setEchoMode(QLineEdit.EchoMode.Password)
        if kind == "sms":
            check = QCheckBox(_("Replace Polish letters so more text fits in one SMS"))
            self._add(form, "sms.transliterate", "", check)
        generic = QGroupBox(_("Other gateway (generic HTTP)"))
        inner = _form(generic)
        self._combo(
            f"{kind}.http_method", inner, _("Method:"), {m: m for m in ("POST", "GET", "PUT")}
        )
        self._combo(
            f"{kind}.http_format",
            inner,
            _("Body format:"),
            {"json": N_("JSON"), "form": N_("Form fields")},
        )
        self._line(
            f"{kind}.http_headers",
            inner,
            _("Headers (JSON):"),
            placeholder='{"Authorization": "Bearer {token}"}',
        )
        self._line(
            f"{kind}.http_body",
            inner,
            _("Body template:"),
            placeholder='{"to": "{to}", "message": "{text}", "from": "{sender}"}',
        )
        self._line(f"{kind}.http_id_field", inner, _("Message id in answer:"), placeholder="id")
        form.addRow(generic)
        form.addRow("", self._test_row(kind))

        def provider_changed(_index: int) -> None:
            chosen = provider.currentData()
            generic.setVisible(chosen == "generic")
            self._row_visible(form, account, chosen == "twilio")

        provider.currentIndexChanged.connect(provider_changed)
        provider_changed(0)
        return page

    def _windows_tab(self) -> QWidget:
        page = QWidget()
        form = _form(page)
        intro = QLabel(
            _(
                "Messages wait for these hours, in the firm's time zone. SMS and calls are "
                "never made at night. Business days skip weekends and Polish public holidays."
            )
        )
        intro.setWordWrap(True)
        form.addRow(intro)
        for kind, label in (
            ("email", _("E-mails:")),
            ("sms", _("SMS:")),
            ("voice", _("Calls:")),
        ):
            start, end = QLineEdit(), QLineEdit()
            for edit in (start, end):
                edit.setInputMask("99:99")
                edit.setMaximumWidth(edit.fontMetrics().horizontalAdvance("00:00") + 24)
            days = QCheckBox(_("business days only"))
            row = QWidget()
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            line.addWidget(QLabel(_("from")))
            line.addWidget(start)
            line.addWidget(QLabel(_("to")))
            line.addWidget(end)
            line.addSpacing(16)
            line.addWidget(days)
            line.addStretch(1)
            self._add(form, f"window.{kind}", label, row)
            error = self.fields[f"window.{kind}"].error
            self.fields[f"window.{kind}"] = _WindowField(f"window.{kind}", start, end, row, error)
            self.fields[f"window.{kind}.business_days"] = Field(
                f"window.{kind}.business_days", days, _error_label()
            )
            self._tab_of[f"window.{kind}.business_days"] = self.tabs.count()
        return page

    def _schedule_tab(self) -> QWidget:
        page = QWidget()
        form = _form(page)
        self._line(
            "schedule.interval_minutes",
            form,
            _("Run every (minutes):"),
            hint=_("A run also happens when Inkaso starts; a missed run is caught up."),
        )
        paused = QCheckBox(_("Pause automatic sending (for everyone using this database)"))
        self._add(form, "schedule.paused", "", paused)
        since = QCheckBox(_("only from this day on"))
        day = DateEdit(dt.date.today())  # only where the picker opens; unticked means no day
        day.setEnabled(False)
        since.toggled.connect(day.setEnabled)
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(since)
        line.addWidget(day)
        line.addStretch(1)
        self._add(
            form,
            "dunning.start_date",
            _("Remind about invoices due from:"),
            row,
            hint=_("Not ticked: all unpaid invoices. Useful when starting with old debt."),
        )
        error = self.fields["dunning.start_date"].error
        self.fields["dunning.start_date"] = _DayField("dunning.start_date", since, day, row, error)
        self._line(
            "backup.folder",
            form,
            _("Backup folder:"),
            placeholder=str(default_folder()),
            hint=_(
                "A copy of the database is made there every day (kept: 7 days, 4 weeks, "
                "12 months) and before every upgrade. Empty: the folder shown. A network "
                "drive is a good place."
            ),
        )
        # this computer's, not the database's: written to the system on Save
        self.autostart = QCheckBox(_("Start Inkaso minimised to the tray when I log in"))
        self.autostart.setToolTip(_("On this computer, for you; reminders go out while it runs"))
        self.autostart.setChecked(login_start.is_enabled())
        form.addRow(_("This computer:"), self.autostart)
        return page

    def _apply_autostart(self) -> None:
        box = getattr(self, "autostart", None)
        if not isinstance(box, QCheckBox) or box.isChecked() == login_start.is_enabled():
            return
        try:
            login_start.set_enabled(box.isChecked())
        except OSError as exc:
            log.warning("autostart not changed: %s", exc)
            QMessageBox.warning(
                self,
                _("Start with the system"),
                _("Inkaso could not be set to start with the system: {problem}").format(
                    problem=exc.strerror or exc
                ),
            )

    def _test_row(self, channel: str) -> QWidget:
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 8, 0, 0)
        button = QPushButton(_("Send test message…"))
        button.setObjectName(f"test-{channel}")
        button.clicked.connect(lambda: self.ask_test(channel))
        result = QLabel()
        result.setWordWrap(True)
        result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        line.addWidget(button)
        line.addWidget(result, 1)
        setattr(self, f"test_button_{channel}", button)
        setattr(self, f"test_result_{channel}", result)
        return row

    def _row_visible(self, form: QFormLayout, editor: QWidget, visible: bool) -> None:
        holder = editor.parentWidget()
        if holder is not None:
            form.setRowVisible(holder, visible)

    # -- loading -------------------------------------------------------------------------------

    def _loaded(self, data: StoredSettings) -> None:
        for key, f in self.fields.items():
            if key in KEYS:
                text = setting_text(data.values[key])
                f.set_text(text)
                self._original[key] = text
        firm = data.firm
        firm_texts = {
            "firm.name": firm.name if firm else "",
            "firm.nip": (firm.nip or "") if firm else "",
            "firm.street": (firm.street or "") if firm else "",
            "firm.postal_code": (firm.postal_code or "") if firm else "",
            "firm.city": (firm.city or "") if firm else "",
            "firm.email": (firm.email or "") if firm else "",
            "firm.phone": format_phone(firm.phone) if firm and firm.phone else "",
            "firm.accounts": "\n".join(_spaced(a) for a in firm.accounts) if firm else "",
        }
        firm_texts = {k: text for k, text in firm_texts.items() if k in self.fields}
        for key, text in firm_texts.items():
            self.fields[key].set_text(text)
        self._original_firm = {
            k: self.fields[k].text() for k in firm_texts
        }  # as the editors normalise them
        self.stored_secrets = dict(data.stored_secrets)
        for name in self._secret_names():
            edit = self.fields[f"secret.{name}"].editor
            assert isinstance(edit, QLineEdit)
            edit.clear()
            edit.setPlaceholderText(
                _("stored in the system keyring; type to replace")
                if data.stored_secrets.get(name)
                else _("not set")
            )
        self._remember_shown()
        self.ready = True
        self.save_button.setEnabled(True)
        self.loaded.emit()

    def _secret_names(self) -> list[str]:
        return [name for name in SECRET_OF.values() if f"secret.{name}" in self.fields]

    def _remember_shown(self) -> None:
        self._shown = {k: f.text() for k, f in self.fields.items() if not k.startswith("secret.")}

    def has_edits(self) -> bool:
        """Something typed here and not saved yet."""
        if not self.ready:
            return False
        if any(self.fields[f"secret.{name}"].text() for name in self._secret_names()):
            return True
        return any(
            f.text() != self._shown.get(k) for k, f in self.fields.items() if k in self._shown
        )

    def _data_changed(self, changes: Change) -> None:
        own, self._own_save = self._own_save, False
        if self.firm_waits:
            return  # a re-read would wipe the firm typed for the wizard's Finish
        if not changes & SHOWS or not self.ready or self.saving:
            return  # a change heard while saving is read with the save's own announcement
        if self.has_edits():
            if not own:  # after this dialog's save only a refused secret is still typed
                self._mark_changed_elsewhere()
            return
        db = self._db
        self._ops.read(
            lambda: load_settings(db),
            on_success=self._reloaded,
            key=f"settings-{id(self)}",
            owner=self,
            label="settings",
        )

    def _reloaded(self, data: StoredSettings) -> None:
        if self.has_edits():  # typed while the stored values were being read
            self._mark_changed_elsewhere()
            return
        self.changed_elsewhere = False
        self.problem.hide()
        self._loaded(data)

    def _mark_changed_elsewhere(self) -> None:
        self.changed_elsewhere = True
        self.problem.setText(
            _("Settings were changed elsewhere while you were typing. Saving keeps what you typed.")
        )
        self.problem.show()

    # -- checking ------------------------------------------------------------------------------

    def show_tab(self, tab: str) -> None:
        if tab in TABS:
            self.tabs.setCurrentIndex(TABS.index(tab))

    def collect(self) -> SettingsChanges | None:
        """Check every field; on any problem show it by the field and return None."""
        problems: list[str] = []
        settings: dict[str, str] = {}
        secrets: dict[str, str] = {}
        for f in self.fields.values():
            f.show_error("")
        for key, f in self.fields.items():
            if key not in KEYS:
                continue
            text = f.text()
            spec = KEYS[key]
            try:
                if text or spec.default not in ("", {}):  # empty = "not used" where allowed
                    spec.parse(text)
            except (ValueError, ValidationError) as exc:
                f.show_error(_plain(exc))
                problems.append(key)
                continue
            if text != self._original.get(key, ""):
                settings[key] = text
        firm = self._collect_firm(problems)
        for name in self._secret_names():
            value = self.fields[f"secret.{name}"].text()
            if value:
                secrets[name] = value
        if problems:
            first = problems[0]
            self.tabs.setCurrentIndex(self._tab_of[first])
            self.fields[first].editor.setFocus()
            self.problem.setText(_("Nothing was saved: please correct the marked fields."))
            self.problem.show()
            return None
        self.problem.hide()
        return SettingsChanges(settings, firm, secrets)

    def _collect_firm(self, problems: list[str]) -> FirmInput | None:
        texts = {k: self.fields[k].text() for k in self._original_firm}
        if texts == self._original_firm:
            return None
        checks: dict[str, Callable[[str], Any]] = {
            "firm.nip": normalize_nip,
            "firm.email": normalize_email,
            "firm.phone": normalize_phone,
            "firm.accounts": parse_accounts,
        }
        parsed: dict[str, Any] = {}
        if not texts["firm.name"]:
            self.fields["firm.name"].show_error(_("The firm's name is needed."))
            problems.append("firm.name")
        for key, check in checks.items():
            if not texts[key]:
                continue
            try:
                parsed[key] = check(texts[key])
            except (ValueError, InkasoError) as exc:
                self.fields[key].show_error(_plain(exc))
                problems.append(key)
        if any(p.startswith("firm.") for p in problems):
            return None
        return FirmInput(
            name=texts["firm.name"],
            nip=texts["firm.nip"] or None,
            street=texts["firm.street"] or None,
            postal_code=texts["firm.postal_code"] or None,
            city=texts["firm.city"] or None,
            email=texts["firm.email"] or None,
            phone=texts["firm.phone"] or None,
            accounts=parsed.get("firm.accounts", []),
        )

    # -- saving --------------------------------------------------------------------------------

    def save(self, then: Callable[[], None] | None = None) -> bool:
        """Check, then save everything in one service call on the serial writer; closes the
        dialog unless ``then`` is given."""
        if not self.ready or self.saving:
            return False
        changes = self.collect()
        if changes is None:
            return False
        if self.firm_waits:
            changes = replace(changes, firm=None)
        db = self._db
        self.saving = True
        self.save_button.setEnabled(False)

        def done(_result: object) -> None:
            self._committed(changes, tuple(changes.secrets))
            self._apply_autostart()
            if then is not None:
                then()
            else:
                self.accept()

        def failed(exc: BaseException) -> None:
            self.saving = False
            self.save_button.setEnabled(True)
            if isinstance(exc, SecretsNotSavedError):
                # the settings and the firm are stored: only the refused secret is left to save
                self._committed(changes, exc.saved)
                self._ops.announce(SHOWS)
            field_name = getattr(exc, "field", None)
            target = self.fields.get(f"firm.{field_name}") or self.fields.get(field_name or "")
            if isinstance(exc, InkasoError) and target is not None:
                target.show_error(exc.message)
                self.tabs.setCurrentIndex(self._tab_of[target.key])
            else:
                show_error(exc, self)

        self._ops.write(
            lambda: save_settings(db, changes),
            changes=Change.SETTINGS | Change.FIRM,
            on_success=done,
            on_failure=failed,
            owner=self,
            label="save settings",
        )
        return True

    def _committed(self, changes: SettingsChanges, secrets: tuple[str, ...]) -> None:
        """What was written is the new starting point; a refused secret stays typed."""
        self.saving = False
        self.save_button.setEnabled(True)
        self._original.update(changes.settings)
        if changes.firm is not None:
            self._original_firm = {k: self.fields[k].text() for k in self._original_firm}
        for name in secrets:
            self.stored_secrets[name] = True
            edit = self.fields[f"secret.{name}"].editor
            assert isinstance(edit, QLineEdit)
            edit.clear()
            edit.setPlaceholderText(_("stored in the system keyring; type to replace"))
        self._remember_shown()
        self.changed_elsewhere = False
        self._own_save = True
        log.info(
            "settings saved: %s%s%s",
            ", ".join(sorted(changes.settings)) or "no settings",
            "; firm" if changes.firm else "",
            "; secrets " + ", ".join(sorted(secrets)) if secrets else "",
        )
        self.saved.emit()

    # -- test messages -------------------------------------------------------------------------

    def ask_test(self, channel: str) -> None:
        if channel == "email":
            prompt = _("Send a test e-mail to:")
            firm_email = self.fields.get("firm.email")
            guess = (firm_email.text() if firm_email else "") or self.fields["smtp.from"].text()
        else:
            prompt = (
                _("Send a test SMS to the phone number:")
                if channel == "sms"
                else _("Make a test call to the phone number:")
            )
            firm_phone = self.fields.get("firm.phone")
            guess = firm_phone.text() if firm_phone else ""
        to, ok = QInputDialog.getText(
            self, _("Send test message"), prompt, QLineEdit.EchoMode.Normal, guess
        )
        if ok and to.strip():
            self.send_test(channel, to.strip())

    def send_test(self, channel: str, to: str) -> None:
        """Save what was typed, then send a test through it (off the GUI thread)."""
        label = self._test_label(channel)
        label.setText(_("Sending…"))
        db = self._db

        def after_save() -> None:
            self._ops.read(
                lambda: send_test(db, channel, to),
                on_success=lambda result: self._tested(channel, result),
                on_failure=lambda exc: self._tested(channel, exc),
                owner=self,
                label=f"send test {channel}",
            )

        if not self.save(then=after_save):
            label.setText(
                _("Correct the marked fields first.") if self.ready else _("Still loading…")
            )

    def _tested(self, channel: str, outcome: SendTestResult | BaseException) -> None:
        label = self._test_label(channel)
        if isinstance(outcome, SendTestResult):
            if outcome.ok:
                text = _("Sent to {to}. Check that it arrived.").format(to=outcome.to)
                colour = theme.credit_text().name()
            elif outcome.status == "uncertain":
                text = _(
                    "Not confirmed: the server may have sent it; check whether it arrived: {detail}"
                ).format(detail=outcome.detail)
                colour = theme.overdue_text().name()
            elif outcome.status == "temporary_failure":
                text = _("Not sent, the server asked to try later: {detail}").format(
                    detail=outcome.detail
                )
                colour = theme.overdue_text().name()
            else:
                text = _("Not sent, the server refused: {detail}").format(detail=outcome.detail)
                colour = theme.overdue_text().name()
        elif isinstance(outcome, InkasoError):
            text = outcome.message
            colour = theme.overdue_text().name()
        else:
            log.error("test message failed", exc_info=outcome)
            text = _("Not sent: {problem}").format(problem=outcome)
            colour = theme.overdue_text().name()
        label.setText(f'<span style="color:{colour}">{html.escape(text)}</span>')
        self.test_finished.emit(outcome)

    def _test_label(self, channel: str) -> QLabel:
        label = getattr(self, f"test_result_{channel}")
        assert isinstance(label, QLabel)
        return label


class _WindowField(Field):
    """A sending window typed as two times; the registry reads it as ``HH:MM-HH:MM``."""

    def __init__(
        self, key: str, start: QLineEdit, end: QLineEdit, row: QWidget, error: QLabel
    ) -> None:
        super().__init__(key, row, error)
        self.start = start
        self.end = end

    def text(self) -> str:
        return f"{self.start.text().strip()}-{self.end.text().strip()}"

    def set_text(self, text: str) -> None:
        start, _sep, end = text.partition("-")
        self.start.setText(start)
        self.end.setText(end)


class _DayField(Field):
    """An optional day: a tick and a date in the user's form; the registry reads ISO or ""."""

    def __init__(
        self, key: str, check: QCheckBox, day: DateEdit, row: QWidget, error: QLabel
    ) -> None:
        super().__init__(key, row, error)
        self.check = check
        self.day = day

    def text(self) -> str:
        return self.day.value().isoformat() if self.check.isChecked() else ""

    def set_text(self, text: str) -> None:
        self.check.setChecked(bool(text))
        if text:
            self.day.set_value(dt.date.fromisoformat(text))


def _form(parent: QWidget) -> QFormLayout:
    form = QFormLayout(parent)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
    return form


def _error_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    pal = label.palette()
    pal.setColor(label.foregroundRole(), theme.overdue_text())
    label.setPalette(pal)
    label.hide()
    return label


def _plain(exc: BaseException) -> str:
    """A parser's complaint as a sentence: "must be between 1 and 65535" -> "Must be …"."""
    text = exc.message if isinstance(exc, InkasoError) else str(exc)
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _spaced(iban: str) -> str:
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
