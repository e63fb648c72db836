"""Contractors: add, edit, find by id or NIP."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from db.models import ContactPerson, Contractor, ContractorEmail, ContractorPhone, Tag, User
from db.uow import Database
from desktop_app.domain.identifiers import (
    normalize_email,
    normalize_nip,
    normalize_phone,
    normalize_regon,
    record_id,
)
from desktop_app.domain.money import check_amount, normalize_currency
from desktop_app.domain.text import search_key
from desktop_app.errors import ConflictError, NotFoundError, ValidationError
from desktop_app.i18n import LANGUAGES, N_, _
from desktop_app.services import activity

#: the longest default payment terms (also a CHECK constraint of the contractor table)
MAX_TERMS_DAYS = 3650


@dataclass
class ContactPersonInput:
    name: str
    role: str | None = None
    email: str | None = None
    phone: str | None = None


@dataclass
class ContractorInput:
    """What a user (or an importer) supplies; validated and normalised by :func:`add_contractor`."""

    name: str
    nip: str | None = None
    regon: str | None = None
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: str = "PL"
    emails: Sequence[str] = ()
    phones: Sequence[str] = ()
    persons: Sequence[ContactPersonInput] = ()
    terms_days: int = 14
    language: str = "pl"
    credit_limit_minor: int | None = None
    credit_limit_currency: str | None = None
    assigned_user_id: int | None = None
    tags: Sequence[str] = ()
    notes: str | None = None
    #: an EU VAT number or foreign tax id (imports), and an import source's own key
    tax_id: str | None = None
    external_id: str | None = None


@dataclass
class NormalizedContractor:
    name: str
    nip: str | None
    regon: str | None
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)


def validate(data: ContractorInput) -> NormalizedContractor:
    name = data.name.strip()
    if not name:
        raise ValidationError(_("The contractor's name is empty"), field="name")
    if len(name) > 300:
        raise ValidationError(
            _("The contractor's name is longer than 300 characters"), field="name"
        )
    if not 0 <= data.terms_days <= MAX_TERMS_DAYS:
        raise ValidationError(
            _("Payment terms must be between 0 and 3650 days, not {days}").format(
                days=data.terms_days
            ),
            field="terms",
        )
    if data.language not in LANGUAGES:
        raise ValidationError(
            _("Unsupported message language {lang}; use pl, en or ru").format(lang=data.language),
            field="language",
        )
    if data.credit_limit_minor is not None:
        if data.credit_limit_minor < 0:
            raise ValidationError(_("The credit limit must not be negative"), field="credit_limit")
        check_amount(
            data.credit_limit_minor, data.credit_limit_currency or "PLN", field="credit_limit"
        )
    nip = normalize_nip(data.nip) if data.nip and data.nip.strip() else None
    regon = normalize_regon(data.regon) if data.regon and data.regon.strip() else None
    emails = _unique(normalize_email(e) for e in data.emails if e.strip())
    phones = _unique(normalize_phone(p) for p in data.phones if p.strip())
    return NormalizedContractor(name=name, nip=nip, regon=regon, emails=emails, phones=phones)


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def add_contractor(db: Database, data: ContractorInput, *, actor: str | None = None) -> int:
    """Create a contractor; returns its id. A NIP already on file is a ConflictError."""
    with db.write() as session:
        return create_contractor(session, data, actor=actor)


def create_contractor(session: Session, data: ContractorInput, *, actor: str | None = None) -> int:
    """:func:`add_contractor` inside the caller's transaction."""
    norm = validate(data)
    if norm.nip and session.scalar(select(Contractor.id).where(Contractor.nip == norm.nip)):
        raise ConflictError(
            _("A contractor with NIP {nip} already exists").format(nip=norm.nip), field="nip"
        )
    contractor = build_contractor(data, norm)
    contractor.tags = _tags(session, data.tags)
    session.add(contractor)
    session.flush()
    activity.record(session, **contractor_created(contractor, actor))
    return contractor.id


def build_contractor(data: ContractorInput, norm: NormalizedContractor) -> Contractor:
    """The new contractor's rows from checked input (its tags are the caller's: they are shared
    rows found by name)."""
    contractor = Contractor(
        tax_id=_blank_to_none(data.tax_id), external_id=_blank_to_none(data.external_id)
    )
    _fill(contractor, data, norm)
    return contractor


def contractor_created(contractor: Contractor, actor: str | None) -> dict[str, Any]:
    """The activity entry of a new contractor."""
    return {
        "contractor_id": contractor.id,
        "kind": "status",
        "summary": N_("Contractor {name} created"),
        "data": {"name": contractor.name},
        "actor": actor,
    }


def edit_contractor(
    db: Database, ref: str | int, data: ContractorInput, *, actor: str | None = None
) -> int:
    """Replace every field ``add_contractor`` sets (contacts, persons and tags as whole lists)
    with ``data``; returns the contractor's id. Invoices, payments and history stay as they are."""
    norm = validate(data)
    with db.write() as session:
        contractor = load(session, resolve(session, ref).id)
        _check_unique_nip(session, norm.nip, contractor.id)
        _check_user(session, data.assigned_user_id)
        _fill(contractor, data, norm)
        contractor.tags = _tags(session, data.tags)
        session.flush()
        activity.record(
            session,
            contractor_id=contractor.id,
            kind="status",
            summary=N_("Contractor {name} edited"),
            data={"name": contractor.name},
            actor=actor,
        )
        return contractor.id


