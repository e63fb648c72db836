"""Errors the user is meant to read.

Every ``InkasoError`` carries a sentence already translated into the active language; the CLI
prints it as one line (exit 3), the GUI shows it in a message box with details in the log.
Anything else that escapes is a bug: logged with its traceback, shown as a generic sentence.
"""

from __future__ import annotations


class InkasoError(Exception):
    """A problem with the user's input or data, explained in a plain sentence."""

    exit_code = 3

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class ValidationError(InkasoError):
    """A value the user typed or imported is not acceptable."""


class NotFoundError(InkasoError):
    """The user referred to something that does not exist."""


class DatabaseError(InkasoError):
    """The database cannot be opened or is not one this version can use."""


class DatabaseBusyError(DatabaseError):
    """Another program holds the database; trying again later may work."""


class DamagedDatabaseError(DatabaseError):
    """The database file is corrupt; Inkaso refuses to read or write it."""


class StorageError(DatabaseError):
    """The database could not be written: the disk is full, read-only or failing."""


class DeliveryError(InkasoError):
    """Messages were due but none could be delivered."""


class ConflictError(InkasoError):
    """The change would duplicate or contradict data that already exists."""


class TemplateLimitError(ValidationError):
    """A template needs more time, text or depth than one message may take (a loop without end)."""
