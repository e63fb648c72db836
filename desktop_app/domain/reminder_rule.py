"""The one rule: may this item be reminded now through this channel, and if not, why.

The planner, the sender's last-moment check, the manual reminder and the contractor's card all
ask :func:`reminder_allowed`; nothing else decides it. Each reason is an ``N_()`` message with
its data and a kind that tells the caller what to do about it:

- ``closed``: nothing may remind about the item (paid, disputed, handed over);
- ``held``: a person holds it (a pause, a promise to pay); only a person may override it, and
  only after being told;
- ``waiting``: the channel cannot carry a message now (not set up, no address, outside the
  send hours, not a business day); the reminder stays due and goes once it can;
- ``spaced``: the contractor was reminded too recently (the scenario's ``min_gap_days``);
- ``done``: this step already went out through this channel.

Nothing here reads a clock or a database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from desktop_app.domain.calendar import effective_due, is_business_day
from desktop_app.domain.money import decimal_str
from desktop_app.domain.readable import readable
from desktop_app.domain.scenario import MESSAGE_CHANNELS, Step
from desktop_app.i18n import N_, _

#: a promise holds reminders until its day plus the time bank statements take to arrive
PROMISE_GRACE_DAYS = 2

CLOSED = "closed"
HELD = "held"
WAITING = "waiting"
SPACED = "spaced"
DONE = "done"

#: how far an item is in its term, from the calm to the urgent
BEFORE_DUE = "before_due"
DUE_TODAY = "due_today"
OVERDUE = "overdue"
DUE_STATES = (BEFORE_DUE, DUE_TODAY, OVERDUE)

NOT_SET_UP = {
    "email": N_("e-mail sending is not set up"),
    "sms": N_("SMS sending is not set up"),
    "voice": N_("voice calls are not set up"),
}
NO_ADDRESS = {
    "email": N_("the contractor has no e-mail address"),
    "sms": N_("the contractor has no phone number"),
    "voice": N_("the contractor has no phone number"),
}


@dataclass(frozen=True, slots=True)
class PromiseTerms:
    """An open promise to pay: how much, by when."""

    due_on: dt.date
    amount_minor: int
    currency: str

    @property
    def holds_until(self) -> dt.date:
        return self.due_on + dt.timedelta(days=PROMISE_GRACE_DAYS)


@dataclass(frozen=True, slots=True)
class Item:
    """One open or recently paid instalment with everything the rule and the planner look at."""

    instalment_id: int
    invoice_id: int
    contractor_id: int
    issue_date: dt.date
    due_date: dt.date
    currency: str
    open_minor: int
    invoice_gross_minor: int
    settled_on: dt.date | None = None
    tags: frozenset[str] = frozenset()
    rating: int | None = None
    contractor_paused_until: dt.date | None = None
    contractor_pause_reason: str | None = None
    invoice_paused_until: dt.date | None = None
    invoice_pause_reason: str | None = None
    promise: PromiseTerms | None = None
    disputed: bool = False
    handed_over: bool = False
    #: message channels the contractor has an address for
    reachable: frozenset[str] = frozenset(MESSAGE_CHANNELS)
    #: the last thing that settled it was money received (not a correction or a write-off)
    settled_by_payment: bool = True
    #: the invoice's number, for the sentences that name it
    number: str = ""


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    kind: str
    message: str  # an N_() message, formatted with ``data``
    data: Mapping[str, str] = field(default_factory=dict)

    def text(self) -> str:
        """The reason in the current language, its dates and amounts written that way too."""
        return _(self.message).format_map(readable(self.data))


@dataclass(frozen=True, slots=True)
class Verdict:
    reasons: tuple[Reason, ...] = ()

    @property
    def allowed(self) -> bool:
        return not self.reasons

    def of(self, *kinds: str) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.kind in kinds)

    def has(self, *kinds: str) -> bool:
        return any(r.kind in kinds for r in self.reasons)


@dataclass(frozen=True, slots=True)
class ChannelNow:
    """What the set-up and the clock allow for one message channel at the moment asked."""

    configured: bool = True
    business_days_only: bool = False
    #: the send hours (start inclusive, end exclusive); None: any time
    hours: tuple[dt.time, dt.time] | None = None
    #: the local time asked about; None: some time that day (a plan for a whole day)
    at: dt.time | None = None


def due_state(due_date: dt.date, today: dt.date) -> str:
    """Before, on or after the due date. A term ending on a holiday or a weekend runs to the next
    business day (Art. 115 KC), so the debtor is not late on that day off."""
    if today < due_date:
        return BEFORE_DUE
    if today <= effective_due(due_date):
        return DUE_TODAY
    return OVERDUE


def step_state(step: Step) -> str | None:
    """The situation a step's wording is written for; None for steps that remind of nothing
    (an issue-day notice) or that follow another step."""
    trigger = step.trigger
    if trigger.anchor != "due":
        return None
    if trigger.offset < 0:
        return BEFORE_DUE
    return DUE_TODAY if trigger.offset == 0 else OVERDUE


def pause_in_force(until: dt.date | None, today: dt.date) -> bool:
    """A pause holds through the last day it names."""
    return until is not None and until >= today


def item_reasons(item: Item, today: dt.date) -> tuple[Reason, ...]:
    """What about the item itself stops or holds reminders today, whatever the channel."""
    if not (
        item.open_minor <= 0
        or item.disputed
        or item.handed_over
        or item.contractor_paused_until
        or item.invoice_paused_until
        or item.promise
    ):
        return ()  # the common case, asked for every item of every run: nothing to build
    reasons: list[Reason] = []
    if item.open_minor <= 0:
        reasons.append(Reason("paid", CLOSED, N_("everything in it was paid")))
    if item.disputed:
        reasons.append(Reason("disputed", CLOSED, N_("the invoice is disputed")))
    if item.handed_over:
        reasons.append(Reason("handed_over", CLOSED, N_("the case was handed over to collection")))
    pauses = (
        ("contractor_paused", item.contractor_paused_until, item.contractor_pause_reason,
         N_("reminders to the contractor are paused until {date}"),
         N_("reminders to the contractor are paused until {date}: {reason}")),
        ("invoice_paused", item.invoice_paused_until, item.invoice_pause_reason,
         N_("reminders for invoice {number} are paused until {date}"),
         N_("reminders for invoice {number} are paused until {date}: {reason}")),
    )  # fmt: skip
    for code, until, why, plain, with_reason in pauses:
        if until is not None and pause_in_force(until, today):
            data = {"date": until.isoformat(), "reason": why or "", "number": item.number}
            reasons.append(Reason(code, HELD, with_reason if why else plain, data))
    promise = item.promise
    if promise is not None and promise.holds_until >= today:
        reasons.append(
            Reason(
                "promised",
                HELD,
                N_("the contractor promised to pay {amount} {currency} by {date}"),
                {
                    "amount": decimal_str(promise.amount_minor, promise.currency),
                    "currency": promise.currency,
                    "date": promise.due_on.isoformat(),
                },
            )
        )
    return tuple(reasons)


def channel_reasons(channel: str, today: dt.date, now: ChannelNow) -> tuple[Reason, ...]:
    """Why ``channel`` cannot carry a message at the moment ``now`` describes (its set-up, the
    business-day rule and the send hours); empty when it can."""
    if channel not in MESSAGE_CHANNELS:
        return ()  # tasks, letters and notices stay inside the firm: always open
    reasons: list[Reason] = []
    if not now.configured:
        reasons.append(Reason("not_set_up", WAITING, NOT_SET_UP[channel]))
    if now.business_days_only and not is_business_day(today):
        reasons.append(
            Reason(
                "not_business_day",
                WAITING,
                N_("{date} is not a business day"),
                {"date": today.isoformat()},
            )
        )
    if now.hours is not None and now.at is not None:
        start, end = now.hours
        if not start <= now.at < end:
            reasons.append(
                Reason(
                    "outside_hours",
                    WAITING,
                    N_("outside the send hours {start}-{end}"),
                    {"start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")},
                )
            )
    return tuple(reasons)


def delivery_reasons(
    item: Item, channel: str, today: dt.date, now: ChannelNow | None
) -> tuple[Reason, ...]:
    """Why a message about ``item`` cannot reach the contractor through ``channel`` now: no
    address for it, or (when ``now`` is given) the channel's set-up, day and hours."""
    if channel not in MESSAGE_CHANNELS:
        return ()
    reasons: list[Reason] = []
    if channel not in item.reachable:
        reasons.append(Reason("no_address", WAITING, NO_ADDRESS[channel]))
    if now is not None:
        reasons.extend(channel_reasons(channel, today, now))
    return tuple(reasons)


