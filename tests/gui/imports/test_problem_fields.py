"""The check page's Field column names a field as the mapping page does, not by its key."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop_app.importers.column_mapping import INVOICE_FIELDS
from ui.imports.problems_model import COLUMN, Problem, ProblemsModel


def test_a_field_key_is_shown_as_its_label(qtbot: QtBot) -> None:
    model = ProblemsModel()
    model.set_problems(
        [
            Problem(file="a.csv", line="2", field="gross", message="bad"),
            Problem(file="a.xml", line="", field="nip", message="no NIP"),
            Problem(file="b.csv", line="3", field="Kwota brutto", message="bad"),
        ]
    )
    shown = [model.data(model.index(row, COLUMN["field"])) for row in range(3)]
    assert shown == [INVOICE_FIELDS["gross"], "NIP", "Kwota brutto"]
