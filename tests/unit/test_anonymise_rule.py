"""Masking a contractor's personal data in the texts that stay after anonymising."""

from __future__ import annotations

from desktop_app.domain.anonymise import MASK, personal_pattern, scrub, scrub_value


def test_names_addresses_and_contacts_are_masked_in_any_case() -> None:
    pattern = personal_pattern(["Jan Kowalski", "jan@kowalski.pl", "Długa 5", None, "AB"])
    text = "Call JAN KOWALSKI (jan@kowalski.pl) at Długa 5; AB stays"
    assert scrub(text, pattern) == f"Call {MASK} ({MASK}) at {MASK}; AB stays"


def test_phones_and_nips_are_found_however_they_are_written() -> None:
    pattern = personal_pattern(["+48501234567", "526-025-02-74"])
    for written in ("501 234 567", "+48 501-234-567", "501234567", "5260250274", "526-025-02-74"):
        assert MASK in (scrub(f"tel. {written} ok", pattern) or ""), written
    assert scrub("invoice FV/12/2026 for 501.00 PLN", pattern) == (
        "invoice FV/12/2026 for 501.00 PLN"
    )


def test_json_values_are_masked_and_keys_and_numbers_kept() -> None:
    pattern = personal_pattern(["Jan Kowalski"])
    data = {"to": ["Jan Kowalski <j@x.pl>"], "amount": 12300, "Jan Kowalski": True}
    assert scrub_value(data, pattern) == {
        "to": [f"{MASK} <j@x.pl>"],
        "amount": 12300,
        "Jan Kowalski": True,
    }


def test_nothing_to_mask_changes_nothing() -> None:
    assert personal_pattern([None, "", "ab"]) is None
    assert scrub("Jan", None) == "Jan"
    assert scrub_value({"a": "Jan"}, None) == {"a": "Jan"}
