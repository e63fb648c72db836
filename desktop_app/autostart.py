"""Start Inkaso, minimised to the tray, when the user logs in (Linux, Windows, macOS).

Each system has its own place for it, written and removed here: an XDG autostart entry
(``$XDG_CONFIG_HOME/autostart/inkaso.desktop``), the ``HKCU\\...\\Run`` registry value (the same
one the Windows installer's "Start Inkaso when I log in" task writes) or a LaunchAgent property
list. The command is the program that is running now, so a bundle starts itself, not some other
copy of Inkaso.
"""

from __future__ import annotations

import contextlib
import os
import plistlib
import shlex
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

#: the option that starts the window hidden, with only the tray icon (ui/app.py)
MINIMIZED = "--minimized"
#: the registry value name (installers/windows/inkaso.iss writes the same one)
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
RUN_VALUE = "Inkaso"
AGENT_LABEL = "pl.inkaso.gui"


def program() -> list[str]:
    """How to start this Inkaso's window: the AppImage or frozen program itself, else the gui
    script."""
    appimage = os.environ.get("APPIMAGE")
    if appimage:
        return [appimage]
    if getattr(sys, "frozen", False):
        return [sys.executable]
    script = shutil.which("inkaso-gui")
    if script:
        return [script]
    return [sys.executable, "-m", "ui.app"]


def command() -> list[str]:
    """What runs at login: this Inkaso, minimised to the tray."""
    return [*program(), MINIMIZED]


def _platform(system: str | None) -> str:
    found = system or sys.platform
    if found.startswith("win"):
        return "windows"
    if found == "darwin":
        return "macos"
    return "linux"


# -- Linux ------------------------------------------------------------------------------------


def desktop_file() -> Path:
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "autostart" / "inkaso.desktop"


def desktop_entry(argv: Sequence[str]) -> str:
    # the Exec key's own quoting rules are those of a POSIX shell word for our arguments
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=Inkaso\n"
        f"Exec={shlex.join(argv)}\n"
        "Icon=inkaso\n"
        "Terminal=false\n"
        "X-GNOME-Autostart-enabled=true\n"
    )


# -- macOS ------------------------------------------------------------------------------------


def launch_agent_file() -> Path:
    return Path.home() / "Library" / "LaunchAgents" / f"{AGENT_LABEL}.plist"


def launch_agent(argv: Sequence[str]) -> bytes:
    return plistlib.dumps({"Label": AGENT_LABEL, "ProgramArguments": list(argv), "RunAtLoad": True})


# -- Windows ----------------------------------------------------------------------------------


def _run_value(argv: Sequence[str]) -> str:
    return " ".join(f'"{a}"' if " " in a else a for a in argv)


def _windows_set(argv: Sequence[str] | None) -> None:
    import winreg  # only on Windows

    with winreg.CreateKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:  # type: ignore[attr-defined,unused-ignore]
        if argv is None:
            with contextlib.suppress(FileNotFoundError):
                winreg.DeleteValue(key, RUN_VALUE)  # type: ignore[attr-defined,unused-ignore]
        else:
            winreg.SetValueEx(key, RUN_VALUE, 0, winreg.REG_SZ, _run_value(argv))  # type: ignore[attr-defined,unused-ignore]


def _windows_get() -> bool:
    import winreg

    try:
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:  # type: ignore[attr-defined,unused-ignore]
            winreg.QueryValueEx(key, RUN_VALUE)  # type: ignore[attr-defined,unused-ignore]
    except FileNotFoundError:
        return False
    return True


# -- the one switch ---------------------------------------------------------------------------


def is_enabled(*, system: str | None = None) -> bool:
    """Whether Inkaso starts at login for this user."""
    where = _platform(system)
    if where == "windows":
        return _windows_get()
    if where == "macos":
        return launch_agent_file().is_file()
    return desktop_file().is_file()


def set_enabled(enabled: bool, *, system: str | None = None) -> Path | None:
    """Start (or no longer start) Inkaso at login; the file written, None for the registry or
    when it was removed. Raises OSError when the place cannot be written."""
    where = _platform(system)
    argv = command() if enabled else None
    if where == "windows":
        _windows_set(argv)
        return None
    target = launch_agent_file() if where == "macos" else desktop_file()
    if argv is None:
        target.unlink(missing_ok=True)
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    if where == "macos":
        target.write_bytes(launch_agent(argv))
    else:
        target.write_text(desktop_entry(argv), encoding="utf-8")
    return target
