"""What the store hands out for one draft opened from it, beyond its line in the list (`DraftInfo`): the draft
read (`StoredDraft`), its saved states (`Revision`), the Word files written from it (`ExportRecord`), and the writer
the window's autosave goes through (`DraftWriter`).

Their own module, imported when first needed (`kpdesk.store` gives their names as it gives the others): Python
makes a dataclass's methods when its module is imported, and the window's start lists the drafts and works out
what is due without these.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import datetime as dt
    from pathlib import Path

    from kpdesk.draft import Draft
    from kpdesk.edits import Changes
    from kpdesk.store.info import DraftId, DraftInfo


@dataclass(frozen=True)
class StoredDraft:
    """A draft read from the store, with what the list knows of it."""

    info: DraftInfo
    draft: Draft


@dataclass(frozen=True)
class ExportRecord:
    """A Word file written from a draft: where, when, its checksum and the revision it holds."""

    path: Path
    exported: dt.datetime  # local time
    sha256: str
    revision: int


@dataclass(frozen=True)
class Revision:
    """One saved state of a draft in its history, and what made it (create, save, edit, restore…)."""

    revision: int
    created: dt.datetime
    saved: dt.datetime
    source: str  # create, import, save, edit, restore, duplicate, previous


class Saves(Protocol):
    """What a `DraftWriter` writes through: the store's `save` (`kpdesk.store.drafts.Store.save`)."""

    def save(self, draft_id: DraftId, d: Draft, changes: Changes | None = None) -> int: ...


@dataclass(frozen=True)
class DraftWriter:
    """Writes one stored draft while it is edited, telling the store what changed: what the window's autosave
    (`ui.wizard.session.DraftSession`) saves through."""

    store: Saves
    draft_id: DraftId

    def write(self, draft: Draft, changes: Changes) -> int:
        return self.store.save(self.draft_id, draft, changes)
