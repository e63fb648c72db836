"""SMS and voice adapters against real HTTP servers on loopback that emulate the providers."""

from __future__ import annotations

import asyncio
import base64
import socket
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import pytest

from desktop_app.channels import Channel, OutgoingMessage, SendResult, build_channel
from desktop_app.channels.base import stable_id
from desktop_app.errors import ValidationError
from tests.integration.http_gateway import Answer, FakeGateway, Request, running_gateway


@pytest.fixture
def gateway() -> Iterator[FakeGateway]:
    with running_gateway() as state:
        yield state


def message(kind: str = "sms", key: str = "c7/sms-classic/overdue/1", **changes: Any) -> Any:
    values: dict[str, Any] = {
        "key": key,
        "channel": kind,
        "to": ("+48501234567",),
        "text": 'Hurtownia: prosimy o wpłatę 1 845,00 zł. "Dziękujemy" & <do widzenia>',
        "language": "pl",
    }
    values.update(changes)
    return OutgoingMessage(**values)


def send(channel: Channel, *messages: OutgoingMessage) -> list[SendResult]:
    async def run() -> list[SendResult]:
        async with channel.session() as session:
            return [await session.send(m) for m in messages]

    return asyncio.run(run())


# ---- SMSAPI ------------------------------------------------------------------------------


def smsapi(gateway: FakeGateway, kind: str = "sms", **settings: Any) -> Channel:
    values = {"base_url": gateway.base_url, "sender": "Hurtownia", "timeout": 2.0, **settings}
    return build_channel(kind, "smsapi", values, secret="tok-123")


def smsapi_ok(request: Request) -> Answer:
    return Answer(
        200,
        {
            "count": 1,
            "list": [
                {
                    "id": "6A1B2C3D4E5F",
                    "points": 0.16,
                    "number": request.form()["to"],
                    "status": "QUEUE",
                }
            ],
        },
    )


def test_smsapi_sms_request_shape(gateway: FakeGateway) -> None:
    gateway.responder = smsapi_ok
    [result] = send(smsapi(gateway), message())
    assert result == SendResult("sent", "6A1B2C3D4E5F", "accepted, status QUEUE")
    [request] = gateway.requests
    assert (request.method, request.path) == ("POST", "/sms.do")
    assert request.headers["authorization"] == "Bearer tok-123"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.form() == {
        "to": "48501234567",
        "message": message().text,
        "from": "Hurtownia",
        "format": "json",
        "encoding": "utf-8",
        "idx": stable_id("c7/sms-classic/overdue/1"),
        "check_idx": "1",
    }


def test_smsapi_voice_request_shape(gateway: FakeGateway) -> None:
    gateway.responder = smsapi_ok
    channel = smsapi(gateway, "voice", tts_lector="ewa", tries=3, interval=300, sender="")
    [result] = send(channel, message("voice", text="Dzień dobry. Tu Hurtownia Kowalski."))
    assert result.ok
    [request] = gateway.requests
    assert request.path == "/vms.do"
    form = request.form()
    assert form["tts"] == "Dzień dobry. Tu Hurtownia Kowalski."
    assert (form["tts_lector"], form["try"], form["interval"]) == ("ewa", "3", "300")
    assert "from" not in form and "message" not in form


