"""Words for the dunning vocabulary (channels, statuses, languages…) shared by the CLI, the
services' messages and every screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop_app.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from desktop_app.domain.scenario import Repeat, Trigger

CHANNEL_LABELS = {
    "email": N_("E-mail"),
    "sms": N_("SMS"),
    "voice": N_("Voice call"),
    "letter": N_("Letter"),
    "task": N_("Task for the account manager"),
    "notice": N_("Line in the owner's notice"),
    "digest": N_("Morning digest"),
}
SHORT_CHANNEL_LABELS = {
    "email": N_("E-mail"),
    "sms": N_("SMS"),
    "voice": N_("Voice"),
    "letter": N_("Letter"),
    "task": N_("Task"),
    "notice": N_("Notice"),
    "digest": N_("Digest"),
}
ANCHOR_LABELS = {
    "issue": N_("the issue date"),
    "due": N_("the due date"),
    "previous": N_("the previous step"),
}
STATUS_LABELS = {
    "pending": N_("Waiting"),
    "sending": N_("Sending"),
    "sent": N_("Sent"),
    "failed": N_("Failed, will retry"),
    "failed_permanently": N_("Failed"),
    "uncertain": N_("Uncertain"),
    "cancelled": N_("Cancelled"),
}
#: a channel that cannot send because nobody entered its server or gateway yet
NOT_SET_UP_LABELS = {
    "email": N_("E-mail is not set up"),
    "sms": N_("SMS is not set up"),
    "voice": N_("Voice calls are not set up"),
}
LANGUAGE_LABELS = {"pl": N_("Polish"), "en": N_("English"), "ru": N_("Russian")}
PROMISE_LABELS = {
    "open": N_("Pending"),
    "kept": N_("Kept"),
    "broken": N_("Broken"),
    "cancelled": N_("Cancelled"),
}
#: what a task is for (the CLI prints its code in JSON only)
TASK_KIND_LABELS = {
    "manual": N_("Added by hand"),
    "handover": N_("Hand-over to collection"),
    "followup": N_("Follow-up by the account manager"),
    "letter": N_("Letter to print and post"),
    "promise": N_("Broken promise to pay"),
    "contact": N_("Contact details missing"),
}


def channel(code: str, *, short: bool = False) -> str:
    table = SHORT_CHANNEL_LABELS if short else CHANNEL_LABELS
    return _(table[code]) if code in table else code


def not_set_up(code: str) -> str:
    return _(NOT_SET_UP_LABELS[code]) if code in NOT_SET_UP_LABELS else code


def status(code: str) -> str:
    return _(STATUS_LABELS[code]) if code in STATUS_LABELS else code


def task_kind(code: str) -> str:
    return _(TASK_KIND_LABELS[code]) if code in TASK_KIND_LABELS else code


def language(code: str) -> str:
    return _(LANGUAGE_LABELS[code]) if code in LANGUAGE_LABELS else code


DOCUMENT_LABELS = {
    "demand": N_("Demand for payment"),
    "final": N_("Final demand before court"),
    "big": N_("Demand with debtor-register warning"),
    "interest-note": N_("Interest note"),
    "compensation": N_("Compensation note"),
    "balance": N_("Balance confirmation"),
    "pretension": N_("Pre-trial claim (претензия)"),
}


def document(code: str) -> str:
    """A letter's kind as the user reads it (the CLI's word for it otherwise)."""
    return _(DOCUMENT_LABELS[code]) if code in DOCUMENT_LABELS else code


def describe_trigger(trigger: Trigger) -> str:
    """ "2 days before the due date", "on the issue date", "5 business days after ..."."""
    anchor = _(ANCHOR_LABELS.get(trigger.anchor, trigger.anchor))
    n = abs(trigger.offset)
    if n == 0:
        if trigger.anchor == "previous":
            return _("the same day as the previous step")
        return _("on {anchor}").format(anchor=anchor)
    if trigger.business_days:
        text = (
            ngettext("{n} business day after {anchor}", "{n} business days after {anchor}", n)
            if trigger.offset > 0
            else ngettext(
                "{n} business day before {anchor}", "{n} business days before {anchor}", n
            )
        )
    else:
        text = (
            ngettext("{n} day after {anchor}", "{n} days after {anchor}", n)
            if trigger.offset > 0
            else ngettext("{n} day before {anchor}", "{n} days before {anchor}", n)
        )
    return text.format(n=n, anchor=anchor)


def describe_repeat(repeat: Repeat | None) -> str:
    if repeat is None:
        return ""
    every = ngettext("every day", "every {n} days", repeat.every).format(n=repeat.every)
    if repeat.times is None:
        return _("then {every} until paid").format(every=every)
    return ngettext(
        "then {every}, {times} more time", "then {every}, {times} more times", repeat.times
    ).format(every=every, times=repeat.times)
