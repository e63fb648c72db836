"""Column mappings saved by name, beside the ready presets, and what ``--mapping X`` means.

A saved mapping is a row of the settings store (key ``import.mapping.NAME``, value the
mapping's JSON form), so every seat of a shared database sees the same mappings and no
migration is needed. The typed settings (:mod:`desktop_app.settings`) list only their own keys,
so these rows never show up in ``config list``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Setting
from db.uow import Database
from desktop_app.errors import NotFoundError, ValidationError
from desktop_app.i18n import _
from desktop_app.importers.column_mapping import ColumnMapping, load_mapping_file, mapping_from_dict
from desktop_app.importers.mapping_presets import PRESETS
from desktop_app.services import audit

_PREFIX = "import.mapping."
#: a mapping's name is an identifier a person types after --mapping, never a path
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,59}")


@dataclass(frozen=True)
class MappingInfo:
    name: str
    kind: str
    description: str
    #: one of Inkaso's ready presets (cannot be changed or deleted)
    ready: bool


def check_name(name: str) -> str:
    cleaned = name.strip()
    if not _NAME.fullmatch(cleaned):
        raise ValidationError(
            _(
                "A mapping's name is up to 60 lower-case letters, digits, '-' and '_' "
                "(for example my-subiekt): {name}"
            ).format(name=name),
            field="name",
        )
    return cleaned


def list_mappings(db: Database) -> list[MappingInfo]:
    """The ready presets, then the saved mappings, each group by name."""
    with db.read() as session:
        saved = [
            mapping_from_dict(row.value, name=row.key.removeprefix(_PREFIX))
            for row in session.scalars(
                select(Setting).where(Setting.key.startswith(_PREFIX)).order_by(Setting.key)
            )
        ]
    ready = [PRESETS[n] for n in sorted(PRESETS)]
    return [MappingInfo(m.name, m.kind, _(m.description), True) for m in ready] + [
        MappingInfo(m.name, m.kind, m.description, False) for m in saved
    ]


def read_mapping(session: Session, name: str) -> ColumnMapping | None:
    """A ready preset or a saved mapping by name, else None."""
    if name in PRESETS:
        return PRESETS[name]
    row = session.get(Setting, _PREFIX + name)
    return None if row is None else mapping_from_dict(row.value, name=name)


def get_mapping(db: Database, name: str) -> ColumnMapping:
    with db.read() as session:
        mapping = read_mapping(session, name)
    if mapping is None:
        raise NotFoundError(_("There is no mapping named {name}").format(name=name), field="name")
    return mapping


def resolve_mapping(db: Database, ref: str) -> ColumnMapping:
    """What ``--mapping REF`` names: a ready preset, a saved mapping, or a JSON/TOML file."""
    if _NAME.fullmatch(ref):
        with db.read() as session:
            mapping = read_mapping(session, ref)
        if mapping is not None:
            return mapping
    path = Path(ref)
    if path.is_file():
        return load_mapping_file(path)
    raise NotFoundError(
        _("Unknown mapping {name}: neither a saved or ready preset nor a mapping file").format(
            name=ref
        ),
        field="mapping",
    )


def write_mapping(session: Session, mapping: ColumnMapping, *, name: str | None = None) -> str:
    """Save ``mapping`` under ``name`` (default: its own) in the caller's transaction."""
    chosen = check_name(mapping.name if name is None else name)
    if chosen in PRESETS:
        raise ValidationError(
            _("{name} is one of Inkaso's ready mappings; save yours under another name").format(
                name=chosen
            ),
            field="name",
        )
    # the stored form is checked the way a file is, so what is saved can always be read back
    data = mapping_from_dict({**mapping.to_dict(), "name": chosen}).to_dict()
    row = session.get(Setting, _PREFIX + chosen)
    before = row.value if row is not None else None
    if row is None:
        session.add(Setting(key=_PREFIX + chosen, value=data))
    else:
        row.value = data
    audit.record(
        session,
        kind="mapping",
        target=chosen,
        action="create" if before is None else "update",
        before=before,
        after=data,
    )
    return chosen


def save_mapping(db: Database, mapping: ColumnMapping, *, name: str | None = None) -> str:
    with db.write() as session:
        return write_mapping(session, mapping, name=name)


def delete_mapping(db: Database, name: str) -> None:
    with db.write() as session:
        row = session.get(Setting, _PREFIX + name)
        if row is None:
            if name in PRESETS:
                raise ValidationError(
                    _("{name} is one of Inkaso's ready mappings and cannot be deleted").format(
                        name=name
                    ),
                    field="name",
                )
            raise NotFoundError(
                _("There is no mapping named {name}").format(name=name), field="name"
            )
        session.delete(row)
        audit.record(session, kind="mapping", target=name, action="delete")
