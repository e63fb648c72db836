"""MT940 and camt.053 statements read into bank lines: exact values, bad files refused clearly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.importers import camt053, mt940
from desktop_app.importers.formats import ParseOptions, all_formats
from desktop_app.importers.records import BankLine, ImportFileError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bank"
D = dt.date


def _lines(name: str, fmt: str) -> list[BankLine]:
    return list(all_formats()[fmt].parse(FIXTURES / name, ParseOptions()).bank_lines)


def test_mt940_in_windows_1250_with_both_subfield_marks() -> None:
    parsed = mt940.parse(FIXTURES / "statement.sta", ParseOptions())
    got = [
        (
            line.account,
            line.date,
            line.amount_minor,
            line.payer_name,
            line.payer_account,
            line.title,
            line.reference,
        )
        for line in parsed.bank_lines
    ]
    assert got == [
        (
            "PL61109010140000071219812874",
            D(2026, 11, 25),
            170_000,
            "ŁÓDZKA HURTOWNIA SPÓŁKA Z OGRANICZONĄ ODPOWIEDZIALNOŚCIĄ",
            "PL27114020040000300201355387",
            # "~20…20" + "~2126": the cut word is whole again, no space inside it
            "Zapłata FV 12/11/2026, FV 13/11/2026",
            "PKO0000001",
        ),
        (
            "PL61109010140000071219812874",
            D(2026, 11, 26),
            12_345,
            "Jan Kowalski",
            "PL83101010230000261395100000",
            "Za usługę, dziękuję",
            "PKO0000003",
        ),
        (
            # the second statement of the file, "<NN" subfields, "BLZ/IBAN" account
            "PL83124010370000000000112233",
            D(2026, 11, 27),  # booked (entry date 1127) a day after its value date
            30_050,
            "Beta S.A.",
            "PL60102010260000042270201111",
            "F-14/10/2026 zaległa",
            "REF7781",
        ),
    ]
    # the debit is dropped; the reversed credit is listed, not paid
    assert [s.where.line for s in parsed.skipped] == [22]
    assert "reversed" in parsed.skipped[0].reason


def test_camt053_versions_02_and_08() -> None:
    v02 = _lines("camt053_v02.xml", "camt053")
    assert [(x.amount_minor, x.title, x.payer_name, x.reference) for x in v02] == [
        (
            170_000,
            "Zapłata FV 12/11/2026, FV 13/11/2026",
            "Łódzka Hurtownia Sp. z o.o.",
            "SANT-000123",
        ),
        (12_345, "Za usługę, dziękuję", "Jan Kowalski", "SANT-000125"),
    ]
    assert v02[0].payer_account == "PL27114020040000300201355387"
    v08 = _lines("camt053_v08.xml", "camt053")
    assert [(x.date, x.amount_minor, x.payer_name, x.title, x.reference) for x in v08] == [
        (D(2026, 11, 27), 30_050, "Beta S.A.", "F-14/10/2026 zaległa", "ING-BATCH-7/1"),
        (D(2026, 11, 27), 79_950, "Gamma Żyrardów", "FV14/10/2026 FV 99/10/2026", "ING-BATCH-7/2"),
    ]


def test_formats_recognise_their_files() -> None:
    sta = (FIXTURES / "statement.sta").read_bytes()
    xml = (FIXTURES / "camt053_v08.xml").read_bytes()
    assert mt940.sniff(sta) and not mt940.sniff(xml)
    assert camt053.sniff(xml) and not camt053.sniff(sta)


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Document><BkToCstmrStmt><Stmt><Ntry><AddtlNtryInf>&lol3;</AddtlNtryInf></Ntry></Stmt>
</BkToCstmrStmt></Document>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<Document><BkToCstmrStmt><Stmt><Acct><Id><IBAN>&x;</IBAN></Id></Acct></Stmt></BkToCstmrStmt>
</Document>"""


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (BOMB, "refused for safety"),
        (EXTERNAL, "refused for safety"),
        (b"<Document><BkToCstmrStmt><Stmt>", "cut short"),
        (b"", "empty"),
        (b"<Document><Other/></Document>", "not a camt.053"),
        # found by tests/perf/fuzz_bank.py: a LookupError escaped
        (b'<?xml version="1.0" encoding="AUTF-8"?><Document/>', "encoding"),
        (b'<?xml version="1.0" encoding="utf-32"?><Document/>', "encoding"),
    ],
)
def test_hostile_or_broken_xml_is_refused_with_a_sentence(
    tmp_path: Path, content: bytes, words: str
) -> None:
    path = tmp_path / "statement.xml"
    path.write_bytes(content)
    with pytest.raises(ImportFileError) as caught:
        camt053.parse(path, ParseOptions())
    assert words in caught.value.message
    assert caught.value.where.file == str(path)


@pytest.mark.parametrize(
    ("content", "words", "line"),
    [
        (
            ":20:X\n:25:/PL61109010140000071219812874\n:60F:C261124PLN1,00\n:61:26133CN1,00\n",
            "statement line",
            4,
        ),
        (
            ":20:X\n:25:/PL61109010140000071219812874\n:60F:C261124PLN1,00\n:61:261301C5,00NTRF\n",
            "not a valid date",
            4,
        ),
        (":20:X\n:25:/PL61\n:61:261101C5,00NTRF\n", "opening balance", 3),
        (  # digits of another script are digits to Python, never to a bank
            ":20:X\n:25:/PL61109010140000071219812874\n:60F:C261124PLN1,00\n:61:261201C5\u0663,00NTRF\n",
            "not a valid amount",
            4,
        ),
        ("hello\n", "not an MT940", 1),
        ("", "not an MT940", None),
    ],
)
def test_broken_mt940_names_the_line(
    tmp_path: Path, content: str, words: str, line: int | None
) -> None:
    path = tmp_path / "statement.sta"
    path.write_text(content)
    with pytest.raises(ImportFileError) as caught:
        mt940.parse(path, ParseOptions())
    assert words in caught.value.message
    assert caught.value.where.line == line


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.one_of(
        st.binary(max_size=400),
        st.text(alphabet=":0123456789CDRN,~<?/-\n ABFVPL{}4", max_size=400).map(str.encode),
    )
)
def test_mt940_fuzz_gives_lines_or_a_clear_error(tmp_path: Path, data: bytes) -> None:
    base = (FIXTURES / "statement.sta").read_bytes()
    path = tmp_path / "fuzz.sta"
    for blob in (data, base[: len(data) % len(base)] + data):
        path.write_bytes(blob)
        try:
            mt940.parse(path, ParseOptions())
        except ImportFileError as exc:
            assert exc.message


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cut=st.integers(min_value=0, max_value=4000), junk=st.binary(max_size=40))
def test_camt053_fuzz_gives_lines_or_a_clear_error(tmp_path: Path, cut: int, junk: bytes) -> None:
    base = (FIXTURES / "camt053_v08.xml").read_bytes()
    path = tmp_path / "fuzz.xml"
    cut %= len(base)
    path.write_bytes(base[:cut] + junk + base[cut + len(junk) :])
    try:
        camt053.parse(path, ParseOptions())
    except ImportFileError as exc:
        assert exc.message
