from __future__ import annotations

import dataclasses
import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.dates import format_date

from desktop_app.domain.money import Money
from desktop_app.domain.presets import PRESETS as PRESET_SCENARIOS
from desktop_app.domain.scenario import OnPaid
from desktop_app.domain.scenario import validate as scenario_problems
from desktop_app.domain.sms_text import measure, transliterate
from desktop_app.domain.template_names import is_template_name
from desktop_app.errors import NotFoundError, TemplateLimitError, ValidationError
from desktop_app.i18n import babel_locale, language
from desktop_app.messaging import (
    Item,
    Party,
    TemplateContext,
    list_defaults,
    load_default,
    render,
    render_message,
    validate,
)
from desktop_app.messaging.sample import sample_context
from desktop_app.messaging.sandbox import Limits

TODAY = dt.date(2026, 11, 23)
LANGS = ("pl", "en", "ru")


@pytest.fixture
def ctx() -> TemplateContext:
    return sample_context(TODAY)


def test_items_totals_and_days(ctx: TemplateContext) -> None:
    first, _second = ctx.items
    assert first.days_overdue == 10 and first.days_to_due == 0
    assert first.currency == "PLN"
    assert ctx.totals == (Money(310_50, "EUR"), Money(1_845_00, "PLN"))
    assert ctx.max_days_overdue == 31
    ahead = Item.create(
        number="X",
        issue_date=TODAY,
        due_date=TODAY + dt.timedelta(days=2),
        amount_minor=100,
        open_minor=100,
        currency="PLN",
        today=TODAY,
    )
    assert (ahead.days_overdue, ahead.days_to_due) == (-2, 2)


def test_loop_over_items_with_totals(ctx: TemplateContext) -> None:
    source = (
        "{% for item in items %}{{ item.number }}: {{ item.open|money }}\n{% endfor %}"
        "Total: {{ totals|money }}"
    )
    assert render(source, ctx, language="en") == (
        "FV/2026/11/0142: PLN\xa01,845.00\nFV/2026/10/0977: €310.50\n"
        "Total: €310.50, PLN\xa01,845.00"
    )


@pytest.mark.parametrize(
    ("lang", "money", "minor_units", "due", "short"),
    [
        ("pl", "1\xa0845,00\xa0zł", "123,45\xa0zł", "13 lis 2026", "13.11.2026"),
        ("en", "PLN\xa01,845.00", "PLN\xa0123.45", "13 Nov 2026", "13/11/2026"),
        ("ru", "1\xa0845,00\xa0PLN", "123,45\xa0PLN", "13 нояб. 2026\u202fг.", "13.11.2026"),
    ],
)
def test_money_and_date_follow_the_message_language_not_the_ui(
    ctx: TemplateContext, lang: str, money: str, minor_units: str, due: str, short: str
) -> None:
    source = (
        '{{ items[0].open|money }}|{{ 12345|money("pln") }}|'
        '{{ items[0].due_date|date }}|{{ items[0].due_date|date("short") }}'
    )
    with language("en"):  # the window is English; the contractor reads their own language
        assert render(source, ctx, language=lang).split("|") == [money, minor_units, due, short]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("pl", ["1 dzień", "2 dni", "5 dni", "22 dni", "112 dni"]),
        ("en", ["1 day", "2 days", "5 days", "22 days", "112 days"]),
        ("ru", ["1 день", "2 дня", "5 дней", "22 дня", "112 дней"]),
    ],
)
def test_days_uses_each_languages_plural_rules(
    ctx: TemplateContext, lang: str, expected: list[str]
) -> None:
    source = "{% for n in [1, 2, 5, 22, 112] %}{{ n|days }}|{% endfor %}"
    assert render(source, ctx, language=lang).split("|")[:-1] == expected
    assert render("{{ 21|days }}", ctx, language="ru") == "21 день"


