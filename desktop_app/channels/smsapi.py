"""SMSAPI.pl: SMS (``/sms.do``) and voice messages read by a speech synthesiser (``/vms.do``).

SMSAPI reports most errors as ``{"error": code, "message": ...}``, often with HTTP 200. Every
message carries ``idx`` (derived from the outbox key) with ``check_idx=1``: SMSAPI then refuses a
second message with the same idx (error 53), which we read as "already sent", so a repeat after
an uncertain crash never reaches the debtor twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from desktop_app.channels.base import ChannelKind, OutgoingMessage, SendResult, stable_id
from desktop_app.channels.http import HttpChannel, HttpRequest, by_http_status, json_or_none

DEFAULT_BASE_URL = "https://api.smsapi.pl"
#: speech synthesiser voices SMSAPI offers (all Polish)
TTS_LECTORS = ("agnieszka", "ewa", "jacek", "jan", "maja")

# The message is fine, the account or the moment is not: try again later.
_TEMPORARY_ERRORS = {
    14: "sender name not accepted for this account",
    51: "voice messages may only be sent between 8:00 and 22:00",
    52: "too many messages to one number within 60 seconds",
    101: "invalid authorisation token",
    102: "invalid user name or password",
    103: "not enough credits on the account",
    105: "request from an IP address the account does not allow",
    110: "this service is not enabled for the account",
    200: "unsuccessful submission",
    201: "provider internal error",
    202: "too many simultaneous requests",
    203: "too many requests",
    999: "provider internal error",
}
_ALREADY_SENT = 53


@dataclass(frozen=True, slots=True)
class SmsapiSettings:
    token: str = field(default="", repr=False)  # OAuth token from the SMSAPI panel
    sender: str = ""  # registered sender name (SMS) or caller number (VMS); "" = account default
    base_url: str = DEFAULT_BASE_URL
    timeout: float = 30.0
    normalize: bool = False  # let SMSAPI replace national characters (cheaper SMS)
    test: bool = False  # SMSAPI validates and answers, sends nothing, charges nothing
    tts_lector: str = ""  # VMS voice, one of TTS_LECTORS; "" = provider default
    tries: int = 0  # VMS call attempts (1-6); 0 = provider default
    interval: int = 0  # VMS seconds between attempts; 0 = provider default


class SmsapiChannel(HttpChannel):
    provider = "smsapi"

    def __init__(self, kind: ChannelKind, settings: SmsapiSettings) -> None:
        super().__init__(kind, timeout=settings.timeout)
        self.settings = settings

    def prepare(self, message: OutgoingMessage, number: str) -> HttpRequest:
        s = self.settings
        fields = {
            "to": number.lstrip("+"),
            "format": "json",
            "encoding": "utf-8",
            "idx": stable_id(message.key),
            "check_idx": "1",
        }
        if s.sender:
            fields["from"] = s.sender
        if s.test:
            fields["test"] = "1"
        if self.kind == "sms":
            path = "sms.do"
            fields["message"] = message.text
            if s.normalize:
                fields["normalize"] = "1"
        else:
            path = "vms.do"
            fields["tts"] = message.text
            if s.tts_lector:
                fields["tts_lector"] = s.tts_lector
            if s.tries:
                fields["try"] = str(s.tries)
            if s.interval:
                fields["interval"] = str(s.interval)
        return HttpRequest(
            "POST",
            f"{s.base_url.rstrip('/')}/{path}",
            headers={"Authorization": f"Bearer {s.token}"},
            data=fields,
        )

    def interpret(self, response: httpx.Response) -> SendResult:
        body = json_or_none(response)
        if not isinstance(body, dict):
            # A 2xx we cannot read may still mean the message went out: retrying could send
            # it twice, but SMSAPI's check_idx turns a repeat into error 53, so retry is safe.
            return SendResult.temporary(f"unreadable answer (HTTP {response.status_code})")
        if "error" in body:
            return _map_error(body)
        items = body.get("list") or []
        if not items or not isinstance(items[0], dict):
            return SendResult.temporary(f"answer without a message id: {str(body)[:200]}")
        first = items[0]
        status = first.get("status", "")
        return SendResult.sent(str(first.get("id")), f"accepted, status {status}".strip(", "))

    def interpret_error(self, response: httpx.Response) -> SendResult:
        body = json_or_none(response)
        if isinstance(body, dict) and "error" in body:
            return _map_error(body, http_status=response.status_code)
        return by_http_status(response)


def _map_error(body: dict[str, object], http_status: int | None = None) -> SendResult:
    raw = body.get("error")
    message = str(body.get("message") or "")
    try:
        code = int(str(raw))
    except ValueError:
        code = -1
    detail = f"SMSAPI error {raw}: {message}".strip().rstrip(":")
    if code == _ALREADY_SENT:
        return SendResult.sent(None, f"already accepted earlier (same idx; {detail})")
    if code in _TEMPORARY_ERRORS:
        return SendResult.temporary(f"{detail} ({_TEMPORARY_ERRORS[code]})")
    if http_status is not None and (http_status in (408, 429) or http_status >= 500):
        return SendResult.temporary(detail)
    return SendResult.permanent(detail)
