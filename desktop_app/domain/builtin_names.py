"""Built-in names and texts are stored as their key and translated when shown.

A built-in scenario's title, description and step names are stored as the English message id
(the key the catalogues translate), so the same database reads in Polish for one user and in
English for another. What a person typed instead stays exactly as typed; what they typed that
*is* a translation of the key (the title as the editor showed it, saved back unchanged) is
stored as the key again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection

from desktop_app.domain import scenario as model
from desktop_app.i18n import LANGUAGES, _, gettext_for


def shown(stored: str, keys: Collection[str]) -> str:
    """``stored`` in the current UI language when it is one of the built-in ``keys``."""
    return _(stored) if stored in keys else stored


def stored(text: str, keys: Collection[str]) -> str:
    """The key ``text`` translates in any language, or ``text`` as typed."""
    for key in keys:
        if text == key or any(text == gettext_for(lang, key) for lang in LANGUAGES):
            return key
    return text


def scenario_keys(preset: model.Scenario) -> frozenset[str]:
    """The texts of a shipped scenario that are shown translated."""
    return frozenset(
        [preset.title, *([preset.description] if preset.description else [])]
        + [step.name for step in preset.steps]
    )


def shown_scenario(scenario: model.Scenario, keys: Collection[str]) -> model.Scenario:
    return _convert(scenario, keys, shown)


def stored_scenario(scenario: model.Scenario, keys: Collection[str]) -> model.Scenario:
    return _convert(scenario, keys, stored)


def _convert(
    scenario: model.Scenario, keys: Collection[str], how: Callable[[str, Collection[str]], str]
) -> model.Scenario:
    def one(text: str) -> str:
        return how(text, keys) if text else text

    return dataclasses.replace(
        scenario,
        title=one(scenario.title),
        description=one(scenario.description),
        steps=tuple(dataclasses.replace(s, name=one(s.name)) for s in scenario.steps),
    )
