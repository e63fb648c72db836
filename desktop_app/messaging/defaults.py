"""The templates Inkaso ships, and turning a template plus a context into a ready message.

Files live in ``resources/templates/<preset>/`` named ``<name>.<lang>.txt`` (the text: SMS, voice
script, task, or the plain part of an e-mail), ``<name>.<lang>.subject.txt`` (e-mail subject) and
``<name>.<lang>.html`` (the HTML part of an e-mail). A template is addressed as
``"<preset>/<name>"``, e.g. ``"escalation/email_overdue"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None


def list_defaults() -> list[str]:
    """Every shipped template name, sorted ("escalation/email_overdue", ...)."""
    names = {
        f"{path.parent.name}/{path.name.split('.', 1)[0]}" for path in TEMPLATE_DIR.glob("*/*.txt")
    }
    return sorted(names)


def load_default(name: str, language: str) -> MessageTemplate:
    preset, _sep, base = name.partition("/")
    if language not in LANGUAGES or not preset or not base or ".." in name:
        raise NotFoundError(
            _("No built-in template {name} in language {language}").format(
                name=name, language=language
            )
        )
    folder = TEMPLATE_DIR / preset
    text = _read(folder / f"{base}.{language}.txt")
    if text is None:
        raise NotFoundError(
            _("No built-in template {name} in language {language}").format(
                name=name, language=language
            )
        )
    subject = _read(folder / f"{base}.{language}.subject.txt")
    html = _read(folder / f"{base}.{language}.html")
    return MessageTemplate(name, language, text, subject, html)


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
