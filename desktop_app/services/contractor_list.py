"""The contractors list: search and sort in SQL, rows fetched by id a page at a time.

The GUI model and ``contractor list`` both use this, so the list a user sees on screen and the
one a script gets are the same query.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from db.models import Contractor, ContractorEmail, ContractorPhone
from db.uow import Database
from desktop_app.domain.text import search_key
from desktop_app.services.balances import contractor_balances

SORT_KEYS = ("name", "nip", "city", "open", "overdue", "days")
#: up to this many matches, a search adds up the balances of just those contractors
_FEW = 2000
#: digits with the separators people type in phone numbers and NIPs, and nothing else
_NUMBER_AS_TYPED = re.compile(r"\+?[\d\s\-()/.]+")


@dataclass(frozen=True)
class ContractorRow:
    id: int
    name: str
    nip: str | None
    city: str | None
    email: str | None
    phone: str | None
    currency: str
    open_minor: int
    overdue_minor: int
    max_days_overdue: int


def search_condition(session: Session, text: str) -> ColumnElement[bool] | None:
    """Every word of ``text`` in the name, the city, an e-mail, the NIP or a phone number.

    Names and cities match without regard to case or Polish letters ("plock" finds Płock).
    """
    text = text.strip()
    if not text:
        return None
    if _NUMBER_AS_TYPED.fullmatch(text) and len(re.sub(r"\D", "", text)) >= 3:
        # "22 765 43 21" or "526 025 02 74": one phone number or NIP, not four words
        text = re.sub(r"\D", "", text)
    words = search_key(text).split()
    cities = _cities_containing(session, words)
    conditions: list[ColumnElement[bool]] = []
    for word in words:
        like = f"%{_escape(word)}%"
        word_conditions: list[ColumnElement[bool]] = [
            Contractor.search_name.like(like, escape="\\"),
            exists().where(
                ContractorEmail.contractor_id == Contractor.id,
                func.lower(ContractorEmail.email).like(like, escape="\\"),
            ),
        ]
        if cities[word]:
            word_conditions.append(Contractor.city.in_(cities[word]))
        digits = re.sub(r"\D", "", word)
        if len(digits) >= 3:
            word_conditions.append(Contractor.nip.like(f"%{digits}%"))
            word_conditions.append(
                exists().where(
                    ContractorPhone.contractor_id == Contractor.id,
                    ContractorPhone.phone.like(f"%{digits}%"),
                )
            )
        conditions.append(or_(*word_conditions))
    return and_(*conditions)


def _cities_containing(session: Session, words: Sequence[str]) -> dict[str, list[str]]:
    """The stored spellings of the cities whose search key contains each word.

    A city is folded by the same ``search_key`` as the name, in Python: SQL has no portable
    way to drop diacritics (SQLite's lower() leaves "Ł" alone), and a firm's contractors live
    in far fewer towns than there are contractors, so this needs no extra column.
    """
    stored = session.scalars(select(Contractor.city).where(Contractor.city.is_not(None)).distinct())
    keyed = [(city, search_key(city)) for city in stored if city]
    return {word: [city for city, key in keyed if word in key] for word in words}


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _query(
    today: dt.date, currency: str, contractor_ids: Sequence[int] | None = None
) -> tuple[Select[int], dict[str, ColumnElement[Any]]]:
    balances = contractor_balances(today, currency, contractor_ids=contractor_ids)
    open_col = func.coalesce(balances.c.open, 0)
    overdue_col = func.coalesce(balances.c.overdue, 0)
    oldest = balances.c.oldest_overdue_due
    columns: dict[str, ColumnElement[Any]] = {
        "name": Contractor.search_name.expression,
        "nip": Contractor.nip.expression,
        "city": Contractor.city.expression,
        "open": open_col,
        "overdue": overdue_col,
        # the oldest overdue due date orders by days overdue without date arithmetic in SQL
        "days": func.coalesce(oldest, today),
    }
    query = select(Contractor.id).outerjoin(balances, balances.c.contractor_id == Contractor.id)
    return query, columns


@dataclass(frozen=True)
class ListResult:
    """The ordered ids of a list plus what the listed contractors owe (the status line)."""

    ids: list[int]
    open_minor: int
    overdue_minor: int


def search(
    db: Database,
    *,
    today: dt.date,
    currency: str,
    text: str = "",
    sort: str = "name",
    descending: bool = False,
    overdue_only: bool = False,
    limit: int | None = None,
) -> ListResult:
    """Contractors matching ``text`` (name, city, NIP, e-mail, phone) in the requested order,
    with the open and overdue totals of exactly those rows, from one query."""
    if sort not in SORT_KEYS:
        raise ValueError(f"unknown sort key {sort!r}")
    condition: ColumnElement[bool] | None = None
    matching: list[int] | None = None
    if text.strip():
        # A search usually matches a handful of contractors: find them first, then add up only
        # their invoices instead of the whole ledger (tens of ms instead of a third of a second).
        with db.read() as session:
            condition = search_condition(session, text)
            assert condition is not None  # only an empty text has no condition
            found = list(session.scalars(select(Contractor.id).where(condition).limit(_FEW + 1)))
        if len(found) <= _FEW:
            if not found:
                return ListResult([], 0, 0)
            matching = found
    ids_query, columns = _query(today, currency, matching)
    query = cast(
        "Select[int, int, int]", ids_query.add_columns(columns["open"], columns["overdue"])
    )
    if matching is not None:
        query = query.where(Contractor.id.in_(matching))
    elif condition is not None:
        query = query.where(condition)
    if overdue_only:
        query = query.where(columns["overdue"] > 0)
    key = columns[sort]
    # "days" sorts by the oldest due date, which runs the other way round
    ascending = descending if sort == "days" else not descending
    order = key.asc() if ascending else key.desc()
    query = query.order_by(order, Contractor.search_name, Contractor.id)
    if limit is not None:
        query = query.limit(limit)
    ids: list[int] = []
    open_total = overdue_total = 0
    with db.read() as session:
        for contractor_id, open_minor, overdue_minor in session.execute(query):
            ids.append(contractor_id)
            open_total += int(open_minor)
            overdue_total += int(overdue_minor)
    return ListResult(ids, open_total, overdue_total)


def search_ids(
    db: Database,
    *,
    today: dt.date,
    currency: str,
    text: str = "",
    sort: str = "name",
    descending: bool = False,
    overdue_only: bool = False,
    limit: int | None = None,
) -> list[int]:
    """Contractor ids matching ``text`` (name, city, NIP, e-mail, phone), in the requested order."""
    return search(
        db,
        today=today,
        currency=currency,
        text=text,
        sort=sort,
        descending=descending,
        overdue_only=overdue_only,
        limit=limit,
    ).ids


def fetch_rows(
    db: Database, ids: Sequence[int], *, today: dt.date, currency: str
) -> list[ContractorRow]:
    """Rows for ``ids`` in the same order; used for the visible page of a table."""
    if not ids:
        return []
    balances = contractor_balances(today, currency, contractor_ids=ids)
    first_email = (
        select(ContractorEmail.email)
        .where(ContractorEmail.contractor_id == Contractor.id)
        .order_by(ContractorEmail.position)
        .limit(1)
        .scalar_subquery()
    )
    first_phone = (
        select(ContractorPhone.phone)
        .where(ContractorPhone.contractor_id == Contractor.id)
        .order_by(ContractorPhone.position)
        .limit(1)
        .scalar_subquery()
    )
    query = (
        select(
            Contractor.id,
            Contractor.name,
            Contractor.nip,
            Contractor.city,
            first_email,
            first_phone,
            func.coalesce(balances.c.open, 0),
            func.coalesce(balances.c.overdue, 0),
            balances.c.oldest_overdue_due,
        )
        .outerjoin(balances, balances.c.contractor_id == Contractor.id)
        .where(Contractor.id.in_(list(ids)))
    )
    with db.read() as session:
        found = {
            row[0]: ContractorRow(
                id=row[0],
                name=row[1],
                nip=row[2],
                city=row[3],
                email=row[4],
                phone=row[5],
                currency=currency,
                open_minor=int(row[6]),
                overdue_minor=int(row[7]),
                max_days_overdue=(today - row[8]).days if row[8] else 0,
            )
            for row in session.execute(query)
        }
    return [found[i] for i in ids if i in found]
