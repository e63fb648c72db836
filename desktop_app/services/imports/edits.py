"""A person's edits of an imported contractor: what the import remembers and what it says it
kept (the rule: ``domain.imported_edits``; what changes: ``keys.changes``)."""

from __future__ import annotations

from db.models import Contractor as ContractorRow
from desktop_app.i18n import N_, _
from desktop_app.importers.records import ContractorRecord
from desktop_app.services.imports import keys

#: a contractor's field as a sentence names it
FIELD_NAMES = {
    "name": N_("name"),
    "street": N_("street"),
    "postal_code": N_("postal code"),
    "city": N_("city"),
    "country": N_("country"),
}


def remember_new(
    row: ContractorRow, record: ContractorRecord, found: keys.BuyerKeys
) -> ContractorRow:
    """A contractor an import creates, remembering what the import said of it."""
    row.imported = keys.remembered(record, found)
    return row


def kept_edit_notes(contractor: str, change: keys.Changes) -> list[str]:
    """The import result's sentences for the edits a person made that the import kept."""
    notes = [
        _("{contractor}: kept your edit of the {field}; the file says “{value}”").format(
            contractor=contractor, field=_(FIELD_NAMES[name]), value=value
        )
        for name, value in change.kept
    ]
    notes.extend(
        _("{contractor}: kept your removal of {contact}; the file still lists it").format(
            contractor=contractor, contact=contact
        )
        for contact in change.kept_removed
    )
    return notes
