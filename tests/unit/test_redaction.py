"""One redaction for the log, stored errors and exports: known secrets and credential patterns."""

from __future__ import annotations

import io
import json
import logging
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app import redaction
from desktop_app.logging_setup import configure_logging
from desktop_app.redaction import MASK, RedactingFilter, Redactor

TOKEN = "tok/Zq8+sK3=vN1xW7"


@pytest.fixture
def redactor() -> Redactor:
    fresh = Redactor()
    fresh.remember(TOKEN)
    return fresh


@pytest.mark.parametrize(
    "spelling",
    [TOKEN, quote(TOKEN, safe=""), quote(TOKEN), quote_plus(TOKEN), json.dumps(TOKEN)[1:-1]],
)
def test_a_known_secret_is_hidden_in_every_spelling_a_request_gives_it(
    redactor: Redactor, spelling: str
) -> None:
    text = f"POST https://gw.example/api/{spelling}/send failed: {spelling}!"
    assert redactor.redact(text) == f"POST https://gw.example/api/{MASK}/send failed: {MASK}!"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Authorization: Bearer abc.def-123", f"Authorization: {MASK}"),
        ('{"authorization": "Basic QUMxOnNlY3JldA=="}', f'{{"authorization": "{MASK}"}}'),
        ("{'Authorization': 'Bearer x9y8z7w6'}", f"{{'Authorization': '{MASK}'}}"),
        ("X-Api-Key: s3cr3t-value", f"X-Api-Key: {MASK}"),
        ("sent with bearer abcd1234 in it", f"sent with {MASK} in it"),
        ("GET /send?to=48501&token=abc123&text=hi", f"GET /send?to=48501&token={MASK}&text=hi"),
        ("api_key=XYZ987, csrf_token=q1w2", f"api_key={MASK}, csrf_token={MASK}"),
        ('{"password": "hunter22", "user": "anna"}', f'{{"password": "{MASK}", "user": "anna"}}'),
        ('{"api_token": "q1w2e3r4"}', f'{{"api_token": "{MASK}"}}'),
        ("https://anna:hunter22@smtp.example.com:465", f"https://anna:{MASK}@smtp.example.com:465"),
    ],
)
def test_credentials_of_any_origin_are_hidden(text: str, expected: str) -> None:
    assert Redactor().redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "SMSAPI error 101: Authorization failed (invalid authorisation token)",
        "accepted: 2.0.0 Ok: queued as 4F1A2",
        "all recipients refused: nikt@zuraw.example.pl: 550 5.1.1 No such user",
        "HTTP 400: bad request",
        "gentle-email/overdue/email/c1/2026-03-19/d0ff5974b6aa",
        "the provider rejected the credentials (HTTP 401: bad token)",
        "bypass=1&key=c1-escalation",
        "",
    ],
)
def test_ordinary_details_are_left_alone(redactor: Redactor, text: str) -> None:
    assert redactor.redact(text) == text


def test_short_values_are_not_treated_as_secrets() -> None:
    fresh = Redactor()
    fresh.remember("abc")
    fresh.remember("")
    fresh.remember(None)
    assert fresh.redact("abc abcd") == "abc abcd"


# the mask's own characters are left out: a "secret" like "den]" is a piece of "[hidden]"
_secrets = st.text(st.characters(blacklist_characters="[]", codec="utf-8"), min_size=4, max_size=40)


@given(secret=_secrets, before=st.text(max_size=30), after=st.text(max_size=30))
def test_a_remembered_secret_never_survives(secret: str, before: str, after: str) -> None:
    fresh = Redactor()
    fresh.remember(secret)
    assert secret not in fresh.redact(before + secret + after)
    assert quote(secret, safe="") not in fresh.redact(before + quote(secret, safe="") + after)


def _logger_writing_to(stream: io.StringIO) -> logging.Logger:
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("tests.redaction")
    logger.handlers = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger


def test_the_log_filter_hides_secrets_in_messages_arguments_and_tracebacks() -> None:
    redaction.remember(TOKEN)  # what reading it from the keyring does
    stream = io.StringIO()
    logger = _logger_writing_to(stream)
    logger.info("HTTP Request: POST %s", f"https://gw.example/api/{quote(TOKEN, safe='')}/send")
    try:
        raise RuntimeError(f"gateway said: Authorization: Bearer {TOKEN}")
    except RuntimeError:
        logger.exception("sending failed with %s", {"headers": {"X-Api-Key": TOKEN}})
    logger.info("a %s call with the wrong number of arguments %s", "bad")  # still no crash
    written = stream.getvalue()
    assert TOKEN not in written and quote(TOKEN, safe="") not in written
    assert "Bearer" not in written
    assert "RuntimeError" in written and "Traceback" in written
    assert written.count(MASK) >= 3


def test_configure_logging_filters_every_root_handler_and_quiets_httpx() -> None:
    configure_logging()
    root = logging.getLogger()
    assert root.handlers
    for handler in root.handlers:
        assert any(isinstance(f, RedactingFilter) for f in handler.filters), handler
    assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING
