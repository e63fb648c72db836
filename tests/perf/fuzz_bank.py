"""Bank statement fuzzing, run by hand (CI runs a smaller set in tests/unit):

    .venv/bin/python -m tests.perf.fuzz_bank [N] [mt940|camt053]

N generated inputs per format (default 10,000): random bytes, MT940 built from random fields
around the real grammar, and the fixtures cut, spliced and re-encoded. Each must give bank lines
or an ImportFileError with a sentence; anything else (a crash, a hang) fails and is printed.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.importers import camt053, mt940
from desktop_app.importers.formats import ParseOptions
from desktop_app.importers.records import ImportFileError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bank"
STA = (FIXTURES / "statement.sta").read_bytes()
XML = [(FIXTURES / n).read_bytes() for n in ("camt053_v02.xml", "camt053_v08.xml")]

field_text = st.text(alphabet=st.characters(codec="cp1250"), max_size=60)
mt940_line = st.one_of(
    st.builds(lambda v: ":20:" + v, field_text),
    st.builds(lambda v: ":25:/PL" + v, st.from_regex(r"[0-9 ]{0,30}", fullmatch=True)),
    st.builds(
        lambda m, d, c, a: f":60F:{m}{d}{c}{a}",
        st.sampled_from(["C", "D", "X"]),
        st.from_regex(r"[0-9]{4,7}", fullmatch=True),
        st.sampled_from(["PLN", "EUR", "JPY", "XXX", "pl"]),
        st.from_regex(r"[0-9]{0,16},?[0-9]{0,3}", fullmatch=True),
    ),
    st.builds(
        lambda d, e, m, a, rest: f":61:{d}{e}{m}{a}{rest}",
        st.from_regex(r"[0-9]{5,7}", fullmatch=True),
        st.from_regex(r"[0-9]{0,4}", fullmatch=True),
        st.sampled_from(["C", "D", "RC", "RD", "CN", "EC", "Q"]),
        st.from_regex(r"[0-9]{0,17},?[0-9]{0,4}", fullmatch=True),
        st.from_regex(r"(NTRF|S020)?[A-Z0-9]{0,16}(//[A-Z0-9]{0,16})?", fullmatch=True),
    ),
    st.builds(
        lambda code, parts: ":86:" + code + "".join(parts),
        st.from_regex(r"[0-9]{0,3}", fullmatch=True),
        st.lists(
            st.builds(
                lambda mark, n, v: f"{mark}{n:02d}{v}",
                st.sampled_from(["~", "<", "?", "^"]),
                st.integers(0, 99),
                field_text,
            ),
            max_size=12,
        ),
    ),
    st.sampled_from(["-", "-}", "{4:", ""]),
    field_text,
)
mt940_file = st.builds(
    lambda lines, enc, ff: "\r\n".join(lines).encode(enc, errors="replace").replace(b"#", ff),
    st.lists(mt940_line, max_size=30),
    st.sampled_from(["cp1250", "utf-8"]),
    st.sampled_from([b"#", b"\xff"]),
)
spliced = st.builds(
    lambda base, cut, junk: base[: cut % (len(base) + 1)] + junk + base[cut % (len(base) + 1) :],
    st.sampled_from([STA, *XML]),
    st.integers(0, 10_000),
    st.binary(max_size=30),
)


def _check(parse: object, path: Path, data: bytes) -> None:
    path.write_bytes(data)
    try:
        parse(path, ParseOptions())  # type: ignore[operator]
    except ImportFileError as exc:
        assert exc.message.strip(), data


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    folder = Path(tempfile.mkdtemp(prefix="inkaso-fuzz-bank-"))
    common = settings(
        max_examples=count,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )

    @common
    @given(st.one_of(mt940_file, spliced, st.binary(max_size=2000)))
    def fuzz_mt940(data: bytes) -> None:
        _check(mt940.parse, folder / "f.sta", data)

    @common
    @given(st.one_of(spliced, st.binary(max_size=2000)))
    def fuzz_camt053(data: bytes) -> None:
        _check(camt053.parse, folder / "f.xml", data)

    only = sys.argv[2] if len(sys.argv) > 2 else None
    for name, test in (("mt940", fuzz_mt940), ("camt053", fuzz_camt053)):
        if only and name != only:
            continue
        started = time.perf_counter()
        test()
        print(f"{name}: {count:,} inputs, no crash, {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
