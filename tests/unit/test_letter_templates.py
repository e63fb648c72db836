"""Letter templates the owner edits run in the sandbox: no code, no files, no endless loops."""

from __future__ import annotations

import pytest

from desktop_app.errors import TemplateLimitError, ValidationError
from desktop_app.letters.model import KINDS
from desktop_app.letters.texts import (
    LetterTemplate,
    labels,
    render_text,
    shipped_template,
)
from desktop_app.messaging.sandbox import Limits
from tests.unit.letter_samples import letter


def edited(body: str, title: str = "Wezwanie") -> LetterTemplate:
    return LetterTemplate("demand", "pl", title, body)


def test_the_owner_words_the_letter_and_places_the_tables() -> None:
    text = render_text(
        edited("Dzień dobry {{ debtor.name }},\n{{ table }}\nZapłać do {{ deadline|date }}."),
        letter(),
    )
    assert text.before == ("Dzień dobry Gęśla Jaźń Sp. j.,",)
    assert text.after == ("Zapłać do 8 gru 2026.",)


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ debtor.__class__ }}",
        "{{ creditor.__init__.__globals__ }}",
        "{{ items.__class__.__base__ }}",
        "{{ date.__class__.__dict__ }}",
        "{{ cycler.__init__.__globals__.os }}",
    ],
)
def test_attribute_tricks_do_not_reach_python(source: str) -> None:
    try:
        text = render_text(edited(source), letter())
    except ValidationError as exc:
        assert "not allowed" in exc.message or "has no field" in exc.message
        return
    shown = " ".join(text.before)  # pragma: no cover - every form above is refused today
    assert "class" not in shown and "module" not in shown and "function" not in shown


@pytest.mark.parametrize(
    "source",
    [
        "{% include '/etc/passwd' %}",
        "{% import '/etc/hostname' as h %}",
        "{% extends 'resources/templates/letters/labels.pl.yaml' %}",
        "{% from '../../pyproject.toml' import x %}",
    ],
)
def test_templates_cannot_read_files(source: str) -> None:
    with pytest.raises(ValidationError):
        render_text(edited(source), letter())


def test_a_huge_loop_is_stopped_by_the_budget() -> None:
    source = "{% for i in range(99999) %}{% for j in range(99999) %}x{% endfor %}{% endfor %}"
    with pytest.raises(TemplateLimitError):
        render_text(edited(source), letter(), Limits(seconds=0.5))


def test_a_macro_calling_itself_is_stopped() -> None:
    source = "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}"
    with pytest.raises(TemplateLimitError):
        render_text(edited(source), letter())


def test_a_giant_string_is_refused() -> None:
    with pytest.raises(ValidationError):
        render_text(edited("{{ 'x' * 10**9 }}"), letter())


def test_a_misspelt_field_names_the_line() -> None:
    with pytest.raises(ValidationError, match="line 2"):
        render_text(edited("Szanowni Państwo,\n{{ debtor.nmae }}"), letter())


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("language", ["pl", "en", "ru"])
def test_every_shipped_template_renders(kind: str, language: str) -> None:
    text = render_text(shipped_template(kind, language), letter(kind, language))  # type: ignore[arg-type]
    assert text.title and text.before and text.after
    assert labels(language)["signature_line"]
