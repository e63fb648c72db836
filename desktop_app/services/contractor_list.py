"""The contractors list: search and sort in SQL, rows fetched by id a page at a time.

The GUI model and ``contractor list`` both use this, so the list a user sees on screen and the
one a script gets are the same query.

Every currency a contractor owes in is shown and counted; amounts of different currencies are
never added up. Sorting by an amount sorts by the home currency's amount, then by the largest
amount in another currency: Inkaso keeps no exchange rates, and converting at an invented rate
would order the list by a number nobody sees. So those who owe only euros come after those who
owe złoty, ordered by their euros, and still before those who owe nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    String,
    Subquery,
    and_,
    case,
    cast,
    exists,
    func,
    not_,
    or_,
    select,
)
from sqlalchemy.orm import Session, aliased

from db.models import Contractor, ContractorEmail, ContractorPhone, WhiteListCheck
from db.uow import Database
from desktop_app.domain.credibility import ACTIVE, EXEMPT, FRESH_DAYS, Light, WhiteListEntry
from desktop_app.domain.receivables import Balance
from desktop_app.domain.text import search_key
from desktop_app.services.balances import contractor_balances, contractor_credits
from desktop_app.services.whitelist import latest_checks

SORT_KEYS = ("name", "nip", "city", "open", "overdue", "days", "whitelist")
#: the White List column's order: the worst light first, never checked last
WHITELIST_RANK = {Light.RED: 0, Light.AMBER: 1, Light.GREEN: 2, None: 3}
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
    #: the home currency: its balance comes first and orders the list
    currency: str
    #: one per currency with something open or some credit, the home currency first
    balances: tuple[Balance, ...]
    #: the oldest overdue instalment's days, whatever its currency
    max_days_overdue: int
    #: the latest White List answer kept for the NIP (None: never checked)
    whitelist: WhiteListEntry | None = None

    def balance(self, currency: str) -> Balance:
        return next((b for b in self.balances if b.currency == currency), Balance(currency))

    def sort_key(self, amount: str) -> tuple[int, int]:
        """What an ``open`` or ``overdue`` column orders this row by (as the SQL does)."""
        home = getattr(self.balance(self.currency), amount)
        others = (getattr(b, amount) for b in self.balances if b.currency != self.currency)
        return home, max(others, default=0)


@dataclass(frozen=True)
class CurrencyTotal:
    currency: str
    open_minor: int = 0
    overdue_minor: int = 0


def _home_first(currency: str, home: str) -> tuple[bool, str]:
    return currency != home, currency


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


def latest_check(nip: Any) -> tuple[type[WhiteListCheck], ColumnElement[bool]]:
    """The latest kept White List check of ``nip`` (a column) and the condition to outer-join
    it on: the day found through the (nip, day) index per contractor, not by grouping every
    check kept."""
    check = aliased(WhiteListCheck, name="latest_check")
    earlier = aliased(WhiteListCheck, name="any_check")
    last = select(func.max(earlier.checked_on)).where(earlier.nip == nip).scalar_subquery()
    return check, and_(check.nip == nip, check.checked_on == last)


def whitelist_rank(check: type[WhiteListCheck], today: dt.date) -> ColumnElement[int]:
    """:data:`WHITELIST_RANK` of ``domain.credibility.registry_summary(...).light`` for the
    latest check (outer-joined: no row, never checked), in SQL to sort the whole list by it;
    kept equal to the domain by a property test (tests/integration/test_whitelist_column.py)."""
    no_accounts = or_(check.accounts.is_(None), cast(check.accounts, String).in_(["[]", "null"]))
    return case(
        (check.id.is_(None), WHITELIST_RANK[None]),
        (not_(check.found), WHITELIST_RANK[Light.RED]),
        (
            or_(check.status_vat.is_(None), check.status_vat.not_in([ACTIVE, EXEMPT])),
            WHITELIST_RANK[Light.RED],
        ),
        (
            or_(
                check.status_vat == EXEMPT,
                no_accounts,
                check.checked_on < today - dt.timedelta(days=FRESH_DAYS),
            ),
            WHITELIST_RANK[Light.AMBER],
        ),
        else_=WHITELIST_RANK[Light.GREEN],
    )


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _per_contractor(
    today: dt.date, home: str, contractor_ids: Sequence[int] | None = None
) -> Subquery:
    """Per contractor who owes anything: the sort keys (the home currency's amount, the largest
    other one), the oldest overdue due date, and the other currencies' amounts as
    "EUR 26892 26892,USD 100 0" (currency, open, overdue) for the totals of the list."""
    balances = contractor_balances(today, contractor_ids=contractor_ids)
    b = balances.c
    is_home = b.currency == home
    owed_elsewhere = b.currency + " " + cast(b.open, String) + " " + cast(b.overdue, String)
    return (
        select(
            b.contractor_id,
            func.sum(case((is_home, b.open), else_=0)).label("open_home"),
            func.max(case((is_home, 0), else_=b.open)).label("open_other"),
            func.sum(case((is_home, b.overdue), else_=0)).label("overdue_home"),
            func.max(case((is_home, 0), else_=b.overdue)).label("overdue_other"),
            func.min(b.oldest_overdue_due).label("oldest"),
            func.aggregate_strings(case((is_home, None), else_=owed_elsewhere), ",").label(
                "elsewhere"
            ),
        )
        .group_by(b.contractor_id)
        .subquery("per_contractor")
    )


@dataclass(frozen=True)
class ListResult:
    """The ordered ids of a list plus what the listed contractors owe in each currency (the
    status line): the home currency first, always, then every other one owed."""

    ids: list[int]
    totals: tuple[CurrencyTotal, ...]


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
    with the open and overdue totals of exactly those rows, from one query. ``currency`` is the
    home currency (see the module's docstring for how amounts sort)."""
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
                return ListResult([], (CurrencyTotal(currency),))
            matching = found
    per_contractor = _per_contractor(today, currency, matching)
    per = per_contractor.c

    def owed(column: ColumnElement[Any]) -> ColumnElement[Any]:
        return func.coalesce(column, 0)

    keys: dict[str, tuple[ColumnElement[Any], ...]] = {
        "name": (Contractor.search_name.expression,),
        "nip": (Contractor.nip.expression,),
        "city": (Contractor.city.expression,),
        "open": (owed(per.open_home), owed(per.open_other)),
        "overdue": (owed(per.overdue_home), owed(per.overdue_other)),
        # the oldest overdue due date orders by days overdue without date arithmetic in SQL
        "days": (func.coalesce(per.oldest, today),),
    }
    query = select(
        Contractor.id, owed(per.open_home), owed(per.overdue_home), per.elsewhere
    ).outerjoin(per_contractor, per.contractor_id == Contractor.id)
    if sort == "whitelist":
        check, on = latest_check(Contractor.nip)
        keys["whitelist"] = (whitelist_rank(check, today),)
        query = query.outerjoin(check, on)
    if matching is not None:
        query = query.where(Contractor.id.in_(matching))
    elif condition is not None:
        query = query.where(condition)
    if overdue_only:
        query = query.where(or_(per.overdue_home > 0, per.overdue_other > 0))
    # "days" sorts by the oldest due date, which runs the other way round
    ascending = descending if sort == "days" else not descending
    order = [key.asc() if ascending else key.desc() for key in keys[sort]]
    query = query.order_by(*order, Contractor.search_name, Contractor.id)
    if limit is not None:
        query = query.limit(limit)
    ids: list[int] = []
    totals: dict[str, list[int]] = {currency: [0, 0]}
    home = totals[currency]
    with db.read() as session:
        for contractor_id, open_minor, overdue_minor, elsewhere in session.execute(query):
            ids.append(contractor_id)
            home[0] += int(open_minor)
            home[1] += int(overdue_minor)
            for part in elsewhere.split(",") if elsewhere else ():
                other, open_text, overdue_text = part.split(" ")
                acc = totals.setdefault(other, [0, 0])
                acc[0] += int(open_text)
                acc[1] += int(overdue_text)
    return ListResult(
        ids,
        tuple(
            CurrencyTotal(cur, *totals[cur])
            for cur in sorted(totals, key=lambda cur: _home_first(cur, currency))
        ),
    )


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
    """Rows for ``ids`` in the same order, with every currency's balance and credit; used for
    the visible page of a table. ``currency`` is the home currency, shown first."""
    if not ids:
        return []
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
    people = select(
        Contractor.id,
        Contractor.name,
        Contractor.nip,
        Contractor.city,
        first_email,
        first_phone,
    ).where(Contractor.id.in_(list(ids)))
    # per contractor and currency: [open, overdue, days of the oldest overdue, credit]
    sums: dict[int, dict[str, list[int]]] = {}
    with db.read() as session:
        found = {row[0]: row for row in session.execute(people)}
        for row in session.execute(select(contractor_balances(today, contractor_ids=ids))):
            oldest = row.oldest_overdue_due
            sums.setdefault(row.contractor_id, {})[row.currency] = [
                int(row.open),
                int(row.overdue),
                (today - oldest).days if oldest else 0,
                0,
            ]
        for row in session.execute(select(contractor_credits(today, ids))):
            by_currency = sums.setdefault(row.contractor_id, {})
            by_currency.setdefault(row.currency, [0, 0, 0, 0])[3] = int(row.credit)
        checks = latest_checks(session, [row[2] for row in found.values() if row[2]])
    rows: list[ContractorRow] = []
    for contractor_id in ids:
        if contractor_id not in found:
            continue
        _id, name, nip, city, email, phone = found[contractor_id]
        owed = sums.get(contractor_id, {})
        balances = tuple(
            Balance(cur, *owed[cur]) for cur in sorted(owed, key=lambda c: _home_first(c, currency))
        )
        rows.append(
            ContractorRow(
                id=contractor_id,
                name=name,
                nip=nip,
                city=city,
                email=email,
                phone=phone,
                currency=currency,
                balances=balances,
                max_days_overdue=max((b.max_days_overdue for b in balances), default=0),
                whitelist=checks.get(nip) if nip else None,
            )
        )
    return rows
