from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.domain.sms_text import (
    GSM7_BASIC,
    GSM7_EXTENSION,
    is_gsm7,
    measure,
    non_gsm7_characters,
    segment_count,
    transliterate,
)

POLISH = "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ"
RUSSIAN = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"
TYPOGRAPHY = "\u00a0\u202f\u2009\u2013\u2014\u201e\u201d\u201c\u2018\u2019\u2026«»`\t"
PRINTABLE_ASCII = "".join(chr(c) for c in range(32, 127))

polish_text = st.text(alphabet=PRINTABLE_ASCII + POLISH + TYPOGRAPHY + "\n", max_size=400)
any_text = st.text(max_size=400)


@pytest.mark.parametrize(
    ("text", "encoding", "units", "segments"),
    [
        ("", "GSM-7", 0, 0),
        ("a" * 160, "GSM-7", 160, 1),
        ("a" * 161, "GSM-7", 161, 2),
        ("a" * 306, "GSM-7", 306, 2),
        ("a" * 307, "GSM-7", 307, 3),
        ("€" * 80, "GSM-7", 160, 1),  # extension characters count double
        ("€" * 81, "GSM-7", 162, 2),
        # 306 septets fit two parts only if an escape pair could be cut in half; it cannot
        ("a" * 152 + "€" * 77, "GSM-7", 306, 3),
        ("a" * 159 + "€", "GSM-7", 161, 2),
        ("ą" * 70, "UCS-2", 70, 1),
        ("ą" * 71, "UCS-2", 71, 2),
        ("ą" * 134, "UCS-2", 134, 2),
        ("ą" * 135, "UCS-2", 135, 3),
        ("a" * 159 + "ą", "UCS-2", 160, 3),  # one Polish letter turns 1 part into 3
        ("😀" * 35, "UCS-2", 70, 1),  # a surrogate pair counts 2
        ("😀" * 36, "UCS-2", 72, 2),
        ("a" + "😀" * 34, "UCS-2", 69, 1),
    ],
)
def test_measure(text: str, encoding: str, units: int, segments: int) -> None:
    result = measure(text)
    assert (result.encoding, result.units, result.segments) == (encoding, units, segments)


def test_surrogate_pair_is_never_split() -> None:
    # 66 units + a pair does not fit the 67-unit part, so the pair starts a new one
    text = "ą" * 66 + "😀" + "ą" * 66
    assert measure(text).units == 134
    assert measure(text).segments == 3


def test_remaining_counts_down_within_a_part() -> None:
    assert measure("abc").remaining == 157
    assert measure("a" * 200).remaining == 153 * 2 - 200
    assert measure("").remaining == 160


def test_gsm7_alphabet_membership() -> None:
    assert is_gsm7("Zażółć"[0:2]) is True  # "Za"
    assert not is_gsm7("Zażółć")
    assert is_gsm7("@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!¤§¿¡äöñüàÄÖÑÜ")
    assert is_gsm7("{}[]~^|\\€\f")
    assert not is_gsm7("`")  # ASCII, yet not GSM-7
    assert non_gsm7_characters("Zażółć gęślą") == ["ż", "ó", "ł", "ć", "ę", "ś", "ą"]


def test_transliterate_polish_and_typography() -> None:
    assert transliterate("Zażółć gęślą jaźń ZAŻÓŁĆ") == "Zazolc gesla jazn ZAZOLC"
    assert transliterate("„Kowalski” – 1\u00a0234,56\u00a0zł…") == '"Kowalski" - 1 234,56 zl...'
    assert transliterate("Привет") == "Привет"  # Cyrillic untouched unless asked


@pytest.mark.parametrize(
    ("russian", "latin"),
    [
        ("Щукин Юрий Жанович", "Shchukin Iurii Zhanovich"),
        ("ООО «Хлеб»", 'OOO "Khleb"'),
        ("ЖУК", "ZHUK"),
        ("Объём", "Obieem"),
        ("цыплёнок", "tsyplenok"),
        ("Счёт № 15", "Schet No 15"),
        ("Я", "Ia"),
    ],
)
def test_transliterate_russian_icao(russian: str, latin: str) -> None:
    assert transliterate(russian, cyrillic=True) == latin


@given(polish_text)
def test_transliterated_polish_text_is_always_gsm7(text: str) -> None:
    assert is_gsm7(transliterate(text))


@given(st.text(alphabet=PRINTABLE_ASCII + POLISH + RUSSIAN + TYPOGRAPHY, max_size=300))
def test_transliterated_polish_and_russian_is_gsm7(text: str) -> None:
    assert is_gsm7(transliterate(text, cyrillic=True))


@given(any_text, any_text)
def test_segment_count_is_monotonic(text: str, more: str) -> None:
    assert segment_count(text + more) >= segment_count(text)


@given(st.text(alphabet=PRINTABLE_ASCII + POLISH + "\u00a0\u2013\u201e\u201d", max_size=400))
def test_transliterating_polish_never_costs_more_segments(text: str) -> None:
    # one character for one: only the switch from UCS-2 to GSM-7 changes the length
    assert segment_count(transliterate(text)) <= segment_count(text)


@given(any_text)
def test_segments_hold_the_units(text: str) -> None:
    result = measure(text)
    single, part = (160, 153) if result.encoding == "GSM-7" else (70, 67)
    if result.segments <= 1:
        assert result.units <= single
    else:
        assert (result.segments - 1) * part < result.units + result.segments
        assert result.units <= result.segments * part


def test_alphabet_tables_are_disjoint() -> None:
    assert not GSM7_BASIC & GSM7_EXTENSION
    assert len(GSM7_BASIC) == 127  # 128 codes minus the escape
