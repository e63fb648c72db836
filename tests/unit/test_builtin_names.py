"""Built-in names are keys translated when shown; what a person typed stays as typed."""

from __future__ import annotations

from desktop_app.domain import builtin_names
from desktop_app.domain.presets import PRESETS
from desktop_app.domain.template_titles import template_title
from desktop_app.i18n import gettext_for, set_language

KEYS = builtin_names.scenario_keys(PRESETS["escalation"])
TITLE = PRESETS["escalation"].title


def test_a_key_is_shown_in_the_current_language_and_typed_text_as_typed() -> None:
    set_language("pl")
    assert builtin_names.shown(TITLE, KEYS) == gettext_for("pl", TITLE)
    assert builtin_names.shown("Nasza windykacja", KEYS) == "Nasza windykacja"


def test_a_translation_in_any_language_is_stored_as_its_key() -> None:
    for lang in ("pl", "en", "ru"):
        assert builtin_names.stored(gettext_for(lang, TITLE), KEYS) == TITLE
    assert builtin_names.stored("Nasza windykacja", KEYS) == "Nasza windykacja"


def test_shipped_templates_are_titled_by_purpose_in_the_current_language() -> None:
    set_language("pl")
    polish = template_title("escalation/sms_overdue", True)
    set_language("en")
    english = template_title("escalation/sms_overdue", True)
    assert english == "Overdue reminder (SMS) · Escalation: e-mail, SMS, call, manager"
    assert gettext_for("pl", TITLE) in polish
    assert template_title("mine/sms_1", False) == "mine/sms_1"
    assert template_title("escalation/sms_overdue", False) == "escalation/sms_overdue"
