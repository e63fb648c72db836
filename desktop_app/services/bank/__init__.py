"""Bank statements in, payments matched to invoices: the services the CLI and the Bank view use.

Each function takes the caller's session (``db.write()`` for changes, ``db.read()`` for the
lists); after a change, front ends announce :data:`CHANGES`.
"""

from __future__ import annotations

from desktop_app.services.bank.ingest import (
    SOURCE,
    BankImportCounts,
    StatementImport,
    bank_format,
    import_statement,
    match_payments,
    match_waiting,
    natural_key,
    record_bank_lines,
)
from desktop_app.services.bank.listing import (
    Suggestion,
    WaitingPayment,
    fill_number_keys,
    unmatched_count,
    unmatched_payments,
)
from desktop_app.services.bank.matching import (
    CHANGES,
    MatchAllocation,
    MatchRecord,
    match,
    match_by_reference,
    match_reasons,
    unmatch,
)

__all__ = [
    "CHANGES",
    "SOURCE",
    "BankImportCounts",
    "MatchAllocation",
    "MatchRecord",
    "StatementImport",
    "Suggestion",
    "WaitingPayment",
    "bank_format",
    "fill_number_keys",
    "import_statement",
    "match",
    "match_by_reference",
    "match_payments",
    "match_reasons",
    "match_waiting",
    "natural_key",
    "record_bank_lines",
    "unmatch",
    "unmatched_count",
    "unmatched_payments",
]
