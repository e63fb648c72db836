"""Built-in scenario names are stored as keys and shown in the language of whoever looks."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from pathlib import Path

from db import migrate
from db.engine import make_engine, to_url
from db.uow import Database
from desktop_app.domain import scenario as model
from desktop_app.domain.presets import PRESETS
from desktop_app.i18n import gettext_for, set_language
from desktop_app.services.database import open_database
from desktop_app.services.dunning import scenarios
from tests.conftest import Cli

ESCALATION = PRESETS["escalation"]


def test_a_database_made_in_english_shows_the_built_in_scenarios_in_polish(
    db_path: Path, cli: Cli
) -> None:
    set_language("en")
    open_database(db_path).dispose()  # the first start, in English, seeds the presets

    result = cli("--lang", "pl", "scenario", "list", "--json")
    assert result.code == 0, result.err
    titles = {r["name"]: r["title"] for r in result.json()}
    assert titles == {name: gettext_for("pl", p.title) for name, p in PRESETS.items()}
    assert titles["escalation"] == "Eskalacja: e-mail, SMS, telefon, opiekun"

    database = open_database(db_path)
    try:
        set_language("pl")
        shown = scenarios.get(database, "escalation")
        assert [s.name for s in shown.steps] == [
            gettext_for("pl", s.name) for s in ESCALATION.steps
        ]
        assert shown.description == gettext_for("pl", ESCALATION.description)
        set_language("ru")
        assert scenarios.get(database, "escalation").title == gettext_for("ru", ESCALATION.title)
    finally:
        database.dispose()


def test_a_renamed_built_in_scenario_keeps_what_was_typed_and_an_untouched_one_its_key(
    db: Database,
) -> None:
    set_language("pl")
    shown = scenarios.get(db, "escalation")
    # saved back as the editor showed it (in Polish), with one step renamed by hand
    steps = (dataclasses.replace(shown.steps[0], name="Mail od Ani"), *shown.steps[1:])
    scenarios.save(db, dataclasses.replace(shown, steps=steps))
    set_language("en")
    again = scenarios.get(db, "escalation")
    assert again.title == ESCALATION.title
    assert [s.name for s in again.steps] == ["Mail od Ani"] + [s.name for s in ESCALATION.steps[1:]]
    scenarios.save(db, dataclasses.replace(again, title="Nasza windykacja"))
    set_language("ru")
    assert {i.name: i.title for i in scenarios.list_scenarios(db)}["escalation"] == (
        "Nasza windykacja"
    )


def _frozen_in(language: str, preset: model.Scenario) -> dict[str, object]:
    """A preset as databases stored it before 0012: texts in the first start's language."""
    data = model.to_dict(preset)
    data["title"] = gettext_for(language, preset.title)
    data["description"] = gettext_for(language, preset.description)
    for step, original in zip(data["steps"], preset.steps, strict=True):
        step["name"] = gettext_for(language, original.name)
    return data


def test_0012_gives_names_frozen_in_polish_back_their_keys(db_path: Path) -> None:
    engine = make_engine(to_url(db_path))
    migrate.upgrade(engine, "0011")
    engine.dispose()
    con = sqlite3.connect(db_path)
    renamed = _frozen_in("pl", PRESETS["gentle-email"])
    renamed["title"] = "Łagodne maile Ani"
    for name, title, data, default in (
        ("escalation", gettext_for("pl", ESCALATION.title), _frozen_in("pl", ESCALATION), 1),
        ("gentle-email", "Łagodne maile Ani", renamed, 0),
        ("sms-classic", "SMS", _frozen_in("ru", PRESETS["sms-classic"]), 0),
    ):
        con.execute(
            "INSERT INTO scenario (name, title, definition, is_default, updated_at)"
            " VALUES (?, ?, ?, ?, '2026-11-01 08:00:00')",
            (name, title, json.dumps(data, ensure_ascii=False), default),
        )
    con.commit()
    con.close()

    database = open_database(db_path)
    try:
        set_language("en")
        titles = {i.name: i.title for i in scenarios.list_scenarios(database)}
        assert titles == {
            "escalation": ESCALATION.title,
            "gentle-email": "Łagodne maile Ani",
            "sms-classic": "SMS",
        }
        assert scenarios.get(database, "escalation") == ESCALATION
        gentle = scenarios.get(database, "gentle-email")
        assert gentle.title == "Łagodne maile Ani"
        assert gentle.steps == PRESETS["gentle-email"].steps  # untouched step names: keys again
        sms = scenarios.get(database, "sms-classic")
        assert [s.name for s in sms.steps] == [s.name for s in PRESETS["sms-classic"].steps]
    finally:
        database.dispose()