@pytest.mark.parametrize(
    ("http", "body", "status", "detail"),
    [
        (200, {"error": 13, "message": "No correct phone numbers"}, "permanent_failure", "13"),
        (200, {"error": 11, "message": "Message too long"}, "permanent_failure", "11"),
        (200, {"error": 103, "message": "Insufficient credits"}, "temporary_failure", "credits"),
        (200, {"error": 14, "message": "Invalid from field"}, "temporary_failure", "sender"),
        (401, {"error": 101, "message": "Authorization failed"}, "temporary_failure", "101"),
        (200, {"error": 52, "message": "Too many"}, "temporary_failure", "60 seconds"),
        (200, {"error": 999, "message": "Internal error"}, "temporary_failure", "999"),
        (200, {"error": 53, "message": "Not unique idx"}, "sent", "already accepted"),
        (200, {"count": 0, "list": []}, "temporary_failure", "without a message id"),
        (200, "<html>oops</html>", "temporary_failure", "unreadable"),
        (503, "Service Unavailable", "temporary_failure", "HTTP 503"),
        (429, "slow down", "temporary_failure", "HTTP 429"),
        (400, "bad request", "permanent_failure", "HTTP 400"),
    ],
)
def test_smsapi_status_mapping(
    gateway: FakeGateway, http: int, body: Any, status: str, detail: str
) -> None:
    gateway.responder = lambda request: Answer(http, body)
    [result] = send(smsapi(gateway), message())
    assert result.status == status
    assert detail in result.detail


def test_smsapi_repeat_after_crash_is_recognised_by_idx(gateway: FakeGateway) -> None:
    seen: set[str] = set()

    def provider(request: Request) -> Answer:  # what check_idx=1 does on SMSAPI's side
        idx = request.form()["idx"]
        if idx in seen:
            return Answer(200, {"error": 53, "message": "Not unique idx"})
        seen.add(idx)
        return smsapi_ok(request)

    gateway.responder = provider
    first, repeat, other = send(
        smsapi(gateway), message(key="k1"), message(key="k1"), message(key="k2")
    )
    assert (first.status, first.provider_id) == ("sent", "6A1B2C3D4E5F")
    assert (repeat.status, repeat.provider_id) == ("sent", None)
    assert other.provider_id == "6A1B2C3D4E5F"


def test_one_client_for_a_batch(gateway: FakeGateway) -> None:
    gateway.responder = smsapi_ok
    results = send(smsapi(gateway), *[message(key=f"k{i}") for i in range(10)])
    assert all(r.ok for r in results)
    assert len({r.headers.get("authorization") for r in gateway.requests}) == 1


# ---- Twilio ------------------------------------------------------------------------------


def twilio(gateway: FakeGateway, kind: str = "sms", **settings: Any) -> Channel:
    values = {
        "base_url": gateway.base_url,
        "account_sid": "AC0123456789abcdef",
        "sender": "+48221234567",
        "timeout": 2.0,
        **settings,
    }
    return build_channel(kind, "twilio", values, secret="twilio-secret")


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_twilio_sms_request_shape(gateway: FakeGateway) -> None:
    gateway.responder = lambda r: Answer(201, {"sid": "SM123", "status": "queued"})
    [result] = send(twilio(gateway), message())
    assert result == SendResult("sent", "SM123", "accepted, status queued")
    [request] = gateway.requests
    assert request.path == "/2010-04-01/Accounts/AC0123456789abcdef/Messages.json"
    assert request.headers["authorization"] == basic("AC0123456789abcdef", "twilio-secret")
    assert request.form() == {"To": "+48501234567", "From": "+48221234567", "Body": message().text}


def test_twilio_messaging_service_sender(gateway: FakeGateway) -> None:
    gateway.responder = lambda r: Answer(201, {"sid": "SM9"})
    send(twilio(gateway, sender="MG0123"), message())
    form = gateway.requests[0].form()
    assert form["MessagingServiceSid"] == "MG0123" and "From" not in form


@pytest.mark.parametrize(("lang", "say"), [("pl", "pl-PL"), ("en", "en-GB"), ("ru", "ru-RU")])
def test_twilio_voice_reads_escaped_twiml(gateway: FakeGateway, lang: str, say: str) -> None:
    gateway.responder = lambda r: Answer(201, {"sid": "CA42", "status": "queued"})
    text = 'Wpłata 1 845,00 zł <pilne> & "ważne"'
    [result] = send(twilio(gateway, "voice"), message("voice", text=text, language=lang))
    assert (result.status, result.provider_id) == ("sent", "CA42")
    [request] = gateway.requests
    assert request.path == "/2010-04-01/Accounts/AC0123456789abcdef/Calls.json"
    form = request.form()
    assert (form["To"], form["From"]) == ("+48501234567", "+48221234567")
    twiml = ET.fromstring(form["Twiml"])  # well-formed despite <, & and quotes in the text
    assert twiml.tag == "Response"
    [say_node] = list(twiml)
    assert say_node.tag == "Say" and say_node.get("language") == say
    assert say_node.text == text


