"""The people working in Inkaso (account managers, owners), as lists and pickers show them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import User
from db.uow import Database
from desktop_app.errors import ValidationError
from desktop_app.i18n import _
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


#: the role of whoever set the database up
OWNER = "owner"


def add_first_user(session: Session, login: str, full_name: str, email: str | None = None) -> int:
    """The owner, in the caller's transaction: the user with this login (made active and given
    the name), or a new one. Returns its id."""
    login = login.strip()
    name = full_name.strip()
    if not login:
        raise ValidationError(_("The login of the first user is empty"), field="login")
    user = session.scalar(select(User).where(func.lower(User.login) == login.casefold()))
    if user is None:
        user = User(
            login=login, full_name=name or login, email=email or None, role=OWNER, active=True
        )
        session.add(user)
    else:
        user.full_name = name or user.full_name
        user.active = True
        user.email = email or user.email
    session.flush()
    return user.id


def ensure_first_user(db: Database, login: str, full_name: str) -> int:
    """The owner from the OS login, so "Mine" works from the first start."""
    with db.write() as session:
        return add_first_user(session, login, full_name)
