from __future__ import annotations

import pytest

from desktop_app.domain.identifiers import (
    format_contact,
    format_phone,
    normalize_email,
    normalize_iban,
    normalize_nip,
    normalize_phone,
    normalize_regon,
)
from desktop_app.domain.text import search_key
from desktop_app.errors import ValidationError


@pytest.mark.parametrize("raw", ["5260250274", "526-025-02-74", "PL 526 025 02 74", "pl5260250274"])
def test_nip_spellings(raw: str) -> None:
    assert normalize_nip(raw) == "5260250274"


@pytest.mark.parametrize("raw", ["5260250273", "12345", "abcdefghij"])
def test_bad_nip_names_the_value(raw: str) -> None:
    with pytest.raises(ValidationError) as info:
        normalize_nip(raw)
    assert raw in info.value.message
    assert info.value.field == "nip"


def test_regon() -> None:
    assert normalize_regon("123456785") == "123456785"
    with pytest.raises(ValidationError):
        normalize_regon("123456789")


def test_phone_to_e164() -> None:
    assert normalize_phone("501 234 567") == "+48501234567"
    assert normalize_phone("0048 501-234-567") == "+48501234567"
    assert normalize_phone("+7 495 123-45-67") == "+74951234567"
    assert format_phone("+48501234567") == "+48 501 234 567"
    with pytest.raises(ValidationError):
        normalize_phone("12")


def test_a_recipient_reads_as_a_phone_number_or_an_address() -> None:
    assert format_contact("+48501234567") == "+48 501 234 567"
    assert format_contact("+74951234567") == "+7 495 123-45-67"
    assert format_contact("biuro@firma.pl") == "biuro@firma.pl"
    assert format_contact("+48 nonsense") == "+48 nonsense"


def test_email() -> None:
    assert normalize_email(" Jan.Kowalski@Firma.Example.COM ") == "Jan.Kowalski@firma.example.com"
    with pytest.raises(ValidationError):
        normalize_email("jan@")


def test_iban_accepts_nrb() -> None:
    assert normalize_iban("61 1090 1014 0000 0712 1981 2874") == "PL61109010140000071219812874"
    with pytest.raises(ValidationError):
        normalize_iban("PL61109010140000071219812875")


def test_search_key_folds_polish_letters() -> None:
    assert search_key("  ŁÓDŹ   Żółć Sp. z o.o. ") == "lodz zolc sp. z o.o."
    assert search_key("Śnieżka") == "sniezka"
