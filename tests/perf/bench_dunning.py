"""Dunning benchmarks, run by hand:

    .venv/bin/python -m tests.perf.bench_dunning plan [DB]   planning over a big demo database
    .venv/bin/python -m tests.perf.bench_dunning outbox [N]  N mails through the whole outbox

``plan`` times what one scheduler run does before sending (load open items and their history,
decide today's step for each, group into messages) and the 14-day dry-run calendar, on the
20,000 / 500,000 demo (generated with ``inkaso demo`` if the file does not exist). Target
<= 2 s for a run's planning.

``outbox`` puts N reminders in the outbox and sends them to a local aiosmtpd through the real
path (claim, send, record, activity log: two committed transactions per message), beside a
bare aiosmtplib loop sending the same messages over one connection. Target >= 200 mails/s; the
ratio is the figure that matters.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import select

from db.models import (
    Contractor,
    ContractorEmail,
    Firm,
    FirmBankAccount,
    Instalment,
    Invoice,
    OutboxMessage,
)
from db.uow import Database
from desktop_app.channels.base import OutgoingMessage
from desktop_app.channels.email import SmtpSettings
from desktop_app.domain.planner import Done
from desktop_app.domain.text import search_key
from desktop_app.services.database import open_database
from desktop_app.services.dunning import planning, runner, windows
from desktop_app.services.dunning.channel_setup import ConfiguredChannels
from desktop_app.services.dunning.runner import run_cycle
from desktop_app.services.dunning.state import load as load_state
from desktop_app.settings import Snapshot, set_value
from tests.perf.bench_mail import bare_loop

TODAY = dt.date(2026, 11, 22)


def bench_plan(path: Path) -> None:
    if not path.exists():
        print(f"generating the demo in {path} ...", flush=True)
        subprocess.run(
            [sys.executable, "-m", "desktop_app", "--db", str(path), "demo", "--contractors",
             "20000", "--invoices", "500000", "--seed", "1", "--today", TODAY.isoformat()],
            check=True,
        )  # fmt: skip
    db = open_database(path)
    settings = Snapshot.load(db)
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        with db.read() as session:
            state = load_state(session, TODAY)
            loaded = time.perf_counter()
            plan = planning.plan_day(state, TODAY, {"email", "sms", "voice"})
        timings.append((loaded - started, time.perf_counter() - loaded, len(state.items), plan))
    load_s, plan_s, items, plan = min(timings, key=lambda t: t[0] + t[1])
    # the steady state: what the first run did is history; the scheduler's next run (tomorrow)
    for group in plan.groups:
        for name, action in group.settled():
            state.history.setdefault((action.item.instalment_id, name), []).append(
                Done(action.step, action.occurrence, action.channel, TODAY, "sent")
            )
    for skip in plan.skips:
        a = skip.action
        state.history.setdefault((a.item.instalment_id, skip.scenario), []).append(
            Done(a.step, a.occurrence, a.channel, TODAY, "skipped")
        )
    tomorrow = TODAY + dt.timedelta(days=1)
    started = time.perf_counter()
    steady = planning.plan_day(state, tomorrow, {"email", "sms", "voice"})
    steady_s = time.perf_counter() - started
    started = time.perf_counter()
    calendar = planning.calendar(state, TODAY, 14, windows.business_only(settings))
    calendar_s = time.perf_counter() - started
    print(f"database: {path} ({path.stat().st_size / 1e6:.0f} MB)")
    print(f"items looked at (open or paid in the last month): {items}")
    print(f"load state:        {load_s:6.2f} s")
    print(
        f"plan today:        {plan_s:6.2f} s -> {len(plan.groups)} messages/tasks, {len(plan.skips)} skips"
    )
    print(f"first-ever run (no history): load + plan {load_s + plan_s:6.2f} s")
    print(
        f"next day (steady state):     plan {steady_s:6.2f} s -> {len(steady.groups)} messages/tasks"
    )
    print(f"steady-state run planning:   {load_s + steady_s:6.2f} s (target <= 2 s)")
    print(
        f"14-day calendar:   {calendar_s:6.2f} s -> {sum(len(p.groups) for p in calendar)} actions"
    )


def _fill(db_path: Path, count: int) -> None:
    db = open_database(db_path)
    with db.write() as session:
        firm = Firm(name="Hurtownia Kowalski", home_currency="PLN")
        firm.accounts = [
            FirmBankAccount(iban="PL61109010140000071219812874", currency="PLN", is_default=True)
        ]
        session.add(firm)
        for n in range(count):
            c = Contractor(name=f"Klient {n}", search_name=f"klient {n}")
            c.search_name = search_key(c.name)
            c.emails = [ContractorEmail(email=f"klient{n}@example.pl", position=0)]
            session.add(c)
            inv = Invoice(contractor=c, number=f"FV/{n}", issue_date=dt.date(2026, 11, 1),
                          currency="PLN", gross_minor=184_500, kind="invoice")  # fmt: skip
            inv.instalments = [Instalment(seq=1, due_date=dt.date(2026, 11, 19), amount_minor=184_500,
                                          open_minor=184_500)]  # fmt: skip
            session.add(inv)
    db.dispose()


@contextmanager
def external_smtp() -> Iterator[int]:
    """aiosmtpd in its own process, as a real mail server would be (not competing for our GIL)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    proc = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink",
         "-l", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        proc.wait()


