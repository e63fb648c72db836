"""``inkaso-gui``: start the desktop application.

The database is opened (and, for ``--demo``, filled) off the GUI thread; a database that cannot be
opened is explained in a message box, and any unexpected error afterwards lands in the crash dialog
instead of killing the window.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QObject, Qt, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog

from db.engine import sqlite_path
from db.uow import Database
from desktop_app import __version__, argparse_words, preferences, self_test
from desktop_app.changes import Change
from desktop_app.errors import DamagedDatabaseError, DatabaseBusyError, InkasoError
from desktop_app.i18n import LANGUAGES, _, babel_locale, set_language
from desktop_app.instance import AlreadyRunningError, Request, channel_name
from desktop_app.logging_setup import configure_logging
from desktop_app.paths import data_dir
from desktop_app.services import activity, demo, firm, users, views
from desktop_app.services.database import open_database
from desktop_app.services.setup_state import setup_state
from resources import resource_path
from ui import caller
from ui.dunning.scheduler_bridge import SchedulerBridge
from ui.dunning.tray import SendingTray
from ui.errors import install_excepthook, show_error
from ui.first_run import wizard as first_run
from ui.first_run.wizard import FirstData, FirstRunWizard
from ui.garbage import GuiThreadCollector
from ui.main_window import MainWindow
from ui.operations import Operations
from ui.single_instance import InstanceServer, hand_over

log = logging.getLogger(__name__)

DEMO_FILE = "demo.db"
DEMO_SPEC = {"contractors": 300, "invoices": 6000, "seed": 1}


@dataclass(frozen=True)
class Options:
    db: str | None = None
    lang: str | None = None
    today: dt.date | None = None
    demo: bool = False
    #: run the dunning scheduler (and its tray icon) inside the GUI
    scheduler: bool = True
    #: start hidden in the tray (the login autostart, desktop_app.autostart)
    minimized: bool = False
    #: check the installation and exit (desktop_app.self_test)
    self_test: bool = False
    #: what to show once the window is up (the same request a second launch hands over)
    request: Request = field(default_factory=Request)


@dataclass(frozen=True)
class _Opened:
    db: Database
    currency: str
    label: str
    empty: bool
    #: no firm set up yet: the first-run wizard comes before the window
    needs_wizard: bool = False


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            _("{text} is not a date; use YYYY-MM-DD").format(text=text)
        ) from exc


def parse_args(argv: Sequence[str]) -> tuple[Options, list[str]]:
    """Our options, plus whatever is left for Qt (``-platform``, ``-style``...)."""
    argparse_words.use_our_translations()
    parser = argparse.ArgumentParser(
        prog="inkaso-gui", description=_("Inkaso: receivables and dunning for small firms.")
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--db", metavar="PATH|URL", help=_("database file or PostgreSQL URL to open")
    )
    where.add_argument(
        "--demo",
        action="store_true",
        help=_("open the demo database in the data folder, creating it on first use"),
    )
    parser.add_argument("--lang", choices=LANGUAGES, help=_("language of the interface"))
    parser.add_argument(
        "--today",
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help=_("show amounts as of this date instead of today"),
    )
    parser.add_argument(
        "--no-scheduler",
        action="store_true",
        help=_("do not send reminders from this window (no tray icon); Run now still works"),
    )
    parser.add_argument(
        "--minimized", action="store_true", help=_("start in the tray, without the window")
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help=_("check that this installation works (database, letters) and exit"),
    )
    parser.add_argument("--version", action="version", version=f"Inkaso {__version__}")
    # a softphone or a second launch: open the card of the contractor with this number
    who = parser.add_mutually_exclusive_group()
    who.add_argument(
        "--phone",
        metavar="NUMBER",
        help=_("open the card of the contractor with this phone number"),
    )
    who.add_argument(
        "--nip", metavar="NIP", help=_("open the card of the contractor with this NIP")
    )
    who.add_argument(
        "--contractor", metavar="ID", type=int, help=_("open the card of this contractor")
    )
    known, rest = parser.parse_known_args(list(argv))
    opening = known.phone is not None or known.nip is not None or known.contractor is not None
    options = Options(
        db=known.db,
        lang=known.lang,
        today=known.today,
        demo=known.demo,
        scheduler=not known.no_scheduler,
        minimized=known.minimized,
        self_test=known.self_test,
        request=Request(
            "open" if opening else "show",
            phone=known.phone,
            nip=known.nip,
            contractor=known.contractor,
        ),
    )
    return options, rest


def setup_application(app: QApplication, lang: str) -> list[QTranslator]:
    """Application identity, locale, and Qt's own translations (standard buttons and dialogs)."""
    app.setApplicationName("Inkaso")
    app.setOrganizationName("Inkaso")
    app.setApplicationDisplayName("Inkaso")
    app.setApplicationVersion(__version__)
    app.setWindowIcon(QIcon(str(resource_path("icons", "inkaso.svg"))))
    locale = QLocale(babel_locale(lang))
    QLocale.setDefault(locale)
    translators: list[QTranslator] = []
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translator = QTranslator(app)
    if translator.load(f"qtbase_{lang}", folder):
        app.installTranslator(translator)
        translators.append(translator)
    elif lang != "en":
        log.warning("Qt translations for %s not found in %s", lang, folder)
    return translators


