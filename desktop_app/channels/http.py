"""What the SMS and voice adapters share: one httpx client per batch and the status mapping.

HTTP 2xx is sent (unless the provider says otherwise in the body), 408/429/5xx are temporary,
401/403 are temporary too (the credentials are wrong, not the message; it must go out once they
are fixed), any other 4xx is permanent. A network failure before the request left (no
connection) is temporary; once the request may have reached the gateway, a missing answer (a
timeout, a dropped connection) is uncertain: the gateway may have sent the message.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import ssl
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from desktop_app.channels.base import ChannelKind, OutgoingMessage, SendResult

log = logging.getLogger(__name__)

_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
#: failures that happen before any byte of the request leaves; every other one may come after
_NOT_SENT = (
    httpx.PoolTimeout,
    httpx.ProxyError,
    httpx.UnsupportedProtocol,
    httpx.LocalProtocolError,
)
_SNIPPET = 300


@dataclass(frozen=True, slots=True)
class HttpRequest:
    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    data: Mapping[str, str] | None = None  # form fields
    json_body: Any = None
    auth: tuple[str, str] | None = field(default=None, repr=False)


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """Loading the CA bundle takes ~0.1 s; one verified context serves every batch."""
    return httpx.create_ssl_context()


def snippet(response: httpx.Response) -> str:
    text = response.text.strip().replace("\r", " ").replace("\n", " ")
    return text[:_SNIPPET] + ("…" if len(text) > _SNIPPET else "")


def json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None


def by_http_status(response: httpx.Response, detail: str | None = None) -> SendResult:
    """The default mapping of a non-2xx answer."""
    code = response.status_code
    text = detail or f"HTTP {code}: {snippet(response)}"
    if code in (408, 429) or code >= 500:
        return SendResult.temporary(text)
    if code in (401, 403):
        return SendResult.temporary(f"the provider rejected the credentials ({text})")
    return SendResult.permanent(text)


class HttpChannel:
    """Base of the SMS/voice adapters: subclasses build the request and read the answer."""

    provider = "http"

    def __init__(self, kind: ChannelKind, *, timeout: float = 30.0) -> None:
        if kind not in ("sms", "voice"):
            raise ValueError(f"{type(self).__name__} sends sms or voice, not {kind!r}")
        self.kind: ChannelKind = kind
        self.timeout = timeout

    def prepare(self, message: OutgoingMessage, number: str) -> HttpRequest:
        raise NotImplementedError

    def interpret(self, response: httpx.Response) -> SendResult:
        """Read a 2xx answer; providers that report errors inside a 200 override this."""
        return SendResult.sent(None, f"HTTP {response.status_code}")

    def interpret_error(self, response: httpx.Response) -> SendResult:
        return by_http_status(response)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[HttpSession]:
        async with httpx.AsyncClient(
            timeout=self.timeout,
            verify=_tls_context(),
            follow_redirects=False,
            headers={"User-Agent": "Inkaso"},
        ) as client:
            yield HttpSession(self, client)


class HttpSession:
    def __init__(self, channel: HttpChannel, client: httpx.AsyncClient) -> None:
        self._channel = channel
        self._client = client

    async def send(self, message: OutgoingMessage) -> SendResult:
        channel = self._channel
        if message.channel != channel.kind:
            raise ValueError(f"a {channel.kind} session cannot send a {message.channel} message")
        if len(message.to) > 1:
            raise ValueError("an SMS or voice message goes to exactly one number")
        if not message.to:
            return SendResult.permanent("no phone number")
        number = message.to[0]
        if not _E164.match(number):
            return SendResult.permanent(f"not an E.164 phone number: {number!r}")
        if not message.text.strip():
            return SendResult.permanent("empty message text")
        request = channel.prepare(message, number)
        try:
            response = await self._client.request(
                request.method,
                request.url,
                headers=dict(request.headers),
                data=dict(request.data) if request.data is not None else None,
                json=request.json_body,
                auth=request.auth,
            )
        except httpx.ConnectTimeout as exc:
            return SendResult.temporary(f"server down: no connection within the timeout ({exc})")
        except httpx.ConnectError as exc:
            return SendResult.temporary(f"server down: cannot connect: {exc}")
        except _NOT_SENT as exc:
            return SendResult.temporary(f"not sent: {type(exc).__name__}: {exc}")
        except httpx.TimeoutException as exc:
            return SendResult.uncertain(
                f"no answer within {channel.timeout:g} s after the request was sent "
                f"(the message may have been sent): {type(exc).__name__}"
            )
        except httpx.HTTPError as exc:
            return SendResult.uncertain(
                "the connection failed after the request was sent (the message may have "
                f"been sent): {type(exc).__name__}: {exc}"
            )
        log.debug(
            "%s %s answered HTTP %d for %s",
            channel.provider,
            channel.kind,
            response.status_code,
            message.key,
        )
        if response.is_success:
            return channel.interpret(response)
        return channel.interpret_error(response)
