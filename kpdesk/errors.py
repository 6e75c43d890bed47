"""Exceptions a user can cause; each carries a Vietnamese message that says what to do."""

from __future__ import annotations


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


class DepartmentError(KpdeskError):
    """The department's side cannot do what was asked (a unit list that does not read, an unknown unit or period)."""
