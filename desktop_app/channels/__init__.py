"""Message channels: e-mail over SMTP, SMS and voice through HTTP gateways.

The outbox runner uses only :mod:`desktop_app.channels.base` (``OutgoingMessage``, ``SendResult``,
``Channel``) and :func:`build_channel`; the provider modules stay behind that interface.
"""

from desktop_app.channels.base import (
    Attachment,
    Channel,
    ChannelKind,
    ChannelSession,
    OutgoingMessage,
    SendResult,
    SendStatus,
)
from desktop_app.channels.factory import PROVIDERS, build_channel

__all__ = [
    "PROVIDERS",
    "Attachment",
    "Channel",
    "ChannelKind",
    "ChannelSession",
    "OutgoingMessage",
    "SendResult",
    "SendStatus",
    "build_channel",
]
