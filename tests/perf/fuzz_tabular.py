"""10,000 generated files per format through the CSV, bank CSV and XLSX readers.

Run by hand: ``.venv/bin/python -m tests.perf.fuzz_tabular [examples [FORMAT...]]`` (default
10,000 per format, all of csv, bank-csv and xlsx; the XLSX round takes the longest, about 50 ms
a workbook). Every file is parsed with a random preset and previewed; a refusal with a sentence
is fine, any other exception fails the run and hypothesis prints the smallest input that shows
it. tests/unit/test_tabular_fuzz.py runs the same check on a small set in every test run.
"""

from __future__ import annotations

import sys
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.tabular_fuzz import MAPPINGS, check_parses_or_refuses, csv_bytes, xlsx_bytes

CALM = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]


def fuzz_one(fmt: str, files: st.SearchStrategy[bytes], suffix: str, examples: int) -> int:
    count = 0

    @settings(max_examples=examples, deadline=None, suppress_health_check=CALM, database=None)
    @given(files, MAPPINGS)
    def fuzz(data: bytes, mapping: str) -> None:
        nonlocal count
        count += 1
        check_parses_or_refuses(fmt, data, mapping, suffix)
        if count % 1000 == 0:
            print(f"  {fmt}: {count}", flush=True)

    fuzz()
    return count


def run(examples: int, only: tuple[str, ...] = ()) -> None:
    rounds: list[tuple[str, st.SearchStrategy[bytes], str]] = [
        ("csv", csv_bytes(), ".csv"),
        ("bank-csv", csv_bytes(), ".csv"),
        ("xlsx", xlsx_bytes(), ".xlsx"),
    ]
    for fmt, files, suffix in rounds:
        if only and fmt not in only:
            continue
        started = time.perf_counter()
        count = fuzz_one(fmt, files, suffix, examples)
        print(
            f"{fmt}: {count} inputs, no crash ({time.perf_counter() - started:.0f} s)", flush=True
        )


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000, tuple(sys.argv[2:]))
