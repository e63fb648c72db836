"""Where Inkaso keeps its files on this machine (platformdirs, overridable for tests)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "Inkaso"
APP_AUTHOR = "Inkaso"


def data_dir() -> Path:
    override = os.environ.get("INKASO_DATA_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def log_dir() -> Path:
    override = os.environ.get("INKASO_DATA_DIR")
    if override:
        return Path(override) / "logs"
    return Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR))


def default_database_path() -> Path:
    return data_dir() / "inkaso.db"


def lock_dir() -> Path:
    """Per-machine run locks (one scheduler per machine)."""
    return data_dir() / "locks"
