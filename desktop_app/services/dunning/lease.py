"""One sender per database, even with several PCs: a lease row with a holder and an expiry.

A holder that died on this machine is detected at once (its process is gone); one on another
machine is trusted until its lease expires. A sender renews the lease before every message and
stops the moment it has lost it.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import time
import uuid
from typing import cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from db.models import Lease

SENDER = "sender"
TTL = dt.timedelta(minutes=5)


def new_holder() -> str:
    return f"{socket.gethostname()}/{os.getpid()}/{uuid.uuid4().hex[:8]}"


def holder_is_alive(holder: str) -> bool:
    host, _sep, rest = holder.partition("/")
    pid_text = rest.partition("/")[0]
    if host != socket.gethostname() or not (pid_text.isascii() and pid_text.isdigit()):
        return True  # cannot tell for another machine: trust the expiry
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def acquire(session: Session, holder: str, now: dt.datetime, name: str = SENDER) -> str | None:
    """Take or renew the lease; returns None on success, else the current holder."""
    row = session.scalar(select(Lease).where(Lease.name == name).with_for_update())
    if row is None:
        session.add(Lease(name=name, holder=holder, expires_at=now + TTL))
        session.flush()
        return None
    if row.holder == holder or row.expires_at <= now or not holder_is_alive(row.holder):
        row.holder = holder
        row.expires_at = now + TTL
        session.flush()
        return None
    return row.holder


#: how often a busy sender renews; far below TTL, so nobody can take over a live sender
RENEW_EVERY = 15.0  # seconds
_renewed: dict[tuple[str, str], float] = {}


def still_mine(session: Session, holder: str, now: dt.datetime, name: str = SENDER) -> bool:
    """True while we hold the lease (asked before each message). One conditional UPDATE renews
    it, at most every RENEW_EVERY seconds: until TTL has passed since the last renewal nobody
    else may take it, so a sender that renewed moments ago still holds it."""
    key = (name, holder)
    if time.monotonic() - _renewed.get(key, -RENEW_EVERY) < RENEW_EVERY:
        return True
    result = session.connection().execute(
        _RENEW, {"lease_name": name, "lease_holder": holder, "expires": now + TTL}
    )
    if result.rowcount != 1:
        _renewed.pop(key, None)
        return False
    _renewed[key] = time.monotonic()
    return True


_LEASE = cast(Table, Lease.__table__)
_RENEW = (
    update(_LEASE)
    .where(
        _LEASE.c.name == bindparam("lease_name"),
        _LEASE.c.holder == bindparam("lease_holder"),
    )
    .values(expires_at=bindparam("expires"))
)


def release(session: Session, holder: str, name: str = SENDER) -> None:
    _renewed.pop((name, holder), None)
    row = session.get(Lease, name)
    if row is not None and row.holder == holder:
        session.delete(row)
