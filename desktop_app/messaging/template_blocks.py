"""A template's source as the simple editor shows it: text, fields and conditions, never braces.

Office staff edit a reminder as text with chips: a *field* is one of a few named values
(«amount due», «bank account», …) and a *condition* is one of a few named tests ("one invoice /
several invoices") whose branches hold text and fields again. Any other piece of Jinja (a loop,
``{% set %}``, an ``elif``, a filter the catalogue does not name) is kept as an *advanced part*:
a locked chip written back exactly as it was, which says in words what the shipped templates'
loops and tests mean (:func:`labels`) and shows its code only when it is not one of those.

:func:`to_blocks` and :func:`to_source` are inverse on every source the simple editor can
represent: ``to_source(to_blocks(s)) == s``. A source it cannot represent (a syntax error, braces
the chips would swallow, a raw block) gets a reason instead, and opens in the Advanced tab only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jinja2 import Environment, TemplateSyntaxError

from desktop_app.i18n import N_, _


@dataclass(frozen=True)
class FieldSpec:
    key: str
    expression: str
    #: deferred label: translate with ``_`` where it is shown
    label: str
    #: offered in the "Insert field" menu; the others are only recognised, being valid inside a
    #: loop (``item``, ``due``, ``r``) or seldom wanted in a new sentence
    offered: bool = True


@dataclass(frozen=True)
class ConditionSpec:
    key: str
    test: str
    #: the branch labels: when the test holds, otherwise
    branches: tuple[str, str]
    #: offered in the "Condition" menu (those only recognised need a ``{% set %}`` before them)
    offered: bool = True


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("invoice_list", 'items|map(attribute="number")|join(", ")', N_("invoice list")),
    FieldSpec("amount_due", "totals|money", N_("amount due")),
    FieldSpec("bank_account", "bank_account.iban", N_("bank account")),
    FieldSpec("contractor_name", "contractor.name", N_("contractor name")),
    FieldSpec("due_date", 'items[0].due_date|date("short")', N_("due date")),
    FieldSpec("invoice_number", "items[0].number", N_("invoice number")),
    FieldSpec("invoice_open", "items[0].open|money", N_("invoice's amount due")),
    FieldSpec("days_overdue", "max_days_overdue|days", N_("days overdue")),
    FieldSpec("firm_name", "firm.name", N_("our firm's name")),
    FieldSpec("firm_phone", "firm.phone", N_("our phone")),
    FieldSpec("manager_name", "account_manager.name", N_("account manager")),
    FieldSpec("manager_phone", "account_manager.phone", N_("account manager's phone")),
    FieldSpec("today", "today|date", N_("today's date")),
    # inside "for each invoice" (the filter is part of the field: "due date" means the short date)
    FieldSpec("item_number", "item.number", N_("invoice number"), offered=False),
    FieldSpec("item_issue_date", 'item.issue_date|date("short")', N_("issue date"), offered=False),
    FieldSpec("item_due_date", 'item.due_date|date("short")', N_("due date"), offered=False),
    FieldSpec("item_days_overdue", "item.days_overdue|days", N_("days overdue"), offered=False),
    FieldSpec("item_days_to_due", "item.days_to_due|days", N_("days to due date"), offered=False),
    FieldSpec("item_open", "item.open|money", N_("amount open"), offered=False),
    FieldSpec("item_amount", "item.amount|money", N_("invoice amount"), offered=False),
    FieldSpec(
        "item_separator",
        '", " if not loop.last else "."',
        N_("comma, or full stop after the last"),
        offered=False,
    ),
    # the first invoice, in the texts written for one invoice
    FieldSpec("invoice_amount", "items[0].amount|money", N_("invoice amount"), offered=False),
    FieldSpec(
        "invoice_days_overdue", "items[0].days_overdue|days", N_("days overdue"), offered=False
    ),
    FieldSpec(
        "invoice_days_to_due", "items[0].days_to_due|days", N_("days to due date"), offered=False
    ),
    # inside "for each currency"
    FieldSpec("due_total", "due.total|money", N_("amount due in this currency"), offered=False),
    FieldSpec("due_iban", "due.account.iban", N_("bank account"), offered=False),
    FieldSpec("due_bank_name", "due.account.bank_name", N_("bank name"), offered=False),
    FieldSpec("due_currency", "due.currency", N_("currency"), offered=False),
    # inside "for each reminder sent"
    FieldSpec("reminder_date", 'r.date|date("short")', N_("reminder date"), offered=False),
    FieldSpec(
        "manager_email", "account_manager.email", N_("account manager's e-mail"), offered=False
    ),
    FieldSpec("contractor_email", "contractor.email", N_("contractor's e-mail"), offered=False),
    FieldSpec("contractor_phone", "contractor.phone", N_("contractor's phone"), offered=False),
    FieldSpec("contractor_nip", "contractor.nip", N_("contractor's NIP"), offered=False),
    FieldSpec(
        "contractor_contacts",
        '[contractor.phone, contractor.email]|select|join(", ")',
        N_("contractor's phone and e-mail"),
        offered=False,
    ),
)

CONDITIONS: tuple[ConditionSpec, ...] = (
    ConditionSpec(
        "invoice_count", "items|length == 1", (N_("one invoice"), N_("several invoices"))
    ),
    ConditionSpec("overdue", "max_days_overdue > 0", (N_("past due"), N_("not past due yet"))),
    ConditionSpec(
        "has_manager",
        "account_manager",
        (N_("has an account manager"), N_("no account manager")),
    ),
    ConditionSpec(
        "has_bank_account",
        "bank_account",
        (N_("our bank account is known"), N_("no bank account in its currency")),
    ),
    # the shipped e-mails name the test once: {% set one = items|length == 1 %}
    ConditionSpec("one", "one", (N_("one invoice"), N_("several invoices")), offered=False),
)

FIELD_BY_KEY = {f.key: f for f in FIELDS}
CONDITION_BY_KEY = {c.key: c for c in CONDITIONS}
_FIELD_BY_SOURCE = {"{{ " + f.expression + " }}": f for f in FIELDS}
_CONDITION_BY_SOURCE = {"{% if " + c.test + " %}": c for c in CONDITIONS}
ELSE = "{% else %}"
ENDIF = "{% endif %}"


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Field:
    key: str


@dataclass(frozen=True)
class Code:
    """Jinja the simple editor does not name; written back exactly as it was."""

    source: str


@dataclass(frozen=True)
class Condition:
    key: str
    #: one branch (no "otherwise") or two
    branches: tuple[tuple[Block, ...], ...]


Block = Text | Field | Code | Condition

_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_DELIMITERS = ("{{", "}}", "{%", "%}", "{#", "#}")
_OPENS_IF = re.compile(r"\{%[-+]?\s*if\b")
_CLOSES_IF = re.compile(r"\{%[-+]?\s*endif\b")
_RAW = re.compile(r"\{%[-+]?\s*raw\b")


class NotSimpleError(Exception):
    """The source cannot be shown in the simple editor; ``reason`` is a deferred sentence."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def field_source(key: str) -> str:
    return "{{ " + FIELD_BY_KEY[key].expression + " }}"


