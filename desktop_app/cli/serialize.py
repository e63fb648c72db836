"""JSON shapes of the CLI (documented in README "CLI reference"): amounts are decimal strings."""

from __future__ import annotations

from typing import Any

from desktop_app.domain.money import decimal_str
from desktop_app.services.aging_report import AgingReport, AgingRow
from desktop_app.services.contractor_list import ContractorRow
from desktop_app.services.dashboard import Dashboard
from desktop_app.services.views import (
    ActivityView,
    Balance,
    ContractorCard,
    ContractorView,
    InvoiceView,
    PaymentView,
)


def _d(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def contractor(view: ContractorView) -> dict[str, Any]:
    return {
        "id": view.id,
        "name": view.name,
        "nip": view.nip,
        "regon": view.regon,
        "address": {
            "street": view.street,
            "postal_code": view.postal_code,
            "city": view.city,
            "country": view.country,
        },
        "emails": list(view.emails),
        "phones": list(view.phones),
        "contact_persons": list(view.persons),
        "terms_days": view.terms_days,
        "language": view.language,
        "credit_limit": (
            {
                "amount": decimal_str(view.credit_limit_minor, view.credit_limit_currency),
                "currency": view.credit_limit_currency,
            }
            if view.credit_limit_minor is not None and view.credit_limit_currency
            else None
        ),
        "tags": list(view.tags),
        "paused_until": _d(view.paused_until),
        "pause_reason": view.pause_reason,
        "notes": view.notes,
    }


def balance(b: Balance) -> dict[str, Any]:
    return {
        "open": decimal_str(b.open_minor, b.currency),
        "overdue": decimal_str(b.overdue_minor, b.currency),
        "max_days_overdue": b.max_days_overdue,
        "credit": decimal_str(b.credit_minor, b.currency),
    }


def invoice(view: InvoiceView) -> dict[str, Any]:
    cur = view.currency
    return {
        "id": view.id,
        "contractor_id": view.contractor_id,
        "number": view.number,
        "kind": view.kind,
        "corrects": view.corrects,
        "issue_date": _d(view.issue_date),
        "sale_date": _d(view.sale_date),
        "currency": cur,
        "gross": decimal_str(view.gross_minor, cur),
        "open": decimal_str(view.open_minor, cur),
        "instalments": [
            {
                "seq": i.seq,
                "due_date": _d(i.due_date),
                "amount": decimal_str(i.amount_minor, cur),
                "open": decimal_str(i.open_minor, cur),
                "days_overdue": i.days_overdue,
            }
            for i in view.instalments
        ],
    }


def payment(view: PaymentView) -> dict[str, Any]:
    cur = view.currency
    return {
        "id": view.id,
        "contractor_id": view.contractor_id,
        "date": _d(view.date),
        "amount": decimal_str(view.amount_minor, cur),
        "currency": cur,
        "title": view.title,
        "unallocated": decimal_str(view.unallocated_minor, cur),
        "allocations": [
            {
                "invoice": a.invoice_number,
                "instalment": a.instalment_seq,
                "amount": decimal_str(a.amount_minor, cur),
                "date": _d(a.effective_date),
                "released_on": _d(a.released_on),
            }
            for a in view.allocations
        ],
    }


def activity(view: ActivityView) -> dict[str, Any]:
    return {
        "at": view.at.isoformat(timespec="seconds"),
        "actor": view.actor,
        "kind": view.kind,
        "channel": view.channel,
        "summary": view.summary,
    }


def card(view: ContractorCard) -> dict[str, Any]:
    data = contractor(view.contractor)
    data["today"] = _d(view.today)
    data["balances"] = {b.currency: balance(b) for b in view.balances}
    data["invoices"] = [invoice(i) for i in view.invoices]
    data["payments"] = [payment(p) for p in view.payments]
    data["activity"] = [activity(a) for a in view.activity]
    return data


def contractor_row(row: ContractorRow) -> dict[str, Any]:
    """``currency``, ``open``, ``overdue``: the home currency's (the list's order); ``balances``:
    every currency owed or credited, as in ``contractor show``."""
    cur = row.currency
    home = row.balance(cur)
    return {
        "id": row.id,
        "name": row.name,
        "nip": row.nip,
        "city": row.city,
        "email": row.email,
        "phone": row.phone,
        "currency": cur,
        "open": decimal_str(home.open_minor, cur),
        "overdue": decimal_str(home.overdue_minor, cur),
        "max_days_overdue": row.max_days_overdue,
        "balances": {b.currency: balance(b) for b in row.balances},
    }


def _aging_row(row: AgingRow, currency: str) -> dict[str, Any]:
    return {
        "id": row.contractor_id,
        "name": row.name,
        "nip": row.nip,
        "open": decimal_str(row.open, currency),
        "not_due": decimal_str(row.open - row.overdue, currency),
        "overdue": decimal_str(row.overdue, currency),
        "max_days_overdue": row.max_days_overdue,
        "buckets": {k: decimal_str(v, currency) for k, v in row.buckets.items()},
    }


def aging(report: AgingReport) -> dict[str, Any]:
    return {
        "as_of": _d(report.as_of),
        "buckets": list(report.labels),
        "currencies": {
            cur: {
                "totals": {
                    "open": decimal_str(section.totals.open, cur),
                    "not_due": decimal_str(section.totals.not_due, cur),
                    "overdue": decimal_str(section.totals.overdue, cur),
                    "buckets": {k: decimal_str(v, cur) for k, v in section.totals.buckets.items()},
                },
                "contractors": [_aging_row(r, cur) for r in section.contractors],
            }
            for cur, section in report.currencies.items()
        },
    }


def dashboard(board: Dashboard) -> dict[str, Any]:
    return {
        "today": _d(board.today),
        "tasks_due": board.tasks_due,
        "failed_reminders": board.failed_reminders,
        "currencies": {
            cur: {
                "open": decimal_str(s.open, cur),
                "overdue": decimal_str(s.overdue, cur),
                "overdue_share": round(s.overdue_share, 4),
                "dso_days": None if s.dso_days is None else round(s.dso_days, 1),
                "collection_effectiveness": (
                    None
                    if s.collection_effectiveness is None
                    else round(s.collection_effectiveness, 1)
                ),
                "promised_this_week": decimal_str(s.promised_this_week, cur),
                "buckets": {k: decimal_str(v, cur) for k, v in s.buckets.items()},
                "forecast": [
                    {"week": _d(w.week_start), "amount": decimal_str(w.amount, cur)}
                    for w in s.forecast
                ],
                "top_debtors": [
                    {"id": d.contractor_id, "name": d.name, "overdue": decimal_str(d.overdue, cur)}
                    for d in s.top_debtors
                ],
            }
            for cur, s in board.currencies.items()
        },
    }
