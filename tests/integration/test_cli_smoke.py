from __future__ import annotations

from db.migrate import head_revision
from tests.conftest import Cli


def test_version_prints_schema(cli: Cli) -> None:
    result = cli("version", "--json")
    assert result.code == 0
    assert result.json()["schema"] == head_revision()
