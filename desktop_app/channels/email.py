"""E-mail over SMTP with aiosmtplib: one connection per batch, every failure mapped to a result.

Mapping (see :meth:`SmtpSession.send`): a 4xx reply is temporary, a 5xx reply permanent; a server
that is down, slow or drops the connection *before the message's content left* is temporary.
Once the content is on the wire only the reply to its final dot says what happened: if the
connection drops or the reply does not come within the timeout, the server may have delivered
the message, so the result is uncertain and nothing sends it again. Problems of the
*configuration* rather than of the message (wrong password, TLS handshake, STARTTLS missing,
sender address refused) are temporary too: the message itself is fine and must go out once the
settings are fixed.
"""

from __future__ import annotations

import binascii
import datetime as dt
import email.utils
import logging
import re
import ssl
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from email import encoders
from email.header import Header
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from typing import Literal

import aiosmtplib
from aiosmtplib.email import flatten_message

from desktop_app.channels.base import (
    Attachment,
    ChannelKind,
    OutgoingMessage,
    SendResult,
    stable_id,
)

log = logging.getLogger(__name__)

SmtpSecurity = Literal["plain", "starttls", "tls"]
SMTP_SECURITY: tuple[SmtpSecurity, ...] = ("plain", "starttls", "tls")
_DEFAULT_PORTS = {"plain": 25, "starttls": 587, "tls": 465}


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str
    port: int | None = None  # None: 25 / 587 / 465 by security
    security: SmtpSecurity = "starttls"
    username: str | None = None
    password: str | None = field(default=None, repr=False)  # the caller reads it from keyring
    from_address: str = ""
    from_name: str = ""
    timeout: float = 30.0
    validate_certs: bool = True
    #: for tests with a throw-away CA; None builds the system default context
    ssl_context: ssl.SSLContext | None = field(default=None, repr=False, compare=False)
    #: EHLO name; None lets aiosmtplib ask the OS (socket.getfqdn)
    local_hostname: str | None = None

    def __post_init__(self) -> None:
        if self.security not in SMTP_SECURITY:
            raise ValueError(f"unknown SMTP security {self.security!r}")

    @property
    def effective_port(self) -> int:
        return self.port or _DEFAULT_PORTS[self.security]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).astimezone()


def message_id_for(key: str, from_address: str) -> str:
    """``<sha256(key)[:32]@domain>``: stable for one outbox key, so a repeat after an uncertain
    crash carries the same Message-ID and the receiving side can drop the duplicate."""
    domain = from_address.rpartition("@")[2].strip().lower() or "inkaso.invalid"
    return f"<{stable_id(key)}@{domain}>"


_ADDR_SPEC = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[^@\s<>(),;:\"\[\]]+$")
# quoted-printable (not base64) keeps Polish and Russian text readable in the raw message


def _one_line(value: str) -> str:
    """A header value can never carry a line break: that would start a header of its own."""
    return " ".join(value.split())


def _addr_spec(value: str) -> str:
    """``jan@firma.pl`` with an IDN domain in its ASCII form; ValueError if it is no address."""
    local, _sep, domain = value.strip().rpartition("@")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise ValueError(f"invalid e-mail domain in {value!r}") from exc
    spec = f"{local}@{domain}"
    if not _ADDR_SPEC.match(spec):
        raise ValueError(f"invalid e-mail address {value!r}")
    return spec


def _mailbox(value: str, name: str = "") -> tuple[str, str]:
    """("Jan Kowalski", "jan@firma.pl") from "Jan Kowalski <jan@firma.pl>" or a bare address."""
    parsed_name, addr = email.utils.parseaddr(value)
    if not addr:
        raise ValueError(f"invalid e-mail address {value!r}")
    return _one_line(name or parsed_name), _addr_spec(addr)


def _header_address(name: str, addr: str) -> str:
    # formataddr quotes ASCII names and RFC 2047-encodes the rest ("Hurtownia Żółw")
    return email.utils.formataddr((name, addr), charset="utf-8")


def _text_part(text: str, subtype: str) -> MIMENonMultipart:
    # binascii's C quoted-printable encoder: the email package's own one is pure Python, walks
    # the text a character at a time, and cost more than the SMTP exchange for an HTML reminder
    part = MIMENonMultipart("text", subtype, charset="utf-8")
    del part["MIME-Version"]  # belongs on the top-level message only
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    part["Content-Transfer-Encoding"] = "quoted-printable"
    part.set_payload(binascii.b2a_qp(normalised.encode("utf-8"), istext=True).decode("ascii"))
    return part


