"""A 500-letter batch: Inkaso's letters vs a bare ReportLab document of the same page count.

Run by hand: ``.venv/bin/python -m tests.perf.bench_letters [count]``. Three figures:

* ``bare``: ReportLab alone writes a document with as many pages as the batch, each page a title,
  eight paragraphs and a small table in the same embedded DejaVu font (the floor: no templates,
  no layout of ours);
* ``render``: Inkaso renders the letters from ready values (the owner's templates in the sandbox,
  then the PDF);
* ``batch``: ``write_batch`` end to end on a SQLite file with ``count`` debtors of three overdue
  invoices each: choosing them, reading the ledger, interest and compensation, the PDF, the
  registered-mail list and the activity rows.

Target: the batch at >= 50 letters/s. Each figure is printed as wall time and as the process's
CPU time: on a machine shared with other work the CPU time is what the code itself costs.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table

from db.uow import Database
from desktop_app.domain.rates import RateKind
from desktop_app.letters import fonts
from desktop_app.letters.model import LetterData
from desktop_app.letters.pdf import render_pdf
from desktop_app.letters.texts import render_text, shipped_template
from desktop_app.services import letters
from desktop_app.services.contractors import ContractorInput, add_contractor
from desktop_app.services.database import open_database
from desktop_app.services.firm import FirmInput, save_firm
from desktop_app.services.invoices import InstalmentInput, InvoiceInput, add_invoice
from desktop_app.services.rates import add_rate
from tests.unit.letter_samples import DEBTOR, letter

TODAY = dt.date(2026, 12, 1)
T = TypeVar("T")


def timed(work: Callable[[], T]) -> tuple[T, float, float]:
    """``work``'s result, its wall time and its CPU time in seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def bare(pages: int, target: Path) -> None:
    fonts.register()
    style = ParagraphStyle("p", fontName=fonts.REGULAR, fontSize=9.5, leading=12.6)
    text = (
        "Działając w imieniu wierzyciela wzywamy do zapłaty należności z wymienionych faktur "
        "wraz z odsetkami za opóźnienie w transakcjach handlowych; Щука и Ёж. "
    ) * 3
    story: list[object] = []
    for page in range(pages):
        story.append(Paragraph("Wezwanie do zapłaty", style))
        story += [Paragraph(text, style) for _ in range(8)]
        story.append(Table([["FV/1", "28.02.2026", "12 300,00 zł"]] * 4, colWidths=[50 * mm] * 3))
        if page + 1 < pages:
            story.append(PageBreak())
    SimpleDocTemplate(str(target), pagesize=A4).build(story)


def letter_values(count: int) -> list[LetterData]:
    return [
        letter("demand", "pl", debtor=replace(DEBTOR, name=f"Gęśla Jaźń {n} Sp. j."))
        for n in range(count)
    ]


def render(values: list[LetterData], target: Path) -> None:
    pairs = [(x, render_text(shipped_template(x.kind, x.language), x)) for x in values]
    render_pdf(pairs, target)


def ledger(count: int, folder: Path) -> Database:
    db = open_database(folder / "bench.db")
    save_firm(
        db,
        FirmInput(
            "Żółta Łódź Sp. z o.o.", nip="8971234561", street="ul. Świętego Mikołaja 12/4",
            postal_code="50-125", city="Wrocław", accounts=[("PL61109010140000071219812874", "PLN")],
        ),
    )  # fmt: skip
    dues = (
        (dt.date(2026, 3, 15), 1_230_000),
        (dt.date(2026, 6, 1), 450_000),
        (dt.date(2026, 9, 30), 99_99),
    )
    for n in range(count):
        cid = add_contractor(
            db,
            ContractorInput(f"Dłużnik {n:04d} Sp. z o.o.", street=f"ul. Łąkowa {n}", postal_code="00-950", city="Warszawa"),
        )  # fmt: skip
        for k, (due, amount) in enumerate(dues):
            issued = due - dt.timedelta(days=14)
            add_invoice(
                db, InvoiceInput(cid, f"FV/{n}/{k}", issued, "PLN", [InstalmentInput(due, amount)])
            )
    # the NBP euro rates of the month ends before those due dates (made-up values)
    for day in (dt.date(2026, 2, 27), dt.date(2026, 5, 29), dt.date(2026, 8, 31)):
        add_rate(db, RateKind.EUR, day, Decimal("4.2500"))
    return db


def line(label: str, count: int, unit: str, wall: float, cpu: float, extra: str = "") -> None:
    print(f"{label:<30} wall {wall:6.2f} s {count / wall:7.1f} {unit}/s   "
          f"cpu {cpu:6.2f} s {count / cpu:7.1f} {unit}/s  {extra}")  # fmt: skip


def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        render(letter_values(5), folder / "warm.pdf")  # fonts loaded, templates compiled
        values = letter_values(count)
        _none, wall, cpu = timed(lambda: render(values, folder / "letters.pdf"))
        pages = len(PdfReader(folder / "letters.pdf").pages)
        _none, bare_wall, bare_cpu = timed(lambda: bare(pages, folder / "bare.pdf"))
        print(f"{count} letters, {pages} pages")
        line("bare ReportLab, same pages", pages, "pages", bare_wall, bare_cpu)
        line("render (templates + PDF)", count, "letters", wall, cpu,
             f"({cpu / bare_cpu:.2f}x bare CPU)")  # fmt: skip
        db = ledger(count, folder)
        request = letters.BatchRequest(TODAY, min_days=30, min_amount_minor=500_00)
        (written, _refused), wall, cpu = timed(
            lambda: letters.write_batch(db, request, letters.load_sources(db), folder / "batch.pdf")
        )
        assert len(written.letters) == count
        line("batch (database to PDF)", count, "letters", wall, cpu, "(target >= 50 letters/s)")
        db.dispose()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
