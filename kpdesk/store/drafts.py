"""The drafts: creating, reading, listing, the one way a draft is written, history, the bin, files and exports.

Drafts are stored in their JSON form (`kpdesk.draft.to_json`) and always read back through `kpdesk.draft.from_json`,
so a draft written under an older kind version opens with its values carried over by the kind's rules. Every write
of a draft goes through `Store.save`: the window's autosave (through `kpdesk.store.opened.DraftWriter`, with the
`kpdesk.edits.Changes` since its last write), `set_value`, a restore; one short transaction each.

Why over 600 lines: every read and write of a draft (create, list, save, history, bin, files, exports) goes through this
one class so that a draft has one writer; its methods are short.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kpdesk.errors import NotFound, StoreError
from kpdesk.files import write_atomic
from kpdesk.kinds import kind_for_period, kind_of
from kpdesk.period import Period
from kpdesk.store import profiles, search
from kpdesk.store.database import Database, local_time, now_stamp
from kpdesk.store.info import INFO_COLUMNS, STATUS_LABELS, DraftId, DraftInfo, info_of
from kpdesk.store.profiles import UnitId, UnitProfile
from kpdesk.text import clean_line
from kpdesk.vocab import PERIOD_NAMES

# The drafts' module (`kpdesk.draft`) is imported by the methods that read or write a draft: the window's start
# lists the drafts and works out what is due without it.
if TYPE_CHECKING:
    from kpdesk.draft import Draft
    from kpdesk.edits import Changes
    from kpdesk.kinds import Kind
    from kpdesk.store.opened import ExportRecord, Revision, StoredDraft

#: A burst of typing in one draft goes into one revision for at most this many seconds.
EDIT_COALESCE_SECONDS = 30.0


class AlreadyStored(StoreError):
    """A draft to import is already stored with the same content: `draft_id` is the stored one."""

    def __init__(self, message: str, draft_id: DraftId) -> None:
        super().__init__(message)
        self.draft_id = draft_id


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _draft_columns(data: dict[str, Any]) -> dict[str, Any]:
    period = Period.from_json(data.get("period"))
    unit = data.get("unit") or {}
    return {
        "kind_version": data["kind_version"],
        "period_type": period.type,
        "period_year": period.year,
        "period_month": period.month if period.type == "month" else None,
        "period_half": period.half if period.type == "half" else None,
        "period_start": period.start.isoformat(),
        "title": data.get("title") or "",
        "unit_name": f"{unit.get('level', '')} {unit.get('name', '')}".strip(),
    }


class Store(Database):
    """The local database of unit profiles and drafts. Open with `Store.open()`; safe to share between threads."""

    def __init__(self, conn: sqlite3.Connection, path: Path, data_dir: Path) -> None:
        super().__init__(conn, path, data_dir)
        self.coalesce_seconds = EDIT_COALESCE_SECONDS

    def close(self) -> None:
        """Re-index the drafts whose search text is stale, then close; the store cannot be used afterwards."""
        with self._lock:
            if self.closed:
                return
            try:
                if (
                    not self.read_only
                    and self.checked  # a store not yet checked through is not written to as it closes
                    and not self.writing
                    and self._conn.execute(search.ANY_STALE).fetchone() is not None
                ):
                    with self.tx() as c:
                        search.refresh(c)
            except (StoreError, sqlite3.Error):
                pass  # the flags stay in the file: the next text search re-indexes those drafts
            finally:
                super().close()

    # ------------------------------------------------------------------ units (kpdesk.store.profiles)

    def units(self) -> list[UnitProfile]:
        """The profiles of the communes this PC writes reports for."""
        return profiles.load_units(self)

    def chosen_unit(self, chosen: object = None) -> UnitProfile | None:
        """The commune's profile whose id is `chosen` (as the window remembers it), else the first entered; None
        when there is none (see `profiles.chosen_unit`)."""
        return profiles.chosen_unit(self, chosen)

    def department(self) -> UnitProfile | None:
        """The profile of the department this PC works for (department mode), or None when there is none yet."""
        found = profiles.load_units(self, profiles.DEPARTMENT)
        return found[0] if found else None

    def unit(self, unit_id: UnitId) -> UnitProfile:
        return profiles.load_unit(self, unit_id)

    def save_unit(self, profile: UnitProfile) -> UnitId:
        """Insert (id None) or update a unit profile; refuse a missing name or a bad phone or e-mail."""
        return profiles.save_unit(self, profile)

    # ------------------------------------------------------------------ drafts: create

    def create_draft(
        self, kind_id: str, period: Period, unit_id: UnitId, *, form: str | None = None, title: str = ""
    ) -> DraftId:
        """A new, empty draft of `kind_id` for `period`, prefilled from the unit profile."""
        from kpdesk import draft as drafts

        kind = kind_for_period(kind_id, period)
        _check_period(kind, period)
        form = _check_form(kind, form or kind.forms[0])
        profile = self.unit(unit_id)
        signer = profile.default_signer
        d = drafts.new_draft(
            kind,
            period,
            profile.to_unit(),
            form=form,
            to=profile.default_to,
            recipients=profile.default_recipients,
            signer=signer.to_signer() if signer else drafts.Signer(),
            values=profiles.prefill(kind, profile),
            title=clean_line(title),
        )
        with self.tx():
            return self._insert(d, unit_id, "create", kind)

    def add_draft(self, d: Draft, unit_id: UnitId | None = None, *, title: str = "") -> DraftId:
        """Store a draft read from elsewhere (an imported file). Without `unit_id` the draft's unit is matched
        to a profile by name, level and province, and a profile is made from it when none matches."""
        if title:
            d = replace(d, title=clean_line(title))
        kind = kind_of(d)
        with self.tx():
            if unit_id is None:
                unit_id = profiles.unit_for_draft(self, d)
            else:
                self.unit(unit_id)
            return self._insert(d, unit_id, "import", kind)

    def _insert(self, d: Draft, unit_id: UnitId, source: str, kind: Kind | None = None) -> DraftId:
        from kpdesk import draft as drafts

        data = drafts.to_json(d, kind)
        text = _dump(data)
        now = now_stamp()
        cols = {
            **_draft_columns(data),
            "kind": d.kind,
            "unit_id": unit_id,
            "status": "drafting",
            "created": now,
            "updated": now,
            "revision": 1,
        }
        with self.tx() as c:
            cur = c.execute(
                f"INSERT INTO drafts ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", tuple(cols.values())
            )
            assert cur.lastrowid is not None
            draft_id = DraftId(cur.lastrowid)
            c.execute("INSERT INTO draft_data (draft_id, data) VALUES (?, ?)", (draft_id, text))
            c.execute(
                "INSERT INTO revisions (draft_id, revision, source, created, saved, data) VALUES (?, 1, ?, ?, ?, ?)",
                (draft_id, source, now, now, text),
            )
            search.index(c, draft_id, data, new=True)
        return draft_id

    # ------------------------------------------------------------------ drafts: read

    def load(self, draft_id: DraftId) -> StoredDraft:
        """The draft and its listing data; values written under an older kind version are carried over."""
        from kpdesk import draft as drafts

        with self.read() as c:
            row = c.execute(
                f"SELECT {INFO_COLUMNS}, b.data FROM drafts d JOIN draft_data b ON b.draft_id = d.id WHERE d.id = ?",
                (draft_id,),
            ).fetchone()
        if row is None:
            raise _missing(draft_id)
        from kpdesk.store.opened import StoredDraft

        return StoredDraft(info_of(row), drafts.from_json(json.loads(row[15])))

    def info(self, draft_id: DraftId) -> DraftInfo:
        with self.read() as c:
            row = c.execute(f"SELECT {INFO_COLUMNS} FROM drafts d WHERE d.id = ?", (draft_id,)).fetchone()
        if row is None:
            raise _missing(draft_id)
        return info_of(row)

    def list_drafts(
        self,
        *,
        kind: str | None = None,
        period: Period | None = None,
        status: str | None = None,
        text: str | None = None,
        unit_id: UnitId | None = None,
        deleted: bool = False,
        limit: int | None = None,
    ) -> list[DraftInfo]:
        """Drafts matching every filter given, most recently updated first. `text` matches words (or their
        beginnings) of the title, the unit and the values, without regard to case or diacritics; `deleted=True`
        lists the bin instead of the drafts."""
        where = ["d.deleted IS NOT NULL" if deleted else "d.deleted IS NULL"]
        args: list[Any] = []
        if kind is not None:
            where.append("d.kind = ?")
            args.append(kind)
        if period is not None:
            where.append("d.period_type = ? AND d.period_year = ? AND d.period_month IS ? AND d.period_half IS ?")
            args += [
                period.type,
                period.year,
                period.month if period.type == "month" else None,
                period.half if period.type == "half" else None,
            ]
        if status is not None:
            if status not in STATUS_LABELS:
                raise StoreError(f"Trạng thái «{status}» không hợp lệ; dùng: {', '.join(STATUS_LABELS)}.")
            where.append("d.status = ?")
            args.append(status)
        if unit_id is not None:
            where.append("d.unit_id = ?")
            args.append(unit_id)
        searching = text is not None and bool(text.strip())
        match_at = -1  # where the text query is among `args`
        if searching:
            query = search.fts_query(text or "")
            if query is None:
                return []
            match_at = len(args)
            where.append(search.MATCHES)
            args.append(query)
        sql = f"SELECT {INFO_COLUMNS} FROM drafts d WHERE {' AND '.join(where)} ORDER BY d.updated DESC, d.id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(int(limit))
        tz = dt.datetime.now().astimezone().tzinfo
        if searching:
            return [info_of(row, tz) for row in self._search(sql, args, text or "", match_at)]
        with self.read() as c:
            return [info_of(row, tz) for row in c.execute(sql, args)]

    def _search(self, sql: str, args: list[Any], text: str, match_at: int) -> list[tuple]:
        """Run a query that reads `draft_search`, re-indexing the stale drafts first (in the same transaction); read
        only, the stale drafts are matched on their data instead (`args[match_at]` is the query)."""
        with self.read():
            if self.read_only:
                with self.snapshot() as c:
                    if c.execute(search.ANY_STALE).fetchone() is None:
                        return c.execute(sql, args).fetchall()
                    stale = _dump(search.stale_matches(c, text))
                    return c.execute(
                        sql.replace(search.MATCHES, search.MATCHES_READ_ONLY, 1),
                        [*args[: match_at + 1], stale, *args[match_at + 1 :]],
                    ).fetchall()
            if not self.writing:
                with self.snapshot() as c:
                    if c.execute(search.ANY_STALE).fetchone() is None:
                        return c.execute(sql, args).fetchall()
            rows: list[tuple] | None = None
            try:
                with self.tx() as c:
                    search.refresh(c)
                    rows = c.execute(sql, args).fetchall()
            except StoreError:
                if rows is None:
                    raise
                # Only keeping the new index failed (a full disk refuses the commit): the answer came from it
                # all the same, and the flags stay set for the next search.
            return rows

    def latest_for(self, kind_id: str, unit_id: UnitId, before: Period) -> DraftInfo | None:
        """The unit's draft of this kind for the latest period of the same type before `before` (not in the bin)."""
        with self.read() as c:
            row = c.execute(
                f"SELECT {INFO_COLUMNS} FROM drafts d WHERE d.kind = ? AND d.unit_id = ? AND d.period_type = ? "
                "AND d.period_start < ? AND d.deleted IS NULL "
                "ORDER BY d.period_start DESC, d.updated DESC LIMIT 1",
                (kind_id, unit_id, before.type, before.start.isoformat()),
            ).fetchone()
        return info_of(row) if row else None

    # ------------------------------------------------------------------ drafts: the one write

    def save(self, draft_id: DraftId, d: Draft, changes: Changes | None = None) -> int:
        """Store the whole draft; return the number of the revision that holds it.

        `changes` is what the edits since the draft was last saved changed (`kpdesk.edits`). When no document part
        changed (the officer typing in the sections), the draft joins the open edit revision if that began less than
        `coalesce_seconds` ago and was not exported, else it opens a new one; a change of a document part, or a
        whole draft from elsewhere (`changes` None), is a new revision. An unchanged draft adds no revision."""
        from kpdesk import draft as drafts

        data = drafts.to_json(d)
        typing = changes is not None and changes.typing
        with self.tx():
            return self._write(draft_id, data, "edit" if typing else "save", coalesce=typing)

    def set_value(self, draft_id: DraftId, field_id: str, value: Any, inputs: dict[str, str] | None = None) -> int:
        """Store one field's new value (Python form: int đồng, Decimal, date, DocRef, list, rows; None clears) and
        the field's typed text that could not be read (`Draft.inputs` keys of this field; none by default: the new
        value replaces any), as one edit through `save`, in one transaction."""
        from kpdesk import edits  # the edits' model, loaded when a value is first set: the window's start lists only

        with self.tx():
            d = self.load(draft_id).draft
            new, changes = edits.apply(kind_of(d), d, edits.SetField(field_id, value, inputs or {}))
            return self.save(draft_id, new, changes)

    def _write(
        self, draft_id: int, data: dict[str, Any], source: str, *, coalesce: bool = False, force: bool = False
    ) -> int:
        """Write the JSON form of a draft as its current data and a revision (inside a write transaction)."""
        c = self._conn
        row = c.execute(
            "SELECT d.revision, d.status, d.deleted, d.kind, b.data FROM drafts d "
            "JOIN draft_data b ON b.draft_id = d.id WHERE d.id = ?",
            (draft_id,),
        ).fetchone()
        if row is None:
            raise _missing(draft_id)
        rev, status, deleted, kind_id, old_text = row
        if deleted is not None:
            raise StoreError(f"Bản nháp số {draft_id} đang ở thùng rác; hãy khôi phục nó trước khi sửa.")
        if data.get("kind") != kind_id:
            raise StoreError(f"Không đổi được loại báo cáo của bản nháp số {draft_id}; hãy tạo bản nháp mới.")
        text = _dump(data)
        if text == old_text and not force:
            if not coalesce:
                search.refresh(c, draft_id)
            return rev
        now = now_stamp()
        new_rev = rev + 1
        if coalesce and self.coalesce_seconds > 0 and status == "drafting":
            last = c.execute(
                "SELECT source, created FROM revisions WHERE draft_id = ? AND revision = ?", (draft_id, rev)
            ).fetchone()
            if last and last[0] == "edit":
                age = (dt.datetime.fromisoformat(now) - dt.datetime.fromisoformat(last[1])).total_seconds()
                exported = c.execute(
                    "SELECT 1 FROM exports WHERE draft_id = ? AND revision = ?", (draft_id, rev)
                ).fetchone()
                if 0 <= age < self.coalesce_seconds and not exported:
                    new_rev = rev
        coalesced = new_rev == rev
        if coalesced:
            c.execute(
                "UPDATE revisions SET data = ?, saved = ? WHERE draft_id = ? AND revision = ?",
                (text, now, draft_id, rev),
            )
        else:
            c.execute(
                "INSERT INTO revisions (draft_id, revision, source, created, saved, data) VALUES (?, ?, ?, ?, ?, ?)",
                (draft_id, new_rev, source, now, now, text),
            )
        c.execute("UPDATE draft_data SET data = ? WHERE draft_id = ?", (text, draft_id))
        # An edit joining the open edit revision only marks the search text stale (re-indexing the whole draft on
        # every keystroke was most of the save's own work); anything else re-indexes now.
        cols = {
            **_draft_columns(data),
            "status": "drafting",
            "updated": now,
            "revision": new_rev,
            "search_stale": int(coalesced),
        }
        c.execute(f"UPDATE drafts SET {', '.join(f'{k} = ?' for k in cols)} WHERE id = ?", (*cols.values(), draft_id))
        if not coalesced:
            search.index(c, draft_id, data)
        return new_rev

    # ------------------------------------------------------------------ history

    def revisions(self, draft_id: DraftId) -> list[tuple[int, dt.datetime]]:
        """(revision, time of its last write in local time), newest first."""
        return [(r.revision, r.saved) for r in self.revision_list(draft_id)]

    def revision_list(self, draft_id: DraftId) -> list[Revision]:
        with self.read() as c:
            rows = c.execute(
                "SELECT revision, created, saved, source FROM revisions WHERE draft_id = ? ORDER BY revision DESC",
                (draft_id,),
            ).fetchall()
        if not rows:
            raise _missing(draft_id)
        from kpdesk.store.opened import Revision

        return [Revision(r, local_time(created), local_time(saved), source) for r, created, saved, source in rows]

    def revision_draft(self, draft_id: DraftId, revision: int) -> Draft:
        """The draft as it was at `revision` (to show before restoring it)."""
        from kpdesk import draft as drafts

        with self.read() as c:
            row = c.execute(
                "SELECT data FROM revisions WHERE draft_id = ? AND revision = ?", (draft_id, revision)
            ).fetchone()
        if row is None:
            raise NotFound(f"Bản nháp số {draft_id} không có phiên bản lưu số {revision}.")
        return drafts.from_json(json.loads(row[0]))

    def restore_revision(self, draft_id: DraftId, revision: int) -> int:
        """Make `revision` the current content again, as a new revision; return its number."""
        from kpdesk import draft as drafts

        old = self.revision_draft(draft_id, revision)
        with self.tx():
            return self._write(draft_id, drafts.to_json(old), "restore", force=True)

    # ------------------------------------------------------------------ bin, copies, next period

    def delete(self, draft_id: DraftId) -> None:
        """Move a draft to the bin (restorable with `undelete`)."""
        with self.tx() as c:
            if (
                c.execute(
                    "UPDATE drafts SET deleted = ? WHERE id = ? AND deleted IS NULL", (now_stamp(), draft_id)
                ).rowcount
                == 0
            ):
                self.info(draft_id)

    def undelete(self, draft_id: DraftId) -> None:
        with self.tx() as c:
            if c.execute("UPDATE drafts SET deleted = NULL WHERE id = ?", (draft_id,)).rowcount == 0:
                raise _missing(draft_id)

    def purge(self, draft_id: DraftId) -> None:
        """Remove a draft in the bin for good, with its history and export records."""
        with self.tx() as c:
            if not self.info(draft_id).deleted:
                raise StoreError(f"Bản nháp số {draft_id} chưa ở thùng rác; hãy xóa (chuyển vào thùng rác) trước.")
            search.forget(c, draft_id)
            c.execute("DELETE FROM drafts WHERE id = ?", (draft_id,))

    def duplicate(self, draft_id: DraftId) -> DraftId:
        stored = self.load(draft_id)
        title = f"{stored.draft.title} (bản sao)" if stored.draft.title else ""
        with self.tx():
            return self._insert(replace(stored.draft, title=title), stored.info.unit_id, "duplicate")

    def new_from_previous(
        self, draft_id: DraftId, period: Period | None = None, *, form: str | None = None, title: str = ""
    ) -> DraftId:
        """A draft for the next period (or `period`) carrying over what `carried_over` keeps, in `form` (default:
        the previous draft's) and named `title`."""
        from kpdesk import draft as drafts

        stored = self.load(draft_id)
        period = period or stored.draft.period.next()
        kind, source = kind_for_period(stored.draft.kind, period), stored.draft
        if kind.version > source.kind_version:  # the new period falls under a newer version of the kind
            source = drafts.upgrade_draft(source, kind)[0]
        new = carried_over(kind, source, period, form=form, title=title)
        with self.tx():
            return self._insert(new, stored.info.unit_id, "previous", kind)

    # ------------------------------------------------------------------ files and exports

    def import_file(self, path: Path, unit_id: UnitId | None = None, *, allow_same: bool = True) -> DraftId:
        """Import a JSON draft, or a .docx made by kpdesk. Without `allow_same`, a draft already stored with the same
        content (not in the bin) is not stored twice: `AlreadyStored` names it (what `kpdesk import` does)."""
        from kpdesk import draft as drafts

        path = Path(path)
        suffix = path.suffix.lower()
        if suffix == ".docx":
            try:
                from kpdesk.render import draft_from_docx
            except ImportError:
                raise StoreError(
                    "Phiên bản kpdesk này chưa đọc được tệp Word (.docx); hãy nhập tệp bản nháp .json."
                ) from None
            d = draft_from_docx(path)
        elif suffix == ".json":
            d = drafts.load(path)
        else:
            raise StoreError(
                f"Không nhập được {path.name}: chỉ nhập được tệp bản nháp .json hoặc báo cáo .docx do kpdesk tạo."
            )
        if allow_same:
            return self.add_draft(d, unit_id)
        with self.tx():  # the check and the insert in one transaction: two imports at once cannot both pass it
            same = self.same_draft(d, unit_id)
            if same is not None:
                name = same.title or f"{same.period.label}, {same.unit_name}"
                raise AlreadyStored(
                    f"{path.name} đã được nhập: bản nháp số {same.id} ({name}) có đúng nội dung này, "
                    f"nên không nhập thêm một bản trùng. Hãy mở bản nháp số {same.id} để soạn tiếp.",
                    same.id,
                )
            return self.add_draft(d, unit_id)

    def same_draft(self, d: Draft, unit_id: UnitId | None = None) -> DraftInfo | None:
        """The stored draft (not in the bin) whose content is exactly `d`'s, of unit `unit_id` when given."""
        from kpdesk import draft as drafts

        data = drafts.to_json(d)
        p = d.period
        with self.read() as c:
            rows = c.execute(
                f"SELECT {INFO_COLUMNS}, b.data FROM drafts d JOIN draft_data b ON b.draft_id = d.id "
                "WHERE d.kind = ? AND d.period_type = ? AND d.period_year = ? AND d.period_month IS ? "
                "AND d.period_half IS ? AND d.deleted IS NULL ORDER BY d.id",
                (d.kind, p.type, p.year, p.month if p.type == "month" else None, p.half if p.type == "half" else None),
            ).fetchall()
        for row in rows:
            if (unit_id is None or row[9] == unit_id) and json.loads(row[15]) == data:
                return info_of(row)
        return None

    def export_json(self, draft_id: DraftId, path: Path) -> None:
        """Write the draft's JSON form to `path` (replaced atomically; a `WriteError` says what to do)."""
        from kpdesk import draft as drafts

        write_atomic(Path(path), drafts.dumps(self.load(draft_id).draft).encode("utf-8"))

    def record_export(self, draft_id: DraftId, path: Path, sha256: str, revision: int) -> None:
        """Remember that `path` (.docx, with this SHA-256) was made from `revision`; the draft becomes "exported"."""
        sha = sha256.strip().lower()
        if not re.fullmatch(r"[0-9a-f]{64}", sha):
            raise StoreError("Mã SHA-256 của tệp đã xuất phải gồm 64 chữ số hệ 16.")
        with self.tx() as c:
            self.info(draft_id)
            if (
                c.execute(
                    "SELECT 1 FROM revisions WHERE draft_id = ? AND revision = ?", (draft_id, revision)
                ).fetchone()
                is None
            ):
                raise NotFound(f"Bản nháp số {draft_id} không có phiên bản lưu số {revision}.")
            c.execute(
                "INSERT INTO exports (draft_id, revision, path, exported, sha256) VALUES (?, ?, ?, ?, ?)",
                (draft_id, revision, str(Path(path).absolute()), now_stamp(), sha),
            )
            c.execute("UPDATE drafts SET status = 'exported' WHERE id = ?", (draft_id,))
            # a department's return letter is answered by exporting again: its points are no longer shown
            c.execute(
                "UPDATE corrections SET cleared = ? WHERE draft_id = ? AND cleared IS NULL", (now_stamp(), draft_id)
            )
            search.refresh(c, draft_id)  # the export closes the edit revision

    def exports(self, draft_id: DraftId) -> list[ExportRecord]:
        """Every .docx recorded for the draft, newest first."""
        with self.read() as c:
            rows = c.execute(
                "SELECT path, exported, sha256, revision FROM exports WHERE draft_id = ? "
                "ORDER BY exported DESC, id DESC",
                (draft_id,),
            ).fetchall()
        from kpdesk.store.opened import ExportRecord

        return [ExportRecord(Path(p), local_time(when), sha, rev) for p, when, sha, rev in rows]

    def was_exported(self, draft_id: DraftId) -> bool:
        """Whether a .docx was ever recorded for the draft (what is due asks this of each unit's latest drafts)."""
        with self.read() as c:
            return c.execute("SELECT 1 FROM exports WHERE draft_id = ? LIMIT 1", (draft_id,)).fetchone() is not None


