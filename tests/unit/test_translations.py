"""Every user-visible string is translated into Polish and Russian, with the same placeholders,
and the compiled catalogues the app loads match their sources."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "installers"))

import translations  # noqa: E402


def test_catalogues_are_complete_and_compiled() -> None:
    assert translations.problems() == []


def test_a_plural_form_may_add_the_number_english_leaves_out() -> None:
    differ = translations._placeholders_differ
    assert not differ(("every day", "every {n} days"), ("codziennie", "co {n} dni", "co {n} dni"))
    assert differ(("every day", "every {n} days"), ("codziennie", "co dni", "co dni"))
    assert differ(("{a} day", "{a} days"), ("{b} dzień", "{a} dni", "{a} dni"))
    assert differ("Sent to {to}", ("Wysłano",))


def test_the_app_speaks_polish_and_russian() -> None:
    from desktop_app.i18n import gettext_for

    assert gettext_for("pl", "Receivables") != "Receivables"
    assert gettext_for("ru", "Receivables") != "Receivables"
