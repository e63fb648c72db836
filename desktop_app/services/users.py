"""The people working in Inkaso: the users screen's and the CLI's changes, the pickers' lists,
who is "me", and who stands in for whom while someone is away (domain.deputies)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import User
from db.uow import Database
from desktop_app.domain import roles
from desktop_app.domain.dates import check_date
from desktop_app.domain.deputies import Absence, effective_assignee
from desktop_app.domain.identifiers import normalize_email, normalize_phone, record_id
from desktop_app.errors import ConflictError, NotFoundError, ValidationError
from desktop_app.i18n import LANGUAGES, _
from desktop_app.services import activity, audit

OWNER = roles.OWNER


@dataclass(frozen=True)
class UserView:
    id: int
    login: str
    full_name: str
    email: str | None
    phone: str | None = None
    role: str = roles.ACCOUNT_MANAGER
    active: bool = True
    absent_from: dt.date | None = None
    absent_to: dt.date | None = None
    deputy_id: int | None = None
    #: what they read (the morning digest); None follows the firm's digest.language
    language: str | None = None

    def absent_on(self, day: dt.date) -> bool:
        absence = _absence(self)
        return absence is not None and absence.covers(day)


@dataclass
class UserInput:
    """What a person types for a user (the screen's form, ``user add/edit``)."""

    login: str
    full_name: str
    email: str | None = None
    phone: str | None = None
    role: str = roles.ACCOUNT_MANAGER
    #: "pl", "en", "ru", or None/"" for the firm's digest.language
    language: str | None = None


def _view(u: User) -> UserView:
    return UserView(
        u.id,
        u.login,
        u.full_name,
        u.email,
        u.phone,
        roles.role_of(u.role),
        bool(u.active),
        u.absent_from,
        u.absent_to,
        u.deputy_id,
        u.language,
    )


def _absence(user: UserView | User) -> Absence | None:
    if user.absent_from is None or user.absent_to is None:
        return None
    return Absence(user.absent_from, user.absent_to, user.deputy_id)


def list_users(db: Database, *, active_only: bool = True) -> list[UserView]:
    query = select(User).order_by(User.full_name, User.id)
    if active_only:
        query = query.where(User.active.is_(True))
    with db.read() as session:
        return [_view(u) for u in session.scalars(query)]


def get_user(db: Database, ref: int | str) -> UserView:
    with db.read() as session:
        return _view(_resolve(session, ref))


def current_user(db: Database, login: str | None = None) -> UserView | None:
    """The Inkaso user whose login is this computer's login (case-insensitive), if there is one."""
    wanted = (login or activity.current_actor()).casefold()
    for user in list_users(db):
        if user.login.casefold() == wanted:
            return user
    return None


def _resolve(session: Session, ref: int | str) -> User:
    """A user by id or by login (case-insensitive)."""
    user: User | None = None
    text = str(ref).strip()
    number = ref if isinstance(ref, int) else record_id(text)
    if number is not None:
        user = session.get(User, number)
    if user is None:
        user = _by_login(session, text)
    if user is None:
        raise NotFoundError(_("No Inkaso user with login {login}").format(login=text), field="user")
    return user


def _by_login(session: Session, login: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.login) == login.strip().casefold()))


# -- changes ------------------------------------------------------------------------------------


def _checked(data: UserInput) -> UserInput:
    login = data.login.strip()
    if not login:
        raise ValidationError(_("The user needs a login (their sign-in name)"), field="login")
    if data.role not in roles.ROLES:
        raise ValidationError(_("Unknown role {role}").format(role=data.role), field="role")
    email = (data.email or "").strip()
    phone = (data.phone or "").strip()
    language = (data.language or "").strip() or None
    if language is not None and language not in LANGUAGES:
        raise ValidationError(
            _("Unknown language {language}").format(language=language), field="language"
        )
    return UserInput(
        login=login,
        full_name=data.full_name.strip() or login,
        email=normalize_email(email) if email else None,
        phone=normalize_phone(phone) if phone else None,
        role=data.role,
        language=language,
    )


def _check_unique_login(session: Session, login: str, user_id: int | None) -> None:
    other = _by_login(session, login)
    if other is not None and other.id != user_id:
        raise ConflictError(
            _("The login {login} already belongs to {name}").format(
                login=login, name=other.full_name
            ),
            field="login",
        )


def _keep_an_owner(session: Session, user: User, *, role: str, active: bool) -> None:
    """Refuse a change that leaves the firm without an active owner (only an owner's change can)."""
    if roles.role_of(user.role) != OWNER or not user.active or (role == OWNER and active):
        return
    others = session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == OWNER, User.active.is_(True), User.id != user.id)
    )
    if not others:
        raise ValidationError(
            _("{name} is the only active owner: make someone else an owner first").format(
                name=user.full_name
            ),
            field="role",
        )


def add_user(db: Database, data: UserInput, *, actor: str | None = None) -> int:
    clean = _checked(data)
    with db.write() as session:
        _check_unique_login(session, clean.login, None)
        user = User(
            login=clean.login,
            full_name=clean.full_name,
            email=clean.email,
            phone=clean.phone,
            role=clean.role,
            language=clean.language,
            active=True,
        )
        session.add(user)
        session.flush()
        audit.record(
            session, kind=KIND, target=user.login, action="create", after=_fields(user), actor=actor
        )
        return user.id


