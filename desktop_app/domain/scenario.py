"""Dunning scenarios as data: steps with triggers, repeats, channels, templates and conditions.

A scenario is stored as JSON in the database and exported/imported as JSON or YAML; this module
is the one place that knows its shape and validates it with plain, translated messages.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from desktop_app.domain.template_names import is_template_name
from desktop_app.errors import ValidationError
from desktop_app.i18n import _
from desktop_app.letters.model import DEMANDS

ANCHORS = ("issue", "due", "previous")
#: channels that send a message to the contractor and need a send window
MESSAGE_CHANNELS = ("email", "sms", "voice")
#: channels that create work for people inside the firm
INTERNAL_CHANNELS = ("letter", "task", "notice")
CHANNELS = MESSAGE_CHANNELS + INTERNAL_CHANNELS
SCHEMA_VERSION = 1
_CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


@dataclass(frozen=True)
class Trigger:
    """When a step happens: ``offset`` days after the anchor (negative = before)."""

    anchor: str = "due"
    offset: int = 0
    business_days: bool = False


@dataclass(frozen=True)
class Repeat:
    """Repeat every ``every`` days after the first occurrence, at most ``times`` more times."""

    every: int
    times: int | None = None


@dataclass(frozen=True)
class Conditions:
    """All must hold for an item to get the step. Amounts are minor units in the item's currency."""

    min_open_minor: int | None = None
    min_invoice_minor: int | None = None
    tags_any: tuple[str, ...] = ()
    tags_none: tuple[str, ...] = ()
    max_rating: int | None = None

    def is_empty(self) -> bool:
        return self == Conditions()


@dataclass(frozen=True)
class Step:
    code: str
    name: str
    trigger: Trigger
    channels: tuple[str, ...]
    #: channel -> template name (resolved per contractor language when rendering)
    templates: Mapping[str, str] = field(default_factory=dict)
    repeat: Repeat | None = None
    conditions: Conditions = field(default_factory=Conditions)
    attach_invoice_list: bool = False
    #: the document the letter channel writes (a demand first, the final demand later)
    letter: str = "demand"


@dataclass(frozen=True)
class OnPaid:
    """The thank-you sent once after every item a contractor was reminded of is paid."""

    channels: tuple[str, ...] = ()
    templates: Mapping[str, str] = field(default_factory=dict)
    #: a thank-you later than this after the payment would be stale; it is skipped instead
    within_days: int = 7


@dataclass(frozen=True)
class Handover:
    """After ``after_days`` overdue the case goes to hard collection: reminders end, a task opens."""

    after_days: int
    task_template: str = "sms-classic/task_handover"
    notice: bool = True


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    steps: tuple[Step, ...]
    description: str = ""
    per_invoice: bool = False
    on_paid: OnPaid = field(default_factory=OnPaid)
    handover: Handover | None = None
    #: no reminder to a contractor within this many days of the previous one, whichever invoices
    #: it was about (manual ones included)
    min_gap_days: int = 2

    def step(self, code: str) -> Step:
        for step in self.steps:
            if step.code == code:
                return step
        raise KeyError(code)

    def with_name(self, name: str, title: str | None = None) -> Scenario:
        return replace(self, name=name, title=title or self.title)


# --- validation ------------------------------------------------------------------------------


def _template_problems(names: Iterable[str], known: Collection[str] | None) -> list[str]:
    problems = []
    for name in dict.fromkeys(n for n in names if n):
        if not is_template_name(name):
            problems.append(
                _(
                    "{name!r} is not a template name (group/name: lower-case letters, digits, - and _)"
                ).format(name=name)
            )
        elif known is not None and name not in known:
            problems.append(_("there is no template named {name}").format(name=name))
    return problems


