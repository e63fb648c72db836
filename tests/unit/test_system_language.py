"""Which UI language a fresh install picks from the system's locale names."""

from __future__ import annotations

import pytest

from desktop_app.i18n import language_of, system_language


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("pl_PL.UTF-8", "pl"),
        ("ru_RU.UTF-8", "ru"),
        ("en_GB", "en"),
        ("Polish_Poland.1250", "pl"),  # Windows spells its locales in words
        ("Russian_Russia.1251", "ru"),
        ("de_DE:pl_PL", "pl"),  # LANGUAGE lists preferences in order
        ("C.UTF-8", None),
        ("POSIX", None),
        ("", None),
        ("German_Germany.1252", None),
    ],
)
def test_locale_names_give_our_languages(name: str, expected: str | None) -> None:
    assert language_of(name) == expected


def test_a_windows_style_locale_in_the_environment_gives_polish(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "Polish_Poland.1250")
    assert system_language() == "pl"
