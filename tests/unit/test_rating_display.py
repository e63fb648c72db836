"""How a rating and a registry address read on screen."""

from __future__ import annotations

from desktop_app.domain.credibility import address_parts
from ui import formatting


def test_stars_are_filled_and_empty_and_not_rated_is_a_dash() -> None:
    assert formatting.stars(4) == "★★★★☆"
    assert formatting.stars(1) == "★☆☆☆☆"
    assert formatting.stars(None) == "—"


def test_the_registry_address_splits_into_street_postal_code_and_city() -> None:
    assert address_parts("UL. PROSTA 1, 00-001 WARSZAWA") == ("UL. PROSTA 1", "00-001", "WARSZAWA")
    assert address_parts("RYNEK 5/2, 43-300 BIELSKO-BIAŁA") == (
        "RYNEK 5/2",
        "43-300",
        "BIELSKO-BIAŁA",
    )
    assert address_parts("SOMEWHERE ABROAD") == ("SOMEWHERE ABROAD", "", "")
