"""The e-mail channel against a real SMTP server (aiosmtpd) on loopback, with real TLS."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import socket
import ssl
import time
from collections.abc import Iterator

import pytest
import trustme
from aiosmtpd.smtp import SMTP

from desktop_app.channels import Attachment, OutgoingMessage, SendResult, build_channel
from desktop_app.channels.email import EmailChannel, SmtpSecurity, SmtpSettings
from tests.integration.smtp_server import (
    Credentials,
    LoopbackController,
    Recorder,
    server_context,
    smtp_server,
)

FIXED_NOW = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def server_tls(ca: trustme.CA) -> ssl.SSLContext:
    return server_context(ca.issue_cert("127.0.0.1", "localhost"))


@pytest.fixture(scope="module")
def client_tls(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def plain_server(recorder: Recorder) -> Iterator[LoopbackController]:
    with smtp_server(recorder) as controller:
        yield controller


def settings_for(
    controller: LoopbackController,
    security: SmtpSecurity = "plain",
    tls: ssl.SSLContext | None = None,
    **extra: object,
) -> SmtpSettings:
    values: dict[str, object] = {
        "host": "127.0.0.1",
        "port": controller.port,
        "security": security,
        "from_address": "biuro@kowalski.example.pl",
        "from_name": "Hurtownia Żółw Sp. z o.o.",
        "timeout": 5.0,
        "ssl_context": tls,
        "local_hostname": "inkaso.test",
    }
    values.update(extra)
    return SmtpSettings(**values)  # type: ignore[arg-type]


def mail(key: str = "c1/escalation/email/1", **changes: object) -> OutgoingMessage:
    values: dict[str, object] = {
        "key": key,
        "channel": "email",
        "to": ("ksiegowosc@zuraw.example.pl",),
        "subject": "Przypomnienie o płatności – faktura FV/2026/11/0142",
        "text": "Szanowni Państwo,\nuprzejmie przypominamy o płatności.\n",
        "reply_to": "Anna Nowak <anna.nowak@kowalski.example.pl>",
        "language": "pl",
    }
    values.update(changes)
    return OutgoingMessage(**values)  # type: ignore[arg-type]


def send_all(channel: EmailChannel, messages: list[OutgoingMessage]) -> list[SendResult]:
    async def run() -> list[SendResult]:
        async with channel.session() as session:
            return [await session.send(message) for message in messages]

    return asyncio.run(run())


def _lf(text: str) -> str:
    """SMTP carries CRLF line ends; 8-bit text parts keep them when parsed back."""
    return text.replace("\r\n", "\n")


def channel(settings: SmtpSettings) -> EmailChannel:
    return EmailChannel(settings, clock=lambda: FIXED_NOW)


def test_plain_smtp_delivers_headers_and_body(
    plain_server: LoopbackController, recorder: Recorder
) -> None:
    [result] = send_all(channel(settings_for(plain_server)), [mail()])
    assert result.status == "sent", result.detail
    assert "queued" in result.detail
    [received] = recorder.messages
    assert received.mail_from == "biuro@kowalski.example.pl"
    assert received.rcpt_tos == ["ksiegowosc@zuraw.example.pl"]
    message = received.parsed()
    [sender] = message["From"].addresses
    assert (sender.display_name, sender.addr_spec) == (
        "Hurtownia Żółw Sp. z o.o.",
        "biuro@kowalski.example.pl",
    )
    [reply_to] = message["Reply-To"].addresses
    assert (reply_to.display_name, reply_to.addr_spec) == (
        "Anna Nowak",
        "anna.nowak@kowalski.example.pl",
    )
    assert message["Subject"] == "Przypomnienie o płatności – faktura FV/2026/11/0142"
    assert message["Date"].datetime == FIXED_NOW
    assert message["Content-Language"] == "pl"
    assert message.get_content_type() == "text/plain"
    assert _lf(message.get_content()) == "Szanowni Państwo,\nuprzejmie przypominamy o płatności.\n"
    headers = received.data.split(b"\r\n\r\n", 1)[0]
    assert headers.isascii()  # Polish letters travel RFC 2047-encoded
    assert b"=?utf-8?" in headers
    assert result.provider_id == message["Message-ID"]


def test_header_values_cannot_inject_headers(
    plain_server: LoopbackController, recorder: Recorder
) -> None:
    long_subject = "Wezwanie do zapłaty " + "należności z tytułu faktur " * 6
    results = send_all(
        channel(settings_for(plain_server)),
        [
            mail("a", subject="Przypomnienie\r\nBcc: evil@example.com", from_name="A\nB"),
            mail("b", subject=long_subject, to=('"Kowalski, Nowak i S-ka" <biuro@żółw.pl>',)),
        ],
    )
    assert all(r.ok for r in results), results
    injected, folded = (m.parsed() for m in recorder.messages)
    assert injected["Bcc"] is None
    assert injected["Subject"] == "Przypomnienie Bcc: evil@example.com"
    assert injected["From"].addresses[0].display_name == "A B"
    assert folded["Subject"] == " ".join(long_subject.split())
    [to] = folded["To"].addresses
    assert (to.display_name, to.addr_spec) == ("Kowalski, Nowak i S-ka", "biuro@xn--w-uga1v8h.pl")
    assert recorder.messages[1].rcpt_tos == ["biuro@xn--w-uga1v8h.pl"]
    assert max(len(line) for line in recorder.messages[1].data.split(b"\r\n")[:12]) <= 78


def test_message_id_is_derived_from_the_outbox_key(
    plain_server: LoopbackController, recorder: Recorder
) -> None:
    email_channel = channel(settings_for(plain_server))
    first = send_all(email_channel, [mail("k-1"), mail("k-2")])
    again = send_all(email_channel, [mail("k-1")])  # a re-send after an uncertain crash
    ids = [m.parsed()["Message-ID"] for m in recorder.messages]
    assert ids[0] == ids[2] != ids[1]
    assert re.fullmatch(r"<[0-9a-f]{32}@kowalski\.example\.pl>", ids[0])
    assert [r.provider_id for r in first + again] == ids


def test_html_alternative_and_attachment_round_trip(
    plain_server: LoopbackController, recorder: Recorder
) -> None:
    pdf = b"%PDF-1.7\n" + bytes(range(256)) * 40
    message = mail(
        html="<p>Szanowni Państwo,</p><p>&lt;b&gt; zostaje tekstem</p>",
        attachments=(
            Attachment("Wezwanie_do_zapłaty_FV-0142.pdf", "application/pdf", pdf),
            Attachment("zestawienie.csv", "text/csv", b"numer;kwota\nFV/1;12,50\n"),
        ),
    )
    [result] = send_all(channel(settings_for(plain_server)), [message])
    assert result.ok, result.detail
    parsed = recorder.messages[0].parsed()
    assert parsed.get_content_type() == "multipart/mixed"
    alternative = parsed.get_payload()[0]
    assert alternative.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain", "text/html"]
    plain = parsed.get_body(preferencelist=("plain",))
    html = parsed.get_body(preferencelist=("html",))
    assert plain is not None and html is not None
    assert _lf(plain.get_content()) == message.text
    assert html.get_content().strip() == message.html
    attachments = list(parsed.iter_attachments())
    assert [a.get_filename() for a in attachments] == [
        "Wezwanie_do_zapłaty_FV-0142.pdf",
        "zestawienie.csv",
    ]
    assert attachments[0].get_content_type() == "application/pdf"
    assert attachments[0].get_content() == pdf
    assert _lf(attachments[1].get_content()) == "numer;kwota\nFV/1;12,50\n"


def test_batch_of_twenty_reuses_one_connection(
    plain_server: LoopbackController, recorder: Recorder
) -> None:
    results = send_all(channel(settings_for(plain_server)), [mail(f"k{i}") for i in range(20)])
    assert [r.status for r in results] == ["sent"] * 20
    assert plain_server.connections == 1
    assert len({m.parsed()["Message-ID"] for m in recorder.messages}) == 20


def test_starttls(server_tls: ssl.SSLContext, client_tls: ssl.SSLContext) -> None:
    recorder = Recorder()
    with smtp_server(recorder, tls_context=server_tls, require_starttls=True) as server:
        [result] = send_all(channel(settings_for(server, "starttls", client_tls)), [mail()])
        [refused] = send_all(channel(settings_for(server, "plain")), [mail()])
    assert result.ok, result.detail
    assert len(recorder.messages) == 1
    # the server demands STARTTLS; a plain session is refused, and that is not the message's fault
    assert refused.status == "temporary_failure"


def test_implicit_tls(server_tls: ssl.SSLContext, client_tls: ssl.SSLContext) -> None:
    recorder = Recorder()
    with smtp_server(recorder, ssl_context=server_tls) as server:
        results = send_all(channel(settings_for(server, "tls", client_tls)), [mail("a"), mail("b")])
        assert server.connections == 1
    assert [r.status for r in results] == ["sent", "sent"]
    assert len(recorder.messages) == 2


def test_untrusted_certificate_is_a_temporary_configuration_problem(
    server_tls: ssl.SSLContext,
) -> None:
    recorder = Recorder()
    with smtp_server(recorder, ssl_context=server_tls) as server:
        # the system trust store does not know the test CA
        [result] = send_all(channel(settings_for(server, "tls", None)), [mail()])
    assert result.status == "temporary_failure"
    assert "certificate" in result.detail.lower() or "tls" in result.detail.lower()
    assert recorder.messages == []


@pytest.mark.parametrize("mechanism", ["LOGIN", "PLAIN"])
def test_auth_over_starttls(
    mechanism: str, server_tls: ssl.SSLContext, client_tls: ssl.SSLContext
) -> None:
    recorder = Recorder()
    credentials = Credentials("biuro", "hasło-ąę")
    other = "PLAIN" if mechanism == "LOGIN" else "LOGIN"
    with smtp_server(
        recorder,
        tls_context=server_tls,
        require_starttls=True,
        authenticator=credentials,
        auth_required=True,
        auth_require_tls=True,
        auth_exclude_mechanism=[other],
    ) as server:
        good = settings_for(server, "starttls", client_tls, username="biuro", password="hasło-ąę")
        bad = settings_for(server, "starttls", client_tls, username="biuro", password="wrong")
        [ok] = send_all(channel(good), [mail()])
        failed = send_all(channel(bad), [mail("x"), mail("y")])
    assert ok.ok, ok.detail
    assert credentials.mechanisms[0] == mechanism
    assert [r.status for r in failed] == ["temporary_failure"] * 2
    assert "user name or password" in failed[0].detail
    assert failed[1].detail.startswith("not attempted")  # no second login attempt per batch
    assert len(recorder.messages) == 1


def test_credentials_are_not_sent_over_an_unencrypted_connection(
    server_tls: ssl.SSLContext,
) -> None:
    credentials = Credentials("biuro", "secret")
    with smtp_server(
        Recorder(),
        tls_context=server_tls,
        authenticator=credentials,
        auth_required=True,
        auth_require_tls=True,
    ) as server:
        [result] = send_all(
            channel(settings_for(server, "plain", username="biuro", password="secret")), [mail()]
        )
    assert result.status == "temporary_failure"
    assert credentials.mechanisms == []


def test_4xx_is_temporary_and_the_connection_stays_usable(
    plain_server: LoopbackController, recorder: Recorder
) -> None:
    recorder.data_reply = "451 4.3.0 Mailbox temporarily unavailable"
    email_channel = channel(settings_for(plain_server))

    async def run() -> list[SendResult]:
        async with email_channel.session() as session:
            first = await session.send(mail("a"))
            recorder.data_reply = None
            return [first, await session.send(mail("b"))]

    first, second = asyncio.run(run())
    assert first.status == "temporary_failure"
    assert "451" in first.detail
    assert second.ok
    assert plain_server.connections == 1


def test_5xx_is_permanent(plain_server: LoopbackController, recorder: Recorder) -> None:
    recorder.data_reply = "554 5.7.1 Message rejected as spam"
    [result] = send_all(channel(settings_for(plain_server)), [mail()])
    assert result.status == "permanent_failure"
    assert "554 5.7.1" in result.detail


def test_all_recipients_refused_is_permanent_some_refused_is_sent(
    plain_server: LoopbackController, recorder: Recorder
) -> None:
    recorder.refuse_rcpt = {
        "nikt@zuraw.example.pl": "550 5.1.1 No such user",
        "pelna@zuraw.example.pl": "452 4.2.2 Mailbox full",
    }
    email_channel = channel(settings_for(plain_server))
    refused, full, partly = send_all(
        email_channel,
        [
            mail("a", to=("nikt@zuraw.example.pl",)),
            mail("b", to=("pelna@zuraw.example.pl",)),
            mail("c", to=("nikt@zuraw.example.pl", "ksiegowosc@zuraw.example.pl")),
        ],
    )
    assert refused.status == "permanent_failure"
    assert "nikt@zuraw.example.pl: 550 5.1.1 No such user" in refused.detail
    assert full.status == "temporary_failure"  # only a 4xx refusal: try again later
    assert partly.status == "sent"
    assert "refused: nikt@zuraw.example.pl: 550" in partly.detail
    assert recorder.messages[0].rcpt_tos == ["ksiegowosc@zuraw.example.pl"]


def test_bad_address_is_permanent_without_touching_the_server(
    plain_server: LoopbackController, recorder: Recorder
) -> None:
    results = send_all(
        channel(settings_for(plain_server)), [mail(to=("not an address",)), mail(to=())]
    )
    assert [r.status for r in results] == ["permanent_failure"] * 2
    assert plain_server.connections == 0


def _unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_server_not_listening_is_temporary() -> None:
    settings = SmtpSettings(
        host="127.0.0.1",
        port=_unused_port(),
        security="plain",
        from_address="biuro@kowalski.example.pl",
        timeout=2.0,
    )
    started = time.monotonic()
    results = send_all(channel(settings), [mail(f"k{i}") for i in range(5)])
    assert [r.status for r in results] == ["temporary_failure"] * 5
    assert results[0].detail.startswith("server down")
    assert all(r.detail.startswith("not attempted") for r in results[1:])
    assert time.monotonic() - started < 2.0


def test_silent_server_times_out_as_temporary() -> None:
    with socket.socket() as listener:  # accepts TCP (backlog) but never greets
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        settings = SmtpSettings(
            host="127.0.0.1",
            port=listener.getsockname()[1],
            security="plain",
            from_address="biuro@kowalski.example.pl",
            timeout=0.5,
        )
        [result] = send_all(channel(settings), [mail()])
    assert result.status == "temporary_failure"
    assert "server down" in result.detail


@pytest.mark.parametrize("how", ["drop", "421"])
def test_connection_dropped_mid_batch_reconnects_and_retries_once(
    plain_server: LoopbackController, recorder: Recorder, how: str
) -> None:
    async def misbehave(server: SMTP, count: int) -> str | None:
        if count != 7:
            return None
        if how == "drop":
            assert server.transport is not None
            server.transport.abort()  # no reply at all, like a crashed or restarted server
            return "250 OK"
        return "421 4.7.0 Too many messages on this connection, closing"

    recorder.on_mail = misbehave
    results = send_all(channel(settings_for(plain_server)), [mail(f"k{i}") for i in range(20)])
    assert [r.status for r in results] == ["sent"] * 20
    assert plain_server.connections == 2
    ids = [m.parsed()["Message-ID"] for m in recorder.messages]
    assert len(ids) == len(set(ids)) == 20


def test_drop_after_the_content_was_sent_is_uncertain_and_never_sent_again(
    plain_server: LoopbackController, recorder: Recorder
) -> None:
    """The server has the message but the "250" never comes: resending would duplicate it."""

    async def drop_second(server: SMTP, count: int) -> str | None:
        if count == 2:
            assert server.transport is not None
            server.transport.abort()
        return None

    recorder.on_data = drop_second
    results = send_all(channel(settings_for(plain_server)), [mail("a"), mail("b"), mail("c")])
    assert [r.status for r in results] == ["sent", "uncertain", "sent"]
    assert "may have been delivered" in results[1].detail
    assert recorder.data_count == 3  # "b" went over the wire once
    assert plain_server.connections == 2  # "c" on a new connection


def test_a_late_reply_after_the_timeout_is_uncertain(
    plain_server: LoopbackController, recorder: Recorder
) -> None:
    async def slow(server: SMTP, count: int) -> None:
        await asyncio.sleep(1.0)  # "250 OK" after the client stopped waiting

    recorder.on_data = slow  # type: ignore[assignment]
    started = time.monotonic()
    [result] = send_all(channel(settings_for(plain_server, timeout=0.3)), [mail()])
    assert result.status == "uncertain"
    assert "0.3 s" in result.detail
    assert recorder.data_count == 1
    assert time.monotonic() - started < 1.0


@pytest.mark.parametrize("how", ["drop", "421"])
def test_drop_or_421_at_the_data_command_is_sent_again_on_a_new_connection(
    plain_server: LoopbackController, recorder: Recorder, how: str
) -> None:
    """Before the 354 the server has nothing of the message: trying again is safe."""

    async def misbehave(server: SMTP, count: int) -> str | None:
        if count != 1:
            return None
        if how == "drop":
            assert server.transport is not None
            server.transport.abort()
            return None
        return "421 4.7.0 Try again later, closing connection"

    recorder.on_data_command = misbehave
    [result] = send_all(channel(settings_for(plain_server)), [mail()])
    assert result.status == "sent"
    assert recorder.data_command_count == 2
    assert recorder.data_count == 1
    assert plain_server.connections == 2


@pytest.mark.parametrize(
    ("reply", "status"),
    [("451 4.3.0 Try later", "temporary_failure"), ("550 5.7.1 Refused", "permanent_failure")],
)
def test_a_refusal_of_the_data_command_is_clear(
    plain_server: LoopbackController, recorder: Recorder, reply: str, status: str
) -> None:
    async def refuse(server: SMTP, count: int) -> str:
        return reply

    recorder.on_data_command = refuse
    email_channel = channel(settings_for(plain_server))
    first, second = send_all(email_channel, [mail("a"), mail("b")])
    assert (first.status, second.status) == (status, status)
    assert reply[:3] in first.detail
    assert recorder.data_count == 0
    assert plain_server.connections == 1  # the session reset the envelope and went on


def test_factory_builds_the_smtp_channel_from_plain_values(
    plain_server: LoopbackController, recorder: Recorder
) -> None:
    email_channel = build_channel(
        "email",
        "smtp",
        {
            "host": "127.0.0.1",
            "port": plain_server.port,
            "security": "plain",
            "from_address": "biuro@kowalski.example.pl",
            "from_name": "Hurtownia",
            "local_hostname": "inkaso.test",
        },
        secret=None,
    )
    assert email_channel.kind == "email"

    async def run() -> SendResult:
        async with email_channel.session() as session:
            return await session.send(mail())

    assert asyncio.run(run()).ok
    assert len(recorder.messages) == 1
