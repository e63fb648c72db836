"""Demo collection history: what two years of daily dunning runs would have left behind.

For each contractor the real planner (:func:`desktop_app.domain.planner.plan_contractor`) is
asked, day after day, what to do with the items as the demo ledger says they stood that day
(open, paid, disputed, promised, handed over), and its answers are written the way
``services/dunning/execute.py`` and the sender write them: outbox rows under the planner's
own group keys, ``dunning_log`` rows (so the next real run knows what was done), tasks for the
account managers, hand-overs, thank-yous, and the contractor's activity log. Promises to pay and
disputes are what people would have entered; a promise is kept or broken by the same rule
``services/dunning/promises.settle`` applies.

Everything random comes from one ``random.Random`` per contractor seeded from the demo's seed,
so the history does not change the rest of the demo and one seed gives the same rows.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from desktop_app.domain import planner
from desktop_app.domain.money import decimal_str
from desktop_app.domain.reminder_rule import PROMISE_GRACE_DAYS, PromiseTerms
from desktop_app.domain.scenario import MESSAGE_CHANNELS, Scenario
from desktop_app.i18n import N_
from desktop_app.messaging.context import BankAccount, Party, Person, TemplateContext
from desktop_app.messaging.context import Item as TextItem
from desktop_app.messaging.defaults import load_default
from desktop_app.messaging.templates import render
from desktop_app.services import demo_words as words
from desktop_app.services.dunning import promises
from desktop_app.services.dunning.planning import Group
from desktop_app.services.dunning.sender import FAILURE_SUMMARY, SENT_SUMMARY
from desktop_app.services.dunning.state import THANKS_LOOKBACK_DAYS

#: the scenario the demo firm works its debtors with: every channel, a manager, a hand-over
SCENARIO = "escalation"
#: the replay asks the planner about every day of every contractor (about 10 ms of CPU a
#: contractor): the first ones (and every big debtor) get a history, so that a demo of 20,000
#: contractors is made in about the time it took without one; the others have none
MAX_CONTRACTORS = 300
#: messages of the last days carry their full text (what people open); older ones, the
#: subject or a line: rendering every text of two years would double the demo's time
FULL_TEXT_DAYS = 45
#: share of messages the provider refused (bounced e-mail, wrong number)
FAILURE_RATE = 0.06
#: failures older than this were seen, the address put right and the message sent again
RETRY_AFTER_DAYS = 5
#: tasks older than this are mostly done (five times older: all); newer ones still wait
OPEN_TASK_DAYS = 6
#: the contractor's pause (if any) was set this many days ago
PAUSE_AGE_DAYS = 14
_NOBODY_FOR_NOTICES = N_("nobody is set to receive notices")

OUTBOX_COLUMNS = (
    "id", "key", "contractor_id", "scenario", "step", "channel", "recipients", "language",
    "subject", "body_text", "from_name", "items", "attachments", "status", "attempts",
    "next_attempt_at", "planned_for", "valid_until", "last_error", "provider_id", "manual",
    "created_at", "sending_at", "finished_at",
)  # fmt: skip
LOG_COLUMNS = (
    "id", "instalment_id", "contractor_id", "scenario", "step", "occurrence", "channel", "day",
    "status", "reason", "reason_data", "outbox_id", "task_id", "created_at",
)  # fmt: skip
TASK_COLUMNS = (
    "id", "key", "contractor_id", "assigned_user_id", "kind", "title", "body", "due_on",
    "status", "created_at", "done_at", "done_by", "done_note",
)  # fmt: skip
PROMISE_COLUMNS = (
    "id", "contractor_id", "invoice_id", "made_on", "due_on", "amount_minor", "currency",
    "status", "resolved_on", "note", "actor",
)  # fmt: skip


class Binder(Protocol):
    """How the demo binds values for its executemany (dates as the driver wants them)."""

    def day(self, ordinal: int) -> Any: ...

    def stamp(self, ordinal: int, minute: int) -> Any: ...

    def json(self, value: Any) -> Any: ...


@dataclass
class Counters:
    """The last id used per table (the demo assigns ids itself)."""

    activity: int = 0
    outbox: int = 0
    log: int = 0
    task: int = 0
    promise: int = 0


@dataclass(frozen=True, slots=True)
class Fact:
    """One instalment of a regular invoice as the demo ledger ended it."""

    instalment_id: int
    invoice_id: int
    number: str
    issue: dt.date
    due: dt.date
    currency: str
    amount: int
    gross: int
    settled: dt.date | None
    by_payment: bool


@dataclass(frozen=True)
class Payer:
    id: int
    name: str
    nip: str
    persona: str
    language: str
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    manager_id: int | None
    manager_login: str | None
    manager_email: str | None
    paused_until: dt.date | None
    pause_reason: str | None


@dataclass(frozen=True)
class LetterWish:
    """A demand letter the account manager would have written at the scenario's manager step
    (the task to act on the debt) for what was overdue that day; ``overdue`` (the contractor's
    overdue today, in minor units) chooses the worst debtors."""

    contractor_id: int
    day: dt.date
    numbers: tuple[str, ...]
    key: str
    actor: str
    overdue: int


@dataclass(frozen=True)
class Sender:
    """Who the messages come from, as the composer fills it into a template."""

    firm: Party
    accounts: tuple[BankAccount, ...] = ()
    managers: dict[int, Person] = field(default_factory=dict)


@dataclass
class Rows:
    """Where the history goes: the demo's buffered tables, rows in the columns above."""

    outbox: list[tuple[Any, ...]]
    log: list[tuple[Any, ...]]
    task: list[tuple[Any, ...]]
    promise: list[tuple[Any, ...]]
    #: in the demo's activity columns: id, contractor, invoice, at, actor, kind, channel,
    #: summary, data, body
    activity: list[tuple[Any, ...]]


