"""A small fuzz of the CSV and XLSX readers in every run (tests/perf/fuzz_tabular.py runs
10,000 inputs per format by hand): a generated file is imported or refused with a sentence."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from tests.tabular_fuzz import MAPPINGS, check_parses_or_refuses, csv_bytes, xlsx_bytes

#: the generated files are large by design (whole tables), which hypothesis would warn about
CALM = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]
FAST = settings(max_examples=100, deadline=None, suppress_health_check=CALM)


@FAST
@given(csv_bytes(), MAPPINGS)
def test_csv_never_crashes(data: bytes, mapping: str) -> None:
    fmt = "bank-csv" if mapping.startswith("mbank") else "csv"
    check_parses_or_refuses(fmt, data, mapping, ".csv")


@FAST
@given(csv_bytes(), MAPPINGS)
def test_bank_csv_never_crashes(data: bytes, mapping: str) -> None:
    check_parses_or_refuses("bank-csv", data, mapping, ".csv")


@settings(max_examples=30, deadline=None, suppress_health_check=CALM)
@given(xlsx_bytes(), MAPPINGS)
def test_xlsx_never_crashes(data: bytes, mapping: str) -> None:
    check_parses_or_refuses("xlsx", data, mapping, ".xlsx")
