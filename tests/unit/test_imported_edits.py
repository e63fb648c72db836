"""The rule that keeps a person's edits of an imported contractor (domain, no database)."""

from __future__ import annotations

from desktop_app.domain.imported_edits import ContactMerge, FieldMerge, merge_contacts, merge_fields


def test_an_edited_field_is_kept_and_an_untouched_one_follows_the_source() -> None:
    merged = merge_fields(
        {"name": "Żuk „Nowy”", "city": "Łódź", "street": "Długa 1"},
        {"name": "Żuk", "city": "Łódź", "street": "Długa 1"},
        {"name": "Żuk", "city": "Kraków", "street": None},
    )
    assert merged == FieldMerge(
        updates={"city": "Kraków"},
        kept=(("name", "Żuk"),),
        said={"name": "Żuk", "city": "Kraków", "street": "Długa 1"},
    )


def test_with_nothing_remembered_the_source_wins_as_before() -> None:
    merged = merge_fields({"name": "Ręcznie"}, None, {"name": "Z pliku"})
    assert (merged.updates, merged.kept) == ({"name": "Z pliku"}, ())


def test_an_edit_the_source_now_agrees_with_is_nothing_to_report() -> None:
    merged = merge_fields({"name": "Nowa"}, {"name": "Stara"}, {"name": "Nowa"})
    assert (merged.updates, merged.kept, merged.said) == ({}, (), {"name": "Nowa"})


def test_a_removed_contact_is_not_added_back_a_new_one_is() -> None:
    assert merge_contacts(["a@x.pl"], ["a@x.pl", "b@x.pl"], ["a@x.pl", "b@x.pl", "c@x.pl"]) == (
        ContactMerge(added=("c@x.pl",), kept_removed=("b@x.pl",))
    )
    assert merge_contacts([], None, ["a@x.pl"]) == ContactMerge(("a@x.pl",), ())
