"""Rendering letters and recording them: the templates and the PDF outside any transaction,
the activity rows in one, the file put in place only after they are committed; a letter whose
compensation lacks a euro rate is built again once NBP was asked."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from db.uow import Database
from desktop_app.domain.compensation import (
    MissingEurRateError,
    rate_day,
)
from desktop_app.domain.money import decimal_str
from desktop_app.errors import ValidationError
from desktop_app.i18n import N_, _
from desktop_app.letters.model import (
    LetterData,
)
from desktop_app.letters.pdf import render_pdf
from desktop_app.letters.postbook import PostbookEntry, render_postbook
from desktop_app.letters.texts import LetterText, render_text
from desktop_app.services import activity
from desktop_app.services.late_payment import ensure_eur_rates
from desktop_app.services.letters.build import (
    REGISTERED,
    Built,
    InterestSources,
    LetterRequest,
    build_letter,
)
from desktop_app.services.rates import eur_rates_in, interest_tables_in


@dataclass(frozen=True)
class WrittenLetters:
    path: Path
    letters: tuple[LetterData, ...]
    warnings: tuple[str, ...]
    postbook: Path | None = None


# -- rendering and recording ---------------------------------------------------------------


def render(built: Sequence[Built]) -> list[tuple[LetterData, LetterText]]:
    """Each letter's words from its template (the contractor's language), on the sandbox budget."""
    return [(b.letter, render_text(b.template, b.letter)) for b in built]


_SUMMARY = N_("Letter {document} {reference} written, claiming {amount} {currency}")
_SUMMARY_REGISTERED = N_(
    "Letter {document} {reference} sent by registered mail, claiming {amount} {currency}"
)


def _record(
    session: Session,
    built: Built,
    actor: str | None,
    extra: Mapping[str, object] | None = None,
    at: dt.datetime | None = None,
) -> None:
    letter = built.letter
    first = letter.totals[0] if letter.totals else None
    amount = (
        first.principal if letter.kind == "balance" and first else first.total if first else None
    )
    data = {
        "document": letter.kind,
        "reference": letter.reference,
        "sent_on": letter.date.isoformat(),
        "registered": letter.registered,
        "amount": decimal_str(amount.minor, amount.currency) if amount else "0",
        "currency": amount.currency if amount else "",
        "invoices": sorted({i.number for i in letter.items}),
        "deadline": letter.deadline.isoformat() if letter.deadline else None,
    }
    if letter.bureau is not None:
        data["bureau"] = letter.bureau.key
    data.update(extra or {})
    activity.record(
        session,
        contractor_id=built.contractor_id,
        kind="letter",
        channel=REGISTERED if letter.registered else "print",
        summary=_SUMMARY_REGISTERED if letter.registered else _SUMMARY,
        actor=actor,
        data=data,
        at=at,
    )


def record_letter(
    session: Session,
    built: Built,
    actor: str | None,
    extra: Mapping[str, object] | None = None,
    *,
    at: dt.datetime | None = None,
) -> None:
    """Put ``built`` in the contractor's activity log (``extra`` adds to its data, e.g. the
    queued letter's id so the log can open its PDF); ``at`` (naive UTC) when it is not now."""
    _record(session, built, actor, extra, at)


def _check_target(target: Path) -> None:
    """A new file or a file to replace in a folder that exists; never a folder or a device (the
    PDF is moved over the target, and moving over /dev/null would replace the device)."""
    if not target.parent.is_dir():
        raise ValidationError(
            _("--out: the folder {folder} does not exist").format(folder=str(target.parent)),
            field="out",
        )
    if target.exists() and not target.is_file():
        raise ValidationError(
            _("--out: {path} is not a file that a letter can replace").format(path=str(target)),
            field="out",
        )


def _temporary_beside(target: Path) -> Path:
    handle, name = tempfile.mkstemp(prefix=".inkaso-", suffix=".pdf", dir=target.parent)
    os.close(handle)
    return Path(name)


def write_letters(
    db: Database,
    built: Sequence[Built],
    out: Path,
    *,
    postbook: Path | None = None,
    actor: str | None = None,
) -> WrittenLetters:
    """Render ``built`` into ``out`` (one PDF), record each letter, then put the file in place."""
    out = out.resolve()
    for target in (out, postbook):
        if target is not None:
            _check_target(target)
    rendered = render(built)
    temp = _temporary_beside(out)
    book_temp: Path | None = None
    try:
        render_pdf(rendered, temp)
        if postbook is not None:
            book_temp = _temporary_beside(postbook)
            render_postbook(
                _postbook_entries(built), built[0].letter.creditor, built[0].letter.date, book_temp
            )
        with db.write() as session:
            for b in built:
                _record(session, b, actor)
        temp.replace(out)
        if book_temp is not None and postbook is not None:
            book_temp.replace(postbook)
    except OSError as exc:
        raise ValidationError(
            _("--out: cannot write {path}: {reason}").format(
                path=str(out), reason=exc.strerror or exc
            ),
            field="out",
        ) from exc
    finally:
        for leftover in (temp, book_temp):
            if leftover is not None:
                leftover.unlink(missing_ok=True)
    warnings = tuple(dict.fromkeys(w for b in built for w in b.warnings))
    return WrittenLetters(out, tuple(b.letter for b in built), warnings, postbook)


def _postbook_entries(built: Sequence[Built]) -> list[PostbookEntry]:
    return [
        PostbookEntry(b.letter.debtor.name, b.letter.debtor.address, b.letter.reference)
        for b in built
    ]


def load_sources(db: Database) -> InterestSources:
    """The merged rate tables (shipped rows and the user's) that letters read."""
    with db.read() as session:
        return InterestSources(interest_tables_in(session), eur_rates_in(session))


def with_euro_rates(
    db: Database, built: Sequence[Built], rebuild: Callable[[InterestSources], list[Built]]
) -> list[Built]:
    """Letters whose compensation lacked a euro rate are built again once NBP was asked for the
    month ends they need (``ensure_eur_rates``: once each, not again after NBP failed); what is
    still missing stays a warning on the letter."""
    missing = sorted({day for b in built for day in b.missing_eur})
    if not missing or len(ensure_eur_rates(db, missing)) == len({rate_day(d) for d in missing}):
        return list(built)
    return rebuild(load_sources(db))


def _refuse_without_rates(built: Built) -> None:
    if built.letter.kind == "compensation" and built.missing_eur:
        raise MissingEurRateError(rate_day(built.missing_eur[0]))


def write_letter(
    db: Database,
    request: LetterRequest,
    sources: InterestSources,
    out: Path,
    *,
    actor: str | None = None,
) -> WrittenLetters:
    """``inkaso letter KIND``: one letter to ``out``, refused (no file) when it may not be written."""

    def build(with_sources: InterestSources) -> list[Built]:
        with db.read() as session:
            return [build_letter(session, request, with_sources)]

    built = with_euro_rates(db, build(sources), build)
    _refuse_without_rates(built[0])
    return write_letters(db, built, out, actor=actor)
