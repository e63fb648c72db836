"""What the card shows about a payer: stars with reasons, the last White List check kept, the
credibility light, and payments from an account the White List did not list."""

from __future__ import annotations

import datetime as dt

from db.uow import Database
from desktop_app.domain.credibility import Light
from desktop_app.services import contractor_insight, payments, whitelist
from desktop_app.services.payments import PaymentInput
from desktop_app.settings import set_value
from tests.conftest import Cli
from tests.integration.http_gateway import running_gateway
from tests.integration.whitelist_server import registry, subject

TODAY = dt.date(2026, 12, 1)
LISTED = "61109010140000071219812874"
OTHER = "PL27 1140 2004 0000 3002 0135 5387"


def _punctual_payer(cli: Cli) -> None:
    assert cli("contractor", "add", "--name", "Punctual", "--nip", "5260250274").code == 0
    for month in range(3, 9):
        due = dt.date(2026, month, 10)
        args = ("--issued", (due - dt.timedelta(days=14)).isoformat(), "--due", due.isoformat())
        number = f"P/{month}/2026"
        assert cli("invoice", "add", "--contractor", "1", "--number", number, *args,
                   "--amount", "1000").code == 0  # fmt: skip
        pay = ("--date", due.isoformat(), "--amount", "1000")
        assert cli("payment", "add", "--contractor", "1", *pay).code == 0


def test_never_checked_the_card_shows_the_stars_and_an_amber_light(cli: Cli, db: Database) -> None:
    _punctual_payer(cli)
    found = contractor_insight.insight(db, 1, TODAY)
    assert found.rating.stars == 5
    assert found.reasons == ("paid 6 of 6 invoices on time",)
    assert found.entry is None
    assert found.summary.light is Light.AMBER
    assert "the VAT White List has not been checked" in found.summary.reasons
    assert found.unlisted_payments == frozenset()


def test_the_last_check_kept_and_a_payment_from_an_unlisted_account(cli: Cli, db: Database) -> None:
    _punctual_payer(cli)
    alfa = subject("5260250274", "ALFA SPÓŁKA Z O.O.", accounts=(LISTED,))
    with running_gateway(registry({"5260250274": alfa})) as mf:
        set_value(db, "whitelist.api_url", mf.base_url)
        kept = whitelist.check_nip(db, "5260250274", dt.date(2026, 11, 20))
    listed = payments.add_payment(
        db, PaymentInput(1, dt.date(2026, 11, 25), 100_00, payer_account=f"PL{LISTED}")
    )
    unlisted = payments.add_payment(
        db, PaymentInput(1, dt.date(2026, 11, 26), 100_00, payer_account=OTHER)
    )
    # paid before any check was made: nothing to say about it
    payments.add_payment(db, PaymentInput(1, dt.date(2026, 11, 1), 100_00, payer_account=OTHER))

    found = contractor_insight.insight(db, 1, TODAY)
    assert found.entry is not None
    assert (found.entry.request_id, found.entry.checked_on) == (kept.request_id, kept.checked_on)
    assert found.entry.address == "UL. PROSTA 1, 00-001 WARSZAWA"
    assert found.summary.light is Light.GREEN
    assert found.summary.reasons[0] == "an active VAT payer on the White List on 20/11/2026"
    assert found.unlisted_payments == frozenset({unlisted})
    assert listed not in found.unlisted_payments
