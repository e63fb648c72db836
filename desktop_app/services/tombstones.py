"""What a deletion removed, kept so that one "Undo" puts it back exactly.

The rows to keep are found from the schema, not listed by hand: every row that goes with the
deleted one through an ``ON DELETE CASCADE`` foreign key (instalments, their allocations, the
dunning log, ...) is copied with all its columns, and every row whose link an ``ON DELETE SET
NULL`` key clears (an activity entry naming the invoice) is remembered with the link. A table a
later migration adds is covered the day its foreign keys say how it goes with its parent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, and_, delete, func, select, tuple_, update
from sqlalchemy.orm import Session

from db.models import Base
from desktop_app.errors import ConflictError
from desktop_app.i18n import _

Row = Mapping[str, Any]


@dataclass(frozen=True)
class Relink:
    """A link ``column`` = ``value`` the deletion cleared on the row ``key`` of ``table``."""

    table: str
    key: tuple[Any, ...]
    column: str
    value: Any


@dataclass(frozen=True)
class Tombstone:
    """Every row a deletion removes (parents before children) and every link it clears."""

    rows: tuple[tuple[str, Row], ...]
    relinks: tuple[Relink, ...]

    def of(self, table: str) -> list[Row]:
        return [row for name, row in self.rows if name == table]


def table(name: str) -> Table:
    return Base.metadata.tables[name]


def _key(table: Table, row: Row) -> tuple[Any, ...]:
    return tuple(row[c.name] for c in table.primary_key.columns)


def collect(session: Session, table: Table, where: Any) -> Tombstone:
    """The rows of ``table`` matching ``where`` and everything that goes with them."""
    found: dict[str, dict[tuple[Any, ...], Row]] = {}
    relinks: list[Relink] = []
    _collect(session, table, where, found, relinks)
    rows = tuple(
        (t.name, row) for t in Base.metadata.sorted_tables for row in found.get(t.name, {}).values()
    )
    return Tombstone(rows, tuple(relinks))


def _collect(
    session: Session,
    table: Table,
    where: Any,
    found: dict[str, dict[tuple[Any, ...], Row]],
    relinks: list[Relink],
) -> None:
    seen = found.setdefault(table.name, {})
    rows = [dict(r) for r in session.execute(select(table).where(where)).mappings()]
    new = [r for r in rows if _key(table, r) not in seen]
    if not new:
        return
    for row in new:
        seen[_key(table, row)] = row
    for child in Base.metadata.sorted_tables:
        for fk in child.foreign_keys:
            if fk.column.table is not table:
                continue
            values = [row[fk.column.name] for row in new]
            matches = fk.parent.in_(values)
            rule = (fk.ondelete or "").upper()
            if rule == "CASCADE":
                _collect(session, child, matches, found, relinks)
            elif rule == "SET NULL":
                for r in map(dict, session.execute(select(child).where(matches)).mappings()):
                    relinks.append(
                        Relink(child.name, _key(child, r), fk.parent.name, r[fk.parent.name])
                    )


def remove(session: Session, table: Table, where: Any) -> None:
    """Delete the rows; the database's cascades delete what goes with them."""
    session.flush()
    session.execute(delete(table).where(where))
    session.expire_all()


def restore(session: Session, tombstone: Tombstone) -> None:
    """Put every row back with its own key and every cleared link back; a ConflictError when a
    row with one of those keys exists again (the data changed since the deletion)."""
    session.flush()
    by_table: dict[str, list[Row]] = {}
    for name, row in tombstone.rows:
        by_table.setdefault(name, []).append(row)
    for name, rows in by_table.items():
        tbl = table(name)
        keys = [_key(tbl, row) for row in rows]
        pk = list(tbl.primary_key.columns)
        taken = session.scalar(
            select(func.count())
            .select_from(tbl)
            .where(tuple_(*pk).in_(keys) if len(pk) > 1 else pk[0].in_([k[0] for k in keys]))
        )
        if taken:
            raise ConflictError(_("The deletion can no longer be undone: the data changed since"))
    for name, rows in by_table.items():
        session.execute(table(name).insert(), [dict(row) for row in rows])
    for link in tombstone.relinks:
        tbl = table(link.table)
        session.execute(
            update(tbl)
            .where(and_(*(c == v for c, v in zip(tbl.primary_key.columns, link.key, strict=True))))
            .values({link.column: link.value})
        )
    session.expire_all()
