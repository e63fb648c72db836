"""What the contractor card shows about a payer beside its ledger: the rating with its reasons,
the last White List check kept (never asking the registry: that is the "Check now" button) and
the credibility light, which payments came from an account the White List did not list, and
when each open item is expected to be paid."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from db.models import Firm, Payment
from db.uow import Database
from desktop_app.domain import rating
from desktop_app.domain.credibility import Summary, WhiteListEntry, check_as_of, summarize
from desktop_app.domain.credit_policy import SuggestedTerms, suggest_terms
from desktop_app.services import contractors, whitelist
from desktop_app.services import forecast as forecast_service
from desktop_app.services import rating as rating_service


@dataclass(frozen=True, slots=True)
class Insight:
    contractor_id: int
    nip: str | None
    rating: rating.Rating
    #: the rating's explanation, one sentence each
    reasons: tuple[str, ...]
    #: the latest White List check kept for the NIP on or before today (None: never checked)
    entry: WhiteListEntry | None
    summary: Summary
    #: payments from an account that the White List did not list for the NIP on their day
    unlisted_payments: frozenset[int]
    #: the same payments, each with why it is flagged
    unlisted_reasons: dict[int, str]
    #: each open item's expected payment day and risk of being paid over 30 days late
    forecast: tuple[forecast_service.ItemOutlook, ...] = ()
    #: the payment terms to offer it next (prepayment for a new or 1-2-star payer)
    terms: SuggestedTerms | None = None


def insight(db: Database, contractor_id: int, today: dt.date) -> Insight:
    with db.read() as session:
        found = contractors.resolve(session, contractor_id)
        nip, usual_days = found.nip, found.default_terms_days
        home = session.scalar(select(Firm.home_currency)) or "PLN"
        rated = rating_service.ratings(session, today, [contractor_id])[contractor_id]
        debt = whitelist.debt_of(session, contractor_id, today)
        outlook = tuple(forecast_service.for_contractor(session, contractor_id, today))
        kept = whitelist.checks(session, nip) if nip else []
        unlisted = whitelist.unlisted_payments(
            session,
            session.scalars(select(Payment.id).where(Payment.contractor_id == contractor_id)),
        )
    entry = check_as_of(kept, today)
    return Insight(
        contractor_id,
        nip,
        rated,
        tuple(rating.explain(rated)),
        entry,
        summarize(entry, rated, debt, today, home),
        frozenset(unlisted),
        unlisted,
        outlook,
        suggest_terms(rated.stars, rated.items, usual_days),
    )
