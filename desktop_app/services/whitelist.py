"""The Ministry of Finance's VAT White List (setting ``whitelist.api_url``), its answers kept.

``GET {base}/api/search/nip/{nip}?date=YYYY-MM-DD`` answers ``{"result": {"subject": {...} |
null, "requestId": "..."}}``; ``GET {base}/api/search/nips/{nip1},{nip2}?date=`` (at most 30)
answers ``{"result": {"entries": [{"identifier": nip, "subjects": [...]}], "requestId": ...}}``.
An error is ``{"code": "WL-...", "message": "..."}`` with a 4xx/5xx status; 429 is the limit.
Each answer is stored (one per NIP and day) so the same day is not asked twice, and the request
id stays as proof that the check was made.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Contractor, Firm, Instalment, Invoice, Payment, WhiteListCheck
from db.uow import Database
from desktop_app.domain.credibility import (
    Debt,
    Summary,
    WhiteListEntry,
    account_on_list,
    summarize,
    unlisted_payment_reason,
)
from desktop_app.domain.identifiers import normalize_nip
from desktop_app.domain.rating import Rating
from desktop_app.errors import InkasoError
from desktop_app.i18n import _
from desktop_app.services import rating as rating_service
from desktop_app.settings import get_value

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10.0
#: the most NIPs the registry takes in one batch question
BATCH = 30


T = TypeVar("T")


class Writer(Protocol):
    """Runs a function that opens its own ``db.write()`` and hands back its result: in place
    (the CLI), or on the GUI's serial writer between other saves, waited for."""

    def __call__(self, fn: Callable[[], T], /) -> T: ...


def in_place(fn: Callable[[], T]) -> T:
    return fn()


class WhiteListUnavailableError(InkasoError):
    """The White List could not answer: no connection, its limit, its own error, a bad answer."""


def _get(url: str, day: dt.date, timeout: float) -> dict[str, Any]:
    try:
        response = httpx.get(
            url,
            params={"date": day.isoformat()},
            headers={"Accept": "application/json"},
            timeout=timeout,
        )
    except httpx.HTTPError as exc:
        log.info("White List not reached at %s: %s", url, exc)
        raise WhiteListUnavailableError(
            _("The VAT White List could not be reached (no connection); try again later.")
        ) from exc
    if response.status_code == httpx.codes.TOO_MANY_REQUESTS:
        raise WhiteListUnavailableError(
            _(
                "The VAT White List has answered as many questions as it allows for now; try again later."
            )
        )
    if response.status_code >= 500:
        raise WhiteListUnavailableError(
            _(
                "The VAT White List is not working right now (HTTP {status}); try again later."
            ).format(status=response.status_code)
        )
    try:
        data = response.json()
    except ValueError as exc:
        log.warning("unreadable White List answer from %s: %.200r", url, response.text)
        raise _unreadable() from exc
    if response.status_code != httpx.codes.OK:
        message = data.get("message") if isinstance(data, dict) else None
        raise WhiteListUnavailableError(
            _("The VAT White List refused the question: {message}").format(
                message=message or response.status_code
            )
        )
    if not isinstance(data, dict) or not isinstance(data.get("result"), dict):
        raise _unreadable()
    return data["result"]  # type: ignore[no-any-return]


def _unreadable() -> WhiteListUnavailableError:
    return WhiteListUnavailableError(_("The VAT White List gave an answer Inkaso cannot read."))


def _entry(nip: str, day: dt.date, request_id: str, subject: Any) -> WhiteListEntry:
    if subject is None:
        return WhiteListEntry(nip, day, request_id, found=False)
    if not isinstance(subject, dict):
        raise _unreadable()
    accounts = subject.get("accountNumbers") or []
    if not isinstance(accounts, list) or not all(isinstance(a, str) for a in accounts):
        raise _unreadable()
    return WhiteListEntry(
        nip,
        day,
        request_id,
        found=True,
        status=str(subject.get("statusVat") or "") or None,
        name=str(subject.get("name") or "") or None,
        accounts=tuple(accounts),
        address=_address(subject),
    )


def _address(subject: dict[str, Any] | None) -> str | None:
    if not isinstance(subject, dict):
        return None
    found = subject.get("workingAddress") or subject.get("residenceAddress")
    return str(found) if found else None


@dataclass(frozen=True, slots=True)
class Answer:
    entry: WhiteListEntry
    subject: dict[str, Any] | None


