"""The sandbox users' templates run in: no attribute tricks, and a budget of time, text and depth.

A template is a small program the firm's staff write. Jinja's immutable sandbox stops it reaching
Python's internals or changing data; it does not stop it working for ever. A template that is
quick on the editor's two-invoice sample can nest loops over a debtor's hundreds of invoices, a
macro can call itself without end, and one expression can ask for a gigabyte of text. Any of
these would hang ``dunning run`` or take the process down, so every template here runs on a
budget:

* **time and steps**: every loop iteration and every call counts a step and looks at the clock;
* **depth**: calls (macros, ``loop()``) may nest only so deep;
* **text**: what the template builds anywhere (macros and ``{% set %}`` blocks included) and what
  it finally outputs are counted, and no single value may grow past :data:`MAX_VALUE`.

Going over raises :class:`OverBudgetError` inside the template; the renderer turns it into the user's
error, with the template's line.
"""

from __future__ import annotations

import functools
import operator
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sized
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from babel.numbers import format_decimal
from jinja2 import nodes, pass_context
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context, LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer

from desktop_app.i18n import _, babel_locale

#: no single string or list a template builds may be longer than this (nor a width or count)
MAX_VALUE = 100_000
_MAX_EXPONENT = 100
#: string methods that make a longer string from a short one (not allowed: the filters of the
#: same name, which check their arguments first, do the same: ``|replace``, ``|join``, ...)
_GROWING_METHODS = frozenset(
    {"center", "ljust", "rjust", "zfill", "expandtabs", "replace", "join", "format", "format_map"}
)
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(\*|\d+)?(?:\.(\*|\d+))?")
#: names of the counting filters the compiler inserts (a user typing them changes nothing)
STEPS_FILTER = "inkaso_steps"
TEXT_FILTER = "inkaso_text"
SIZE_FILTER = "inkaso_size"


@dataclass(frozen=True, slots=True)
class Limits:
    """What one part of one message may take."""

    seconds: float = 2.0
    #: loop iterations plus calls
    steps: int = 1_000_000
    #: nested calls: a macro calling a macro calling ...
    depth: int = 50
    #: the finished text, in UTF-8 bytes
    output_bytes: int = 500_000
    #: all text built on the way (macros and {% set %} blocks count, then count again when used)
    built_chars: int = 5_000_000


class OverBudgetError(Exception):
    """The template went over one of its :class:`Limits`; ``reason`` is the user's sentence."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _seconds(value: float) -> str:
    return str(format_decimal(value, locale=babel_locale()))


def too_slow(limits: Limits) -> OverBudgetError:
    return OverBudgetError(
        _("the template took longer than {seconds} s").format(seconds=_seconds(limits.seconds))
    )


def too_long(limit_bytes: int) -> OverBudgetError:
    return OverBudgetError(
        _("the template produced more than {size} kB").format(size=limit_bytes // 1000)
    )


def too_deep(limits: Limits) -> OverBudgetError:
    return OverBudgetError(
        _("the template calls itself without end (more than {depth} levels deep)").format(
            depth=limits.depth
        )
    )


class Budget:
    """What one render has used so far."""

    __slots__ = ("_built", "_deadline", "_depth", "_steps", "limits")

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._deadline = time.monotonic() + limits.seconds
        self._steps = 0
        self._depth = 0
        self._built = 0

    def step(self) -> None:
        self._steps += 1
        if self._steps > self.limits.steps:
            raise OverBudgetError(
                _("the template repeats its loops more than {steps} times").format(
                    steps=self.limits.steps
                )
            )
        if time.monotonic() > self._deadline:
            raise too_slow(self.limits)

    def built(self, chars: int) -> None:
        self._built += chars
        if self._built > self.limits.built_chars:
            raise too_long(self.limits.built_chars)
        if time.monotonic() > self._deadline:
            raise too_slow(self.limits)

    @contextmanager
    def call(self) -> Iterator[None]:
        self.step()
        self._depth += 1
        try:
            if self._depth > self.limits.depth:
                raise too_deep(self.limits)
            yield
        finally:
            self._depth -= 1


_budget: ContextVar[Budget | None] = ContextVar("template_budget", default=None)


@contextmanager
def budget(limits: Limits) -> Iterator[Budget]:
    """Templates rendered inside share one budget (per thread: the GUI renders in workers)."""
    current = Budget(limits)
    token = _budget.set(current)
    try:
        yield current
    finally:
        _budget.reset(token)


def _counted(iterable: Iterable[Any]) -> Iterator[Any]:
    current = _budget.get()
    for value in iterable:
        if current is not None:
            current.step()
        yield value


# -- filters the compiler wraps around loops, output and ``~`` -------------------------------
# They take the context so that Jinja never runs them while compiling (constant folding).


@pass_context
def _steps_filter(_ctx: Context, iterable: Iterable[Any]) -> Iterator[Any]:
    return _counted(iterable)


@pass_context
def _text_filter(_ctx: Context, value: Any, literal: int = 0) -> Any:
    current = _budget.get()
    if current is not None:
        current.built(literal + len(value if isinstance(value, str) else str(value)))
    return value


@pass_context
def _size_filter(_ctx: Context, value: Any) -> Any:
    _check_size(value)
    return value


class _Instrument(NodeTransformer):
    """Puts the counting filters into a parsed template."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = _filtered(node.iter, STEPS_FILTER)
        return node

    def visit_Output(self, node: nodes.Output) -> nodes.Node:
        self.generic_visit(node)
        literal = sum(len(n.data) for n in node.nodes if isinstance(n, nodes.TemplateData))
        counted: list[nodes.Expr] = [
            n if isinstance(n, nodes.TemplateData) else _filtered(n, TEXT_FILTER)
            for n in node.nodes
        ]
        if literal:
            counted.append(_filtered(nodes.Const("", lineno=node.lineno), TEXT_FILTER, literal))
        node.nodes = counted
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return _filtered(node, SIZE_FILTER)


