"""Take resources/screenshots/card_rating.png: a contractor card with its stars and reasons and a
White List check made with "Check now"; then bulk_check.png: Contractor → Check on the White
List… for fourteen contractors chosen in the list (most active VAT payers, one exempt, one not
on the list), each with its traffic light.

    xvfb-run -s "-screen 0 1400x900x24" .venv/bin/python installers/screenshots_rating.py --lang pl

Starts Inkaso as ``inkaso-gui --demo --today 2026-11-22`` does, points ``whitelist.api_url`` at a
loopback stand-in that answers the way the Ministry's API does (the demo's firms are invented, so
the real registry would not know them), opens the card of a rated contractor with a NIP, clicks
"Check now" and saves the card once the answer is shown.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from screenshots import ROOT, TODAY, drive

ACCOUNT = "61109010140000071219812874"


def registry(names: dict[str, str], exempt: set[str] | None = None) -> ThreadingHTTPServer:
    """Answers ``/api/search/nip/{nip}`` and ``/api/search/nips/{a,b,...}`` for the NIPs in
    ``names`` (read at each question, so more may be added): an active VAT payer, or exempt."""

    def _subject(nip: str) -> dict[str, Any]:
        return {
            "name": names[nip].upper(),
            "nip": nip,
            "statusVat": "Zwolniony" if nip in (exempt or set()) else "Czynny",
            "workingAddress": "UL. PROSTA 1, 00-001 WARSZAWA",
            "accountNumbers": [ACCOUNT],
        }

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            found: dict[str, Any] = {}
            if path.startswith("/api/search/nips/"):
                nips = path.rsplit("/", 1)[-1].split(",")
                entries = [
                    {"identifier": n, "subjects": [_subject(n)] if n in names else []} for n in nips
                ]
                found = {"entries": entries, "requestId": "Kx7Pq-8ff2a1d"}
            else:
                nip = path.rsplit("/", 1)[-1]
                subject = _subject(nip) if nip in names else None
                found = {"subject": subject, "requestId": "Kx7Pq-8ff2a1c"}
            body = json.dumps({"result": found}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", default="pl", choices=("pl", "en", "ru"))
    parser.add_argument("--out", type=Path, default=ROOT / "resources" / "screenshots")
    args = parser.parse_args(argv)
    os.environ["INKASO_DATA_DIR"] = tempfile.mkdtemp(prefix="inkaso-screens-")
    sys.path.insert(0, str(ROOT))

    from PySide6.QtWidgets import QApplication

    from desktop_app.services import rating as rating_service
    from desktop_app.settings import set_value
    from ui.app import Options, launch

    app = QApplication([sys.argv[0]])
    launcher = launch(Options(demo=True, lang=args.lang, today=TODAY), app)
    args.out.mkdir(parents=True, exist_ok=True)
    state: dict[str, Any] = {}
    failures: list[str] = []

    def window_ready() -> bool:
        window = launcher.window
        return bool(
            window is not None
            and not window.model.loading
            and window.model.rowCount()
            and window.model.cached_row(0) is not None
        )

    def open_card() -> bool:
        assert launcher.window is not None and launcher.db is not None
        model = launcher.window.model
        rows = [model.cached_row(r) for r in range(min(200, model.rowCount()))]
        candidates = {row.id: row for row in rows if row is not None and row.nip}
        with launcher.db.read() as session:
            rated = rating_service.ratings(session, TODAY, list(candidates))
        # three or four stars: a rating with reasons worth reading, not a spotless record
        wanted = [cid for cid, r in rated.items() if r.stars in (3, 4)] or [
            cid for cid, r in rated.items() if r.stars is not None
        ]
        if not wanted:
            failures.append("no rated contractor with a NIP on the first page")
            return True
        chosen = candidates[wanted[0]]
        names = {str(chosen.nip): chosen.name}
        state["names"], state["exempt"] = names, set()
        server = registry(names, state["exempt"])
        state["server"] = server
        set_value(launcher.db, "whitelist.api_url", f"http://127.0.0.1:{server.server_port}")
        state["card"] = launcher.window.open_card(chosen.id)
        return True

    def card_ready() -> bool:
        card = state.get("card")
        return card is None or (card.card is not None and card.insight.insight is not None)

    def check_now() -> bool:
        if "card" in state:
            state["card"].insight.check_button.click()
        return True

    def checked() -> bool:
        card = state.get("card")
        return card is None or "Kx7Pq" in card.insight.entry_label.text()

    def shoot() -> bool:
        if "card" in state:
            app.processEvents()
            state["card"].grab().save(str(args.out / "card_rating.png"))
        return True

    def open_bulk() -> bool:
        from PySide6.QtCore import QItemSelectionModel

        from ui.credibility.menu import open_bulk_check

        assert launcher.window is not None
        window = launcher.window
        if "card" in state:
            state["card"].close()
        model = window.model
        chosen = [
            r
            for r in range(min(40, model.rowCount()))
            if (row := model.cached_row(r)) is not None and row.nip
        ][:14]
        selection = window.table.selectionModel()
        selection.clearSelection()
        for n, r in enumerate(chosen):
            row = model.cached_row(r)
            assert row is not None
            if n != 5:  # one firm the registry does not know
                state["names"][str(row.nip)] = row.name
            if n == 9:
                state["exempt"].add(str(row.nip))
            selection.select(
                model.index(r, 0),
                QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
            )
        state["bulk"] = dialog = open_bulk_check(window)
        dialog.finished_run.connect(lambda: state.__setitem__("bulk_done", True))
        dialog.start_button.click()
        return True

    def bulk_done() -> bool:
        return bool(state.get("bulk_done"))

    def shoot_bulk() -> bool:
        app.processEvents()
        state["bulk"].grab().save(str(args.out / "bulk_check.png"))
        return True

    def sort_by_whitelist() -> bool:
        from PySide6.QtCore import Qt

        from ui.models.contractors_model import COLUMN

        assert launcher.window is not None
        state["bulk"].close()
        window = launcher.window
        window.show_list()
        window.resize(1560, 840)  # as main_window.png: every column beside a readable name
        window.table.selectionModel().clearSelection()
        state["generation"] = window.model.search_generation()
        window.table.sortByColumn(COLUMN["whitelist"], Qt.SortOrder.AscendingOrder)
        return True

    def list_sorted() -> bool:
        assert launcher.window is not None
        model = launcher.window.model
        if model.search_generation() <= state["generation"] or model.loading:
            return False
        return all(model.cached_row(r) is not None for r in range(min(20, model.rowCount())))

    def shoot_list() -> bool:
        from PySide6.QtCore import QPoint
        from PySide6.QtWidgets import QToolTip

        from ui.models.contractors_model import COLUMN

        assert launcher.window is not None
        window = launcher.window
        app.processEvents()
        # the tooltip of the first (red) light, with its reasons and the day of the check
        table = window.table
        index = window.model.index(0, COLUMN["whitelist"])
        rect = table.visualRect(index)
        tip = str(index.data(0x03) or "")  # ToolTipRole
        QToolTip.showText(table.viewport().mapToGlobal(rect.center() + QPoint(0, 8)), tip, table)
        app.processEvents()
        # the screen, not the window: a tooltip is a window of its own
        frame = window.frameGeometry()
        screen = app.primaryScreen()
        screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height()).save(
            str(args.out / "list_whitelist.png")
        )
        QToolTip.hideText()
        return True

    def open_failed() -> bool:
        assert launcher.window is not None
        dashboard = launcher.window.dashboard
        state["drill"] = dashboard.show_failed()
        return True

    def failed_listed() -> bool:
        return state["drill"].drill is not None

    def open_outbox() -> bool:
        drill = state.pop("drill")
        drill.more.click()
        drill.close()
        return True

    def outbox_ready() -> bool:
        assert launcher.window is not None
        outbox = launcher.window.sending.outbox_window
        return outbox is not None and not outbox.loading and outbox.model.query.status is not None

    def shoot_outbox() -> bool:
        assert launcher.window is not None
        outbox = launcher.window.sending.outbox_window
        app.processEvents()
        outbox.grab().save(str(args.out / "outbox_failed_any.png"))
        outbox.close()
        return True

    def open_tasks() -> bool:
        assert launcher.window is not None
        state["drill"] = launcher.window.dashboard.show_tasks_due()
        return True

    def tasks_window_ready() -> bool:
        assert launcher.window is not None
        window = launcher.window.sending.tasks_window
        return window is not None and window.current_tab() == "due" and bool(window.task_ids())

    def shoot_tasks() -> bool:
        assert launcher.window is not None
        window = launcher.window.sending.tasks_window
        app.processEvents()
        window.grab().save(str(args.out / "tasks_due.png"))
        return True

    steps: list[Callable[[], bool]] = [window_ready, open_card, card_ready, check_now, checked]
    steps.extend([shoot, open_bulk, bulk_done, shoot_bulk, sort_by_whitelist, list_sorted])
    steps.extend([shoot_list, open_failed, failed_listed, open_outbox, outbox_ready, shoot_outbox])
    steps.extend([open_tasks, failed_listed, open_outbox, tasks_window_ready, shoot_tasks])
    drive(app, launcher, steps, failures)
    if "server" in state:
        state["server"].shutdown()
    if failures:
        sys.stderr.write("\n".join(failures) + "\n")
        return 1
    sys.stdout.write(
        "saved card_rating.png, bulk_check.png, list_whitelist.png, outbox_failed_any.png and "
        f"tasks_due.png in {args.out}\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
