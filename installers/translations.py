"""Keep the gettext catalogues in step with the code.

    python installers/translations.py update    extract msgids, merge them into pl/en/ru .po
    python installers/translations.py compile   write the .mo files the app loads
    python installers/translations.py check     fail if anything is untranslated or stale

English msgids are the source; the en catalogue exists so that plural forms and any later
wording fixes have a home. Qt's own strings come from Qt's .qm files, not from here.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "resources" / "locale"
DOMAIN = "inkaso"
LANGUAGES = ("pl", "en", "ru")
SOURCES = ("desktop_app", "db", "ui")
KEYWORDS = {"_": None, "N_": None, "N_plural": (1, 2), "ngettext": (1, 2), "gettext_for": (2,)}


def extract() -> Catalog:
    catalog = Catalog(project="Inkaso", domain=DOMAIN, charset="utf-8")
    for source in SOURCES:
        for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / source, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            catalog.add(
                message,
                locations=[(f"{source}/{filename}", lineno)],
                auto_comments=comments,
                context=context,
                flags=("python-format",) if _has_braces(message) else (),
            )
    return catalog


def _has_braces(message: str | tuple[str, ...]) -> bool:
    texts = (message,) if isinstance(message, str) else message
    return any("{" in t for t in texts)


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def load(lang: str) -> Catalog:
    path = po_path(lang)
    if not path.exists():
        return Catalog(locale=lang, domain=DOMAIN, project="Inkaso", charset="utf-8")
    with path.open("rb") as handle:
        return read_po(handle, locale=lang, domain=DOMAIN)


def save(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, sort_output=True, omit_header=False)
    path.write_bytes(buffer.getvalue())


def update() -> None:
    template = extract()
    save(template, LOCALE / f"{DOMAIN}.pot")
    for lang in LANGUAGES:
        catalog = load(lang)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        # a fuzzy header would make the compiled catalogue lose its plural rules
        catalog.fuzzy = False
        catalog.project, catalog.version = "Inkaso", "1"
        catalog.copyright_holder = "Inkaso"
        save(catalog, po_path(lang))


def compile_all() -> None:
    for lang in LANGUAGES:
        catalog = load(lang)
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        po_path(lang).with_suffix(".mo").write_bytes(buffer.getvalue())


def problems() -> list[str]:
    """Untranslated or fuzzy entries in pl/ru, msgids missing from a catalogue, placeholder
    mismatches, and .mo files that do not match their .po."""
    found: list[str] = []
    source_ids = {m.id for m in extract() if m.id}
    for lang in LANGUAGES:
        catalog = load(lang)
        ids = {m.id for m in catalog if m.id}
        for missing in sorted(map(str, source_ids - ids))[:20]:
            found.append(f"{lang}: not in the catalogue: {missing!r}")
        for message in catalog:
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if lang != "en" and (message.fuzzy or not all(strings)):
                found.append(f"{lang}: untranslated: {message.id!r}")
            if _placeholders_differ(message.id, strings):
                found.append(f"{lang}: placeholders differ in {message.id!r}")
        mo = po_path(lang).with_suffix(".mo")
        if not mo.exists() or _compiled_entries(mo.read_bytes()) != _source_entries(catalog):
            found.append(f"{lang}: {mo.name} is stale; run installers/translations.py compile")
    return found


def _source_entries(catalog: Catalog) -> dict[object, object]:
    """What the .mo compiled from ``catalog`` must hold (fuzzy entries are left out)."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return _compiled_entries(buffer.getvalue())


def _compiled_entries(data: bytes) -> dict[object, object]:
    """A compiled catalogue's messages and plural rule, without the header lines that name the
    tool that wrote it: a newer Babel writes other bytes for the same translations."""
    catalog = read_mo(io.BytesIO(data))
    entries: dict[object, object] = {
        (message.context, _frozen(message.id)): _frozen(message.string)
        for message in catalog
        if message.id
    }
    entries["plural-forms"] = catalog.plural_forms
    return entries


def _frozen(value: object) -> object:
    return tuple(value) if isinstance(value, list | tuple) else value


def _placeholders_differ(msgid: str | tuple[str, ...], strings: tuple[str, ...]) -> bool:
    """A plain entry must keep exactly the msgid's placeholders. A plural entry's forms may each
    use those of either English form ("every day" / "every {n} days": Polish and Russian need
    {n} in forms that English writes without it), and one form must carry all of the plural's."""
    if isinstance(msgid, str):
        return any(text and _placeholders(text) != _placeholders(msgid) for text in strings)
    allowed = set().union(*map(_placeholders, msgid))
    forms = [_placeholders(text) for text in strings if text]
    return any(not form <= allowed for form in forms) or (
        bool(forms) and not any(_placeholders(msgid[-1]) <= form for form in forms)
    )


def _placeholders(text: str) -> set[str]:
    import string

    return {field for _lit, field, _spec, _conv in string.Formatter().parse(text) if field}


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "update":
        update()
    elif command == "compile":
        compile_all()
    elif command == "check":
        issues = problems()
        sys.stdout.write("\n".join(issues) + ("\n" if issues else "catalogues complete\n"))
        return 1 if issues else 0
    else:
        sys.stderr.write(__doc__ or "")
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
