"""Typed settings shared by every seat of a database (stored in the ``setting`` table).

Each key has a type, a default and a validator; ``config get|set`` and the settings dialog go
through this registry, so a typo or a bad value is refused with a sentence, never stored.
Secrets (passwords, API tokens) are never settings: see desktop_app.secrets.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Setting
from db.uow import Database
from desktop_app.errors import ValidationError
from desktop_app.i18n import LANGUAGES, N_, _

SETTINGS_VERSION = 1
_WINDOW_RE = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


def _int_range(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError as exc:
            raise ValueError(_("a whole number is expected")) from exc
        if not low <= value <= high:
            raise ValueError(_("must be between {low} and {high}").format(low=low, high=high))
        return value

    return parse


def _choice(*options: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in options:
            raise ValueError(_("must be one of: {options}").format(options=", ".join(options)))
        return text

    return parse


def _text(text: str) -> str:
    return text.strip()


def _bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("1", "true", "yes", "on", "tak", "да"):
        return True
    if lowered in ("0", "false", "no", "off", "nie", "нет"):
        return False
    raise ValueError(_("true or false is expected"))


def _window(text: str) -> str:
    match = _WINDOW_RE.match(text.strip())
    if not match:
        raise ValueError(_("use HH:MM-HH:MM, for example 09:00-18:00"))
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if not (0 <= h1 <= 24 and 0 <= h2 <= 24 and m1 < 60 and m2 < 60):
        raise ValueError(_("use HH:MM-HH:MM, for example 09:00-18:00"))
    if (h1, m1) >= (h2, m2):
        raise ValueError(_("the window must end after it starts"))
    return f"{h1:02d}:{m1:02d}-{h2:02d}:{m2:02d}"


def _timezone(text: str) -> str:
    name = text.strip()
    # IANA names are short ("America/Argentina/ComodRivadavia" is among the longest); a long
    # one would only reach the file system as a path that is too long (OSError)
    if not name or len(name) > 64:
        raise ValueError(_("unknown time zone"))
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ValueError(_("unknown time zone")) from exc
    return name


def _emails(text: str) -> str:
    from desktop_app.domain.identifiers import normalize_email

    parts = [p for p in re.split(r"[,;\s]+", text) if p]
    return ", ".join(normalize_email(p) for p in parts)


def _date(text: str) -> str:
    try:
        return dt.date.fromisoformat(text.strip()).isoformat()
    except ValueError as exc:
        raise ValueError(_("use YYYY-MM-DD")) from exc


def _url(text: str) -> str:
    """An http(s) address; empty means the built-in default where a key has one."""
    url = text.strip().rstrip("/")
    if url and not re.match(r"^https?://[^\s/]+", url):
        raise ValueError(_("an address starting with http:// or https:// is expected"))
    return url


@dataclass(frozen=True)
class Key:
    name: str
    parse: Callable[[str], Any]
    default: Any
    help: str


def _json_object(text: str) -> dict[str, str]:
    import json

    try:
        value = json.loads(text or "{}")
    except (json.JSONDecodeError, RecursionError) as exc:  # RecursionError: "[[[[…" nested deep
        raise ValueError(_("a JSON object is expected")) from exc
    if not isinstance(value, dict):
        raise ValueError(_("a JSON object is expected"))
    return {str(k): str(v) for k, v in value.items()}


#: what a watched folder can hold: the formats' CLI groups (``inkaso import GROUP``)
FOLDER_SOURCES = ("ksef", "jpk", "csv", "xlsx", "bank")


def _folders(text: str) -> dict[str, str]:
    """{"ksef": "C:/KSeF/in", "bank": "//server/wyciagi"}: one watched folder per source."""
    folders = _json_object(text)
    for source, folder in folders.items():
        if source not in FOLDER_SOURCES:
            raise ValueError(
                _("{source} is not a source; use: {names}").format(
                    source=source, names=", ".join(FOLDER_SOURCES)
                )
            )
        if not folder.strip():
            raise ValueError(_("the folder of {source} is empty").format(source=source))
    return {source: folder.strip() for source, folder in folders.items()}


def _moments(text: str) -> dict[str, str]:
    """{"5260250274": "2026-11-30T10:00:00+00:00"}: a moment (with its offset) per key."""
    marks = _json_object(text)
    for name, value in marks.items():
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(
                _("{value} is not a date and time (use YYYY-MM-DDTHH:MM:SS+00:00)").format(
                    value=value
                )
            ) from exc
        if moment.tzinfo is None:
            raise ValueError(_("{value} needs its UTC offset, e.g. +00:00").format(value=value))
        marks[name] = moment.isoformat()
    return marks


def _http_keys(kind: str) -> tuple[Key, ...]:
    """The generic HTTP gateway: any provider reachable with one templated request."""
    return (
        Key(
            f"{kind}.http_method",
            _choice("POST", "GET", "PUT"),
            "POST",
            N_("HTTP method of the generic gateway"),
        ),
        Key(
            f"{kind}.http_headers",
            _json_object,
            {},
            N_("extra headers as JSON; {token} is replaced by the secret"),
        ),
        Key(
            f"{kind}.http_format",
            _choice("json", "form"),
            "json",
            N_("body encoding: json or form"),
        ),
        Key(f"{kind}.http_body", _text, "", N_("body template with {to}, {text} and {sender}")),
        Key(
            f"{kind}.http_id_field",
            _text,
            "",
            N_("where the message id is in the JSON answer, e.g. data.id"),
        ),
    )


KEYS: dict[str, Key] = {
    k.name: k
    for k in (
        Key("smtp.host", _text, "", N_("SMTP server host name")),
        Key("smtp.port", _int_range(1, 65535), 587, N_("SMTP port (587 STARTTLS, 465 TLS, 25)")),
        Key(
            "smtp.security",
            _choice("starttls", "tls", "plain"),
            "starttls",
            N_("starttls, tls or plain"),
        ),
        Key("smtp.user", _text, "", N_("SMTP login (the password is a secret: smtp.password)")),
        Key("smtp.from", _emails, "", N_("sender address of reminders")),
        Key("smtp.from_name", _text, "", N_("sender name (default: the firm's name)")),
        Key("smtp.timeout", _int_range(5, 300), 60, N_("seconds to wait for the SMTP server")),
        Key(
            "sms.provider",
            _choice("none", "smsapi", "twilio", "generic"),
            "none",
            N_("SMS gateway"),
        ),
        Key("sms.api_url", _text, "", N_("gateway address (empty: the provider's default)")),
        Key("sms.sender", _text, "", N_("sender name or number shown to the recipient")),
        Key("sms.account", _text, "", N_("account id (Twilio Account SID)")),
        Key("sms.transliterate", _bool, True, N_("replace Polish letters to fit more in one SMS")),
        Key(
            "voice.provider",
            _choice("none", "smsapi", "twilio", "generic"),
            "none",
            N_("voice gateway"),
        ),
        Key(
            "voice.api_url", _text, "", N_("voice gateway address (empty: the provider's default)")
        ),
        Key("voice.sender", _text, "", N_("caller number")),
        Key("voice.account", _text, "", N_("account id (Twilio Account SID)")),
        *_http_keys("sms"),
        *_http_keys("voice"),
        Key("window.email", _window, "08:00-18:00", N_("hours when e-mails are sent")),
        Key("window.sms", _window, "09:00-19:00", N_("hours when SMS are sent")),
        Key("window.voice", _window, "10:00-17:00", N_("hours when calls are made")),
        Key("window.email.business_days", _bool, False, N_("send e-mails on business days only")),
        Key("window.sms.business_days", _bool, True, N_("send SMS on business days only")),
        Key("window.voice.business_days", _bool, True, N_("call on business days only")),
        Key(
            "schedule.interval_minutes",
            _int_range(1, 1440),
            15,
            N_("minutes between scheduler runs"),
        ),
        Key("schedule.paused", _bool, False, N_("automatic sending paused")),
        Key("firm.timezone", _timezone, "Europe/Warsaw", N_("time zone of the firm")),
        Key("notice.recipients", _emails, "", N_("who gets the owner's notices (e-mails)")),
        Key(
            "digest.hour",
            _int_range(0, 23),
            7,
            N_("hour (firm's time) of the morning digest to the owner and the account managers"),
        ),
        Key("digest.language", _choice(*LANGUAGES), "pl", N_("language of the morning digest")),
        Key(
            "rates.nbp_url",
            _url,
            "https://api.nbp.pl/api",
            N_("address of NBP's public API, where missing euro rates are fetched from"),
        ),
        Key(
            "whitelist.api_url",
            _url,
            "https://wl-api.mf.gov.pl",
            N_("address of the Ministry of Finance's VAT White List API (credibility check)"),
        ),
        Key(
            "rates.fetch",
            _bool,
            True,
            N_("fetch missing euro rates from NBP (off: enter them by hand)"),
        ),
        Key(
            "letters.signature",
            _text,
            "",
            N_(
                "who signs letters: a name, and a role on the next line (empty: the account manager)"
            ),
        ),
        Key(
            "dunning.start_date",
            _date,
            "",
            N_("remind only about invoices due on or after this day"),
        ),
        Key(
            "ksef.environment",
            _choice("production", "demo", "test"),
            "production",
            N_(
                "KSeF environment: production, demo or test (the KSeF token is a secret: ksef.token)"
            ),
        ),
        Key("ksef.api_url", _url, "", N_("KSeF API address (empty: the environment's own)")),
        Key("ksef.auto", _bool, False, N_("fetch invoices from KSeF in every automatic import")),
        Key(
            "ksef.hwm",
            _moments,
            {},
            N_(
                "where the next KSeF sync starts, per firm NIP (each sync moves it; clear to start over)"
            ),
        ),
        Key("1c.url", _url, "", N_("address of the 1C base published on the web")),
        Key("1c.user", _text, "", N_("1C user name (the password is a secret: 1c.password)")),
        Key("1c.currency", _text, "RUB", N_("currency of 1C documents that name none")),
        Key("1c.auto", _bool, False, N_("fetch documents from 1C in every automatic import")),
        Key(
            "1c.synced_to",
            _date,
            "",
            N_("the day the last 1C sync reached (the next reads from a month before it)"),
        ),
        Key(
            "import.folders",
            _folders,
            {},
            N_('watched folders as JSON, e.g. {"ksef": "C:/KSeF", "bank": "C:/Wyciagi"}'),
        ),
        Key(
            "import.mappings",
            _json_object,
            {},
            N_('column mapping of a watched folder\'s CSV/XLSX files, e.g. {"bank": "mbank"}'),
        ),
        Key(
            "import.after",
            _choice("move", "keep"),
            "move",
            N_("after import: move files to the imported subfolder, or keep them in place"),
        ),
        Key(
            "import.interval_minutes",
            _int_range(15, 1440),
            60,
            N_("minutes between automatic imports (KSeF asks for at least 15)"),
        ),
        Key(
            "backup.folder",
            _text,
            "",
            N_(
                "folder of the daily backups, may be a network drive (empty: backups in the "
                "user data folder)"
            ),
        ),
        Key(
            "import.before_dunning",
            _bool,
            True,
            N_("import from every source before each dunning run"),
        ),
    )
}


def parse_value(key: str, text: str) -> Any:
    spec = KEYS.get(key)
    if spec is None:
        raise ValidationError(
            _("Unknown setting {key}; see `inkaso config list`").format(key=key), field="key"
        )
    try:
        return spec.parse(text)
    except (ValueError, ValidationError) as exc:
        raise ValidationError(
            _("{key}: {value!r} — {problem}").format(key=key, value=text, problem=exc), field=key
        ) from exc


def set_value(db: Database, key: str, text: str) -> Any:
    value = parse_value(key, text)
    from desktop_app.services import audit

    with db.write() as session:
        before = store_value(session, key, value)
        audit.record(
            session,
            kind="settings",
            target=key,
            action="update",
            before={key: before},
            after={key: value},
        )
    return value


def store_value(session: Session, key: str, value: Any) -> Any:
    """Write an already parsed value in the caller's transaction (see ``parse_value``);
    returns the value stored before (None when there was none), for the audit trail."""
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
        return None
    before = row.value
    row.value = value
    return before


def get_value(db: Database, key: str) -> Any:
    if key not in KEYS:
        raise ValidationError(_("Unknown setting {key}; see `inkaso config list`").format(key=key))
    with db.read() as session:
        row = session.get(Setting, key)
        return KEYS[key].default if row is None else row.value


def all_values(db: Database) -> dict[str, Any]:
    with db.read() as session:
        stored = {row.key: row.value for row in session.scalars(select(Setting))}
    return {name: stored.get(name, spec.default) for name, spec in KEYS.items()}


@dataclass(frozen=True)
class Snapshot:
    """All settings read once for a run (no per-message queries)."""

    values: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    @classmethod
    def load(cls, db: Database) -> Snapshot:
        return cls(all_values(db))
