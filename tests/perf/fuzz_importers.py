"""The importers' fuzz properties with 10,000 inputs per format, run by hand.

``.venv/bin/python -m tests.perf.fuzz_importers [examples]``: the CI runs the same properties
(tests/unit/test_importer_fuzz.py) with a few hundred inputs; this is the long run the issue asks
for. Every input must give records or one ImportFileError sentence: any other exception fails.
"""

from __future__ import annotations

import sys
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.test_importer_fuzz import PARSERS, Parser, check, mutated


def run(examples: int) -> None:
    long_run = settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    for name, (parse, _fixtures) in PARSERS.items():
        started = time.perf_counter()

        @long_run
        @given(mutated(name))
        def mutated_files(data: bytes, parse: Parser = parse) -> None:
            check(parse, data)

        @long_run
        @given(st.binary(max_size=2000))
        def any_bytes(data: bytes, parse: Parser = parse) -> None:
            check(parse, data)

        mutated_files()
        any_bytes()
        took = time.perf_counter() - started
        print(
            f"{name}: {examples} mutated files + {examples} byte strings, no crash ({took:.0f} s)"
        )


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
