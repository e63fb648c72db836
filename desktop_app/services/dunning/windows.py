"""Send windows: which channels may send at a given local time (hours, business days).

The hours and the business-day rule are the firm's settings; whether a moment falls inside
them is the reminder rule's (:func:`desktop_app.domain.reminder_rule.channel_reasons`).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from desktop_app.domain.reminder_rule import ChannelNow, channel_reasons
from desktop_app.domain.scenario import MESSAGE_CHANNELS
from desktop_app.settings import Snapshot


def firm_zone(settings: Snapshot) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(str(settings["firm.timezone"]))


def window(settings: Snapshot, channel: str) -> tuple[dt.time, dt.time]:
    start, end = str(settings[f"window.{channel}"]).split("-")
    return _time(start), _time(end)


def _time(text: str) -> dt.time:
    hours, minutes = (int(p) for p in text.split(":"))
    return dt.time(23, 59, 59) if hours == 24 else dt.time(hours, minutes)


def business_only(settings: Snapshot) -> dict[str, bool]:
    return {c: bool(settings[f"window.{c}.business_days"]) for c in MESSAGE_CHANNELS}


def channel_now(
    settings: Snapshot, channel: str, at: dt.time | None, *, configured: bool = True
) -> ChannelNow:
    """The channel's window as the reminder rule reads it (``at`` None: some time that day)."""
    return ChannelNow(
        configured=configured,
        business_days_only=bool(settings[f"window.{channel}.business_days"]),
        hours=window(settings, channel),
        at=at,
    )


def open_channels(settings: Snapshot, local: dt.datetime) -> set[str]:
    """Channels open at the firm's local time ``local``."""
    return {
        c
        for c in MESSAGE_CHANNELS
        if not channel_reasons(c, local.date(), channel_now(settings, c, local.time()))
    }


def day_opening(settings: Snapshot, day: dt.date) -> dt.datetime:
    """The moment ``dunning run --today D`` stands for: once every window of the day is open."""
    latest = max(window(settings, c)[0] for c in MESSAGE_CHANNELS)
    return dt.datetime.combine(day, latest, tzinfo=firm_zone(settings))


def channels_opening_on(settings: Snapshot, day: dt.date) -> set[str]:
    return {
        c for c in MESSAGE_CHANNELS if not channel_reasons(c, day, channel_now(settings, c, None))
    }