@dataclass
class _Promise:
    invoice_id: int
    made_on: dt.date
    due_on: dt.date
    amount: int
    currency: str
    status: str = "open"
    resolved_on: dt.date | None = None
    paid: int = 0

    def holds_on(self, day: dt.date) -> bool:
        return self.made_on <= day and (self.resolved_on is None or day < self.resolved_on)


@dataclass
class _Dispute:
    raised: dt.date
    closed: dt.date | None
    reason: str

    def holds_on(self, day: dt.date) -> bool:
        return self.raised <= day and (self.closed is None or day < self.closed)


@dataclass
class Outcome:
    """What one contractor's history changed on its invoices (written with the invoices)."""

    disputed: dict[int, str] = field(default_factory=dict)
    handed_over: dict[int, dt.date] = field(default_factory=dict)


class _Texts:
    """Subject lines and task titles from the shipped templates, rendered once per language
    with markers standing in for the invoice number and the contractor, then filled in."""

    NUMBER = "\x01N\x01"
    NAME = "\x01C\x01"
    NIP = "\x01T\x01"

    def __init__(self, firm: str) -> None:
        self.firm = firm
        self._cache: dict[tuple[str, str, bool], str] = {}
        self._templates: dict[tuple[str, str], str] = {}

    def text(self, name: str, context: TemplateContext, language: str) -> str:
        """The message's full text, rendered from the shipped template like the composer does."""
        source = self._templates.get((name, language))
        if source is None:
            source = self._templates[(name, language)] = load_default(name, language).text
        return render(source, context, language=language, name=f"{name}.{language}.txt").strip()

    def _render(self, name: str, language: str, part: str, many: bool) -> str:
        key = (f"{name}:{part}", language, many)
        found = self._cache.get(key)
        if found is None:
            template = load_default(name, language)
            source = template.subject if part == "subject" else template.text
            first = (source or "").strip()
            numbers = [{"number": self.NUMBER}] * (2 if many else 1)
            values = _Fixed(
                {
                    "items": numbers,
                    "firm": {"name": self.firm},
                    "contractor": {"name": self.NAME, "nip": self.NIP},
                    "max_days_overdue": 1,
                }
            )
            if part == "title":  # the task's title is its text's first line
                first = first.partition("\n")[0]
            found = " ".join(render(first, values, language=language, name=name).split())
            self._cache[key] = found
        return found

    def subject(self, name: str, language: str, numbers: Sequence[str]) -> str:
        text = self._render(name, language, "subject", len(numbers) > 1)
        return text.replace(self.NUMBER, numbers[0])

    def title(self, name: str, language: str, payer: Payer) -> str:
        text = self._render(name, language, "title", False)
        return text.replace(self.NAME, payer.name).replace(self.NIP, payer.nip)


