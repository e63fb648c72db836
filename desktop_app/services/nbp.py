"""NBP's public API: the euro's table A mid rates of a span of days.

``GET {base}/exchangerates/rates/a/eur/{first}/{last}/?format=json`` answers
``{"rates": [{"no": "042/A/NBP/2024", "effectiveDate": "2024-02-29", "mid": 4.3191}, ...]}``
for the days NBP published a table, and 404 ("Brak danych") when it published none.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from decimal import Decimal

import httpx

from desktop_app.domain.rates import RateRow, Status
from desktop_app.errors import InkasoError
from desktop_app.i18n import _

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10.0


class NbpUnavailableError(InkasoError):
    """NBP could not be asked: no connection, a timeout, or an answer that is not the API's."""


def fetch_eur_rates(
    base_url: str, first: dt.date, last: dt.date, *, timeout: float = TIMEOUT_SECONDS
) -> list[RateRow]:
    """The euro's mid rates NBP published from ``first`` to ``last`` (none: an empty list)."""
    url = f"{base_url.rstrip('/')}/exchangerates/rates/a/eur/{first}/{last}/"
    try:
        response = httpx.get(
            url,
            params={"format": "json"},
            headers={"Accept": "application/json"},
            timeout=timeout,
        )
    except httpx.HTTPError as exc:
        log.info("NBP not reached at %s: %s", url, exc)
        raise NbpUnavailableError(_("no connection")) from exc
    if response.status_code == httpx.codes.NOT_FOUND:
        return []
    if response.status_code != httpx.codes.OK:
        raise NbpUnavailableError(_("HTTP status {status}").format(status=response.status_code))
    try:
        data = json.loads(response.text, parse_float=Decimal)
        return [_row(item) for item in data["rates"]]
    except (ValueError, KeyError, TypeError, ArithmeticError) as exc:
        log.warning("unexpected NBP answer from %s: %.200r", url, response.text)
        raise NbpUnavailableError(_("an answer Inkaso cannot read")) from exc


def _row(item: dict[str, object]) -> RateRow:
    mid = Decimal(str(item["mid"]))
    # the table stores four places; a rate NBP never quotes is a wrong answer, not a rate
    if not mid.is_finite() or mid <= 0 or mid != mid.quantize(Decimal("0.0001")):
        raise ValueError(f"not a mid rate: {mid}")
    return RateRow(
        dt.date.fromisoformat(str(item["effectiveDate"])),
        mid,
        f"NBP table A {item.get('no', '')}".strip(),
        Status.VERIFIED,
    )
