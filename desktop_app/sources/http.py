"""What the remote-source clients share: one httpx client, the providers' rate limits and 429.

A rate limit is honoured twice: before a request, the client keeps to the published limits
(sliding windows, as KSeF counts them), and after a 429 it waits as long as ``Retry-After``
says. A wait longer than a sync should sit through (an hourly budget spent) is not slept: it
raises :class:`LimitReachedError`, so the sync stores how far it got and the next one goes on.
"""

from __future__ import annotations

import collections
import datetime as dt
import email.utils
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from desktop_app.errors import InkasoError
from desktop_app.i18n import _

log = logging.getLogger(__name__)

Clock = Callable[[], float]
Sleep = Callable[[float], None]

#: longest wait a sync sleeps through; a longer one ends the sync for now
MAX_WAIT_SECONDS = 90.0
#: 429 answers in a row for one request before giving up
MAX_RETRIES = 5


class RemoteError(InkasoError):
    """A remote source could not be reached, or refused what Inkaso asked."""


class LimitReachedError(Exception):
    """The source allows no more requests for ``seconds``: stop for now, go on next time."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"rate limit: next request allowed in {seconds:.0f} s")
        self.seconds = seconds


@dataclass(frozen=True)
class Window:
    """At most ``count`` requests in any ``seconds`` (a sliding window)."""

    count: int
    seconds: float


class RateLimiter:
    """Keeps a group of requests within every one of its windows at once."""

    def __init__(
        self,
        windows: tuple[Window, ...],
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
        max_wait: float = MAX_WAIT_SECONDS,
    ) -> None:
        self.windows = windows
        self._clock = clock
        self._sleep = sleep
        self._max_wait = max_wait
        longest = max((w.count for w in windows), default=0)
        self._sent: collections.deque[float] = collections.deque(maxlen=longest or None)

    def wait_needed(self) -> float:
        """Seconds until one more request fits in every window (0: now)."""
        now = self._clock()
        needed = 0.0
        for window in self.windows:
            recent = [t for t in self._sent if t > now - window.seconds]
            if len(recent) >= window.count:
                # the oldest request that still counts must leave the window first
                oldest = recent[len(recent) - window.count]
                needed = max(needed, oldest + window.seconds - now)
        return needed

    def acquire(self) -> None:
        needed = self.wait_needed()
        if needed > self._max_wait:
            raise LimitReachedError(needed)
        if needed > 0:
            log.info("waiting %.1f s to keep to the rate limit", needed)
            self._sleep(needed)
        self._sent.append(self._clock())


def retry_after_seconds(value: str | None, *, now: dt.datetime | None = None) -> float:
    """``Retry-After`` in seconds: a number, or an HTTP date; missing or garbled: one minute."""
    if not value:
        return 60.0
    text = value.strip()
    if text.isascii() and text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return 60.0
    moment = now or dt.datetime.now(dt.UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - moment).total_seconds())


class RemoteHttp:
    """An httpx client for one service, its limits by request group, and its 429 handling."""

    def __init__(
        self,
        service: str,
        base_url: str,
        *,
        limits: Mapping[str, tuple[Window, ...]] | None = None,
        timeout: float = 60.0,
        auth: httpx.Auth | tuple[str, str] | None = None,
        sleep: Sleep = time.sleep,
        clock: Clock = time.monotonic,
        max_wait: float = MAX_WAIT_SECONDS,
    ) -> None:
        self.service = service
        self.base_url = base_url.rstrip("/")
        self._sleep = sleep
        self._max_wait = max_wait
        self._limiters = {
            group: RateLimiter(windows, clock=clock, sleep=sleep, max_wait=max_wait)
            for group, windows in (limits or {}).items()
        }
        self._client = httpx.Client(
            timeout=timeout,
            auth=auth,
            follow_redirects=False,
            headers={"User-Agent": "Inkaso"},
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> RemoteHttp:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        group: str = "other",
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
    ) -> httpx.Response:
        """Send one request, waiting for the limits; an answer of any status but 429 is
        returned for the caller to read. Network failures raise :class:`RemoteError`."""
        url = self.base_url + path
        for _attempt in range(MAX_RETRIES + 1):
            limiter = self._limiters.get(group)
            if limiter is not None:
                limiter.acquire()
            try:
                response = self._client.request(
                    method, url, headers=dict(headers or {}), params=params, json=json_body
                )
            except httpx.TimeoutException as exc:
                raise RemoteError(
                    _("{service} did not answer in time ({url})").format(
                        service=self.service, url=self.base_url
                    )
                ) from exc
            except httpx.HTTPError as exc:
                raise RemoteError(
                    _("{service} cannot be reached at {url}: {problem}").format(
                        service=self.service, url=self.base_url, problem=exc
                    )
                ) from exc
            if response.status_code != 429:
                return response
            wait = retry_after_seconds(response.headers.get("Retry-After"))
            log.info(
                "%s answered 429 to %s %s; retry after %.0f s", self.service, method, path, wait
            )
            if wait > self._max_wait:
                raise LimitReachedError(wait)
            self._sleep(wait)
        raise LimitReachedError(self._max_wait)
