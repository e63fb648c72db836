"""Which text encoding a CSV export was written in, and its text.

Polish and Russian accounting programs write UTF-8 (often with a BOM, which Excel needs),
windows-1250 (Subiekt, Optima and most older Polish programs) or windows-1251 (1C and other
Russian programs). A user's choice always wins; otherwise :func:`detect_encoding` decides.
"""

from __future__ import annotations

import codecs

from desktop_app.errors import ValidationError
from desktop_app.i18n import _

#: the encodings a user may choose (the CLI's --encoding, a mapping's "encoding")
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "windows-1250", "windows-1251")
#: the names people write for them, without dashes and underscores, lower case
_ALIASES = {
    "utf8": "utf-8",
    "utf8sig": "utf-8-sig",
    "utf8bom": "utf-8-sig",
    "utf16": "utf-16",
    "windows1250": "windows-1250",
    "cp1250": "windows-1250",
    "win1250": "windows-1250",
    "windows1251": "windows-1251",
    "cp1251": "windows-1251",
    "win1251": "windows-1251",
}

_POLISH = frozenset("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")
_RUSSIAN = frozenset("абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ")
#: how much of a file is enough to decide (a preview reads no more than this anyway)
SAMPLE_BYTES = 256 * 1024


def normalize_encoding(name: str) -> str:
    """The canonical name of a user's choice, or a ValidationError listing the choices."""
    key = _ALIASES.get(name.strip().lower().replace("-", "").replace("_", ""))
    if key is None:
        raise ValidationError(
            _("Unknown encoding {name}; use one of: {choices}").format(
                name=name, choices=", ".join(ENCODINGS)
            ),
            field="encoding",
        )
    return key


def detect_encoding(data: bytes) -> str:
    """The encoding of ``data`` (the start of a file is enough).

    A byte order mark decides at once. Otherwise strict UTF-8 decoding decides: text written
    in windows-1250/1251 has letters above 0x7F, and those bytes almost never happen to form
    valid UTF-8 sequences (a Polish "ł" is 0xB3, a continuation byte without a lead byte), so
    text that decodes as UTF-8 is UTF-8. Both single-byte code pages decode any byte, so
    decoding cannot choose between them; their letters can. Each candidate is scored by the
    letters above ASCII it produces: a Polish letter counts for windows-1250 and a Russian one
    for windows-1251, anything else (signs, letters of other languages) against. Polish text
    read as windows-1251 turns half its letters into "№ і њ ї" and Russian text read as
    windows-1250 turns most of its letters into "Ŕ Á Ď ĺ", so the right code page wins by a wide
    margin; a tie (no letters above ASCII at all) goes to windows-1250, the Polish default.
    """
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = data[:SAMPLE_BYTES]
    try:
        # final=False: a sample cut inside a multi-byte letter is still UTF-8
        codecs.getincrementaldecoder("utf-8")("strict").decode(sample, final=False)
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    polish = _score(sample.decode("windows-1250", errors="replace"), _POLISH)
    russian = _score(sample.decode("windows-1251", errors="replace"), _RUSSIAN)
    return "windows-1251" if russian > polish else "windows-1250"


def _score(text: str, letters: frozenset[str]) -> int:
    score = 0
    for char in text:
        if ord(char) > 0x7F:
            score += 1 if char in letters else -1
    return score


def decode(data: bytes, encoding: str, *, partial: bool = False) -> str:
    """``data`` as text; ``partial``: the start of a longer file (a cut last letter is dropped).

    Raises UnicodeDecodeError for bytes the encoding cannot hold (the caller names the file).
    """
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    return str(decoder.decode(data, final=not partial))
