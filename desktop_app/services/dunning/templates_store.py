"""Templates as users edit them: the firm's own wording over the shipped defaults, and previews."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy import select

from db.models import MessageTemplate as TemplateRow
from db.models import utcnow
from db.uow import Database
from desktop_app.domain.template_names import is_template_name
from desktop_app.errors import NotFoundError, ValidationError
from desktop_app.i18n import LANGUAGES, _
from desktop_app.messaging import (
    MessageTemplate,
    RenderedMessage,
    TemplateProblem,
    list_defaults,
    load_default,
    validate,
)
from desktop_app.services import audit, views
from desktop_app.services.dunning.compose import Composer, template_items
from desktop_app.services.dunning.state import load as load_state
from desktop_app.settings import Snapshot


@dataclass(frozen=True)
class TemplateInfo:
    name: str
    language: str
    customised: bool


def list_templates(db: Database) -> list[TemplateInfo]:
    with db.read() as session:
        rows = session.scalars(select(TemplateRow).where(TemplateRow.name.not_like("letters/%")))
        # the owner's wording of letters shares the table (services/letter_templates.py)
        custom = {(r.name, r.language) for r in rows}
    names = sorted(set(list_defaults()) | {name for name, _lang in custom})
    return [TemplateInfo(n, lang, (n, lang) in custom) for n in names for lang in LANGUAGES]


def get_template(db: Database, name: str, language: str) -> MessageTemplate:
    with db.read() as session:
        row = session.scalar(
            select(TemplateRow).where(TemplateRow.name == name, TemplateRow.language == language)
        )
        if row is not None:
            return MessageTemplate(row.name, row.language, row.body, row.subject, row.html)
    return load_default(name, language)


def check(template: MessageTemplate) -> list[TemplateProblem]:
    """Every problem in every part, each naming its line."""
    problems = validate(template.text, language=template.language, name="text")
    if template.subject is not None:
        problems += validate(template.subject, language=template.language, name="subject")
    if template.html is not None:
        problems += validate(template.html, html=True, language=template.language, name="html")
    return problems


def save_template(db: Database, template: MessageTemplate) -> None:
    if template.language not in LANGUAGES:
        raise ValidationError(_("Unsupported language {lang}").format(lang=template.language))
    if not is_template_name(template.name):
        raise ValidationError(
            _(
                "A template name looks like group/name in lower-case letters, digits, - and _, "
                "e.g. my/email_overdue"
            )
        )
    problems = check(template)
    if problems:
        raise ValidationError("; ".join(str(p) for p in problems), field="template")
    with db.write() as session:
        row = session.scalar(
            select(TemplateRow).where(
                TemplateRow.name == template.name, TemplateRow.language == template.language
            )
        )
        if row is None:
            row = TemplateRow(name=template.name, language=template.language, body="")
            session.add(row)
        before = {"text": row.body or None, "subject": row.subject, "html": row.html}
        row.body = template.text
        row.subject = template.subject
        row.html = template.html
        row.updated_at = utcnow()
        audit.record(
            session,
            kind="template",
            target=f"{template.name} ({template.language})",
            action="update",
            before=before,
            after={"text": template.text, "subject": template.subject, "html": template.html},
        )


def revert_template(db: Database, name: str, language: str) -> None:
    """Back to the shipped wording (an error if there is none to go back to)."""
    load_default(name, language)
    with db.write() as session:
        row = session.scalar(
            select(TemplateRow).where(TemplateRow.name == name, TemplateRow.language == language)
        )
        if row is None:
            raise NotFoundError(_("Template {name} is not customised").format(name=name))
        session.delete(row)
        audit.record(session, kind="template", target=f"{name} ({language})", action="revert")


def preview(
    db: Database,
    template: MessageTemplate,
    contractor: str | int,
    today: dt.date,
    channel: str = "email",
) -> RenderedMessage:
    """The template as this contractor would get it today (their open items, their language)."""
    contractor_id = views.get_contractor(db, contractor).id
    settings = Snapshot.load(db)
    with db.read() as session:
        state = load_state(session, today, contractor_ids=[contractor_id])
        ids = [i.instalment_id for _n, i in state.items if i.open_minor > 0]
        composer = Composer.load(session, settings)
        composer.overrides[(template.name, template.language)] = template
        composer.recipients(session, [contractor_id])
        recipient = composer.recipient(contractor_id)
        by_id = template_items(session, ids, today)
    items = sorted(by_id.values(), key=lambda i: i.due_date)
    # the preview speaks the template's language, whatever the contractor normally gets
    recipient = replace(recipient, language=template.language)
    return composer.render(template.name, recipient, items, today, channel)
