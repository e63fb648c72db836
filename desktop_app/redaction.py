"""Secrets out of every text that outlives a request: log lines, stored errors, exports.

A secret leaves the keyring only into the request that needs it, but a request has ways of
coming back: httpx logs its URL (which may hold ``{token}``), a gateway's error page may echo the
headers it got, an exception may quote a URL with a password in it. Whatever stores or shows
such a text passes it through :func:`redact` first; :func:`configure_logging
<desktop_app.logging_setup.configure_logging>` installs :class:`RedactingFilter` on the log.

Two nets: the secrets actually in use (every value read from or stored in the keyring through
:mod:`desktop_app.secrets`, and every secret a channel is built with), in each spelling a
request gives them (URL-quoted, form-quoted, JSON-escaped); and patterns for credentials of
any origin (``Authorization:`` headers, ``Bearer``/``Basic`` schemes, ``token=`` and similar
parameters, ``user:password@`` in URLs).
"""

from __future__ import annotations

import json
import logging
import re
import threading
from urllib.parse import quote, quote_plus

MASK = "[hidden]"
#: shorter values would mask ordinary words and numbers all over the log
MIN_SECRET_LENGTH = 4

_NAMES = (
    r"(?:access[_-]?token|api[_-]?key|apikey|auth[_-]?token|pass|passwd|password|secret"
    r"|signature|token)"
)
_PATTERNS = (
    # a whole header, whatever its scheme: "Authorization: Bearer abc", "'X-Api-Key': 'abc'"
    re.compile(
        r"(?i)\b((?:proxy-)?authorization|x-api-key|x-auth-token|api-key)"
        r"([\"']?\s*[:=]\s*[\"']?)"
        r"(?:(?:bearer|basic|token|digest)\s+)?[^\s\"',;&}]+"
    ),
    # a scheme with its credentials anywhere else: "Bearer abc", "Basic QUMx..."
    re.compile(rf"(?i)\b()()(?:bearer|basic)\s+(?:{re.escape(MASK)}|[A-Za-z0-9._~+/=-]{{4,}})"),
    # URL query and form fields: ?token=abc, &api_key=abc, csrf_token=abc
    re.compile(rf"(?i)(?<![A-Za-z0-9])({_NAMES})(=)[^\s\"'&,;]+"),
    # JSON members and Python dict items: "token": "abc", 'api_token': 'abc'
    re.compile(rf"(?i)([\"'](?:[\w-]*[_-])?{_NAMES}[\"'])(\s*:\s*[\"']?)[^\s\"',}}]+"),
    # user:password@host in a URL
    re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^/\s:@]+)(:)[^/\s@]+(?=@)"),
)


class Redactor:
    """The secrets seen so far and the patterns; one per process (module functions below), a
    fresh one where a test must not teach the process's one its made-up secrets."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._known: set[str] = set()
        self._pattern: re.Pattern[str] | None = None

    def remember(self, secret: str | None) -> None:
        """From now on, hide ``secret`` wherever it appears, in any spelling a request gives it."""
        if not secret or len(secret) < MIN_SECRET_LENGTH:
            return
        spellings = {
            secret,
            quote(secret, safe=""),
            quote(secret),
            quote_plus(secret),
            json.dumps(secret)[1:-1],
        }
        with self._lock:
            if spellings <= self._known:
                return
            self._known.update(spellings)
            # the longest first, so no secret is half-replaced by a shorter spelling of it
            ordered = sorted(self._known, key=len, reverse=True)
            self._pattern = re.compile("|".join(re.escape(s) for s in ordered))

    def redact(self, text: str) -> str:
        """``text`` with every known secret and every credential-looking value masked."""
        if not text:
            return text
        pattern = self._pattern
        if pattern is not None:
            text = pattern.sub(MASK, text)
        for credential in _PATTERNS:
            text = credential.sub(rf"\1\2{MASK}", text)
        return text


_process = Redactor()
remember = _process.remember
redact = _process.redact


_SECRET_NAME = re.compile(rf"(?i)(?:^|[._-]){_NAMES}(?:$|[._-])|{_NAMES}$")


def is_secret_name(name: str) -> bool:
    """Whether a setting, field or secret called ``name`` holds a credential (its value is
    never written anywhere: ``smtp.password``, ``smsapi_token``, ``api_key``)."""
    return bool(_SECRET_NAME.search(name))


def redact_optional(text: str | None) -> str | None:
    return None if text is None else redact(text)


class RedactingFilter(logging.Filter):
    """Rewrites each record's message, traceback and stack with :func:`redact`; drops nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: the handler reports it, a filter must not raise
            return True
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            # what the handler's formatter would write; cached on the record, so it is used
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