class _Fixed:
    def __init__(self, values: dict[str, object]) -> None:
        self.values = values

    def variables(self, language: str) -> dict[str, object]:
        return self.values


class History:
    """Writes each contractor's collection history into ``rows``."""

    def __init__(
        self,
        scenario: Scenario,
        scenario_name: str,
        today: dt.date,
        seed: int,
        sender: Sender,
        bind: Binder,
        rows: Rows,
        ids: Counters,
    ) -> None:
        self.scenario = scenario
        self.name = scenario_name
        self.today = today
        self.seed = seed
        self.bind = bind
        self.rows = rows
        self.ids = ids
        self.sender = sender
        self.texts = _Texts(sender.firm.name)
        self.cache = planner.TimelineCache(today + planner.FAR)
        #: per contractor, the latest manager step: where a demand letter would go
        self.letter_wishes: list[LetterWish] = []
        self._manager_step: Group | None = None

    # -- one contractor

    def contractor(
        self,
        payer: Payer,
        facts: list[Fact],
        payments: Sequence[tuple[dt.date, int, str]],
    ) -> Outcome:
        rng = random.Random(f"{self.seed}/history/{payer.id}")
        outcome = Outcome()
        facts = sorted((f for f in facts if f.issue <= self.today), key=lambda f: f.issue)
        if not facts:
            return outcome
        disputes = self._disputes(payer, facts, rng)
        promises = self._promises(payer, facts, payments, rng)
        self._manager_step = None
        reachable = frozenset(
            (("email",) if payer.emails else ()) + (("sms", "voice") if payer.phones else ())
        )
        days = self._days(facts)
        # a run the day a hold ends acts on what waited behind it
        ends = [p.resolved_on for p in promises.values() if p.resolved_on is not None]
        ends += [d.closed for d in disputes.values() if d.closed is not None]
        days = sorted(set(days).union(day for day in ends if day <= self.today))
        history: dict[int, list[planner.Done]] = defaultdict(list)
        handed: dict[int, dt.date] = {}
        waiting = iter(facts)  # by issue date
        upcoming = next(waiting, None)
        active: list[Fact] = []
        for day in days:
            while upcoming is not None and upcoming.issue <= day:
                active.append(upcoming)
                upcoming = next(waiting, None)
            units = []
            still: list[Fact] = []
            for fact in active:
                settled = fact.settled if fact.settled is not None and fact.settled <= day else None
                if settled is not None and (
                    not history[fact.instalment_id] or (day - settled).days > THANKS_LOOKBACK_DAYS
                ):
                    continue  # paid and past its thank-you: no run looks at it again
                handed_on = handed.get(fact.invoice_id)
                if handed_on is not None and handed_on < day:
                    continue  # with the collectors: closed to reminders for good
                still.append(fact)
                units.append(
                    (
                        self.scenario,
                        self._item(payer, fact, day, settled, reachable, disputes, promises,
                                   handed),
                        history[fact.instalment_id],
                    )
                )  # fmt: skip
            active = still
            if not units:
                continue
            actions = planner.plan_contractor(units, day, MESSAGE_CHANNELS, cache=self.cache)
            self._apply(payer, day, actions, history, handed, rng)
        self._promise_rows(payer, promises, rng)
        self._dispute_rows(payer, facts, disputes)
        for fact in facts:
            dispute = disputes.get(fact.invoice_id)
            if dispute is not None and dispute.closed is None:
                outcome.disputed[fact.invoice_id] = dispute.reason
        outcome.handed_over = handed
        self._wish_letter(payer, facts, handed, disputes)
        return outcome

    def _wish_letter(
        self,
        payer: Payer,
        facts: list[Fact],
        handed: dict[int, dt.date],
        disputes: dict[int, _Dispute],
    ) -> None:
        """The demand the manager would have written at the latest manager step: every invoice
        overdue that day, except those with the collectors or disputed."""
        group = self._manager_step
        if group is None:
            return
        day = group.day

        def owed_on(fact: Fact, when: dt.date) -> bool:
            return fact.due < when and (fact.settled is None or fact.settled > when)

        numbers = tuple(
            sorted(
                {
                    f.number
                    for f in facts
                    if owed_on(f, day)
                    and not (f.invoice_id in handed and handed[f.invoice_id] <= day)
                    and not (f.invoice_id in disputes and disputes[f.invoice_id].holds_on(day))
                }
            )
        )
        if not numbers:
            return
        overdue = sum(f.amount for f in facts if owed_on(f, self.today))
        actor = payer.manager_login or "scheduler"
        self.letter_wishes.append(
            LetterWish(payer.id, day, numbers, f"{group.key}/letter", actor, overdue)
        )

    def _days(self, facts: list[Fact]) -> list[dt.date]:
        """Every day something may be due for the contractor: each item's timeline while it is
        open, and the day it was paid (the thank-you)."""
        days: set[dt.date] = set()
        for fact in facts:
            probe = planner.Item(
                fact.instalment_id, fact.invoice_id, 0, fact.issue, fact.due, fact.currency,
                fact.amount, fact.gross,
            )  # fmt: skip
            end = fact.settled if fact.settled is not None else self.today + dt.timedelta(days=1)
            for entry in planner.timeline(self.scenario, probe, (), self.today):
                if entry.day < end:
                    days.add(entry.day)
            if fact.settled is not None and fact.settled <= self.today:
                days.add(fact.settled)
        return sorted(days)

    def _item(
        self,
        payer: Payer,
        fact: Fact,
        day: dt.date,
        settled: dt.date | None,
        reachable: frozenset[str],
        disputes: dict[int, _Dispute],
        promises: dict[int, _Promise],
        handed: dict[int, dt.date],
    ) -> planner.Item:
        dispute = disputes.get(fact.invoice_id)
        promise = promises.get(fact.invoice_id)
        paused = (
            payer.paused_until
            if payer.paused_until is not None
            and day >= self.today - dt.timedelta(days=PAUSE_AGE_DAYS)
            else None
        )
        return planner.Item(
            instalment_id=fact.instalment_id,
            invoice_id=fact.invoice_id,
            contractor_id=payer.id,
            issue_date=fact.issue,
            due_date=fact.due,
            currency=fact.currency,
            open_minor=0 if settled is not None else fact.amount,
            invoice_gross_minor=fact.gross,
            settled_on=settled,
            contractor_paused_until=paused,
            contractor_pause_reason=payer.pause_reason if paused else None,
            promise=(
                PromiseTerms(promise.due_on, promise.amount, promise.currency)
                if promise is not None and promise.holds_on(day)
                else None
            ),
            disputed=dispute is not None and dispute.holds_on(day),
            handed_over=fact.invoice_id in handed and handed[fact.invoice_id] <= day,
            reachable=reachable,
            settled_by_payment=fact.by_payment,
            number=fact.number,
        )

    # -- what the planner decided, written the way a run writes it

    def _apply(
        self,
        payer: Payer,
        day: dt.date,
        actions: list[planner.Action],
        history: dict[int, list[planner.Done]],
        handed: dict[int, dt.date],
        rng: random.Random,
    ) -> None:
        buckets: dict[tuple[str, str, str], list[planner.Action]] = defaultdict(list)
        for action in actions:
            if action.kind == "wait":
                continue
            if action.kind == "skip":
                self._log(payer, action, day, "skipped", reason=action.reason,
                          reason_data=action.reason_data or None)  # fmt: skip
                history[action.item.instalment_id].append(
                    planner.Done(action.step, action.occurrence, action.channel, day, "skipped")
                )
                continue
            _scenario, step, channel = action.carrier
            buckets[(action.kind, step, channel)].append(action)
        listed: dict[str, dict[int, planner.Item]] = defaultdict(dict)
        for (kind, step, _channel), group_actions in buckets.items():
            if kind == "send":
                listed[step].update((a.item.instalment_id, a.item) for a in group_actions)
        for (kind, step, channel), group_actions in sorted(buckets.items()):
            group_actions.sort(key=lambda a: (a.item.due_date, a.item.instalment_id))
            shown = (
                tuple(sorted(listed[step].values(), key=lambda i: (i.due_date, i.instalment_id)))
                if kind == "send" and channel in MESSAGE_CHANNELS
                else ()
            )
            group = Group(kind, self.name, step, channel, payer.id, None, tuple(group_actions),
                          day, shown, (self.name,) * len(group_actions))  # fmt: skip
            status = self._group(payer, group, handed, rng)
            for action in group_actions:
                history[action.item.instalment_id].append(
                    planner.Done(action.step, action.occurrence, action.channel, day, status)
                )

    def _group(
        self, payer: Payer, group: Group, handed: dict[int, dt.date], rng: random.Random
    ) -> str:
        """Writes one message or task; returns the status its log rows got."""
        day = group.day
        if group.kind == "handover":
            task_id = self._task(payer, group, "sms-classic/task_handover", "handover", rng)
            self._log_group(payer, group, "done", task_id=task_id)
            numbers = []
            for action in group.actions:
                if action.item.invoice_id not in handed:
                    handed[action.item.invoice_id] = day
                    numbers.append(action.item.number)
            self._activity(payer.id, None, day, 9 * 60 + 5, "scheduler", "status", None,
                           N_("Handed over to external collection: {invoices}"),
                           {"invoices": ", ".join(sorted(numbers))})  # fmt: skip
            return "done"
        if group.channel == "task":
            task_id = self._task(payer, group, "escalation/task_manager", "followup", rng)
            self._manager_step = group
            self._log_group(payer, group, "done", task_id=task_id)
            return "done"
        if group.channel == "notice":
            if payer.manager_email is None:  # and nobody set in notice.recipients
                self._log_group(payer, group, "skipped", reason=_NOBODY_FOR_NOTICES)
                return "skipped"
            return self._message(payer, group, rng, to=[payer.manager_email], reliable=True)
        return self._message(payer, group, rng)

    def _message(
        self,
        payer: Payer,
        group: Group,
        rng: random.Random,
        *,
        to: list[str] | None = None,
        reliable: bool = False,
    ) -> str:
        day = group.day
        ordinal = day.toordinal()
        minute = 8 * 60 + 2 + rng.randrange(50)
        channel = group.channel
        if to is None:
            to = list(payer.emails) if channel == "email" else list(payer.phones[:1])
        step = self.scenario.step(group.step) if group.kind == "send" else None
        template = (
            step.templates[channel]
            if step is not None
            else self.scenario.on_paid.templates.get(channel, "")
        )
        items = group.items
        numbers = [i.number for i in items]
        subject = (
            self.texts.subject(template, payer.language, numbers) if channel == "email" else None
        )
        text = (
            self._full_text(payer, group, template)
            if (self.today - day).days <= FULL_TEXT_DAYS
            else None
        )
        body = (f"{subject}\n\n{text}" if subject else text) if text else subject
        failed = not reliable and rng.random() < FAILURE_RATE
        # a failure noticed in time was sent again by hand the next working morning
        retried = failed and (self.today - day).days > RETRY_AFTER_DAYS
        error = None
        if failed:
            errors = [e for c, e in words.DELIVERY_ERRORS if c == channel]
            error = errors[rng.randrange(len(errors))].format(to=", ".join(to))
        self.ids.outbox += 1
        outbox_id = self.ids.outbox
        bind = self.bind
        queued = bind.stamp(ordinal, minute - 1)
        finished = ordinal + 1 if retried else ordinal
        done_at = bind.stamp(finished, minute if not retried else 10 * 60 + minute % 60)
        ok = not failed or retried
        valid_until = group.valid_until
        self.rows.outbox.append(
            (
                outbox_id, group.key, payer.id, self.name, group.step, channel, bind.json(to),
                payer.language, subject, text or subject or "", None,
                bind.json([_item_json(i, group) for i in items]),
                bind.json(["invoice_list"] if step is not None and step.attach_invoice_list
                          and channel == "email" else []),
                "sent" if ok else "failed_permanently", 2 if retried else 1, queued,
                bind.day(ordinal), bind.day(valid_until.toordinal()) if valid_until else None,
                error, f"demo-{outbox_id}" if ok else None, retried, queued, done_at, done_at,
            )
        )  # fmt: skip
        log_status = "sent" if ok else "failed"
        self._log_group(payer, group, log_status, outbox_id=outbox_id)
        sent = {"to": ", ".join(to), "subject": subject or "", "key": group.key}
        if failed:
            failure = {"channel": channel, "to": ", ".join(to), "error": error or ""}
            self._activity(payer.id, None, day, minute, "scheduler", "message", channel,
                           FAILURE_SUMMARY["failed_permanently"], failure, body)  # fmt: skip
        if retried:
            self._activity(payer.id, None, day + dt.timedelta(days=1), 9 * 60 + minute % 60,
                           payer.manager_login or "system", "message", channel,
                           N_("Message queued again by hand"), {"key": group.key})  # fmt: skip
            self._activity(payer.id, None, day + dt.timedelta(days=1), 10 * 60 + minute % 60,
                           "manual", "message", channel, SENT_SUMMARY[channel], sent,
                           body)  # fmt: skip
        elif not failed:
            self._activity(payer.id, None, day, minute, "scheduler", "message", channel,
                           SENT_SUMMARY[channel], sent, body)  # fmt: skip
        return log_status

    def _full_text(self, payer: Payer, group: Group, template: str) -> str:
        day = group.day
        items = tuple(
            TextItem.create(
                number=i.number,
                issue_date=i.issue_date,
                due_date=i.due_date,
                amount_minor=i.invoice_gross_minor,
                open_minor=i.open_minor,
                currency=i.currency,
                today=day,
            )
            for i in group.items
        )
        manager = self.sender.managers.get(payer.manager_id) if payer.manager_id else None
        contractor = Party(
            payer.name,
            payer.nip,
            phone=payer.phones[0] if payer.phones else "",
            email=payer.emails[0] if payer.emails else "",
        )
        context = TemplateContext(
            contractor=contractor,
            items=items,
            firm=self.sender.firm,
            today=day,
            accounts=self.sender.accounts,
            account_manager=manager,
        )
        return self.texts.text(template, context, payer.language)

    def _task(
        self, payer: Payer, group: Group, template: str, kind: str, rng: random.Random
    ) -> int:
        day = group.day
        ordinal = day.toordinal()
        title = self.texts.title(template, payer.language, payer)
        self.ids.task += 1
        task_id = self.ids.task
        age = (self.today - day).days
        done = age > OPEN_TASK_DAYS * 5 or (age > OPEN_TASK_DAYS and rng.random() < 0.8)
        bind = self.bind
        done_at = done_by = note = None
        if done:
            finished = min(ordinal + rng.randrange(4), self.today.toordinal())
            done_at = bind.stamp(finished, 10 * 60 + rng.randrange(6 * 60))
            done_by = payer.manager_login or "system"
            note = words.TASK_DONE_NOTES[rng.randrange(len(words.TASK_DONE_NOTES))]
        self.rows.task.append(
            (
                task_id, group.key, payer.id, payer.manager_id, kind, title, None,
                bind.day(ordinal), "done" if done else "open", bind.stamp(ordinal, 8 * 60 + 1),
                done_at, done_by, note,
            )
        )  # fmt: skip
        self._activity(payer.id, None, day, 8 * 60 + 1, "scheduler", "task", None,
                       N_("Task created: {title}"), {"title": title})  # fmt: skip
        return task_id

    def _log_group(
        self,
        payer: Payer,
        group: Group,
        status: str,
        *,
        outbox_id: int | None = None,
        task_id: int | None = None,
        reason: str | None = None,
    ) -> None:
        for action in group.actions:
            self._log(payer, action, group.day, status, outbox_id=outbox_id, task_id=task_id,
                      reason=reason)  # fmt: skip

    def _log(
        self,
        payer: Payer,
        action: planner.Action,
        day: dt.date,
        status: str,
        *,
        outbox_id: int | None = None,
        task_id: int | None = None,
        reason: str | None = None,
        reason_data: dict[str, str] | None = None,
    ) -> None:
        self.ids.log += 1
        ordinal = day.toordinal()
        self.rows.log.append(
            (
                self.ids.log, action.item.instalment_id, payer.id, self.name, action.step,
                action.occurrence, action.channel, self.bind.day(ordinal), status, reason,
                self.bind.json(reason_data) if reason_data else None, outbox_id, task_id,
                self.bind.stamp(ordinal, 8 * 60),
            )
        )  # fmt: skip

    def _activity(
        self,
        contractor_id: int,
        invoice_id: int | None,
        day: dt.date,
        minute: int,
        actor: str,
        kind: str,
        channel: str | None,
        summary: str,
        data: dict[str, str] | None,
        body: str | None = None,
    ) -> None:
        self.ids.activity += 1
        self.rows.activity.append(
            (
                self.ids.activity, contractor_id, invoice_id,
                self.bind.stamp(day.toordinal(), minute), actor, kind, channel, summary,
                self.bind.json(data) if data is not None else None, body,
            )
        )  # fmt: skip

    # -- what people entered: disputes and promises

    def _disputes(self, payer: Payer, facts: list[Fact], rng: random.Random) -> dict[int, _Dispute]:
        chance = {"big_debtor": 1.0, "chronic": 0.35, "late": 0.12, "partial": 0.2}
        if rng.random() >= chance.get(payer.persona, 0.0):
            return {}
        late = [f for f in facts if _late_by(f, self.today) >= 10 and f.due < self.today]
        if not late:
            return {}
        found: dict[int, _Dispute] = {}
        for _k in range(1 + (rng.random() < 0.3) + (payer.persona == "big_debtor")):
            fact = late[rng.randrange(len(late))]
            raised = fact.due + dt.timedelta(days=6)
            if raised >= self.today:
                continue
            closed: dt.date | None = raised + dt.timedelta(days=7 + rng.randrange(34))
            if fact.settled is not None:
                closed = min(closed or fact.settled, fact.settled)
            elif rng.random() < 0.5 or (closed is not None and closed >= self.today):
                closed = None  # still being argued about
            reason = words.DISPUTE_REASONS[rng.randrange(len(words.DISPUTE_REASONS))]
            found.setdefault(fact.invoice_id, _Dispute(raised, closed, reason))
        return found

    def _dispute_rows(self, payer: Payer, facts: list[Fact], disputes: dict[int, _Dispute]) -> None:
        numbers = {f.invoice_id: f.number for f in facts}
        actor = payer.manager_login or "system"
        for invoice_id, dispute in sorted(disputes.items()):
            data = {"number": numbers[invoice_id], "reason": dispute.reason}
            self._activity(payer.id, invoice_id, dispute.raised, 11 * 60 + 20, actor, "status",
                           None, N_("Invoice {number} disputed: {reason}"), data)  # fmt: skip
            if dispute.closed is not None:
                self._activity(payer.id, invoice_id, dispute.closed, 12 * 60 + 40, actor,
                               "status", None, N_("Dispute over {number} closed"),
                               {"number": numbers[invoice_id], "reason": ""})  # fmt: skip

    def _promises(
        self,
        payer: Payer,
        facts: list[Fact],
        payments: Sequence[tuple[dt.date, int, str]],
        rng: random.Random,
    ) -> dict[int, _Promise]:
        chance = {"big_debtor": 0.5, "chronic": 0.3, "late": 0.12, "partial": 0.25}.get(
            payer.persona, 0.0
        )
        today = self.today
        found: dict[int, _Promise] = {}
        if not chance:
            return found
        for fact in facts:
            if _late_by(fact, today) < 12 or rng.random() >= chance:
                continue
            earliest = fact.due + dt.timedelta(days=9)  # after the call
            if fact.settled is not None:
                made = max(earliest, fact.settled - dt.timedelta(days=3 + rng.randrange(8)))
                # most keep their word to the day; some let it slip past the grace
                slip = rng.randrange(3) if rng.random() < 0.8 else 4 + rng.randrange(10)
                due = max(made, fact.settled - dt.timedelta(days=slip))
            else:
                made = earliest + dt.timedelta(days=rng.randrange(40))
                due = made + dt.timedelta(days=7 + rng.randrange(8))
            if made >= today:
                continue
            found[fact.invoice_id] = _Promise(fact.invoice_id, made, due, fact.amount,
                                              fact.currency)  # fmt: skip
        # a debtor still owing something promised a payment for this week
        still_open = [f for f in facts if f.settled is None and f.due < today]
        if still_open and rng.random() < (1.0 if payer.persona == "big_debtor" else chance):
            fact = max(still_open, key=lambda f: f.amount)
            made = today - dt.timedelta(days=1 + rng.randrange(4))
            due = today + dt.timedelta(days=rng.randrange(6))
            found[fact.invoice_id] = _Promise(fact.invoice_id, made, due, fact.amount,
                                              fact.currency)  # fmt: skip
        for promise in found.values():
            decided = promise.due_on + dt.timedelta(days=PROMISE_GRACE_DAYS + 1)
            if decided > today:
                continue
            paid = sum(
                amount
                for day, amount, currency in payments
                if currency == promise.currency
                and promise.made_on <= day <= promise.due_on + dt.timedelta(days=PROMISE_GRACE_DAYS)
            )
            promise.paid = paid
            promise.status = "kept" if paid >= promise.amount else "broken"
            promise.resolved_on = decided
        return found

    def _promise_rows(
        self, payer: Payer, promises: dict[int, _Promise], rng: random.Random
    ) -> None:
        bind = self.bind
        actor = payer.manager_login or "system"
        for invoice_id, promise in sorted(promises.items()):
            self.ids.promise += 1
            amount = decimal_str(promise.amount, promise.currency)
            note = words.PROMISE_NOTES[rng.randrange(len(words.PROMISE_NOTES))] or None
            self.rows.promise.append(
                (
                    self.ids.promise, payer.id, invoice_id, bind.day(promise.made_on.toordinal()),
                    bind.day(promise.due_on.toordinal()), promise.amount, promise.currency,
                    promise.status,
                    bind.day(promise.resolved_on.toordinal()) if promise.resolved_on else None,
                    note, actor,
                )
            )  # fmt: skip
            self._activity(payer.id, invoice_id, promise.made_on, 13 * 60 + 15, actor, "promise",
                           None, N_("Promise to pay {amount} {currency} by {date}"),
                           {"amount": amount, "currency": promise.currency,
                            "date": promise.due_on.isoformat()}, note)  # fmt: skip
            if promise.resolved_on is None:
                continue
            if promise.status == "kept":
                self._activity(payer.id, None, promise.resolved_on, 7 * 60, "scheduler",
                               "promise", None, N_("Promise to pay kept"), None)  # fmt: skip
                continue
            self._broken(payer, promise, rng)

    def _broken(self, payer: Payer, promise: _Promise, rng: random.Random) -> None:
        """What ``promises.settle`` writes for a broken promise: a task and a line."""
        assert promise.resolved_on is not None
        data = {
            "name": payer.name,
            "amount": decimal_str(promise.amount, promise.currency),
            "paid": decimal_str(promise.paid, promise.currency),
            "currency": promise.currency,
            "date": promise.due_on.isoformat(),
        }
        self.ids.task += 1
        day = promise.resolved_on.toordinal()
        done = (self.today - promise.resolved_on).days > OPEN_TASK_DAYS
        bind = self.bind
        self.rows.task.append(
            (
                self.ids.task, f"promise/{self.ids.promise}/broken", payer.id, payer.manager_id,
                "promise",
                *promises.broken_task_texts(data),
                bind.day(day), "done" if done else "open", bind.stamp(day, 7 * 60),
                bind.stamp(day + 1, 10 * 60 + rng.randrange(300)) if done else None,
                (payer.manager_login or "system") if done else None,
                words.TASK_DONE_NOTES[rng.randrange(len(words.TASK_DONE_NOTES))] if done else None,
            )
        )  # fmt: skip
        self._activity(payer.id, None, promise.resolved_on, 7 * 60, "scheduler", "promise", None,
                       N_("Promise to pay broken: {amount} {currency} promised by {date}, "
                          "{paid} received"), data)  # fmt: skip


def _late_by(fact: Fact, today: dt.date) -> int:
    """How many days after its due date the item was paid (or is still unpaid today)."""
    end = fact.settled if fact.settled is not None else today
    return (end - fact.due).days


def _item_json(item: planner.Item, group: Group) -> dict[str, object]:
    occurrences = {a.item.instalment_id: a.occurrence for a in group.actions}
    amount = decimal_str(item.invoice_gross_minor, item.currency)
    return {
        "instalment_id": item.instalment_id,
        "invoice_id": item.invoice_id,
        "number": item.number,
        "issue_date": item.issue_date.isoformat(),
        "due_date": item.due_date.isoformat(),
        "amount": amount,
        "open": decimal_str(item.open_minor, item.currency),
        "currency": item.currency,
        "occurrence": occurrences.get(item.instalment_id, 0),
    }