@pytest.mark.parametrize(
    ("http", "body", "status", "detail"),
    [
        (
            400,
            {"code": 21211, "message": "Invalid 'To' Phone Number"},
            "permanent_failure",
            "21211",
        ),
        (401, {"code": 20003, "message": "Authenticate"}, "temporary_failure", "credentials"),
        (429, {"code": 20429, "message": "Too Many Requests"}, "temporary_failure", "20429"),
        (500, "boom", "temporary_failure", "HTTP 500"),
        (408, "", "temporary_failure", "HTTP 408"),
        (404, {"code": 20404, "message": "Not found"}, "permanent_failure", "20404"),
        (201, "not json", "sent", "without a sid"),
    ],
)
def test_twilio_status_mapping(
    gateway: FakeGateway, http: int, body: Any, status: str, detail: str
) -> None:
    gateway.responder = lambda request: Answer(http, body)
    [result] = send(twilio(gateway), message())
    assert result.status == status
    assert detail in result.detail


# ---- generic HTTP ------------------------------------------------------------------------


def generic(gateway: FakeGateway, **settings: Any) -> Channel:
    values = {
        "url": gateway.base_url + "/api/send",
        "headers": {"X-Api-Key": "{token}", "Accept": "application/json"},
        "sender": "Kowalski",
        "timeout": 2.0,
        **settings,
    }
    return build_channel("sms", "http", values, secret="s3cret")


def test_generic_json_body_is_filled_safely(gateway: FakeGateway) -> None:
    gateway.responder = lambda r: Answer(202, {"messages": [{"id": "m-77"}]})
    body = '{"recipient": "{to}", "text": "{text}", "from": "{sender}", "ref": "{key}", "n": 1}'
    channel = generic(gateway, body=body, provider_id_field="messages.0.id")
    [result] = send(channel, message())
    assert result == SendResult("sent", "m-77", "HTTP 202")
    [request] = gateway.requests
    assert request.method == "POST" and request.path == "/api/send"
    assert request.headers["x-api-key"] == "s3cret"
    assert request.json() == {
        "recipient": "+48501234567",
        "text": message().text,  # quotes, & and < survive as data
        "from": "Kowalski",
        "ref": stable_id(message().key),
        "n": 1,
    }


def test_generic_form_body_and_url_placeholders(gateway: FakeGateway) -> None:
    gateway.responder = lambda r: Answer(200, "OK")
    channel = generic(
        gateway,
        url=gateway.base_url + "/send/{to_digits}?key={token}",
        method="put",
        body_format="form",
        body="msisdn={to_digits}&body={text}&originator={sender}",
    )
    [result] = send(channel, message())
    assert (result.status, result.provider_id) == ("sent", None)
    [request] = gateway.requests
    assert (request.method, request.path) == ("PUT", "/send/48501234567")
    assert request.query == {"key": ["s3cret"]}
    assert request.form() == {
        "msisdn": "48501234567",
        "body": message().text,
        "originator": "Kowalski",
    }


@pytest.mark.parametrize(
    ("http", "status"),
    [(200, "sent"), (204, "sent"), (408, "temporary_failure"), (429, "temporary_failure"),
     (502, "temporary_failure"), (400, "permanent_failure"), (422, "permanent_failure"),
     (403, "temporary_failure")],
)  # fmt: skip
def test_generic_status_mapping(gateway: FakeGateway, http: int, status: str) -> None:
    gateway.responder = lambda r: Answer(http, {"ok": http < 300})
    [result] = send(generic(gateway, body='{"to": "{to}"}'), message())
    assert result.status == status


