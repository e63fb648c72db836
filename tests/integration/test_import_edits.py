"""A re-import keeps what a person edited in Inkaso (name, address, a removed e-mail) and says so;
what nobody edited is updated as the source now says. Both the bulk and the one-by-one path."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import Contractor
from db.uow import Database
from desktop_app.importers.formats import ParseOptions
from desktop_app.services import contractors, imports, views
from tests.helpers import D

TODAY = D(2026, 12, 1)
HEADER = (
    "Numer,Data wystawienia,Termin płatności,Nabywca,NIP nabywcy,Ulica nabywcy,"
    "Kod pocztowy nabywcy,Miasto nabywcy,Email nabywcy,Wartość brutto,Waluta\n"
)


def _csv(path: Path, *, name: str, street: str, city: str, emails: str) -> Path:
    path.write_text(
        HEADER + f"FV 1/11/2026,02/11/2026,16/11/2026,{name},5213012343,{street},90-001,{city},"
        f'"{emails}",1000.00,PLN\n',
        encoding="utf-8",
    )
    return path


def _import(db: Database, path: Path, bulk: bool) -> imports.ImportReport:
    return imports.import_paths(
        db,
        [path],
        "csv",
        ParseOptions(mapping="fakturownia"),
        dry_run=False,
        today=TODAY,
        bulk=bulk,
    )


def _contractor(db: Database) -> Contractor:
    with db.read() as session:
        row = session.scalars(select(Contractor)).one()
        session.expunge(row)
        return row


def _edit(db: Database, **changes: object) -> None:
    with db.read() as session:
        view = views.contractor_view(session.scalars(select(Contractor)).one())
    data = dataclasses.replace(views.contractor_input(view), **changes)  # type: ignore[arg-type]
    contractors.edit_contractor(db, view.id, data)


def _state(db: Database) -> tuple[str, str | None, str | None, list[str]]:
    with db.read() as session:
        row = session.scalars(select(Contractor)).one()
        return row.name, row.street, row.city, [e.email for e in row.emails]


@pytest.mark.parametrize("bulk", [True, False], ids=["bulk", "one-by-one"])
def test_a_persons_edits_survive_a_reimport_and_the_result_says_so(
    db: Database, tmp_path: Path, bulk: bool
) -> None:
    path = tmp_path / "faktury.csv"
    first = dict(name="Łódzka Spółdzielnia Ślusarzy", street="ul. Długa 5", city="Łódź")
    _import(db, _csv(path, **first, emails="biuro@slusarze.pl; kasa@slusarze.pl"), bulk)
    # a person corrects the name and the street and drops an e-mail nobody reads
    _edit(
        db,
        name="Łódzka Spółdzielnia Ślusarzy „Postęp”",
        street="ul. Długa 5/7",
        emails=["biuro@slusarze.pl"],
    )

    # the source still says the old name and street, but a new city and a new e-mail
    report = _import(
        db,
        _csv(
            path,
            name=first["name"],
            street=first["street"],
            city="Łódź-Widzew",
            emails="biuro@slusarze.pl; kasa@slusarze.pl; faktury@slusarze.pl",
        ),
        bulk,
    )

    assert _state(db) == (
        "Łódzka Spółdzielnia Ślusarzy „Postęp”",
        "ul. Długa 5/7",
        "Łódź-Widzew",
        ["biuro@slusarze.pl", "faktury@slusarze.pl"],
    )
    notes = [n.reason for n in report.notes]
    who = "Łódzka Spółdzielnia Ślusarzy „Postęp”"
    assert notes == [
        f"{who}: kept your edit of the name; the file says “Łódzka Spółdzielnia Ślusarzy”",
        f"{who}: kept your edit of the street; the file says “ul. Długa 5”",
        f"{who}: kept your removal of kasa@slusarze.pl; the file still lists it",
    ]
    assert report.updated == 1  # the contractor (city, e-mail); the invoice is unchanged


@pytest.mark.parametrize("bulk", [True, False], ids=["bulk", "one-by-one"])
def test_what_nobody_edited_follows_the_source(db: Database, tmp_path: Path, bulk: bool) -> None:
    path = tmp_path / "faktury.csv"
    _import(db, _csv(path, name="Ślusarze", street="ul. Długa 5", city="Łódź", emails=""), bulk)
    report = _import(
        db,
        _csv(path, name="Ślusarze sp. z o.o.", street="ul. Krótka 1", city="Łódź", emails=""),
        bulk,
    )
    assert _state(db) == ("Ślusarze sp. z o.o.", "ul. Krótka 1", "Łódź", [])
    assert report.notes == []
    # read again: nothing changes, nothing to say
    again = _import(
        db,
        _csv(path, name="Ślusarze sp. z o.o.", street="ul. Krótka 1", city="Łódź", emails=""),
        bulk,
    )
    assert (again.updated, again.notes) == (0, [])
    assert _contractor(db).imported == {
        "name": "Ślusarze sp. z o.o.",
        "street": "ul. Krótka 1",
        "postal_code": "90-001",
        "city": "Łódź",
        "country": "PL",
    }
