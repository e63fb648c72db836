"""Rendering users' message templates safely: a Jinja2 sandbox with strict variables.

Templates are written by the firm's staff in the app's editor. The immutable sandbox stops
attribute tricks (``''.__class__``) and changes to the data; ``StrictUndefined`` turns a typo into
an error naming the line instead of an empty gap in a letter to a client; HTML templates are
autoescaped, so a contractor called ``<script>`` stays text. Amounts, dates and day counts come
out in the *message's* language (the contractor's), not the language of the app's window. Every
render runs on a budget of time, text and depth (``sandbox``), so a template cannot hang a run.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Protocol

from babel.dates import format_date
from babel.units import format_unit
from jinja2 import (
    StrictUndefined,
    Template,
    TemplateError,
    TemplateRuntimeError,
    TemplateSyntaxError,
    UndefinedError,
    meta,
    nodes,
    pass_context,
)
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.utils import missing

from desktop_app.domain.money import Money, format_money
from desktop_app.errors import TemplateLimitError, ValidationError
from desktop_app.i18n import LANGUAGES, _, babel_locale
from desktop_app.messaging.context import TOP_LEVEL_NAMES, TemplateContext
from desktop_app.messaging.sample import sample_context
from desktop_app.messaging.sandbox import (
    Limits,
    OverBudgetError,
    Sandbox,
    budget,
    instrument,
    too_deep,
    too_long,
)

DEFAULT_LIMITS = Limits()


class Variables(Protocol):
    """What a template is rendered against: a message's context or a letter's."""

    def variables(self, language: str) -> dict[str, object]: ...


#: invoices of the contractor the check renders a template for to find loops that grow too fast
STRESS_ITEMS = 120

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TemplateProblem:
    line: int | None
    message: str  # translated, for the editor

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return _("Line {line}: {problem}").format(line=self.line, problem=self.message)


class _Undefined(StrictUndefined):
    """StrictUndefined whose message names the field in words an office user can act on."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        if self._undefined_hint:
            return self._undefined_hint
        name = self._undefined_name
        owner = self._undefined_obj
        if owner is missing:
            return _("{name} is not a known variable").format(name=name)
        if owner is None:
            return _("{name} cannot be read because the value before it is empty").format(name=name)
        return _("{owner} has no field {name}").format(owner=type(owner).__name__, name=name)


def _language(ctx: Context) -> str:
    lang = ctx.get("language")
    return lang if isinstance(lang, str) and lang in LANGUAGES else "en"


@pass_context
def money_filter(ctx: Context, value: Any, currency: str | None = None) -> str:
    """``{{ item.open|money }}``, ``{{ totals|money }}``, ``{{ 12345|money("PLN") }}``."""
    lang = _language(ctx)
    if isinstance(value, Money):
        return format_money(value.minor, value.currency, lang)
    if isinstance(value, int) and not isinstance(value, bool) and currency:
        return format_money(value, currency.upper(), lang)
    if isinstance(value, Sequence) and not isinstance(value, str):
        return ", ".join(money_filter(ctx, part) for part in value)
    raise TemplateRuntimeError(
        _("The money filter needs an amount with its currency, not {value!r}").format(value=value)
    )


@pass_context
def date_filter(ctx: Context, value: Any, format: str = "medium") -> str:
    """``{{ item.due_date|date }}`` = "23 lis 2026"; ``|date("short")`` = "23.11.2026"."""
    if not isinstance(value, dt.date):
        raise TemplateRuntimeError(
            _("The date filter needs a date, not {value!r}").format(value=value)
        )
    if isinstance(value, dt.datetime):
        value = value.date()
    return str(format_date(value, format, locale=babel_locale(_language(ctx))))


@pass_context
def days_filter(ctx: Context, value: Any) -> str:
    """``{{ item.days_overdue|days }}`` = "3 dni" / "3 days" / "3 дня" (CLDR plural rules)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TemplateRuntimeError(
            _("The days filter needs a whole number, not {value!r}").format(value=value)
        )
    text = format_unit(value, "duration-day", length="long", locale=babel_locale(_language(ctx)))
    return str(text)


FILTERS = {"money": money_filter, "date": date_filter, "days": days_filter}


@functools.cache
def environment(html: bool) -> Sandbox:
    env = Sandbox(
        undefined=_Undefined,
        autoescape=html,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters.update(FILTERS)
    return env


@functools.lru_cache(maxsize=512)
def _compile(html: bool, name: str, source: str) -> Template:
    env = environment(html)
    ast = instrument(env.parse(source, name=name, filename=name))
    code = env.compile(ast, name=name, filename=name)
    return env.template_class.from_code(env, code, env.make_globals(None), None)


def _run(template: Template, variables: dict[str, object], limits: Limits) -> str:
    """The template's text, streamed so that a runaway is cut off at the size limit."""
    parts: list[str] = []
    size = 0
    with budget(limits):
        for chunk in template.generate(variables):
            size += len(chunk.encode("utf-8"))
            if size > limits.output_bytes:
                raise too_long(limits.output_bytes)
            parts.append(chunk)
    return "".join(parts)


