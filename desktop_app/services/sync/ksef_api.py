"""Fetch the invoices our firm issued from the KSeF API and import them (issue 7, item 2).

Incremental by the high-water mark (pobieranie-faktur/hwm.md): a sync lists what KSeF stored
since the mark, up to KSeF's current HWM, and moves the mark there; what is before the HWM
never changes, so nothing is missed and little is fetched twice. The mark stays before any
invoice that was not imported (refused, not yet downloadable, or left for the next sync because
a rate limit ran out), so the next sync picks it up again. Invoices already imported (same
KSeF number) are not downloaded again: downloads have the tightest limit (64 an hour).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import zoneinfo
from collections.abc import Callable

from sqlalchemy import select

from db.models import Invoice
from db.uow import Database
from desktop_app.errors import ValidationError
from desktop_app.i18n import _
from desktop_app.importers import ksef as ksef_format
from desktop_app.importers.formats import ParseOptions
from desktop_app.importers.records import ImportFileError, ParsedFile
from desktop_app.secrets import get_secret
from desktop_app.services.firm import get_firm
from desktop_app.services.imports import FileError, ImportReport, SkippedItem, upsert
from desktop_app.settings import Snapshot, store_value
from desktop_app.sources import ksef_api
from desktop_app.sources.http import LimitReachedError, RemoteHttp
from desktop_app.sources.ksef_api import InvoiceMeta, KsefClient

log = logging.getLogger(__name__)

#: called after each invoice with (invoices done, invoices listed so far)
Progress = Callable[[int, int], None]
SecretReader = Callable[[str], str | None]
#: where a first sync starts when no --since is given: the three months one query may span
FIRST_SYNC = dt.timedelta(days=90)


def base_url(settings: Snapshot) -> str:
    return str(settings["ksef.api_url"] or ksef_api.ENVIRONMENTS[settings["ksef.environment"]])


def sync_ksef(
    db: Database,
    *,
    today: dt.date,
    since: dt.date | None = None,
    actor: str | None = None,
    progress: Progress | None = None,
    secret: SecretReader = get_secret,
) -> ImportReport:
    """Import the firm's invoices stored in KSeF since the mark (or since ``since``)."""
    settings = Snapshot.load(db)
    firm = get_firm(db)
    if firm is None or not firm.nip:
        raise ValidationError(
            _("Enter your firm's NIP before fetching invoices from KSeF (inkaso firm set)"),
            field="nip",
        )
    token = secret("ksef.token")
    if not token:
        raise ValidationError(
            _("Store the firm's KSeF token first: inkaso secret set ksef.token"),
            field="ksef.token",
        )
    zone = zoneinfo.ZoneInfo(str(settings["firm.timezone"]))
    marks: dict[str, str] = dict(settings["ksef.hwm"])
    if since is not None:
        start = dt.datetime.combine(since, dt.time(), zone)
    elif firm.nip in marks:
        start = dt.datetime.fromisoformat(marks[firm.nip])
    else:
        start = dt.datetime.combine(today - FIRST_SYNC, dt.time(), zone)
    environment = str(settings["ksef.environment"])
    options = ParseOptions(firm_nip=firm.nip, today=today)
    report = ImportReport()
    with RemoteHttp(
        ksef_api.SERVICE, base_url(settings), limits=ksef_api.limits(environment)
    ) as http:
        run = _Run(
            db, KsefClient(http, nip=firm.nip, token=token), options, actor, report, progress
        )
        mark = run.pages(start.astimezone(dt.UTC))
    if mark is not None:
        marks[firm.nip] = mark.isoformat()
        with db.write() as session:
            store_value(session, "ksef.hwm", marks)
    log.info(
        "KSeF sync from %s: %d created, %d updated, %d unchanged, %d refused; mark %s",
        start.isoformat(),
        report.created,
        report.updated,
        report.unchanged,
        len(report.errors),
        mark,
    )
    return report


@dataclasses.dataclass
class _Run:
    db: Database
    client: KsefClient
    options: ParseOptions
    actor: str | None
    report: ImportReport
    progress: Progress | None
    done: int = 0
    listed: int = 0
    #: the storage moment of the first invoice not imported: the mark must stay before it
    pending: dt.datetime | None = None

    def pages(self, start: dt.datetime) -> dt.datetime | None:
        """Import page by page; returns the new mark (None: leave the mark as it is)."""
        reached: dt.datetime | None = None
        current: InvoiceMeta | None = None
        try:
            for page in self.client.metadata_pages(start):
                self.listed += len(page.invoices)
                known = self._known([m.ksef_number for m in page.invoices])
                for meta in page.invoices:
                    current = meta
                    self._one(meta, known)
                    current = None
                end = page.hwm or page.window_end
                if end is not None:
                    reached = end
        except LimitReachedError as exc:
            self._hold(current.permanent_storage if current else (reached or start))
            self.report.notes.append(
                SkippedItem(
                    "KSeF",
                    _(
                        "KSeF allows no more requests for now; the rest comes with the next sync "
                        "(in about {minutes} minutes)"
                    ).format(minutes=max(1, round(exc.seconds / 60))),
                )
            )
        if self.pending is not None:
            return self.pending
        # a mark never moves back (a --since later than KSeF's HWM would otherwise pull it)
        return max(reached, start) if reached is not None else None

    def _hold(self, moment: dt.datetime) -> None:
        if self.pending is None or moment < self.pending:
            self.pending = moment

    def _known(self, numbers: list[str]) -> set[str]:
        if not numbers:
            return set()
        with self.db.read() as session:
            return set(
                session.scalars(select(Invoice.ksef_number).where(Invoice.ksef_number.in_(numbers)))
            )

    def _one(self, meta: InvoiceMeta, known: set[str]) -> None:
        self.done += 1
        if meta.ksef_number in known:
            self.report.unchanged += 1
        else:
            self._import(meta)
        if self.progress is not None:
            self.progress(self.done, self.listed)

    def _import(self, meta: InvoiceMeta) -> None:
        label = f"KSeF {meta.ksef_number}"
        xml = self.client.download(meta.ksef_number)
        if xml is None:
            self._hold(meta.permanent_storage)
            self.report.notes.append(
                SkippedItem(label, _("KSeF cannot give this invoice yet; the next sync fetches it"))
            )
            return
        self.report.files += 1
        try:
            parsed = _with_ksef_number(ksef_format.parse_bytes(xml, label, self.options), meta)
            with self.db.write() as session:
                counts = upsert(session, parsed, actor=self.actor)
        except ImportFileError as exc:
            self._hold(meta.permanent_storage)
            self.report.errors.append(FileError.of(exc))
            return
        self.report.add(counts)
        self.report.skipped.extend(SkippedItem(s.where.file, s.reason) for s in parsed.skipped)


def _with_ksef_number(parsed: ParsedFile, meta: InvoiceMeta) -> ParsedFile:
    """The XML cannot hold the number KSeF gave it afterwards: the listing tells it."""
    invoices = tuple(
        dataclasses.replace(i, ksef_number=i.ksef_number or meta.ksef_number)
        for i in parsed.invoices
    )
    return dataclasses.replace(parsed, invoices=invoices)
