"""Entry by hand: editing and deleting contractors, invoices and payments (with undo), and a
payment's allocation chosen before it is saved; on a real SQLite file through the services."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from db.models import Activity, Base, User
from db.uow import Database
from desktop_app.domain.money import format_money
from desktop_app.errors import ConflictError, NotFoundError, ValidationError
from desktop_app.services import contractors, deletion, invoices, payments, views
from desktop_app.services.database import open_database
from tests.helpers import D, assert_ledger_consistent, contractor, invoice, pay

TODAY = D(2026, 11, 22)


def _open(db: Database, cid: int, today: Any = TODAY) -> dict[str, list[int]]:
    card = views.contractor_card(db, cid, today)
    return {i.number: [p.open_minor for p in i.instalments] for i in card.invoices}


def _dump(db: Database) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table but the activity log (deleting and undoing write to it)."""
    with db.read() as session:
        return {
            t.name: sorted(
                (dict(r) for r in session.execute(select(t)).mappings()),
                key=lambda r: tuple(str(r[c.name]) for c in t.primary_key.columns),
            )
            for t in Base.metadata.sorted_tables
            if t.name != Activity.__tablename__
        }


# -- contractors ---------------------------------------------------------------------------------


def test_edit_contractor_replaces_every_field(db: Database) -> None:
    with db.write() as session:
        session.add(User(login="anna", full_name="Anna Nowak"))
    cid = contractor(db, "Alfa", "5260250274", emails=["a@alfa.pl"], tags=["stary"])
    data = views.contractor_input(views.get_contractor(db, cid))
    data.name = "Alfa Sp. z o.o."
    data.nip = "PL 774-000-14-54"
    data.emails = ["biuro@alfa.pl", "ksiegowosc@alfa.pl"]
    data.phones = ["501 234 567", "+48 22 765 43 21"]
    data.terms_days = 30
    data.language = "en"
    data.assigned_user_id = 1
    data.tags = ["budowlanka", "VIP"]
    contractors.edit_contractor(db, cid, data)
    view = views.get_contractor(db, cid)
    assert view.name == "Alfa Sp. z o.o."
    assert view.nip == "7740001454"
    assert view.emails == ("biuro@alfa.pl", "ksiegowosc@alfa.pl")
    assert view.phones == ("+48501234567", "+48227654321")
    assert (view.terms_days, view.language, view.assigned_user_id) == (30, "en", 1)
    assert view.tags == ("VIP", "budowlanka")


def test_edit_contractor_refuses_a_bad_nip_another_contractors_nip_or_an_unknown_user(
    db: Database,
) -> None:
    cid = contractor(db, "Alfa", "5260250274")
    contractor(db, "Beta", "7740001454")
    data = views.contractor_input(views.get_contractor(db, cid))
    data.nip = "5260250275"
    with pytest.raises(ValidationError) as bad:
        contractors.edit_contractor(db, cid, data)
    assert bad.value.field == "nip"
    data.nip = "7740001454"
    with pytest.raises(ConflictError) as taken:
        contractors.edit_contractor(db, cid, data)
    assert taken.value.field == "nip"
    data.nip = "5260250274"  # its own NIP is not a conflict
    data.assigned_user_id = 99
    with pytest.raises(NotFoundError) as user:
        contractors.edit_contractor(db, cid, data)
    assert user.value.field == "assigned_user"


def test_delete_contractor_only_without_invoices_and_payments_and_undo_restores_it(
    db: Database,
) -> None:
    busy = contractor(db, "Beta", "7740001454")
    invoice(db, busy, "FV/1", D(2026, 9, 1), (D(2026, 9, 15), 10_000))
    with pytest.raises(ConflictError):
        deletion.delete_contractor(db, busy)
    cid = contractor(
        db, "Alfa", "5260250274", emails=["a@alfa.pl"], phones=["501234567"], tags=["VIP"]
    )
    before = _dump(db)
    deleted = deletion.delete_contractor(db, cid)
    with pytest.raises(NotFoundError):
        views.get_contractor(db, cid)
    deletion.undo(db, deleted)
    assert _dump(db) == before


