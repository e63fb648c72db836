"""The contractors table: ordered ids from SQL, rows fetched a page at a time, never all at once.

A search or a sort re-runs one SQL query (``contractor_list.search``) that returns the ordered ids
and the totals of the list; the first page of rows comes back with it so the table never flashes
empty. Amount cells show every currency owed side by side ("1 234,56 zł + 268,92 €"); they
sort by the home currency's amount, then by the largest other one (see ``contractor_list``). Further pages are fetched when the view first asks for one of their rows, off the GUI thread,
and kept in a small LRU cache. Every search bumps a generation number, so a page that arrives for an
older list is thrown away rather than painted into the new one. The Rating column's stars are
computed with each page's rows (never for the whole list), which is why it cannot be sorted.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush

from db.uow import Database
from desktop_app.domain import rating
from desktop_app.domain.credibility import RegistrySummary, registry_summary
from desktop_app.domain.identifiers import format_phone
from desktop_app.domain.receivables import Balance
from desktop_app.i18n import N_, _
from desktop_app.services import contractor_list
from desktop_app.services import rating as rating_service
from desktop_app.services.contractor_list import WHITELIST_RANK, ContractorRow, CurrencyTotal
from ui import formatting, theme
from ui.card.insight_panel import light_colour
from ui.credibility.bulk_check import light_word
from ui.errors import show_error
from ui.operations import Operations

log = logging.getLogger(__name__)

#: the contractor's database id of a row (any column)
IdRole = Qt.ItemDataRole.UserRole
#: the raw value behind a cell: for money the SQL's sort key (home currency's minor units, the
#: largest other currency's), a day count, the plain text otherwise
SortRole = Qt.ItemDataRole.UserRole + 1

_DISPLAY = Qt.ItemDataRole.DisplayRole
_ALIGN = Qt.ItemDataRole.TextAlignmentRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_ID = IdRole
_SORT = SortRole
_ROLES = frozenset({_DISPLAY, _ALIGN, _FOREGROUND, _TOOLTIP, _ID, _SORT})

PAGE_SIZE = 200
MAX_CACHED_PAGES = 50

Index = QModelIndex | QPersistentModelIndex
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True)
class Column:
    name: str
    title: str  # an N_() msgid, translated when the header is painted
    sort_key: str | None
    numeric: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("name", N_("Name"), "name"),
    Column("nip", N_("NIP"), "nip"),
    Column("city", N_("City"), "city"),
    Column("email", N_("E-mail"), None),
    Column("phone", N_("Phone"), None),
    Column("open", N_("Open"), "open", numeric=True),
    Column("overdue", N_("Overdue"), "overdue", numeric=True),
    Column("days", N_("Days overdue"), "days", numeric=True),
    # not sortable: the stars come from Python's rating of each payer's history, so an order by
    # them would rate all the contractors on every search instead of the visible page only
    Column("rating", N_("Rating"), None),
    # the light of the latest kept White List check alone (the card's adds the payer's history)
    Column("whitelist", N_("White List"), "whitelist"),
)
COLUMN = {c.name: i for i, c in enumerate(COLUMNS)}


@dataclass(frozen=True)
class ListSummary:
    count: int
    #: the home currency's first (always there), then every other currency owed
    totals: tuple[CurrencyTotal, ...]
    currency: str


@dataclass(frozen=True)
class _Query:
    text: str = ""
    sort: str = "name"
    descending: bool = False
    overdue_only: bool = False


@dataclass(frozen=True, slots=True)
class _Cached:
    """A fetched row and its cell texts, formatted on the worker thread so painting stays cheap."""

    row: ContractorRow
    texts: tuple[str, ...]
    #: the stars (None: not rated yet) and the sentences explaining them, for the tooltip
    stars: int | None = None
    reasons: str = ""
    #: what the latest kept White List check says (None: never checked)
    whitelist: RegistrySummary | None = None


@dataclass(frozen=True)
class _SearchResult:
    result: contractor_list.ListResult
    first_page: list[_Cached]


#: the ContractorRow balance field behind each amount column
_AMOUNT = {"open": "open_minor", "overdue": "overdue_minor"}


def _amounts(row: ContractorRow, column: str) -> str:
    field = _AMOUNT[column]
    return formatting.amounts(((getattr(b, field), b.currency) for b in row.balances), row.currency)


def _owes(row: ContractorRow, column: str) -> bool:
    return any(getattr(b, _AMOUNT[column]) for b in row.balances)


def _texts(
    row: ContractorRow, stars: int | None, whitelist: RegistrySummary | None
) -> tuple[str, ...]:
    return (
        row.name,
        row.nip or "",
        row.city or "",
        row.email or "",
        format_phone(row.phone) if row.phone else "",
        _amounts(row, "open"),
        _amounts(row, "overdue"),
        formatting.days(row.max_days_overdue),
        formatting.stars(stars),
        "" if whitelist is None else f"● {light_word(whitelist.light)}",
    )


def _fetch(db: Database, ids: Sequence[int], today: dt.date, currency: str) -> list[_Cached]:
    rows = contractor_list.fetch_rows(db, ids, today=today, currency=currency)
    # rated a page at a time with the rows, so the 20,000-contractor list never rates them all;
    # the page is fetched again whenever payments or invoices change, and the stars with it
    with db.read() as session:
        rated = rating_service.ratings(session, today, [row.id for row in rows])
    cached = []
    for row in rows:
        checked = None if row.whitelist is None else registry_summary(row.whitelist, today)
        cached.append(
            _Cached(
                row,
                _texts(row, rated[row.id].stars, checked),
                rated[row.id].stars,
                "\n".join(rating.explain(rated[row.id])),
                checked,
            )
        )
    return cached


def _balance_line(balance: Balance) -> str:
    money = formatting.money
    line = _("{currency}: open {open}, overdue {overdue}").format(
        currency=balance.currency,
        open=money(balance.open_minor, balance.currency),
        overdue=money(balance.overdue_minor, balance.currency),
    )
    if balance.credit_minor:
        line += " · " + _("credit {amount}").format(
            amount=money(balance.credit_minor, balance.currency)
        )
    return line


class ContractorsModel(QAbstractTableModel):
    """Display-only model over ``contractor_list``; sorting and filtering happen in SQL."""

    #: a search (or sort, or refresh) has replaced the rows; carries the new ListSummary
    search_finished = Signal(object)
    #: True while a search is running
    loading_changed = Signal(bool)

    def __init__(
        self,
        db: Database,
        ops: Operations,
        *,
        currency: str,
        today: Callable[[], dt.date],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._ops = ops
        self._currency = currency
        self._today = today
        self._query = _Query()
        self._ids: list[int] = []
        self._row_of: dict[int, int] | None = None
        self._pages: OrderedDict[int, list[_Cached]] = OrderedDict()
        self._red = QBrush(theme.overdue_text())
        self._muted = QBrush(theme.muted_text())
        self._requested: set[int] = set()
        self._generation = 0
        self._searching = False
        self._summary = ListSummary(0, (CurrencyTotal(currency),), currency)
        self._search_key = f"contractors-search-{id(self)}"

    # -- what the rest of the window uses ------------------------------------------------------

    @property
    def currency(self) -> str:
        return self._currency

    @property
    def summary(self) -> ListSummary:
        return self._summary

    @property
    def loading(self) -> bool:
        return self._searching

    @property
    def filter_text(self) -> str:
        return self._query.text

    @property
    def query(self) -> object:
        """What the list is asked for (text, order, filter): equal as long as none of it changed."""
        return self._query

    def set_filter_text(self, text: str) -> None:
        text = text.strip()
        if text != self._query.text:
            self._query = replace(self._query, text=text)
            self.refresh()

    def set_overdue_only(self, overdue_only: bool) -> None:
        if overdue_only != self._query.overdue_only:
            self._query = replace(self._query, overdue_only=overdue_only)
            self.refresh()

    def search_generation(self) -> int:
        """Counts completed searches (a new list replaced the old one); for waiting on a search."""
        return self._generation

    def contractor_id(self, row: int) -> int:
        return self._ids[row]

    def row_of(self, contractor_id: int) -> int | None:
        if self._row_of is None:
            self._row_of = {cid: i for i, cid in enumerate(self._ids)}
        return self._row_of.get(contractor_id)

    def cached_row(self, row: int) -> ContractorRow | None:
        cached = self._cached(row)
        return cached.row if cached is not None else None

    def _cached(self, row: int) -> _Cached | None:
        number = row // PAGE_SIZE
        page = self._pages.get(number)
        if page is None:
            return None
        self._pages.move_to_end(number)
        offset = row % PAGE_SIZE
        return page[offset] if offset < len(page) else None

    def refresh(self) -> None:
        """Re-run the query (new filter, new order, or data changed elsewhere)."""
        query = self._query
        today = self._today()
        db, currency = self._db, self._currency

        def run() -> _SearchResult:
            result = contractor_list.search(
                db,
                today=today,
                currency=currency,
                text=query.text,
                sort=query.sort,
                descending=query.descending,
                overdue_only=query.overdue_only,
            )
            return _SearchResult(result, _fetch(db, result.ids[:PAGE_SIZE], today, currency))

        if not self._searching:
            self._searching = True
            self.loading_changed.emit(True)
        self._ops.read(
            run,
            on_success=self._search_done,
            on_failure=self._search_failed,
            key=self._search_key,
            owner=self,
            label="contractor search",
        )

    # -- Qt model interface --------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        column = COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return _(column.title)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column.numeric else _LEFT
        if role == Qt.ItemDataRole.InitialSortOrderRole:
            # a first click on an amount shows the biggest first: that is who staff call first
            return Qt.SortOrder.DescendingOrder if column.numeric else Qt.SortOrder.AscendingOrder
        if role == Qt.ItemDataRole.ToolTipRole and column.sort_key is None:
            return _("This column cannot be sorted")
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called for every role of every visible cell on each paint: cheap checks first.
        if role not in _ROLES or not index.isValid():
            return None
        row_number, col = index.row(), index.column()
        if not 0 <= row_number < len(self._ids) or not 0 <= col < len(COLUMNS):
            return None
        if role == _ALIGN:
            return _RIGHT if COLUMNS[col].numeric else _LEFT
        if role == _ID:
            return self._ids[row_number]
        cached = self._cached(row_number)
        if cached is None:
            if role == _DISPLAY:
                self._request_page(row_number // PAGE_SIZE)
            return None
        if role == _DISPLAY:
            return cached.texts[col]
        name = COLUMNS[col].name
        if name == "whitelist":
            return self._whitelist(cached.whitelist, role)
        if role == _FOREGROUND:
            return self._foreground(cached.row, name)
        if role == _SORT:
            return cached.stars if name == "rating" else self._raw(cached.row, name)
        if name == "rating":
            return cached.reasons or None
        return self._tooltip(cached.row, name)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        key = COLUMNS[column].sort_key
        if key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self._query.sort, self._query.descending):
            return
        self._query = replace(self._query, sort=key, descending=descending)
        self.refresh()

    def sort_column(self) -> tuple[int, Qt.SortOrder]:
        """The column and order of the current SQL sort (to restore the header's indicator)."""
        column = next(i for i, c in enumerate(COLUMNS) if c.sort_key == self._query.sort)
        order = (
            Qt.SortOrder.DescendingOrder if self._query.descending else Qt.SortOrder.AscendingOrder
        )
        return column, order

    # -- cells ---------------------------------------------------------------------------------

    @staticmethod
    def _raw(row: ContractorRow, name: str) -> Any:
        match name:
            case "open" | "overdue":
                return row.sort_key(_AMOUNT[name])
            case "days":
                return row.max_days_overdue
            case "phone":
                return row.phone or ""
        return getattr(row, name) or ""

    def _foreground(self, row: ContractorRow, name: str) -> QBrush | None:
        if name in ("overdue", "days") and _owes(row, "overdue"):
            return self._red
        if name in _AMOUNT and not _owes(row, name):
            return self._muted
        return None

    @staticmethod
    def _whitelist(checked: RegistrySummary | None, role: int) -> Any:
        if role == _SORT:
            return WHITELIST_RANK[None if checked is None else checked.light]
        if checked is None:
            return None
        if role == _FOREGROUND:
            return QBrush(light_colour(checked.light))
        # the reasons carry the day of the check
        return "\n".join(checked.reasons) if role == _TOOLTIP else None

    @staticmethod
    def _tooltip(row: ContractorRow, name: str) -> str | None:
        if name in _AMOUNT and row.balances:
            return "\n".join(_balance_line(b) for b in row.balances)
        if name == "name":
            return ", ".join(filter(None, (row.name, row.city)))
        if name == "days" and row.max_days_overdue:
            return _("The oldest unpaid instalment is {days} days past its due date").format(
                days=row.max_days_overdue
            )
        if name == "email" and row.email:
            return row.email
        return None

    # -- background work -----------------------------------------------------------------------

    def _search_done(self, found: _SearchResult) -> None:
        self._searching = False
        self.beginResetModel()
        self._generation += 1
        self._ids = found.result.ids
        self._row_of = None
        self._pages.clear()
        self._requested.clear()
        if found.first_page:
            self._pages[0] = found.first_page
        self.endResetModel()
        self._summary = ListSummary(len(self._ids), found.result.totals, self._currency)
        self.loading_changed.emit(False)
        self.search_finished.emit(self._summary)

    def _search_failed(self, exc: BaseException) -> None:
        self._searching = False
        self.loading_changed.emit(False)
        show_error(exc)

    def _request_page(self, page: int) -> None:
        if page in self._requested:
            return
        self._requested.add(page)
        generation = self._generation
        ids = self._ids[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
        today, db, currency = self._today(), self._db, self._currency

        def run() -> list[_Cached]:
            return _fetch(db, ids, today, currency)

        self._ops.read(
            run,
            on_success=lambda rows: self._page_loaded(generation, page, ids, rows),
            on_failure=lambda exc: self._page_failed(generation, page, exc),
            owner=self,
            label=f"contractor page {page}",
        )

    def _page_loaded(
        self, generation: int, page: int, ids: Sequence[int], rows: list[_Cached]
    ) -> None:
        if generation != self._generation:
            return  # rows of a list that has since been replaced
        self._requested.discard(page)
        if [r.row.id for r in rows] != list(ids):
            # a contractor vanished between the search and the fetch: the list is out of date
            log.info("contractor list changed under the table; refreshing")
            self.refresh()
            return
        self._pages[page] = rows
        while len(self._pages) > MAX_CACHED_PAGES:
            self._pages.popitem(last=False)
        first = page * PAGE_SIZE
        last = min(first + len(rows), len(self._ids)) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))

    def _page_failed(self, generation: int, page: int, exc: BaseException) -> None:
        # the page stays marked as requested: a failing fetch must not be retried on every paint
        if generation == self._generation:
            show_error(exc)
