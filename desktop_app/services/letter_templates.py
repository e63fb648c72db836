"""The owner's wording of letters: stored over the shipped templates, tried before it is saved.

An edited template is a row of the message-template table named ``letters/<kind>`` (its subject
is the letter's title); the e-mail template editor leaves these rows alone. Saving renders the
template on a made-up letter in the sandbox first, so a typo, a forbidden construct or a loop
without end is refused with its line instead of stopping a batch of letters later.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import MessageTemplate as TemplateRow
from db.models import utcnow
from db.uow import Database
from desktop_app.errors import NotFoundError, ValidationError
from desktop_app.i18n import LANGUAGES, _
from desktop_app.letters.model import KINDS
from desktop_app.letters.sample import sample_letter
from desktop_app.letters.texts import LetterTemplate, render_text, shipped_template
from desktop_app.services import audit

PREFIX = "letters/"


def _name(kind: str) -> str:
    return PREFIX + kind


def _check(kind: str, language: str) -> None:
    if kind not in KINDS:
        raise ValidationError(_("Unknown letter {kind}").format(kind=kind), field="kind")
    if language not in LANGUAGES:
        raise ValidationError(_("Unsupported language {lang}").format(lang=language))


def _row(session: Session, kind: str, language: str) -> TemplateRow | None:
    return session.scalar(
        select(TemplateRow).where(TemplateRow.name == _name(kind), TemplateRow.language == language)
    )


def template_in(session: Session, kind: str, language: str) -> LetterTemplate:
    """The owner's wording of ``kind`` in ``language``, else the shipped one."""
    _check(kind, language)
    row = _row(session, kind, language)
    if row is None:
        return shipped_template(kind, language)
    return LetterTemplate(
        kind, language, row.subject or shipped_template(kind, language).title, row.body
    )


def get_letter_template(db: Database, kind: str, language: str) -> tuple[LetterTemplate, bool]:
    """The template and whether it is the owner's own."""
    with db.read() as session:
        return template_in(session, kind, language), _row(session, kind, language) is not None


def save_letter_template(db: Database, template: LetterTemplate) -> None:
    _check(template.kind, template.language)
    render_text(template, sample_letter(template.kind, template.language))  # type: ignore[arg-type]
    with db.write() as session:
        row = _row(session, template.kind, template.language)
        if row is None:
            row = TemplateRow(name=_name(template.kind), language=template.language, body="")
            session.add(row)
        before = {"title": row.subject, "body": row.body or None}
        row.subject = template.title
        row.body = template.body
        row.updated_at = utcnow()
        audit.record(
            session,
            kind="letter_template",
            target=f"{template.kind} ({template.language})",
            action="update",
            before=before,
            after={"title": template.title, "body": template.body},
        )


def revert_letter_template(db: Database, kind: str, language: str) -> None:
    _check(kind, language)
    with db.write() as session:
        row = _row(session, kind, language)
        if row is None:
            raise NotFoundError(
                _("The letter {kind} in {lang} has the shipped wording").format(
                    kind=kind, lang=language
                )
            )
        session.delete(row)
        audit.record(
            session, kind="letter_template", target=f"{kind} ({language})", action="revert"
        )
