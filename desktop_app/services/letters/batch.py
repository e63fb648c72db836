"""A letter to each debtor that matches a filter, and the registered-mail list of the batch."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Activity, Contractor
from db.uow import Database
from desktop_app import labels
from desktop_app.domain.letter_rules import (
    days_late,
)
from desktop_app.i18n import _
from desktop_app.letters.model import (
    LetterKind,
)
from desktop_app.letters.texts import LetterTemplate
from desktop_app.services.letters.build import (
    Built,
    InterestSources,
    LetterRefusedError,
    LetterRequest,
    build_letter,
    firm_of,
)
from desktop_app.services.letters.write import (
    WrittenLetters,
    with_euro_rates,
    write_letters,
)

# -- batches -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchRequest:
    today: dt.date
    min_days: int
    min_amount_minor: int
    currency: str = "PLN"
    kind: LetterKind = "demand"
    registered: bool = False


def batch_contractors(session: Session, request: BatchRequest) -> list[int]:
    """Contractors owing at least ``min_amount`` in ``currency`` that has been overdue for at
    least ``min_days`` days (after Art. 115 KC), whose collection is not paused; by name (as the
    contractor list sorts it, diacritics aside)."""
    from desktop_app.services.balances import open_items

    items = open_items(request.today)
    rows = session.execute(
        select(items.c.contractor_id, items.c.open, items.c.due_date).where(
            items.c.currency == request.currency, items.c.due_date < request.today
        )
    )
    owed: dict[int, int] = {}
    for contractor_id, open_minor, due in rows:
        if days_late(due, request.today) >= request.min_days:
            owed[contractor_id] = owed.get(contractor_id, 0) + int(open_minor)
    wanted = [cid for cid, total in owed.items() if total >= request.min_amount_minor]
    if not wanted:
        return []
    contractors = session.scalars(
        select(Contractor).where(Contractor.id.in_(wanted)).order_by(Contractor.search_name)
    )
    return [
        c.id
        for c in contractors
        if c.collection_paused_until is None or c.collection_paused_until < request.today
    ]


def build_batch(
    session: Session, request: BatchRequest, sources: InterestSources
) -> tuple[list[Built], list[str]]:
    """A letter for each matching contractor; the ones refused are named with their reason."""
    firm = firm_of(session)
    built: list[Built] = []
    refused: list[str] = []
    templates: dict[tuple[str, str], LetterTemplate] = {}
    matching = batch_contractors(session, request)
    already = written_on(session, matching, request.kind, request.today)
    for contractor_id in matching:
        if contractor_id in already:
            name, reference = already[contractor_id]
            refused.append(
                _("{name}: {document} {reference} was already written today").format(
                    name=name, document=labels.document(request.kind), reference=reference
                )
            )
            continue
        letter_request = LetterRequest(
            request.kind, contractor_id, request.today, registered=request.registered
        )
        try:
            built.append(
                build_letter(session, letter_request, sources, firm=firm, templates=templates)
            )
        except LetterRefusedError as exc:
            refused.append(exc.message)
    return built, refused


def written_on(
    session: Session, contractor_ids: list[int], kind: LetterKind, day: dt.date
) -> dict[int, tuple[str, str]]:
    """The contractors among ``contractor_ids`` who got a letter of this kind dated ``day``
    (name, the letter's reference): a batch run again the same day (with a lower amount, say)
    adds the debtors it did not reach, and never writes one a second demand."""
    if not contractor_ids:
        return {}
    rows = session.execute(
        select(Activity.contractor_id, Contractor.name, Activity.data)
        .join(Contractor, Contractor.id == Activity.contractor_id)
        .where(Activity.contractor_id.in_(contractor_ids), Activity.kind == "letter")
    )
    return {
        contractor_id: (name, str(data.get("reference", "")))
        for contractor_id, name, data in rows
        if data and data.get("document") == kind and data.get("sent_on") == day.isoformat()
    }


def postbook_path(out: Path) -> Path:
    """FILE.pdf -> FILE-ksiazka.pdf beside it (the registered-mail list of a batch)."""
    return out.with_name(f"{out.stem}-ksiazka{out.suffix or '.pdf'}")


def write_batch(
    db: Database,
    request: BatchRequest,
    sources: InterestSources,
    out: Path,
    *,
    actor: str | None = None,
) -> tuple[WrittenLetters, list[str]]:
    refused: list[str] = []

    def build(with_sources: InterestSources) -> list[Built]:
        with db.read() as session:
            letters, refused[:] = build_batch(session, request, with_sources)
        return letters

    built = with_euro_rates(db, build(sources), build)
    if not built and refused:
        raise LetterRefusedError(
            _("No letter written: {reasons}").format(reasons="; ".join(refused)),
            field="min-amount",
        )
    if not built:
        raise LetterRefusedError(
            _("No contractor matches: nobody owes that much for that long"), field="min-amount"
        )
    written = write_letters(db, built, out, postbook=postbook_path(out.resolve()), actor=actor)
    return written, refused
