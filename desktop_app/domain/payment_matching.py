"""Which open items a bank payment pays, and why: the one definition.

The service gathers what could matter for a payment (invoices whose numbers appear in its title,
contractors by NIP, accounts seen before, the open items of the contractors in play) and asks
:func:`decide`; what it decides is recorded through the ledger. Rules, strongest first:

1. **Invoice numbers in the title**, found in title order however the payer wrote them ("FV
   12/11/2026", "FV12/11/2026", "F-12/11/2026", "12 / 11 / 2026"): the money pays those invoices
   in that order, what is left is the contractor's credit. Numbers of two contractors: a person
   decides. One number that several invoices have ("FV 1/11/2026" and another contractor's
   "FV/1/11/2026"): the payer's (rules 2 and 3), else the one of exactly the amount, else a
   person decides.
2. **The payer's NIP in the title**, 3. **an account seen** on an earlier payment of one
   contractor, 4. **the payer's name** equal to one contractor's: the contractor is known. Its open
   item of exactly the payment's amount is paid if there is exactly one; otherwise (rules 2 and 3)
   the oldest debt first (art. 451 KC), and for a name alone a person decides.
5. Open items of exactly the amount, anywhere in the book: only suggestions.

A number is matched whole, never as the start of a longer one: "FV 1/11/2026" in a title never
pays "FV 1/11" (:func:`numbers_in` reads runs of digits and letters joined by "/", "-", ".", and
only the whole run, or the run less trailing letters such as "r." of "2026r.", is a number).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from stdnum.pl import nip as stdnum_nip

from desktop_app.domain.allocation import OpenItem, Share, allocate
from desktop_app.domain.receivables import Available
from desktop_app.domain.text import search_key
from desktop_app.i18n import N_

# --- invoice numbers ------------------------------------------------------------------------

_EXTRA = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D"})
_TOKEN = re.compile(r"[A-Z]+|[0-9]+")
#: a separator that joins the parts of one number ("12/11", "F-12", "12 / 11", "2026.11")
_JOINERS = frozenset("/-.\\_")
#: words a payer writes before a number; a number of one part ("FV 123") counts only after one
_PREFIXES = frozenset(
    {"F", "FV", "FA", "FS", "FK", "FAK", "FAKT", "FAKTURA", "FAKTURY", "FAKTURE", "FVAT"}
    | {"VAT", "NR", "NO", "INV", "INVOICE", "RACHUNEK", "RACH", "RF", "PAR"}
)


def _part(token: str) -> str:
    return token.lstrip("0") or "0" if token.isdigit() else token


@dataclass(frozen=True, slots=True)
class NumberFound:
    """An invoice number as written in a title: ``keys`` to look up, the first the whole run."""

    keys: tuple[str, ...]
    written: str


def number_key(number: str) -> str | None:
    """An invoice number's form for comparison: its parts without the leading letters (the "FV"
    a payer may write or leave out), numbers without leading zeros, joined by "/"."""
    tokens, _folded = _split(number)
    parts = [t for t, _s, _e in tokens]
    while parts and parts[0].isalpha():
        parts.pop(0)
    if not parts:
        return None
    return "/".join(_part(p) for p in parts)


@functools.cache
def _fold(ch: str) -> str:
    base = unicodedata.normalize("NFKD", ch.translate(_EXTRA))[:1].upper()
    return base if len(base) == 1 else "?"


def _split(text: str) -> tuple[list[tuple[str, int, int]], str]:
    # one character for one, so that positions in the folded text are positions in the title
    folded = text.upper() if text.isascii() else "".join(_fold(ch) for ch in text)
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(folded)], folded


def _joined(left: str, sep: str, right: str) -> bool:
    if sep == "":
        return True
    core = sep.strip()
    if core == "":
        # "FV 12", "NR 12": a word before a number; never two numbers ("12 13") or two words
        return left.isalpha() and right.isdigit()
    return len(core) == 1 and core in _JOINERS


# an import reads each title three times (look-up, candidates, decision): a statement's worth
@functools.lru_cache(maxsize=16_384)
def numbers_in(title: str | None) -> tuple[NumberFound, ...]:
    """The invoice numbers a title may name, in title order (see the module's rules)."""
    if not title:
        return ()
    tokens, folded = _split(title)
    runs: list[list[tuple[str, int, int]]] = []
    for token in tokens:
        if runs:
            last = runs[-1][-1]
            if _joined(last[0], folded[last[2] : token[1]], token[0]):
                runs[-1].append(token)
                continue
        runs.append([token])
    found: list[NumberFound] = []
    for run in runs:
        parts = [t for t, _s, _e in run]
        prefix: list[str] = []
        while parts and parts[0].isalpha():
            prefix.append(parts.pop(0))
        if not any(p.isdigit() for p in parts):
            continue
        keys: list[str] = []
        whole = parts
        trimmed = list(parts)
        while trimmed and trimmed[-1].isalpha():
            trimmed.pop()
        for candidate in (whole, trimmed):
            if len(candidate) == 1 and not (prefix and prefix[-1] in _PREFIXES):
                continue  # a lone number ("500", "2026") is an amount or a year, not an invoice
            key = "/".join(_part(p) for p in candidate)
            if candidate and key not in keys:
                keys.append(key)
        if keys:
            found.append(NumberFound(tuple(keys), title[run[0][1] : run[-1][2]]))
    return tuple(found)


# --- NIP ------------------------------------------------------------------------------------

_NIP = re.compile(
    r"(?<![0-9])(?:PL ?)?([0-9]{3}[- ]?[0-9]{2,3}[- ]?[0-9]{2}[- ]?[0-9]{2,3})(?![0-9])"
)


@functools.lru_cache(maxsize=16_384)
def nips_in(title: str | None) -> tuple[str, ...]:
    """Valid NIPs written in a title ("NIP 525-000-10-09", "PL5250001009"), in title order."""
    if not title:
        return ()
    found: list[str] = []
    for match in _NIP.finditer(title.upper()):
        digits = re.sub(r"[- ]", "", match.group(1))
        if len(digits) == 10 and stdnum_nip.is_valid(digits) and digits not in found:
            found.append(digits)
    return tuple(found)


# --- the decision ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IncomingPayment:
    amount_minor: int
    currency: str
    date: dt.date
    title: str | None = None
    payer_name: str | None = None
    payer_account: str | None = None


@dataclass(frozen=True, slots=True)
class OpenInvoice:
    """An invoice of ``contractor_id`` with its instalments that still owe something."""

    invoice_id: int
    number: str
    contractor_id: int
    currency: str
    items: tuple[OpenItem, ...]

    @property
    def open_minor(self) -> int:
        return sum(i.open_minor for i in self.items)


@dataclass(frozen=True, slots=True)
class AccountSeen:
    contractor_id: int
    #: the latest payment from that account
    on: dt.date


@dataclass(frozen=True)
class Candidates:
    """What the book knows that may concern one payment (only the currency's open items)."""

    #: invoices by :func:`number_key` (paid ones too, with no items)
    invoices: Mapping[str, Sequence[OpenInvoice]] = field(default_factory=dict)
    #: contractors by NIP
    nips: Mapping[str, int] = field(default_factory=dict)
    #: contractors that paid from an account before
    accounts: Mapping[str, Sequence[AccountSeen]] = field(default_factory=dict)
    #: contractors by :func:`desktop_app.domain.text.search_key` of their name
    names: Mapping[str, Sequence[int]] = field(default_factory=dict)
    #: every open invoice of the contractors the other mappings name
    open_by_contractor: Mapping[int, Sequence[OpenInvoice]] = field(default_factory=dict)
    #: open invoices with an instalment of exactly the payment's amount (suggestions only)
    same_amount: Sequence[OpenInvoice] = ()


@dataclass(frozen=True, slots=True)
class Reason:
    """Why: a catalogue sentence (``N_``) and its values, rendered in the reader's language."""

    message: str
    values: Mapping[str, str]


BY_NUMBER = N_("invoice number {numbers} in the title")
BY_NIP = N_("payer's NIP {nip} in the title")
BY_ACCOUNT = N_("payer's account {account} seen on the payment of {seen_on}")
BY_NAME_AMOUNT = N_("payer {payer} and the exact amount of its open item {number}")
BY_NAME = N_("payer's name {payer}")
BY_AMOUNT = N_("exact amount of the open item {number}")
OLDEST_FIRST = N_("oldest debt first")
SAME_NUMBER_PAYER = N_("other contractors' invoices share the number; {number} is the payer's")
SAME_NUMBER_AMOUNT = N_(
    "other contractors' invoices share the number; {number} is of exactly the amount"
)


@dataclass(frozen=True, slots=True)
class Match:
    contractor_id: int
    #: allocation shares; ``key`` is the instalment's id
    shares: tuple[Share, ...]
    #: what is left for the contractor's credit
    credit_minor: int
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Suggestion:
    invoice: OpenInvoice
    reason: Reason


@dataclass(frozen=True, slots=True)
class Ambiguous:
    suggestions: tuple[Suggestion, ...]


Decision = Match | Ambiguous | None

#: suggestions shown for one payment, at most
MAX_SUGGESTIONS = 10


def _pay(payment: IncomingPayment, invoices: Sequence[OpenInvoice]) -> tuple[list[Share], int]:
    """Pay ``invoices`` one after another, each fully before the next; returns shares, rest."""
    left = payment.amount_minor
    shares: list[Share] = []
    for invoice in invoices:
        if left == 0:
            break
        paid, left = allocate([Available(payment.date, left)], invoice.items)
        shares.extend(paid)
    return shares, left


def _oldest_first(
    payment: IncomingPayment, invoices: Sequence[OpenInvoice]
) -> tuple[list[Share], int]:
    items = [i for inv in invoices for i in inv.items]
    return allocate([Available(payment.date, payment.amount_minor)], items)


def _exact(payment: IncomingPayment, invoices: Sequence[OpenInvoice]) -> OpenInvoice | None:
    """The one invoice with an instalment (or an open total) of exactly the amount, if one."""
    hits = [
        inv
        for inv in invoices
        if inv.open_minor == payment.amount_minor
        or any(i.open_minor == payment.amount_minor for i in inv.items)
    ]
    return hits[0] if len(hits) == 1 else None


def _payer(payment: IncomingPayment, candidates: Candidates) -> tuple[int, Reason] | None:
    """The contractor the payment's NIP in the title or its account seen before names, if one."""
    for nip in nips_in(payment.title):
        contractor_id = candidates.nips.get(nip)
        if contractor_id is not None:
            return contractor_id, Reason(BY_NIP, {"nip": nip})
    if payment.payer_account:
        seen = candidates.accounts.get(payment.payer_account, ())
        if len({s.contractor_id for s in seen}) == 1:
            latest = max(seen, key=lambda s: s.on)
            return latest.contractor_id, Reason(
                BY_ACCOUNT, {"account": payment.payer_account, "seen_on": latest.on.isoformat()}
            )
    return None


def _one_of_same_number(
    payment: IncomingPayment, same: Sequence[OpenInvoice], candidates: Candidates
) -> tuple[OpenInvoice, tuple[Reason, ...]] | None:
    """Of several invoices a title's number names, the payer's, else the one of exactly the
    amount; None when that still leaves several (or none)."""
    payer = _payer(payment, candidates)
    pool = list(same)
    why: tuple[Reason, ...] = ()
    if payer is not None:
        contractor_id, payer_reason = payer
        mine = [inv for inv in same if inv.contractor_id == contractor_id]
        if len(mine) == 1:
            return mine[0], (payer_reason, Reason(SAME_NUMBER_PAYER, {"number": mine[0].number}))
        if mine:
            pool, why = mine, (payer_reason,)
    exact = _exact(payment, pool)
    if exact is None:
        return None
    return exact, (*why, Reason(SAME_NUMBER_AMOUNT, {"number": exact.number}))


def _for_contractor(
    payment: IncomingPayment, contractor_id: int, reason: Reason, candidates: Candidates
) -> Match:
    invoices = [
        inv
        for inv in candidates.open_by_contractor.get(contractor_id, ())
        if inv.currency == payment.currency
    ]
    exact = _exact(payment, invoices)
    if exact is not None:
        items = [i for i in exact.items if i.open_minor == payment.amount_minor] or list(
            exact.items
        )
        shares, left = allocate([Available(payment.date, payment.amount_minor)], items)
        why = Reason(BY_AMOUNT, {"number": exact.number})
    else:
        shares, left = _oldest_first(payment, invoices)
        why = Reason(OLDEST_FIRST, {})
    return Match(contractor_id, tuple(shares), left, (reason, why) if shares else (reason,))


def _suggest(invoices: Sequence[OpenInvoice], reason: Reason) -> list[Suggestion]:
    return [Suggestion(inv, reason) for inv in invoices]


def _ambiguous(suggestions: list[Suggestion]) -> Ambiguous | None:
    seen: set[int] = set()
    unique = []
    for s in suggestions:
        if s.invoice.invoice_id not in seen and s.invoice.open_minor > 0:
            seen.add(s.invoice.invoice_id)
            unique.append(s)
    return Ambiguous(tuple(unique[:MAX_SUGGESTIONS])) if unique else None


def decide(payment: IncomingPayment, candidates: Candidates) -> Decision:
    """What the payment pays and why, or the suggestions for a person, or None."""
    suggestions: list[Suggestion] = []

    # 1. invoice numbers in the title
    named: list[OpenInvoice] = []
    written: list[str] = []
    tie_breaks: list[Reason] = []
    for found in numbers_in(payment.title):
        for key in found.keys:
            hits = [inv for inv in candidates.invoices.get(key, ()) if inv not in named]
            if not hits:
                continue
            same = [inv for inv in hits if inv.currency == payment.currency]
            chosen = _one_of_same_number(payment, same, candidates) if len(same) > 1 else None
            if len(same) == 1:
                named.append(same[0])
                written.append(same[0].number)
            elif chosen is not None:
                named.append(chosen[0])
                written.append(chosen[0].number)
                tie_breaks += chosen[1]
            else:
                suggestions += _suggest(hits, Reason(BY_NUMBER, {"numbers": found.written}))
            break
    if named:
        reason = Reason(BY_NUMBER, {"numbers": ", ".join(written)})
        if any(inv.open_minor == 0 for inv in named):
            # An invoice the title names is settled already, often because its source (KSeF's
            # "Zaplacono", an export's paid column) said so before the bank did: this may be
            # that same money, and as credit it would pay the next invoice twice over.
            return _ambiguous(_suggest(named, reason) + suggestions)
        owners = {inv.contractor_id for inv in named}
        if len(owners) == 1:
            shares, left = _pay(payment, named)
            return Match(owners.pop(), tuple(shares), left, (reason, *tie_breaks))
        return _ambiguous(_suggest(named, reason) + suggestions)

    # 2. the payer's NIP, 3. an account seen before
    payer = _payer(payment, candidates)
    if payer is not None:
        return _for_contractor(payment, *payer, candidates)
    if payment.payer_account:
        for s in candidates.accounts.get(payment.payer_account, ()):
            suggestions += _suggest(
                candidates.open_by_contractor.get(s.contractor_id, ()),
                Reason(BY_ACCOUNT, {"account": payment.payer_account, "seen_on": s.on.isoformat()}),
            )

    # 4. the payer's name with the exact amount
    if payment.payer_name:
        for contractor_id in candidates.names.get(search_key(payment.payer_name), ()):
            invoices = [
                inv
                for inv in candidates.open_by_contractor.get(contractor_id, ())
                if inv.currency == payment.currency
            ]
            exact = _exact(payment, invoices)
            if exact is not None and len(candidates.names[search_key(payment.payer_name)]) == 1:
                items = [i for i in exact.items if i.open_minor == payment.amount_minor] or list(
                    exact.items
                )
                shares, left = allocate([Available(payment.date, payment.amount_minor)], items)
                reason = Reason(
                    BY_NAME_AMOUNT, {"payer": payment.payer_name, "number": exact.number}
                )
                return Match(contractor_id, tuple(shares), left, (reason,))
            suggestions += _suggest(invoices, Reason(BY_NAME, {"payer": payment.payer_name}))

    # 5. the amount alone
    for inv in candidates.same_amount:
        if inv.currency == payment.currency:
            suggestions.append(Suggestion(inv, Reason(BY_AMOUNT, {"number": inv.number})))
    return _ambiguous(suggestions)
