"""The audit trail: who changed what in the firm's set-up, beside each contractor's own log.

Changes to a contractor, its invoices and payments are already in the activity log; everything
else (settings, firm, scenarios, templates, users, mappings, rates, letterhead, backups,
anonymisation) is recorded here by :func:`record`, inside the changing service's transaction.
:func:`list_entries` reads both as one list (a union in SQL, not a copy). Values are stored the
way the log writes them: secrets as ``•••``, message texts as ``(text)``, known secrets masked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    JSON,
    Table,
    Text,
    func,
    insert,
    literal,
    null,
    select,
    type_coerce,
    union,
    union_all,
)
from sqlalchemy.orm import Session

from db.models import Activity, AuditEntry, Contractor, User, naive_utc, utcnow
from db.uow import Database
from desktop_app.i18n import N_, _
from desktop_app.redaction import is_secret_name, redact
from desktop_app.services import activity

SECRET = "•••"
TEXT = "(text)"
#: fields that hold a message's or letter's wording: their words never reach the trail
TEXT_FIELDS = frozenset({"body", "html", "text", "subject", "title", "message", "signature"})
#: longer strings are wording too, whatever their field is called
LONG_TEXT = 120
#: the contractor's own log in the union (its rows say what happened to one contractor)
CONTRACTOR = "contractor"

#: kind -> its label (translated when shown)
KINDS: dict[str, str] = {
    "settings": N_("Settings"),
    "firm": N_("Firm"),
    "scenario": N_("Scenario"),
    "template": N_("Message template"),
    "letter_template": N_("Letter template"),
    "letterhead": N_("Letterhead"),
    "user": N_("User"),
    "mapping": N_("Column mapping"),
    "rate": N_("Rate"),
    "backup": N_("Backup"),
    CONTRACTOR: N_("Contractor"),
}

#: action -> its label; a contractor row's action is its activity kind, shown by its summary
ACTIONS: dict[str, str] = {
    "create": N_("created"),
    "update": N_("changed"),
    "delete": N_("deleted"),
    "add": N_("added"),
    "remove": N_("removed"),
    "revert": N_("reverted to the shipped wording"),
    "reset": N_("reset to the shipped version"),
    "default": N_("made the default"),
    "backup": N_("backed up"),
    "restore": N_("restored"),
}


def kind_label(kind: str) -> str:
    return _(KINDS[kind]) if kind in KINDS else kind


def what_happened(row: AuditRow) -> str:
    """The row's action and its changes (or the activity log's line) in the viewer's language."""
    if row.kind == CONTRACTOR:
        return row.summary
    action = _(ACTIONS[row.action]) if row.action in ACTIONS else row.action
    changes = describe_changes(row.changes)
    return f"{action}: {changes}" if changes else action


def safe_value(field: str, value: Any) -> Any:
    """``value`` as the trail may keep it: no secret, no wording, no file."""
    if value is None:
        return None
    if field.rsplit(".", 1)[-1] in TEXT_FIELDS:  # before secrets: a letter's signature is text
        return TEXT
    if is_secret_name(field):
        return SECRET
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, bytes | bytearray | memoryview):
        return "(file)"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Mapping) or (
        isinstance(value, list | tuple) and any(isinstance(v, Mapping | list) for v in value)
    ):
        # a scenario's steps, a mapping's columns: the trail says that they changed, compactly
        return f"({len(value)})"
    if isinstance(value, list | tuple | set | frozenset):
        return [safe_value(field, v) for v in value]
    text = str(value)
    return TEXT if len(text) > LONG_TEXT or "\n" in text else redact(text)


