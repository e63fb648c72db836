"""The Bank view's lists as table rows: what the bank services return, with the cell texts made
on the worker thread that read it."""

from __future__ import annotations

from dataclasses import dataclass

from db.uow import Database
from desktop_app.i18n import N_, _
from desktop_app.services import bank, whitelist
from desktop_app.services.bank.review import MatchedPayment, OpenInvoiceChoice, matched_payments
from ui import formatting
from ui.bank.rows_model import Column, Row

WAITING_COLUMNS = (
    Column("date", N_("Date")),
    Column("amount", N_("Amount"), numeric=True),
    Column("payer", N_("Payer")),
    Column("account", N_("Payer's account")),
    Column("title", N_("Title")),
    Column("state", N_("State")),
)
SUGGESTION_COLUMNS = (
    Column("invoice", N_("Invoice")),
    Column("contractor", N_("Contractor")),
    Column("open", N_("Open"), numeric=True),
    Column("reason", N_("Why")),
)
MATCHED_COLUMNS = (
    Column("date", N_("Date")),
    Column("amount", N_("Amount"), numeric=True),
    Column("payer", N_("Payer")),
    Column("title", N_("Title")),
    Column("contractor", N_("Contractor")),
    Column("invoices", N_("Invoices")),
    Column("how", N_("Matched")),
)
CHOICE_COLUMNS = (
    Column("invoice", N_("Invoice")),
    Column("contractor", N_("Contractor")),
    Column("due", N_("Due")),
    Column("open", N_("Open"), numeric=True),
)

STATE_LABELS = {
    "unmatched": N_("nothing fits"),
    #: something fits, but not surely enough for the rules to match it
    "ambiguous": N_("doubtful"),
    "matchable": N_("fits an invoice now"),
}
#: how many payments each list shows (a person works through them; a page is plenty)
LIMIT = 500


def state_label(status: str) -> str:
    return _(STATE_LABELS[status]) if status in STATE_LABELS else status


def waiting_row(payment: bank.WaitingPayment, warning: str = "") -> Row:
    amount = formatting.money(payment.amount_minor, payment.currency)
    texts = (
        formatting.date(payment.date),
        amount,
        payment.payer_name or "",
        payment.payer_account or "",
        _one_line(payment.title),
        state_label(payment.status),
    )
    keys = (
        (payment.date, payment.id),
        (payment.currency, payment.amount_minor),
        texts[2].casefold(),
        texts[3],
        texts[4].casefold(),
        texts[5],
    )
    return Row(
        payment.id,
        texts,
        keys,
        marked=payment.status == "ambiguous",
        item=payment,
        warning=warning,
    )


def suggestion_row(suggestion: bank.Suggestion) -> Row:
    texts = (
        suggestion.invoice_number,
        suggestion.contractor_name,
        formatting.money(suggestion.open_minor, suggestion.currency),
        suggestion.reason,
    )
    keys = (
        texts[0].casefold(),
        texts[1].casefold(),
        (suggestion.currency, suggestion.open_minor),
        texts[3].casefold(),
    )
    return Row(suggestion.invoice_id, texts, keys, tooltip=suggestion.reason, item=suggestion)


def how_matched(payment: MatchedPayment) -> str:
    if payment.manual:
        return _("by hand")
    return "; ".join(payment.reasons) or _("automatically")


def matched_row(payment: MatchedPayment, warning: str = "") -> Row:
    invoices = ", ".join(dict.fromkeys(s.invoice_number for s in payment.shares))
    if payment.unallocated_minor:
        credit = formatting.money(payment.unallocated_minor, payment.currency)
        left = _("{amount} not matched").format(amount=credit)
        invoices = f"{invoices} + {left}" if invoices else left
    texts = (
        formatting.date(payment.date),
        formatting.money(payment.amount_minor, payment.currency),
        payment.payer_name or "",
        _one_line(payment.title),
        payment.contractor_name,
        invoices,
        how_matched(payment),
    )
    keys = (
        (payment.date, payment.id),
        (payment.currency, payment.amount_minor),
        *(t.casefold() for t in texts[2:]),
    )
    return Row(payment.id, texts, keys, item=payment, warning=warning)


def choice_row(choice: OpenInvoiceChoice) -> Row:
    texts = (
        choice.number,
        choice.contractor_name,
        formatting.date(choice.due_date),
        formatting.money(choice.open_minor, choice.currency),
    )
    keys = (
        texts[0].casefold(),
        texts[1].casefold(),
        (choice.due_date, choice.invoice_id),
        (choice.currency, choice.open_minor),
    )
    return Row(choice.invoice_id, texts, keys, item=choice)


@dataclass(frozen=True)
class BankLists:
    waiting: list[Row]
    matched: list[Row]
    #: every payment waiting, also those beyond the rows read
    waiting_count: int = 0


def load_lists(db: Database) -> BankLists:
    """Runs on a worker: both lists, with their cell texts."""
    with db.read() as session:
        waiting = bank.unmatched_payments(session, limit=LIMIT)
        matched = matched_payments(session, limit=LIMIT)
        count = bank.unmatched_count(session)
        # a payment from an account the White List did not list for its contractor's NIP
        flagged = whitelist.unlisted_payments(
            session, [p.id for p in waiting] + [p.id for p in matched]
        )
    return BankLists(
        [waiting_row(p, flagged.get(p.id, "")) for p in waiting],
        [matched_row(p, flagged.get(p.id, "")) for p in matched],
        max(count, len(waiting)),
    )


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())