# -- invoices ------------------------------------------------------------------------------------


def _edit(db: Database, ref: str, **changes: Any) -> invoices.InvoiceInput:
    view = views.find_invoice(db, ref, TODAY)
    data = invoices.InvoiceInput(
        contractor=view.contractor_id,
        number=view.number,
        issue_date=view.issue_date,
        sale_date=view.sale_date,
        currency=view.currency,
        instalments=[
            invoices.InstalmentInput(p.due_date, p.amount_minor, p.id) for p in view.instalments
        ],
        kind=view.kind,
        corrects=view.corrects,
    )
    for name, value in changes.items():
        setattr(data, name, value)
    return data


def test_edit_invoice_number_dates_and_instalments(db: Database) -> None:
    cid = contractor(db)
    invoice(db, cid, "FV/1", D(2026, 9, 1), (D(2026, 9, 15), 100_000))
    view = views.find_invoice(db, "FV/1", TODAY)
    data = _edit(
        db,
        "FV/1",
        number="FV/1/2026",
        issue_date=D(2026, 9, 2),
        sale_date=D(2026, 9, 1),
        instalments=[
            invoices.InstalmentInput(D(2026, 10, 15), 40_000),
            invoices.InstalmentInput(D(2026, 9, 30), 60_000, view.instalments[0].id),
        ],
    )
    invoices.edit_invoice(db, "FV/1", data)
    edited = views.find_invoice(db, "FV/1/2026", TODAY)
    assert (edited.issue_date, edited.sale_date, edited.gross_minor) == (
        D(2026, 9, 2),
        D(2026, 9, 1),
        100_000,
    )
    assert [(p.seq, p.due_date, p.amount_minor) for p in edited.instalments] == [
        (1, D(2026, 9, 30), 60_000),
        (2, D(2026, 10, 15), 40_000),
    ]
    assert edited.instalments[0].id == view.instalments[0].id
    assert_ledger_consistent(db)


def test_edit_invoice_refuses_what_contradicts_recorded_payments(db: Database) -> None:
    cid = contractor(db)
    other = contractor(db, "Beta", "7740001454")
    invoice(db, cid, "FV/1", D(2026, 9, 1), (D(2026, 9, 15), 60_000), (D(2026, 10, 15), 40_000))
    pay(db, cid, D(2026, 9, 20), 70_000)  # 60 000 on the first, 10 000 on the second
    view = views.find_invoice(db, "FV/1", TODAY)
    first, second = view.instalments
    lower = [
        invoices.InstalmentInput(first.due_date, 60_000, first.id),
        invoices.InstalmentInput(second.due_date, 5_000, second.id),
    ]
    with pytest.raises(ValidationError, match="already paid"):
        invoices.edit_invoice(db, "FV/1", _edit(db, "FV/1", instalments=lower))
    without_paid = [invoices.InstalmentInput(second.due_date, 40_000, second.id)]
    with pytest.raises(ValidationError, match="cannot be removed"):
        invoices.edit_invoice(db, "FV/1", _edit(db, "FV/1", instalments=without_paid))
    later = [
        invoices.InstalmentInput(D(2026, 9, 25), 60_000, first.id),
        invoices.InstalmentInput(second.due_date, 40_000, second.id),
    ]
    with pytest.raises(ValidationError, match="cannot be later"):
        invoices.edit_invoice(
            db, "FV/1", _edit(db, "FV/1", issue_date=D(2026, 9, 21), instalments=later)
        )
    with pytest.raises(ValidationError) as moved:
        invoices.edit_invoice(db, "FV/1", _edit(db, "FV/1", contractor=other))
    assert moved.value.field == "contractor"
    assert _open(db, cid) == {"FV/1": [0, 30_000]}  # nothing changed
    # lowering to exactly what is paid is fine: the instalment is then settled
    settle = [
        invoices.InstalmentInput(first.due_date, 60_000, first.id),
        invoices.InstalmentInput(second.due_date, 10_000, second.id),
    ]
    invoices.edit_invoice(db, "FV/1", _edit(db, "FV/1", instalments=settle))
    assert _open(db, cid) == {"FV/1": [0, 0]}
    assert_ledger_consistent(db)