def condition_source(key: str) -> str:
    return "{% if " + CONDITION_BY_KEY[key].test + " %}"


def _tokens(source: str) -> list[str]:
    """The source cut into plain text and tags, in order, joined back exactly."""
    pieces: list[str] = []
    last = 0
    for match in _TAG.finditer(source):
        if match.start() > last:
            pieces.append(source[last : match.start()])
        pieces.append(match.group(0))
        last = match.end()
    if last < len(source):
        pieces.append(source[last:])
    return pieces


def _is_tag(token: str) -> bool:
    return token[:2] in ("{{", "{%", "{#")


def check_simple(source: str) -> None:
    """Raise :class:`NotSimpleError` when the simple editor cannot show ``source`` faithfully."""
    try:
        Environment().parse(source)
    except TemplateSyntaxError as exc:
        raise NotSimpleError(
            N_("The template has a mistake in its code; it can be fixed in the Advanced tab.")
        ) from exc
    if _RAW.search(source):
        raise NotSimpleError(
            N_("The template uses a raw block, which only the Advanced tab shows.")
        )
    for token in _tokens(source):
        if not _is_tag(token) and any(d in token for d in _DELIMITERS):
            raise NotSimpleError(
                N_(
                    "The template's text contains braces that look like code; "
                    "it can only be edited in the Advanced tab."
                )
            )


