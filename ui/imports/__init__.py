"""File → Import…: the import wizard over the import service."""
