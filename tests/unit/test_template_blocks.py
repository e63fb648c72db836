"""The simple template editor's converter: Jinja source ↔ text, fields and conditions."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.messaging import template_blocks as tb
from resources import resource_path

#: text the simple editor can hold: anything but Jinja's delimiters
plain = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12).filter(
    lambda s: not any(d in s for d in ("{", "}", "#", "%"))
)
fields = st.sampled_from([f.key for f in tb.FIELDS]).map(tb.Field)
#: self-contained pieces of Jinja the simple editor keeps as they are
codes = st.sampled_from(
    [
        "{{ item.note }}",
        "{% set one = items|length == 1 %}",
        "{{ l.amount|money }}",
        "{# note #}",
    ]
).map(tb.Code)


def _branches(inner: st.SearchStrategy[list[tb.Block]]) -> st.SearchStrategy[tb.Block]:
    keys = st.sampled_from([c.key for c in tb.CONDITIONS])
    branch = inner.map(tuple)
    return st.builds(tb.Condition, keys, st.one_of(st.tuples(branch), st.tuples(branch, branch)))


def _normal(blocks: list[tb.Block]) -> list[tb.Block]:
    """Adjacent texts joined and empty ones dropped, as a source reads back."""
    return tb.nest(tb.flatten(blocks))


blocks = st.recursive(
    st.lists(st.one_of(plain.map(tb.Text), fields, codes), max_size=6),
    lambda inner: st.lists(
        st.one_of(plain.map(tb.Text), fields, codes, _branches(inner)), max_size=5
    ),
    max_leaves=20,
)


@given(blocks)
def test_blocks_to_source_and_back(value: list[tb.Block]) -> None:
    normal = _normal(value)
    source = tb.to_source(normal)
    assert tb.to_blocks(source) == normal
    assert tb.to_source(tb.to_blocks(source)) == source


pieces = st.lists(
    st.one_of(
        plain,
        st.sampled_from([tb.field_source(f.key) for f in tb.FIELDS]),
        st.sampled_from([tb.condition_source(c.key) for c in tb.CONDITIONS]),
        st.sampled_from([tb.ELSE, tb.ENDIF, "{% elif one %}", "{%- endif %}", "{{ x }}", "\n"]),
        st.sampled_from(["{% for i in items %}", "{% endfor %}", "{% if x %}", "{{ '}}' }}"]),
    ),
    max_size=14,
)


@given(pieces)
def test_every_simple_source_comes_back_identical(parts: list[str]) -> None:
    source = "".join(parts)
    try:
        value = tb.to_blocks(source)
    except tb.NotSimpleError:
        return  # opens in the Advanced tab only
    assert tb.to_source(value) == source
    assert tb.nest(tb.flatten(value)) == value


def _shipped() -> list[Path]:
    root = resource_path("templates")
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix != ".md")


@pytest.mark.parametrize("path", _shipped(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_shipped_templates_open_in_the_simple_editor(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert tb.to_source(tb.to_blocks(source)) == source


def test_fields_and_conditions_are_recognised() -> None:
    source = (
        "{% if items|length == 1 %}Faktura {{ items[0].number }}"
        '{% else %}Faktury {{ items|map(attribute="number")|join(", ") }}{% endif %}'
        " na {{ totals|money }}."
    )
    assert tb.to_blocks(source) == [
        tb.Condition(
            "invoice_count",
            (
                (tb.Text("Faktura "), tb.Field("invoice_number")),
                (tb.Text("Faktury "), tb.Field("invoice_list")),
            ),
        ),
        tb.Text(" na "),
        tb.Field("amount_due"),
        tb.Text("."),
    ]


def test_a_condition_with_elif_keeps_its_tags_as_advanced_parts() -> None:
    source = "{% if items|length == 1 %}a{% elif x %}b{% endif %}"
    assert tb.to_blocks(source) == [
        tb.Code("{% if items|length == 1 %}"),
        tb.Text("a"),
        tb.Code("{% elif x %}"),
        tb.Text("b"),
        tb.Code("{% endif %}"),
    ]


@pytest.mark.parametrize(
    "source",
    ["{% if x %}never closed", "Text with }} braces", "{% raw %}{{ x }}{% endraw %}"],
)
def test_sources_the_simple_editor_cannot_show_say_why(source: str) -> None:
    with pytest.raises(tb.NotSimpleError) as caught:
        tb.to_blocks(source)
    assert "Advanced" in caught.value.reason


def test_a_lost_marker_is_unbalanced() -> None:
    flat = tb.flatten([tb.Condition("overdue", ((tb.Text("a"),), (tb.Text("b"),)))])
    with pytest.raises(tb.UnbalancedError):
        tb.nest(flat[:-1])
    with pytest.raises(tb.UnbalancedError):
        tb.nest(flat[1:])


def test_advanced_parts_are_labelled_in_words_where_known() -> None:
    assert tb.code_label("{% for item in items %}") == "For each invoice:"
    assert tb.code_label("{% endif %}") == "End of condition"
    assert tb.code_label("{% if due.account %}") == "If our bank account is known:"
    assert tb.code_label("{% if due.iban %}") == "if due.iban"
    assert tb.code_label("{{ item.open|money }}") == "item.open|money"


#: what a chip must never show an office worker: the marks of code
_CODE_MARKS = (".", "|", "(", "=", "_", "{", "}")


def _shipped_simple_parts() -> list[tuple[str, str, str]]:
    from desktop_app.messaging.defaults import list_defaults, load_default

    out: list[tuple[str, str, str]] = []
    for name in list_defaults():
        for language in ("pl", "en", "ru"):
            template = load_default(name, language)
            out.append((name, language, template.text))
            if template.subject is not None:
                out.append((name, language, template.subject))
    return out


@pytest.mark.parametrize("language", ["pl", "en", "ru"])
def test_shipped_templates_show_no_code_in_any_chip(language: str) -> None:
    from desktop_app.i18n import set_language

    set_language(language)
    try:
        coded: set[str] = set()
        for _name, _lang, source in _shipped_simple_parts():
            pieces = tb.flatten(tb.to_blocks(source))
            for piece, label in zip(pieces, tb.labels(pieces), strict=True):
                if isinstance(piece, tb.Text):
                    continue
                assert label is not None
                if any(mark in label for mark in _CODE_MARKS):
                    coded.add(label)
        assert not coded, sorted(coded)
    finally:
        set_language("en")


def test_a_loop_is_a_labelled_block_and_its_end_names_it() -> None:
    pieces = tb.flatten(
        tb.to_blocks(
            "{% set one = items|length == 1 %}{% for item in items %}- {{ item.number }}, "
            '{{ item.due_date|date("short") }}{% if item.overdue %}!{% elif item.due_today %}'
            "?{% endif %}{% endfor %}{% for due in by_currency %}{{ due.total|money }}"
            "{% endfor %}"
        )
    )
    shown = [label for label in tb.labels(pieces) if label is not None]
    assert shown == [
        "",
        "For each invoice:",
        "invoice number",
        "due date",
        "If this invoice is overdue:",
        "Otherwise, if due today:",
        "End of condition",
        "End of invoice list",
        "For each currency:",
        "amount due in this currency",
        "End of currency list",
    ]


def test_unknown_code_still_shows_its_code() -> None:
    pieces = tb.flatten(tb.to_blocks("{{ item.weird|money }}{% if x.y %}a{% endif %}"))
    assert tb.labels(pieces) == ["item.weird|money", "if x.y", None, "End of condition"]
