""" "Test connection" and "Import now" of the import sources' settings: a real sign-in to KSeF,
a real read from 1C, and what an import did said in plain sentences.

Each check reads the settings as they are stored (the dialog saves first), opens the same
client the sync uses and stops after the first answer that proves the address, the firm and
the credentials; a refusal is the client's own plain sentence (a RemoteError).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx

from db.uow import Database
from desktop_app.errors import InkasoError, ValidationError
from desktop_app.i18n import _, ngettext
from desktop_app.secrets import get_secret
from desktop_app.services.firm import get_firm
from desktop_app.services.sync import ksef_api as ksef_sync
from desktop_app.services.sync.everything import SyncReport
from desktop_app.settings import Snapshot
from desktop_app.sources import ksef_api, onec
from desktop_app.sources.http import LimitReachedError, RemoteHttp

SecretReader = Callable[[str], str | None]


def check_ksef(db: Database, *, secret: SecretReader = get_secret) -> str:
    """Sign in to KSeF with the firm's NIP and token; returns the sentence to show."""
    settings = Snapshot.load(db)
    firm = get_firm(db)
    if firm is None or not firm.nip:
        raise ValidationError(
            _("Enter your firm's NIP on the Firm tab first: KSeF signs in for that NIP."),
            field="firm.nip",
        )
    token = secret("ksef.token")
    if not token:
        raise ValidationError(_("Enter the firm's KSeF token first."), field="secret.ksef.token")
    environment = str(settings["ksef.environment"])
    with RemoteHttp(
        ksef_api.SERVICE, ksef_sync.base_url(settings), limits=ksef_api.limits(environment)
    ) as http:
        try:
            ksef_api.KsefClient(http, nip=firm.nip, token=token).sign_in()
        except LimitReachedError:
            raise _busy(ksef_api.SERVICE) from None
    return _("Signed in to KSeF ({environment}) for NIP {nip}.").format(
        environment=environment, nip=firm.nip
    )


def check_1c(db: Database, *, secret: SecretReader = get_secret) -> str:
    """Read the first counterparty from 1C's OData interface; returns the sentence to show."""
    settings = Snapshot.load(db)
    url = str(settings["1c.url"])
    if not url:
        raise ValidationError(_("Enter the address of the 1C base first."), field="1c.url")
    user = str(settings["1c.user"])
    auth = httpx.BasicAuth(user, secret("1c.password") or "") if user else None
    with RemoteHttp(onec.SERVICE, onec.odata_root(url), auth=auth) as http:
        try:
            next(onec.OneCClient(http).entities(onec.COUNTERPARTIES, page=1), None)
        except LimitReachedError:
            raise _busy(onec.SERVICE) from None
    return _("Connected to 1C at {url}: its counterparties can be read.").format(url=url)


def _busy(service: str) -> InkasoError:
    return InkasoError(
        _("{service} accepts no more requests for now; try again in a few minutes.").format(
            service=service
        )
    )


def describe(report: SyncReport) -> list[str]:
    """What an import from every source did, in sentences for the user."""
    if not report.sources:
        return [
            _(
                "No source to import from: add a watched folder or tick automatic import from "
                "KSeF or 1C."
            )
        ]
    counts = report.counts()
    lines = [
        ngettext(
            "Imported: {created} new record, {updated} updated, {unchanged} unchanged.",
            "Imported: {created} new records, {updated} updated, {unchanged} unchanged.",
            counts["created"],
        ).format(**counts)
    ]
    lines.extend(report.problems())
    lines.extend(
        _("{file}: {reason}").format(file=Path(s.file).name, reason=s.reason)
        for r in report.sources
        for s in r.report.skipped
    )
    lines.extend(n.reason for r in report.sources for n in r.report.notes)
    return lines
