"""Issue 6 item 22: a firm outside Warsaw. `dunning run --now` with an offset is converted to
the firm's zone before any send window is looked at; without one it is the firm's own clock.
Through the CLI against the loopback SMTP server."""

from __future__ import annotations

import pytest

from tests.integration.dunning_env import DunningEnv


@pytest.mark.parametrize(
    ("now", "today", "sent"),
    [
        ("2026-07-15T13:00+01:00", "2026-07-15", 1),  # 08:00 in New York (EDT): the window opens
        ("2026-07-15T12:59+01:00", "2026-07-15", 0),  # 07:59 there
        ("2026-07-15T12:00Z", "2026-07-15", 1),
        ("2026-07-15T08:00", "2026-07-15", 1),  # naive: the firm's wall clock
        ("2026-07-15T07:59", "2026-07-15", 0),
        ("2026-01-15T14:00+01:00", "2026-01-15", 1),  # winter: New York is UTC-5
        ("2026-01-15T13:00+01:00", "2026-01-15", 0),  # 07:00 in New York in winter
        ("2026-07-16T03:00+02:00", "2026-07-15", 0),  # still the 15th in New York, 21:00
    ],
)
def test_now_is_read_on_the_firms_clock(env: DunningEnv, now: str, today: str, sent: int) -> None:
    env.configure("gentle-email", firm__timezone="America/New_York")
    day = now[:10]
    env.ok("contractor", "add", "--name", "Klient", "--email", "k@klient.example.com")
    env.ok("invoice", "add", "--contractor", "1", "--number", "FV/1",
           "--issued", "2026-01-02", "--due", day, "--amount", "1000")  # fmt: skip
    report = env.run(day, "--now", now)
    assert report["today"] == today
    assert report["now"].endswith(("-04:00", "-05:00"))
    assert report["counts"]["sent"] == sent
    assert len(env.mail.messages) == sent
