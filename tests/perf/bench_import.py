"""10,000 KSeF files into a fresh SQLite file: Inkaso's import vs lxml alone parsing them.

Run by hand: ``.venv/bin/python -m tests.perf.bench_import [count]``. The files are the FA(3)
fixtures written again with new numbers and 500 buyers (a third with three instalments, a tenth
paid). The import parses each file, checks it and writes it in its own transaction with its
contractor, instalments, stated payments and activity; then the same folder is imported again
(everything unchanged, nothing written); lxml only parses the same bytes, which is the floor.
Each figure is given by wall clock and by CPU time (on a shared machine the wall clock also
counts other programs' turns). Targets: >= 2,000 invoices/s for the first import and for the
re-import.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from lxml import etree

from desktop_app.importers.formats import ParseOptions
from desktop_app.services import firm, imports
from desktop_app.services.database import open_database
from tests.helpers import D

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ksef" / "fa3"
FIRM_NIP = "7811767696"
#: valid NIPs for the buyers: a base with its check digit computed
WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)


def nip(n: int) -> str:
    while True:
        digits = f"{100000000 + n * 7919:09d}"[-9:]
        check = sum(int(d) * w for d, w in zip(digits, WEIGHTS, strict=True)) % 11
        if check < 10:
            return digits + str(check)
        n += 1_000_003


def write_files(folder: Path, count: int) -> None:
    plain = (FIXTURES / "FV_1_11_2026.xml").read_text(encoding="utf-8")
    instalments = (FIXTURES / "FV_2_11_2026_raty.xml").read_text(encoding="utf-8")
    paid = (FIXTURES / "FV_4_11_2026_zaplacona.xml").read_text(encoding="utf-8")
    buyers = [nip(i) for i in range(500)]
    for i in range(count):
        # the template by buyer, so every file names a buyer the same way
        buyer = i % 500
        template = paid if buyer % 10 == 0 else instalments if buyer % 3 == 0 else plain
        number = f"FV/{i + 1}/2026"
        text = (
            template.replace(">FV/1/11/2026<", f">{number}<")
            .replace(">FV/2/11/2026<", f">{number}<")
            .replace(">FV/4/11/2026<", f">{number}<")
            .replace("<NIP>5260250274</NIP>", f"<NIP>{buyers[buyer]}</NIP>")
            .replace("<NIP>9542583988</NIP>", f"<NIP>{buyers[buyer]}</NIP>")
            .replace(" sp. z o.o.</Nazwa>", f" sp. z o.o. {buyer}</Nazwa>")
            .replace("Małgorzata Gęś</Nazwa>", f"Małgorzata Gęś {buyer}</Nazwa>")
        )
        sub = folder / f"{i // 1000:02d}"
        sub.mkdir(exist_ok=True)
        (sub / f"FV_{i + 1}.xml").write_text(text, encoding="utf-8")


def lxml_alone(files: list[Path]) -> float:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    started = time.perf_counter()
    for file in files:
        etree.fromstring(file.read_bytes(), parser)
    return time.perf_counter() - started


def main(count: int) -> None:
    with tempfile.TemporaryDirectory(prefix="inkaso-bench-import-") as tmp:
        folder = Path(tmp) / "ksef"
        folder.mkdir()
        write_files(folder, count)
        files = sorted(folder.rglob("*.xml"))
        db = open_database(Path(tmp) / "inkaso.db")
        firm.save_firm(db, firm.FirmInput(name="Hurtownia Żółw", nip=FIRM_NIP))
        started, cpu = time.perf_counter(), time.process_time()
        report = imports.import_paths(
            db, [folder], "ksef", ParseOptions(), dry_run=False, today=D(2026, 12, 1)
        )
        took, took_cpu = time.perf_counter() - started, time.process_time() - cpu
        assert not report.errors, report.errors[:3]
        assert report.invoices == count, report.invoices
        started, cpu = time.perf_counter(), time.process_time()
        again = imports.import_paths(
            db, [folder], "ksef", ParseOptions(), dry_run=False, today=D(2026, 12, 1)
        )
        took_again, again_cpu = time.perf_counter() - started, time.process_time() - cpu
        assert again.created == again.updated == 0
        db.dispose()
        cpu = time.process_time()
        floor = min(lxml_alone(files) for _ in range(3))
        floor_cpu = (time.process_time() - cpu) / 3
        print(f"files: {count}, created {report.created} records")
        # CPU time too: on a shared machine the wall clock also counts other programs' turns
        for label, wall, spent in (
            ("import", took, took_cpu),
            ("re-import (unchanged)", took_again, again_cpu),
            ("lxml alone", floor, floor_cpu),
        ):
            print(
                f"{label:22} {wall:7.2f} s {count / wall:8.0f} invoices/s"
                f"   CPU {spent:7.2f} s {count / spent:8.0f} invoices/s"
            )
        print(f"import / lxml: {took / floor:.1f}x wall, {took_cpu / floor_cpu:.1f}x CPU")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
