"""The bulk path of the import writes exactly the rows the one-by-one upsert writes.

Random folders of KSeF files (buyers new, known, renamed; numbers repeated or too long for their
column; instalments, stated payments, overpayments, corrections, purchase invoices) are imported
twice into copies of one database, once with the bulk path and once without: every table must
come out the same, row for row, and so must the report. The first folder is then often read
again, as it was (all unchanged) or with some files changed (amount, buyer's name, terms, the
date of a payment), which the bulk path must tell apart from the unchanged ones.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from db.uow import Database
from desktop_app.importers.formats import ParseOptions
from desktop_app.services import firm, imports
from desktop_app.services.database import open_database
from tests.helpers import D

FA3 = Path(__file__).resolve().parents[1] / "fixtures" / "ksef" / "fa3"
BASE = (FA3 / "FV_1_11_2026.xml").read_text(encoding="utf-8")
KOR = (FA3 / "KOR_1_11_2026.xml").read_text(encoding="utf-8")
BUYERS = ["5260250274", "9542583988", "1132191233", "5213017228"]
NAMES = ["Świt sp. z o.o.", "Piekarnia Gęś", "Łąka"]
TABLES = (
    "contractor",
    "contractor_email",
    "contractor_phone",
    "invoice",
    "instalment",
    "payment",
    "allocation",
    "activity",
)
#: columns that hold the moment a row was written, not data
TIMES = {"created_at", "at"}


@st.composite
def ksef_file(draw: st.DrawFn) -> str:
    number = f"FV/{draw(st.integers(1, 6))}/2026"
    if draw(st.integers(0, 14)) == 0:
        # too long for its column: the bulk path's Core insert refuses it as the flush does
        number = f"FV/{'1' * 100}/{draw(st.integers(1, 2))}"
    if draw(st.integers(0, 9)) == 0:
        return KOR.replace(">KOR/1/11/2026<", f">KOR/{number}<").replace(
            ">FV/1/11/2026<", f">{number}<"
        )
    gross = draw(st.integers(100, 500_000))
    terms = draw(st.lists(st.integers(0, 90), min_size=0, max_size=3, unique=True))
    due = "".join(
        f"<TerminPlatnosci><Termin>{(D(2026, 11, 2) + dt.timedelta(days=d)).isoformat()}</Termin></TerminPlatnosci>"
        for d in terms
    )
    paid = ""
    parts = draw(st.lists(st.integers(1, 300_000), max_size=2))
    if parts:
        paid = "<ZnacznikZaplatyCzesciowej>1</ZnacznikZaplatyCzesciowej>" + "".join(
            f"<ZaplataCzesciowa><KwotaZaplatyCzesciowej>{p / 100:.2f}</KwotaZaplatyCzesciowej>"
            f"<DataZaplatyCzesciowej>2026-11-0{i + 3}</DataZaplatyCzesciowej></ZaplataCzesciowa>"
            for i, p in enumerate(parts)
        )
    payment = f"<Platnosc>{paid}{due}<FormaPlatnosci>6</FormaPlatnosci></Platnosc>"
    buyer = draw(st.sampled_from(BUYERS))
    text_ = (
        BASE.replace(">FV/1/11/2026<", f">{number}<")
        .replace("<P_15>1230.00</P_15>", f"<P_15>{gross / 100:.2f}</P_15>")
        .replace("<NIP>5260250274</NIP>", f"<NIP>{buyer}</NIP>")
        .replace("Zakład Usług Łączności „Świt” sp. z o.o.", draw(st.sampled_from(NAMES)))
    )
    start, end = text_.index("<Platnosc>"), text_.index("</Platnosc>") + len("</Platnosc>")
    text_ = text_[:start] + payment + text_[end:]
    if draw(st.integers(0, 9)) == 0:  # a purchase invoice
        text_ = text_.replace("<NIP>7811767696</NIP>", "<NIP>5213017228</NIP>", 1)
    return text_


@st.composite
def changed(draw: st.DrawFn, files: list[str]) -> list[str]:
    """The files as a source sends them again: most as they were, some changed."""
    again = []
    for content in files:
        how = draw(st.sampled_from(["same", "same", "amount", "name", "terms", "paid"]))
        if how == "amount":
            gross = draw(st.integers(100, 500_000))
            content = re.sub(r"<P_15>[^<]*</P_15>", f"<P_15>{gross / 100:.2f}</P_15>", content)
        elif how == "name":
            content = content.replace(draw(st.sampled_from(NAMES)), draw(st.sampled_from(NAMES)), 1)
        elif how == "terms":
            content = content.replace(
                "<FormaPlatnosci>",
                "<TerminPlatnosci><Termin>2026-12-24</Termin></TerminPlatnosci><FormaPlatnosci>",
                1,
            )
        elif how == "paid":
            content = content.replace(
                "<DataZaplatyCzesciowej>2026-11-03<", "<DataZaplatyCzesciowej>2026-11-09<"
            )
        again.append(content)
    return again


@pytest.fixture(scope="module")
def template() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="inkaso-twin-"))
    db = open_database(folder / "template.db")
    firm.save_firm(db, firm.FirmInput(name="Hurtownia Żółw", nip="7811767696"))
    db.dispose()
    yield folder / "template.db"
    shutil.rmtree(folder, ignore_errors=True)


def _dump(db: Database) -> dict[str, list[Any]]:
    """Every row by its natural keys instead of ids (the bulk path writes the files it takes
    before the ones it leaves, so ids may be given in another order), sorted."""
    with db.read() as session:
        rows = {
            t: [
                {k: v for k, v in row._mapping.items() if k not in TIMES}
                for row in session.execute(text(f"SELECT * FROM {t} ORDER BY id"))
            ]
            for t in TABLES
        }
    contractor = {r["id"]: r["nip"] or r["name"] for r in rows["contractor"]}
    invoice = {r["id"]: r["number"] for r in rows["invoice"]}
    instalment = {r["id"]: (invoice[r["invoice_id"]], r["seq"]) for r in rows["instalment"]}
    payment = {r["id"]: (r["source"], r["source_ref"]) for r in rows["payment"]}
    keyed = {
        "contractor_id": contractor,
        "invoice_id": invoice,
        "corrected_invoice_id": invoice,
        "instalment_id": instalment,
        "payment_id": payment,
        "correction_id": invoice,
    }
    for row in rows["activity"]:
        # the log's data names rows by id too (a released payment): by natural key as well
        data = json.loads(row["data"]) if row["data"] else None
        if isinstance(data, dict):
            row["data"] = {k: keyed[k].get(v) if k in keyed else v for k, v in data.items()}
    return {
        t: sorted(
            repr(
                sorted(
                    (k, keyed[k].get(v) if k in keyed else v) for k, v in row.items() if k != "id"
                )
            )
            for row in rows[t]
        )
        for t in TABLES
    }


def _run(template: Path, folder: Path, *, bulk: bool, batches: list[list[str]]) -> tuple[Any, ...]:
    path = folder / f"{'bulk' if bulk else 'one'}.db"
    shutil.copy(template, path)
    db = open_database(path)
    reports = []
    for n, batch in enumerate(batches):
        files = folder / f"in{n}"
        if not files.exists():
            files.mkdir()
            for i, content in enumerate(batch):
                (files / f"{i:03d}.xml").write_text(content, encoding="utf-8")
        report = imports.import_paths(
            db, [files], "ksef", ParseOptions(), dry_run=False, today=D(2026, 12, 1), bulk=bulk
        )
        reports.append(report.to_json())
    dump = _dump(db)
    db.dispose()
    return reports, dump


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(st.lists(ksef_file(), min_size=1, max_size=8), min_size=1, max_size=2),
    st.sampled_from(["no", "same", "changed"]),
    st.data(),
)
def test_bulk_path_writes_what_the_one_by_one_upsert_writes(
    template: Path, batches: list[list[str]], again: str, data: st.DataObject
) -> None:
    if again == "same":  # the same folder read again: everything unchanged
        batches = [*batches, batches[0]]
    elif again == "changed":  # read again with some files changed
        batches = [*batches, data.draw(changed(batches[0]))]
    folder = Path(tempfile.mkdtemp(prefix="inkaso-twin-run-"))
    try:
        one = _run(template, folder, bulk=False, batches=batches)
        fast = _run(template, folder, bulk=True, batches=batches)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert fast[0] == one[0]
    for table in TABLES:
        assert fast[1][table] == one[1][table], table