def _attachment_part(attachment: Attachment) -> MIMEBase:
    maintype, _sep, subtype = attachment.mime_type.partition("/")
    part = MIMEBase(maintype or "application", subtype or "octet-stream")
    if maintype == "text":
        part.set_param("charset", "utf-8")  # text attachments are UTF-8 (see Attachment)
    del part["MIME-Version"]
    part.set_payload(attachment.data)
    encoders.encode_base64(part)
    # RFC 2231 keeps "Wezwanie_do_zapłaty.pdf" intact in every mail client
    part.add_header(
        "Content-Disposition", "attachment", filename=("utf-8", "", attachment.filename)
    )
    return part


def build_email(message: OutgoingMessage, settings: SmtpSettings, *, now: dt.datetime) -> Message:
    """The MIME message for ``message``; ValueError on a bad address.

    Built with the compat32 ``email.mime`` classes on purpose: the modern ``EmailMessage`` API
    parses every header it is given and costs ~20 times more per message, which decided the
    difference between the channel and a bare SMTP loop in ``tests/perf/bench_mail.py``.
    """
    from_name, from_address = _mailbox(
        message.from_address or settings.from_address, message.from_name or settings.from_name
    )
    body: Message = _text_part(message.text, "plain")
    if message.html is not None:
        body = MIMEMultipart("alternative", _subparts=[body, _text_part(message.html, "html")])
    if message.attachments:
        if isinstance(body, MIMEMultipart):
            del body["MIME-Version"]
        parts = [body, *(_attachment_part(a) for a in message.attachments)]
        root: Message = MIMEMultipart("mixed", _subparts=parts)
    else:
        root = body
        if "MIME-Version" not in root:
            root["MIME-Version"] = "1.0"
    root["From"] = _header_address(from_name, from_address)
    root["To"] = ", ".join(_header_address(*_mailbox(address)) for address in message.to)
    if message.reply_to:
        root["Reply-To"] = _header_address(*_mailbox(message.reply_to))
    subject = _one_line(message.subject or "")
    if subject.isascii():
        root["Subject"] = subject
    else:  # header_name: the first folded line counts "Subject: " too
        root["Subject"] = Header(subject, "utf-8", header_name="Subject")  # type: ignore[assignment]
    root["Date"] = email.utils.format_datetime(now)
    root["Message-ID"] = message_id_for(message.key, from_address)
    if message.language:
        root["Content-Language"] = message.language
    return root


_LINE_END = re.compile(rb"\r\n|\r|\n")
_LEADING_DOT = re.compile(rb"(?m)^\.")


def _content(flat: bytes) -> bytes:
    """The message with CRLF line ends, as DATA carries it and SIZE counts it."""
    content = _LINE_END.sub(b"\r\n", flat)
    return content if content.endswith(b"\r\n") else content + b"\r\n"


def _reply(exc: aiosmtplib.SMTPResponseException) -> str:
    return f"{exc.code} {exc.message}".strip()


def _by_code(code: int, detail: str) -> SendResult:
    if 400 <= code < 500:
        return SendResult.temporary(detail)
    return SendResult.permanent(detail)


