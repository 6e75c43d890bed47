"""The open draft: its current value, its computed values and problems (from the core), and autosave.

Every change the officer makes replaces `session.draft` (drafts are immutable), recomputes the derived
values and the validation report through the core, and (re)starts a short timer; when it fires, the draft
is written to the store. So a change reaches the database within `AUTOSAVE_MS` (well under a second) of
the last keystroke, and `flush()` (called when the draft is closed, the window closes or the application
quits) writes any pending change at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from kpdesk.compute import compute
from kpdesk.draft import Draft, is_empty, split_input_key
from kpdesk.errors import KpdeskError
from kpdesk.kinds import Kind
from kpdesk.validate import DOC_LABELS, DOCUMENT, DOCUMENT_TITLE, Problem, Report, validate


class DraftSession(QObject):
    """Holds one draft while it is edited; `changed` fires after each change, `saved` after each save."""

    changed = Signal()
    saved = Signal(object)          # datetime of the save
    save_failed = Signal(str)       # Vietnamese message

    AUTOSAVE_MS = 400
    RETRY_MS = 5000

    def __init__(self, kind: Kind, draft: Draft, saver: Callable[[Draft], Any] | None = None,
                 parent: QObject | None = None, *, today: dt.date | None = None) -> None:
        super().__init__(parent)
        self.kind, self.draft, self.saver, self.today = kind, draft, saver, today
        self.choice_errors: dict[str, str] = {}  # a choice the core refused (the period), not typed text
        self.dirty = False
        self.last_saved: dt.datetime | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(self.AUTOSAVE_MS)
        self.timer.timeout.connect(self.flush)
        self.derived: dict[str, Any] = {}
        self.report = Report(())
        self.problems: tuple[Problem, ...] = ()
        self._check()

    # -- changes ------------------------------------------------------------------------
    def set_value(self, field_id: str, value: Any, inputs: dict[str, str] | None = None) -> None:
        """Set the value of a kind's field; `inputs` is the typed text of it that could not be read, by
        `Draft.inputs` key ("budget_total", "models.2.area"); it is saved with the draft."""
        values = dict(self.draft.values)
        if is_empty(value):
            values.pop(field_id, None)
        else:
            values[field_id] = value
        self._apply(replace(self.draft, values=values, inputs=self._with_inputs(field_id, inputs)))

    def update(self, **changes: Any) -> None:
        """Change the document's own parts (form, period, number, date, signer, to, recipients, …)."""
        self._apply(replace(self.draft, **changes))

    def update_typed(self, key: str, inputs: dict[str, str], **changes: Any) -> None:
        """`update` a typed part of the document ("_date"), with its typed text that could not be read."""
        self._apply(replace(self.draft, inputs=self._with_inputs(key, inputs), **changes))

    def inputs_of(self, field_id: str) -> dict[str, str]:
        """The unread typed text of a field (of its cells, for a table), what the field's editor takes."""
        return {k: v for k, v in self.draft.inputs.items() if split_input_key(k)[0] == field_id}

    def _with_inputs(self, field_id: str, inputs: dict[str, str] | None) -> dict[str, str]:
        kept = {k: v for k, v in self.draft.inputs.items() if split_input_key(k)[0] != field_id}
        return {**kept, **(inputs or {})}

    def set_choice_error(self, key: str, error: str | None) -> None:
        """Record (or clear) a choice of the document step the core refused (the period)."""
        if error:
            self.choice_errors[key] = error
        else:
            self.choice_errors.pop(key, None)
        self._check()
        self.changed.emit()

    def _apply(self, draft: Draft) -> None:
        if draft == self.draft:
            self._check()
            self.changed.emit()
            return
        self.draft = draft
        self.dirty = True
        self.timer.start()
        self._check()
        self.changed.emit()

    # -- saving -------------------------------------------------------------------------
    def flush(self) -> bool:
        """Write a pending change now; return False (and keep it pending, retrying) if the store refused."""
        self.timer.stop()
        if not self.dirty or self.saver is None:
            return True
        try:
            self.saver(self.draft)
        except KpdeskError as exc:
            self.timer.start(self.RETRY_MS)
            self.save_failed.emit(exc.message)
            return False
        except Exception as exc:  # noqa: BLE001 - a failed save must not lose the change or the window
            self.timer.start(self.RETRY_MS)
            self.save_failed.emit(f"Chưa lưu được bản nháp ({exc}). Chương trình sẽ thử lại sau ít giây; "
                                  "đừng tắt máy cho đến khi thấy «Đã lưu».")
            return False
        self.dirty = False
        self.timer.setInterval(self.AUTOSAVE_MS)
        self.last_saved = dt.datetime.now()
        self.saved.emit(self.last_saved)
        return True

    # -- checking -----------------------------------------------------------------------
    def _check(self) -> None:
        self.derived = compute(self.kind, self.draft)
        self.report = validate(self.kind, self.draft, self.derived, today=self.today)
        chosen: list[Problem] = []
        for key, message in self.choice_errors.items():
            section, title, label = self.place(key)
            chosen.append(Problem(section, key, "error", "input.unreadable", f"Mục «{title}», «{label}»: {message}",
                                  None, message[:1].upper() + message[1:]))
        self.problems = tuple(chosen) + self.report.problems

    def place(self, field_id: str) -> tuple[str, str, str]:
        """Return (section id, section title, field label) of a field or document pseudo-field."""
        if field_id.startswith("_"):
            return DOCUMENT, DOCUMENT_TITLE, DOC_LABELS.get(field_id, field_id)
        try:
            section = self.kind.section_of(field_id)
        except KeyError:
            return DOCUMENT, DOCUMENT_TITLE, field_id
        return section.id, section.title, self.kind.label_of(field_id)

    def short_message(self, problem: Problem) -> str:
        """Return the problem's message without the "Mục «…», «…»: " place, for showing beside the field."""
        return problem.detail or problem.message

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.is_error)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if not p.is_error)

    def section_problems(self, section_id: str) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.section == section_id)
