"""The caller lookup and the quick-find box's answers, on a real database."""

from __future__ import annotations

import datetime as dt

import pytest

from db.uow import Database
from desktop_app.errors import ValidationError
from desktop_app.services import lookup
from desktop_app.services.contractors import ContactPersonInput
from tests.helpers import contractor, invoice

D = dt.date


def _ids(hits: list[lookup.Hit]) -> list[int]:
    return [h.contractor_id for h in hits]


def test_a_caller_is_found_by_the_number_the_exchange_sends(db: Database) -> None:
    alfa = contractor(db, "Alfa Sp. z o.o.", "5260250274", phones=["501 234 567"])
    beta = contractor(
        db,
        "Beta S.A.",
        persons=[ContactPersonInput("Anna Nowak", phone="+48 600 100 200")],
    )
    contractor(db, "Gamma s.c.", phones=["+48 22 765 43 21"])
    with db.read() as session:
        for sent in ("+48501234567", "0048 501-234-567", "501234567", "0501234567"):
            assert _ids(lookup.by_phone(session, sent)) == [alfa], sent
        # a contact person's number finds the firm
        assert _ids(lookup.by_phone(session, "600100200")) == [beta]
        assert lookup.by_phone(session, "+48 700 000 000") == []
        assert lookup.by_phone(session, "anonymous") == []


def test_one_number_shared_by_two_contractors_finds_both(db: Database) -> None:
    alfa = contractor(db, "Alfa", phones=["501 234 567"])
    beta = contractor(db, "Beta", phones=["+48501234567"])
    with db.read() as session:
        assert _ids(lookup.by_phone(session, "501 234 567")) == [alfa, beta]


def test_a_nip_however_typed_and_an_id(db: Database) -> None:
    alfa = contractor(db, "Alfa", "5260250274")
    with db.read() as session:
        assert _ids(lookup.by_nip(session, "PL 526-025-02-74")) == [alfa]
        assert lookup.by_nip(session, "7740001454") == []
        assert _ids(lookup.by_id(session, alfa)) == [alfa]
        assert lookup.by_id(session, alfa + 100) == []
        with pytest.raises(ValidationError, match="Invalid NIP 123"):
            lookup.by_nip(session, "123")


def test_quick_find_knows_invoice_numbers_names_cities_nips_and_phones(db: Database) -> None:
    alfa = contractor(db, "Alfa Sp. z o.o.", "5260250274", city="Płock", phones=["501234567"])
    beta = contractor(db, "Beta S.A.", "7740001454", city="Kraków")
    invoice(db, beta, "FV/2026/11/7", D(2026, 11, 1), (D(2026, 11, 15), 10_000))
    invoice(db, alfa, "FV/2026/10/1", D(2026, 10, 1), (D(2026, 10, 15), 10_000))
    with db.read() as session:
        by_number = lookup.quick_find(session, "FV/2026/11")
        assert [(h.contractor_id, h.invoice_number) for h in by_number] == [(beta, "FV/2026/11/7")]
        assert _ids(lookup.quick_find(session, "plock")) == [alfa]
        assert _ids(lookup.quick_find(session, "774")) == [beta]
        assert _ids(lookup.quick_find(session, "501 234")) == [alfa]
        # whole numbers are looked up exactly (the index), as the caller lookup does
        assert _ids(lookup.quick_find(session, "+48 501 234 567")) == [alfa]
        assert _ids(lookup.quick_find(session, "PL 774-000-14-54")) == [beta]
        assert _ids(lookup.quick_find(session, "beta")) == [beta]
        assert lookup.quick_find(session, "   ") == []
        assert len(lookup.quick_find(session, "a", limit=1)) == 1
