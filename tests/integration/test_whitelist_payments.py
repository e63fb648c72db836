"""A payment from an account the VAT White List did not list for the payer's NIP is flagged,
with the reason, wherever payments are shown (the card's insight and the Bank view read the
same service function)."""

from __future__ import annotations

import datetime as dt

from db.uow import Database
from desktop_app.services import contractor_insight, contractors, payments, whitelist
from desktop_app.services.contractors import ContractorInput
from desktop_app.services.payments import PaymentInput
from desktop_app.settings import set_value
from tests.integration.http_gateway import running_gateway
from tests.integration.whitelist_server import registry, subject

LISTED = "61109010140000071219812874"
OTHER = "PL27 1140 2004 0000 3002 0135 5387"
CHECKED = dt.date(2026, 11, 20)


def _pay(db: Database, who: int, day: dt.date, account: str | None) -> int:
    return payments.add_payment(db, PaymentInput(who, day, 100_00, payer_account=account))


def test_payments_flagged_with_the_reason(db: Database) -> None:
    alfa = contractors.add_contractor(db, ContractorInput(name="Alfa", nip="5260250274"))
    ghost = contractors.add_contractor(db, ContractorInput(name="Ghost", nip="7740001454"))
    nobody = contractors.add_contractor(db, ContractorInput(name="No NIP"))
    registered = {"5260250274": subject("5260250274", "ALFA", accounts=(LISTED,))}
    with running_gateway(registry(registered)) as mf:
        set_value(db, "whitelist.api_url", mf.base_url)
        whitelist.check_nips(db, ["5260250274", "7740001454"], CHECKED)
    listed = _pay(db, alfa, dt.date(2026, 11, 25), f"PL{LISTED}")
    other = _pay(db, alfa, dt.date(2026, 11, 26), OTHER)
    before_any_check = _pay(db, alfa, dt.date(2026, 11, 1), OTHER)
    no_account = _pay(db, alfa, dt.date(2026, 11, 26), None)
    from_ghost = _pay(db, ghost, dt.date(2026, 11, 27), OTHER)
    no_nip = _pay(db, nobody, dt.date(2026, 11, 27), OTHER)

    with db.read() as session:
        flagged = whitelist.unlisted_payments(
            session, [listed, other, before_any_check, no_account, from_ghost, no_nip]
        )
    assert set(flagged) == {other, from_ghost}
    assert flagged[other] == (
        "Paid from PL27 1140 2004 0000 3002 0135 5387, an account the VAT White List did not"
        " list for NIP 5260250274 when checked on 20/11/2026: the money may not come from this"
        " contractor."
    )
    assert "NIP 7740001454 was not on the VAT White List" in flagged[from_ghost]

    found = contractor_insight.insight(db, alfa, dt.date(2026, 12, 1))
    assert found.unlisted_reasons == {other: flagged[other]}
    assert found.unlisted_payments == frozenset({other})
