"""Reading XML files that come from outside: no DTDs, no entities, no network, bounded size.

Invoices and statements never need a DTD, so a file that declares one (the way every entity
bomb and external-entity attack starts) is refused before the parser sees it; the parser itself
is hardened as well, so nothing depends on that check alone.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

from lxml import etree

from desktop_app.i18n import _
from desktop_app.importers.records import ImportFileError, Where

#: a file larger than this is not one invoice or statement
MAX_BYTES = 50 * 1024 * 1024

_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


#: one parser per thread (a parser must not be shared between threads; making one per file costs
#: a tenth of what parsing a whole invoice does)
_local = threading.local()


def _parser() -> etree.XMLParser:
    parser: etree.XMLParser | None = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = _new_parser()
    return parser


def _new_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


def looks_like(head: bytes, root: str, namespaces: Iterable[str]) -> bool:
    """Does the start of a file look like an XML document with this root in one of these
    namespaces? (For format detection: the parser decides.)"""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text.startswith(b"<"):
        return False
    match = re.search(rb"<(?:[\w.-]+:)?" + root.encode() + rb"[\s>][^>]*", text)
    return match is not None and any(ns.encode() in match.group(0) for ns in namespaces)


def _declares_dtd(data: bytes) -> bool:
    # UTF-16 files spell the markup with zero bytes between the letters
    if b"<!" not in data and b"\x00" not in data:
        return False  # the common case, found far faster than by the pattern
    if _DTD.search(data):
        return True
    return b"\x00" in data and bool(_DTD.search(data.replace(b"\x00", b"")))


def parse(data: bytes, file: str) -> etree._Element:
    """The root element of ``data``, or an ImportFileError in one plain sentence."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            _("The file is larger than {size} MB; it is not an invoice or statement").format(
                size=MAX_BYTES // (1024 * 1024)
            ),
            Where(file),
        )
    if not data.strip():
        raise ImportFileError(_("The file is empty"), Where(file))
    if _declares_dtd(data):
        raise ImportFileError(
            _(
                "The file declares a DTD or entities, which invoices and statements never do; "
                "it was refused for safety"
            ),
            Where(file),
        )
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if isinstance(exc.lineno, int) and exc.lineno > 0 else None
        raise ImportFileError(_describe(exc, data), Where(file, line=line)) from None
    except (ValueError, etree.LxmlError) as exc:
        raise ImportFileError(
            _("The file is not well-formed XML: {detail}").format(detail=str(exc)[:200]),
            Where(file),
        ) from None
    if root is None:
        raise ImportFileError(_("The file is empty"), Where(file))
    return root


def _describe(exc: etree.XMLSyntaxError, data: bytes) -> str:
    text = str(exc.msg or exc)
    lowered = text.lower()
    last_line = data.rstrip().count(b"\n") + 1
    looks_xml = data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
    if "encoding" in lowered or "utf-8" in lowered or ("bytes" in lowered and "char" in lowered):
        return _(
            "The file's text is not in the encoding it declares (often windows-1250 saved as "
            "UTF-8); save it again in its declared encoding"
        )
    if (
        "premature end" in lowered
        or "end of data" in lowered
        or (looks_xml and exc.lineno == last_line)
    ):
        return _("The file ends in the middle of the XML; it was cut short when copied or saved")
    return _("The file is not well-formed XML: {detail}").format(detail=text[:200])


def local(element: etree._Element) -> str:
    """The element's name without its namespace."""
    return str(element.tag).rpartition("}")[2]


def _namespace(element: etree._Element) -> str:
    tag = str(element.tag)
    return tag[: tag.find("}") + 1] if tag[:1] == "{" else ""


def path_of(element: etree._Element) -> str:
    """An XPath of the element by local names, with a position where a name repeats."""
    parts: list[str] = []
    node: etree._Element | None = element
    while node is not None:
        name = local(node)
        parent = node.getparent()
        if parent is not None:
            # "{*}name": every namespace, filtered by lxml itself
            same = list(parent.iterchildren("{*}" + name))
            if len(same) > 1:
                name += f"[{same.index(node) + 1}]"
        parts.append(name)
        node = parent
    return "/" + "/".join(reversed(parts))


def children(element: etree._Element, name: str) -> Iterable[etree._Element]:
    """Child elements by local name, in the element's own namespace (invoice files use one)."""
    return element.iterchildren(_namespace(element) + name)


def child(element: etree._Element | None, *names: str) -> etree._Element | None:
    """The first element along ``names`` (local names), or None."""
    if element is None:
        return None
    namespace = _namespace(element)
    node = element
    for name in names:
        # the first child of that name; iterchildren filters in C, find() goes through
        # lxml's ElementPath in Python and cost most of a file's reading
        found = next(node.iterchildren(namespace + name), None)
        if found is None:
            return None
        node = found
    return node


def text(element: etree._Element | None, *names: str) -> str | None:
    node = child(element, *names)
    if node is None:
        return None
    value = node.text  # lxml makes a new string each time it is asked
    if value is None:
        return None
    return value.strip() or None


def parse_local(data: bytes, file: str) -> etree._Element:
    """Like :func:`parse`, with every name reduced to its local part ("Ntry", not
    "{urn:iso:…}Ntry"): for formats read the same whatever version their namespace names."""
    root = parse(data, file)
    for element in root.iter():
        if isinstance(element.tag, str):
            element.tag = local(element)
        for key in [k for k in element.attrib if k.startswith("{")]:
            element.attrib[key.rpartition("}")[2]] = element.attrib.pop(key)
    return root


def line(element: etree._Element) -> int | None:
    """The line the element starts on, for messages."""
    return element.sourceline
