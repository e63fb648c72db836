"""The credibility summary: the registry's answer, our history and the debt into one light."""

from __future__ import annotations

import datetime as dt

from desktop_app.domain.credibility import (
    Debt,
    Light,
    WhiteListEntry,
    account_on_list,
    summarize,
)
from desktop_app.domain.rating import PaymentFact, rate

TODAY = dt.date(2026, 12, 1)
ACCOUNT = "61109010140000071219812874"


def _entry(
    status: str | None = "Czynny", day: dt.date = TODAY, accounts: tuple[str, ...] = (ACCOUNT,)
) -> WhiteListEntry:
    return WhiteListEntry("5260250274", day, "req-1", True, status, "ALFA", accounts)


def _history(late: int) -> list[PaymentFact]:
    dues = [dt.date(2026, m, 10) for m in (3, 5, 7, 9)]
    return [PaymentFact(d, 100_000, d + dt.timedelta(days=late)) for d in dues]


def test_active_with_accounts_and_a_good_history_is_green() -> None:
    s = summarize(_entry(), rate(_history(0), TODAY), Debt(), TODAY)
    assert s.light is Light.GREEN
    assert s.reasons == (
        "an active VAT payer on the White List on 01/12/2026",
        "payer rating 5 stars",
    )


def test_exempt_no_accounts_and_an_old_check_are_amber() -> None:
    assert summarize(_entry("Zwolniony"), None, Debt(), TODAY).light is Light.AMBER
    no_accounts = summarize(_entry(accounts=()), None, Debt(), TODAY)
    assert no_accounts.light is Light.AMBER
    assert "no bank account registered on the White List" in no_accounts.reasons
    old = summarize(_entry(day=TODAY - dt.timedelta(days=45)), None, Debt(), TODAY)
    assert old.light is Light.AMBER
    assert "checked 45 days ago: check again" in old.reasons
    unchecked = summarize(None, None, Debt(), TODAY)
    assert unchecked.light is Light.AMBER
    assert unchecked.reasons[0] == "the VAT White List has not been checked"


def test_removed_payer_a_poor_history_or_an_old_debt_are_red() -> None:
    removed = summarize(_entry("Niezarejestrowany"), None, Debt(), TODAY)
    assert removed.light is Light.RED
    assert removed.reasons[0] == (
        "not an active VAT payer on 01/12/2026 (the White List says: Niezarejestrowany)"
    )
    assert summarize(_entry(), rate(_history(60), TODAY), Debt(), TODAY).light is Light.RED
    assert summarize(_entry(), rate(_history(15), TODAY), Debt(), TODAY).light is Light.AMBER
    owes = summarize(_entry(), None, Debt(((50_000, "PLN"),), 75), TODAY)
    assert owes.light is Light.RED
    assert owes.reasons[-1] == "owes PLN\xa0500.00 overdue, the oldest 75 days"
    recent = summarize(_entry(), None, Debt(((50_000, "PLN"),), 10), TODAY)
    assert recent.light is Light.AMBER


def test_an_account_is_judged_by_the_latest_check_by_that_day() -> None:
    earlier = _entry(day=dt.date(2026, 6, 1), accounts=("27114020040000300201355387",))
    later = _entry(day=dt.date(2026, 11, 1))
    checks = [later, earlier]
    assert account_on_list(checks, "PL27 1140 2004 0000 3002 0135 5387", dt.date(2026, 7, 1))
    assert not account_on_list(checks, "PL27114020040000300201355387", dt.date(2026, 11, 2))
    assert account_on_list(checks, "pl61 1090 1014 0000 0712 1981 2874", dt.date(2026, 11, 2))
    assert account_on_list(checks, ACCOUNT, dt.date(2026, 5, 31)) is None
