"""Entering data by hand: contractor, invoice and payment dialogs, and delete with undo."""