def bench_outbox(count: int) -> None:
    with tempfile.TemporaryDirectory() as folder, external_smtp() as port:
        path = Path(folder) / "outbox.db"
        _fill(path, count)
        db = open_database(path)
        for key, value in {
            "smtp.host": "127.0.0.1", "smtp.port": str(port), "smtp.security": "plain",
            "smtp.from": "biuro@kowalski.example.pl",
        }.items():  # fmt: skip
            set_value(db, key, value)
        now = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)
        settings = Snapshot.load(db)
        started = time.perf_counter()
        applied = runner._plan_and_apply(  # the planning half of a run, on its own clock
            db,
            settings,
            ConfiguredChannels(settings, lambda _n: None),
            now.date(),
            {"email"},
            now,
            None,
        )
        planned_s = time.perf_counter() - started
        assert len(applied.outbox_ids) == count, applied
        started = time.perf_counter()
        report = run_cycle(db, now=now, open_channels={"email"}, secret=lambda _n: None, plan=False)
        sent_s = time.perf_counter() - started
        sent = report.counts()["sent"]
        assert sent == count, report.counts()
        smtp = SmtpSettings(host="127.0.0.1", port=port, security="plain",
                            from_address="biuro@kowalski.example.pl", local_hostname="bench.test")  # fmt: skip
        bare_s = asyncio.run(bare_loop(smtp, _sent_messages(db)))
    print(f"mails: {count}, planned and rendered in {planned_s:.2f} s")
    print(
        f"through the outbox (claim, send, record): {count / sent_s:7.0f} mails/s ({sent_s:.2f} s)"
    )
    print(
        f"bare aiosmtplib loop, same server:       {count / bare_s:7.0f} mails/s ({bare_s:.2f} s)"
    )
    print(f"ratio outbox/bare: {bare_s / sent_s:.2f}; target >= 200 mails/s: "
          f"{'met' if count / sent_s >= 200 else 'NOT met'}")  # fmt: skip


def _sent_messages(db: Database) -> list[OutgoingMessage]:
    """The very messages the outbox sent (same subject, text, HTML, sender), for the bare loop."""
    with db.read() as session:
        return [
            OutgoingMessage(
                key=row.key,
                channel="email",
                to=tuple(row.recipients),
                text=row.body_text,
                subject=row.subject,
                html=row.body_html,
                from_name=row.from_name or "",
                reply_to=row.reply_to,
                language=row.language,
            )
            for row in session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.status == "sent")
                .order_by(OutboxMessage.id)
            )
        ]


def main(argv: list[str]) -> None:
    what = argv[1] if len(argv) > 1 else "outbox"
    if what == "plan":
        default = Path(os.environ.get("TMPDIR", "/tmp")) / "inkaso-bench-20k.db"
        bench_plan(Path(argv[2]) if len(argv) > 2 else default)
    else:
        bench_outbox(int(argv[2]) if len(argv) > 2 else 1000)


if __name__ == "__main__":
    main(sys.argv)
