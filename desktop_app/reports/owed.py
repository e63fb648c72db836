"""What the "Owed to us" report shows: the aging report grouped by contractor, by account manager
or by bucket, as columns and lines per currency that the window, the XLSX and the PDF all draw.

Grouping happens here only, so the three can never disagree on a figure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from desktop_app.domain.aging import NOT_DUE
from desktop_app.domain.money import format_money
from desktop_app.i18n import N_, _, ngettext
from desktop_app.services.aging_report import AgingFilter, AgingReport, AgingRow, CurrencyAging


class By(StrEnum):
    CONTRACTOR = "contractor"
    MANAGER = "manager"
    BUCKET = "bucket"


class Kind(StrEnum):
    TEXT = "text"
    MONEY = "money"
    COUNT = "count"
    DAYS = "days"
    DATE = "date"


@dataclass(frozen=True)
class Column:
    key: str
    #: an N_() msgid or a bucket label ("1-30"), translated when drawn
    title: str
    kind: Kind


#: what a cell holds: a name, an amount in minor units, a count, days, a date or nothing
Value = str | int | dt.date | None


@dataclass(frozen=True, slots=True)
class Line:
    #: contractor id, manager user id (None: no manager) or bucket label
    key: int | str | None
    values: dict[str, Value]
    #: the contractors behind the line (drill-down)
    contractor_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Section:
    currency: str
    lines: list[Line]
    total: Line


@dataclass(frozen=True)
class OwedTable:
    as_of: dt.date
    by: By
    columns: list[Column]
    sections: list[Section] = field(default_factory=list)
    #: the filters in words, one per filter set ("Manager: Anna Nowak")
    filters: list[str] = field(default_factory=list)


BY_TITLES = {
    By.CONTRACTOR: N_("By contractor"),
    By.MANAGER: N_("By account manager"),
    By.BUCKET: N_("By days overdue"),
}
NOT_DUE_TITLE = N_("Not due")


def bucket_title(label: str) -> str:
    """ "1-30" -> "1-30 days"; the not-yet-due bucket by its name."""
    return _(NOT_DUE_TITLE) if label == NOT_DUE else _("{label} days").format(label=label)


def columns(by: By, labels: tuple[str, ...]) -> list[Column]:
    buckets = [Column(f"b:{label}", label, Kind.MONEY) for label in labels]
    amounts = [
        Column("open", N_("Open"), Kind.MONEY),
        Column("not_due", NOT_DUE_TITLE, Kind.MONEY),
        Column("overdue", N_("Overdue"), Kind.MONEY),
        *buckets,
    ]
    if by is By.CONTRACTOR:
        return [
            Column("name", N_("Contractor"), Kind.TEXT),
            Column("nip", N_("NIP"), Kind.TEXT),
            Column("manager", N_("Account manager"), Kind.TEXT),
            *amounts,
            Column("days", N_("Days overdue"), Kind.DAYS),
            Column("oldest", N_("Oldest due date"), Kind.DATE),
        ]
    if by is By.MANAGER:
        return [
            Column("name", N_("Account manager"), Kind.TEXT),
            Column("contractors", N_("Contractors"), Kind.COUNT),
            *amounts,
            Column("days", N_("Days overdue"), Kind.DAYS),
        ]
    return [
        Column("name", N_("Days overdue"), Kind.TEXT),
        Column("contractors", N_("Contractors"), Kind.COUNT),
        Column("amount", N_("Amount"), Kind.MONEY),
    ]


def column_title(column: Column) -> str:
    return column.title if column.key.startswith("b:") else _(column.title)


def _amounts(rows: list[AgingRow], labels: tuple[str, ...]) -> dict[str, Value]:
    values: dict[str, Value] = {
        "open": sum(r.open for r in rows),
        "not_due": sum(r.open - r.overdue for r in rows),
        "overdue": sum(r.overdue for r in rows),
        "days": max((r.max_days_overdue for r in rows), default=0),
    }
    for label in labels:
        values[f"b:{label}"] = sum(r.buckets[label] for r in rows)
    return values


def _contractor_lines(rows: list[AgingRow], as_of: dt.date, labels: tuple[str, ...]) -> list[Line]:
    keys = [f"b:{label}" for label in labels]
    lines = []
    # one pass with plain dicts: the table of a whole ledger has ten thousand lines
    for row in rows:
        days = row.max_days_overdue
        values: dict[str, Value] = {
            "name": row.name,
            "nip": row.nip or "",
            "manager": row.manager or "",
            "open": row.open,
            "not_due": row.open - row.overdue,
            "overdue": row.overdue,
            "days": days,
        }
        values.update(zip(keys, [row.buckets[label] for label in labels], strict=True))
        values["oldest"] = as_of - dt.timedelta(days=days) if days else None
        lines.append(Line(row.contractor_id, values, (row.contractor_id,)))
    return lines


def _section_total(section: CurrencyAging, labels: tuple[str, ...]) -> dict[str, Value]:
    """The section's own totals (summed once by the aging report) as a line's values."""
    totals = section.totals
    values: dict[str, Value] = {
        "open": totals.open,
        "not_due": totals.not_due,
        "overdue": totals.overdue,
        "days": max((r.max_days_overdue for r in section.contractors), default=0),
    }
    for label in labels:
        values[f"b:{label}"] = totals.buckets[label]
    return values


def _in_bucket(row: AgingRow, label: str) -> int:
    return row.open - row.overdue if label == NOT_DUE else row.buckets[label]


def owed_table(report: AgingReport, by: By = By.CONTRACTOR) -> OwedTable:
    labels = report.labels
    table = OwedTable(report.as_of, by, columns(by, labels), filters=describe(report))
    for currency, section in report.currencies.items():
        rows = section.contractors
        everyone = tuple(r.contractor_id for r in rows)
        if by is By.CONTRACTOR:
            lines = _contractor_lines(rows, report.as_of, labels)
        elif by is By.MANAGER:
            managed: dict[int | None, list[AgingRow]] = {}
            for row in rows:
                managed.setdefault(row.manager_id, []).append(row)
            lines = []
            for manager_id, group in managed.items():
                values = _amounts(group, labels)
                values["name"] = group[0].manager or _("No account manager")
                values["contractors"] = len(group)
                lines.append(Line(manager_id, values, tuple(r.contractor_id for r in group)))
            lines.sort(key=lambda line: (-_int(line.values["overdue"]), str(line.values["name"])))
        else:
            lines = []
            for label in (NOT_DUE, *labels):
                owing = [r for r in rows if _in_bucket(r, label)]
                values = {
                    "name": bucket_title(label),
                    "contractors": len(owing),
                    "amount": sum(_in_bucket(r, label) for r in owing),
                }
                lines.append(Line(label, values, tuple(r.contractor_id for r in owing)))
        total = _section_total(section, labels)
        total["name"] = _("Total")
        total["contractors"] = len(set(everyone))
        total["amount"] = total["open"]
        table.sections.append(Section(currency, lines, Line(None, total, everyone)))
    return table


def _int(value: Value) -> int:
    return value if isinstance(value, int) else 0


def describe(report: AgingReport) -> list[str]:
    """The filters in words for the title of a printout or sheet."""
    f: AgingFilter = report.filters
    said: list[str] = []
    if f.managers is not None:
        names = [
            report.manager_names.get(m, str(m)) if m is not None else _("No account manager")
            for m in sorted(f.managers, key=lambda m: -1 if m is None else m)
        ]
        said.append(_("Account manager: {names}").format(names=", ".join(names)))
    if f.tags:
        said.append(_("Tags: {tags}").format(tags=", ".join(sorted(f.tags))))
    if f.stars is not None:
        said.append(_("Rating: {stars}").format(stars=stars_text(f)))
    if f.min_amount is not None:
        said.append(_("Open at least {amount}").format(amount=str(f.min_amount)))
    if f.min_days:
        said.append(
            ngettext("At least {n} day overdue", "At least {n} days overdue", f.min_days).format(
                n=f.min_days
            )
        )
    if f.currency:
        said.append(_("Currency: {currency}").format(currency=f.currency))
    return said


def stars_text(f: AgingFilter) -> str:
    s = f.stars
    if s is None:
        return ""
    parts = []
    if s.low is not None and s.low == s.high:
        parts.append("★" * s.low)
    elif s.low is not None or s.high is not None:
        parts.append(f"{s.low or 1}–{s.high or 5} ★")
    if s.unrated:
        parts.append(_("not rated yet"))
    if len(parts) == 2:
        return _("{first} or {second}").format(first=parts[0], second=parts[1])
    return parts[0]


def money_text(value: Value, currency: str) -> str:
    return format_money(value, currency) if isinstance(value, int) else ""
