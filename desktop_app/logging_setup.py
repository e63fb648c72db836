"""Named loggers to a rotating file in the user log directory; nothing goes to the terminal.

Every handler of the root logger hides secrets (:class:`desktop_app.redaction.RedactingFilter`):
a URL, a header or a server's answer quoted in a log line never writes a token to the file.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from desktop_app.paths import log_dir
from desktop_app.redaction import RedactingFilter

_configured: Path | None = None


def log_file() -> Path:
    return log_dir() / "inkaso.log"


def configure_logging(level: int = logging.INFO) -> Path:
    """Attach the rotating file handler once per process; returns the log file path."""
    global _configured
    if _configured is not None:
        return _configured
    path = log_file()
    root = logging.getLogger()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
        )
    except OSError:
        # A read-only home must not stop the app; the log is then lost, not the work.
        handler = logging.NullHandler()
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s")
    )
    root.addHandler(handler)
    for each in root.handlers:  # a filter on a logger would miss its children's records
        if not any(isinstance(f, RedactingFilter) for f in each.filters):
            each.addFilter(RedactingFilter())
    root.setLevel(level)
    # alembic announces its dialect at every start; only its warnings are worth keeping
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # httpx writes every request's URL at INFO, with a gateway's {token} in it
    logging.getLogger("httpx").setLevel(logging.WARNING)
    _configured = path
    return path