def _filtered(node: nodes.Node, name: str, *args: int) -> nodes.Filter:
    return nodes.Filter(
        node, name, [nodes.Const(a) for a in args], [], None, None, lineno=node.lineno
    )


def instrument(ast: nodes.Template) -> nodes.Template:
    result = _Instrument().visit(ast)
    assert isinstance(result, nodes.Template)
    return result


# -- values that grow -----------------------------------------------------------------------


def _check_length(length: int) -> None:
    if length > MAX_VALUE:
        raise SecurityError(_("the result would be too long"))


def _check_size(value: Any) -> None:
    if isinstance(value, str | list | tuple):
        _check_length(len(value))


def _check_count(count: Any) -> None:
    if isinstance(count, int) and not isinstance(count, bool):
        _check_length(abs(count))


def _check_percent(fmt: Any) -> None:
    """``"%0999999999d" % 1`` would build a gigabyte before anything could count it."""
    if not isinstance(fmt, str):
        return
    for width, precision in _PERCENT_SPEC.findall(fmt):
        for number in (width, precision):
            _check_length(MAX_VALUE + 1 if number == "*" else int(number or 0))


def _lines(value: Any) -> int:
    return str(value).count("\n") + 1


def _replace_check(s: Any, old: Any, new: Any, count: Any = None) -> None:
    text, old_text = str(s), str(old)
    hits = text.count(old_text) if old_text else len(text) + 1
    if isinstance(count, int) and count >= 0:
        hits = min(hits, count)
    _check_length(len(text) + hits * len(str(new)))


def _guard(check: Callable[..., None], original: Callable[..., Any]) -> Callable[..., Any]:
    """``original`` (a Jinja filter) after ``check`` has seen its arguments."""
    skip = 0 if getattr(original, "jinja_pass_arg", None) is None else 1

    @functools.wraps(original)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        check(*args[skip:], **kwargs)
        result = original(*args, **kwargs)
        _check_size(result)
        return result

    return guarded


def _join_check(value: Any, d: Any = "", attribute: Any = None) -> None:
    if isinstance(value, Sized):  # a generator's length is unknown; its result is checked after
        _check_length(len(str(d)) * len(value))


def _indent_check(s: Any, width: Any = 4, first: bool = False, blank: bool = False) -> None:
    step = len(width) if isinstance(width, str) else width
    if isinstance(step, int):
        _check_length(step * _lines(s))


def _wordwrap_check(s: Any, width: Any = 79, _long: Any = True, wrapstring: Any = None,
                    *_args: Any, **kwargs: Any) -> None:  # fmt: skip
    wrap = kwargs.get("wrapstring", wrapstring)
    size = width if isinstance(width, int) and width > 0 else 1
    if wrap is not None:
        _check_length(len(str(wrap)) * (len(str(s)) // size + 1))


def _first_count(_value: Any, count: Any = None, *_args: Any, **kwargs: Any) -> None:
    _check_count(count)
    for value in kwargs.values():
        _check_count(value)


_FILTER_CHECKS: dict[str, Callable[..., None]] = {
    "replace": _replace_check,
    "join": _join_check,
    "indent": _indent_check,
    "wordwrap": _wordwrap_check,
    "center": _first_count,
    "batch": _first_count,
    "slice": _first_count,
    "tojson": _first_count,
    "format": lambda value, *_a, **_k: _check_percent(value),
}


class Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox that also keeps a template within its :class:`Budget`."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        # a hundred thousand paragraphs of lorem ipsum have no place in a reminder
        self.globals.pop("lipsum", None)
        for name, check in _FILTER_CHECKS.items():
            self.filters[name] = _guard(check, self.filters[name])
        self.filters[STEPS_FILTER] = _steps_filter
        self.filters[TEXT_FILTER] = _text_filter
        self.filters[SIZE_FILTER] = _size_filter

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, str | bytes) and attr in _GROWING_METHODS:
            return False
        if isinstance(obj, int) and attr == "to_bytes":  # (1).to_bytes(10**9, "big")
            return False
        return bool(super().is_safe_attribute(obj, attr, value))

    def wrap_str_format(self, value: Any) -> None:
        return None  # str.format is not allowed at all (see _GROWING_METHODS); |format is

    def call_binop(self, context: Context, op: str, left: Any, right: Any) -> Any:
        if op == "**":
            if isinstance(right, int | float) and abs(right) > _MAX_EXPONENT:
                raise SecurityError(_("the exponent is too large"))
            return operator.pow(left, right)
        if op == "%":
            _check_percent(left)
            return operator.mod(left, right)
        if op == "+":
            if isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple):
                _check_length(len(left) + len(right))
            return operator.add(left, right)
        for sequence, count in ((left, right), (right, left)):
            if isinstance(sequence, str | list | tuple) and isinstance(count, int):
                _check_length(len(sequence) * count)
        return operator.mul(left, right)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        if isinstance(__obj, LoopContext) and args:  # a recursive loop's next level
            args = (_counted(args[0]), *args[1:])
        current = _budget.get()
        if current is None:
            return super().call(__context, __obj, *args, **kwargs)
        with current.call():
            return super().call(__context, __obj, *args, **kwargs)
