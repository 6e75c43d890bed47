"""Exceptions a user can cause; each carries a Vietnamese message that says what to do."""

from __future__ import annotations

from pathlib import Path


class KpdeskError(Exception):
    """Base of every error kpdesk shows to a user; `message` is Vietnamese and actionable."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class FormatError(KpdeskError, ValueError):
    """Text typed by the officer could not be read as the expected value (amount, date, phone…)."""


class KindError(KpdeskError):
    """A report-kind definition or template is broken; the message names the file and the field."""


class DraftError(KpdeskError):
    """A draft file cannot be read: malformed JSON, wrong types, unknown kind or a future version."""


class RenderError(KpdeskError):
    """The document could not be produced or written (target locked, folder missing, disk full)."""


class StoreError(KpdeskError):
    """The local database cannot be used as it is (damaged, read-only, from a newer version)."""


class WriteError(RenderError, StoreError):
    """A file could not be written (folder missing, file open in Word, read-only, disk full); nothing was changed.

    It is a `RenderError` for whoever renders and a `StoreError` for whoever exports from the store, so a caller that
    catches either sees it."""


class EditError(DraftError, StoreError):
    """An edit was refused (a field the kind does not have, typed text of another field, a value of the wrong type);
    the draft is unchanged.

    It is a `DraftError` (the draft's content) and a `StoreError` (what the store refuses), so a caller catching
    either sees it."""


class DamagedDatabase(StoreError):
    """The database file is damaged or is not a kpdesk database; `backup` is the newest good backup (or None)."""

    def __init__(self, message: str, path: Path, backup: Path | None) -> None:
        super().__init__(message)
        self.path = path
        self.backup = backup


class NewerDatabase(StoreError):
    """The database was written by a newer kpdesk (schema `version` above what this code knows)."""

    def __init__(self, message: str, path: Path, version: int) -> None:
        super().__init__(message)
        self.path = path
        self.version = version


class ReadOnlyData(StoreError):
    """The data folder or the database file cannot be written."""


class ProfileError(StoreError):
    """A unit profile was refused; `field` names the `UnitProfile` attribute to correct."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


class NotFound(StoreError):
    """No draft, unit, revision or backup with that id or name."""


class DepartmentError(KpdeskError):
    """The department's side cannot do what was asked (a unit list that does not read, an unknown unit or period)."""
