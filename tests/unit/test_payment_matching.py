"""The matching rules: invoice numbers however a payer writes them, never a number's prefix."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from desktop_app.domain.allocation import OpenItem
from desktop_app.domain.payment_matching import (
    AccountSeen,
    Ambiguous,
    Candidates,
    IncomingPayment,
    Match,
    OpenInvoice,
    decide,
    nips_in,
    number_key,
    numbers_in,
)

D = dt.date

part = st.integers(min_value=1, max_value=99999).map(str)
parts = st.lists(part, min_size=2, max_size=4)
prefix = st.sampled_from(["FV ", "FV", "F-", "FV/", "", "Faktura nr ", "fv ", "FA "])
joiner = st.sampled_from(["/", " / ", "/ ", "-"])
before = st.sampled_from(["", "Zapłata za ", "Płatność ", "za fakturę: ", "(", "tytuł: "])
after = st.sampled_from(["", " dziękuję", ", pozdrawiam", ")", " r.", "."])


def keys(title: str) -> list[str]:
    return [k for found in numbers_in(title) for k in found.keys]


@given(prefix, parts, joiner, before, after)
def test_a_number_is_found_however_it_is_written(
    pre: str, numbers: list[str], join: str, head: str, tail: str
) -> None:
    stored = "FV " + "/".join(numbers)
    title = head + pre + join.join(numbers) + tail
    assert number_key(stored) in keys(title)


@given(prefix, parts, st.lists(part, min_size=1, max_size=2), before, after)
def test_a_number_never_matches_its_own_prefix_or_extension(
    pre: str, numbers: list[str], extra: list[str], head: str, tail: str
) -> None:
    short = "FV " + "/".join(numbers)
    long = short + "/" + "/".join(extra)
    assert number_key(short) not in keys(head + pre + "/".join(numbers + extra) + tail)
    assert number_key(long) not in keys(head + pre + "/".join(numbers) + tail)


@given(
    st.lists(parts, min_size=1, max_size=4, unique_by=tuple),
    st.sampled_from([", ", " i ", "; ", " "]),
)
def test_several_numbers_in_one_title_come_in_title_order(
    numbers: list[list[str]], sep: str
) -> None:
    title = sep.join("FV " + "/".join(n) for n in numbers)
    found = [f.keys[0] for f in numbers_in(title)]
    assert found == [number_key("/".join(n)) for n in numbers]


def test_lone_numbers_are_amounts_or_years_unless_named_as_invoices() -> None:
    assert keys("przelew 500 zl 2026") == []
    assert keys("faktura 123") == ["123"]
    assert keys("FV123") == ["123"]


def test_nips_written_the_usual_ways() -> None:
    assert nips_in("NIP: 526-025-02-74") == ("5260250274",)
    assert nips_in("PL5260250274 za FV 1/2") == ("5260250274",)
    assert nips_in("526 02 50 274") == ("5260250274",)
    assert nips_in("5260250275") == ()  # a bad check digit
    assert nips_in("12345678901234567890123456") == ()  # an account number is no NIP


def _invoice(invoice_id: int, number: str, contractor: int, *amounts: int) -> OpenInvoice:
    items = tuple(
        OpenItem(invoice_id * 10 + i, amount, D(2026, 11, 1 + i), D(2026, 10, 1))
        for i, amount in enumerate(amounts)
    )
    return OpenInvoice(invoice_id, number, contractor, "PLN", items)


def _pay(amount: int, title: str = "", **kw: str) -> IncomingPayment:
    return IncomingPayment(amount, "PLN", D(2026, 11, 20), title=title, **kw)


@given(
    st.lists(st.integers(min_value=1, max_value=10**7), min_size=1, max_size=4),
    st.integers(min_value=1, max_value=5 * 10**7),
)
def test_named_invoices_are_paid_in_title_order_and_the_rest_is_credit(
    opens: list[int], amount: int
) -> None:
    invoices = [_invoice(i + 1, f"FV {i + 1}/11/2026", 7, o) for i, o in enumerate(opens)]
    title = ", ".join(inv.number for inv in reversed(invoices))
    candidates = Candidates(invoices={number_key(i.number) or "": [i] for i in invoices})
    decision = decide(_pay(amount, title), candidates)
    assert isinstance(decision, Match)
    assert decision.contractor_id == 7
    paid = sum(s.amount_minor for s in decision.shares)
    assert paid + decision.credit_minor == amount
    order = [s.key // 10 for s in decision.shares]
    assert order == sorted(order, reverse=True)  # title order: the last invoice first
    assert paid == min(amount, sum(opens))


def test_a_title_naming_an_invoice_already_paid_is_left_for_a_person() -> None:
    # KSeF said FV 1 was paid (Zaplacono); the bank line of that money must not become credit
    # that pays FV 2 as well
    paid = OpenInvoice(1, "FV 1/11/2026", 7, "PLN", ())
    other = _invoice(2, "FV 2/11/2026", 7, 50_000)
    candidates = Candidates(
        invoices={number_key(paid.number) or "": [paid], number_key(other.number) or "": [other]},
        open_by_contractor={7: [other]},
    )
    assert decide(_pay(50_000, "zapłata za FV 1/11/2026"), candidates) is None
    named_both = decide(_pay(100_000, "FV 1/11/2026 i FV 2/11/2026"), candidates)
    assert isinstance(named_both, Ambiguous)
    assert [s.invoice.number for s in named_both.suggestions] == ["FV 2/11/2026"]


def test_account_seen_before_and_exact_amount_pick_the_item() -> None:
    a = _invoice(1, "FV 1/10/2026", 3, 10_000)
    b = _invoice(2, "FV 2/10/2026", 3, 25_000)
    candidates = Candidates(
        accounts={"PL1": [AccountSeen(3, D(2026, 10, 3))]}, open_by_contractor={3: [a, b]}
    )
    decision = decide(_pay(25_000, "przelew", payer_account="PL1"), candidates)
    assert isinstance(decision, Match)
    assert [s.key for s in decision.shares] == [20]
    assert decision.reasons[0].values["seen_on"] == "2026-10-03"
    # a payer whose account two contractors used is for a person
    two = Candidates(
        accounts={"PL1": [AccountSeen(3, D(2026, 10, 3)), AccountSeen(4, D(2026, 9, 1))]},
        open_by_contractor={3: [a, b]},
    )
    assert isinstance(decide(_pay(25_000, "", payer_account="PL1"), two), Ambiguous)


def test_the_amount_alone_only_suggests() -> None:
    a = _invoice(1, "FV 1/10/2026", 3, 10_000)
    decision = decide(_pay(10_000, "dziękuję"), Candidates(same_amount=[a]))
    assert isinstance(decision, Ambiguous)
    assert decision.suggestions[0].invoice == a
    assert decide(_pay(10_000, "dziękuję"), Candidates()) is None


def test_a_number_shared_by_two_contractors_goes_to_the_payer_then_to_the_exact_amount() -> None:
    # "FV 1/11/2026" and "FV/1/11/2026" of two contractors have the same number key
    ours = _invoice(1, "FV 1/11/2026", 3, 442_800)
    theirs = _invoice(2, "FV/1/11/2026", 4, 100_000)
    both = {number_key(ours.number) or "": [ours, theirs]}

    exact = decide(_pay(442_800, "FV 1/11/2026"), Candidates(invoices=both))
    assert isinstance(exact, Match)
    assert (exact.contractor_id, [s.key for s in exact.shares]) == (3, [10])
    assert [r.values for r in exact.reasons] == [
        {"numbers": "FV 1/11/2026"},
        {"number": "FV 1/11/2026"},
    ]

    # the payer known by its account wins even when the other invoice has the exact amount
    by_account = Candidates(
        invoices=both,
        accounts={"PL9": [AccountSeen(4, D(2026, 10, 3))]},
        open_by_contractor={4: [theirs]},
    )
    payer = decide(_pay(442_800, "FV 1/11/2026", payer_account="PL9"), by_account)
    assert isinstance(payer, Match)
    assert (payer.contractor_id, payer.credit_minor) == (4, 342_800)
    assert payer.reasons[1].values == {"account": "PL9", "seen_on": "2026-10-03"}

    # and so does the payer named by its NIP
    by_nip = Candidates(invoices=both, nips={"5260250274": 4})
    nip = decide(_pay(100_000, "FV 1/11/2026 NIP 5260250274"), by_nip)
    assert isinstance(nip, Match) and nip.contractor_id == 4

    # neither the payer nor an exact amount tells them apart: a person decides
    neither = decide(_pay(50_000, "FV 1/11/2026"), Candidates(invoices=both))
    assert isinstance(neither, Ambiguous)
    assert {s.invoice.invoice_id for s in neither.suggestions} == {1, 2}
    twins = {number_key(ours.number) or "": [ours, _invoice(2, "FV/1/11/2026", 4, 442_800)]}
    assert isinstance(decide(_pay(442_800, "FV 1/11/2026"), Candidates(invoices=twins)), Ambiguous)
