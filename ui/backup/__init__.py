"""Backups in the GUI: File → Back up now / Restore…, and the status bar warning."""