def test_a_raised_invoice_is_paid_by_the_contractors_credit(db: Database) -> None:
    cid = contractor(db)
    invoice(db, cid, "FV/1", D(2026, 9, 1), (D(2026, 9, 15), 10_000))
    pay(db, cid, D(2026, 9, 10), 15_000)  # 5 000 credit
    view = views.find_invoice(db, "FV/1", TODAY)
    raised = [invoices.InstalmentInput(D(2026, 9, 15), 12_000, view.instalments[0].id)]
    invoices.edit_invoice(db, "FV/1", _edit(db, "FV/1", instalments=raised))
    assert _open(db, cid) == {"FV/1": [0]}
    assert views.contractor_card(db, cid, TODAY).balance("PLN").credit_minor == 3_000
    assert_ledger_consistent(db)


def test_delete_invoice_frees_its_payment_as_credit_and_undo_restores_everything(
    db: Database,
) -> None:
    cid = contractor(db)
    invoice(db, cid, "FV/1", D(2026, 9, 1), (D(2026, 9, 15), 10_000))
    invoice(db, cid, "FV/2", D(2026, 9, 5), (D(2026, 9, 30), 8_000))
    pay(db, cid, D(2026, 9, 10), 10_000)  # pays FV/1
    before = _dump(db)
    deleted = deletion.delete_invoice(db, "FV/1")
    # the money that paid FV/1 now pays FV/2, from FV/2's... payment date on; 2 000 left over
    assert _open(db, cid) == {"FV/2": [0]}
    card = views.contractor_card(db, cid, TODAY)
    assert card.balance("PLN").credit_minor == 2_000
    assert_ledger_consistent(db)
    deletion.undo(db, deleted)
    assert _dump(db) == before
    assert _open(db, cid) == {"FV/2": [8_000], "FV/1": [0]}


def test_an_invoice_with_a_correction_is_deleted_after_its_correction(db: Database) -> None:
    cid = contractor(db)
    invoice(db, cid, "FV/1", D(2026, 9, 1), (D(2026, 9, 15), 10_000))
    invoices.add_invoice(
        db,
        invoices.InvoiceInput(
            contractor=cid,
            number="KOR/1",
            issue_date=D(2026, 9, 20),
            currency="PLN",
            instalments=[],
            kind="correction",
            corrects="FV/1",
            gross_minor=-4_000,
        ),
    )
    with pytest.raises(ConflictError, match="KOR/1"):
        deletion.delete_invoice(db, "FV/1")
    before = _dump(db)
    deleted = deletion.delete_invoice(db, "KOR/1")
    assert _open(db, cid) == {"FV/1": [10_000]}
    deletion.undo(db, deleted)
    assert _dump(db) == before
    assert _open(db, cid) == {"FV/1": [6_000], "KOR/1": []}


# -- payments ------------------------------------------------------------------------------------


def test_delete_payment_reopens_what_it_paid_from_its_date_on(db: Database) -> None:
    cid = contractor(db)
    invoice(db, cid, "FV/1", D(2026, 9, 1), (D(2026, 9, 15), 10_000))
    invoice(db, cid, "FV/2", D(2026, 9, 2), (D(2026, 9, 16), 10_000))
    first = pay(db, cid, D(2026, 9, 20), 10_000)  # FV/1
    pay(db, cid, D(2026, 10, 5), 4_000)  # FV/2 partly
    before = _dump(db)
    as_of_sept = _open(db, cid, D(2026, 9, 19))
    deleted = deletion.delete_payment(db, first)
    assert deleted.sentence() == f"Payment of {format_money(10_000, 'PLN')} deleted"
    assert _open(db, cid) == {"FV/2": [6_000], "FV/1": [10_000]}
    assert _open(db, cid, D(2026, 9, 19)) == as_of_sept  # earlier dates are as they were
    assert_ledger_consistent(db)
    deletion.undo(db, deleted)
    assert _dump(db) == before
    with pytest.raises(NotFoundError):
        deletion.delete_payment(db, 999)


