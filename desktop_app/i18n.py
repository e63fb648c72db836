"""One gettext catalogue (domain ``inkaso``) shared by the core, the CLI, the GUI and documents.

The active language is process-wide and switched with :func:`set_language`; ``_`` looks the
translation up at call time, so strings produced after a switch come out in the new language.
"""

from __future__ import annotations

import gettext
import locale
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from resources import resource_path

DOMAIN = "inkaso"
LANGUAGES = ("pl", "en", "ru")
LOCALE_DIR = resource_path("locale")
#: Babel/CLDR locale used for numbers, dates and money in each UI language.
BABEL_LOCALES = {"pl": "pl_PL", "en": "en_GB", "ru": "ru_RU"}

_catalogues: dict[str, gettext.NullTranslations] = {}
_current = "en"


def _catalogue(lang: str) -> gettext.NullTranslations:
    if lang not in _catalogues:
        _catalogues[lang] = gettext.translation(
            DOMAIN, localedir=LOCALE_DIR, languages=[lang], fallback=True
        )
    return _catalogues[lang]


#: Windows names its locales in English words ("Polish_Poland.1250"), not ISO codes
_LANGUAGE_WORDS = {"polish": "pl", "russian": "ru", "english": "en"}


def _windows_ui_locale() -> str:
    """The Windows display language as an ISO name ("pl_PL"); empty elsewhere."""
    if os.name != "nt":
        return ""
    import ctypes  # pragma: no cover - Windows only

    language_id = ctypes.windll.kernel32.GetUserDefaultUILanguage()  # type: ignore[attr-defined]  # pragma: no cover
    return str(locale.windows_locale.get(language_id, ""))  # pragma: no cover


def language_of(value: str) -> str | None:
    """The UI language a locale name speaks ("pl_PL.UTF-8", "Polish_Poland.1250", "ru"), if ours."""
    for part in value.split(":"):
        word = part.split("_")[0].split(".")[0].lower()
        if word in _LANGUAGE_WORDS:
            return _LANGUAGE_WORDS[word]
        if part[:2].lower() in LANGUAGES:
            return part[:2].lower()
    return None


def system_language() -> str:
    """The UI language a fresh install picks: Polish on a Polish system, Russian on a Russian one."""
    candidates = [os.environ.get(v, "") for v in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")]
    candidates.append(_windows_ui_locale())
    with suppress(ValueError):
        candidates.append(locale.getlocale()[0] or "")
    for value in candidates:
        found = language_of(value)
        if found is not None:
            return found
    return "en"


def set_language(lang: str | None) -> str:
    """Switch the process to ``lang`` (``None`` = the system language); returns the code used."""
    global _current
    chosen = lang or system_language()
    if chosen not in LANGUAGES:
        raise ValueError(f"unsupported language {chosen!r}")
    _current = chosen
    return chosen


def current_language() -> str:
    return _current


def babel_locale(lang: str | None = None) -> str:
    return BABEL_LOCALES[lang or _current]


def _(message: str) -> str:
    return _catalogue(_current).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _catalogue(_current).ngettext(singular, plural, n)


def gettext_for(lang: str, message: str) -> str:
    """Translate into a given language without switching the process (mails in the client's tongue)."""
    return _catalogue(lang).gettext(message)


def N_(message: str) -> str:
    """Mark a string for extraction; translate it later with ``_`` where it is shown."""
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Mark a plural message for extraction; translate it later with ``ngettext``."""
    return singular, plural


@contextmanager
def language(lang: str) -> Iterator[None]:
    """Temporarily switch language (documents rendered in the contractor's language)."""
    global _current
    previous = _current
    set_language(lang)
    try:
        yield
    finally:
        _current = previous