def diff(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> dict[str, Any]:
    """``{field: [before, after]}`` for the fields that changed, values made safe."""
    old, new = before or {}, after or {}
    changed: dict[str, Any] = {}
    for field in sorted(set(old) | set(new)):
        if _plain(old.get(field)) != _plain(new.get(field)):
            changed[field] = [safe_value(field, old.get(field)), safe_value(field, new.get(field))]
    return changed


def _plain(value: Any) -> Any:
    """None for every kind of nothing: a new object's empty list is no change from none."""
    return (
        None
        if value is None or (not isinstance(value, bool | int | float) and not value)
        else value
    )


def _who(session: Session, actor: str | None) -> tuple[str, str | None]:
    login = actor or activity.current_actor()
    user = session.execute(
        select(User.login, User.full_name).where(func.lower(User.login) == login.casefold())
    ).first()
    return (user.login, user.full_name) if user else (login, None)


def record(
    session: Session,
    *,
    kind: str,
    target: str,
    action: str,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    changes: Mapping[str, Any] | None = None,
    actor: str | None = None,
    at: dt.datetime | None = None,
) -> None:
    """One audit row in the caller's transaction. ``before``/``after`` are the object's fields;
    only those that differ are kept, made safe. ``changes`` is for what is not a before/after
    (a backup's file name), made safe as well. An update that changed nothing is not kept."""
    kept = diff(before, after)
    if changes:
        kept.update({k: safe_value(k, v) for k, v in changes.items()})
    if action == "update" and not kept:
        return
    login, name = _who(session, actor)
    session.flush()
    session.connection().execute(
        _INSERT,
        {
            "at": at or utcnow(),
            "actor": login,
            "actor_name": name,
            "kind": kind,
            "target": target[:200],
            "action": action,
            "changes": kept or None,
        },
    )


_INSERT = insert(cast(Table, AuditEntry.__table__))


@dataclass(frozen=True)
class AuditRow:
    at: dt.datetime
    actor: str
    who: str
    kind: str
    target: str
    action: str
    changes: dict[str, Any] | None
    #: the activity log's line (contractor rows), in the viewer's language
    summary: str


@dataclass(frozen=True)
class AuditFilter:
    since: dt.date | None = None
    until: dt.date | None = None
    user: str | None = None
    kind: str | None = None


def _utc_midnight(day: dt.date) -> dt.datetime:
    """The start of the user's local day as the database keeps times (naive UTC): the rows are
    shown in local time, so the days asked for are local days too."""
    return naive_utc(dt.datetime.combine(day, dt.time()))


def _union(flt: AuditFilter) -> Any:
    audit = AuditEntry.__table__.c
    act = Activity.__table__.c
    users = User.__table__.c
    own = select(
        audit.at.label("at"),
        audit.actor.label("actor"),
        func.coalesce(audit.actor_name, audit.actor).label("who"),
        audit.kind.label("kind"),
        audit.target.label("target"),
        audit.action.label("action"),
        audit.changes.label("changes"),
        # the union's columns take their types from this first SELECT: JSON, so that the
        # contractor rows' data come back decoded, not as their JSON text
        type_coerce(null(), Text).label("summary"),
        type_coerce(null(), JSON).label("data"),
    )
    contractor_rows = (
        select(
            act.at.label("at"),
            act.actor.label("actor"),
            func.coalesce(users.full_name, act.actor).label("who"),
            literal(CONTRACTOR).label("kind"),
            Contractor.__table__.c.name.label("target"),
            act.kind.label("action"),
            null().label("changes"),
            act.summary.label("summary"),
            act.data.label("data"),
        )
        .join(Contractor.__table__, Contractor.__table__.c.id == act.contractor_id)
        .outerjoin(User.__table__, func.lower(users.login) == func.lower(act.actor))
    )
    parts = []
    for part, at, actor, is_contractor in (
        (own, audit.at, audit.actor, False),
        (contractor_rows, act.at, act.actor, True),
    ):
        if flt.kind is not None:
            if (flt.kind == CONTRACTOR) != is_contractor:
                continue
            if not is_contractor:
                part = part.where(audit.kind == flt.kind)
        if flt.since is not None:
            part = part.where(at >= _utc_midnight(flt.since))
        if flt.until is not None:
            part = part.where(at < _utc_midnight(flt.until + dt.timedelta(days=1)))
        if flt.user:
            part = part.where(func.lower(actor) == flt.user.casefold())
        parts.append(part)
    if not parts:
        return None
    return union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()


def count_entries(session: Session, flt: AuditFilter) -> int:
    rows = _union(flt)
    if rows is None:
        return 0
    return int(session.scalar(select(func.count()).select_from(rows)) or 0)


def list_entries(
    session: Session, flt: AuditFilter, *, limit: int = 100, offset: int = 0
) -> list[AuditRow]:
    """Newest first, one page read in SQL."""
    rows = _union(flt)
    if rows is None:
        return []
    query = select(rows).order_by(rows.c.at.desc()).limit(limit).offset(offset)
    out: list[AuditRow] = []
    for row in session.execute(query):
        summary = (
            activity.render_summary(row.action, row.summary, row.data)
            if row.summary is not None
            else ""
        )
        out.append(
            AuditRow(
                at=row.at,
                actor=row.actor,
                who=row.who,
                kind=row.kind,
                target=row.target or "",
                action=row.action,
                changes=row.changes,
                summary=summary,
            )
        )
    return out


def describe_changes(changes: Mapping[str, Any] | None) -> str:
    """``field: before → after`` pairs on one line, for the window and the CLI."""
    if not changes:
        return ""
    parts = []
    for field, value in changes.items():
        if isinstance(value, list) and len(value) == 2:
            parts.append(f"{field}: {_short(value[0])} → {_short(value[1])}")
        else:
            parts.append(f"{field}: {_short(value)}")
    return "; ".join(parts)


def _short(value: Any) -> str:
    if value is None:
        return "—"
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    total: int
    offset: int


def read_page(db: Database, flt: AuditFilter, *, limit: int, offset: int = 0) -> AuditPage:
    """One page of the trail and how many entries the filter matches (the window's pager)."""
    with db.read() as session:
        return AuditPage(
            list_entries(session, flt, limit=limit, offset=offset),
            count_entries(session, flt),
            offset,
        )


def known_actors(db: Database) -> list[str]:
    """Every login that appears in the trail or a contractor's log, for the "who" filter."""
    audit_actor = AuditEntry.__table__.c.actor
    activity_actor = Activity.__table__.c.actor
    query = union(select(audit_actor), select(activity_actor))
    with db.read() as session:
        return sorted({str(a) for a in session.scalars(select(query.subquery()))}, key=str.casefold)