def gap_reasons(
    last_reminder: dt.date | None, today: dt.date, min_gap_days: int
) -> tuple[Reason, ...]:
    if last_reminder is None or (today - last_reminder).days >= min_gap_days:
        return ()
    return (
        Reason(
            "reminded_recently",
            SPACED,
            N_("the contractor was reminded on {date}"),
            {"date": last_reminder.isoformat()},
        ),
    )


def reminder_allowed(
    item: Item,
    channel: str,
    today: dt.date,
    *,
    now: ChannelNow | None = None,
    last_reminder: dt.date | None = None,
    min_gap_days: int = 0,
    done: bool = False,
) -> Verdict:
    """May ``item`` be reminded about today through ``channel``, and if not, every reason why.

    ``now``: the channel's set-up and the moment (None: the channel is not asked about, as for
    a preview); ``last_reminder``: the day the contractor was last reminded, counted against
    ``min_gap_days``; ``done``: this step already went out through this channel.
    """
    reasons = [*item_reasons(item, today), *delivery_reasons(item, channel, today, now)]
    if channel in MESSAGE_CHANNELS:
        reasons.extend(gap_reasons(last_reminder, today, min_gap_days))
    if done:
        reasons.append(Reason("already_sent", DONE, N_("already sent at this step")))
    return Verdict(tuple(reasons))


def describe(reasons: tuple[Reason, ...]) -> str:
    """The reasons as one translated sentence part, in order."""
    return "; ".join(r.text() for r in reasons)
