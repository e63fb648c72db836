"""The templates Inkaso ships, and turning a template plus a context into a ready message.

Files live in ``resources/templates/<preset>/`` named ``<name>.<lang>.txt`` (the text: SMS, voice
script, task, or the plain part of an e-mail), ``<name>.<lang>.subject.txt`` (e-mail subject) and
``<name>.<lang>.html`` (the HTML part of an e-mail). A template is addressed as
``"<preset>/<name>"``, e.g. ``"escalation/email_overdue"``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from desktop_app.domain.template_names import is_template_name
from desktop_app.errors import NotFoundError
from desktop_app.i18n import LANGUAGES, _
from desktop_app.messaging.context import TemplateContext
from desktop_app.messaging.templates import render
from resources import resource_path

TEMPLATE_DIR = resource_path("templates")


@dataclass(frozen=True, slots=True)
class MessageTemplate:
    name: str  # "escalation/email_overdue"
    language: str
    text: str
    subject: str | None = None
    html: str | None = None


@dataclass(frozen=True, slots=True)
class RenderedMessage:
    text: str
    subject: str | None = None
    html: str | None = None


#: the file name of each part of a template, after ``<name>.<lang>``
_PARTS = {"txt": "text", "subject.txt": "subject", "html": "html"}


@functools.cache
def _shipped() -> dict[tuple[str, str], dict[str, Path]]:
    """(name, language) -> {part: file} for every file under resources/templates.

    Names are looked up here, never joined into a path, so no name can reach a file outside the
    folder; files whose name is not ``<template name>.<lang>.<part>`` are not templates.
    """
    found: dict[tuple[str, str], dict[str, Path]] = {}
    for path in TEMPLATE_DIR.glob("*/*"):
        base, _dot, rest = path.name.partition(".")
        language, _dot, suffix = rest.partition(".")
        name = f"{path.parent.name}/{base}"
        if suffix in _PARTS and language in LANGUAGES and is_template_name(name) and path.is_file():
            found.setdefault((name, language), {})[_PARTS[suffix]] = path
    return {key: parts for key, parts in found.items() if "text" in parts}


def list_defaults() -> list[str]:
    """Every shipped template name, sorted ("escalation/email_overdue", ...)."""
    return sorted({name for name, _language in _shipped()})


def load_default(name: str, language: str) -> MessageTemplate:
    parts = _shipped().get((name, language))
    if parts is None:
        raise NotFoundError(
            _("No built-in template {name} in language {language}").format(
                name=name, language=language
            )
        )
    text = {part: path.read_text(encoding="utf-8") for part, path in parts.items()}
    return MessageTemplate(name, language, text["text"], text.get("subject"), text.get("html"))


def render_message(template: MessageTemplate, context: TemplateContext) -> RenderedMessage:
    """All parts of a template for one contractor, in the template's language."""
    label = f"{template.name}.{template.language}"
    text = render(template.text, context, language=template.language, name=f"{label}.txt").strip()
    subject = None
    if template.subject is not None:
        raw = render(
            template.subject, context, language=template.language, name=f"{label}.subject.txt"
        )
        # one line, whatever the data holds: a newline in a header would start a new header
        subject = " ".join(raw.split())
    html = None
    if template.html is not None:
        html = render(
            template.html, context, language=template.language, html=True, name=f"{label}.html"
        )
    return RenderedMessage(text, subject, html)
