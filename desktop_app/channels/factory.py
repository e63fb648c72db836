"""Build a channel from plain values, as the configuration layer stores them.

``settings`` holds the non-secret values (a dict from the settings file); ``secret`` is the one
value read from keyring (SMTP password, SMSAPI token, Twilio auth token, gateway token).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, TypeVar

from desktop_app import redaction
from desktop_app.channels.base import CHANNEL_KINDS, Channel, ChannelKind
from desktop_app.channels.email import EmailChannel, SmtpSettings
from desktop_app.channels.generic_http import GenericHttpChannel, GenericHttpSettings
from desktop_app.channels.smsapi import SmsapiChannel, SmsapiSettings
from desktop_app.channels.twilio import TwilioChannel, TwilioSettings
from desktop_app.errors import ValidationError
from desktop_app.i18n import _

#: providers the settings screen offers for each kind of channel
PROVIDERS: dict[str, tuple[str, ...]] = {
    "email": ("smtp",),
    "sms": ("smsapi", "twilio", "http"),
    "voice": ("smsapi", "twilio", "http"),
}
#: the settings field that receives ``secret``
_SECRET_FIELD = {"smtp": "password", "smsapi": "token", "twilio": "auth_token", "http": "token"}

T = TypeVar("T")


def _settings(cls: type[T], provider: str, values: Mapping[str, Any], secret: str | None) -> T:
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(values) - names)
    if unknown:
        raise ValidationError(
            _("Unknown setting {name} for {provider}").format(name=unknown[0], provider=provider),
            field=unknown[0],
        )
    kwargs = dict(values)
    if secret is not None:
        # whichever way the secret came (keyring or a caller), what echoes it must hide it
        redaction.remember(secret)
        kwargs[_SECRET_FIELD[provider]] = secret
    required = [
        f.name
        for f in dataclasses.fields(cls)  # type: ignore[arg-type]
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]
    for name in required:
        if not kwargs.get(name):
            raise ValidationError(
                _("Missing setting {name} for {provider}").format(name=name, provider=provider),
                field=name,
            )
    try:
        return cls(**kwargs)
    except (TypeError, ValueError) as exc:
        raise ValidationError(
            _("Invalid settings for {provider}: {problem}").format(provider=provider, problem=exc)
        ) from exc


def build_channel(
    kind: str, provider: str, settings: Mapping[str, Any], secret: str | None = None
) -> Channel:
    """``build_channel("sms", "smsapi", {"sender": "Firma"}, token)`` and so on."""
    if kind not in CHANNEL_KINDS or provider not in PROVIDERS[kind]:
        raise ValidationError(
            _("Unknown provider {provider} for {kind} messages").format(
                provider=provider, kind=kind
            ),
            field="provider",
        )
    if provider == "smtp":
        return EmailChannel(_settings(SmtpSettings, provider, settings, secret))
    channel_kind: ChannelKind = "sms" if kind == "sms" else "voice"
    if provider == "smsapi":
        return SmsapiChannel(channel_kind, _settings(SmsapiSettings, provider, settings, secret))
    if provider == "twilio":
        return TwilioChannel(channel_kind, _settings(TwilioSettings, provider, settings, secret))
    return GenericHttpChannel(
        channel_kind, _settings(GenericHttpSettings, provider, settings, secret)
    )