def edit_user(db: Database, ref: int | str, data: UserInput, *, actor: str | None = None) -> int:
    """Replace what the form holds (login, name, e-mail, phone, role, language); returns the
    user's id."""
    clean = _checked(data)
    with db.write() as session:
        user = _resolve(session, ref)
        _check_unique_login(session, clean.login, user.id)
        _keep_an_owner(session, user, role=clean.role, active=bool(user.active))
        before = _fields(user)
        user.login, user.full_name = clean.login, clean.full_name
        user.email, user.phone, user.role = clean.email, clean.phone, clean.role
        user.language = clean.language
        _audit_update(session, user, before, actor)
        return user.id


def set_active(db: Database, ref: int | str, active: bool, *, actor: str | None = None) -> int:
    """Deactivate (or bring back) a user; their history, tasks and contractors stay theirs."""
    with db.write() as session:
        user = _resolve(session, ref)
        _keep_an_owner(session, user, role=roles.role_of(user.role), active=active)
        before = _fields(user)
        user.active = active
        _audit_update(session, user, before, actor)
        return user.id


def set_absence(
    db: Database,
    ref: int | str,
    first_day: dt.date | None,
    last_day: dt.date | None,
    deputy: int | str | None,
    *,
    actor: str | None = None,
) -> int:
    """Mark a user away from ``first_day`` to ``last_day`` (both included) with a deputy who
    gets their tasks meanwhile; no days clear the absence."""
    with db.write() as session:
        user = _resolve(session, ref)
        before = _fields(user)
        if first_day is None or last_day is None:
            user.absent_from = user.absent_to = user.deputy_id = None
            audit.record(
                session,
                kind=KIND,
                target=user.login,
                action="update",
                before=before,
                after=_fields(user),
                actor=actor,
            )
            return user.id
        check_date(first_day, "absent_from", _("Away from"))
        check_date(last_day, "absent_to", _("Away until"))
        if last_day < first_day:
            raise ValidationError(
                _("The absence ends before it starts"),
                field="absent_to",
            )
        if deputy is None:
            raise ValidationError(_("Choose who stands in while they are away"), field="deputy")
        stand_in = _resolve(session, deputy)
        if stand_in.id == user.id:
            raise ValidationError(_("A user cannot stand in for themselves"), field="deputy")
        if not stand_in.active:
            raise ValidationError(
                _("{name} is no longer active").format(name=stand_in.full_name), field="deputy"
            )
        user.absent_from, user.absent_to, user.deputy_id = first_day, last_day, stand_in.id
        _audit_update(session, user, before, actor)
        return user.id


def link_login(db: Database, ref: int | str, login: str, *, actor: str | None = None) -> int:
    """ "This is me…": the user ``ref`` signs in with ``login`` from now on."""
    login = login.strip()
    if not login:
        raise ValidationError(_("The user needs a login (their sign-in name)"), field="login")
    with db.write() as session:
        user = _resolve(session, ref)
        _check_unique_login(session, login, user.id)
        before = _fields(user)
        user.login = login
        audit.record(
            session,
            kind=KIND,
            target=login,
            action="update",
            before=before,
            after=_fields(user),
            actor=actor or login,
        )
        return user.id


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


def ensure_first_user(db: Database, login: str, full_name: str) -> int | None:
    """The user signing in as ``login``; on a database without users that login becomes the
    owner, so "Mine" works from the first start. None when the office has users and this login
    is none of them (Mine then offers "This is me…")."""
    login = login.strip()
    if not login:
        raise ValidationError(_("The user needs a login (their sign-in name)"), field="login")
    # every start asks: a read first, so a known login never waits for the writer
    with db.read() as session:
        known = _by_login(session, login)
        if known is not None:
            return known.id
        if session.scalar(select(func.count()).select_from(User)):
            return None
    with db.write() as session:
        user = _by_login(session, login)
        if user is not None:
            return user.id
        if session.scalar(select(func.count()).select_from(User)):
            return None
        owner = User(login=login, full_name=full_name.strip() or login, role=OWNER, active=True)
        session.add(owner)
        session.flush()
        audit.record(
            session, kind=KIND, target=login, action="create", after=_fields(owner), actor=login
        )
        return owner.id


#: the audit trail's kind for people's changes (services.audit)
KIND = "user"


def _fields(user: User) -> dict[str, object]:
    """What the audit trail compares of a user."""
    return {
        "login": user.login,
        "name": user.full_name,
        "email": user.email,
        "phone": user.phone,
        "role": roles.role_of(user.role),
        "language": user.language,
        "active": bool(user.active),
        "absent_from": user.absent_from,
        "absent_to": user.absent_to,
        "deputy_id": user.deputy_id,
    }


def _audit_update(
    session: Session, user: User, before: dict[str, object], actor: str | None
) -> None:
    """The audit trail's entry for a change to one user, what it was beside what it is."""
    audit.record(
        session,
        kind=KIND,
        target=user.login,
        action="update",
        before=before,
        after=_fields(user),
        actor=actor,
    )


# -- deputies ----------------------------------------------------------------------------------


def absences(session: Session) -> dict[int, Absence]:
    """Every absence on file with an active deputy (a deactivated one cannot stand in)."""
    deputy = User.__table__.alias("deputy")
    rows = session.execute(
        select(User.id, User.absent_from, User.absent_to, User.deputy_id)
        .join(deputy, deputy.c.id == User.deputy_id)
        .where(User.absent_from.is_not(None), User.absent_to.is_not(None), deputy.c.active)
    )
    return {
        uid: Absence(first, last, dep)
        for uid, first, last, dep in rows
        if first is not None and last is not None
    }


def assignee(session: Session, user_id: int | None, day: dt.date) -> int | None:
    """Who gets work meant for ``user_id`` on ``day`` (a new task's assignee)."""
    if user_id is None:
        return None
    return effective_assignee(user_id, day, absences(session))