def fetch(base_url: str, nip: str, day: dt.date, *, timeout: float = TIMEOUT_SECONDS) -> Answer:
    """Ask the registry about one NIP as of a day."""
    result = _get(f"{base_url.rstrip('/')}/api/search/nip/{nip}", day, timeout)
    request_id = str(result.get("requestId") or "")
    subject = result.get("subject")
    return Answer(_entry(nip, day, request_id, subject), subject)


def fetch_many(
    base_url: str, nips: Sequence[str], day: dt.date, *, timeout: float = TIMEOUT_SECONDS
) -> list[Answer]:
    """Ask about many NIPs, at most :data:`BATCH` per question; one answer per NIP, in order."""
    answers: list[Answer] = []
    for start in range(0, len(nips), BATCH):
        chunk = list(nips[start : start + BATCH])
        result = _get(f"{base_url.rstrip('/')}/api/search/nips/{','.join(chunk)}", day, timeout)
        request_id = str(result.get("requestId") or "")
        subjects: dict[str, Any] = {}
        for item in result.get("entries") or []:
            if isinstance(item, dict) and item.get("subjects"):
                subjects[str(item.get("identifier"))] = item["subjects"][0]
        answers.extend(
            Answer(_entry(nip, day, request_id, subjects.get(nip)), subjects.get(nip))
            for nip in chunk
        )
    return answers


def _stored(row: WhiteListCheck) -> WhiteListEntry:
    return WhiteListEntry(
        row.nip,
        row.checked_on,
        row.request_id,
        row.found,
        row.status_vat,
        row.name,
        tuple(row.accounts or ()),
        row.fetched_at,
        _address(row.answer),
    )


def _keep(session: Session, answers: Iterable[Answer]) -> list[WhiteListEntry]:
    """Store the answers; one another user kept meanwhile for the same NIP and day stays."""
    answers = list(answers)
    days = {a.entry.checked_on for a in answers}
    kept = {
        (row.nip, row.checked_on): row
        for row in session.scalars(
            select(WhiteListCheck).where(
                WhiteListCheck.nip.in_([a.entry.nip for a in answers]),
                WhiteListCheck.checked_on.in_(days),
            )
        )
    }
    for answer in answers:
        e = answer.entry
        if (e.nip, e.checked_on) in kept:
            continue
        kept[e.nip, e.checked_on] = row = WhiteListCheck(
            nip=e.nip,
            checked_on=e.checked_on,
            request_id=e.request_id,
            found=e.found,
            status_vat=e.status,
            name=e.name,
            accounts=list(e.accounts),
            answer=answer.subject,
        )
        session.add(row)
    session.flush()
    return [_stored(kept[a.entry.nip, a.entry.checked_on]) for a in answers]


def checks(session: Session, nip: str) -> list[WhiteListEntry]:
    """Every kept check of a NIP, oldest first."""
    rows = session.scalars(
        select(WhiteListCheck).where(WhiteListCheck.nip == nip).order_by(WhiteListCheck.checked_on)
    )
    return [_stored(row) for row in rows]


def latest_checks(session: Session, nips: Iterable[str]) -> dict[str, WhiteListEntry]:
    """The latest kept check of each NIP that has one."""
    wanted = list(set(nips))
    latest = (
        select(WhiteListCheck.nip, func.max(WhiteListCheck.checked_on).label("last"))
        .where(WhiteListCheck.nip.in_(wanted))
        .group_by(WhiteListCheck.nip)
        .subquery("latest")
    )
    rows = session.scalars(
        select(WhiteListCheck).join(
            latest,
            (latest.c.nip == WhiteListCheck.nip) & (latest.c.last == WhiteListCheck.checked_on),
        )
    )
    return {row.nip: _stored(row) for row in rows}


def check_nip(db: Database, nip: str, today: dt.date) -> WhiteListEntry:
    """The White List's answer about a NIP for today: the kept one, else asked and kept."""
    nip = normalize_nip(nip)
    with db.read() as session:
        kept = session.scalar(
            select(WhiteListCheck).where(
                WhiteListCheck.nip == nip, WhiteListCheck.checked_on == today
            )
        )
        if kept is not None:
            return _stored(kept)
    answer = fetch(str(get_value(db, "whitelist.api_url")), nip, today)
    with db.write() as session:
        return _keep(session, [answer])[0]


