"""Payment terms sources state: equal instalments, relative terms, default terms."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from desktop_app.domain.terms import add_months, due_by_default_terms, relative_due, split_evenly

D = dt.date


def test_split_gives_the_remainder_to_the_last_instalment() -> None:
    assert split_evenly(100_000, 3) == [33_333, 33_333, 33_334]
    assert split_evenly(-1_000, 3) == [-333, -333, -334]
    assert split_evenly(2, 3) == [0, 0, 2]
    assert split_evenly(5, 1) == [5]


@given(st.integers(-(10**12), 10**12), st.integers(1, 100))
def test_split_adds_up_and_differs_by_less_than_the_parts(total: int, parts: int) -> None:
    amounts = split_evenly(total, parts)
    assert sum(amounts) == total
    assert len(amounts) == parts
    assert len(set(amounts[:-1])) <= 1
    assert abs(amounts[-1] - amounts[0]) < parts


def test_relative_terms() -> None:
    issued, sold = D(2026, 11, 4), D(2026, 11, 6)
    assert relative_due(14, "dni", "od daty wystawienia faktury", issued=issued, sold=sold) == D(
        2026, 11, 18
    )
    assert relative_due(21, "Dni", "od daty dostawy towaru", issued=issued, sold=sold) == D(
        2026, 11, 27
    )
    # no sale date: from the issue date
    assert relative_due(21, "dni", "od daty dostawy", issued=issued, sold=None) == D(2026, 11, 25)
    # 2026-11-11 is a holiday; 5 business days from Wednesday 2026-11-04
    assert relative_due(5, "dni roboczych", "od wystawienia", issued=issued, sold=None) == D(
        2026, 11, 12
    )
    assert relative_due(2, "tygodnie", "od wystawienia", issued=issued, sold=None) == D(
        2026, 11, 18
    )
    assert relative_due(1, "miesiąc", "od wystawienia", issued=D(2026, 1, 31), sold=None) == D(
        2026, 2, 28
    )
    assert relative_due(3, "kwartały", "od wystawienia", issued=issued, sold=None) is None
    assert relative_due(-1, "dni", "", issued=issued, sold=None) is None


def test_months_and_default_terms() -> None:
    assert add_months(D(2026, 12, 31), 2) == D(2027, 2, 28)
    assert add_months(D(2028, 1, 31), 1) == D(2028, 2, 29)
    assert due_by_default_terms(D(2026, 11, 9), 14) == D(2026, 11, 23)


def test_the_xml_parser_itself_expands_no_entities() -> None:
    """Behind the refusal of any DTD: the parser would not expand or fetch an entity either."""
    from lxml import etree

    from desktop_app.importers import safe_xml

    doc = (
        b'<!DOCTYPE a [<!ENTITY e "expanded"><!ENTITY x SYSTEM "file:///etc/passwd">]><a>&e;&x;</a>'
    )
    root = etree.fromstring(doc, safe_xml._parser())
    assert "expanded" not in etree.tostring(root).decode()
    assert "root:" not in etree.tostring(root).decode()
