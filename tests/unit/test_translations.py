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


def test_a_catalogue_compiled_by_another_babel_is_not_stale() -> None:
    """The .mo header names the Babel that wrote it; a fresh machine's newer Babel must still
    find the committed catalogues up to date, while a changed translation is still caught."""
    import io

    from babel.messages.mofile import write_mo

    catalog = translations.load("pl")
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    compiled = buffer.getvalue()
    version = next(
        line.split(b" ", 2)[2]
        for line in compiled.split(b"\n")
        if line.startswith(b"Generated-By: Babel ")
    )
    other = compiled.replace(b"Generated-By: Babel " + version, b"Generated-By: Babel 9.99.0")
    assert other != compiled
    assert translations._compiled_entries(other) == translations._source_entries(catalog)

    message = next(m for m in catalog if m.id and isinstance(m.string, str) and m.string)
    message.string = message.string + " (zmienione)"
    assert translations._compiled_entries(compiled) != translations._source_entries(catalog)
