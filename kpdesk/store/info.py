"""A draft as the list of drafts knows it, read without its values (`DraftInfo`), and how the store reads it: the
columns (`INFO_COLUMNS`) and the row made into a `DraftInfo` (`info_of`). Below `drafts` (the store's drafts) and
`opened` (what an opened draft's window is handed), which both name a draft this way."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, NewType

from kpdesk.period import Period

if TYPE_CHECKING:
    from kpdesk.store.profiles import UnitId

DraftId = NewType("DraftId", int)

STATUS_LABELS = {"drafting": "đang soạn", "exported": "đã xuất"}


@dataclass(slots=True)
class DraftInfo:
    """A draft as the list shows it, read without its values: what, which period, whose, its state and times."""

    id: DraftId
    kind: str
    kind_version: int
    title: str
    period: Period
    status: str  # "drafting" or "exported"
    unit_id: UnitId
    unit_name: str  # the draft's unit, "xã Thiệu Trung"
    created: dt.datetime  # local time, timezone-aware
    updated: dt.datetime
    revision: int
    deleted: bool

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


#: The columns of the table `drafts` (as `d`) that `info_of` reads, in its order.
INFO_COLUMNS = (
    "d.id, d.kind, d.kind_version, d.title, d.period_type, d.period_year, d.period_month, d.period_half, "
    "d.status, d.unit_id, d.unit_name, d.created, d.updated, d.revision, d.deleted"
)


@functools.lru_cache(maxsize=4096)
def _period(ptype: str, year: int, month: int | None, half: int | None) -> Period:
    return Period(ptype, year, month, half)


def info_of(row: tuple, tz: dt.tzinfo | None = None) -> DraftInfo:
    """The `DraftInfo` of a row read with `INFO_COLUMNS` first, its times in `tz` (None: this PC's zone)."""
    (did, kind, kv, title, ptype, year, month, half, status, unit_id, unit_name, created, updated, rev, deleted) = row[
        :15
    ]
    tz = tz or dt.datetime.now().astimezone().tzinfo
    parse = dt.datetime.fromisoformat
    return DraftInfo(
        did,
        kind,
        kv,
        title,
        _period(ptype, year, month, half),
        status,
        unit_id,
        unit_name,
        parse(created).astimezone(tz),
        parse(updated).astimezone(tz),
        rev,
        deleted is not None,
    )