def _label(db: Database) -> str:
    path = sqlite_path(db.url)
    return str(path) if path is not None else db.url.render_as_string(hide_password=True)


def database_target(options: Options) -> str | Path | None:
    """The database the options name (the demo's file in the data folder for ``--demo``)."""
    if options.demo:
        return data_dir() / DEMO_FILE
    return options.db


def claim_instance(options: Options) -> tuple[bool, InstanceServer | None]:
    """(handed over, server): start listening as the only Inkaso on this database, or hand
    ``options.request`` to the one already running (this launch then exits without opening
    anything). No server when the database cannot be named (a bad ``--db``: the launcher
    explains it) or the channel cannot be opened (Inkaso still starts, as before).
    AlreadyRunningError when the running one does not take the request."""
    try:
        name = channel_name(database_target(options))
    except InkasoError:
        return False, None
    server = InstanceServer(name)
    if server.listen():
        return False, server
    server.deleteLater()
    if hand_over(name, options.request):
        log.info("Inkaso is already running on this database: request handed over")
        return True, None
    if server.taken:
        log.warning("an Inkaso on this database accepts connections but did not take the request")
        raise AlreadyRunningError(
            _(
                "Inkaso is already open for this database but does not respond. Wait a moment "
                "and try again, or close it first."
            )
        )
    return False, None


def _open(target: str | Path | None) -> _Opened:
    db = open_database(target)
    try:
        empty = views.count_contractors(db) == 0
        wizard = setup_state(db).needs_wizard
        return _Opened(db, firm.home_currency(db), _label(db), empty, wizard)
    except BaseException:
        db.dispose()
        raise


def _start_advice(exc: InkasoError) -> str:
    """What to do next, under the sentence the CLI prints for the same fault."""
    if isinstance(exc, DatabaseBusyError):
        return _("Close the other program, or wait until it has finished, and start Inkaso again.")
    if isinstance(exc, DamagedDatabaseError):
        return _(
            "Restore the database from a backup copy (Inkaso makes one every day and before "
            "each upgrade, in the backup folder): run inkaso restore FILE, or start Inkaso "
            "with another database."
        )
    return _(
        "Inkaso cannot start with this database. Check the path or address given "
        "with --db, or start Inkaso without it to use the usual database."
    )


