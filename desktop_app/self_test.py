"""``inkaso-gui --self-test``: is this installation able to work? (the bundles' smoke test)

Opens the database (a throw-away one when there is none yet, so a fresh install is not given
one by a test), reads what setting it up still lacks, and renders one letter to PDF with the
shipped template and fonts. Prints one line per check; a failure is one line and a non-zero exit.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from desktop_app import __version__
from desktop_app.i18n import current_language
from desktop_app.letters.pdf import pdf_bytes
from desktop_app.letters.sample import sample_letter
from desktop_app.letters.texts import render_text, shipped_template
from desktop_app.paths import default_database_path
from desktop_app.services.database import open_database
from desktop_app.services.setup_state import setup_state


def run(target: str | Path | None, say: Callable[[str], None]) -> None:
    """Every check, or the first exception."""
    say(f"Inkaso {__version__}")
    with tempfile.TemporaryDirectory(prefix="inkaso-self-test-") as scratch:
        if target is None and not default_database_path().exists():
            target = Path(scratch) / "self-test.db"
        db = open_database(target)
        try:
            state = setup_state(db)
            say(f"database: {db.url.render_as_string(hide_password=True)} opened")
            say(f"setup: {'missing ' + ', '.join(state.missing) if state.missing else 'complete'}")
        finally:
            db.dispose()
    language = current_language()
    letter = sample_letter("demand", language)
    pdf = pdf_bytes([(letter, render_text(shipped_template("demand", language), letter))])
    if not pdf.startswith(b"%PDF"):
        raise RuntimeError("the letter did not render to a PDF")
    say(f"letter: demand ({language}) rendered, {len(pdf)} bytes of PDF")


def main(target: str | Path | None, say: Callable[[str], None] = print) -> int:
    try:
        run(target, say)
    except Exception as exc:  # a smoke test reports anything in one line
        message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
        say(f"self-test FAILED: {message}")
        return 1
    say("self-test passed")
    return 0
