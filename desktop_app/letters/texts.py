"""The words of a letter: the owner's templates, rendered in the same sandbox as messages.

A letter's title and body are Jinja templates in ``resources/templates/letters/`` named
``<kind>.<lang>.title.j2`` and ``<kind>.<lang>.body.j2`` (the owner may replace them with their
own wording); the words of its tables are ``labels.<lang>.yaml``, plain text. Templates run in
:mod:`desktop_app.messaging.sandbox` with a budget of time and size: they see only the letter's
values, cannot reach Python's internals, include files or loop for ever. ``{{ table }}`` marks
where the tables go (after the text when a template leaves it out); each line of the
body is a paragraph.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import yaml

from desktop_app.errors import NotFoundError, ValidationError
from desktop_app.i18n import LANGUAGES, _
from desktop_app.letters.model import LetterData
from desktop_app.messaging.sandbox import Limits
from desktop_app.messaging.templates import render
from resources import resource_path

TEMPLATE_DIR = resource_path("templates", "letters")
TABLE_MARK = "[[table]]"
#: a letter is longer than a reminder, but a page of text needs no more than this
LETTER_LIMITS = Limits(seconds=2.0, steps=200_000, output_bytes=200_000, built_chars=2_000_000)
LABEL_KEYS = frozenset(
    {
        "place_date", "reference", "nip", "registered", "creditor", "debtor", "row", "invoice", "instalment",
        "issue_date", "due_date", "amount", "principal", "paid_on", "days_late", "interest",
        "compensation", "compensation_eur", "interest_table", "period_from", "period_to", "days",
        "rate", "base", "total", "to_pay", "in_words", "account", "account_bank",
        "signature_line", "debtor_signature", "page",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class LetterTemplate:
    kind: str
    language: str
    title: str
    body: str


@dataclass(frozen=True, slots=True)
class LetterText:
    """A rendered letter's words: its title and its paragraphs before and after the tables."""

    title: str
    before: tuple[str, ...]
    after: tuple[str, ...]


class _Values:
    """The names a letter template sees (:class:`LetterData`'s fields and a few shortcuts)."""

    def __init__(self, letter: LetterData) -> None:
        self.letter = letter

    def variables(self, language: str) -> dict[str, object]:
        letter = self.letter
        return {
            "kind": letter.kind,
            "reference": letter.reference,
            "place": letter.place,
            "date": letter.date,
            "creditor": letter.creditor,
            "debtor": letter.debtor,
            "items": letter.items,
            "totals": letter.totals,
            "deadline": letter.deadline,
            "accounts": letter.accounts,
            "signature": letter.signature,
            "bureau": letter.bureau,
            "registered": letter.registered,
            "has_interest": any(i.interest_rows for i in letter.items),
            "has_compensation": any(i.compensation for i in letter.items),
            "table": TABLE_MARK,
            "language": language,
        }


def _file(kind: str, language: str, part: str) -> str:
    # names are looked up among the shipped files, never joined from what a user typed
    wanted = f"{kind}.{language}.{part}.j2"
    for path in TEMPLATE_DIR.glob("*.j2"):
        if path.name == wanted:
            return path.read_text(encoding="utf-8")
    raise NotFoundError(
        _("No built-in letter {kind} in language {language}").format(kind=kind, language=language)
    )


@functools.cache
def shipped_template(kind: str, language: str) -> LetterTemplate:
    return LetterTemplate(
        kind, language, _file(kind, language, "title"), _file(kind, language, "body")
    )


@functools.cache
def labels(language: str) -> dict[str, str]:
    """The words of the tables and blocks in ``language``."""
    if language not in LANGUAGES:
        raise ValidationError(_("Unsupported language {lang}").format(lang=language))
    path = TEMPLATE_DIR / f"labels.{language}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {key: str(data[key]) for key in LABEL_KEYS}


def _paragraphs(text: str) -> tuple[str, ...]:
    """Each line is a paragraph (``{% endif %}`` at a line's end eats the line break after it,
    so blank lines cannot be what separates them)."""
    lines = (line.strip() for line in text.splitlines())
    return tuple(line for line in lines if line)


def render_text(
    template: LetterTemplate, letter: LetterData, limits: Limits = LETTER_LIMITS
) -> LetterText:
    """The template's words for this letter; a ValidationError (TemplateLimitError when over
    ``limits``) naming the template's line when it is broken."""
    values = _Values(letter)
    name = f"letters/{template.kind}.{template.language}"
    title = render(
        template.title, values, language=template.language, name=f"{name}.title", limits=limits
    )
    body = render(
        template.body, values, language=template.language, name=f"{name}.body", limits=limits
    )
    before, _mark, after = body.partition(TABLE_MARK)
    return LetterText(" ".join(title.split()), _paragraphs(before), _paragraphs(after))