# ---------------------------------------------------------------------------- rules


def _missing(draft_id: int) -> NotFound:
    return NotFound(f"Không có bản nháp số {draft_id}. Xem danh sách bằng lệnh: kpdesk drafts")


def _check_period(kind: Kind, period: Period) -> None:
    if period.type not in kind.periods:
        raise StoreError(
            f"Mẫu «{kind.name}» chỉ dùng cho kỳ báo cáo: "
            f"{', '.join(PERIOD_NAMES[p] for p in kind.periods)}; không dùng cho kỳ {period.label}."
        )


def _check_form(kind: Kind, form: str) -> str:
    if form not in kind.forms:
        raise StoreError(f"Mẫu «{kind.name}» không có hình thức «{form}»; chọn: {', '.join(kind.forms)}.")
    return form


def carried_over(kind: Kind, src: Draft, period: Period, *, form: str | None = None, title: str = "") -> Draft:
    """A draft for `period` made from `src`: the fields marked `carry` (with their unread text), and the unit,
    signer, Kính gửi, Nơi nhận and money unit; `form` (default: the source's) and `title`. Everything per period
    (the other figures, number, date) is left empty."""
    from kpdesk.draft import Draft

    _check_period(kind, period)
    form = _check_form(kind, form or src.form)
    carried = [f.id for f in kind.fields if f.carry]
    values = {fid: src.values[fid] for fid in carried if fid in src.values}
    from kpdesk.edits import inputs_of

    inputs = {key: text for fid in carried for key, text in inputs_of(src, fid).items()}
    return Draft(
        kind=src.kind,
        kind_version=kind.version,
        period=period,
        unit=src.unit,
        form=form,
        signer=src.signer,
        to=src.to,
        recipients=src.recipients,
        values=values,
        money_unit=src.money_unit,
        inputs=inputs,
        title=clean_line(title),
    )
