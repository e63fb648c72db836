"""The formats Inkaso reads from files, by name: how to recognise one and how to parse it.

Each format module registers itself here (one line); the import service, the CLI and the import
wizard only ever look formats up in :data:`FORMATS`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.importers.records import ParsedFile

if TYPE_CHECKING:
    from desktop_app.importers.column_mapping import ColumnMapping


@dataclass(frozen=True)
class ParseOptions:
    #: the firm's own NIP: a KSeF invoice is a receivable only when we are its seller
    firm_nip: str | None = None
    #: "utf-8", "windows-1250", "windows-1251"; None: detect
    encoding: str | None = None
    #: a saved column-mapping preset's name, or a mapping file (CSV/XLSX)
    mapping: str | None = None
    today: dt.date | None = None
    #: the mapping itself, resolved by the caller (a preset saved in the database has to be read
    #: by a service: see desktop_app.services.import_mappings.resolve_mapping); wins over
    #: ``mapping``
    column_mapping: ColumnMapping | None = None


@dataclass(frozen=True)
class Format:
    #: the name the CLI and settings use: "ksef", "jpk", "csv", "xlsx", "mt940", "camt053", ...
    name: str
    #: the CLI group it belongs to ("bank" for every statement format)
    group: str
    #: file name suffixes it reads (lower case, with the dot)
    suffixes: tuple[str, ...]
    #: does the start of the file (first 64 KiB) look like this format?
    sniff: Callable[[bytes], bool]
    parse: Callable[[Path, ParseOptions], ParsedFile]


FORMATS: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    FORMATS[fmt.name] = fmt
    return fmt


#: the modules that register formats (each adds itself to FORMATS when imported)
_MODULES: tuple[str, ...] = ("ksef", "jpk", "tabular", "mt940", "camt053")


_loaded = False


def all_formats() -> dict[str, Format]:
    global _loaded
    if not _loaded:  # asked once per imported file: the modules are imported the first time
        import importlib

        for module in _MODULES:
            importlib.import_module(f"desktop_app.importers.{module}")
        _loaded = True
    return FORMATS
