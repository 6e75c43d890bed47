"""The open draft: its one current value, its computed values and problems (from the core), and autosave.

Every change the officer makes is an edit (`kpdesk.edits`) applied to `session.draft` (drafts are immutable): the
core returns the new draft and what changed, the derived values and the validation report are recomputed, and a
short timer (re)starts; when it fires, the draft is written with what changed since the last write. So a change
reaches the database within `AUTOSAVE_MS` (well under a second) of the last keystroke, and `flush()` (called when
the draft is closed, the window closes or the application quits) writes any pending change at once.

A stored draft the department returned for correction also carries the points of its letter (`kpdesk.corrections`):
they are warnings beside the fields they name and in «Cần xem lại» until the draft is exported again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from kpdesk import edits
from kpdesk.compute import compute
from kpdesk.corrections import as_problems, corrections
from kpdesk.draft import Draft
from kpdesk.edits import NO_CHANGES, Changes, Edit, SetField, SetPart
from kpdesk.errors import KpdeskError
from kpdesk.kinds import Kind
from kpdesk.store import DraftWriter
from kpdesk.validate import Problem, ValidationReport, validate
from kpdesk.vocab import DOC_LABELS, DOCUMENT, DOCUMENT_TITLE, DocPart

#: Where the session writes the draft: a `DraftWriter` (the store, told what changed so that a burst of typing
#: stays one revision), or any callable taking the draft alone (a test, a preview).
Saver = DraftWriter | Callable[[Draft], Any]


class DraftSession(QObject):
    """Holds one draft while it is edited; `changed` fires after each change, `saved` after each save."""

    changed = Signal()
    saved = Signal(object)  # datetime of the save
    save_failed = Signal(str)  # Vietnamese message

    AUTOSAVE_MS = 400
    RETRY_MS = 5000

    def __init__(
        self,
        kind: Kind,
        draft: Draft,
        saver: Saver | None = None,
        parent: QObject | None = None,
        *,
        today: dt.date | None = None,
    ) -> None:
        super().__init__(parent)
        self.kind, self.draft, self.saver, self.today = kind, draft, saver, today
        #: What the edits since the last successful write changed (nothing: the draft is saved).
        self.unsaved: Changes = NO_CHANGES
        self.choice_errors: dict[str, str] = {}  # a choice the core refused (the period), not typed text
        self.last_saved: dt.datetime | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(self.AUTOSAVE_MS)
        self.timer.timeout.connect(self.flush)
        self.derived: dict[str, Any] = {}
        self.report = ValidationReport(())
        self.notes: tuple[Problem, ...] = self._read_notes()
        self._check()

    @property
    def dirty(self) -> bool:
        """Whether there is a change not written yet."""
        return bool(self.unsaved)

    # -- changes ------------------------------------------------------------------------
    def apply(self, *changes: Edit) -> Changes:
        """Make edits to the draft (in order); return what they changed."""
        self.draft, done = edits.apply_all(self.kind, self.draft, changes)
        if done:
            self.unsaved |= done
            self.timer.start()
        self._check()
        self.changed.emit()
        return done

    def set_value(self, field_id: str, value: Any, inputs: dict[str, str] | None = None) -> None:
        """Set the value of a kind's field; `inputs` is the typed text of it that could not be read, by
        `Draft.inputs` key ("budget_total", "models.2.area"); it is saved with the draft."""
        self.apply(SetField(field_id, value, inputs or {}))

    def update(self, **parts: Any) -> None:
        """Change the document's own parts by their `Draft` attribute (form, period, number, date, signer, to,
        recipients, money_unit, title, unit)."""
        self.apply(*(SetPart(edits.PART_OF_ATTRIBUTE[attr], value) for attr, value in parts.items()))

    def update_typed(self, key: str, inputs: dict[str, str], **parts: Any) -> None:
        """`update` a typed part of the document (`DocPart.DATE`) with its typed text that could not be read."""
        typed = edits.PART_ATTRIBUTES[DocPart(key)]
        self.apply(
            *(
                SetPart(edits.PART_OF_ATTRIBUTE[attr], value, inputs if attr == typed else {})
                for attr, value in parts.items()
            )
        )

    def inputs_of(self, name: str) -> dict[str, str]:
        """The unread typed text of a field (of its cells, for a table) or document part, what its editor takes."""
        return edits.inputs_of(self.draft, name)

    def set_choice_error(self, key: str, error: str | None) -> None:
        """Record (or clear) a choice of the document step the core refused (the period)."""
        if error:
            self.choice_errors[key] = error
        else:
            self.choice_errors.pop(key, None)
        self._check()
        self.changed.emit()

    # -- saving -------------------------------------------------------------------------
    def flush(self) -> bool:
        """Write a pending change now; return False (and keep it pending, retrying) if the store refused."""
        self.timer.stop()
        if not self.dirty or self.saver is None:
            return True
        try:
            if isinstance(self.saver, DraftWriter):
                self.saver.write(self.draft, self.unsaved)
            else:
                self.saver(self.draft)
        except KpdeskError as exc:
            self.timer.start(self.RETRY_MS)
            self.save_failed.emit(exc.message)
            return False
        except Exception as exc:  # noqa: BLE001 - a failed save must not lose the change or the window
            self.timer.start(self.RETRY_MS)
            self.save_failed.emit(
                f"Chưa lưu được bản nháp ({exc}). Chương trình sẽ thử lại sau ít giây; "
                "đừng tắt máy cho đến khi thấy «Đã lưu»."
            )
            return False
        self.unsaved = NO_CHANGES
        self.timer.setInterval(self.AUTOSAVE_MS)
        self.last_saved = dt.datetime.now()
        self.saved.emit(self.last_saved)
        return True

    # -- checking -----------------------------------------------------------------------
    def _check(self) -> None:
        self.derived = compute(self.kind, self.draft)
        found = validate(self.kind, self.draft, self.derived, today=self.today)
        self.report = ValidationReport(
            tuple(_choice_problems(self.choice_errors.items())) + found.problems + self.notes
        )

    def _read_notes(self) -> tuple[Problem, ...]:
        """The points of the department's return letters still open for the stored draft (none for a draft that is
        not stored, or when the store cannot be read: they are a help, never a reason not to open the draft)."""
        if not isinstance(self.saver, DraftWriter):
            return ()
        try:
            return tuple(as_problems(self.kind, corrections(self.saver.store, self.saver.draft_id)))
        except KpdeskError:
            return ()

    def reload_notes(self) -> None:
        """Read the department's points again (an export answers them: they go away)."""
        notes = self._read_notes()
        if notes != self.notes:
            self.notes = notes
            self._check()
            self.changed.emit()

    @property
    def problems(self) -> tuple[Problem, ...]:
        return self.report.problems

    @property
    def errors(self) -> tuple[Problem, ...]:
        return self.report.errors

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return self.report.warnings

    def section_problems(self, section_id: str) -> tuple[Problem, ...]:
        return self.report.for_section(section_id)

    def field_problems(self, field_id: str) -> tuple[Problem, ...]:
        return self.report.for_field(field_id)

    @staticmethod
    def short_message(problem: Problem) -> str:
        """Return the problem's message without the "Mục «…», «…»: " place, for showing beside the field."""
        return problem.detail or problem.message


def _choice_problems(choices: Iterable[tuple[str, str]]) -> Iterable[Problem]:
    """The problems of document choices the core refused before they could reach the draft (a period that cannot
    be made): said the way validation says a document part's problem."""
    for key, message in choices:
        detail = message[:1].upper() + message[1:]
        yield Problem(
            section=DOCUMENT,
            field=key,
            severity="error",
            code="input.unreadable",
            message=f"Mục «{DOCUMENT_TITLE}», «{DOC_LABELS.get(key, key)}»: {message}",
            detail=detail,
        )