def validate(scenario: Scenario, *, known_templates: Collection[str] | None = None) -> list[str]:
    """Every problem as a plain sentence (empty when the scenario is usable).

    Template names are always checked to be names; with ``known_templates`` (the shipped ones and
    the firm's own) also that each names a template that exists.
    """
    problems: list[str] = []
    if not _CODE_RE.match(scenario.name):
        problems.append(
            _("Scenario name {name!r}: use lower-case letters, digits, - and _ (max 40)").format(
                name=scenario.name
            )
        )
    if not scenario.title.strip():
        problems.append(_("The scenario needs a title"))
    if not scenario.steps:
        problems.append(_("The scenario has no steps"))
    seen: set[str] = set()
    for number, step in enumerate(scenario.steps, start=1):
        where = _("Step {number} ({code})").format(number=number, code=step.code)
        if not _CODE_RE.match(step.code):
            problems.append(where + ": " + _("the code must be lower-case letters, digits, - or _"))
        if step.code in seen:
            problems.append(where + ": " + _("another step has the same code"))
        seen.add(step.code)
        if not step.name.strip():
            problems.append(where + ": " + _("the step needs a name"))
        if step.trigger.anchor not in ANCHORS:
            problems.append(
                where
                + ": "
                + _("unknown trigger anchor {anchor}").format(anchor=step.trigger.anchor)
            )
        if step.trigger.anchor == "previous" and number == 1:
            problems.append(where + ": " + _("the first step cannot follow a previous step"))
        if step.trigger.anchor == "previous" and step.trigger.offset < 0:
            problems.append(where + ": " + _("a step cannot happen before the previous step"))
        if abs(step.trigger.offset) > 3650:
            problems.append(where + ": " + _("the offset is more than ten years"))
        if not step.channels:
            problems.append(where + ": " + _("choose at least one channel"))
        for channel in step.channels:
            if channel not in CHANNELS:
                problems.append(
                    where + ": " + _("unknown channel {channel}").format(channel=channel)
                )
            elif channel != "notice" and not step.templates.get(channel):
                problems.append(
                    where + ": " + _("no template chosen for {channel}").format(channel=channel)
                )
        problems += (
            where + ": " + p for p in _template_problems(step.templates.values(), known_templates)
        )
        if step.letter not in DEMANDS:
            problems.append(
                where
                + ": "
                + _(
                    "a letter step writes a demand, final, big or pretension letter, not {kind}"
                ).format(kind=step.letter)
            )
        if step.repeat is not None:
            if step.repeat.every < 1:
                problems.append(where + ": " + _("a repeat must be at least every 1 day"))
            if step.repeat.times is not None and step.repeat.times < 1:
                problems.append(where + ": " + _("the number of repeats must be at least 1"))
        cond = step.conditions
        for value in (cond.min_open_minor, cond.min_invoice_minor):
            if value is not None and value < 0:
                problems.append(where + ": " + _("a minimum amount cannot be negative"))
        if cond.max_rating is not None and not 1 <= cond.max_rating <= 5:
            problems.append(where + ": " + _("the rating condition must be 1 to 5 stars"))
    for channel in scenario.on_paid.channels:
        if channel not in MESSAGE_CHANNELS:
            problems.append(_("Thank-you: unknown channel {channel}").format(channel=channel))
        elif not scenario.on_paid.templates.get(channel):
            problems.append(
                _("Thank-you: no template chosen for {channel}").format(channel=channel)
            )
    problems += (
        _("Thank-you: {problem}").format(problem=p)
        for p in _template_problems(scenario.on_paid.templates.values(), known_templates)
    )
    if scenario.on_paid.within_days < 0:
        problems.append(_("Thank-you: the number of days cannot be negative"))
    if scenario.handover is not None and scenario.handover.after_days < 1:
        problems.append(_("Hand-over must come at least 1 day after the due date"))
    if scenario.handover is not None:
        problems += (
            _("Hand-over: {problem}").format(problem=p)
            for p in _template_problems([scenario.handover.task_template], known_templates)
        )
    if scenario.min_gap_days < 0:
        problems.append(_("The minimum gap between reminders cannot be negative"))
    return problems


def ensure_valid(scenario: Scenario, *, known_templates: Collection[str] | None = None) -> Scenario:
    problems = validate(scenario, known_templates=known_templates)
    if problems:
        raise ValidationError("; ".join(problems), field="scenario")
    return scenario


# --- (de)serialisation -----------------------------------------------------------------------


