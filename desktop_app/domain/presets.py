"""The built-in scenarios. Users get editable copies; these stay as shipped.

``sms-classic`` follows seed 003 (an SMS on the issue day, 2 days before the due date, on it,
2 days after it and then weekly; a thank-you after payment; after 3 weeks the SMS stop and the case
is handed over). ``escalation`` follows seed 001 (e-mail from the account manager, then SMS, then a
voice call, then a task for the manager and a line in the owner's notice). ``gentle-email`` is e-mail
only.
"""

from __future__ import annotations

from desktop_app.domain.scenario import (
    Handover,
    OnPaid,
    Repeat,
    Scenario,
    Step,
    Trigger,
)
from desktop_app.i18n import N_

SMS_CLASSIC = Scenario(
    name="sms-classic",
    title=N_("SMS reminders (classic)"),
    description=N_(
        "An SMS on the issue day, 2 days before the due date, on the due date, 2 days after it and "
        "then weekly; a thank-you after payment; after 3 weeks the case is handed over to "
        "external collection."
    ),
    steps=(
        Step(
            "issued",
            N_("Invoice issued"),
            Trigger("issue", 0),
            ("sms",),
            {"sms": "sms-classic/sms_issued"},
        ),
        Step(
            "before-due",
            N_("2 days before the due date"),
            Trigger("due", -2),
            ("sms",),
            {"sms": "sms-classic/sms_before_due"},
        ),
        Step(
            "due",
            N_("On the due date"),
            Trigger("due", 0),
            ("sms",),
            {"sms": "sms-classic/sms_due_today"},
        ),
        Step(
            "overdue",
            N_("Overdue, then weekly"),
            Trigger("due", 2),
            ("sms",),
            {"sms": "sms-classic/sms_overdue"},
            repeat=Repeat(every=7),
        ),
    ),
    on_paid=OnPaid(channels=("sms",), templates={"sms": "sms-classic/sms_thanks"}),
    handover=Handover(after_days=21, task_template="sms-classic/task_handover"),
    min_gap_days=2,
)

ESCALATION = Scenario(
    name="escalation",
    title=N_("Escalation: e-mail, SMS, call, manager"),
    description=N_(
        "When an invoice becomes overdue: an e-mail from the account manager, an SMS if it is "
        "still unpaid, then a voice call, then a task for the account manager and a line in "
        "the owner's notice."
    ),
    steps=(
        Step(
            "email",
            N_("E-mail from the account manager"),
            Trigger("due", 1),
            ("email",),
            {"email": "escalation/email_overdue"},
        ),
        Step(
            "sms",
            N_("SMS reminder"),
            Trigger("due", 4),
            ("sms",),
            {"sms": "escalation/sms_overdue"},
        ),
        Step(
            "voice",
            N_("Voice call"),
            Trigger("due", 8),
            ("voice",),
            {"voice": "escalation/voice_overdue"},
        ),
        Step(
            "manager",
            N_("Task for the account manager"),
            Trigger("due", 12),
            ("task", "notice"),
            {"task": "escalation/task_manager", "notice": "escalation/manager_notice"},
        ),
    ),
    on_paid=OnPaid(channels=("email",), templates={"email": "gentle-email/email_thanks"}),
    handover=Handover(after_days=60, task_template="sms-classic/task_handover"),
    min_gap_days=3,
)

GENTLE_EMAIL = Scenario(
    name="gentle-email",
    title=N_("Gentle e-mails"),
    description=N_(
        "E-mail only: a reminder 3 days before the due date, on the due date, weekly after it "
        "(three in all) and a final reminder 30 days after the due date."
    ),
    steps=(
        Step(
            "before-due",
            N_("3 days before the due date"),
            Trigger("due", -3),
            ("email",),
            {"email": "gentle-email/email_before_due"},
        ),
        Step(
            "due",
            N_("On the due date"),
            Trigger("due", 0),
            ("email",),
            {"email": "gentle-email/email_due_today"},
        ),
        Step(
            "overdue",
            N_("Overdue, weekly"),
            Trigger("due", 3),
            ("email",),
            {"email": "gentle-email/email_overdue"},
            repeat=Repeat(every=7, times=2),
        ),
        Step(
            "final",
            N_("Final reminder"),
            Trigger("due", 30),
            ("email",),
            {"email": "gentle-email/email_final"},
        ),
    ),
    on_paid=OnPaid(channels=("email",), templates={"email": "gentle-email/email_thanks"}),
    handover=None,
    min_gap_days=2,
)

PRESETS: dict[str, Scenario] = {s.name: s for s in (SMS_CLASSIC, ESCALATION, GENTLE_EMAIL)}
DEFAULT_PRESET = "gentle-email"
