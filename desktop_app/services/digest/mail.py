"""The digest as an e-mail: who gets one, rendering it, queueing it once a day, sending it.

Recipients follow the owner's notice: the addresses in ``notice.recipients`` read about every
contractor; each active account manager with an e-mail reads about their own contractors. A
digest is an outbox row keyed by recipient and day, so no run, command or PC sends it twice; the
recipient's previous digest is the latest such row, and the next one counts from its day.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Contractor, OutboxMessage, User, naive_utc
from db.uow import Database
from desktop_app.domain.deputies import effective_assignee
from desktop_app.errors import InkasoError, NotFoundError
from desktop_app.i18n import LANGUAGES, _, gettext_for
from desktop_app.labels import CHANNEL_LABELS, STATUS_LABELS
from desktop_app.messaging.templates import render
from desktop_app.secrets import get_secret
from desktop_app.services.digest.content import Digest, Scope, compute
from desktop_app.services.dunning import lease
from desktop_app.services.dunning.channel_setup import ConfiguredChannels, SecretReader
from desktop_app.services.dunning.execute import owner_addresses
from desktop_app.services.dunning.sender import SendReport, send_due
from desktop_app.services.users import absences
from desktop_app.settings import Snapshot
from resources import resource_path

CHANNEL = "digest"
TEMPLATE_DIR = resource_path("templates") / "digest"


@dataclass(frozen=True)
class Rendered:
    scope: Scope
    key: str
    language: str
    subject: str
    text: str
    html: str


def recipients(session: Session, settings: Snapshot, today: dt.date | None = None) -> list[Scope]:
    """The owner's addresses first (everything), then each manager with contractors of their own;
    a manager whose address is also the owner's reads the owner's digest only. Each one carries
    the language of the active user with that address, when that user chose one. A manager away
    on ``today`` has their digest sent to their deputy (domain.deputies) instead."""
    users = session.execute(
        select(User.id, User.full_name, User.email, User.language)
        .where(User.active.is_(True), User.email.is_not(None))
        .order_by(User.full_name, User.id)
    ).all()
    spoken: dict[str, str] = {}
    for _id, _name, email, language in users:
        address = (email or "").strip().casefold()
        if address and language in LANGUAGES:
            spoken.setdefault(address, language)
    scopes = [
        Scope(address, language=spoken.get(address.strip().casefold()))
        for address in dict.fromkeys(owner_addresses(settings))
    ]
    seen = {scope.email.casefold() for scope in scopes}
    managers = set(
        session.scalars(
            select(Contractor.assigned_user_id)
            .where(Contractor.assigned_user_id.is_not(None))
            .distinct()
        )
    )
    away = absences(session) if today is not None else {}
    addresses = {user_id: (email or "").strip() for user_id, _name, email, _language in users}
    for user_id, name, email, _language in users:
        deputy = effective_assignee(user_id, today, away) if today is not None else user_id
        stand_in = addresses.get(deputy or -1, "")
        if user_id in managers and deputy != user_id and stand_in:
            language = spoken.get(stand_in.casefold())
            scopes.append(Scope(stand_in, user_id, name, language, stand_in=True))
            continue
        address = (email or "").strip()
        if user_id in managers and address and address.casefold() not in seen:
            seen.add(address.casefold())
            scopes.append(Scope(address, user_id, name, spoken.get(address.casefold())))
    return scopes


def digest_key(scope: Scope, today: dt.date) -> str:
    return f"{_prefix(scope)}{today.isoformat()}"


def _prefix(scope: Scope) -> str:
    # a deputy's stand-in digest is a second one to the same address, so a key of its own
    stand_in = f"{STAND_IN}{scope.user_id}/" if scope.stand_in else ""
    return f"{CHANNEL}/{scope.email.casefold()}/{stand_in}"


STAND_IN = "for-"


def previous_day(session: Session, scope: Scope, today: dt.date) -> dt.date | None:
    """The day of this recipient's latest digest before ``today``."""
    query = select(func.max(OutboxMessage.planned_for)).where(
        OutboxMessage.channel == CHANNEL,
        OutboxMessage.key.startswith(_prefix(scope), autoescape=True),
        OutboxMessage.planned_for < today,
        OutboxMessage.status != "cancelled",
    )
    if not scope.stand_in:
        # the address's own digests only, not those it read for someone away
        query = query.where(
            ~OutboxMessage.key.startswith(_prefix(scope) + STAND_IN, autoescape=True)
        )
    return session.scalar(query)


