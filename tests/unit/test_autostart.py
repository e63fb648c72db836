"""Start with the system: the login entry each platform reads, written and removed by code."""

from __future__ import annotations

import plistlib
import shlex
import sys
from pathlib import Path

import pytest

from desktop_app import autostart


def test_linux_autostart_entry_is_written_under_xdg_config_home_and_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("APPIMAGE", raising=False)
    assert not autostart.is_enabled(system="linux")

    written = autostart.set_enabled(True, system="linux")

    assert written == tmp_path / "config" / "autostart" / "inkaso.desktop"
    lines = written.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "[Desktop Entry]"
    exec_line = next(line for line in lines if line.startswith("Exec="))
    argv = shlex.split(exec_line.removeprefix("Exec="))
    assert argv == autostart.command()
    assert argv[-1] == "--minimized"
    assert autostart.is_enabled(system="linux")

    autostart.set_enabled(False, system="linux")
    assert not written.exists()
    assert not autostart.is_enabled(system="linux")


def test_an_appimage_starts_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.setenv("APPIMAGE", "/home/anna/Apps/Inkaso 1.0.AppImage")
    written = autostart.set_enabled(True, system="linux")
    assert written is not None
    assert "Exec='/home/anna/Apps/Inkaso 1.0.AppImage' --minimized\n" in written.read_text()


def test_macos_launch_agent_runs_inkaso_minimised_at_login(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("APPIMAGE", raising=False)

    written = autostart.set_enabled(True, system="darwin")

    assert written == tmp_path / "Library" / "LaunchAgents" / "pl.inkaso.gui.plist"
    agent = plistlib.loads(written.read_bytes())
    assert agent == {
        "Label": "pl.inkaso.gui",
        "ProgramArguments": autostart.command(),
        "RunAtLoad": True,
    }
    assert autostart.is_enabled(system="darwin")
    autostart.set_enabled(False, system="darwin")
    assert not written.exists()


@pytest.mark.skipif(sys.platform != "win32", reason="the Run key exists only on Windows")
def test_windows_run_key_is_written_and_removed() -> None:  # pragma: no cover - Windows
    autostart.set_enabled(True, system="win32")
    try:
        assert autostart.is_enabled(system="win32")
    finally:
        autostart.set_enabled(False, system="win32")
    assert not autostart.is_enabled(system="win32")
