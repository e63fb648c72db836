"""1,000 e-mails to a local SMTP server: Inkaso's e-mail channel vs a bare aiosmtplib loop.

Run by hand: ``.venv/bin/python -m tests.perf.bench_mail [count]``. Both sides send the same
messages over one connection to the same aiosmtpd server; the channel also builds each MIME
message from the outbox row and maps every reply to a result, which is what the ratio measures.
Target: >= 200 mails/s through the channel.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
import time

import aiosmtplib

from desktop_app.channels import OutgoingMessage
from desktop_app.channels.email import EmailChannel, SmtpSettings, build_email
from tests.integration.smtp_server import Recorder, smtp_server

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
ROUNDS = 5


def messages(count: int) -> list[OutgoingMessage]:
    text = (
        "Szanowni Państwo,\n\nuprzejmie przypominamy o płatności za fakturę FV/2026/11/{n:04d} "
        "na kwotę 1 845,00 zł.\n\nZ poważaniem\nAnna Nowak\nHurtownia Kowalski\n"
    )
    return [
        OutgoingMessage(
            key=f"bench/{n}",
            channel="email",
            to=(f"klient{n}@example.pl",),
            subject=f"Przypomnienie o płatności – FV/2026/11/{n:04d}",
            text=text.format(n=n),
            html=f"<p>Szanowni Państwo,</p><p>faktura FV/2026/11/{n:04d}</p>",
            reply_to="anna.nowak@kowalski.example.pl",
        )
        for n in range(count)
    ]


async def through_channel(settings: SmtpSettings, batch: list[OutgoingMessage]) -> float:
    channel = EmailChannel(settings, clock=lambda: NOW)
    started = time.perf_counter()
    async with channel.session() as session:
        for message in batch:
            result = await session.send(message)
            if not result.ok:
                raise RuntimeError(result.detail)
    return time.perf_counter() - started


async def bare_loop(settings: SmtpSettings, batch: list[OutgoingMessage]) -> float:
    prepared = [build_email(m, settings, now=NOW) for m in batch]  # built outside the clock
    started = time.perf_counter()
    smtp = aiosmtplib.SMTP(
        hostname=settings.host,
        port=settings.port,
        start_tls=False,
        local_hostname=settings.local_hostname,
    )
    async with smtp:
        for mime, message in zip(prepared, batch, strict=True):
            await smtp.send_message(mime, sender=settings.from_address, recipients=message.to)
    return time.perf_counter() - started


def main(count: int = 1000) -> None:
    batch = messages(count)
    recorder = Recorder()
    with smtp_server(recorder) as server:
        settings = SmtpSettings(
            host="127.0.0.1",
            port=server.port,
            security="plain",
            from_address="biuro@kowalski.example.pl",
            from_name="Hurtownia Kowalski",
            local_hostname="bench.test",
        )
        asyncio.run(through_channel(settings, batch[:50]))  # warm up both paths
        asyncio.run(bare_loop(settings, batch[:50]))
        recorder.messages.clear()
        channel_runs, bare_runs = [], []
        for _ in range(ROUNDS):  # interleaved, so a busy moment on the machine hits both
            channel_runs.append(asyncio.run(through_channel(settings, batch)))
            bare_runs.append(asyncio.run(bare_loop(settings, batch)))
        channel_s, bare_s = min(channel_runs), min(bare_runs)
    assert len(recorder.messages) == 2 * ROUNDS * count
    channel_rate, bare_rate = count / channel_s, count / bare_s
    print(f"mails: {count} per run, best of {ROUNDS} interleaved runs, one connection each")
    print(f"Inkaso e-mail channel: {channel_rate:8.0f} mails/s ({channel_s:.2f} s)")
    print(f"bare aiosmtplib loop:  {bare_rate:8.0f} mails/s ({bare_s:.2f} s)")
    print(f"ratio channel/bare:    {channel_rate / bare_rate:8.2f}")
    print(f"target >= 200 mails/s: {'met' if channel_rate >= 200 else 'NOT met'}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
