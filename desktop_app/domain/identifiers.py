"""Validation and normal forms of identifiers users type: NIP, REGON, e-mail, phone, IBAN."""

from __future__ import annotations

import re

import phonenumbers
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.pl import nip as stdnum_nip
from stdnum.pl import regon as stdnum_regon

from desktop_app.errors import ValidationError
from desktop_app.i18n import _

# Deliberately loose: the mail server is the final judge, we only stop obvious typos.
_EMAIL_RE = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]{2,}$")


def record_id(text: str) -> int | None:
    """A database id as typed ("15"), or None when the text is not one: ASCII digits only
    ("²".isdigit() is true, but int("²") fails) and fewer than ten of them (a NIP has ten; a
    longer number would not fit the database's integer)."""
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def normalize_nip(value: str) -> str:
    """Ten digits without separators or the "PL" prefix; a ValidationError names the bad NIP."""
    compact = stdnum_nip.compact(value)
    if compact.upper().startswith("PL"):
        compact = compact[2:]
    try:
        return str(stdnum_nip.validate(compact))
    except StdnumError as exc:
        raise ValidationError(
            _("Invalid NIP {nip}: the check digit or length is wrong").format(nip=value),
            field="nip",
        ) from exc


def normalize_regon(value: str) -> str:
    try:
        return str(stdnum_regon.validate(value))
    except StdnumError as exc:
        raise ValidationError(
            _("Invalid REGON {regon}").format(regon=value), field="regon"
        ) from exc


def normalize_email(value: str) -> str:
    email = value.strip()
    if not _EMAIL_RE.match(email):
        raise ValidationError(
            _("Invalid e-mail address {email}").format(email=value), field="email"
        )
    local, _sep, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


def normalize_phone(value: str, default_region: str = "PL") -> str:
    """E.164 ("+48501234567"); numbers without a country code are taken as Polish."""
    try:
        parsed = phonenumbers.parse(value, default_region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("Invalid phone number {phone}").format(phone=value), field="phone"
        ) from exc
    if not phonenumbers.is_possible_number(parsed) or not phonenumbers.is_valid_number(parsed):
        raise ValidationError(_("Invalid phone number {phone}").format(phone=value), field="phone")
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))


def phone_lookup_key(value: str, default_region: str = "PL") -> str | None:
    """The E.164 form a caller's number is looked up by, however it arrived: spaces, dashes,
    brackets, "+48", "0048", "48" or nothing in front of a Polish number; None when it cannot be a
    phone number. Looser than normalize_phone: a softphone passes what the exchange sends."""
    digits = re.sub(r"\D", "", value)
    if not digits:
        return None
    candidates = [value]
    if not value.strip().startswith(("+", "00")):
        # "48501234567": a country code without its plus, as some exchanges send it
        candidates.append("+" + digits)
    for candidate in candidates:
        try:
            parsed = phonenumbers.parse(candidate, default_region)
        except phonenumbers.NumberParseException:
            continue
        if parsed.country_code == 48:
            # Polish numbers are nine digits (a trunk "0" in front is dropped by the parser);
            # ten digits are a NIP, not a number with something in front
            national = str(parsed.national_number)
            return "+48" + national if len(national) == 9 else None
        if phonenumbers.is_possible_number(parsed):
            return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))
    return None


def format_phone(e164: str) -> str:
    """Readable international form for screens and letters ("+48 501 234 567")."""
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL))


def format_contact(value: str) -> str:
    """A recipient as people read it: a stored phone number spaced ("+48 501 234 567"), an
    e-mail address (or anything else) unchanged."""
    if value.startswith("+") and value[1:].isdigit():
        return format_phone(value)
    return value


def normalize_iban(value: str) -> str:
    """Polish accounts may be typed as 26 digits (NRB); they are stored as PL + 26 digits."""
    compact = stdnum_iban.compact(value)
    if compact.isdigit() and len(compact) == 26:
        compact = "PL" + compact
    try:
        return str(stdnum_iban.validate(compact))
    except StdnumError as exc:
        raise ValidationError(
            _("Invalid bank account number {iban}").format(iban=value), field="iban"
        ) from exc


def format_iban(iban: str) -> str:
    return str(stdnum_iban.format(iban))