def test_html_templates_escape_data_and_text_templates_do_not(ctx: TemplateContext) -> None:
    evil = dataclasses.replace(ctx, contractor=Party(name="<script>alert(1)</script> & Co"))
    html = render("<p>{{ contractor.name }}</p>", evil, language="pl", html=True)
    assert html == "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co</p>"
    text = render("{{ contractor.name }}", evil, language="pl")
    assert text == "<script>alert(1)</script> & Co"


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ items.__len__() }}",
        "{{ contractor.__dataclass_fields__ }}",
        "{{ 'x' * 10000000 }}",
        "{{ 2 ** 100000 }}",
    ],
)
def test_sandbox_blocks_unsafe_access(ctx: TemplateContext, source: str) -> None:
    with pytest.raises(ValidationError, match=r"line 1: not allowed in a template"):
        render(source, ctx, language="pl", name="evil.txt")


def test_sandbox_is_immutable(ctx: TemplateContext) -> None:
    with pytest.raises(ValidationError, match="not allowed"):
        render("{% set d = {} %}{{ d.update(a=1) }}", ctx, language="pl")
    with pytest.raises(ValidationError, match="not allowed"):
        render("{% set l = [1] %}{{ l.append(2) }}", ctx, language="pl")
    with pytest.raises(ValidationError, match="tuple has no field append"):
        render("{{ items.append(1) }}", ctx, language="pl")
    assert len(ctx.items) == 2


def test_undefined_variable_names_the_template_and_line(ctx: TemplateContext) -> None:
    source = "Dzień dobry,\n\n{{ contractor.name }}\n{{ contractor.nmae }}\n"
    with pytest.raises(ValidationError) as info:
        render(source, ctx, language="pl", name="email_overdue.pl.txt")
    assert str(info.value) == "Template email_overdue.pl.txt, line 4: Party has no field nmae"
    with pytest.raises(ValidationError, match=r"line 2: totl is not a known variable"):
        render("a\n{{ totl }}", ctx, language="pl", name="t")


def test_empty_optional_value_is_explained(ctx: TemplateContext) -> None:
    bare = dataclasses.replace(ctx, accounts=())
    with pytest.raises(ValidationError, match="iban cannot be read because the value before"):
        render("{{ bank_account.iban }}", bare, language="pl")
    assert render("{% if bank_account %}x{% endif %}", bare, language="pl") == ""


def test_syntax_error_names_the_line(ctx: TemplateContext) -> None:
    with pytest.raises(ValidationError, match=r"Template t, line 3: syntax error"):
        render("a\nb\n{% if %}\n", ctx, language="pl", name="t")


def test_unsupported_language_is_a_programming_error(ctx: TemplateContext) -> None:
    with pytest.raises(ValueError, match="de"):
        render("x", ctx, language="de")


def test_validate_reports_problems_with_lines() -> None:
    assert validate("{{ contractor.name }} {{ totals|money }}") == []
    problems = validate("ok\n{{ foo }}\n\n{{ bar }}")
    assert [(p.line, p.message) for p in problems] == [
        (2, "unknown variable foo"),
        (4, "unknown variable bar"),
    ]
    [typo] = validate("a\n{% for i in items %}\n{{ i.numbr }}\n{% endfor %}")
    assert (typo.line, typo.message) == (3, "Item has no field numbr")
    [syntax] = validate("a\n{{ x|nosuchfilter }}")
    assert syntax.line == 2 and "nosuchfilter" in syntax.message
    [unsafe] = validate("\n\n{{ ''.__class__ }}", html=True)
    assert unsafe.line == 3
    assert str(unsafe).startswith("Line 3: not allowed in a template")


def test_validate_messages_follow_the_ui_language() -> None:
    # the catalogue may not be compiled yet: whatever the language, the name is in the text
    with language("pl"):
        [problem] = validate("{{ nieznana }}")
    assert "nieznana" in problem.message and problem.line == 1


# ---- shipped templates -------------------------------------------------------------------

