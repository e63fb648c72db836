"""A real SMTP server on loopback (aiosmtpd) that records what it receives and can misbehave."""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

Hook = Callable[[SMTP, int], Awaitable[str | None]]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    def parsed(self) -> EmailMessage:
        message = email.message_from_bytes(self.data, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        return message


@dataclass
class Recorder:
    """The handler: keeps every accepted message; hooks let a test refuse or drop."""

    messages: list[Received] = field(default_factory=list)
    mail_count: int = 0
    #: called on each MAIL FROM with (server, count); a returned string is the reply
    on_mail: Hook | None = None
    refuse_rcpt: dict[str, str] = field(default_factory=dict)
    data_reply: str | None = None
    #: how many times a client sent the DATA command, and how many message contents arrived
    data_command_count: int = 0
    data_count: int = 0
    #: called on each DATA command before the 354 with (server, count): a returned string is
    #: the reply (the content is then never sent); the hook may also drop the connection
    on_data_command: Hook | None = None
    #: called once a message's content has arrived, before the reply, with (server, count);
    #: a returned string is the reply. The hook may drop the connection or answer late: the
    #: server then has the message and the client cannot know
    on_data: Hook | None = None

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        self.mail_count += 1
        if self.on_mail is not None:
            reply = await self.on_mail(server, self.mail_count)
            if reply is not None:
                return reply
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self.refuse_rcpt:
            return self.refuse_rcpt[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.data_count += 1
        if self.data_reply is not None:
            return self.data_reply
        if self.on_data is not None:
            reply = await self.on_data(server, self.data_count)
            if reply is not None:
                return reply
        data = envelope.original_content or b""
        self.messages.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos), data))
        return "250 2.0.0 Ok: queued"


class _Server(SMTP):
    """aiosmtpd's server with a hook between the DATA command and its 354 reply, where
    aiosmtpd offers none."""

    async def smtp_DATA(self, arg: str) -> None:
        handler = self.event_handler
        if isinstance(handler, Recorder) and self.envelope and self.envelope.rcpt_tos:
            handler.data_command_count += 1
            if handler.on_data_command is not None:
                reply = await handler.on_data_command(self, handler.data_command_count)
                if reply is not None:
                    await self.push(reply)
                    return
                if self.transport is None or self.transport.is_closing():
                    return
        await super().smtp_DATA(arg)


class LoopbackController(Controller):
    """aiosmtpd's threaded controller on a free port of 127.0.0.1, counting connections."""

    def __init__(self, handler: Any, **kwargs: Any) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen()
        super().__init__(handler, hostname="127.0.0.1", port=self._sock.getsockname()[1], **kwargs)
        self.connections = 0

    def _create_server(self) -> Any:
        return self.loop.create_server(self._factory_invoker, sock=self._sock, ssl=self.ssl_context)

    def factory(self) -> SMTP:
        self.connections += 1
        return _Server(self.handler, **self.SMTP_kwargs)

    def start(self) -> None:
        super().start()
        self.connections = 0  # the controller's own readiness probe is not a client


@dataclass
class Credentials:
    login: str
    password: str
    mechanisms: list[str] = field(default_factory=list)

    def __call__(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        self.mechanisms.append(mechanism)
        ok = (
            isinstance(data, LoginPassword)
            and data.login.decode() == self.login
            and data.password.decode() == self.password
        )
        return AuthResult(success=ok, handled=False)


@contextmanager
def smtp_server(handler: Recorder | None = None, **kwargs: Any) -> Iterator[LoopbackController]:
    controller = LoopbackController(handler or Recorder(), **kwargs)
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


def server_context(cert: Any) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    return context
