"""An import updates a contractor's name, address and contacts, but never undoes a person's edit.

Inkaso remembers what the import last said of each field. Where the value on file still is
what the import last said, nobody touched it: the import updates it as the source now says.
Where it differs, a person edited it in Inkaso: their value is kept (and the import result says
so when the source says something else). With nothing remembered (a contractor entered by hand,
or recorded before Inkaso remembered), the import updates the field as it always did.

Contacts are only ever added by an import; one the import stated before that is no longer on
file was removed by a person and is not added back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

#: the contractor's fields an import states and a person may edit
FIELDS = ("name", "street", "postal_code", "city", "country")
#: the remembered contacts' keys
CONTACTS = ("emails", "phones")


@dataclass(frozen=True)
class FieldMerge:
    #: field -> the value to store (only fields that change)
    updates: dict[str, str]
    #: (field, what the source says) where a person's different value is kept
    kept: tuple[tuple[str, str], ...]
    #: what the import said, to remember for the next import
    said: dict[str, str]


def merge_fields(
    stored: Mapping[str, str | None],
    said_before: Mapping[str, str] | None,
    said_now: Mapping[str, str | None],
) -> FieldMerge:
    """What an import that says ``said_now`` (None: the source does not state the field) does to
    fields stored as ``stored``, given what the import said before (None: nothing remembered)."""
    before = dict(said_before or {})
    updates: dict[str, str] = {}
    kept: list[tuple[str, str]] = []
    said = {k: v for k, v in before.items() if k in FIELDS}
    for name in FIELDS:
        value = said_now.get(name)
        if value is None:
            continue
        said[name] = value
        current = stored.get(name)
        edited = name in before and current != before[name]
        if value == current:
            continue
        if edited:
            kept.append((name, value))
        else:
            updates[name] = value
    return FieldMerge(updates, tuple(kept), said)


@dataclass(frozen=True)
class ContactMerge:
    #: contacts to add
    added: tuple[str, ...]
    #: contacts the source states that a person removed: not added back
    kept_removed: tuple[str, ...]


def merge_contacts(
    stored: Sequence[str], said_before: Sequence[str] | None, said_now: Sequence[str]
) -> ContactMerge:
    """Contacts (e-mails or phones, normalised) an import adds to those on file."""
    on_file = set(stored)
    before = set(said_before or ())
    added = tuple(c for c in said_now if c not in on_file and c not in before)
    removed = tuple(c for c in said_now if c not in on_file and c in before)
    return ContactMerge(added, removed)