def to_blocks(source: str) -> list[Block]:
    """The blocks the simple editor shows for ``source``; :class:`NotSimpleError` when it cannot."""
    check_simple(source)
    return _parse(_tokens(source), 0)


def _parse(tokens: list[str], start: int) -> list[Block]:
    """Blocks from ``tokens[start:]``."""
    blocks: list[Block] = []
    i = start
    while i < len(tokens):
        token = tokens[i]
        if not _is_tag(token):
            blocks.append(Text(token))
        elif token in _FIELD_BY_SOURCE:
            blocks.append(Field(_FIELD_BY_SOURCE[token].key))
        elif token in _CONDITION_BY_SOURCE and (found := _condition(tokens, i)) is not None:
            condition, i = found
            blocks.append(condition)
        else:
            blocks.append(Code(token))
        i += 1
    return blocks


def _condition(tokens: list[str], start: int) -> tuple[Condition, int] | None:
    """The condition opened at ``tokens[start]`` and the index of its endif, or None when its
    branches do not nest cleanly (an elif, or an if opened in one branch and closed in another)
    so that its tags stay advanced parts."""
    end = _matching_endif(tokens, start)
    if end is None or tokens[end] != ENDIF:
        return None
    branches: list[tuple[Block, ...]] = []
    i = start + 1
    while True:
        branch_end = _branch_end(tokens, i, end)
        if branch_end is None:
            return None
        branches.append(tuple(_parse(tokens[:branch_end], i)))
        if branch_end == end:
            break
        if len(branches) == 2:
            return None
        i = branch_end + 1
    key = _CONDITION_BY_SOURCE[tokens[start]].key
    return Condition(key, tuple(branches)), end


def _matching_endif(tokens: list[str], start: int) -> int | None:
    depth = 0
    for i in range(start, len(tokens)):
        token = tokens[i]
        if _OPENS_IF.match(token):
            depth += 1
        elif _CLOSES_IF.match(token):
            depth -= 1
            if depth == 0:
                return i
    return None


def _branch_end(tokens: list[str], start: int, end: int) -> int | None:
    """Index of the next top-level ``{% else %}`` or the endif; None at an elif or another
    spelling of else at the top level."""
    depth = 0
    for i in range(start, end + 1):
        token = tokens[i]
        if depth == 0 and i == end:
            return i
        if _OPENS_IF.match(token):
            depth += 1
        elif _CLOSES_IF.match(token):
            depth -= 1
        elif depth == 0 and re.match(r"\{%[-+]?\s*(else|elif)\b", token):
            return i if token == ELSE else None
    return None


def to_source(blocks: list[Block] | tuple[Block, ...]) -> str:
    """The Jinja source of ``blocks``."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Text):
            out.append(block.text)
        elif isinstance(block, Field):
            out.append(field_source(block.key))
        elif isinstance(block, Code):
            out.append(block.source)
        else:
            out.append(condition_source(block.key))
            for n, branch in enumerate(block.branches):
                if n:
                    out.append(ELSE)
                out.append(to_source(branch))
            out.append(ENDIF)
    return "".join(out)


# -- the flat form the editor's document holds: text and chips, a condition as three markers ---


@dataclass(frozen=True)
class Marker:
    """A condition's start (``part`` 0), its "otherwise" (1) or its end (2)."""

    key: str
    part: int


