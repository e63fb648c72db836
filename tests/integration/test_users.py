"""Users on a real database: the screen's service, the CLI, deputies, the first user."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from db.models import AuditEntry, Contractor, Task, User
from db.uow import Database
from desktop_app.errors import ConflictError, NotFoundError, ValidationError
from desktop_app.services import manager_assignment, users
from desktop_app.services.dunning import tasks
from desktop_app.services.users import UserInput
from tests.conftest import Cli

D = dt.date


def _people(db: Database) -> tuple[int, int, int]:
    owner = users.add_user(db, UserInput("szef", "Jan Szef", role="owner"))
    anna = users.add_user(db, UserInput("anna", "Anna Nowak", "anna@firma.pl", "501 234 567"))
    piotr = users.add_user(db, UserInput("piotr", "Piotr Wiśniewski"))
    return owner, anna, piotr


def test_inputs_are_checked_and_there_is_always_an_active_owner(db: Database) -> None:
    owner, anna, _piotr = _people(db)
    assert users.get_user(db, "ANNA").phone == "+48501234567"
    with pytest.raises(ValidationError):
        users.add_user(db, UserInput("ewa", "Ewa", email="not-an-address"))
    with pytest.raises(ConflictError):
        users.add_user(db, UserInput("Anna", "Another Anna"))
    with pytest.raises(ConflictError):
        users.edit_user(db, anna, UserInput("SZEF", "Anna Nowak"))
    with pytest.raises(ValidationError):
        users.add_user(db, UserInput("ewa", "Ewa", role="boss"))
    with pytest.raises(NotFoundError):  # "²" passes str.isdigit, not int() (found by the CLI fuzz)
        users.get_user(db, "\u00b2")
    with pytest.raises(ValidationError):
        users.set_active(db, owner, False)
    with pytest.raises(ValidationError):
        users.edit_user(db, owner, UserInput("szef", "Jan Szef", role="bookkeeper"))
    users.edit_user(db, anna, UserInput("anna", "Anna Nowak", role="owner"))
    users.set_active(db, owner, False)
    assert [u.login for u in users.list_users(db)] == ["anna", "piotr"]
    assert users.get_user(db, owner).active is False
    # the audit trail says who changed which user, refused changes leave nothing
    with db.read() as session:
        trail = session.execute(
            select(AuditEntry.target, AuditEntry.action, AuditEntry.changes)
            .where(AuditEntry.kind == "user")
            .order_by(AuditEntry.id)
        ).all()
    assert [(t, a) for t, a, _c in trail] == [
        ("szef", "create"), ("anna", "create"), ("piotr", "create"),
        ("anna", "update"), ("szef", "update"),
    ]  # fmt: skip
    # the form replaces every field: this edit left out her e-mail and phone
    assert trail[3][2] == {
        "role": ["account_manager", "owner"],
        "email": ["anna@firma.pl", None],
        "phone": ["+48501234567", None],
    }
    assert trail[4][2] == {"active": [True, False]}


def test_the_first_start_makes_the_login_the_owner_and_only_then(db: Database) -> None:
    first = users.ensure_first_user(db, "kasia", "Katarzyna Nowak")
    assert first is not None
    me = users.current_user(db, "Kasia")
    assert me is not None and me.role == "owner" and me.full_name == "Katarzyna Nowak"
    assert users.ensure_first_user(db, "kasia", "Someone else") == first
    # a second login on a database with users is not made anyone: Mine offers "This is me…"
    assert users.ensure_first_user(db, "marek", "Marek") is None
    assert users.current_user(db, "marek") is None
    other = users.add_user(db, UserInput("m.kowalski", "Marek Kowalski"))
    users.link_login(db, other, "marek")
    assert users.current_user(db, "marek") == users.get_user(db, other)


def test_an_absent_users_tasks_go_to_the_deputy_while_away(db: Database) -> None:
    _owner, anna, piotr = _people(db)
    with db.write() as session:
        session.add(Contractor(name="Alfa", search_name="alfa", assigned_user_id=anna))
    old = tasks.add_task(db, title="Call Alfa", due_on=D(2026, 11, 30), user_id=anna)
    users.set_absence(db, "anna", D(2026, 12, 1), D(2026, 12, 7), "piotr")
    # new work while she is away is the deputy's; her open work shows in his list
    new = tasks.add_task(db, title="Letter to Alfa", due_on=D(2026, 12, 2), user_id=anna)
    with db.read() as session:
        assert session.get(Task, new).assigned_user_id == piotr  # type: ignore[union-attr]
        assert session.get(Task, old).assigned_user_id == anna  # type: ignore[union-attr]
    mine = tasks.list_tasks(db, today=D(2026, 12, 3), user_id=piotr)
    assert {t.id for t in mine} == {old, new}
    assert tasks.list_tasks(db, today=D(2026, 12, 3), user_id=anna) == []
    # back at work: her old task is hers again
    back = tasks.list_tasks(db, today=D(2026, 12, 8), user_id=anna)
    assert [t.id for t in back] == [old]
    with pytest.raises(ValidationError):
        users.set_absence(db, anna, D(2026, 12, 7), D(2026, 12, 1), piotr)
    with pytest.raises(ValidationError):
        users.set_absence(db, anna, D(2026, 12, 1), D(2026, 12, 7), anna)
    users.set_absence(db, anna, None, None, None)
    assert tasks.list_tasks(db, today=D(2026, 12, 3), user_id=anna)[0].id == old


def test_bulk_assignment_logs_each_change_and_undoes(db: Database) -> None:
    _owner, anna, piotr = _people(db)
    with db.write() as session:
        for name, manager in (("Alfa", anna), ("Beta", None), ("Gamma", piotr)):
            session.add(Contractor(name=name, search_name=name.lower(), assigned_user_id=manager))
    with db.read() as session:
        ids = [c.id for c in session.query(Contractor).order_by(Contractor.name)]
    previous = manager_assignment.assign_manager(db, ids, piotr)
    assert previous == {ids[0]: anna, ids[1]: None}
    with db.read() as session:
        assert {c.assigned_user_id for c in session.query(Contractor)} == {piotr}
        assert session.query(User).count() == 3
    manager_assignment.restore_managers(db, previous)
    with db.read() as session:
        back = {c.id: c.assigned_user_id for c in session.query(Contractor)}
    assert back == {ids[0]: anna, ids[1]: None, ids[2]: piotr}


def test_cli_user_and_contractor_assign(cli: Cli) -> None:
    assert cli("user", "add", "--login", "szef", "--name", "Jan Szef", "--role", "owner").code == 0
    added = cli("user", "add", "--login", "anna", "--name", "Anna Nowak", "--json")
    assert added.code == 0 and added.json()["role"] == "account_manager"
    assert cli("user", "add", "--login", "ewa", "--name", "Ewa", "--email", "x@").code == 3
    edited = cli("user", "edit", "anna", "--email", "anna@firma.pl", "--language", "ru", "--json")
    assert edited.json()["email"] == "anna@firma.pl" and edited.json()["name"] == "Anna Nowak"
    assert edited.json()["language"] == "ru"
    assert cli("user", "edit", "anna", "--language", "", "--json").json()["language"] is None
    refused = cli("user", "deactivate", "szef")
    assert refused.code == 3 and refused.out.count("\n") + refused.err.count("\n") == 1
    away = cli(
        "user",
        "absent",
        "anna",
        "--from",
        "2026-12-01",
        "--to",
        "2026-12-07",
        "--deputy",
        "szef",
        "--json",
    )
    assert away.json()["absent_to"] == "2026-12-07"
    c1 = cli("contractor", "add", "--name", "Alfa", "--json").json()["id"]
    c2 = cli("contractor", "add", "--name", "Beta", "--json").json()["id"]
    given = cli("contractor", "assign", "--manager", "anna", str(c1), str(c2), "--json")
    assert given.code == 0 and given.json()["changed"] == [c1, c2]
    assert cli("contractor", "assign", "--manager", "nobody", str(c1)).code == 3
    listed = cli("user", "list", "--json").json()
    assert [u["login"] for u in listed] == ["anna", "szef"]
    assert cli("user", "deactivate", "anna").code == 0
    assert [u["login"] for u in cli("user", "list", "--json").json()] == ["szef"]
    assert len(cli("user", "list", "--all", "--json").json()) == 2
