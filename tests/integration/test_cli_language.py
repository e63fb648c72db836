"""Issue 6 item 22: the interface language is the global --lang before the command; a
contractor's --language (or its old spelling --lang after `contractor add`) is only the
language of the messages sent to that contractor."""

from __future__ import annotations

import pytest

from tests.conftest import Cli


@pytest.mark.parametrize("option", ["--lang", "--language", "--lang=ru", "--language=ru"])
def test_a_contractors_language_does_not_switch_the_cli(cli: Cli, option: str) -> None:
    args = [option] if "=" in option else [option, "ru"]
    result = cli("contractor", "add", "--name", "Иванов", *args, "--json")
    assert result.code == 0, result.err
    assert result.json()["language"] == "ru"
    plain = cli("contractor", "add", "--name", "Petrov", *args)
    assert plain.out == "Contractor 2 added: Petrov\n"


def test_the_global_lang_before_the_command_sets_the_interface(cli: Cli) -> None:
    result = cli("--lang", "pl", "contractor", "add", "--name", "Sidorov", "--language", "ru")
    assert result.code == 0, result.err
    assert result.out == "Dodano kontrahenta 1: Sidorov\n"
    russian = cli("--lang=ru", "contractor", "add", "--name", "Kowalski", "--language", "pl")
    assert russian.out == "Контрагент 2 добавлен: Kowalski\n"
    shown = cli("contractor", "show", "2", "--json").json()
    assert shown["language"] == "pl"


def test_help_tells_the_two_languages_apart(cli: Cli) -> None:
    result = cli("contractor", "add", "--help")
    assert result.code == 0
    assert "--language {pl,en,ru}, --lang {pl,en,ru}" in result.out
    assert "sent to this contractor" in " ".join(result.out.split())


def test_argparse_speaks_the_interface_language_too(cli: Cli) -> None:
    """A Polish office reads no English between Polish sentences: argparse's own words are ours."""
    missing = cli("--lang", "pl", "contractor", "add")
    assert missing.code == 2
    assert "użycie: inkaso contractor add" in missing.err
    assert "inkaso contractor add: błąd: wymagane są argumenty: --name" in missing.err
    wrong = cli("--lang", "ru", "contractor", "add", "--name", "X", "--language", "de")
    assert "ошибка:" in wrong.err and "недопустимый вариант: 'de'" in wrong.err
    helped = cli("--lang", "pl", "--help")
    assert helped.out.startswith("użycie: inkaso") and "pokaż tę pomoc i zakończ" in helped.out
    english = cli("contractor", "add")
    assert "error: the following arguments are required: --name" in english.err
