"""Values as KSeF and 1C write them: moments with seven fractional digits, 1C's empty date."""

from __future__ import annotations

import datetime as dt

from desktop_app.sources.ksef_api import iso, parse_moment
from desktop_app.sources.onec import date_filter, odata_root


def test_ksef_moments_with_seven_fractional_digits_and_offsets() -> None:
    # the OpenAPI examples write .NET's seven fractional digits; Python's ISO parser takes six
    assert parse_moment("2025-07-11T12:23:56.0154302+00:00") == dt.datetime(
        2025, 7, 11, 12, 23, 56, 15430, tzinfo=dt.UTC
    )
    assert parse_moment("2025-08-28T09:22:13.388+02:00") == dt.datetime(
        2025, 8, 28, 7, 22, 13, 388000, tzinfo=dt.UTC
    )
    assert parse_moment("2026-01-03T13:45:00Z") == dt.datetime(2026, 1, 3, 13, 45, tzinfo=dt.UTC)
    assert iso(dt.datetime(2026, 1, 3, 14, 45, tzinfo=dt.timezone(dt.timedelta(hours=1)))) == (
        "2026-01-03T13:45:00.000+00:00"
    )


def test_1c_addresses_and_filters() -> None:
    assert odata_root("http://srv/buh/") == "http://srv/buh/odata/standard.odata"
    assert (
        odata_root("http://srv/buh/odata/standard.odata") == "http://srv/buh/odata/standard.odata"
    )
    assert date_filter(dt.date(2026, 11, 1)) == (
        "Posted eq true and DeletionMark eq false and Date ge datetime'2026-11-01T00:00:00'"
    )
