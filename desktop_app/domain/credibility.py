"""Credibility of a contractor: the VAT White List's answer, its own payment history with us and
what it owes now, turned into one traffic light with the reasons for it."""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from desktop_app.domain.dates import format_day
from desktop_app.domain.money import format_amounts
from desktop_app.domain.rating import Rating
from desktop_app.i18n import _, ngettext

#: the White List's word for an active VAT payer
ACTIVE = "Czynny"
#: the word for a taxpayer exempt from VAT (still registered, may sell without VAT)
EXEMPT = "Zwolniony"
#: a check older than this is no proof for today's decision
FRESH_DAYS = 30
#: overdue longer than this is a red light, whatever the registry says
RED_OVERDUE_DAYS = 60


class Light(enum.Enum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


@dataclass(frozen=True, slots=True)
class WhiteListEntry:
    """What the White List answered about a NIP on a day (``found`` False: not registered)."""

    nip: str
    checked_on: dt.date
    request_id: str
    found: bool
    status: str | None = None
    name: str | None = None
    accounts: tuple[str, ...] = ()
    #: when the answer was received (UTC), once it is kept
    checked_at: dt.datetime | None = None
    #: the registered address as the registry writes it ("UL. PROSTA 1, 00-001 WARSZAWA")
    address: str | None = None


@dataclass(frozen=True, slots=True)
class Debt:
    """What the contractor owes now: overdue amounts per currency and the oldest days overdue."""

    overdue: tuple[tuple[int, str], ...] = ()
    oldest_days: int = 0


@dataclass(frozen=True, slots=True)
class Summary:
    light: Light
    reasons: tuple[str, ...]


def summarize(
    entry: WhiteListEntry | None,
    rating: Rating | None,
    debt: Debt,
    today: dt.date,
    home_currency: str = "PLN",
) -> Summary:
    """The worst light any reason gives; green only when the registry and the history agree."""
    lights: list[Light] = []
    reasons: list[str] = []

    def say(light: Light, reason: str) -> None:
        lights.append(light)
        reasons.append(reason)

    if entry is None:
        say(Light.AMBER, _("the VAT White List has not been checked"))
    else:
        registry = registry_summary(entry, today)
        lights.extend(registry.lights)
        reasons.extend(registry.reasons)
    if rating is None or rating.stars is None:
        say(Light.GREEN, _("no payment history with us yet"))
    else:
        light = (
            Light.GREEN if rating.stars >= 4 else Light.AMBER if rating.stars == 3 else Light.RED
        )
        say(
            light,
            ngettext("payer rating {n} star", "payer rating {n} stars", rating.stars).format(
                n=rating.stars
            ),
        )
    if debt.overdue:
        light = Light.RED if debt.oldest_days > RED_OVERDUE_DAYS else Light.AMBER
        say(
            light,
            ngettext(
                "owes {amount} overdue, the oldest {days} day",
                "owes {amount} overdue, the oldest {days} days",
                debt.oldest_days,
            ).format(amount=format_amounts(debt.overdue, home_currency), days=debt.oldest_days),
        )
    return Summary(_worst(lights), tuple(reasons))


def _worst(lights: Sequence[Light]) -> Light:
    return (
        Light.RED if Light.RED in lights else Light.AMBER if Light.AMBER in lights else Light.GREEN
    )


@dataclass(frozen=True, slots=True)
class RegistrySummary:
    """The White List's part of the light alone, each reason with its own light."""

    light: Light
    lights: tuple[Light, ...]
    reasons: tuple[str, ...]


def registry_summary(entry: WhiteListEntry, today: dt.date) -> RegistrySummary:
    """What a kept White List answer alone says (the contractor list's column; part of
    :func:`summarize`). Its SQL twin, for sorting the list, is
    ``services.contractor_list.whitelist_rank``."""
    lights: list[Light] = []
    reasons: list[str] = []

    def say(light: Light, reason: str) -> None:
        lights.append(light)
        reasons.append(reason)

    if not entry.found:
        say(
            Light.RED,
            _("not on the VAT White List on {day}").format(day=format_day(entry.checked_on)),
        )
    else:
        _registry(entry, today, say)
    return RegistrySummary(_worst(lights), tuple(lights), tuple(reasons))


def _registry(entry: WhiteListEntry, today: dt.date, say: Callable[[Light, str], None]) -> None:
    day = format_day(entry.checked_on)
    if entry.status == ACTIVE:
        say(Light.GREEN, _("an active VAT payer on the White List on {day}").format(day=day))
    elif entry.status == EXEMPT:
        say(Light.AMBER, _("exempt from VAT on the White List on {day}").format(day=day))
    else:
        say(
            Light.RED,
            _("not an active VAT payer on {day} (the White List says: {status})").format(
                day=day, status=entry.status or "?"
            ),
        )
    if not entry.accounts:
        say(Light.AMBER, _("no bank account registered on the White List"))
    if (today - entry.checked_on).days > FRESH_DAYS:
        say(
            Light.AMBER,
            ngettext(
                "checked {days} day ago: check again",
                "checked {days} days ago: check again",
                (today - entry.checked_on).days,
            ).format(days=(today - entry.checked_on).days),
        )


_POSTAL = re.compile(r"^(?P<postal>\d{2}-\d{3})\s+(?P<city>.+)$")


def address_parts(address: str) -> tuple[str, str, str]:
    """The registry's one-line address as (street, postal code, city); a line not in its
    "street, 00-000 CITY" shape stays whole in the street."""
    street, _sep, rest = address.strip().rpartition(",")
    found = _POSTAL.match(rest.strip())
    if not street or found is None:
        return address.strip(), "", ""
    return street.strip(), found["postal"], found["city"].strip()


def account_digits(account: str) -> str:
    """A Polish account number the White List's way (26 digits, no PL, no spaces), however it was
    written; a foreign one compacted."""
    compact = "".join(ch for ch in account if ch.isalnum()).upper()
    return compact[2:] if compact.startswith("PL") and len(compact) == 28 else compact


def check_as_of(entries: Iterable[WhiteListEntry], as_of: dt.date) -> WhiteListEntry | None:
    """The check a question about ``as_of`` is judged by: the latest made on or before it."""
    known = [e for e in entries if e.checked_on <= as_of]
    return max(known, key=lambda e: e.checked_on) if known else None


def account_on_list(entries: Iterable[WhiteListEntry], account: str, as_of: dt.date) -> bool | None:
    """Was the account registered for the contractor as of that day? Judged by the latest check
    made on or before it; None when no check that old or older is known (nothing to say)."""
    latest = check_as_of(entries, as_of)
    return None if latest is None else _listed(latest, account)


def _listed(entry: WhiteListEntry, account: str) -> bool:
    wanted = account_digits(account)
    return any(account_digits(a) == wanted for a in entry.accounts)


def unlisted_payment_reason(
    entries: Iterable[WhiteListEntry], account: str, paid_on: dt.date
) -> str | None:
    """Why a payment from ``account`` on ``paid_on`` is suspicious, in plain words, when the
    White List did not list that account for the payer's NIP by then (None: it did, or no check
    that old is known, so there is nothing to say)."""
    latest = check_as_of(entries, paid_on)
    if latest is None or _listed(latest, account):
        return None
    if not latest.found:
        return _(
            "Paid from {account}, but NIP {nip} was not on the VAT White List when checked on"
            " {day}: the money may not come from this contractor."
        ).format(account=account, nip=latest.nip, day=format_day(latest.checked_on))
    return _(
        "Paid from {account}, an account the VAT White List did not list for NIP {nip} when"
        " checked on {day}: the money may not come from this contractor."
    ).format(account=account, nip=latest.nip, day=format_day(latest.checked_on))
