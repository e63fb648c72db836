"""Credit policy: how far a new invoice takes a contractor past its credit limit, and the payment
terms to offer it.

The limit is kept in one currency (the contractor's ``credit_limit_currency``, the home currency
by default) and compared with what is open in that currency only: amounts in other currencies
are not converted (a rate would make the warning move with the exchange market).
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.i18n import _, ngettext

#: at most this many stars and the suggested terms are prepayment
PREPAYMENT_STARS = 2


def over_limit(limit_minor: int | None, open_minor: int, new_minor: int) -> int:
    """How much open + the new invoice would exceed the limit by (0: within it, or no limit)."""
    if limit_minor is None or new_minor <= 0:
        return 0
    return max(0, open_minor + new_minor - limit_minor)


@dataclass(frozen=True, slots=True)
class SuggestedTerms:
    prepayment: bool
    days: int  # payment terms in days from the issue date (0 with prepayment)
    reason: str


def suggest_terms(stars: int | None, items: int, usual_days: int) -> SuggestedTerms:
    """Prepayment for a contractor with no payment history at all or rated 1-2 stars; its usual
    terms otherwise (too little history to be rated is not a reason to refuse credit)."""
    if items == 0:
        return SuggestedTerms(
            True, 0, _("prepayment: a new contractor, with no payment history yet")
        )
    if stars is not None and stars <= PREPAYMENT_STARS:
        reason = ngettext(
            "prepayment: rated {n} star, it pays late",
            "prepayment: rated {n} stars, it pays late",
            stars,
        ).format(n=stars)
        return SuggestedTerms(True, 0, reason)
    if stars is None:
        reason = ngettext(
            "the usual {days} day: not rated yet, nothing speaks against it",
            "the usual {days} days: not rated yet, nothing speaks against it",
            usual_days,
        ).format(days=usual_days)
        return SuggestedTerms(False, usual_days, reason)
    reason = ngettext(
        "the usual {days} day: rated {n} of 5 stars",
        "the usual {days} days: rated {n} of 5 stars",
        usual_days,
    ).format(days=usual_days, n=stars)
    return SuggestedTerms(False, usual_days, reason)
