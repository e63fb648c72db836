"""Send one test message through a configured channel (the settings dialog and ``send-test``).

Both front ends call :func:`send_test`: it checks that the channel is set up, normalises the
address or number the user typed, and hands a short message to the channel exactly as a real
reminder would go (same settings, same keyring secret). A delivery problem is not raised: the
provider's answer comes back in :class:`SendTestResult` for the caller to show.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid
from dataclasses import dataclass

from db.uow import Database
from desktop_app import labels
from desktop_app.channels.base import CHANNEL_KINDS, ChannelKind, OutgoingMessage, SendStatus
from desktop_app.domain.identifiers import normalize_email, normalize_phone
from desktop_app.errors import ValidationError
from desktop_app.i18n import _
from desktop_app.redaction import redact
from desktop_app.secrets import get_secret
from desktop_app.services.dunning.channel_setup import ConfiguredChannels, SecretReader
from desktop_app.settings import Snapshot

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SendTestResult:
    channel: str
    to: str
    status: SendStatus
    provider_id: str | None
    detail: str

    @property
    def ok(self) -> bool:
        return self.status == "sent"


def build_test_message(
    channel: ChannelKind, to: str, channels: ConfiguredChannels
) -> OutgoingMessage:
    return OutgoingMessage(
        key=f"test/{uuid.uuid4().hex}",
        channel=channel,
        to=(to,),
        subject=_("Inkaso test message"),
        text=_("This is a test message from Inkaso sent on {when}.").format(
            when=dt.datetime.now().strftime("%Y-%m-%d %H:%M")
        ),
        from_name=str(channels.settings["smtp.from_name"] or "Inkaso"),
        from_address=channels.from_address(),
    )


def send_test(
    db: Database, channel: str, to: str, *, secret: SecretReader = get_secret
) -> SendTestResult:
    """Send a test through ``channel`` (email, sms, voice) to ``to``; raises only for bad input."""
    if channel not in CHANNEL_KINDS:
        raise ValidationError(_("Unknown channel {channel}").format(channel=channel))
    kind: ChannelKind = channel
    channels = ConfiguredChannels(Snapshot.load(db), secret)
    if kind not in channels.configured():
        raise ValidationError(
            _("{channel}: sending is not set up").format(channel=labels.channel(kind))
        )
    if not to.strip():
        raise ValidationError(_("Enter where to send the test"), field="to")
    address = normalize_email(to) if kind == "email" else normalize_phone(to)
    message = build_test_message(kind, address, channels)

    async def send() -> SendTestResult:
        async with channels.channel(kind).session() as session:
            result = await session.send(message)
        detail = redact(result.detail)  # the provider's answer may echo the token
        return SendTestResult(kind, address, result.status, result.provider_id, detail)

    outcome = asyncio.run(send())
    # neither the address nor the provider's answer (which may echo the text): the person who
    # sent the test sees both on screen, the log only needs to know that a test went out
    log.info("test %s: %s", kind, outcome.status)
    return outcome