PRESETS = {
    "sms-classic": [
        "sms_issued",
        "sms_before_due",
        "sms_due_today",
        "sms_overdue",
        "sms_thanks",
        "task_handover",
    ],
    "escalation": [
        "email_overdue",
        "sms_overdue",
        "voice_overdue",
        "task_manager",
        "manager_notice",
    ],
    "gentle-email": [
        "email_before_due",
        "email_due_today",
        "email_overdue",
        "email_final",
        "email_thanks",
    ],
}
ALL = [f"{preset}/{name}" for preset, names in PRESETS.items() for name in names]


def test_every_preset_template_ships_in_every_language() -> None:
    assert sorted(ALL) == list_defaults()
    for name in ALL:
        for lang in LANGS:
            template = load_default(name, lang)
            is_email = name.split("/")[1].startswith("email_")
            assert (template.subject is not None) == is_email, name
            assert (template.html is not None) == is_email, name


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("items", [1, 2])
def test_defaults_render_and_validate(name: str, lang: str, items: int) -> None:
    template = load_default(name, lang)
    ctx = sample_context(TODAY, items=items)
    message = render_message(template, ctx)
    assert ctx.firm.name in message.text or ctx.contractor.name in message.text
    for item in ctx.items:  # one message lists all of the contractor's items
        if "voice" not in name and "notice" not in name:
            assert item.number in message.text
    assert "{{" not in message.text and "{%" not in message.text
    for part, html in ((template.text, False), (template.subject, False), (template.html, True)):
        if part is not None:
            assert validate(part, html=html, sample=ctx, language=lang) == []
    if template.html is not None:
        assert message.html is not None and message.subject
        assert "\n" not in message.subject
        assert ctx.items[0].number in message.html
        assert f'lang="{lang}"' in message.html
    if name.endswith(("email_overdue", "email_final")):
        assert ctx.account_manager is not None
        assert ctx.account_manager.name in message.text  # signed by the account manager


@pytest.mark.parametrize("name", [n for n in ALL if "/sms_" in n])
@pytest.mark.parametrize("lang", LANGS)
def test_sms_fit_two_gsm7_parts_for_a_typical_invoice(name: str, lang: str) -> None:
    text = render_message(load_default(name, lang), sample_context(TODAY, items=1)).text
    length = measure(transliterate(text, cyrillic=True))
    assert length.encoding == "GSM-7"
    assert length.segments <= 2, text


def test_defaults_cope_without_optional_data() -> None:
    bare = dataclasses.replace(sample_context(TODAY), accounts=(), account_manager=None)
    for name in ALL:
        for lang in LANGS:
            message = render_message(load_default(name, lang), bare)
            assert bare.firm.name in message.text or bare.contractor.name in message.text


def test_a_template_name_is_looked_up_never_joined_into_a_path(tmp_path: Path) -> None:
    stolen = tmp_path / "evil" / "steal.pl.txt"
    stolen.parent.mkdir()
    stolen.write_text("SECRET", encoding="utf-8")
    inside = f"{stolen.parent.name}/../{stolen.parent.parent.name}"
    for name in (
        f"x/{stolen.parent / 'steal'}",
        f"x//{stolen.parent / 'steal'}",
        f"escalation/../../../{inside}",
        "escalation/../gentle-email/email_overdue",
        "gentle-email/./email_overdue",
        "Gentle-email/email_overdue",
        "gentle-email/email_overdue.pl",
        "gentle-email/email_overdue\n",
    ):
        assert not is_template_name(name), name
        with pytest.raises(NotFoundError):
            load_default(name, "pl")
    assert all(is_template_name(name) for name in list_defaults())


def test_scenarios_name_templates_that_exist() -> None:
    steps = list(PRESET_SCENARIOS["gentle-email"].steps)
    steps[2] = dataclasses.replace(steps[2], templates={"email": "x//tmp/evil/steal"})
    scenario = dataclasses.replace(
        PRESET_SCENARIOS["gentle-email"],
        steps=tuple(steps),
        on_paid=OnPaid(("email",), {"email": "mine/thanks"}),
    )
    assert scenario_problems(scenario) == [
        "Step 3 (overdue): 'x//tmp/evil/steal' is not a template name "
        "(group/name: lower-case letters, digits, - and _)"
    ]
    known = set(list_defaults())
    assert scenario_problems(scenario, known_templates=known)[1:] == [
        "Thank-you: there is no template named mine/thanks"
    ]
    assert (
        scenario_problems(
            dataclasses.replace(scenario, steps=PRESET_SCENARIOS["gentle-email"].steps),
            known_templates=known | {"mine/thanks"},
        )
        == []
    )


