"""Take resources/screenshots/backup_settings.png (the backup folder in Settings → Schedule),
backup_restore.png (the confirmation before a restore) and audit_trail.png (Tools → Audit
trail… after a few changes to the set-up).

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

    def change_set_up() -> bool:
        # what an office makes in a week: a setting, a rate, a template; each is audited
        import datetime as dt
        from decimal import Decimal

        from desktop_app.messaging import MessageTemplate
        from desktop_app.services.dunning.templates_store import save_template
        from desktop_app.services.rates import RateKind, add_rate
        from desktop_app.settings import set_value

        assert launcher.window is not None
        db = launcher.window.db
        set_value(db, "smtp.host", "poczta.pol-mak.example.com")
        set_value(db, "schedule.interval_minutes", "30")
        add_rate(db, RateKind.COMMERCIAL, dt.date(2027, 1, 1), Decimal("15.25"))
        save_template(
            db,
            MessageTemplate(
                name="moje/przypomnienie",
                language="pl",
                text="Uprzejmie przypominamy.",
                subject="Przypomnienie",
            ),
        )
        return True

    def open_audit() -> bool:
        import datetime as dt

        from PySide6.QtCore import QDate

        from ui.audit_window import open_audit

        assert launcher.window is not None
        window = open_audit(launcher.window)
        now = dt.date.today()  # the changes above are dated now, the demo's "today" is earlier
        window.until.setDate(QDate(now.year, now.month, now.day))
        window.resize(1180, 560)
        state["audit"] = window
        return True

    def shoot_audit() -> bool:
        window = state["audit"]
        if window.page is None or window.table.rowCount() < 6:
            return False
        app.processEvents()
        window.grab().save(str(args.out / "audit_trail.png"))
        window.close()
        return True

    steps: list[Callable[[], bool]] = [
        window_ready,
        back_up,
        backed_up,
        open_settings,
        shoot_settings,
        ask_restore,
        shoot_question,
        change_set_up,
        open_audit,
        shoot_audit,
    ]
    drive(app, launcher, steps, failures)
    if failures or steps:
        waiting = steps[0].__name__ if steps else "-"
        sys.stderr.write(f"screenshots incomplete (at {waiting}): " + "; ".join(failures) + "\n")
        return 1
    sys.stdout.write(
        f"saved backup_settings.png, backup_restore.png and audit_trail.png in {args.out}\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
