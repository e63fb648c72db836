"""Send windows: which channels may send at a given local time (hours, business days)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from desktop_app.domain.calendar import is_business_day
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


def day_allowed(settings: Snapshot, channel: str, day: dt.date) -> bool:
    return not settings[f"window.{channel}.business_days"] or is_business_day(day)


def open_channels(settings: Snapshot, local: dt.datetime) -> set[str]:
    """Channels open at the firm's local time ``local``."""
    result = set()
    for channel in MESSAGE_CHANNELS:
        start, end = window(settings, channel)
        if day_allowed(settings, channel, local.date()) and start <= local.time() < end:
            result.add(channel)
    return result


def day_opening(settings: Snapshot, day: dt.date) -> dt.datetime:
    """The moment ``dunning run --today D`` stands for: once every window of the day is open."""
    latest = max(window(settings, c)[0] for c in MESSAGE_CHANNELS)
    return dt.datetime.combine(day, latest, tzinfo=firm_zone(settings))


def channels_opening_on(settings: Snapshot, day: dt.date) -> set[str]:
    return {c for c in MESSAGE_CHANNELS if day_allowed(settings, c, day)}