def test_unknown_default_is_not_found() -> None:
    with pytest.raises(NotFoundError):
        load_default("escalation/nothing", "pl")
    with pytest.raises(NotFoundError):
        load_default("escalation/email_overdue", "de")
    with pytest.raises(NotFoundError):
        load_default("../secrets", "pl")


# ---- budget: a template cannot hang a run or take the process down ---------------------------

NESTED = (
    "{% for a in items %}{% for b in items %}{% for c in items %}{% for d in items %}"
    "{% endfor %}{% endfor %}{% endfor %}{% endfor %}{{ items|length }}"
)
RECURSIVE_MACRO = "{% macro again(n) %}{{ again(n + 1) }}{% endmacro %}\nHi {{ again(1) }}"


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        (
            "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
            "Template t, line 1: the template repeats its loops more than 1000000 times",
        ),
        (
            RECURSIVE_MACRO,
            "Template t, line 1: the template calls itself without end (more than 50 levels deep)",
        ),
        (
            "{% for item in items recursive %}{{ loop(items) }}{% endfor %}",
            "Template t, line 1: the template calls itself without end (more than 50 levels deep)",
        ),
        (
            "{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}",
            "Template t: the template produced more than 500 kB",
        ),
        (  # text built inside a macro counts before it is output
            "{% macro page() %}{% for i in range(1000) %}{{ 'x' * 99999 }}{% endfor %}"
            "{% endmacro %}{{ page()|length }}",
            "Template t, line 1: the template produced more than 5000 kB",
        ),
    ],
)
def test_a_runaway_template_stops_with_a_plain_reason(
    ctx: TemplateContext, source: str, problem: str
) -> None:
    with pytest.raises(TemplateLimitError) as info:
        render(source, ctx, language="pl", name="t")
    assert str(info.value) == problem


def test_a_slow_template_stops_at_its_time_limit(ctx: TemplateContext) -> None:
    slow = "{% for i in range(100000) %}{{ range(100000)|sum }}{% endfor %}"
    with pytest.raises(TemplateLimitError, match=r"line 1: the template took longer than 0.2 s"):
        render(slow, ctx, language="pl", name="t", limits=Limits(seconds=0.2))


@pytest.mark.parametrize(
    "source",
    [
        '{{ "%0999999999d" % 1 }}',
        '{{ "%*d"|format(999999999, 1) }}',
        "{{ 'x'.center(999999999) }}",
        "{{ 'x'|center(999999999) }}",
        "{{ 'a{:>999999999}'.format(1) }}",
        "{{ ('x' * 99999)|replace('x', 'x' * 99999) }}",
        "{{ range(100000)|join('x' * 1000) }}",
        "{{ ('x\\n' * 50000)|indent(1000) }}",
        "{{ (1).to_bytes(999999999, 'big') }}",
        "{{ range(10)|batch(999999999, 0)|list }}",
        "{% set ns = namespace(s='x') %}{% for i in range(40) %}"
        "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}",
        "{% set ns = namespace(s='x') %}{% for i in range(40) %}"
        "{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s|length }}",
        "{{ lipsum(100000) }}",
    ],
)
def test_one_expression_cannot_build_a_gigabyte(ctx: TemplateContext, source: str) -> None:
    with pytest.raises(ValidationError, match=r"line 1: (not allowed|lipsum is not)"):
        render(source, ctx, language="pl", name="t")


