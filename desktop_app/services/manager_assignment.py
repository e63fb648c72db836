"""Several contractors given to one account manager at once (the list's "Assign account
manager…", ``contractor assign``), and the way back for Undo."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Contractor, User
from db.uow import Database
from desktop_app.errors import NotFoundError, ValidationError
from desktop_app.i18n import N_, _
from desktop_app.services import activity


def assign_manager(
    db: Database,
    contractor_ids: Iterable[int],
    user_id: int | None,
    *,
    actor: str | None = None,
) -> dict[int, int | None]:
    """Give the contractors to ``user_id`` (None: to no one); returns each changed contractor's
    previous manager, which :func:`restore_managers` puts back. Contractors that already have
    this manager are left out, with nothing in their history."""
    ids = sorted(set(contractor_ids))
    if not ids:
        raise ValidationError(_("Choose at least one contractor"), field="contractor")
    with db.write() as session:
        names: dict[int | None, str] = {None: ""}
        if user_id is not None:
            user = session.get(User, user_id)
            if user is None or not user.active:
                raise NotFoundError(
                    _("No active Inkaso user with id {id}").format(id=user_id), field="manager"
                )
        names.update({u.id: u.full_name for u in session.scalars(select(User))})
        found = {c.id: c for c in session.scalars(select(Contractor).where(Contractor.id.in_(ids)))}
        missing = [i for i in ids if i not in found]
        if missing:
            raise NotFoundError(
                _("No contractor with id or NIP {ref}").format(ref=missing[0]), field="contractor"
            )
        return _set(session, found, {cid: user_id for cid in ids}, names, actor)


def restore_managers(
    db: Database, previous: Mapping[int, int | None], *, actor: str | None = None
) -> None:
    """Undo of :func:`assign_manager`: each contractor back with the manager it had (contractors
    deleted since are skipped)."""
    with db.write() as session:
        names: dict[int | None, str] = {None: ""}
        names.update({u.id: u.full_name for u in session.scalars(select(User))})
        found = {
            c.id: c
            for c in session.scalars(select(Contractor).where(Contractor.id.in_(list(previous))))
        }
        wanted = {cid: uid if uid in names else None for cid, uid in previous.items()}
        _set(session, found, wanted, names, actor)


def _set(
    session: Session,
    found: Mapping[int, Contractor],
    wanted: Mapping[int, int | None],
    names: Mapping[int | None, str],
    actor: str | None,
) -> dict[int, int | None]:
    previous: dict[int, int | None] = {}
    entries: list[dict[str, Any]] = []
    for cid, contractor in found.items():
        new = wanted[cid]
        old = contractor.assigned_user_id
        if old == new:
            continue
        previous[cid] = old
        contractor.assigned_user_id = new
        entries.append(
            {
                "contractor_id": cid,
                "kind": "status",
                "summary": N_("Account manager changed: {old} → {new}")
                if old is not None and new is not None
                else N_("Account manager: {new}")
                if new is not None
                else N_("Account manager removed: {old}"),
                "data": {"old": names.get(old, ""), "new": names.get(new, "")},
                "actor": actor,
            }
        )
    activity.record_many(session, entries)
    return previous
