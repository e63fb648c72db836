"""Fetch counterparties, sales and payments from 1C's OData and import them (issue 7, item 2).

All of one sync is one unit, like one file: read everything first, then write it in one
transaction, so a document that cannot be read leaves the database as it was. Incremental by
document date: a sync reads from a month before the day the last one reached, because 1C lets
an accountant post a document dated in the past (the upsert makes the overlap harmless).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable

import httpx
from sqlalchemy import select

from db.models import Invoice
from db.uow import Database
from desktop_app.domain.money import normalize_currency
from desktop_app.errors import ValidationError
from desktop_app.i18n import _
from desktop_app.importers.records import ImportFileError, ParsedFile
from desktop_app.secrets import get_secret
from desktop_app.services.imports import FileError, ImportReport, SkippedItem, upsert
from desktop_app.settings import Snapshot, store_value
from desktop_app.sources import onec
from desktop_app.sources.http import RemoteHttp

log = logging.getLogger(__name__)

SecretReader = Callable[[str], str | None]
#: how far before the last sync's day the next one reads again (documents posted back-dated)
OVERLAP = dt.timedelta(days=31)


def configured(settings: Snapshot) -> bool:
    return bool(settings["1c.url"])


def sync_1c(
    db: Database,
    *,
    today: dt.date,
    since: dt.date | None = None,
    actor: str | None = None,
    secret: SecretReader = get_secret,
) -> ImportReport:
    settings = Snapshot.load(db)
    url = str(settings["1c.url"])
    if not url:
        raise ValidationError(
            _("Enter the address of the 1C base first: inkaso config set 1c.url URL"),
            field="1c.url",
        )
    currency = normalize_currency(str(settings["1c.currency"]))
    if since is None and settings["1c.synced_to"]:
        since = dt.date.fromisoformat(settings["1c.synced_to"]) - OVERLAP
    user = str(settings["1c.user"])
    auth = httpx.BasicAuth(user, secret("1c.password") or "") if user else None
    report = ImportReport()
    with RemoteHttp(onec.SERVICE, onec.odata_root(url), auth=auth) as http:
        try:
            parsed = onec.read_all(onec.OneCClient(http), since=since, default_currency=currency)
        except ImportFileError as exc:
            report.errors.append(FileError.of(exc))
            return report
    report.files = 1
    parsed = _known_sales_only(db, parsed, report)
    try:
        with db.write() as session:
            counts = upsert(session, parsed, actor=actor)
            store_value(session, "1c.synced_to", today.isoformat())
    except ImportFileError as exc:
        report.errors.append(FileError.of(exc))
        return report
    report.add(counts)
    log.info(
        "1C sync since %s: %d created, %d updated, %d unchanged",
        since,
        report.created,
        report.updated,
        report.unchanged,
    )
    return report


def _known_sales_only(db: Database, parsed: ParsedFile, report: ImportReport) -> ParsedFile:
    """A receipt that pays a sale Inkaso never imported (older than the first sync) is set
    against the contractor's oldest open invoices instead of refusing the whole sync."""
    named = {p.invoice_number for p in parsed.payments if p.invoice_number}
    known = {i.number for i in parsed.invoices}
    missing = named - known
    if missing:
        with db.read() as session:
            known |= set(session.scalars(select(Invoice.number).where(Invoice.number.in_(missing))))
    payments = []
    for payment in parsed.payments:
        if payment.invoice_number and payment.invoice_number not in known:
            report.notes.append(
                SkippedItem(
                    payment.where.file,
                    _(
                        "Payment {ref} pays sale {number}, which is not in Inkaso: it is set "
                        "against the oldest open invoices"
                    ).format(ref=payment.source_ref, number=payment.invoice_number),
                )
            )
            payment = dataclasses.replace(payment, invoice_number=None)
        payments.append(payment)
    return dataclasses.replace(parsed, payments=tuple(payments))