def test_undo_is_refused_once_the_freed_money_was_spent_again(db: Database) -> None:
    cid = contractor(db)
    invoice(db, cid, "FV/1", D(2026, 9, 1), (D(2026, 9, 15), 10_000))
    pay(db, cid, D(2026, 9, 10), 10_000)
    deleted = deletion.delete_invoice(db, "FV/1")  # the 10 000 is credit again
    invoice(db, cid, "FV/9", D(2026, 10, 1), (D(2026, 10, 15), 10_000))  # and pays FV/9
    before = _dump(db)
    with pytest.raises(ConflictError, match="no longer be undone"):
        deletion.undo(db, deleted)
    assert _dump(db) == before


def test_payment_preview_and_a_chosen_allocation(db: Database) -> None:
    cid = contractor(db)
    invoice(db, cid, "FV/1", D(2026, 9, 1), (D(2026, 9, 15), 10_000))
    invoice(db, cid, "FV/2", D(2026, 9, 5), (D(2026, 9, 30), 8_000), (D(2026, 10, 30), 8_000))
    preview = payments.preview_payment(db, cid, D(2026, 10, 1), 15_000, "PLN")
    assert [(line.invoice_number, line.seq, line.proposed_minor) for line in preview.lines] == [
        ("FV/1", 1, 10_000),
        ("FV/2", 1, 5_000),
        ("FV/2", 2, 0),
    ]
    assert preview.credit_minor == 0
    chosen = [(preview.lines[2].instalment_id, 8_000), (preview.lines[1].instalment_id, 5_000)]
    pid = payments.add_payment(
        db,
        payments.PaymentInput(
            contractor=cid, date=D(2026, 10, 1), amount_minor=15_000, chosen=chosen
        ),
    )
    assert _open(db, cid) == {"FV/2": [3_000, 0], "FV/1": [10_000]}
    assert views.get_payment(db, pid).unallocated_minor == 2_000
    assert_ledger_consistent(db)
    too_much = [(preview.lines[0].instalment_id, 10_001)]
    with pytest.raises(ValidationError) as refused:
        payments.add_payment(
            db,
            payments.PaymentInput(
                contractor=cid, date=D(2026, 10, 2), amount_minor=20_000, chosen=too_much
            ),
        )
    assert refused.value.field == "allocation"
    assert "FV/1" in refused.value.message


@pytest.mark.postgres
def test_delete_and_undo_are_exact_on_postgres(pg_url: str) -> None:
    pg = open_database(pg_url)
    try:
        cid = contractor(pg, "Alfa", "5260250274", emails=["a@alfa.pl"], tags=["VIP"])
        invoice(pg, cid, "FV/1", D(2026, 9, 1), (D(2026, 9, 15), 10_000))
        invoice(pg, cid, "FV/2", D(2026, 9, 5), (D(2026, 9, 30), 8_000))
        first = pay(pg, cid, D(2026, 9, 10), 10_000)
        before = _dump(pg)
        deletion.undo(pg, deletion.delete_invoice(pg, "FV/1"))
        assert _dump(pg) == before
        deletion.undo(pg, deletion.delete_payment(pg, first))
        assert _dump(pg) == before
        other = contractor(pg, "Beta", "7740001454", phones=["501234567"])
        before = _dump(pg)
        deletion.undo(pg, deletion.delete_contractor(pg, other))
        assert _dump(pg) == before
        invoice(pg, other, "FV/3", D(2026, 10, 1), (D(2026, 10, 15), 1_000))  # ids go on
    finally:
        pg.dispose()