def test_the_check_tries_a_large_debtor_so_loops_within_loops_are_found() -> None:
    small = sample_context(TODAY)
    assert render(NESTED, small, language="pl") == "2"  # quick on two invoices
    assert [(p.line, p.message) for p in validate(NESTED)] == [
        (1, "the template repeats its loops more than 1000000 times")
    ]
    assert [(p.line, p.message) for p in validate(RECURSIVE_MACRO)] == [
        (1, "the template calls itself without end (more than 50 levels deep)")
    ]
    # two loops one after the other are fine, and so is a macro used once per invoice
    assert validate("{% for i in items %}{{ i.number }}{% endfor %}{{ items|length }}") == []
    assert (
        validate(
            "{% macro row(i) %}{{ i.number }} {{ i.open|money }}{% endmacro %}"
            "{% for i in items %}{{ row(i) }}\n{% endfor %}{% for t in totals %}{{ t|money }}"
            "{% endfor %}"
        )
        == []
    )


def test_the_budget_applies_to_every_render_alone(ctx: TemplateContext) -> None:
    """A run renders thousands of messages: the limits are per template, not per process."""
    source = "{% for i in range(400) %}{% for j in range(400) %}{% endfor %}{% endfor %}ok"
    for _ in range(10):  # 1,600,000 steps in all, 160,000 each
        assert render(source, ctx, language="pl") == "ok"


# ---- what each date means, and how each item's state is worded ------------------------------

DUE_TODAY = dt.date(2026, 10, 15)


def _item(number: str, issued: dt.date, due: dt.date, currency: str = "PLN") -> Item:
    return Item.create(
        number=number,
        issue_date=issued,
        due_date=due,
        amount_minor=123_45,
        open_minor=123_45,
        currency=currency,
        today=DUE_TODAY,
    )


#: every issue date differs from every due date, so a printed date tells which one it is
BY_STATE = {
    "before_due": _item("FV/10/7", dt.date(2026, 10, 10), dt.date(2026, 10, 24)),
    "due_today": _item("FV/10/1", dt.date(2026, 10, 1), DUE_TODAY),
    "overdue": _item("FV/09/2", dt.date(2026, 9, 2), dt.date(2026, 9, 16)),
}
ISSUE_LABELS = {"pl": ("z dnia ", "z "), "en": ("of ", "issued "), "ru": ("от ",)}
DUE_LABELS = {
    "pl": ("termin płatności ", "termin ", "mija ", "minął "),
    "en": ("due on ", "due "),
    "ru": ("срок оплаты ", "срок ", "истекает ", "истёк "),
}
ISSUE_HEADERS = {"pl": "Data wystawienia", "en": "Issue date", "ru": "Дата выставления"}
DUE_HEADERS = {"pl": "Termin płatności", "en": "Due date", "ru": "Срок оплаты"}
#: what a message may say only about an item in that state
CLAIMS = {
    "pl": {
        "overdue": r"minął|minęło|po terminie",
        "due_today": r"dziś mija|mija dziś|\(dziś\)|termin dziś",
        "before_due": r"zbliża|zbliżając|mija \d|za \d+ d",
    },
    "en": {
        "overdue": r"\boverdue\b|was due|became due",
        "due_today": r"due today|due for payment today|\(today\)",
        "before_due": r"upcoming|due soon|\bin \d+ days?\b|is due on",
    },
    "ru": {
        "overdue": r"просрочк|просрочен|истёк",
        "due_today": r"сегодня истекает|истекает сегодня|\(сегодня\)|срок сегодня",
        "before_due": r"приближ|через \d|истекает \d",
    },
}


def _context(items: list[Item]) -> TemplateContext:
    base = sample_context(DUE_TODAY)
    return dataclasses.replace(base, items=tuple(items), totals=(), today=DUE_TODAY)


