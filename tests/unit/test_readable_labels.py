"""Codes stored in log values are shown as the reader's words (a letter's kind, for one)."""

from __future__ import annotations

from desktop_app.i18n import language
from desktop_app.services.activity import render_summary
from desktop_app.services.letters.write import _SUMMARY

DATA = {"document": "demand", "reference": "WZ/2026/12/20/9", "amount": "1246.59",
        "currency": "PLN"}  # fmt: skip


def test_a_written_letter_is_named_by_its_kind_in_the_readers_language() -> None:
    with language("pl"):
        polish = render_summary("letter", _SUMMARY, DATA)
    assert "Wezwanie do zapłaty" in polish and "WZ/2026/12/20/9" in polish, polish
    assert " demand " not in polish, polish
    english = render_summary("letter", _SUMMARY, DATA)
    assert "Demand for payment" in english, english


def test_a_kind_the_labels_do_not_know_is_shown_as_stored() -> None:
    text = render_summary("letter", _SUMMARY, {**DATA, "document": "custom-kind"})
    assert "custom-kind" in text, text
