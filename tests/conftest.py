"""Shared fixtures: real SQLite files, the real CLI, an isolated data folder per test session."""

from __future__ import annotations

import faulthandler
import io
import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import pytest

# Before anything imports Qt or reads the user's folders.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
_SESSION_HOME = Path(tempfile.mkdtemp(prefix="inkaso-tests-"))
os.environ["INKASO_DATA_DIR"] = str(_SESSION_HOME / "data")
os.environ["XDG_DATA_HOME"] = str(_SESSION_HOME / "xdg-data")
os.environ["PYTHON_KEYRING_BACKEND"] = "keyrings.alt.file.PlaintextKeyring"
os.environ.pop("INKASO_DB", None)

from hypothesis import settings  # noqa: E402
from hypothesis.configuration import set_hypothesis_home_dir  # noqa: E402

# Hypothesis keeps what it learns under .ci/ rather than in a new top-level folder.
set_hypothesis_home_dir(Path(__file__).resolve().parents[1] / ".ci" / "cache" / "hypothesis")
# The suite draws the same examples every run, so a red CI is always a change of ours; new
# examples are drawn by HYPOTHESIS_PROFILE=explore (and by the fuzz runs by hand, README).
settings.register_profile("suite", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))

from db.uow import Database  # noqa: E402
from desktop_app.cli.main import main as cli_main  # noqa: E402
from desktop_app.i18n import set_language  # noqa: E402
from desktop_app.services.database import open_database  # noqa: E402

#: pytest-timeout fails a test after 300 s (pyproject.toml) by a signal, which only works once the
#: main thread is back in Python: a test stuck inside Qt or a C library never is. Past this limit
#: the run ends with every thread's stack, instead of CI waiting out its own limit with nothing
#: to show (INKASO_TEST_HARD_LIMIT shortens it to try the guard itself).
HARD_LIMIT_S = float(os.environ.get("INKASO_TEST_HARD_LIMIT", "900"))
#: after the summary nothing of ours should keep the process alive (a thread nobody stopped)
EXIT_LIMIT_S = float(os.environ.get("INKASO_TEST_EXIT_LIMIT", "120"))
_console: list[TextIO] = []
_status: list[int] = []


def pytest_configure(config: pytest.Config) -> None:
    """The terminal as it was before pytest captured it: where the guards write."""
    capman = config.pluginmanager.getplugin("capturemanager")
    capturing = getattr(capman, "_global_capturing", None)
    saved = getattr(getattr(capturing, "err", None), "targetfd_save", None)
    fd = saved if isinstance(saved, int) else sys.__stderr__.fileno()
    _console.append(os.fdopen(os.dup(fd), "w"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    faulthandler.dump_traceback_later(HARD_LIMIT_S, exit=True, file=_console[0])
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _status.append(int(exitstatus))


def pytest_unconfigure(config: pytest.Config) -> None:
    """A thread nobody stopped would keep the process from ending after the summary: its stack
    is printed and the process ends with the tests' own verdict (the watch is a daemon thread,
    so it never keeps the process alive itself)."""

    def watch() -> None:
        time.sleep(EXIT_LIMIT_S)
        console = _console[0]
        console.write(f"\nThe tests ended, but the process did not within {EXIT_LIMIT_S} s:\n")
        faulthandler.dump_traceback(file=console, all_threads=True)
        console.flush()
        os._exit(_status[-1] if _status else 1)

    threading.Thread(target=watch, name="exit watch", daemon=True).start()


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Tests read English unless they switch; the CLI's --lang switches per call."""
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "inkaso.db"


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = open_database(db_path)
    yield database
    database.dispose()


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


Cli = Callable[..., CliResult]


@pytest.fixture
def cli(db_path: Path) -> Cli:
    """Run ``inkaso --db <tmp file> ARGS...`` in-process and capture what it prints."""

    def run(*args: str, db: Path | str | None = None) -> CliResult:
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = cli_main(["--db", str(db or db_path), *args])
            except SystemExit as exc:  # argparse usage errors
                code = int(exc.code or 0)
        set_language("en")
        return CliResult(code, out.getvalue(), err.getvalue())

    return run