class _Cells(HTMLParser):
    """The header of the column each table cell is in, and the text outside tables."""

    def __init__(self) -> None:
        super().__init__()
        self.headers: list[str] = []
        self.cells: list[tuple[str, str]] = []  # (header, text)
        self.outside: list[str] = []
        self._cell: list[str] | None = None
        self._column = 0
        self._tag = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self._column = 0
        if tag in ("th", "td"):
            self._cell, self._tag = [], tag

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self._cell is not None:
            text = "".join(self._cell).strip()
            if tag == "th":
                self.headers.append(text)
            else:
                header = self.headers[self._column] if self._column < len(self.headers) else ""
                self.cells.append((header, text))
            self._column += 1
            self._cell = None

    def handle_data(self, data: str) -> None:
        (self._cell if self._cell is not None else self.outside).append(data)


def _dates_in(text: str, lang: str, items: list[Item]) -> list[tuple[int, str, Item]]:
    found = []
    for item in items:
        for kind, day in (("issue", item.issue_date), ("due", item.due_date)):
            shown = format_date(day, "short", locale=babel_locale(lang))
            found += [(m.start(), kind, item) for m in re.finditer(re.escape(shown), text)]
    return sorted(found, key=lambda f: f[0])


def _check_labels(text: str, lang: str, items: list[Item], where: str) -> set[tuple[str, str]]:
    seen = set()
    for start, kind, item in _dates_in(text, lang, items):
        before = text[:start]
        labels = ISSUE_LABELS[lang] if kind == "issue" else DUE_LABELS[lang]
        assert before.endswith(labels), (
            f"{where}: {kind} date of {item.number} after {before[-30:]!r}"
        )
        seen.add((kind, item.number))
    return seen


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("lang", LANGS)
def test_every_date_printed_is_the_one_its_words_say(name: str, lang: str) -> None:
    """The due-today e-mail printed "termin płatności 1.10.2026" for an invoice due 15.10.2026."""
    items = list(BY_STATE.values())
    for some in [[item] for item in items] + [items]:
        message = render_message(load_default(name, lang), _context(some))
        parts = [_check_labels(message.text, lang, some, f"{name}.{lang}.txt")]
        if message.html is not None:
            cells = _Cells()
            cells.feed(message.html)
            seen = _check_labels(" ".join(cells.outside), lang, some, f"{name}.{lang}.html")
            for header, text in cells.cells:
                dated = _dates_in(text, lang, some)
                if header not in (ISSUE_HEADERS[lang], DUE_HEADERS[lang]):  # labelled in the cell
                    seen |= _check_labels(text, lang, some, f"{name}.{lang}.html {header}")
                    continue
                for _start, kind, item in dated:
                    wanted = ISSUE_HEADERS[lang] if kind == "issue" else DUE_HEADERS[lang]
                    assert header == wanted, f"{name}.{lang}.html: {kind} date under {header}"
                    seen.add((kind, item.number))
            parts.append(seen)
        if "thanks" not in name:  # a reminder that dates an invoice gives its due date
            for seen in parts:
                for _kind, number in seen:
                    assert ("due", number) in seen, f"{name}.{lang}: no due date for {number}"


@pytest.mark.parametrize("name", [n for n in ALL if "thanks" not in n])
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("state", list(BY_STATE))
def test_wording_follows_each_items_state(name: str, lang: str, state: str) -> None:
    """A preview said a due date "minął 5.01.2027", a date in the future."""
    item = BY_STATE[state]
    twin = dataclasses.replace(item, number=item.number + "-2")
    for items in ([item], [item, twin]):
        message = render_message(load_default(name, lang), _context(items))
        said = " ".join(p for p in (message.subject, message.text, message.html) if p)
        for other, claim in CLAIMS[lang].items():
            if other != state:
                assert not re.search(claim, said), f"{name}.{lang} says {claim!r} of {state}"
    if "before_due" in name:  # the step's own wording when the items are in its state
        ahead = render_message(load_default(name, lang), _context([BY_STATE["before_due"]]))
        assert re.search(CLAIMS[lang]["before_due"], ahead.text)
    if "due_today" in name:
        today = render_message(load_default(name, lang), _context([BY_STATE["due_today"]]))
        assert re.search(CLAIMS[lang]["due_today"], today.text)