def _check_unique_nip(session: Session, nip: str | None, own_id: int | None) -> None:
    if not nip:
        return
    other = session.scalar(select(Contractor.id).where(Contractor.nip == nip))
    if other is not None and other != own_id:
        raise ConflictError(
            _("A contractor with NIP {nip} already exists").format(nip=nip), field="nip"
        )


def _check_user(session: Session, user_id: int | None) -> None:
    if user_id is not None and session.get(User, user_id) is None:
        raise NotFoundError(
            _("No Inkaso user with id {id}").format(id=user_id), field="assigned_user"
        )


def _fill(contractor: Contractor, data: ContractorInput, norm: NormalizedContractor) -> None:
    """Every field a person enters (a new contractor or an edit); tags are the caller's."""
    contractor.name = norm.name
    contractor.search_name = search_key(norm.name)
    contractor.nip = norm.nip
    contractor.regon = norm.regon
    contractor.street = _blank_to_none(data.street)
    contractor.postal_code = _blank_to_none(data.postal_code)
    contractor.city = _blank_to_none(data.city)
    contractor.country = (data.country or "PL").upper()
    contractor.default_terms_days = data.terms_days
    contractor.language = data.language
    contractor.credit_limit_minor = data.credit_limit_minor
    contractor.credit_limit_currency = (
        normalize_currency(data.credit_limit_currency) if data.credit_limit_currency else None
    )
    contractor.assigned_user_id = data.assigned_user_id
    contractor.notes = _blank_to_none(data.notes)
    contractor.emails = [ContractorEmail(email=e, position=i) for i, e in enumerate(norm.emails)]
    contractor.phones = [ContractorPhone(phone=p, position=i) for i, p in enumerate(norm.phones)]
    contractor.persons = [
        ContactPerson(
            name=p.name.strip(),
            role=_blank_to_none(p.role),
            email=normalize_email(p.email) if p.email else None,
            phone=normalize_phone(p.phone) if p.phone else None,
        )
        for p in data.persons
    ]


def _tags(session: Session, names: Iterable[str]) -> list[Tag]:
    return [_tag(session, t) for t in _unique(t.strip() for t in names if t.strip())]


def _tag(session: Session, name: str) -> Tag:
    tag = session.scalar(select(Tag).where(Tag.name == name))
    if tag is None:
        tag = Tag(name=name)
        session.add(tag)
    return tag


def _blank_to_none(value: str | None) -> str | None:
    if value is None:
        return None
    stripped = value.strip()
    return stripped or None


def resolve(session: Session, ref: str | int) -> Contractor:
    """A contractor by database id or by NIP (any common spelling); NotFoundError otherwise."""
    text = str(ref).strip()
    contractor: Contractor | None = None
    number = record_id(text)
    if number is not None:
        contractor = session.get(Contractor, number)
    else:
        try:
            nip = normalize_nip(text)
        except ValidationError:
            nip = None
        if nip is not None:
            contractor = session.scalar(select(Contractor).where(Contractor.nip == nip))
    if contractor is None:
        raise NotFoundError(
            _("No contractor with id or NIP {ref}").format(ref=ref), field="contractor"
        )
    return contractor


def load(session: Session, contractor_id: int) -> Contractor:
    contractor = session.scalar(
        select(Contractor)
        .where(Contractor.id == contractor_id)
        .options(
            selectinload(Contractor.emails),
            selectinload(Contractor.phones),
            selectinload(Contractor.persons),
            selectinload(Contractor.tags),
        )
    )
    if contractor is None:
        raise NotFoundError(
            _("No contractor with id or NIP {ref}").format(ref=contractor_id), field="contractor"
        )
    return contractor


@dataclass(frozen=True)
class Choice:
    """A contractor as a picker lists it."""

    id: int
    name: str
    nip: str | None
    terms_days: int


def choices(db: Database, text: str = "", *, limit: int = 50) -> list[Choice]:
    """Contractors whose name (Polish letters optional) or NIP contains ``text``, by name."""
    query = select(
        Contractor.id, Contractor.name, Contractor.nip, Contractor.default_terms_days
    ).order_by(Contractor.search_name, Contractor.id)
    wanted = text.strip()
    if wanted:
        digits = "".join(ch for ch in wanted if ch.isdigit())
        by_name = Contractor.search_name.contains(search_key(wanted), autoescape=True)
        if len(digits) >= 3:
            query = query.where(or_(by_name, Contractor.nip.contains(digits)))
        else:
            query = query.where(by_name)
    with db.read() as session:
        return [Choice(*row) for row in session.execute(query.limit(limit))]


def choice_of(db: Database, contractor_id: int) -> list[Choice]:
    """The one contractor as a picker lists it (an empty list when it is gone)."""
    query = select(
        Contractor.id, Contractor.name, Contractor.nip, Contractor.default_terms_days
    ).where(Contractor.id == contractor_id)
    with db.read() as session:
        return [Choice(*row) for row in session.execute(query)]
