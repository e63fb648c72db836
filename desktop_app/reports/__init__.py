"""The "Owed to us" report as a table (one shape for the screen, the CLI and the exports) and its
XLSX and PDF exporters; pure of Qt and of the database."""
