"""Full-text search of drafts: folded text ("Thiệu" ~ "thieu"), the FTS5 index and its stale flags.

`draft_search` holds a folded text of each draft. Every write indexes the draft at once, except an edit coalesced
into the open edit revision (typing), which only marks the draft `search_stale` in the same transaction. Stale
drafts are re-indexed, in one transaction, before any text search, when the edit revision closes (a save, a
restore, an export, the first edit after the coalescing window) and when the store closes; a flag left by a crash
stays in the file until the next of these. A search never sees a stale row.
"""

from __future__ import annotations

import json
import sqlite3
import unicodedata
from typing import Any

from kpdesk.text import LazyPattern

#: Is any draft's search text stale? (answered from the partial index `drafts_search_stale`)
ANY_STALE = "SELECT 1 FROM drafts WHERE search_stale = 1 LIMIT 1"
#: The condition of a text search (its one parameter: `fts_query`), and the same for a database open read-only,
#: where stale rows cannot be re-indexed: the index answers for the others, the drafts' data for the stale ones
#: (its second parameter: their ids as a JSON array, `stale_matches`).
MATCHES = "d.id IN (SELECT rowid FROM draft_search WHERE draft_search MATCH ?)"
MATCHES_READ_ONLY = (
    f"(d.search_stale = 0 AND {MATCHES} OR d.search_stale = 1 AND d.id IN (SELECT value FROM json_each(?)))"
)

_MARKS = LazyPattern("[\u0300-\u036f]")
_WORD = LazyPattern(r"\w+")


def fold(text: str) -> str:
    """Lower case without diacritics, đ → d: how search text is indexed and matched ("Thiệu" ~ "thieu")."""
    text = text.replace("đ", "d").replace("Đ", "d")
    return _MARKS.sub("", unicodedata.normalize("NFD", text)).lower()


def search_text(data: dict[str, Any]) -> str:
    """The folded text a draft (its JSON form) is found by: title, unit and every value."""
    unit = data.get("unit") or {}
    parts: list[str] = [str(data.get("title") or ""), f"{unit.get('level', '')} {unit.get('name', '')}"]

    def walk(value: Any) -> None:
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, bool) or value is None:
            return
        elif isinstance(value, (int, float)):
            parts.append(str(value))
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)

    walk(data.get("values") or {})
    return fold("\n".join(parts))


def fts_query(text: str) -> str | None:
    """The FTS5 query matching every word of `text` (or its beginning); None when it has no word."""
    words = _WORD.findall(fold(text))
    return " ".join(f'"{w}"*' for w in words) or None


def index(c: sqlite3.Connection, draft_id: int, data: dict[str, Any], *, new: bool = False) -> None:
    """Make the draft's `draft_search` row the search text of `data` (rewritten only when it differs)."""
    text = search_text(data)
    if not new:
        old = c.execute("SELECT text FROM draft_search WHERE rowid = ?", (draft_id,)).fetchone()
        if old is not None and old[0] == text:
            return
        c.execute("DELETE FROM draft_search WHERE rowid = ?", (draft_id,))
    c.execute("INSERT INTO draft_search (rowid, text) VALUES (?, ?)", (draft_id, text))


def refresh(c: sqlite3.Connection, draft_id: int | None = None) -> int:
    """Re-index the stale drafts (or only `draft_id`, if stale) inside the current write transaction; return how
    many were."""
    sql = "SELECT d.id, b.data FROM drafts d JOIN draft_data b ON b.draft_id = d.id WHERE d.search_stale = 1"
    rows = (c.execute(sql + " AND d.id = ?", (draft_id,)) if draft_id is not None else c.execute(sql)).fetchall()
    for did, text in rows:
        index(c, did, json.loads(text))
        c.execute("UPDATE drafts SET search_stale = 0 WHERE id = ?", (did,))
    return len(rows)


def stale_matches(c: sqlite3.Connection, text: str) -> list[int]:
    """The stale drafts whose current data matches `text` as `fts_query` does in the index (every word of it, or
    its beginning, among the words of the search text); for reading without re-indexing."""
    words = _WORD.findall(fold(text))
    found = []
    for did, data in c.execute(
        "SELECT d.id, b.data FROM drafts d JOIN draft_data b ON b.draft_id = d.id WHERE d.search_stale = 1"
    ):
        tokens = set(_WORD.findall(search_text(json.loads(data))))
        if all(any(t.startswith(w) for t in tokens) for w in words):
            found.append(did)
    return found


def forget(c: sqlite3.Connection, draft_id: int) -> None:
    """Remove a draft's search row (when the draft itself is removed)."""
    c.execute("DELETE FROM draft_search WHERE rowid = ?", (draft_id,))
