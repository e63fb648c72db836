"""Static resources shipped with Inkaso: translations, templates, icons, data tables."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent


def resource_path(*parts: str) -> Path:
    """Absolute path of a file shipped under ``resources/``."""
    return ROOT.joinpath(*parts)
