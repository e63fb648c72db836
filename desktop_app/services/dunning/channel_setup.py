"""Channels built from the database's settings and the keyring's secrets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from desktop_app.channels.base import Channel
from desktop_app.channels.factory import build_channel
from desktop_app.secrets import get_secret
from desktop_app.settings import Snapshot

SecretReader = Callable[[str], str | None]
SETTING_TO_FACTORY = {"generic": "http"}


class ConfiguredChannels:
    """Which message channels are set up, and the channel objects, built once per run."""

    def __init__(self, settings: Snapshot, secret: SecretReader = get_secret) -> None:
        self.settings = settings
        self._secret = secret
        self._built: dict[str, Channel] = {}

    def configured(self) -> set[str]:
        s = self.settings
        kinds = set()
        if s["smtp.host"] and s["smtp.from"]:
            kinds.add("email")
        for kind in ("sms", "voice"):
            if s[f"{kind}.provider"] != "none":
                kinds.add(kind)
        return kinds

    def from_address(self) -> str:
        return str(self.settings["smtp.from"]).split(",")[0].strip()

    def channel(self, kind: str) -> Channel:
        if kind not in self._built:
            self._built[kind] = self._build(kind)
        return self._built[kind]

    def _build(self, kind: str) -> Channel:
        s = self.settings
        if kind == "email":
            values: dict[str, Any] = {
                "host": s["smtp.host"],
                "port": s["smtp.port"],
                "security": s["smtp.security"],
                "username": s["smtp.user"] or None,
                "from_address": self.from_address(),
                "from_name": s["smtp.from_name"],
                "timeout": float(s["smtp.timeout"]),
            }
            return build_channel("email", "smtp", values, self._secret("smtp.password"))
        # the settings call the templated-request gateway "generic"; the factory "http"
        provider = SETTING_TO_FACTORY.get(str(s[f"{kind}.provider"]), str(s[f"{kind}.provider"]))
        values = {"sender": s[f"{kind}.sender"]}
        if s[f"{kind}.api_url"] and provider != "http":
            values["base_url"] = s[f"{kind}.api_url"]
        if provider == "smsapi" and kind == "sms":
            values["normalize"] = False  # transliteration is ours, so the preview is the truth
        if provider == "twilio":
            values["account_sid"] = s[f"{kind}.account"]
        if provider == "http":
            values.update(
                url=s[f"{kind}.api_url"],
                method=s[f"{kind}.http_method"],
                headers=dict(s[f"{kind}.http_headers"] or {}),
                body_format=s[f"{kind}.http_format"],
                body=s[f"{kind}.http_body"],
                provider_id_field=s[f"{kind}.http_id_field"],
            )
        return build_channel(kind, provider, values, self._secret(f"{kind}.token"))