class Launcher(QObject):
    """Opens the database off the GUI thread, then shows the main window (or explains why not)."""

    def __init__(self, app: QApplication, options: Options) -> None:
        super().__init__(app)
        self.app = app
        self.options = options
        self.collector = GuiThreadCollector(self)
        self.ops = Operations(self)
        self.window: MainWindow | None = None
        self.scheduler: SchedulerBridge | None = None
        self.tray: SendingTray | None = None
        self.error_box: QMessageBox | None = None
        self.progress: QProgressDialog | None = None
        self.db: Database | None = None
        self._fixed_today = options.today
        self.translators: list[QTranslator] = []
        self.wizard: FirstRunWizard | None = None
        #: the channel a second launch hands its request over (None: not the only instance)
        self.server: InstanceServer | None = None
        #: requests that came before the window was up
        self._pending: list[Request] = [options.request]

    def today(self) -> dt.date:
        return self._fixed_today or dt.date.today()

    def now(self) -> dt.datetime:
        """The scheduler's clock: now, or the time of day now on the day given with --today."""
        moment = dt.datetime.now().astimezone()
        if self._fixed_today is None:
            return moment
        return dt.datetime.combine(self._fixed_today, moment.timetz())

    def attach(self, server: InstanceServer) -> None:
        """Take the requests of later launches (and ``inkaso open``) from ``server``."""
        self.server = server
        server.setParent(self)
        server.requested.connect(self.handle)

    def handle(self, request: Request) -> None:
        """Another launch's request: to the front, then the contractor it names."""
        if self.window is None:
            self._pending.append(request)  # still opening the database
            return
        self.show_window()
        caller.open_request(self.window, request)

    def start(self) -> None:
        target = database_target(self.options)
        if isinstance(target, Path):
            target.parent.mkdir(parents=True, exist_ok=True)
        log.info("starting Inkaso %s on %s", __version__, target or "the default database")
        self.ops.write(
            lambda: _open(target),
            changes=Change.NONE,  # migrating: no window shows anything yet
            on_success=self._opened,
            on_failure=self._failed,
            label="open database",
        )

    def _opened(self, opened: _Opened) -> None:
        self.db = opened.db
        if self.options.demo and opened.empty:
            self._generate_demo(opened)
            return
        if opened.needs_wizard and not self.options.demo:
            # no window yet: the wizard closing must not look like the last window closed
            self.app.setQuitOnLastWindowClosed(False)
            self.wizard = first_run.open_wizard(
                opened.db, self.ops, today=self.today, on_close=lambda c: self._set_up(opened, c)
            )
            return
        self._show_window(opened)

    def _set_up(self, opened: _Opened, first_data: FirstData | None) -> None:
        """After the wizard (Finish or Cancel), the window and the first data chosen."""
        self.wizard = None
        self.app.setQuitOnLastWindowClosed(True)
        self._show_window(opened)
        if self.window is not None:
            first_run.open_first_data(self.window, first_data)

    def _generate_demo(self, opened: _Opened) -> None:
        spec = demo.DemoSpec(today=self.today(), **DEMO_SPEC)
        progress = QProgressDialog(
            _("Preparing demo data: {contractors} contractors and {invoices} invoices…").format(
                contractors=spec.contractors, invoices=spec.invoices
            ),
            "",
            0,
            0,
        )
        progress.setWindowTitle(_("Inkaso"))
        progress.setCancelButton(None)
        progress.setMinimumDuration(0)
        progress.setWindowModality(Qt.WindowModality.ApplicationModal)
        progress.setMinimumWidth(420)
        progress.show()
        self.progress = progress
        db = opened.db

        def done(_summary: object) -> None:
            # the window first, then the progress dialog goes (in _show_window): with no window
            # open for a moment, Qt would take it for the last one closed and quit
            self._show_window(opened)

        self.ops.write(
            lambda: demo.generate(db, spec),
            changes=Change.NONE,  # the windows open on the finished demo
            on_success=done,
            on_failure=self._failed,
            label="demo data",
        )

    def _show_window(self, opened: _Opened) -> None:
        # a fresh install's login is its owner, so Mine works from the first start (after the
        # demo, whose people would otherwise give way to this one login)
        login = activity.current_actor()
        try:
            users.ensure_first_user(opened.db, login, login)
        except InkasoError as exc:  # a busy database: Mine offers This is me… instead
            log.warning("the first user was not made: %s", exc)
        if self.options.scheduler:
            self.scheduler = SchedulerBridge(opened.db, self.ops, clock=self.now, parent=self)
        window = MainWindow(
            opened.db,
            self.ops,
            currency=opened.currency,
            today=self.today,
            db_label=opened.label,
            scheduler=self.scheduler,
        )
        if not self.options.minimized:
            window.show()
        self.window = window
        self._close_progress()
        if self.scheduler is not None:
            self._start_sending(window, self.scheduler)
        pending, self._pending = self._pending, []
        for request in pending:
            caller.open_request(window, request)
        if self.options.minimized and (self.tray is None or not self.tray.available):
            window.showMinimized()  # no tray to wait in

    def _start_sending(self, window: MainWindow, scheduler: SchedulerBridge) -> None:
        """The scheduler in this process, and the tray icon that outlives the window."""
        tray = SendingTray(window.sending, parent=self)
        self.tray = tray
        tray.open_requested.connect(self.show_window)
        tray.quit_requested.connect(self.app.quit)
        if tray.available:
            tray.show()
            window.tray = tray
            self.app.setQuitOnLastWindowClosed(False)
        scheduler.start()

    def show_window(self) -> None:
        """To the front: from the tray, un-minimised (a maximised window stays maximised)."""
        window = self.window
        if window is not None:
            window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
            window.show()
            window.raise_()
            window.activateWindow()

    def _close_progress(self) -> None:
        if self.progress is not None:
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None

    def _failed(self, exc: BaseException) -> None:
        self._explain_failure(exc)
        # only now that the message is open: closing the last window would quit the app
        self._close_progress()

    def _explain_failure(self, exc: BaseException) -> None:
        if isinstance(exc, InkasoError):
            log.warning("cannot start: %s", exc.message)
            box = QMessageBox(
                QMessageBox.Icon.Critical,
                _("Inkaso"),
                exc.message,
                QMessageBox.StandardButton.Close,
            )
            box.setInformativeText(_start_advice(exc))
            box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()
            self.error_box = box
        else:
            self.error_box = show_error(exc)

    def shutdown(self) -> None:
        """Let running work finish before the database goes away."""
        if self.server is not None:
            self.server.close()  # a launch from now on starts afresh
        if self.tray is not None:
            self.tray.hide()
        if self.scheduler is not None:
            self.scheduler.shutdown()
        self.ops.shutdown()
        if self.db is not None:
            self.db.dispose()
            self.db = None
        self.collector.stop()


