"""Importers: one module per source format, each a pure parser from a file (or an API answer) to
the plain records of :mod:`desktop_app.importers.records`; one shared upsert in
:mod:`desktop_app.services.imports` writes them."""
