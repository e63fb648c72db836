"""What a late payer owes beyond the amount: interest and compensation, with the rates they need.

Both use cases read the merged rate tables (desktop_app.services.rates) and call the one domain
rule each (desktop_app.domain.interest, desktop_app.domain.compensation). Compensation may need
a euro rate nobody stored yet: it is fetched from NBP (setting ``rates.nbp_url``) and kept, so
the next letter and an offline office find it; with NBP out of reach the user is told which
day's rate to enter by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from db.uow import Database
from desktop_app.domain.compensation import (
    Compensation,
    MissingEurRateError,
    compensation_for,
    rate_day,
    rate_window,
)
from desktop_app.domain.interest import InterestKind, InterestResult, Payment, interest_for
from desktop_app.domain.rates import RateKind
from desktop_app.errors import InkasoError
from desktop_app.i18n import _
from desktop_app.services import nbp
from desktop_app.services.rates import store_rates, table_in
from desktop_app.settings import KEYS, get_value


class EurRateUnavailableError(InkasoError):
    """The euro rate a compensation needs is not stored and NBP could not give it."""


def interest(
    db: Database,
    amount_minor: int,
    currency: str,
    due_date: dt.date,
    *,
    until: dt.date,
    kind: InterestKind,
    payments: Iterable[Payment] = (),
    contract_rate: Decimal | None = None,
) -> InterestResult:
    """Interest on one amount with the rate table of ``kind`` (shipped rows + the user's)."""
    table_kind = kind.table_kind
    table = None
    if table_kind is not None:
        with db.read() as session:
            table = table_in(session, table_kind)
    return interest_for(
        amount_minor,
        currency,
        due_date,
        until=until,
        kind=kind,
        rates=table,
        payments=payments,
        contract_rate=contract_rate,
    )


def compensation(
    db: Database,
    amount_minor: int,
    due_date: dt.date,
    *,
    business_debtor: bool = True,
    eur_rate: Decimal | None = None,
) -> Compensation | None:
    """The 40/70/100 EUR owed for one invoice of ``amount_minor`` grosze due on ``due_date``.

    ``eur_rate`` given: that rate stands for the month end's (the user looked it up). Else the
    stored rate, else NBP's, fetched and stored; else the error that says which day to enter.
    """
    if eur_rate is not None:
        return compensation_for(
            amount_minor,
            due_date,
            business_debtor=business_debtor,
            eur_rates={rate_day(due_date): eur_rate},
        )
    if not business_debtor or amount_minor <= 0:
        return None
    missing = ensure_eur_rates(db, [due_date])
    if missing:
        raise missing[0]
    first, last = rate_window(due_date)
    return compensation_for(
        amount_minor,
        due_date,
        business_debtor=business_debtor,
        eur_rates=stored_eur_rates(db, first, last),
    )


def ensure_eur_rates(db: Database, due_dates: Iterable[dt.date]) -> list[InkasoError]:
    """Fetch from NBP, and keep, the month-end euro rates these due dates need and nobody stored.

    For a batch of letters before it is built: each month end is asked for once, and after NBP
    could not be reached it is not asked again (an offline office would wait for every month).
    Returns what stays missing, one error per month end, each naming the day to enter by hand.
    """
    windows = sorted({rate_window(due) for due in due_dates})
    if not windows:
        return []
    with db.read() as session:
        stored = {row.start for row in table_in(session, RateKind.EUR).rows}
    fetch = bool(get_value(db, "rates.fetch"))
    url = str(get_value(db, "rates.nbp_url")) or str(KEYS["rates.nbp_url"].default)
    problems: list[InkasoError] = []
    offline: nbp.NbpUnavailableError | None = None
    for first, last in windows:
        if any(first <= day <= last for day in stored):
            continue
        if not fetch:
            problems.append(MissingEurRateError(last))
            continue
        if offline is None:
            try:
                fetched = nbp.fetch_eur_rates(url, first, last)
            except nbp.NbpUnavailableError as exc:
                offline = exc
            else:
                if fetched:
                    with db.write() as session:
                        store_rates(session, RateKind.EUR, fetched)
                    continue
                problems.append(_none_published(first, last))
                continue
        problems.append(_offline(last, offline))
    return problems


def _offline(day: dt.date, exc: nbp.NbpUnavailableError) -> EurRateUnavailableError:
    return EurRateUnavailableError(
        _(
            "The NBP euro rate of {date} is not stored and NBP could not be asked ({problem}): "
            "enter it with 'inkaso rates add --kind eur --from {date} --rate R'"
        ).format(date=day.isoformat(), problem=exc.message),
        field="eur-rate",
    )


def _none_published(first: dt.date, last: dt.date) -> EurRateUnavailableError:
    return EurRateUnavailableError(
        _(
            "NBP published no euro rate from {first} to {last}: enter the rate of {date} "
            "with 'inkaso rates add --kind eur --from {date} --rate R'"
        ).format(first=first.isoformat(), last=last.isoformat(), date=last.isoformat()),
        field="eur-rate",
    )


def stored_eur_rates(db: Database, first: dt.date, last: dt.date) -> dict[dt.date, Decimal]:
    """Euro rates from ``first`` to ``last``, the stored ones over the shipped ones."""
    with db.read() as session:
        table = table_in(session, RateKind.EUR)
    return {row.start: row.rate for row in table.rows if first <= row.start <= last}
