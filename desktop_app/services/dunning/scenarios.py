"""Scenarios in the database: presets seeded as editable copies, import/export, defaults.

The presets are stored once, when the database is created or migrated
(:func:`seed_presets`, called by ``open_database``); reading scenarios never writes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import Contractor, Invoice
from db.models import MessageTemplate as TemplateRow
from db.models import Scenario as ScenarioRow
from db.uow import Database
from desktop_app.domain import builtin_names
from desktop_app.domain import scenario as model
from desktop_app.domain.presets import DEFAULT_PRESET, PRESETS
from desktop_app.errors import ConflictError, NotFoundError, ValidationError
from desktop_app.i18n import N_, _
from desktop_app.messaging import list_defaults
from desktop_app.services import activity, audit, contractors


@dataclass(frozen=True)
class ScenarioInfo:
    id: int
    name: str
    title: str
    is_default: bool
    builtin: bool
    steps: int


def needs_presets(session: Session) -> bool:
    """A database that never had its scenarios: no scenario stored at all (the default one
    cannot be deleted, so a seeded database always keeps at least one)."""
    return session.scalar(select(ScenarioRow.id).limit(1)) is None


def seed_presets(db: Database) -> bool:
    """Store the presets as editable scenarios, one of them the default, in a database that has
    none yet; True when it did. Called when the database is created or migrated."""
    with db.read() as session:
        if not needs_presets(session):
            return False
    try:
        with db.write() as session:
            if not needs_presets(session):
                return False  # another process seeded it meanwhile
            for name, preset in PRESETS.items():
                session.add(
                    ScenarioRow(
                        name=name,
                        title=preset.title,
                        definition=model.to_dict(preset),
                        is_default=name == DEFAULT_PRESET,
                    )
                )
    except ConflictError:
        # another process (on PostgreSQL) seeded it at the same moment: the unit of work reports
        # the database's IntegrityError as a ConflictError
        return False
    return True


def _keys(name: str) -> frozenset[str]:
    """A built-in scenario's texts stored as keys and translated when shown (none for others)."""
    preset = PRESETS.get(name)
    return builtin_names.scenario_keys(preset) if preset is not None else frozenset()


def list_scenarios(db: Database) -> list[ScenarioInfo]:
    with db.read() as session:
        rows = list(session.scalars(select(ScenarioRow).order_by(ScenarioRow.name)))
        return [
            ScenarioInfo(
                r.id,
                r.name,
                builtin_names.shown(r.title, _keys(r.name)),
                r.is_default,
                r.name in PRESETS,
                len(r.definition["steps"]),
            )
            for r in rows
        ]


def channels_in_use(db: Database) -> set[str]:
    """Message channels the scenarios in use can send through: the default one's and those
    chosen for a contractor or an invoice (steps and thank-yous)."""
    with db.read() as session:
        assigned = select(Contractor.scenario_id).union(select(Invoice.scenario_id))
        rows = session.scalars(
            select(ScenarioRow).where(
                ScenarioRow.is_default | ScenarioRow.id.in_(assigned.scalar_subquery())
            )
        )
        used: set[str] = set()
        for row in rows:
            scenario = load(row)
            used.update(c for step in scenario.steps for c in step.channels)
            used.update(scenario.on_paid.channels)
    return used & set(model.MESSAGE_CHANNELS)


def row_by_name(session: Session, name: str) -> ScenarioRow:
    row = session.scalar(select(ScenarioRow).where(ScenarioRow.name == name))
    if row is None:
        raise NotFoundError(_("No scenario named {name}").format(name=name), field="scenario")
    return row


def load(row: ScenarioRow) -> model.Scenario:
    """The scenario as shown: a built-in one's untouched texts in the current UI language."""
    scenario = model.from_dict(row.definition, source=row.name)
    return builtin_names.shown_scenario(scenario, _keys(row.name))


def get(db: Database, name: str) -> model.Scenario:
    with db.read() as session:
        return load(row_by_name(session, name))


def known_templates(session: Session) -> set[str]:
    """The template names a scenario may use: the shipped ones and the firm's own."""
    return set(list_defaults()) | set(session.scalars(select(TemplateRow.name).distinct()))


def save(db: Database, scenario: model.Scenario, *, replace: bool = True) -> int:
    """Create or (with ``replace``) overwrite a scenario after validating it."""
    with db.read() as session:
        known = known_templates(session)
    model.ensure_valid(scenario, known_templates=known)
    scenario = builtin_names.stored_scenario(scenario, _keys(scenario.name))
    with db.write() as session:
        row = session.scalar(select(ScenarioRow).where(ScenarioRow.name == scenario.name))
        if row is not None and not replace:
            raise ConflictError(
                _("A scenario named {name} already exists").format(name=scenario.name)
            )
        before = _audited(row) if row is not None else None
        if row is None:
            row = ScenarioRow(name=scenario.name, is_default=False)
            session.add(row)
        row.title = scenario.title
        row.definition = model.to_dict(scenario)
        audit.record(
            session,
            kind="scenario",
            target=scenario.name,
            action="create" if before is None else "update",
            before=before,
            after=_audited(row),
        )
        session.flush()
        return row.id


