"""Importing invoices, payments and contractors from files: one entry point for every caller.

``import_paths`` for the CLI, the wizard and the scheduler; ``parse_path`` and ``detect`` for the
wizard's preview; ``upsert`` for a source that is not a file (the KSeF API, 1C OData).
"""

from __future__ import annotations

from desktop_app.importers.formats import ParseOptions
from desktop_app.services.imports.report import Counts, FileError, ImportReport, SkippedItem
from desktop_app.services.imports.run import Progress, detect, import_paths, parse_path
from desktop_app.services.imports.upsert import upsert

__all__ = [
    "Counts",
    "FileError",
    "ImportReport",
    "ParseOptions",
    "Progress",
    "SkippedItem",
    "detect",
    "import_paths",
    "parse_path",
    "upsert",
]