def launch(
    options: Options,
    app: QApplication,
    *,
    install_hooks: bool = True,
    server: InstanceServer | None = None,
) -> Launcher:
    """Everything ``main`` does except running the event loop (tests drive the loop themselves).
    ``server``: the single-instance channel this launch listens on (see :func:`claim_instance`)."""
    lang = set_language(options.lang or preferences.language())
    if install_hooks:
        configure_logging()
        install_excepthook()
    launcher = Launcher(app, options)
    if server is not None:
        launcher.attach(server)
    launcher.translators = setup_application(app, lang)
    app.aboutToQuit.connect(launcher.shutdown)
    launcher.start()
    return launcher


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    set_language(None)  # the --help text in the system language
    options, qt_arguments = parse_args(arguments)
    if options.self_test:
        return self_test.main(options.db)
    existing = QApplication.instance()
    app = (
        existing
        if isinstance(existing, QApplication)
        else QApplication([sys.argv[0], *qt_arguments])
    )
    configure_logging()
    # before the database is opened: a second launch must not open it, nor start a scheduler
    try:
        handed_over, server = claim_instance(options)
    except AlreadyRunningError as exc:
        set_language(options.lang)
        QMessageBox.critical(None, _("Inkaso"), exc.message)
        return 1
    if handed_over:
        return 0
    launch(options, app, server=server)
    return app.exec()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
