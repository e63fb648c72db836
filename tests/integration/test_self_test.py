"""``inkaso-gui --self-test``, as the Linux bundle and CI call it: a program of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _self_test(tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "INKASO_DATA_DIR": str(tmp_path / "data"),
        "QT_QPA_PLATFORM": "offscreen",
        "LANG": "C.UTF-8",
        "LANGUAGE": "",
    }
    return subprocess.run(
        [sys.executable, "-m", "ui.app", "--self-test", *extra],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_self_test_on_a_fresh_install_checks_a_throwaway_database_and_a_letter(
    tmp_path: Path,
) -> None:
    done = _self_test(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Inkaso ")
    assert "self-test.db opened" in lines[1]
    assert lines[2] == "setup: missing firm, account, channel, owner"
    assert lines[3].startswith("letter: demand (en) rendered, ")
    assert lines[-1] == "self-test passed"
    # a fresh install is not given a database by its smoke test
    assert not (tmp_path / "data" / "inkaso.db").exists()


def test_self_test_that_cannot_open_the_database_says_so_in_one_line(tmp_path: Path) -> None:
    done = _self_test(tmp_path, "--db", str(tmp_path))
    assert done.returncode == 1
    assert done.stdout.splitlines()[-1] == (
        f"self-test FAILED: {tmp_path} is a folder, not a database file"
    )
