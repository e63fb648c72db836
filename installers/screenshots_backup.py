"""Take resources/screenshots/backup_settings.png (the backup folder in Settings → Schedule) and
backup_restore.png (the confirmation before a restore).

    xvfb-run -s "-screen 0 1400x900x24" .venv/bin/python installers/screenshots_backup.py --lang pl

Starts Inkaso as ``inkaso-gui --demo --today 2026-11-22`` does (a temporary data folder, so the
backups go to its backups folder), makes one backup with File → Back up now, opens the settings
on the Schedule tab and saves it, then asks to restore that backup and saves the question
without answering it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from screenshots import ROOT, TODAY, drive


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", default="pl", choices=("pl", "en", "ru"))
    parser.add_argument("--out", type=Path, default=ROOT / "resources" / "screenshots")
    args = parser.parse_args(argv)
    os.environ["INKASO_DATA_DIR"] = tempfile.mkdtemp(prefix="inkaso-screens-")
    sys.path.insert(0, str(ROOT))

    from PySide6.QtWidgets import QApplication

    from ui.app import Options, launch

    app = QApplication([sys.argv[0]])
    launcher = launch(Options(demo=True, lang=args.lang, today=TODAY, scheduler=False), app)
    args.out.mkdir(parents=True, exist_ok=True)
    state: dict[str, Any] = {}
    failures: list[str] = []

    def window_ready() -> bool:
        window = launcher.window
        return bool(window is not None and not window.model.loading)

    def back_up() -> bool:
        assert launcher.window is not None
        actions = launcher.window.backups
        actions.finished.connect(lambda made: state.setdefault("backup", made))
        actions.back_up_now()
        return True

    def backed_up() -> bool:
        return "backup" in state

    def open_settings() -> bool:
        assert launcher.window is not None
        state["settings"] = launcher.window.sending.open_settings("schedule")
        return True

    def shoot_settings() -> bool:
        dialog = state["settings"]
        if not dialog.ready:
            return False
        app.processEvents()
        dialog.grab().save(str(args.out / "backup_settings.png"))
        dialog.reject()
        return True

    def ask_restore() -> bool:
        assert launcher.window is not None
        state["question"] = launcher.window.backups.confirm_restore(state["backup"].path)
        return True

    def shoot_question() -> bool:
        box = state["question"]
        app.processEvents()
        box.grab().save(str(args.out / "backup_restore.png"))
        box.reject()
        return True

    steps: list[Callable[[], bool]] = [
        window_ready,
        back_up,
        backed_up,
        open_settings,
        shoot_settings,
        ask_restore,
        shoot_question,
    ]
    drive(app, launcher, steps, failures)
    if failures or steps:
        waiting = steps[0].__name__ if steps else "-"
        sys.stderr.write(f"screenshots incomplete (at {waiting}): " + "; ".join(failures) + "\n")
        return 1
    sys.stdout.write(f"saved backup_settings.png and backup_restore.png in {args.out}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
