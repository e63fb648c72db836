"""The people working in Inkaso (account managers, owners), as lists and pickers show them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from db.models import User
from db.uow import Database
from desktop_app.services import activity


@dataclass(frozen=True)
class UserView:
    id: int
    login: str
    full_name: str
    email: str | None


def list_users(db: Database, *, active_only: bool = True) -> list[UserView]:
    query = select(User).order_by(User.full_name, User.id)
    if active_only:
        query = query.where(User.active.is_(True))
    with db.read() as session:
        return [UserView(u.id, u.login, u.full_name, u.email) for u in session.scalars(query)]


def current_user(db: Database, login: str | None = None) -> UserView | None:
    """The Inkaso user whose login is this computer's login (case-insensitive), if there is one."""
    wanted = (login or activity.current_actor()).casefold()
    for user in list_users(db):
        if user.login.casefold() == wanted:
            return user
    return None
