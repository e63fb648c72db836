"""A shipped template is shown by what it is for, in the interface's language.

Its name (``escalation/sms_overdue``) stays the key that scenarios and the database use; the title
is made when shown, so it follows the language of whoever looks.
"""

from __future__ import annotations

from desktop_app.domain.presets import PRESETS
from desktop_app.i18n import N_, _

#: what each shipped template is for, shown instead of its name (``group/name`` stays the key)
_PURPOSES = {
    "email_overdue": N_("Overdue reminder (e-mail)"),
    "sms_overdue": N_("Overdue reminder (SMS)"),
    "voice_overdue": N_("Overdue reminder (voice call)"),
    "email_before_due": N_("Before the due date (e-mail)"),
    "sms_before_due": N_("Before the due date (SMS)"),
    "email_due_today": N_("On the due date (e-mail)"),
    "sms_due_today": N_("On the due date (SMS)"),
    "email_final": N_("Final reminder (e-mail)"),
    "email_thanks": N_("Thanks for the payment (e-mail)"),
    "sms_thanks": N_("Thanks for the payment (SMS)"),
    "sms_issued": N_("Invoice issued (SMS)"),
    "task_manager": N_("Task for the account manager"),
    "task_handover": N_("Hand-over task"),
    "manager_notice": N_("Line in the owner's notice"),
}


def template_title(name: str, builtin: bool) -> str:
    """A shipped template's purpose and scenario in the current UI language; the firm's own
    templates are shown by their name."""
    group, _sep, base = name.partition("/")
    preset = PRESETS.get(group)
    if not builtin or preset is None or base not in _PURPOSES:
        return name
    return _("{purpose} · {scenario}").format(purpose=_(_PURPOSES[base]), scenario=_(preset.title))