def test_generic_settings_are_checked() -> None:
    with pytest.raises(ValidationError, match="not valid JSON"):
        build_channel("sms", "http", {"url": "https://x.test/send", "body": '{"to": {to}}'})
    with pytest.raises(ValidationError, match="http"):
        build_channel("sms", "http", {"url": "ftp://x.test"})
    with pytest.raises(ValidationError, match="DELETE"):
        build_channel("sms", "http", {"url": "https://x.test", "method": "DELETE"})


# ---- common behaviour --------------------------------------------------------------------


def test_no_answer_after_the_request_is_uncertain(gateway: FakeGateway) -> None:
    """The gateway has the request; whether it sent the SMS nobody knows, so no retry."""
    gateway.responder = lambda r: Answer(200, {"count": 1, "list": [{"id": "late"}]}, delay=1.5)
    started = time.monotonic()
    [result] = send(smsapi(gateway, timeout=0.3), message())
    assert result.status == "uncertain"
    assert "may have been sent" in result.detail
    assert time.monotonic() - started < 1.4
    assert len(gateway.requests) == 1


@pytest.mark.parametrize("provider", ["smsapi", "twilio", "http"])
def test_connection_closed_after_the_request_is_uncertain(
    gateway: FakeGateway, provider: str
) -> None:
    gateway.responder = lambda r: Answer(drop=True)
    build = {"smsapi": smsapi, "twilio": twilio, "http": generic}[provider]
    first, second = send(build(gateway), message(key="a"), message(key="b"))
    assert (first.status, second.status) == ("uncertain", "uncertain")
    assert "may have been sent" in first.detail
    assert len(gateway.requests) == 2  # each went out once, neither again


def test_server_down_is_temporary() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    channel = build_channel(
        "sms", "twilio", {"account_sid": "AC1", "base_url": f"http://127.0.0.1:{port}"}, "t"
    )
    [result] = send(channel, message())
    assert result.status == "temporary_failure"
    assert result.detail.startswith("server down")


def test_bad_numbers_fail_permanently_without_a_request(gateway: FakeGateway) -> None:
    gateway.responder = smsapi_ok
    results = send(
        smsapi(gateway),
        message(to=("501 234 567",)),
        message(to=()),
        message(text="   "),
    )
    assert [r.status for r in results] == ["permanent_failure"] * 3
    assert gateway.requests == []


def test_programming_errors_raise(gateway: FakeGateway) -> None:
    with pytest.raises(ValueError, match="exactly one number"):
        send(smsapi(gateway), message(to=("+48501234567", "+48601234567")))
    with pytest.raises(ValueError, match="cannot send a voice message"):
        send(smsapi(gateway), message("voice"))


def test_factory_rejects_unknown_providers_and_settings() -> None:
    with pytest.raises(ValidationError, match="Unknown provider"):
        build_channel("sms", "smtp", {})
    with pytest.raises(ValidationError, match="Unknown setting colour"):
        build_channel("sms", "smsapi", {"colour": "red"}, "t")
    with pytest.raises(ValidationError, match="Missing setting account_sid"):
        build_channel("voice", "twilio", {}, "t")
    with pytest.raises(ValidationError, match="Missing setting host"):
        build_channel("email", "smtp", {"port": 25})
    with pytest.raises(ValidationError, match="Invalid settings"):
        build_channel("email", "smtp", {"host": "x", "security": "ssl3"})


def test_secrets_stay_out_of_reprs(gateway: FakeGateway) -> None:
    for channel in (smsapi(gateway), twilio(gateway), generic(gateway)):
        assert "secret" not in repr(channel.settings) and "tok-123" not in repr(channel.settings)  # type: ignore[attr-defined]
