"""Fuzzed invoice files: a parser returns records or refuses the file in a sentence, nothing else.

A small run here in CI; ``python -m tests.perf.fuzz_importers`` runs the same properties with
10,000 inputs per format by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from desktop_app.importers import jpk, ksef
from desktop_app.importers.formats import ParseOptions
from desktop_app.importers.records import ImportFileError, ParsedFile

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
OPTIONS = ParseOptions(firm_nip="7811767696")
Parser = Callable[[bytes, str, ParseOptions], ParsedFile]

PARSERS: dict[str, tuple[Parser, list[bytes]]] = {
    "ksef": (
        ksef.parse_bytes,
        [p.read_bytes() for p in sorted((FIXTURES / "ksef").rglob("*.xml"))],
    ),
    "jpk": (jpk.parse_bytes, [p.read_bytes() for p in sorted((FIXTURES / "jpk").glob("*.xml"))]),
}

#: values a field may be given: real ones, wrong ones, hostile ones
VALUES = st.one_of(
    # what XML can carry: no control characters, no surrogates
    st.text(
        st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\ufffe\uffff"),
        max_size=40,
    ),
    st.sampled_from(
        [
            "",
            "-1",
            "0",
            "0.00",
            "-0.01",
            "1e9",
            "NaN",
            "12,50",
            "9999999999999.99",
            "2026-02-30",
            "2026-11-16",
            "0001-01-01",
            "9999-12-31",
            "KOR",
            "ZAL",
            "VAT",
            "XXX",
            "PLN",
            "EUR",
            "1",
            "2",
            "7811767696",
            "5260250274",
            "PL7811767696",
            "&amp;",
            "łódź",
            "\u202e",
            "14",
            "dni",
            "miesiąc",
            "od daty dostawy",
            "-5",
            "100000",
        ]
    ),
)


def check(parse: Parser, data: bytes) -> None:
    try:
        parsed = parse(data, "fuzz.xml", OPTIONS)
    except ImportFileError as exc:
        assert exc.message.strip()
        assert exc.where.file == "fuzz.xml"
        return
    for invoice in parsed.invoices:
        assert invoice.number
        assert sum(p.amount_minor for p in invoice.instalments) in (0, invoice.gross_minor)
        assert all(p.amount_minor > 0 for p in invoice.paid)


@st.composite
def mutated(draw: st.DrawFn, name: str) -> bytes:
    """A fixture with elements' texts replaced, elements removed or duplicated, or cut short."""
    base = draw(st.sampled_from(PARSERS[name][1]))
    root = etree.fromstring(base)
    elements = [e for e in root.iter() if isinstance(e.tag, str)]
    for _ in range(draw(st.integers(1, 6))):
        target = draw(st.sampled_from(elements))
        action = draw(st.sampled_from(["text", "remove", "duplicate"]))
        parent = target.getparent()
        if action == "text" or parent is None:
            target.text = draw(VALUES)
        elif action == "remove" and target in parent:
            parent.remove(target)
        elif target in parent:
            parent.append(etree.fromstring(etree.tostring(target)))
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    if draw(st.booleans()) and draw(st.integers(0, 9)) == 0:
        data = data[: draw(st.integers(0, len(data)))]
    return data


def run_mutated(name: str) -> Callable[[bytes], None]:
    parse = PARSERS[name][0]

    def test(data: bytes) -> None:
        check(parse, data)

    return test


CI = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@CI
@given(mutated("ksef"))
def test_ksef_mutated_files(data: bytes) -> None:
    run_mutated("ksef")(data)


@CI
@given(mutated("jpk"))
def test_jpk_mutated_files(data: bytes) -> None:
    run_mutated("jpk")(data)


@CI
@given(st.binary(max_size=300), st.sampled_from(sorted(PARSERS)))
def test_any_bytes(data: bytes, name: str) -> None:
    check(PARSERS[name][0], data)
