"""The one small interface every message channel implements.

The outbox runner opens one :meth:`Channel.session` per batch and calls ``send`` once per message,
recording each :class:`SendResult` before it sends the next one: if the process dies mid-batch,
at most the message in flight is uncertain, never the whole batch.

A send never raises for a delivery problem (server down, number refused, quota exhausted); it
returns a result whose ``detail`` is a plain English technical sentence for the log and the
outbox row. Programming errors (a malformed message, a wrong argument) still raise.

A result is ``uncertain`` when the provider may have the message but never said so (the
connection dropped or the answer came too late after the message was handed over): it is never
retried automatically, since that could remind a debtor twice; a person decides. Only a clear
refusal, or a failure before anything of the message left, is a temporary or permanent failure.
"""

from __future__ import annotations

import hashlib
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Literal, Protocol

ChannelKind = Literal["email", "sms", "voice"]
SendStatus = Literal["sent", "temporary_failure", "permanent_failure", "uncertain"]

CHANNEL_KINDS: tuple[ChannelKind, ...] = ("email", "sms", "voice")


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    mime_type: str  # "application/pdf"; text/* data is UTF-8
    data: bytes = field(repr=False)


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """One message as the outbox stored it, ready for a channel.

    ``key`` is the outbox's unique key; channels derive provider-side de-duplication ids from it
    (the e-mail Message-ID, SMSAPI's ``idx``) so a re-send after an uncertain crash can be
    recognised by the receiving side. SMS and voice messages carry exactly one E.164 number in
    ``to``, so each delivery is tracked (and retried) on its own.
    """

    key: str
    channel: ChannelKind
    to: tuple[str, ...]
    text: str
    subject: str | None = None
    html: str | None = None
    attachments: tuple[Attachment, ...] = ()
    from_name: str = ""
    from_address: str = ""
    reply_to: str | None = None
    language: str = "pl"

    def __post_init__(self) -> None:
        if self.channel not in CHANNEL_KINDS:
            raise ValueError(f"unknown channel {self.channel!r}")
        if isinstance(self.to, str):  # a bare string would iterate per character
            raise TypeError("OutgoingMessage.to must be a tuple of addresses, not a string")


@dataclass(frozen=True, slots=True)
class SendResult:
    status: SendStatus
    provider_id: str | None = None
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "sent"

    @classmethod
    def sent(cls, provider_id: str | None = None, detail: str = "accepted") -> SendResult:
        return cls("sent", provider_id, detail)

    @classmethod
    def temporary(cls, detail: str) -> SendResult:
        return cls("temporary_failure", None, detail)

    @classmethod
    def permanent(cls, detail: str) -> SendResult:
        return cls("permanent_failure", None, detail)

    @classmethod
    def uncertain(cls, detail: str) -> SendResult:
        return cls("uncertain", None, detail)


class ChannelSession(Protocol):
    async def send(self, message: OutgoingMessage) -> SendResult: ...


class Channel(Protocol):
    """A configured way of sending one kind of message (e-mail over SMTP, SMS via SMSAPI, ...)."""

    @property
    def kind(self) -> ChannelKind: ...

    def session(self) -> AbstractAsyncContextManager[ChannelSession]:
        """Open what a batch shares (an SMTP connection, an HTTP client), lazily and safely:
        entering never fails because a server is down; the first ``send`` reports that."""
        ...


def stable_id(key: str, length: int = 32) -> str:
    """Hex digest of the outbox key: the same message always gets the same provider-side id."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:length]