class SmtpSession:
    """One SMTP connection shared by a batch; opened on the first send, reopened if dropped."""

    def __init__(self, channel: EmailChannel) -> None:
        self._channel = channel
        self._settings = channel.settings
        self._smtp: aiosmtplib.SMTP | None = None
        self._broken: str | None = None
        self.connections = 0  # how many times this session connected (for logs and tests)

    async def send(self, message: OutgoingMessage) -> SendResult:
        if message.channel != "email":
            raise ValueError(f"an e-mail session cannot send a {message.channel} message")
        if not message.to:
            return SendResult.permanent("no recipient address")
        try:
            mime = self._channel.build(message)
        except ValueError as exc:
            return SendResult.permanent(f"cannot build the message: {exc}")
        if self._broken is not None:
            # Reconnecting for every message of a batch would multiply a timeout by the batch
            # size; the runner retries these later, in a new session.
            return SendResult.temporary(f"not attempted: {self._broken}")
        sender = self._settings.from_address or message.from_address
        recipients = [_mailbox(address)[1] for address in message.to]
        for attempt in (1, 2):
            failure = await self._ensure_connected()
            if failure is not None:
                return failure
            result = await self._transmit(message.key, mime, sender, recipients, attempt == 1)
            if result is not None:
                return result
        raise AssertionError("unreachable")  # pragma: no cover

    async def _transmit(
        self,
        key: str,
        mime: Message,
        sender: str,
        recipients: list[str],
        may_retry: bool,
    ) -> SendResult | None:
        """One attempt on the open connection; None means "reconnect and try once more".

        The stages are driven one by one (aiosmtplib's ``sendmail`` reports a drop before and
        after the content alike) because they mean different things: until the content leaves,
        the server has nothing and trying again is safe; afterwards only its reply to the final
        dot tells whether it took the message.
        """
        smtp = self._smtp
        assert smtp is not None
        try:
            refused = await self._hand_over(smtp, mime, sender, recipients)
        except aiosmtplib.SMTPServerDisconnected as exc:
            if may_retry:
                log.info("SMTP connection dropped while sending %s; reconnecting", key)
                self._discard()
                return None
            return SendResult.temporary(f"server dropped the connection twice: {exc}")
        except aiosmtplib.SMTPResponseException as exc:
            if exc.code == 421 and may_retry:
                # "closing channel" (e.g. too many messages on one connection): a fresh
                # connection usually takes the message
                log.info("SMTP server closed the channel (%s); reconnecting", _reply(exc))
                self._discard()
                return None
            await self._reset()
            if isinstance(exc, aiosmtplib.SMTPSenderRefused):
                return SendResult.temporary(
                    f"server refused the sender address {exc.sender}: {_reply(exc)}"
                )
            return _by_code(exc.code, f"server replied {_reply(exc)}")
        except aiosmtplib.SMTPRecipientsRefused as exc:
            await self._reset()
            detail = "all recipients refused: " + "; ".join(
                f"{r.recipient}: {_reply(r)}" for r in exc.recipients
            )
            if all(400 <= r.code < 500 for r in exc.recipients):
                return SendResult.temporary(detail)
            return SendResult.permanent(detail)
        except aiosmtplib.SMTPTimeoutError as exc:
            self._discard()
            return SendResult.temporary(
                f"no answer from the server within {self._settings.timeout:g} s "
                f"(before the message was sent): {exc}"
            )
        except aiosmtplib.SMTPNotSupported as exc:
            await self._reset()
            return SendResult.permanent(f"the server cannot take this message: {exc}")
        except (aiosmtplib.SMTPException, OSError) as exc:
            self._discard()
            return SendResult.temporary(f"sending failed: {type(exc).__name__}: {exc}")
        return await self._final_reply(smtp, key, str(mime["Message-ID"]), refused, may_retry)

    async def _hand_over(
        self, smtp: aiosmtplib.SMTP, mime: Message, sender: str, recipients: list[str]
    ) -> dict[str, aiosmtplib.SMTPRecipientRefused]:
        """MAIL, RCPT, DATA and, after the server's 354, the content; returns the recipients
        refused (raises if all were). Whatever fails in here, the server has no message."""
        utf8 = not (sender + "".join(recipients)).isascii()
        if utf8 and not smtp.supports_extension("smtputf8"):
            raise aiosmtplib.SMTPNotSupported(
                "an address needs SMTPUTF8, which the server does not offer"
            )
        eight_bit = smtp.supports_extension("8bitmime")
        content = _content(
            flatten_message(mime, utf8=utf8, cte_type="8bit" if eight_bit else "7bit")
        )
        options = [f"SIZE={len(content)}"] if smtp.supports_extension("size") else []
        if eight_bit:
            options.append("BODY=8BITMIME")
        if utf8:
            options.append("SMTPUTF8")
        encoding = "utf-8" if utf8 else "ascii"
        await smtp.mail(sender, options=options, encoding=encoding)
        refused: dict[str, aiosmtplib.SMTPRecipientRefused] = {}
        for recipient in recipients:
            try:
                await smtp.rcpt(recipient, encoding=encoding)
            except aiosmtplib.SMTPRecipientRefused as exc:
                refused[recipient] = exc
        if len(refused) == len(recipients):
            raise aiosmtplib.SMTPRecipientsRefused(list(refused.values()))
        start = await smtp.execute_command(b"DATA")
        if start.code != aiosmtplib.SMTPStatus.start_input:
            raise aiosmtplib.SMTPDataError(start.code, start.message)
        if smtp.protocol is None:
            raise aiosmtplib.SMTPServerDisconnected("connection lost before the content")
        # write() raises, sending nothing, if the connection is already closing
        smtp.protocol.write(_LEADING_DOT.sub(b"..", content) + b".\r\n")
        return refused

    async def _final_reply(
        self,
        smtp: aiosmtplib.SMTP,
        key: str,
        message_id: str,
        refused: dict[str, aiosmtplib.SMTPRecipientRefused],
        may_retry: bool,
    ) -> SendResult | None:
        """The server's answer to the final dot: the only word on whether it took the message."""
        assert smtp.protocol is not None
        timeout = self._settings.timeout
        try:
            reply = await smtp.protocol.read_response(timeout=timeout)
        except aiosmtplib.SMTPTimeoutError as exc:
            self._discard()
            log.warning("SMTP: no confirmation for %s within %g s; uncertain", key, timeout)
            return SendResult.uncertain(
                f"the message was sent but the server did not confirm it within {timeout:g} s; "
                f"it may have been delivered: {exc}"
            )
        except (aiosmtplib.SMTPException, OSError) as exc:
            self._discard()
            log.warning("SMTP: connection lost before %s was confirmed; uncertain", key)
            return SendResult.uncertain(
                "the message was sent but the connection dropped before the server confirmed "
                f"it; it may have been delivered: {type(exc).__name__}: {exc}"
            )
        detail = f"{reply.code} {reply.message}".strip()
        if reply.code == 421:
            self._discard()  # the server closes the connection after a 421
            if may_retry:
                log.info("SMTP server refused %s and closed (%s); reconnecting", key, detail)
                return None
        if 200 <= reply.code < 300:
            accepted = f"accepted: {reply.message}".strip()
            if refused:
                accepted += "; refused: " + "; ".join(
                    f"{address}: {_reply(response)}" for address, response in refused.items()
                )
            return SendResult.sent(message_id, accepted)
        if 400 <= reply.code < 600:
            return _by_code(reply.code, f"server replied {detail}")
        self._discard()
        return SendResult.uncertain(f"the server answered the message with {detail!r}")

    async def _reset(self) -> None:
        """RSET after a refusal, so the next message starts a clean envelope."""
        if self._smtp is not None and self._smtp.is_connected:
            with suppress(aiosmtplib.SMTPException, OSError):
                await self._smtp.rset()

    async def _ensure_connected(self) -> SendResult | None:
        if self._smtp is not None and self._smtp.is_connected:
            return None
        self._discard()
        s = self._settings
        smtp = aiosmtplib.SMTP(
            hostname=s.host,
            port=s.effective_port,
            username=s.username or None,
            password=s.password if s.username else None,
            timeout=s.timeout,
            use_tls=s.security == "tls",
            start_tls=s.security == "starttls",
            validate_certs=s.validate_certs,
            tls_context=s.ssl_context,
            local_hostname=s.local_hostname,
        )
        where = f"{s.host}:{s.effective_port}"
        try:
            await smtp.connect()
            await self._greet(smtp)
        except aiosmtplib.SMTPAuthenticationError as exc:
            problem = f"the server at {where} rejected the user name or password: {_reply(exc)}"
        except aiosmtplib.SMTPTimeoutError as exc:
            problem = f"server down: no answer from {where} within {s.timeout:g} s ({exc})"
        except aiosmtplib.SMTPNotSupported as exc:
            problem = f"the server at {where} does not support what the settings ask: {exc}"
        except aiosmtplib.SMTPResponseException as exc:
            problem = f"the server at {where} refused the session: {_reply(exc)}"
        except ssl.SSLError as exc:
            problem = f"TLS with {where} failed: {exc}"
        except (aiosmtplib.SMTPException, OSError) as exc:
            problem = f"server down: cannot connect to {where}: {exc}"
        else:
            self._smtp = smtp
            self.connections += 1
            log.debug("SMTP connected to %s (connection %d)", where, self.connections)
            return None
        smtp.close()
        log.warning("SMTP: %s", problem)
        self._broken = problem
        return SendResult.temporary(problem)

    @staticmethod
    async def _greet(smtp: aiosmtplib.SMTP) -> None:
        """EHLO (HELO for an old server) unless connecting did it: the options of MAIL
        depend on the extensions the server announces."""
        if not smtp.is_ehlo_or_helo_needed:
            return
        try:
            await smtp.ehlo()
        except aiosmtplib.SMTPHeloError:
            if not smtp.is_connected:
                raise
            await smtp.helo()

    def _discard(self) -> None:
        if self._smtp is not None:
            self._smtp.close()
            self._smtp = None

    async def close(self) -> None:
        if self._smtp is not None and self._smtp.is_connected:
            with suppress(aiosmtplib.SMTPException, OSError):
                await self._smtp.quit(timeout=min(self._settings.timeout, 5.0))
        self._discard()


class EmailChannel:
    kind: ChannelKind = "email"

    def __init__(self, settings: SmtpSettings, *, clock: Callable[[], dt.datetime] = _now) -> None:
        self.settings = settings
        self._clock = clock

    def build(self, message: OutgoingMessage) -> Message:
        return build_email(message, self.settings, now=self._clock())

    @asynccontextmanager
    async def session(self) -> AsyncIterator[SmtpSession]:
        session = SmtpSession(self)
        try:
            yield session
        finally:
            await session.close()