Piece = Text | Field | Code | Marker


def flatten(blocks: list[Block] | tuple[Block, ...]) -> list[Piece]:
    out: list[Piece] = []
    for block in blocks:
        if isinstance(block, Condition):
            out.append(Marker(block.key, 0))
            for n, branch in enumerate(block.branches):
                if n:
                    out.append(Marker(block.key, 1))
                out.extend(flatten(branch))
            out.append(Marker(block.key, 2))
        else:
            out.append(block)
    return out


class UnbalancedError(Exception):
    """A condition lost its start, "otherwise" or end marker."""


def nest(pieces: list[Piece]) -> list[Block]:
    """The blocks of the editor's flat pieces (adjacent texts joined); :class:`UnbalancedError` when
    a condition's markers do not pair up."""
    blocks, i = _nest(pieces, 0, None)
    if i != len(pieces):
        raise UnbalancedError
    return blocks


def _nest(pieces: list[Piece], start: int, key: str | None) -> tuple[list[Block], int]:
    blocks: list[Block] = []
    i = start
    while i < len(pieces):
        piece = pieces[i]
        if isinstance(piece, Marker):
            if piece.part != 0:
                if key is None or piece.key != key:
                    raise UnbalancedError
                return blocks, i
            branches: list[tuple[Block, ...]] = []
            i += 1
            while True:
                branch, i = _nest(pieces, i, piece.key)
                if i >= len(pieces):
                    raise UnbalancedError
                branches.append(tuple(branch))
                marker = pieces[i]
                assert isinstance(marker, Marker)
                i += 1
                if marker.part == 2:
                    break
                if len(branches) == 2:
                    raise UnbalancedError
            blocks.append(Condition(piece.key, tuple(branches)))
            continue
        if isinstance(piece, Text) and blocks and isinstance(blocks[-1], Text):
            blocks[-1] = Text(blocks[-1].text + piece.text)
        elif not (isinstance(piece, Text) and not piece.text):
            blocks.append(piece)
        i += 1
    if key is not None:
        raise UnbalancedError
    return blocks, i


_FOR = re.compile(r"\{%[-+]?\s*for\s+\w+\s+in\s+(\w+)\s*[-+]?%\}")
_TAG_WORD = re.compile(r"\{%[-+]?\s*(\w+)\s*(.*?)\s*[-+]?%\}", re.DOTALL)
#: a loop's opening chip and its end's, by the list it walks
_LOOPS = {
    "items": (N_("For each invoice:"), N_("End of invoice list")),
    "by_currency": (N_("For each currency:"), N_("End of currency list")),
    "reminders": (N_("For each reminder sent:"), N_("End of reminder list")),
}
#: capitalised and with a colon where a branch starts, as the named conditions' markers are
_ENDS = {
    "endfor": N_("End of repeat"),
    "endif": N_("End of condition"),
    "else": N_("Otherwise:"),
}
#: the tests the shipped templates make, by what follows ``if`` or ``elif``: what they mean
_TESTS = {
    "item.overdue": N_("this invoice is overdue"),
    "item.due_today": N_("due today"),
    "items[0].overdue": N_("the invoice is overdue"),
    "items[0].due_today": N_("due today"),
    "account_manager and account_manager.phone": N_("the account manager has a phone"),
    "account_manager.phone": N_("the account manager has a phone"),
    "account_manager and account_manager.email": N_("the account manager has an e-mail"),
    "due.account": N_("our bank account is known"),
    "due.account.bank_name": N_("the bank's name is known"),
    "firm.phone": N_("our phone is known"),
    "by_currency|length > 1": N_("more than one currency"),
    'by_currency|selectattr("account")|list': N_("a bank account is known for any currency"),
    "contractor.email": N_("the contractor has an e-mail"),
    "contractor.phone": N_("the contractor has a phone"),
    "contractor.phone or contractor.email": N_("the contractor has a phone or e-mail"),
    "contractor.nip": N_("the contractor's NIP is known"),
    "reminders": N_("reminders were sent"),
    "ahead": N_("no invoice is due yet"),
    'not items|rejectattr("before_due")|list': N_("no invoice is due yet"),
    "today_all": N_("every invoice is due today"),
    'not items|rejectattr("due_today")|list': N_("every invoice is due today"),
    'not items|rejectattr("overdue")|list': N_("every invoice is overdue"),
}
#: the e-mail digest's "how it was sent", spelt in each language's words
_CHANNEL = re.compile(r"\{\{ \{[^{}]*\}\[r\.channel\] \}\}")


