"""This computer user's own choices that are not the database's (the interface language).

Kept in a small JSON file in the data folder: the language chosen in the first-run wizard is the
one the next start opens in, whatever the system's locale says.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from desktop_app.i18n import LANGUAGES
from desktop_app.paths import data_dir

log = logging.getLogger(__name__)


def _file() -> Path:
    return data_dir() / "preferences.json"


def _read() -> dict[str, Any]:
    try:
        data = json.loads(_file().read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("preferences not read: %s", exc)
        return {}
    return data if isinstance(data, dict) else {}


def language() -> str | None:
    """The interface language chosen here before, if any."""
    found = _read().get("language")
    return found if found in LANGUAGES else None


def set_language(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}")
    data = _read()
    data["language"] = lang
    target = _file()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(data), encoding="utf-8")
    except OSError as exc:  # the choice still holds for this session
        log.warning("preferences not saved: %s", exc)
