"""Rate tables: the ones shipped in resources/rates with the user's rows merged over them.

The shipped files carry each row's source and status ([V]/[D]/[U], DOMAIN.md); the ``rate``
table holds what the user added (the next half-year's rate, a euro rate typed in offline) and
the euro rates fetched from NBP. A user's row for the same kind and day replaces the shipped
one; the table is known as far as either reaches (desktop_app.domain.rates).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Rate
from db.uow import Database
from desktop_app.domain.dates import check_date
from desktop_app.domain.rates import (
    RateKind,
    RateRow,
    RateTable,
    Status,
    build_table,
    check_rate_value,
    check_row_start,
)
from desktop_app.errors import NotFoundError, ValidationError
from desktop_app.i18n import _
from desktop_app.services import audit
from resources import resource_path

#: rates are stored as ten-thousandths: NBP quotes the euro to 4 places, interest to 2
_SCALE = 4
_SOURCE_MAX = 300


@dataclass(frozen=True)
class ShippedTable:
    rows: tuple[RateRow, ...]
    checked_until: dt.date | None


@dataclass(frozen=True)
class ListedRate:
    kind: RateKind
    row: RateRow
    #: a shipped row the user's row of the same day replaces
    replaced: bool = False


def parse_rate(text: str) -> Decimal:
    """A rate as typed: "15.75", "15,75", "4.3191"; at most four decimal places."""
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise ValidationError(_("Not a rate: {text}").format(text=text), field="rate") from None
    if not value.is_finite() or value.as_tuple().exponent < -_SCALE:  # type: ignore[operator]
        raise ValidationError(
            _("A rate has at most four decimal places: {text}").format(text=text), field="rate"
        )
    return value


@lru_cache(maxsize=8)
def shipped(kind: RateKind) -> ShippedTable:
    """The table shipped with Inkaso for ``kind`` (read once per process)."""
    data: dict[str, Any] = json.loads(
        resource_path("rates", f"{kind.value}.json").read_text(encoding="utf-8")
    )
    rows = tuple(
        RateRow(
            dt.date.fromisoformat(item["from"]),
            Decimal(item["rate"]),
            item.get("source", ""),
            Status(item["status"]),
        )
        for item in data["rows"]
    )
    checked = data.get("checked_until")
    return ShippedTable(rows, dt.date.fromisoformat(checked) if checked else None)


def _added_rows(session: Session, kind: RateKind) -> list[RateRow]:
    found = session.scalars(select(Rate).where(Rate.kind == kind.value).order_by(Rate.start))
    return [_row(r) for r in found]


def _row(rate: Rate) -> RateRow:
    return RateRow(
        rate.start, _from_e4(rate.rate_e4), rate.source, Status(rate.status), added_by_user=True
    )


def _from_e4(e4: int) -> Decimal:
    """15.75 from 157500 and 4.3191 from 43191: two places at least, as the tables write them."""
    value = Decimal(e4).scaleb(-_SCALE)
    hundredths = value.quantize(Decimal("0.01"))
    return hundredths if hundredths == value else value.normalize()


def table_in(session: Session, kind: RateKind) -> RateTable:
    """The merged table for ``kind`` in the caller's transaction."""
    base = shipped(kind)
    return build_table(
        kind, base.rows, checked_until=base.checked_until, added=_added_rows(session, kind)
    )


def interest_tables_in(session: Session) -> dict[str, RateTable]:
    """Every interest table by the interest kind that reads it (letters take them all at once)."""
    return {kind.value: table_in(session, kind) for kind in RateKind if kind is not RateKind.EUR}


def eur_rates_in(session: Session) -> dict[dt.date, Decimal]:
    """Every known NBP euro mid rate by its day (shipped, fetched and typed in)."""
    return {row.start: row.rate for row in table_in(session, RateKind.EUR).rows}


def rate_table(db: Database, kind: RateKind) -> RateTable:
    with db.read() as session:
        return table_in(session, kind)


def list_rates(db: Database, kinds: Iterable[RateKind] | None = None) -> list[ListedRate]:
    """Every row of the chosen tables, shipped and added, by kind and day."""
    listed: list[ListedRate] = []
    with db.read() as session:
        for kind in kinds or RateKind:
            added = {row.start: row for row in _added_rows(session, kind)}
            for row in shipped(kind).rows:
                listed.append(ListedRate(kind, row, replaced=row.start in added))
            listed.extend(ListedRate(kind, row) for row in added.values())
    listed.sort(
        key=lambda item: (list(RateKind).index(item.kind), item.row.start, item.row.added_by_user)
    )
    return listed


def add_rate(
    db: Database,
    kind: RateKind,
    start: dt.date,
    rate: Decimal,
    *,
    source: str = "",
    status: Status = Status.VERIFIED,
) -> RateRow:
    """Add (or correct) the user's rate of ``kind`` from ``start``; one call, one transaction."""
    row = check_rate(kind, start, rate, source=source, status=status)
    with db.write() as session:
        store_rates(session, kind, [row])
        audit.record(
            session,
            kind="rate",
            target=f"{kind.value} {start.isoformat()}",
            action="add",
            after={"rate": str(rate), "source": row.source, "status": str(row.status)},
        )
    return row


def remove_rate(db: Database, kind: RateKind, start: dt.date) -> None:
    """Remove the user's row of ``kind`` from ``start`` (a shipped row, if any, applies again)."""
    with db.write() as session:
        stored = session.scalars(
            select(Rate).where(Rate.kind == kind.value, Rate.start == start)
        ).one_or_none()
        if stored is None:
            raise NotFoundError(
                _("No {kind} rate from {date} was added; shipped rates cannot be removed").format(
                    kind=kind.value, date=start.isoformat()
                ),
                field="from",
            )
        session.delete(stored)
        audit.record(
            session,
            kind="rate",
            target=f"{kind.value} {start.isoformat()}",
            action="remove",
            before={"rate": str(_from_e4(stored.rate_e4)), "source": stored.source},
        )


def check_rate(
    kind: RateKind,
    start: dt.date,
    rate: Decimal,
    *,
    source: str = "",
    status: Status = Status.VERIFIED,
) -> RateRow:
    check_date(start, "from")
    check_row_start(kind, start)
    check_rate_value(kind, rate)
    if rate.as_tuple().exponent < -_SCALE:  # type: ignore[operator]
        raise ValidationError(
            _("A rate has at most four decimal places: {text}").format(text=str(rate)),
            field="rate",
        )
    text = source.strip()
    if len(text) > _SOURCE_MAX:
        raise ValidationError(
            _("The source is too long (at most {limit} characters)").format(limit=_SOURCE_MAX),
            field="source",
        )
    return RateRow(start, rate, text or _("entered by the user"), status, added_by_user=True)


def store_rates(session: Session, kind: RateKind, rows: Iterable[RateRow]) -> None:
    """Write checked rows in the caller's transaction; a row for a stored day replaces it."""
    for row in rows:
        e4 = int(row.rate.scaleb(_SCALE))
        stored = session.scalars(
            select(Rate).where(Rate.kind == kind.value, Rate.start == row.start)
        ).one_or_none()
        if stored is None:
            session.add(
                Rate(
                    kind=kind.value,
                    start=row.start,
                    rate_e4=e4,
                    source=row.source,
                    status=row.status.value,
                )
            )
        else:
            stored.rate_e4 = e4
            stored.source = row.source
            stored.status = row.status.value
