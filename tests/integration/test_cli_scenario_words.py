"""`scenario show` tells when each step goes and through what, in the user's words."""

from __future__ import annotations

from tests.conftest import Cli


def test_scenario_show_says_when_in_words_and_names_the_channels_in_polish(cli: Cli) -> None:
    result = cli("--lang", "pl", "scenario", "show", "gentle-email")
    assert result.code == 0, result.err
    rows = {line.split()[0]: line for line in result.out.splitlines() if line[:1].isalpha()}
    assert "3 dni do terminu płatności" in rows["before-due"], rows["before-due"]
    assert "w dniu terminu płatności" in rows["due"], rows["due"]
    assert "3 dni od terminu płatności" in rows["overdue"], rows["overdue"]
    assert "then" not in rows["overdue"] and "co 7 dni" in rows["overdue"], rows["overdue"]
    for line in (rows[code] for code in ("before-due", "due", "overdue", "final")):
        assert "due -3" not in line and "due +" not in line, line
        assert not line.rstrip().endswith(" email"), line
        assert line.rstrip().endswith("E-mail"), line
    [thanks] = [line for line in result.out.splitlines() if line.startswith("Podziękowanie")]
    assert thanks.endswith("E-mail"), thanks
