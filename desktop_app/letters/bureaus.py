"""The debtor registers a warning can name, shipped as data with their source."""

from __future__ import annotations

import functools
import json

from desktop_app.errors import ValidationError
from desktop_app.i18n import _
from desktop_app.letters.model import Bureau
from resources import resource_path

DEFAULT_BUREAU = "krd"


@functools.cache
def bureaus() -> dict[str, Bureau]:
    data = json.loads(resource_path("data", "debtor_registers.json").read_text(encoding="utf-8"))
    return {
        row["key"]: Bureau(row["key"], row["name"], tuple(row["address"]))
        for row in data["bureaus"]
    }


def bureau(key: str) -> Bureau:
    try:
        return bureaus()[key]
    except KeyError:
        raise ValidationError(
            _("Unknown debtor register {key}; known: {keys}").format(
                key=key, keys=", ".join(sorted(bureaus()))
            ),
            field="bureau",
        ) from None
