"""Twilio: SMS through the Messages resource, voice calls that read a TwiML ``<Say>``."""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

import httpx

from desktop_app.channels.base import ChannelKind, OutgoingMessage, SendResult
from desktop_app.channels.http import HttpChannel, HttpRequest, by_http_status, json_or_none

DEFAULT_BASE_URL = "https://api.twilio.com"
#: <Say language=...> for each message language
SAY_LANGUAGES = {"pl": "pl-PL", "en": "en-GB", "ru": "ru-RU"}


@dataclass(frozen=True, slots=True)
class TwilioSettings:
    account_sid: str
    auth_token: str = field(default="", repr=False)
    sender: str = ""  # an E.164 Twilio number, or a Messaging Service SID ("MG...") for SMS
    base_url: str = DEFAULT_BASE_URL
    timeout: float = 30.0
    voice: str = ""  # <Say voice=...>, e.g. "Polly.Ewa"; "" = Twilio's default for the language


def twiml_say(text: str, language: str, voice: str = "") -> str:
    attrs = f"language={quoteattr(SAY_LANGUAGES.get(language, language))}"
    if voice:
        attrs += f" voice={quoteattr(voice)}"
    return f"<Response><Say {attrs}>{escape(text)}</Say></Response>"


class TwilioChannel(HttpChannel):
    provider = "twilio"

    def __init__(self, kind: ChannelKind, settings: TwilioSettings) -> None:
        super().__init__(kind, timeout=settings.timeout)
        self.settings = settings

    def prepare(self, message: OutgoingMessage, number: str) -> HttpRequest:
        s = self.settings
        account = f"{s.base_url.rstrip('/')}/2010-04-01/Accounts/{s.account_sid}"
        fields = {"To": number}
        if self.kind == "sms":
            url = f"{account}/Messages.json"
            if s.sender.startswith("MG"):
                fields["MessagingServiceSid"] = s.sender
            else:
                fields["From"] = s.sender
            fields["Body"] = message.text
        else:
            url = f"{account}/Calls.json"
            fields["From"] = s.sender
            fields["Twiml"] = twiml_say(message.text, message.language, s.voice)
        return HttpRequest("POST", url, data=fields, auth=(s.account_sid, s.auth_token))

    def interpret(self, response: httpx.Response) -> SendResult:
        body = json_or_none(response)
        if not isinstance(body, dict) or not body.get("sid"):
            # Twilio took the request; without an idempotency key a retry would call twice
            return SendResult.sent(None, f"HTTP {response.status_code}, answer without a sid")
        status = body.get("status") or ""
        return SendResult.sent(str(body["sid"]), f"accepted, status {status}".strip(", "))

    def interpret_error(self, response: httpx.Response) -> SendResult:
        body = json_or_none(response)
        if isinstance(body, dict) and "code" in body:
            detail = f"Twilio error {body.get('code')}: {body.get('message', '')}".strip()
            return by_http_status(response, f"HTTP {response.status_code}, {detail}")
        return by_http_status(response)
