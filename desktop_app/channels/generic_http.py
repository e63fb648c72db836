"""A gateway described by settings instead of code: URL, method, headers and a body template.

Placeholders ``{to}`` (E.164, "+48..."), ``{to_digits}`` (without "+"), ``{text}``, ``{sender}``,
``{key}`` (a stable id derived from the outbox key, for gateways that de-duplicate) and
``{token}`` (the secret) are replaced in the URL, the headers and the body; any other brace is left
alone. A JSON body template is parsed first and filled value by value, so a quote or a newline in
the text can never break the JSON; form templates are ``name={placeholder}&...`` pairs.
Success is any 2xx answer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import parse_qsl, quote

import httpx

from desktop_app.channels.base import ChannelKind, OutgoingMessage, SendResult, stable_id
from desktop_app.channels.http import HttpChannel, HttpRequest, json_or_none
from desktop_app.errors import ValidationError
from desktop_app.i18n import _

BodyFormat = Literal["json", "form", "none"]
_PLACEHOLDER = re.compile(r"\{(to|to_digits|text|sender|key|token)\}")
_METHODS = ("GET", "POST", "PUT", "PATCH")


@dataclass(frozen=True, slots=True)
class GenericHttpSettings:
    url: str
    method: str = "POST"
    headers: Mapping[str, str] = field(default_factory=dict)
    body_format: BodyFormat = "json"
    body: str = ""  # JSON document, or "to={to}&message={text}" for form encoding
    sender: str = ""
    token: str = field(default="", repr=False)
    provider_id_field: str = ""  # dotted path in a JSON answer, e.g. "messages.0.id"
    timeout: float = 30.0


def fill(template: str, values: Mapping[str, str], encode: Callable[[str], str] = str) -> str:
    return _PLACEHOLDER.sub(lambda m: encode(values[m.group(1)]), template)


def _fill_json(node: Any, values: Mapping[str, str]) -> Any:
    if isinstance(node, str):
        return fill(node, values)
    if isinstance(node, list):
        return [_fill_json(item, values) for item in node]
    if isinstance(node, dict):
        return {fill(k, values): _fill_json(v, values) for k, v in node.items()}
    return node


def _dig(body: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(body, dict):
            body = body.get(part)
        elif isinstance(body, list) and part.isascii() and part.isdigit() and int(part) < len(body):
            body = body[int(part)]
        else:
            return None
    return body


class GenericHttpChannel(HttpChannel):
    provider = "http"

    def __init__(self, kind: ChannelKind, settings: GenericHttpSettings) -> None:
        super().__init__(kind, timeout=settings.timeout)
        self.settings = settings
        method = settings.method.upper()
        if method not in _METHODS:
            raise ValidationError(
                _("Unsupported HTTP method {method} in the gateway settings").format(
                    method=settings.method
                ),
                field="method",
            )
        if not settings.url.lower().startswith(("http://", "https://")):
            raise ValidationError(
                _("The gateway URL must start with http:// or https://: {url}").format(
                    url=settings.url
                ),
                field="url",
            )
        self._method = method
        self._json_template: Any = None
        if settings.body_format == "json" and settings.body.strip():
            try:
                self._json_template = json.loads(settings.body)
            except json.JSONDecodeError as exc:
                raise ValidationError(
                    _(
                        "The gateway body template is not valid JSON (line {line}): {problem}"
                    ).format(line=exc.lineno, problem=exc.msg),
                    field="body",
                ) from exc
        self._form_template = (
            parse_qsl(settings.body, keep_blank_values=True)
            if settings.body_format == "form"
            else []
        )

    def prepare(self, message: OutgoingMessage, number: str) -> HttpRequest:
        s = self.settings
        values = {
            "to": number,
            "to_digits": number.lstrip("+"),
            "text": message.text,
            "sender": s.sender,
            "key": stable_id(message.key),
            "token": s.token,
        }
        url = fill(s.url, values, lambda v: quote(v, safe=""))
        headers = {name: fill(value, values) for name, value in s.headers.items()}
        if s.body_format == "json" and self._json_template is not None:
            return HttpRequest(
                self._method, url, headers, json_body=_fill_json(self._json_template, values)
            )
        if s.body_format == "form":
            data = {fill(k, values): fill(v, values) for k, v in self._form_template}
            return HttpRequest(self._method, url, headers, data=data)
        return HttpRequest(self._method, url, headers)

    def interpret(self, response: httpx.Response) -> SendResult:
        provider_id = None
        if self.settings.provider_id_field:
            found = _dig(json_or_none(response), self.settings.provider_id_field)
            provider_id = None if found is None else str(found)
        return SendResult.sent(provider_id, f"HTTP {response.status_code}")
