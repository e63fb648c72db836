"""What a restart after a language change starts: the same database, day and scheduler choice;
never the old --lang, the tray-only start or the contractor the first start was asked to open."""

from __future__ import annotations

import pytest

from ui.restart import relaunch_arguments


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], []),
        (["--demo", "--lang", "en"], ["--demo"]),
        (["--db", "/srv/inkaso/firma.db", "--minimized"], ["--db", "/srv/inkaso/firma.db"]),
        (
            ["--db=postgresql://kasia@serwer/inkaso", "--today", "2026-12-01", "--no-scheduler"],
            ["--db", "postgresql://kasia@serwer/inkaso", "--today", "2026-12-01", "--no-scheduler"],
        ),
        (["--phone", "+48 600 100 200", "--lang=ru"], []),
        (["-style", "fusion"], ["-style", "fusion"]),  # Qt's own options go on as they were
    ],
)
def test_the_new_start_keeps_what_belongs_to_the_database(
    argv: list[str], expected: list[str]
) -> None:
    assert relaunch_arguments(argv) == expected