def build(db: Database, today: dt.date, *, skip_queued: bool = False) -> list[Rendered]:
    """Every recipient's digest for ``today``; ``skip_queued`` leaves out those already queued.

    The figures are read in one transaction; templates render after it, outside any write."""
    settings = Snapshot.load(db)
    fallback = str(settings["digest.language"])
    with db.read() as session:
        digests = []
        for scope in recipients(session, settings, today):
            key = digest_key(scope, today)
            if skip_queued and session.scalar(
                select(OutboxMessage.id).where(OutboxMessage.key == key)
            ):
                continue
            digests.append(
                (key, compute(session, scope, previous_day(session, scope, today), today))
            )
    return [_render(key, digest, digest.scope.language or fallback) for key, digest in digests]


def queue(db: Database, today: dt.date, now: dt.datetime) -> list[int]:
    """Queue today's digest for every recipient who has none yet; returns the new outbox ids."""
    rendered = build(db, today, skip_queued=True)
    ids = []
    with db.write() as session:
        for mail in rendered:
            if session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == mail.key)):
                continue  # another PC queued it while this one was rendering
            row = OutboxMessage(
                key=mail.key,
                channel=CHANNEL,
                recipients=[mail.scope.email],
                language=mail.language,
                subject=mail.subject,
                body_text=mail.text,
                body_html=mail.html,
                items=[],
                status="pending",
                next_attempt_at=naive_utc(now),
                planned_for=today,
            )
            session.add(row)
            session.flush()
            ids.append(row.id)
    return ids


def send(
    db: Database,
    ids: list[int],
    *,
    now: dt.datetime,
    today: dt.date,
    secret: SecretReader = get_secret,
) -> SendReport:
    """Send queued digests now through the outbox sender, under the sending lease."""
    if not ids:
        return SendReport()
    channels = ConfiguredChannels(Snapshot.load(db), secret)
    if "email" not in channels.configured():
        raise InkasoError(_("E-mail is not set up: the digest stays in the outbox"))
    holder = lease.new_holder()
    with db.write() as session:
        busy = lease.acquire(session, holder, naive_utc(now))
    if busy is not None:
        raise InkasoError(
            _("Another Inkaso is sending ({holder}); the digest goes out with its run").format(
                holder=busy
            )
        )
    try:
        return asyncio.run(
            send_due(
                db, channels, holder=holder, now=now, today=today, open_channels=set(),
                only_ids=ids,
            )
        )  # fmt: skip
    finally:
        with db.write() as session:
            lease.release(session, holder)


class _Values:
    def __init__(self, digest: Digest) -> None:
        self.digest = digest

    def variables(self, language: str) -> dict[str, object]:
        d = self.digest
        return {
            "recipient": d.scope.name,
            "everyone": d.scope.user_id is None,
            "since": d.since,
            "until": d.today - dt.timedelta(days=1),
            "today": d.today,
            "empty": d.empty,
            "new_overdue": d.new_overdue,
            "paid": d.paid,
            "promises_due": d.promises_due,
            "promises_broken": d.promises_broken,
            "failed_reminders": [
                {
                    "contractor": f.contractor,
                    "day": f.day,
                    "to": f.to,
                    "channel": gettext_for(language, CHANNEL_LABELS.get(f.channel, f.channel)),
                    "status": gettext_for(language, STATUS_LABELS.get(f.status, f.status)),
                }
                for f in d.failed_reminders
            ],
            "handed_over": d.handed_over,
            "movers": d.movers,
            "language": language,
        }


def _render(key: str, digest: Digest, language: str) -> Rendered:
    values = _Values(digest)
    parts = {
        part: render(
            _template(language, part),
            values,
            language=language,
            html=part == "html",
            name=f"digest/morning.{language}.{part}",
        )
        for part in ("subject", "text", "html")
    }
    return Rendered(
        digest.scope,
        key,
        language,
        " ".join(parts["subject"].split()),
        parts["text"].strip() + "\n",
        parts["html"],
    )


@functools.cache
def _template(language: str, part: str) -> str:
    # looked up among the shipped files, never joined from a setting's value
    wanted = f"morning.{language}.{part}.j2"
    for path in TEMPLATE_DIR.glob("*.j2"):
        if path.name == wanted and language in LANGUAGES:
            return path.read_text(encoding="utf-8")
    raise NotFoundError(_("No built-in digest in language {language}").format(language=language))