def _test_label(test: str) -> str | None:
    if test in _TESTS:
        return _(_TESTS[test])
    condition = next((c for c in CONDITIONS if c.test == test), None)
    return _(condition.branches[0]) if condition is not None else None


def code_label(source: str, loop: str | None = None) -> str:
    """What an advanced part's chip says: words for the tags the shipped templates use, else its
    code; ``loop`` is the list walked by the loop an ``endfor`` closes. Plumbing (``set``) says
    nothing."""
    opened = _FOR.fullmatch(source)
    if opened and opened.group(1) in _LOOPS:
        return _(_LOOPS[opened.group(1)][0])
    if _CHANNEL.fullmatch(source):
        return _("how it was sent")
    tag = _TAG_WORD.fullmatch(source)
    if tag:
        word, rest = tag.group(1), tag.group(2)
        if word == "endfor" and not rest and loop in _LOOPS:
            return _(_LOOPS[loop][1])
        if word in _ENDS and not rest:
            return _(_ENDS[word])
        if word == "set":
            return ""
        named = _test_label(rest) if word in ("if", "elif") else None
        if word == "if":
            if named is not None:
                return _("If {condition}:").format(condition=named)
            return _("if {test}").format(test=rest)
        if word == "elif":
            if named is not None:
                return _("Otherwise, if {condition}:").format(condition=named)
            return _("otherwise if {test}").format(test=rest)
    inner = source[2:-2].strip(" -+\n")
    return inner


def is_named(source: str) -> bool:
    """Whether :func:`code_label` says ``source`` in words rather than showing its code."""
    return code_label(source, next(iter(_LOOPS))) != source[2:-2].strip(" -+\n")


def piece_label(piece: Field | Code | Marker, loop: str | None = None) -> str:
    """The words on a field's, advanced part's or condition marker's chip (undecorated)."""
    if isinstance(piece, Field):
        return _(FIELD_BY_KEY[piece.key].label)
    if isinstance(piece, Code):
        return code_label(piece.source, loop)
    spec = CONDITION_BY_KEY[piece.key]
    if piece.part == 0:
        return _("If {condition}:").format(condition=_(spec.branches[0]))
    if piece.part == 1:
        return _("Otherwise, {condition}:").format(condition=_(spec.branches[1]))
    return _("End of “{condition}”").format(condition=_(spec.branches[0]))


def labels(pieces: list[Piece] | tuple[Piece, ...]) -> list[str | None]:
    """Each piece's chip words (None for text); an ``endfor`` names the loop it closes."""
    loops: list[str | None] = []
    out: list[str | None] = []
    for piece in pieces:
        if isinstance(piece, Text):
            out.append(None)
            continue
        loop = None
        if isinstance(piece, Code):
            opened = _FOR.fullmatch(piece.source)
            tag = _TAG_WORD.fullmatch(piece.source)
            if opened:
                loops.append(opened.group(1))
            elif tag and tag.group(1) == "endfor" and loops:
                loop = loops.pop()
        out.append(piece_label(piece, loop))
    return out