def check_nips(
    db: Database, nips: Iterable[str], today: dt.date, *, writer: Writer = in_place
) -> list[WhiteListEntry]:
    """Many NIPs at once (the bulk check): the kept answers of today, the rest asked in batches.

    The registry is asked with no session open; only keeping its answers writes, one short
    transaction run by ``writer``."""
    wanted = list(dict.fromkeys(normalize_nip(n) for n in nips))
    with db.read() as session:
        kept = {
            row.nip: _stored(row)
            for row in session.scalars(
                select(WhiteListCheck).where(
                    WhiteListCheck.nip.in_(wanted), WhiteListCheck.checked_on == today
                )
            )
        }
    missing = [n for n in wanted if n not in kept]
    if missing:
        answers = fetch_many(str(get_value(db, "whitelist.api_url")), missing, today)

        def keep() -> list[WhiteListEntry]:
            with db.write() as session:
                return _keep(session, answers)

        kept.update((e.nip, e) for e in writer(keep))
    return [kept[n] for n in wanted]


@dataclass(frozen=True, slots=True)
class Credibility:
    entry: WhiteListEntry
    contractor_id: int | None
    rating: Rating | None
    debt: Debt
    summary: Summary


def debt_of(session: Session, contractor_id: int, today: dt.date) -> Debt:
    rows = session.execute(
        select(Invoice.currency, func.sum(Instalment.open_minor), func.min(Instalment.due_date))
        .join(Invoice, Invoice.id == Instalment.invoice_id)
        .where(
            Invoice.contractor_id == contractor_id,
            Instalment.open_minor > 0,
            Instalment.due_date < today,
        )
        .group_by(Invoice.currency)
        .order_by(Invoice.currency)
    ).all()
    if not rows:
        return Debt()
    oldest = min(due for _cur, _sum, due in rows)
    return Debt(tuple((int(total), cur) for cur, total, _due in rows), (today - oldest).days)


def credibility(db: Database, nip: str, today: dt.date) -> Credibility:
    """The registry's answer, our own history with the NIP (if it is a contractor) and its debt,
    in one summary with a traffic light."""
    entry = check_nip(db, nip, today)
    with db.read() as session:
        contractor_id = session.scalar(select(Contractor.id).where(Contractor.nip == entry.nip))
        home = session.scalar(select(Firm.home_currency)) or "PLN"
        rated: Rating | None = None
        debt = Debt()
        if contractor_id is not None:
            rated = rating_service.ratings(session, today, [contractor_id])[contractor_id]
            debt = debt_of(session, contractor_id, today)
    summary = summarize(entry, rated, debt, today, home)
    return Credibility(entry, contractor_id, rated, debt, summary)


def payment_account_listed(session: Session, nip: str, account: str, as_of: dt.date) -> bool | None:
    """Was the account a payment came from registered for the NIP as of that day, by the kept
    checks (None: never checked by then)? For the bank and payment code to flag payments."""
    return account_on_list(checks(session, normalize_nip(nip)), account, as_of)


def unlisted_payments(session: Session, payment_ids: Iterable[int]) -> dict[int, str]:
    """Of these payments, those from an account the White List did not list for their
    contractor's NIP on the payment's day (by the checks kept), each with the reason in plain
    words. A payment with no payer account, no contractor, a contractor without a NIP or no
    check made by its day is not flagged: there is nothing to judge it by."""
    ids = list(payment_ids)
    if not ids:
        return {}
    paid = session.execute(
        select(Payment.id, Payment.payer_account, Payment.date, Contractor.nip)
        .join(Contractor, Contractor.id == Payment.contractor_id)
        .where(
            Payment.id.in_(ids),
            Payment.payer_account.is_not(None),
            Contractor.nip.is_not(None),
        )
    ).all()
    nips = {nip for _pid, _account, _day, nip in paid}
    kept: dict[str, list[WhiteListEntry]] = {}
    if nips:
        for row in session.scalars(select(WhiteListCheck).where(WhiteListCheck.nip.in_(nips))):
            kept.setdefault(row.nip, []).append(_stored(row))
    flagged: dict[int, str] = {}
    for pid, account, day, nip in paid:
        reason = unlisted_payment_reason(kept.get(nip or "", []), account, day) if account else None
        if reason is not None:
            flagged[pid] = reason
    return flagged
