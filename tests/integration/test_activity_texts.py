"""The activity log reads in the viewer's language, its amounts, dates and numbers too."""

from __future__ import annotations

import datetime as dt

from db.uow import Database
from desktop_app.i18n import language
from desktop_app.services import views
from desktop_app.services.dunning import promises
from tests.helpers import contractor, invoice, pay

D = dt.date
NBSP = "\u00a0"


def _summaries(db: Database, contractor_id: int) -> list[str]:
    card = views.contractor_card(db, contractor_id, D(2026, 11, 22))
    return [entry.summary for entry in card.activity]


def test_payments_and_promises_read_in_the_viewers_language(db: Database) -> None:
    alfa = contractor(db, "Alfa Sp. z o.o.")
    invoice(db, alfa, "FV/1/2026", D(2026, 9, 1), (D(2026, 9, 15), 500_000))
    pay(db, alfa, D(2026, 10, 20), 123_456)
    promises.add_promise(
        db, contractor=alfa, due_on=D(2026, 12, 4), amount_minor=98_214_142, currency="PLN",
        today=D(2026, 11, 22),
    )  # fmt: skip
    english = _summaries(db, alfa)
    assert "Payment of 1,234.56 PLN received on 20/10/2026" in english
    assert "Promise to pay 982,141.42 PLN by 04/12/2026" in english
    with language("pl"):
        polish = _summaries(db, alfa)
    assert any(f"1{NBSP}234,56 PLN" in s and "20.10.2026" in s for s in polish), polish
    assert any(f"982{NBSP}141,42 PLN" in s and "4.12.2026" in s for s in polish), polish
    assert not any("2026-" in s or "1234.56" in s for s in english + polish)
