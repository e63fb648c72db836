"""The in-process scheduler: a run at start, then every N minutes (APScheduler).

Four jobs: the dunning run (which imports from every configured source first) every
``schedule.interval_minutes``; the automatic import alone every ``import.interval_minutes``, so
invoices and payments come in even while sending is paused; the morning digest every day at
``digest.hour`` (the firm's time); and the daily backup, checked every hour and made by the first
check of a day without one.

Runs are state-based, so a run missed while the PC slept is simply caught up by the next one.
One scheduler per machine and database (a file lock); several PCs share one database safely
because each run takes the database lease (services/dunning/lease.py).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import threading
from collections.abc import Callable, Iterator

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from filelock import FileLock, Timeout

from db.uow import Database
from desktop_app.errors import InkasoError
from desktop_app.i18n import _
from desktop_app.paths import lock_dir
from desktop_app.services.backup import Backup, backup_if_due
from desktop_app.services.digest import mail as digest_mail
from desktop_app.services.dunning.runner import RunReport, run_cycle
from desktop_app.services.dunning.windows import firm_zone
from desktop_app.services.setup_state import setup_state
from desktop_app.services.sync.everything import SyncReport, import_all
from desktop_app.settings import Snapshot, set_value

log = logging.getLogger(__name__)
JOB_ID = "dunning"
IMPORT_JOB_ID = "import"
DIGEST_JOB_ID = "digest"
BACKUP_JOB_ID = "backup"
#: the daily backup is looked for this often, and first this long after the start (not in the
#: middle of the start's dunning run)
BACKUP_CHECK = dt.timedelta(hours=1)
BACKUP_FIRST = dt.timedelta(minutes=2)

Listener = Callable[[RunReport | None, BaseException | None], None]


def machine_lock(db: Database) -> FileLock:
    """The lock that keeps a second scheduler on this machine from starting for the same data."""
    digest = hashlib.sha256(db.url.render_as_string(hide_password=True).encode()).hexdigest()[:16]
    folder = lock_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return FileLock(str(folder / f"scheduler-{digest}.lock"))


class DunningScheduler:
    """Owns the APScheduler instance; the GUI tray and ``inkaso scheduler`` both use it."""

    def __init__(
        self,
        db: Database,
        *,
        blocking: bool = False,
        listener: Listener | None = None,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.db = db
        self.listener = listener
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._lock = machine_lock(db)
        self._scheduler = BlockingScheduler() if blocking else BackgroundScheduler()
        self._running = threading.Lock()
        self.last_report: RunReport | None = None
        self.last_error: BaseException | None = None
        self.last_import: SyncReport | None = None
        self.last_backup_error: BaseException | None = None

    def start(self) -> None:
        try:
            self._lock.acquire(timeout=0)
        except Timeout as exc:
            raise InkasoError(
                _("The scheduler is already running on this computer for this database")
            ) from exc
        settings = Snapshot.load(self.db)
        minutes = int(settings["schedule.interval_minutes"])
        self._scheduler.add_job(
            self.import_once,
            IntervalTrigger(minutes=int(settings["import.interval_minutes"])),
            id=IMPORT_JOB_ID,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
        )
        self._scheduler.add_job(
            self.run_once,
            IntervalTrigger(minutes=minutes),
            id=JOB_ID,
            next_run_time=dt.datetime.now(dt.UTC),  # a run at start
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
        )
        hour = int(settings["digest.hour"])
        catch_up: dict[str, dt.datetime] = {}
        if self._clock().astimezone(firm_zone(settings)).hour >= hour:
            # a PC switched on after the hour sends the day's digest at once (once: the outbox key)
            catch_up["next_run_time"] = dt.datetime.now(dt.UTC)
        self._scheduler.add_job(
            self.digest_once,
            CronTrigger(hour=hour, timezone=firm_zone(settings)),
            id=DIGEST_JOB_ID,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
            **catch_up,
        )
        self._scheduler.add_job(
            self.backup_once,
            IntervalTrigger(seconds=int(BACKUP_CHECK.total_seconds())),
            id=BACKUP_JOB_ID,
            next_run_time=dt.datetime.now(dt.UTC) + BACKUP_FIRST,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
        )
        log.info("scheduler started: every %s minutes", minutes)
        self._scheduler.start()

    def run_once(self) -> RunReport | None:
        """One cycle now; never raises (the error is kept and reported to the listener)."""
        if not self._running.acquire(blocking=False):
            return None
        try:
            report = run_cycle(self.db, now=self._clock())
            self.last_report, self.last_error = report, None
            if self.listener:
                self.listener(report, None)
            return report
        except Exception as exc:
            log.exception("dunning run failed")
            self.last_error = exc
            if self.listener:
                self.listener(None, exc)
            return None
        finally:
            self._running.release()

    def import_once(self) -> SyncReport | None:
        """The automatic import alone; skipped while a dunning run (which imports) is on."""
        if not self._running.acquire(blocking=False):
            return None
        try:
            settings = Snapshot.load(self.db)
            today = self._clock().astimezone(firm_zone(settings)).date()
            self.last_import = import_all(self.db, today=today)
            for problem in self.last_import.problems():
                log.warning("automatic import: %s", problem)
            return self.last_import
        except Exception:
            log.exception("automatic import failed")
            return None
        finally:
            self._running.release()

    def digest_once(self) -> list[int]:
        """Queue and send today's digests; never raises. Digests that cannot go now stay in the
        outbox for the next dunning run; a digest already queued today is never queued again."""
        ids: list[int] = []
        try:
            if not setup_state(self.db).may_send:
                return []  # like every reminder, nothing before setting up is finished
            now = self._clock().astimezone(firm_zone(Snapshot.load(self.db)))
            ids = digest_mail.queue(self.db, now.date(), now)
            if ids:
                digest_mail.send(self.db, ids, now=now, today=now.date())
            return ids
        except InkasoError as exc:  # e-mail not set up, another sender: queued, goes out later
            log.warning("morning digest not sent: %s", exc.message)
            return ids
        except Exception:
            log.exception("morning digest failed")
            return []

    def backup_once(self) -> Backup | None:
        """Today's backup when there is none yet; never raises (the error is kept: the status
        bar shows how old the newest backup is)."""
        try:
            local = self._clock().astimezone(firm_zone(Snapshot.load(self.db)))
            made = backup_if_due(self.db, local.replace(tzinfo=None))
            self.last_backup_error = None
            return made
        except InkasoError as exc:  # a folder away, pg_dump missing: the sentence is enough
            log.warning("daily backup not made: %s", exc.message)
            self.last_backup_error = exc
            return None
        except Exception as exc:
            log.exception("daily backup failed")
            self.last_backup_error = exc
            return None

    @contextlib.contextmanager
    def held(self, timeout: float = 120.0) -> Iterator[None]:
        """No job starts meanwhile and none is running (a restore replaces the database
        under them); the schedule goes on afterwards."""
        pausing = self._scheduler.running
        if pausing:
            self._scheduler.pause()
        try:
            if not self._running.acquire(timeout=timeout):
                raise InkasoError(_("A dunning run is still going; try again when it has finished"))
            try:
                yield
            finally:
                self._running.release()
        finally:
            if pausing:
                self._scheduler.resume()

    @property
    def paused(self) -> bool:
        return bool(Snapshot.load(self.db)["schedule.paused"])

    def set_paused(self, paused: bool) -> None:
        """Pausing is a setting, so it holds for the CLI and the other PCs too."""
        set_value(self.db, "schedule.paused", "true" if paused else "false")

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        if self._lock.is_locked:
            self._lock.release()
