"""The allocation rules and the definition of "open as of a date" (domain, no database)."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import assume, given
from hypothesis import strategies as st

from desktop_app.domain.allocation import (
    CorrectableItem,
    Credit,
    OpenItem,
    Recorded,
    Reduction,
    Release,
    Share,
    allocate,
    apply_credit,
    payment_order,
    reduce_by_correction,
    release_excess,
)
from desktop_app.domain.receivables import (
    LATEST,
    AllocationFact,
    Available,
    Balance,
    CreditItem,
    OwedItem,
    balances_as_of,
    counts_on,
    credit_as_of,
    credit_available,
    open_as_of,
    released_as_of,
    settled_on,
)

D = dt.date
START = D(2026, 1, 1)
days = st.integers(min_value=0, max_value=60).map(lambda n: START + dt.timedelta(days=n))


def test_allocate_pays_oldest_due_first_and_returns_the_rest() -> None:
    items = [
        OpenItem(3, 400, D(2026, 2, 1), D(2026, 1, 1)),
        OpenItem(1, 1000, D(2026, 1, 15), D(2026, 1, 1)),
        OpenItem(2, 300, D(2026, 1, 15), D(2025, 12, 20)),  # same due day, older invoice
    ]
    shares, left = allocate([Available(D(2026, 1, 20), 1500)], items)
    assert shares == [
        Share(2, 300, D(2026, 1, 20)),
        Share(1, 1000, D(2026, 1, 20)),
        Share(3, 200, D(2026, 1, 20)),
    ]
    assert left == 0
    assert allocate([Available(D(2026, 1, 20), 2000)], items)[1] == 300


def test_old_money_counts_from_the_later_invoice_date() -> None:
    item = OpenItem(7, 80_00, D(2026, 2, 15), D(2026, 2, 1))
    shares, left = allocate([Available(D(2026, 1, 5), 50_00)], [item])
    assert (shares, left) == ([Share(7, 50_00, D(2026, 2, 1))], 0)


def test_credit_freed_by_a_correction_counts_from_the_day_it_was_freed() -> None:
    # 120.00 received on 01-05 paid 100.00; on 01-20 a correction freed 30.00 of it
    allocations = [
        AllocationFact(100_00, D(2026, 1, 5), released_on=D(2026, 1, 20)),
        AllocationFact(70_00, D(2026, 1, 20)),
    ]
    available = credit_available(120_00, allocations, received=D(2026, 1, 5))
    assert available == (Available(D(2026, 1, 5), 20_00), Available(D(2026, 1, 20), 30_00))
    item = OpenItem(9, 45_00, D(2026, 1, 10), D(2025, 12, 1))
    shares, left = allocate(available, [item])
    assert shares == [Share(9, 20_00, D(2026, 1, 5)), Share(9, 25_00, D(2026, 1, 20))]
    assert left == 5_00


open_items = st.lists(
    st.builds(
        OpenItem,
        key=st.integers(min_value=0, max_value=10**6),
        open_minor=st.integers(min_value=0, max_value=10**8),
        due_date=days,
        issued=days,
    ),
    max_size=12,
    unique_by=lambda i: i.key,
)


@given(st.integers(min_value=0, max_value=10**9), days, open_items)
def test_allocate_conserves_money_and_fills_in_payment_order(
    amount: int, received: dt.date, items: list[OpenItem]
) -> None:
    shares, left = allocate([Available(received, amount)], items)
    assert sum(s.amount_minor for s in shares) + left == amount
    by_key = {i.key: i for i in items}
    assert all(0 < s.amount_minor <= by_key[s.key].open_minor for s in shares)
    assert all(s.effective_date == max(received, by_key[s.key].issued) for s in shares)
    ordered = sorted(items, key=payment_order)
    paid = {s.key: s.amount_minor for s in shares}
    # an item gets money only when every item before it is paid in full
    for earlier, later in itertools.pairwise(ordered):
        if paid.get(later.key):
            assert paid.get(earlier.key, 0) == earlier.open_minor
    assert left == 0 or sum(paid.values()) == sum(i.open_minor for i in items)


@given(
    st.lists(
        st.builds(
            Credit,
            key=st.integers(min_value=0, max_value=10**6),
            received=days,
            available=st.lists(
                st.builds(Available, days, st.integers(min_value=1, max_value=10**6)),
                min_size=1,
                max_size=3,
            ).map(lambda parts: tuple(sorted(parts, key=lambda p: p.since))),
        ),
        max_size=6,
        unique_by=lambda c: c.key,
    ),
    open_items,
)
def test_credit_is_spent_oldest_first_as_successive_payments(
    credits: list[Credit], items: list[OpenItem]
) -> None:
    spent = dict(apply_credit(credits, items))
    remaining = {i.key: i for i in items}
    for credit in sorted(credits, key=lambda c: (c.received, c.key)):
        shares, _left = allocate(credit.available, remaining.values())
        assert spent.get(credit.key, []) == shares
        for share in shares:
            item = remaining[share.key]
            remaining[share.key] = OpenItem(
                item.key, item.open_minor - share.amount_minor, item.due_date, item.issued
            )


def test_correction_reduces_latest_due_first_and_releases_latest_payments() -> None:
    items = [
        CorrectableItem(
            1, 1, D(2026, 9, 15), 600, (Recorded(11, 600, D(2026, 9, 14), None, True),)
        ),
        CorrectableItem(
            2,
            2,
            D(2026, 10, 15),
            400,
            (
                Recorded(12, 100, D(2026, 9, 20), None, True),
                Recorded(13, 200, D(2026, 9, 25), None, True),
            ),
        ),
    ]
    reductions = reduce_by_correction(500, D(2026, 10, 1), D(2026, 9, 1), items)
    assert reductions == [
        Reduction(
            2,
            400,
            D(2026, 10, 1),
            (Release(13, 200, 0, D(2026, 10, 1)), Release(12, 100, 0, D(2026, 10, 1))),
        ),
        Reduction(1, 100, D(2026, 10, 1), (Release(11, 100, 500, D(2026, 10, 1)),)),
    ]


def test_a_correction_dated_before_an_earlier_release_counts_once_there_is_room() -> None:
    # 100.00 paid on 09-01; a correction of 10-01 took 50.00 off and kept 50.00 of the payment
    item = CorrectableItem(
        1,
        1,
        D(2026, 9, 15),
        100_00,
        (
            Recorded(1, 100_00, D(2026, 9, 1), D(2026, 10, 1), True),
            Recorded(2, 50_00, D(2026, 10, 1), None, True),
            Recorded(3, 50_00, D(2026, 10, 1), None, False),
        ),
    )
    # a correction dated 09-10 cannot take 20.00 off before 10-01: the whole 100.00 counted
    # until then, and counting the reduction too would count 120.00 of a 100.00 instalment
    (reduction,) = reduce_by_correction(20_00, D(2026, 9, 10), D(2026, 9, 1), [item])
    assert reduction == Reduction(
        1, 20_00, D(2026, 10, 1), (Release(2, 20_00, 30_00, D(2026, 10, 1)),)
    )


def _counted(allocations: list[AllocationFact], day: dt.date) -> int:
    return sum(a.amount_minor for a in allocations if counts_on(a, day))


def _change_days(allocations: list[AllocationFact]) -> set[dt.date]:
    return {START} | {d for a in allocations for d in (a.effective_date, a.released_on) if d}


@st.composite
def correctable(draw: st.DrawFn) -> CorrectableItem:
    amount = draw(st.integers(min_value=1, max_value=1_000))
    recorded = draw(
        st.lists(
            st.builds(
                Recorded,
                key=st.integers(0, 10**6),
                amount_minor=st.integers(min_value=1, max_value=600),
                effective_date=days,
                released_on=st.none() | days,
                paid=st.booleans(),
            ),
            max_size=5,
            unique_by=lambda a: a.key,
        )
    )
    facts = [AllocationFact(a.amount_minor, a.effective_date, a.released_on) for a in recorded]
    # a state the ledger can be in: no day counts more than the amount
    assume(all(_counted(facts, day) <= amount for day in _change_days(facts)))
    return CorrectableItem(
        key=draw(st.integers(min_value=0, max_value=10**6)),
        seq=draw(st.integers(min_value=1, max_value=9)),
        due_date=draw(days),
        amount_minor=amount,
        allocations=tuple(recorded),
    )


@given(
    st.integers(min_value=0, max_value=3_000),
    days,
    days,
    st.lists(correctable(), max_size=3, unique_by=(lambda i: i.key, lambda i: i.seq)),
)
def test_a_correction_takes_only_what_is_left_and_never_counts_money_twice(
    amount: int, day: dt.date, issued: dt.date, items: list[CorrectableItem]
) -> None:
    reductions = reduce_by_correction(amount, day, issued, items)
    by_key = {i.key: i for i in items}

    def active(item: CorrectableItem, paid: bool | None = None) -> int:
        return sum(
            a.amount_minor
            for a in item.allocations
            if a.released_on is None and (paid is None or a.paid == paid)
        )

    assert sum(r.amount_minor for r in reductions) == min(
        amount, sum(i.amount_minor - active(i, paid=False) for i in items)
    )
    for reduction in reductions:
        item = by_key[reduction.key]
        assert 0 < reduction.amount_minor <= item.amount_minor - active(item, paid=False)
        assert reduction.effective_date >= max(day, issued)
        freed = sum(r.freed_minor for r in reduction.releases)
        assert freed == max(0, reduction.amount_minor - (item.amount_minor - active(item)))
        # record it as the ledger does, then count every day again
        recorded = {a.key: a for a in item.allocations}
        after = [
            AllocationFact(a.amount_minor, a.effective_date, a.released_on)
            for a in item.allocations
            if a.key not in {r.key for r in reduction.releases}
        ]
        for release in reduction.releases:
            share = recorded[release.key]
            assert share.paid and share.released_on is None
            assert release.freed_minor + release.kept_minor == share.amount_minor
            assert release.kept_from == max(reduction.effective_date, share.effective_date)
            after.append(
                AllocationFact(share.amount_minor, share.effective_date, reduction.effective_date)
            )
            if release.kept_minor:
                after.append(AllocationFact(release.kept_minor, release.kept_from))
        after.append(AllocationFact(reduction.amount_minor, reduction.effective_date))
        assert all(_counted(after, d) <= item.amount_minor for d in _change_days(after))


def test_open_as_of_honours_issue_effective_and_release_dates() -> None:
    facts = [
        AllocationFact(100, D(2026, 1, 10), released_on=D(2026, 3, 1)),
        AllocationFact(70, D(2026, 3, 1)),
        AllocationFact(30, D(2026, 3, 1)),
    ]
    issued = D(2026, 1, 2)
    assert open_as_of(100, facts, D(2026, 1, 1), issued=issued) == 0  # not issued yet
    assert open_as_of(100, facts, D(2026, 1, 9), issued=issued) == 100
    assert open_as_of(100, facts, D(2026, 2, 28), issued=issued) == 0
    assert open_as_of(100, facts, D(2026, 3, 1), issued=issued) == 0
    assert settled_on(100, facts, issued=issued) == D(2026, 3, 1)
    assert released_as_of(facts[0], D(2026, 2, 28)) is None
    assert released_as_of(facts[0], D(2026, 3, 1)) == D(2026, 3, 1)


def test_credit_as_of_counts_only_allocations_in_force_that_day() -> None:
    facts = [AllocationFact(100_00, D(2026, 1, 5)), AllocationFact(50_00, D(2026, 2, 1))]
    received = D(2026, 1, 5)
    assert credit_as_of(150_00, facts, D(2026, 1, 4), received=received) == 0
    assert credit_as_of(150_00, facts, D(2026, 1, 10), received=received) == 50_00
    assert credit_as_of(150_00, facts, D(2026, 2, 1), received=received) == 0
    assert credit_as_of(150_00, facts, LATEST, received=received) == 0


facts = st.lists(
    st.builds(
        AllocationFact,
        amount_minor=st.integers(min_value=1, max_value=500),
        effective_date=days,
        released_on=st.none() | days,
    ),
    max_size=6,
)


@given(st.integers(min_value=0, max_value=1000), facts, days, days)
def test_settled_on_is_a_day_from_which_nothing_is_open(
    amount: int, allocations: list[AllocationFact], issued: dt.date, as_of: dt.date
) -> None:
    settled = settled_on(amount, allocations, issued=issued)
    cached_open = open_as_of(amount, allocations, LATEST, issued=issued)
    assert (settled is None) == (cached_open > 0)
    if settled is not None and as_of >= settled:
        assert open_as_of(amount, allocations, as_of, issued=issued) == 0


def test_balances_per_currency_as_of_a_day() -> None:
    today = D(2026, 11, 22)
    balances = balances_as_of(
        [
            OwedItem("PLN", 100, D(2026, 11, 21)),
            OwedItem("PLN", 50, today),  # due today: not overdue
            OwedItem("EUR", 26_892, D(2026, 10, 1)),
            OwedItem("USD", 0, D(2026, 1, 1)),
        ],
        [CreditItem("PLN", 7), CreditItem("CHF", 0)],
        today,
    )
    assert balances == (
        Balance("EUR", 26_892, 26_892, 52, 0),
        Balance("PLN", 150, 100, 1, 7),
    )


def test_a_restated_instalment_releases_only_the_excess_latest_first() -> None:
    recorded = [
        Recorded(1, 300, D(2026, 10, 1), None, True),
        Recorded(2, 500, D(2026, 10, 5), None, True),
        Recorded(3, 400, D(2026, 10, 9), D(2026, 10, 9), True),  # undone: counts no day
    ]
    # room for 600 of the 800 set against it: the latest allocation gives back 200
    assert release_excess(600, recorded) == [Release(2, 200, 300, D(2026, 10, 5))]
    assert release_excess(200, recorded) == [
        Release(2, 500, 0, D(2026, 10, 5)),
        Release(1, 100, 200, D(2026, 10, 1)),
    ]
    assert release_excess(800, recorded) == release_excess(1_000, recorded) == []