def to_dict(scenario: Scenario) -> dict[str, Any]:
    def step(s: Step) -> dict[str, Any]:
        data: dict[str, Any] = {
            "code": s.code,
            "name": s.name,
            "trigger": {
                "anchor": s.trigger.anchor,
                "offset": s.trigger.offset,
                "business_days": s.trigger.business_days,
            },
            "channels": list(s.channels),
            "templates": dict(s.templates),
        }
        if s.repeat is not None:
            data["repeat"] = {"every": s.repeat.every, "times": s.repeat.times}
        if not s.conditions.is_empty():
            c = s.conditions
            data["conditions"] = {
                k: v
                for k, v in {
                    "min_open_minor": c.min_open_minor,
                    "min_invoice_minor": c.min_invoice_minor,
                    "tags_any": list(c.tags_any),
                    "tags_none": list(c.tags_none),
                    "max_rating": c.max_rating,
                }.items()
                if v not in (None, [])
            }
        if s.attach_invoice_list:
            data["attach_invoice_list"] = True
        if s.letter != "demand":
            data["letter"] = s.letter
        return data

    return {
        "schema": SCHEMA_VERSION,
        "name": scenario.name,
        "title": scenario.title,
        "description": scenario.description,
        "per_invoice": scenario.per_invoice,
        "min_gap_days": scenario.min_gap_days,
        "steps": [step(s) for s in scenario.steps],
        "on_paid": {
            "channels": list(scenario.on_paid.channels),
            "templates": dict(scenario.on_paid.templates),
            "within_days": scenario.on_paid.within_days,
        },
        "handover": (
            None
            if scenario.handover is None
            else {
                "after_days": scenario.handover.after_days,
                "task_template": scenario.handover.task_template,
                "notice": scenario.handover.notice,
            }
        ),
    }


def from_dict(data: Mapping[str, Any], *, source: str = "") -> Scenario:
    """Build and validate a scenario; any problem is a ValidationError naming where it is."""
    prefix = f"{source}: " if source else ""
    try:
        if int(data.get("schema", SCHEMA_VERSION)) > SCHEMA_VERSION:
            raise ValidationError(
                prefix + _("this scenario was saved by a newer version of Inkaso"), field="schema"
            )
        steps = tuple(_step_from(s) for s in _seq(data.get("steps", ()), "steps"))
        paid = data.get("on_paid") or {}
        handover = data.get("handover")
        scenario = Scenario(
            name=str(data["name"]),
            title=str(data.get("title") or data["name"]),
            description=str(data.get("description") or ""),
            per_invoice=bool(data.get("per_invoice", False)),
            min_gap_days=int(data.get("min_gap_days", 2)),
            steps=steps,
            on_paid=OnPaid(
                channels=tuple(str(c) for c in _seq(paid.get("channels", ()), "on_paid.channels")),
                templates={str(k): str(v) for k, v in dict(paid.get("templates") or {}).items()},
                within_days=int(paid.get("within_days", 7)),
            ),
            handover=(
                None
                if not handover
                else Handover(
                    after_days=int(handover["after_days"]),
                    task_template=str(handover.get("task_template") or "sms-classic/task_handover"),
                    notice=bool(handover.get("notice", True)),
                )
            ),
        )
    except ValidationError:
        raise
    except KeyError as exc:
        raise ValidationError(
            prefix + _("the field {field} is missing").format(field=exc.args[0]), field="scenario"
        ) from exc
    except (TypeError, ValueError, AttributeError, OverflowError) as exc:  # int(.inf)
        raise ValidationError(
            prefix + _("the scenario is malformed: {error}").format(error=exc), field="scenario"
        ) from exc
    problems = validate(scenario)
    if problems:
        raise ValidationError(prefix + "; ".join(problems), field="scenario")
    return scenario


def _seq(value: Any, name: str) -> Sequence[Any]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ValueError(f"{name} must be a list")
    return value


def _step_from(data: Mapping[str, Any]) -> Step:
    trigger = data.get("trigger") or {}
    repeat = data.get("repeat")
    cond = data.get("conditions") or {}
    return Step(
        code=str(data["code"]),
        name=str(data.get("name") or data["code"]),
        trigger=Trigger(
            anchor=str(trigger.get("anchor", "due")),
            offset=int(trigger.get("offset", 0)),
            business_days=bool(trigger.get("business_days", False)),
        ),
        channels=tuple(str(c) for c in _seq(data.get("channels", ()), "channels")),
        templates={str(k): str(v) for k, v in dict(data.get("templates") or {}).items()},
        repeat=(
            None
            if not repeat
            else Repeat(
                every=int(repeat["every"]),
                times=None if repeat.get("times") is None else int(repeat["times"]),
            )
        ),
        conditions=Conditions(
            min_open_minor=_opt_int(cond.get("min_open_minor")),
            min_invoice_minor=_opt_int(cond.get("min_invoice_minor")),
            tags_any=tuple(str(t) for t in cond.get("tags_any", ())),
            tags_none=tuple(str(t) for t in cond.get("tags_none", ())),
            max_rating=_opt_int(cond.get("max_rating")),
        ),
        attach_invoice_list=bool(data.get("attach_invoice_list", False)),
        letter=str(data.get("letter") or "demand"),
    )


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)
