"""XML read safely for bank statements (camt.053): no DOCTYPE, so no entities to expand and nothing
fetched from anywhere. (The bank helper's safe_xml; kept under this name where feat/ksef's lxml
reader of the same name met it in the importgui merge — the coordinator picks one.)

A document type declaration is refused the moment the parser meets it, before any entity is
declared, so an entity-expansion bomb or an external entity costs nothing. Element names are
kept without their namespace ("Ntry", not "{urn:iso:…}Ntry"): the formats we read are the same
whatever version their namespace names, and each element remembers its line for messages.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any
from xml.parsers import expat

from desktop_app.i18n import _
from desktop_app.importers.records import ImportFileError, Where


class _RefusedError(Exception):
    pass


def _refuse(*_args: Any) -> Any:
    raise _RefusedError


def parse(data: bytes, where: Where) -> ET.Element:
    """The document's root; ImportFileError for hostile or broken XML, naming the line."""
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse

    def start(name: str, attrs: dict[str, str]) -> None:
        element = builder.start(
            name.rpartition("}")[2], {k.rpartition("}")[2]: v for k, v in attrs.items()}
        )
        element.set("_line", str(parser.CurrentLineNumber))

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda name: builder.end(name.rpartition("}")[2])
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(data, True)
        root = builder.close()
    except _RefusedError as exc:
        raise ImportFileError(
            _("The file declares a document type or entities; such XML is refused for safety"),
            Where(where.file, parser.CurrentLineNumber),
        ) from exc
    except expat.ExpatError as exc:
        raise ImportFileError(
            _("The file is not well-formed XML: {error}").format(error=expat.ErrorString(exc.code)),
            Where(where.file, exc.lineno),
        ) from exc
    except (LookupError, ValueError) as exc:  # an encoding Python does not know, or cannot use
        raise ImportFileError(
            _("The file's XML declaration names an encoding that cannot be read: {error}").format(
                error=exc
            ),
            Where(where.file, 1),
        ) from exc
    except (AssertionError, IndexError) as exc:  # TreeBuilder on an empty document
        raise ImportFileError(
            _("The file is not well-formed XML: {error}").format(error=exc), where
        ) from exc
    return root


def line(element: ET.Element) -> int | None:
    value = element.get("_line")
    return int(value) if value and value.isdigit() else None