def reset_preset(db: Database, name: str) -> None:
    """Put a built-in scenario back to the shipped version."""
    if name not in PRESETS:
        raise NotFoundError(_("{name} is not a built-in scenario").format(name=name))
    with db.write() as session:
        row = row_by_name(session, name)
        before = _audited(row)
        row.definition = model.to_dict(PRESETS[name])
        row.title = PRESETS[name].title
        audit.record(
            session,
            kind="scenario",
            target=name,
            action="reset",
            before=before,
            after=_audited(row),
        )


def _audited(row: ScenarioRow) -> dict[str, Any]:
    """What the audit trail compares: the title and each part of the definition."""
    return {"scenario_title": row.title, **(row.definition or {})}


def set_default(db: Database, name: str) -> None:
    with db.write() as session:
        make_default(session, name)


def make_default(session: Session, name: str) -> None:
    """The scenario every contractor without its own follows, in the caller's transaction."""
    row = row_by_name(session, name)
    was_default = row.is_default
    session.execute(update(ScenarioRow).values(is_default=False))
    row.is_default = True
    audit.record(
        session,
        kind="scenario",
        target=name,
        action="default",
        before={"default": was_default},
        after={"default": True},
    )


def delete(db: Database, name: str) -> None:
    with db.write() as session:
        row = row_by_name(session, name)
        if row.is_default:
            raise ValidationError(_("The default scenario cannot be deleted; choose another first"))
        session.delete(row)
        audit.record(session, kind="scenario", target=name, action="delete")


def export_text(db: Database, name: str, fmt: str = "json") -> str:
    data = model.to_dict(get(db, name))
    if fmt == "yaml":
        return str(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


#: a scenario file is a few kilobytes; reading stops here (``/dev/zero`` never ends)
MAX_FILE_BYTES = 1_000_000
#: nesting a scenario needs is about 5; deeper is not a scenario (and would exhaust the stack)
MAX_NESTING = 32


class _ScenarioLoader(yaml.SafeLoader):
    """YAML without aliases: a "billion laughs" file expands a few anchors into more values than
    memory holds; a scenario never needs them (an export writes none)."""

    def __init__(self, stream: str, source: str) -> None:
        super().__init__(stream)
        self.source = source
        self.depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        line = event.start_mark.line + 1 if event.start_mark else "?"
        if isinstance(event, yaml.AliasEvent):
            raise ValidationError(
                _("{file}, line {line}: YAML aliases (*name) are not allowed in a scenario").format(
                    file=self.source, line=line
                )
            )
        self.depth += 1
        try:
            if self.depth > MAX_NESTING:
                raise ValidationError(
                    _("{file}, line {line}: nested too deeply for a scenario").format(
                        file=self.source, line=line
                    )
                )
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def parse_text(text: str, *, source: str) -> model.Scenario:
    """JSON or YAML (JSON is YAML too); errors name the file."""
    loader = _ScenarioLoader(text, source)
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else "?"
        raise ValidationError(
            _("{file}, line {line}: not valid JSON or YAML").format(file=source, line=line)
        ) from exc
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise ValidationError(_("{file}: a scenario must be an object").format(file=source))
    return model.from_dict(data, source=source)


def import_file(db: Database, path: Path, *, replace: bool = False, name: str | None = None) -> str:
    scenario = parse_text(read_scenario_file(path), source=str(path))
    if name:
        scenario = model.ensure_valid(scenario.with_name(name))
    save(db, scenario, replace=replace)
    return scenario.name


def read_scenario_file(path: Path) -> str:
    """The text of a scenario file, read with a size limit; devices, pipes and folders are
    refused before anything is read from them."""
    try:
        if not path.is_file():
            raise ValidationError(
                _("Cannot read {file}: it is not an ordinary file").format(file=path)
            )
        with path.open("rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ValidationError(
            _("Cannot read {file}: {error}").format(file=path, error=exc.strerror or exc)
        ) from exc
    if len(raw) > MAX_FILE_BYTES:
        raise ValidationError(
            _("{file} is too large for a scenario (more than {size} kB)").format(
                file=path, size=MAX_FILE_BYTES // 1000
            )
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            _("Cannot read {file}: it is not UTF-8 text").format(file=path)
        ) from exc


def assign(
    db: Database,
    *,
    contractor: str | int | None = None,
    invoice_number: str | None = None,
    name: str | None,
    actor: str | None = None,
) -> None:
    """Override the default for a contractor or a single invoice (None: back to the default)."""
    with db.write() as session:
        scenario_id = row_by_name(session, name).id if name else None
        target: Contractor | Invoice
        if invoice_number is not None:
            found = session.scalar(select(Invoice).where(Invoice.number == invoice_number))
            if found is None:
                raise NotFoundError(_("No invoice {number}").format(number=invoice_number))
            target = found
            contractor_id = found.contractor_id
        else:
            target = contractors.resolve(session, contractor if contractor is not None else "")
            contractor_id = target.id
        target.scenario_id = scenario_id
        activity.record(
            session,
            contractor_id=contractor_id,
            invoice_id=target.id if isinstance(target, Invoice) else None,
            kind="status",
            summary=N_("Dunning scenario set to {name}"),
            data={"name": name or _("default")},
            actor=actor,
        )
