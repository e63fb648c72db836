"""First-run wizard: language, firm, bank account, e-mail and SMS, scenario, owner, autostart,
first data.

The firm, account, e-mail and SMS pages are the Settings dialog's own sections (one
:class:`SettingsDialog` built with ``sections`` and never shown), so the wizard and Settings
check and save them the same way. Nothing is written before Finish except what a "Send test
message" saves of the e-mail or SMS settings; the firm is written at Finish, in one transaction
with the rest (services.first_run), and until then services.setup_state keeps every reminder
back. Cancel leaves the database as it was, and the wizard asks again at the next start.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QProcess, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from db.uow import Database
from desktop_app import autostart, preferences
from desktop_app.changes import Change
from desktop_app.domain.presets import PRESETS
from desktop_app.i18n import LANGUAGES, _, current_language, set_language
from desktop_app.services import activity, first_run, users
from desktop_app.services.dunning import scenarios
from desktop_app.services.dunning.scenarios import ScenarioInfo
from desktop_app.services.setup_state import SetupState, setup_state
from desktop_app.services.users import UserView
from resources import resource_path
from ui.dunning.settings_dialog import SettingsDialog
from ui.errors import show_error
from ui.operations import Operations

if TYPE_CHECKING:
    from ui.main_window import MainWindow

log = logging.getLogger(__name__)

#: each language in its own words (never translated)
LANGUAGE_NAMES = {"pl": "Polski", "en": "English", "ru": "Русский"}
SECTIONS = ("firm", "accounts", "email", "sms")


@dataclass(frozen=True)
class _Start:
    scenarios: list[ScenarioInfo]
    owner: UserView | None
    state: SetupState


def _start(db: Database) -> _Start:
    return _Start(scenarios.list_scenarios(db), users.current_user(db), setup_state(db))


class FirstData(enum.Enum):
    IMPORT = "import"
    DEMO = "demo"
    LATER = "later"


class Page(enum.IntEnum):
    LANGUAGE = 0
    FIRM = 1
    ACCOUNT = 2
    EMAIL = 3
    SMS = 4
    SCENARIO = 5
    OWNER = 6
    AUTOSTART = 7
    FIRST_DATA = 8


def _page(title: str, subtitle: str) -> QWizardPage:
    page = QWizardPage()
    page.setTitle(title)
    page.setSubTitle(subtitle)
    return page


class _SettingsPage(QWizardPage):
    """One section of the Settings dialog; Next checks it as Save would."""

    def __init__(self, settings: SettingsDialog, section: str, title: str, subtitle: str) -> None:
        super().__init__()
        self.settings = settings
        self.setTitle(title)
        self.setSubTitle(subtitle)
        layout = QVBoxLayout(self)
        layout.addWidget(settings.section(section))
        layout.addStretch(1)

    def validatePage(self) -> bool:
        return self.settings.ready and self.settings.collect() is not None


class _FirmPage(_SettingsPage):
    def __init__(self, settings: SettingsDialog, section: str, title: str, subtitle: str) -> None:
        super().__init__(settings, section, title, subtitle)
        name = settings.fields["firm.name"].editor
        assert isinstance(name, QLineEdit)
        name.textChanged.connect(self.completeChanged)

    def isComplete(self) -> bool:
        return bool(self.settings.fields["firm.name"].text())


class FirstRunWizard(QWizard):
    #: the user chose another language: the wizard is built again in it
    language_chosen = Signal(str)
    #: Finish saved everything (the first data chosen)
    setup_finished = Signal(object)

    def __init__(
        self,
        db: Database,
        ops: Operations,
        *,
        today: Callable[[], dt.date] = dt.date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._ops = ops
        self.saving = False
        self.setWindowTitle(_("Setting Inkaso up"))
        self.setWindowIcon(QIcon(str(resource_path("icons", "inkaso.svg"))))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        for button, text in (
            (QWizard.WizardButton.BackButton, _("< &Back")),
            (QWizard.WizardButton.NextButton, _("&Next >")),
            (QWizard.WizardButton.FinishButton, _("&Finish")),
            (QWizard.WizardButton.CancelButton, _("Cancel")),
        ):
            self.setButtonText(button, text)
        self.settings = SettingsDialog(db, ops, parent=self, sections=SECTIONS, today=today)
        self.setPage(Page.LANGUAGE, self._language_page())
        self.setPage(
            Page.FIRM,
            _FirmPage(
                self.settings,
                "firm",
                _("Your firm"),
                # the section itself says what the details are for
                _(
                    "Type the NIP and fill in the rest from the VAT White List, or type it all "
                    "by hand."
                ),
            ),
        )
        self.setPage(
            Page.ACCOUNT,
            _SettingsPage(
                self.settings,
                "accounts",
                _("Bank account"),
                _("The account reminders and letters ask your contractors to pay into."),
            ),
        )
        self.setPage(
            Page.EMAIL,
            _SettingsPage(
                self.settings,
                "email",
                _("E-mail"),
                _(
                    "The server reminders are sent through. Send a test message to see that it "
                    "works; you can also leave this for later (Settings)."
                ),
            ),
        )
        self.setPage(
            Page.SMS,
            _SettingsPage(
                self.settings,
                "sms",
                _("SMS"),
                _("The gateway text messages go through; leave it unused if you send none."),
            ),
        )
        self.setPage(Page.SCENARIO, self._scenario_page())
        self.setPage(Page.OWNER, self._owner_page())
        self.setPage(Page.AUTOSTART, self._autostart_page())
        self.setPage(Page.FIRST_DATA, self._first_data_page())
        self.resize(760, 620)
        ops.read(lambda: _start(db), on_success=self._started, owner=self, label="setup state")

    # -- pages ---------------------------------------------------------------------------------

    def _language_page(self) -> QWizardPage:
        page = _page(
            _("Welcome to Inkaso"),
            _(
                "A few questions and Inkaso is ready to work your receivables. Nothing is "
                "sent to anyone before you press Finish."
            ),
        )
        form = QFormLayout(page)
        self.language = QComboBox()
        for code in LANGUAGES:
            self.language.addItem(LANGUAGE_NAMES[code], code)
        self.language.setCurrentIndex(LANGUAGES.index(current_language()))
        self.language.currentIndexChanged.connect(
            lambda _i: self.language_chosen.emit(self.language.currentData())
        )
        form.addRow(_("Language:"), self.language)
        return page

    def _scenario_page(self) -> QWizardPage:
        page = _page(
            _("Default scenario"),
            _(
                "The steps every contractor goes through when an invoice is late, unless you "
                "choose another one for them. You can edit scenarios later."
            ),
        )
        form = QFormLayout(page)
        self.scenario = QComboBox()
        form.addRow(_("Scenario:"), self.scenario)
        return page

    def _started(self, start: _Start) -> None:
        """Opened again on a database already set up, the wizard shows what is there."""
        if start.owner is not None:
            self.owner_name.setText(start.owner.full_name)
            self.owner_email.setText(start.owner.email or "")
        if not start.state.needs_wizard:
            self.autostart.setChecked(autostart.is_enabled())
        self.scenario.clear()
        for info in start.scenarios:
            # a built-in one in the language shown, whatever language created the database
            preset = PRESETS.get(info.name) if info.builtin else None
            title = _(preset.title) if preset is not None else info.title or info.name
            self.scenario.addItem(title, info.name)
            if info.is_default:
                self.scenario.setCurrentIndex(self.scenario.count() - 1)

    def _owner_page(self) -> QWizardPage:
        page = _page(
            _("You, the first user"),
            _(
                "Inkaso knows its users by their login on this computer; you are the owner. "
                "More users can be added later."
            ),
        )
        form = QFormLayout(page)
        self.owner_login = QLabel(activity.current_actor())
        self.owner_name = QLineEdit()
        self.owner_name.setPlaceholderText(_("e.g. Anna Nowak"))
        self.owner_email = QLineEdit()
        form.addRow(_("Login:"), self.owner_login)
        form.addRow(_("Full name:"), self.owner_name)
        form.addRow(_("E-mail:"), self.owner_email)
        return page

    def _autostart_page(self) -> QWizardPage:
        page = _page(
            _("Start with the system"),
            _(
                "Reminders go out only while Inkaso runs. Started with the system, it waits "
                "in the tray next to the clock."
            ),
        )
        layout = QVBoxLayout(page)
        self.autostart = QCheckBox(_("Start Inkaso minimised to the tray when I log in"))
        self.autostart.setChecked(True)
        layout.addWidget(self.autostart)
        layout.addStretch(1)
        return page

    def _first_data_page(self) -> QWizardPage:
        page = _page(
            _("Your first data"),
            _("Inkaso is ready. What would you like to do once the wizard is finished?"),
        )
        layout = QVBoxLayout(page)
        self.first_data = QButtonGroup(page)
        for choice, text in (
            (FirstData.IMPORT, _("Import invoices from a file or a folder")),
            (FirstData.DEMO, _("Look around the demo first (a separate database)")),
            (FirstData.LATER, _("Nothing now; I will enter or import data later")),
        ):
            button = QRadioButton(text)
            button.setObjectName(f"first-data-{choice.value}")
            self.first_data.addButton(button)
            button.setProperty("choice", choice.value)
            layout.addWidget(button)
        self.first_data.buttons()[0].setChecked(True)
        layout.addStretch(1)
        return page

    def chosen_first_data(self) -> FirstData:
        checked = self.first_data.checkedButton()
        return FirstData(checked.property("choice")) if checked else FirstData.LATER

    # -- finish --------------------------------------------------------------------------------

    def accept(self) -> None:
        """Finish: everything in one service call; the window closes once it is saved."""
        if self.saving:
            return
        changes = self.settings.collect()
        if changes is None:
            self._back_to_problem()
            return
        run = first_run.FirstRun(
            settings=changes,
            owner_login=self.owner_login.text(),
            owner_name=self.owner_name.text().strip(),
            owner_email=self.owner_email.text().strip() or None,
            scenario=self.scenario.currentData() or None,
        )
        db = self._db
        self.saving = True

        def done(_owner: object) -> None:
            self.saving = False
            self._set_autostart(self.autostart.isChecked())
            log.info("first-run setup finished")
            choice = self.chosen_first_data()
            super(FirstRunWizard, self).accept()
            self.setup_finished.emit(choice)

        def failed(exc: BaseException) -> None:
            self.saving = False
            show_error(exc, self)

        self._ops.write(
            lambda: first_run.finish(db, run),
            changes=Change.SETTINGS | Change.FIRM | Change.SCENARIOS,
            on_success=done,
            on_failure=failed,
            owner=self,
            label="first-run setup",
        )

    def _back_to_problem(self) -> None:
        """Back to the first page with a field marked wrong."""
        for page_id in self.pageIds():
            page = self.page(page_id)
            if any(
                f.error.text() and page.isAncestorOf(f.editor)
                for f in self.settings.fields.values()
            ):
                while self.currentId() > page_id:
                    self.back()
                return

    def _set_autostart(self, enabled: bool) -> None:
        try:
            if enabled or autostart.is_enabled():
                autostart.set_enabled(enabled)
        except OSError as exc:
            log.warning("autostart not changed: %s", exc)
            QMessageBox.warning(
                self,
                _("Start with the system"),
                _("Inkaso could not be set to start with the system: {problem}").format(
                    problem=exc.strerror or exc
                ),
            )


def open_first_data(window: MainWindow, choice: FirstData | None) -> None:
    """What the last page chose, once the main window is there."""
    from ui.imports.menu import open_import_wizard

    if choice is FirstData.IMPORT:
        open_import_wizard(window)
    elif choice is FirstData.DEMO:
        open_demo()


def open_demo() -> bool:
    """The demo in a process of its own, beside this one (its database is a separate file)."""
    program, *arguments = autostart.program()
    started, _pid = QProcess.startDetached(program, [*arguments, "--demo"])
    return bool(started)


def open_wizard(
    db: Database,
    ops: Operations,
    *,
    today: Callable[[], dt.date] = dt.date.today,
    parent: QWidget | None = None,
    on_close: Callable[[FirstData | None], None] | None = None,
) -> FirstRunWizard:
    """Show the wizard; another language rebuilds it in that language at once. ``on_close``
    hears the first data chosen at Finish, or None after Cancel."""

    def build() -> FirstRunWizard:
        wizard = FirstRunWizard(db, ops, today=today, parent=parent)
        holder.append(wizard)
        wizard.language_chosen.connect(switch)
        wizard.setup_finished.connect(lambda choice: closed(wizard, choice))
        wizard.rejected.connect(lambda: closed(wizard, None))
        wizard.show()
        return wizard

    def switch(lang: str) -> None:
        old = holder[-1]
        set_language(lang)
        preferences.set_language(lang)
        geometry = old.geometry()
        new = build()
        new.setGeometry(geometry)
        old.language_chosen.disconnect(switch)
        old.hide()
        old.deleteLater()

    def closed(wizard: FirstRunWizard, choice: FirstData | None) -> None:
        if wizard is holder[-1] and on_close is not None:
            on_close(choice)

    holder: list[FirstRunWizard] = []
    return build()
