"""A contractor's credit position for a new invoice: its limit, what is open in the limit's
currency, and the terms :func:`domain.credit_policy.suggest_terms` suggests from its rating."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Firm, Instalment, Invoice
from db.uow import Database
from desktop_app.domain.credit_policy import SuggestedTerms, over_limit, suggest_terms
from desktop_app.domain.money import format_money
from desktop_app.i18n import _
from desktop_app.services import contractors
from desktop_app.services import rating as rating_service


@dataclass(frozen=True, slots=True)
class CreditOutlook:
    contractor_id: int
    name: str
    limit_minor: int | None
    currency: str  # the limit's currency (the home currency when no limit is set)
    open_minor: int  # open in that currency, due or not
    terms: SuggestedTerms

    def over_by(self, new_minor: int, currency: str) -> int:
        """How far a new invoice takes the contractor past its limit (another currency: not)."""
        return over_limit(
            self.limit_minor, self.open_minor, new_minor if currency == self.currency else 0
        )

    def warning(self, new_minor: int, currency: str) -> str | None:
        """The sentence when a new invoice takes the contractor past its limit, else None."""
        over = self.over_by(new_minor, currency)
        if not over or self.limit_minor is None:
            return None
        return _(
            "Warning: {name} would owe {total}, {over} over its credit limit of {limit}"
        ).format(
            name=self.name,
            total=format_money(self.open_minor + new_minor, self.currency),
            over=format_money(over, self.currency),
            limit=format_money(self.limit_minor, self.currency),
        )


def outlook(session: Session, ref: str | int, today: dt.date) -> CreditOutlook:
    contractor = contractors.resolve(session, ref)
    home = session.scalar(select(Firm.home_currency)) or "PLN"
    currency = contractor.credit_limit_currency or home
    open_minor = session.scalar(
        select(func.coalesce(func.sum(Instalment.open_minor), 0))
        .join(Invoice, Invoice.id == Instalment.invoice_id)
        .where(Invoice.contractor_id == contractor.id, Invoice.currency == currency)
    )
    rated = rating_service.ratings(session, today, [contractor.id])[contractor.id]
    terms = suggest_terms(rated.stars, rated.items, contractor.default_terms_days)
    return CreditOutlook(
        contractor.id,
        contractor.name,
        contractor.credit_limit_minor,
        currency,
        int(open_minor or 0),
        terms,
    )


def credit_outlook(db: Database, ref: str | int, today: dt.date) -> CreditOutlook:
    with db.read() as session:
        return outlook(session, ref, today)