def _template_line(tb: TracebackType | None, name: str) -> int | None:
    """Jinja rewrites tracebacks so template frames carry the template's name and line."""
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == name:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _describe(exc: BaseException, limits: Limits) -> str:
    if isinstance(exc, OverBudgetError):
        return exc.reason
    if isinstance(exc, RecursionError):
        return too_deep(limits).reason
    if isinstance(exc, MemoryError):
        return too_long(limits.built_chars).reason
    if isinstance(exc, TemplateSyntaxError):
        return _("syntax error: {detail}").format(detail=exc.message)
    if isinstance(exc, SecurityError):
        return _("not allowed in a template: {detail}").format(detail=exc)
    if isinstance(exc, UndefinedError):
        return str(exc.message)
    return str(exc) or type(exc).__name__


def _problem(exc: BaseException, name: str, limits: Limits = DEFAULT_LIMITS) -> TemplateProblem:
    line = exc.lineno if isinstance(exc, TemplateSyntaxError) else None
    return TemplateProblem(line or _template_line(exc.__traceback__, name), _describe(exc, limits))


_RENDER_ERRORS = (TemplateError, TypeError, ValueError, ArithmeticError, LookupError)
#: a template over its budget; RecursionError and MemoryError are what escapes the counting
_BUDGET_ERRORS = (OverBudgetError, RecursionError, MemoryError)


def render(
    source: str,
    context: Variables,
    *,
    language: str,
    html: bool = False,
    name: str = "template",
    limits: Limits = DEFAULT_LIMITS,
) -> str:
    """Render ``source`` for one contractor in ``language`` ("pl", "en" or "ru").

    Any problem in the template (syntax, unknown name, forbidden access) is a ValidationError
    naming the template and the line; going over ``limits`` is a TemplateLimitError.
    """
    if language not in LANGUAGES:
        raise ValueError(f"unsupported message language {language!r}")
    try:
        return _run(_compile(html, name, source), context.variables(language), limits)
    except (*_RENDER_ERRORS, *_BUDGET_ERRORS) as exc:
        problem = _problem(exc, name, limits)
        log.info("template %s failed: %s", name, problem)
        error = TemplateLimitError if isinstance(exc, _BUDGET_ERRORS) else ValidationError
        raise error(_where(name, problem), field=name) from exc


def _where(name: str, problem: TemplateProblem) -> str:
    if problem.line is None:
        return _("Template {name}: {problem}").format(name=name, problem=problem.message)
    return _("Template {name}, line {line}: {problem}").format(
        name=name, line=problem.line, problem=problem.message
    )


def _name_lines(ast: nodes.Template) -> dict[str, int]:
    lines: dict[str, int] = {}
    for node in ast.find_all(nodes.Name):
        if node.ctx == "load":
            lines.setdefault(node.name, node.lineno)
    return lines


def _may_grow_faster_than_its_data(ast: nodes.Template) -> bool:
    """One loop does work in step with the number of invoices, which the sample already shows;
    loops within loops, macros and recursive loops can grow with its square, cube, ... and are
    tried on a large debtor too (skipping it for the rest keeps the editor's check quick)."""
    loops = list(ast.find_all(nodes.For))
    return (
        len(loops) > 1
        or any(loop.recursive for loop in loops)
        or any(True for _node in ast.find_all((nodes.Macro, nodes.CallBlock)))
    )


def validate(
    source: str,
    *,
    html: bool = False,
    sample: TemplateContext | None = None,
    language: str = "pl",
    name: str = "template",
    limits: Limits = DEFAULT_LIMITS,
) -> list[TemplateProblem]:
    """Problems the editor shows under the template, each with its line; empty when fine.

    Checks the syntax, names the template may not use, then renders it against ``sample`` (by
    default a made-up contractor with two invoices) to catch misspelt fields like
    ``contractor.nmae``, and against a contractor with many invoices, so that loops within loops
    that are quick on two invoices and endless on hundreds are found before a run meets them.
    """
    env = environment(html)
    try:
        ast = env.parse(source, name=name, filename=name)
        _compile(html, name, source)
    except TemplateSyntaxError as exc:
        return [_problem(exc, name)]
    lines = _name_lines(ast)
    problems = [
        TemplateProblem(lines.get(unknown), _("unknown variable {name}").format(name=unknown))
        for unknown in sorted(meta.find_undeclared_variables(ast) - TOP_LEVEL_NAMES)
        if unknown not in env.globals
    ]
    problems.sort(key=lambda p: p.line or 0)
    if problems:
        return problems
    today = dt.date(2026, 11, 23)
    contexts = [sample or sample_context(today)]
    if _may_grow_faster_than_its_data(ast):
        contexts.append(sample_context(today, items=STRESS_ITEMS))
    for context in contexts:
        try:
            _run(_compile(html, name, source), context.variables(language), limits)
        except (*_RENDER_ERRORS, *_BUDGET_ERRORS) as exc:
            return [_problem(exc, name, limits)]
    return []
