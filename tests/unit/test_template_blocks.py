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
        "{{ item.number }}",
        "{% set one = items|length == 1 %}",
        "{{ item.open|money }}",
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
    assert tb.code_label("{% for item in items %}") == "for each invoice"
    assert tb.code_label("{% endif %}") == "end of condition"
    assert tb.code_label("{% if due.account %}") == "if due.account"
    assert tb.code_label("{{ item.open|money }}") == "item.open|money"
