"""The store: saving one field's change (p50/p95) and listing/searching 10,000 drafts.

Saving a keystroke, two ways through the one write path: the window's (`kpdesk.edits.apply` of the edit to the
session's draft, then `DraftWriter.write` of the draft with what changed: `Store.save`, coalesced into the open edit
revision) and `Store.set_value` (the convenience for scripts and tests: it also reads the stored draft back first).
Goal for both: p95 under 5 ms. Floor: a bare sqlite3 connection in the same folder with the store's PRAGMAs (WAL,
synchronous=FULL, foreign keys, busy timeout) doing BEGIN IMMEDIATE + one INSERT of the draft's JSON text + COMMIT:
the least a durable save of the draft can cost on this disk.

`list_drafts` goal: under 100 ms with 10,000 drafts, with and without text and kind filters. Floor: a bare
`SELECT` of the same columns and rows (same WHERE, same ORDER BY) on the store's own connection, fetched as tuples.
The 10,000-draft database is built once (~10 s) and kept in ~/.cache/kpdesk-bench, keyed by the code and data
that make it.

`Store.open` of that database: no goal; floor: sqlite3 connect + `PRAGMA quick_check`.
"""

from __future__ import annotations

import inspect
import itertools
import sqlite3
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench import (
    Config,
    Result,
    cache_dir,
    example_paths,
    interleaved,
    largest_example,
    log,
    median,
    percentile,
    timing,
)

AREA = "store"
SET_VALUE_GOAL_S = 0.005
LIST_GOAL_S = 0.100


def _bare_connection(path: Path) -> sqlite3.Connection:
    from kpdesk.store import BUSY_TIMEOUT_MS, SYNCHRONOUS

    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(f"PRAGMA synchronous = {SYNCHRONOUS}")
    conn.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, data TEXT NOT NULL)")
    return conn


def _text_field(kind: Any, d: Any) -> str:
    """A text field of the draft the officer types into (longtext first)."""
    for wanted in ("longtext", "text"):
        for f in kind.fields:
            if f.type == wanted and isinstance(d.values.get(f.id), str):
                return f.id
    return next(f.id for f in kind.fields if f.type in ("longtext", "text"))


def set_value(config: Config, tmp: Path) -> list[Result]:
    from kpdesk import draft as drafts
    from kpdesk import edits
    from kpdesk.kinds import get_kind
    from kpdesk.store import DraftWriter, Store

    path = largest_example()
    d = drafts.load(path)
    kind = get_kind(d.kind)
    field_id = _text_field(kind, d)
    base = d.values[field_id]
    data_dir = tmp / "set-value"
    store = Store.open(data_dir, daily_backup=False)
    bare = _bare_connection(data_dir / "floor.sqlite3")
    try:
        by_window, by_call = store.add_draft(d), store.add_draft(d)
        writer = DraftWriter(store, by_window)
        session = {"draft": d}
        text = drafts.dumps(d)
        counter = itertools.count()

        def window() -> None:  # what one keystroke costs the window once the autosave timer fires
            session["draft"], changes = edits.apply(
                kind, session["draft"], edits.SetField(field_id, f"{base} {next(counter)}")
            )
            writer.write(session["draft"], changes)

        def call() -> None:
            store.set_value(by_call, field_id, f"{base} {next(counter)}")  # a new value every time: a real write

        def floor() -> None:
            bare.execute("BEGIN IMMEDIATE")
            bare.execute("INSERT INTO t (data) VALUES (?)", (text,))
            bare.execute("COMMIT")

        samples = interleaved(
            {"window": window, "call": call, "floor": floor}, warmup=config.warmup * 5, repeat=config.store_samples
        )
        revisions = {name: len(store.revision_list(i)) for name, i in (("window", by_window), ("call", by_call))}
    finally:
        bare.close()
        store.close()
    floor_p95 = percentile(samples["floor"], 95)
    results = []
    for name, key, how in (
        ("Store.save one-field edit, the window's path", "window", "edits.apply + DraftWriter.write"),
        ("Store.set_value one field", "call", "Store.set_value"),
    ):
        results.append(
            timing(
                name,
                AREA,
                samples[key],
                "sqlite3 INSERT+COMMIT, same PRAGMAs",
                samples["floor"],
                goal="p95 < 5 ms",
                met=lambda med, p95, ratio: p95 is not None and p95 < SET_VALUE_GOAL_S,
                p95=True,
                note=f"{how}; {path.name}, field «{field_id}», {len(samples[key])} edits in {revisions[key]} "
                f"revision(s) (coalesced); floor p95 {floor_p95 * 1e3:.2f} ms",
                extra={
                    "field": field_id,
                    "floor_p95_s": floor_p95,
                    "revisions": revisions[key],
                    "json_bytes": len(text.encode()),
                },
            )
        )
    return results


def _populate(store: Any, n: int) -> dict[str, Any]:
    """Add `n` drafts: the examples under 16 units × 4 provinces, many periods and titles, in batches of one
    transaction each (populating is not what is measured)."""
    from kpdesk import draft as drafts
    from kpdesk.draft import Period
    from kpdesk.store import UnitProfile

    bases = [drafts.load(p) for p in example_paths()]
    names = [
        "Thiệu Trung",
        "Bỉm Sơn",
        "Triệu Sơn",
        "Kiến Thụy",
        "Đông Hải",
        "Quảng Phú",
        "Hoằng Hóa",
        "Nga Sơn",
        "Tĩnh Gia",
        "Yên Định",
        "Cẩm Thủy",
        "Vĩnh Lộc",
        "Thọ Xuân",
        "Ngọc Lặc",
        "Như Thanh",
        "Hà Trung",
    ]
    provinces = ["Thanh Hóa", "Hải Phòng", "Nghệ An", "Hà Tĩnh"]
    units: dict[tuple[str, str], Any] = {}
    made = []
    for i in range(n):
        src = bases[i % len(bases)]
        name = names[(i // len(bases)) % len(names)]
        province = provinces[(i // (len(bases) * len(names))) % len(provinces)]
        if (name, province) not in units:
            units[name, province] = store.save_unit(UnitProfile(name=name, province=province))
        unit = replace(src.unit, name=name, province=province)
        year = 2020 + (i // 97) % 7
        if src.period.type == "month":
            period = Period("month", year, month=1 + i % 12)
        elif src.period.type == "half":
            period = Period("half", year, half=1 + i % 2)
        else:
            period = Period("year", year)
        made.append(
            (replace(src, unit=unit, period=period, title=f"{src.title or 'Báo cáo'} số {i}"), units[name, province])
        )
    batch = 500
    for start in range(0, n, batch):
        with store.tx():  # one transaction per batch: nested calls join it (see Database.tx)
            for d, unit_id in made[start : start + batch]:
                store.add_draft(d, unit_id)
    return {"kinds": sorted({d.kind for d in bases})}


def _cache_key(n: int) -> str:
    """Changes whenever what the populated database holds could change."""
    import hashlib

    from bench import ROOT

    h = hashlib.sha256(f"{n}".encode())
    files = sorted((ROOT / "kpdesk" / "store").glob("*.py")) + sorted((ROOT / "kpdesk" / "kinds").glob("*.py"))
    files += [ROOT / "kpdesk" / name for name in ("draft.py", "period.py", "vn.py")]
    files += example_paths() + sorted((ROOT / "templates").glob("*/kind.toml"))
    for f in files:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    h.update(inspect.getsource(_populate).encode())
    return h.hexdigest()[:16]


def populated_store(data_dir: Path, n: int) -> Any:
    """Open a store in `data_dir` holding `n` drafts; a database of 1,000 drafts or more is built once and kept
    in ~/.cache/kpdesk-bench (keyed by the code and data that make it), then copied."""
    import os
    import shutil
    import time

    from kpdesk.store import DB_NAME, Store

    cached = cache_dir() / f"drafts-{n}-{_cache_key(n)}.sqlite3"
    if n >= 1000 and cached.is_file():
        data_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cached, data_dir / DB_NAME)
        store = Store.open(data_dir, daily_backup=False)
        log(f"  {n} drafts copied from {cached}")
        return store, {"kinds": sorted({drafts_kind(p) for p in example_paths()}), "cached": True}
    store = Store.open(data_dir, daily_backup=False)
    t0 = time.perf_counter()
    info = _populate(store, n)
    log(f"  populated {n} drafts in {time.perf_counter() - t0:.1f} s")
    if n >= 1000:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            for old in cached.parent.glob(f"drafts-{n}-*.sqlite3"):
                old.unlink()
            tmp = cached.with_name(f".{cached.name}.{os.getpid()}.tmp")
            target = sqlite3.connect(tmp)
            try:
                store._conn.backup(target)
                target.execute("PRAGMA journal_mode = DELETE")
            finally:
                target.close()
            os.replace(tmp, cached)
        except OSError as exc:
            log(f"  (could not keep the populated database in {cached.parent}: {exc})")
    return store, {**info, "cached": False}


def drafts_kind(path: Path) -> str:
    import json

    return json.loads(path.read_text(encoding="utf-8"))["kind"]


def list_drafts(config: Config, tmp: Path) -> list[Result]:
    from kpdesk.store.info import INFO_COLUMNS
    from kpdesk.store.search import fts_query

    store, info = populated_store(tmp / "list", config.drafts)
    try:
        kind = info["kinds"][0]
        text = "thieu trung"  # folded search; matches the unit of one draft in 16
        variants = [
            ("all", {}),
            ("text", {"text": text}),
            ("kind", {"kind": kind}),
            ("kind+text", {"kind": kind, "text": text}),
        ]
        conn = store._conn
        results = []
        for label, kwargs in variants:
            where = ["d.deleted IS NULL"]
            args: list[Any] = []
            if "kind" in kwargs:
                where.append("d.kind = ?")
                args.append(kwargs["kind"])
            if "text" in kwargs:
                where.append("d.id IN (SELECT rowid FROM draft_search WHERE draft_search MATCH ?)")
                args.append(fts_query(kwargs["text"]))
            sql = f"SELECT {INFO_COLUMNS} FROM drafts d WHERE {' AND '.join(where)} ORDER BY d.updated DESC, d.id DESC"
            rows = len(store.list_drafts(**kwargs))
            bare_rows = len(conn.execute(sql, args).fetchall())
            samples = interleaved(
                {
                    "subject": lambda kwargs=kwargs: store.list_drafts(**kwargs),
                    "floor": lambda sql=sql, args=args: conn.execute(sql, args).fetchall(),
                },
                warmup=config.warmup,
                repeat=config.list_repeat,
            )
            shown = ", ".join(f"{k}={v!r}" for k, v in kwargs.items()) or "no filter"
            results.append(
                timing(
                    f"Store.list_drafts {config.drafts} drafts: {label}",
                    AREA,
                    samples["subject"],
                    "bare SELECT same rows",
                    samples["floor"],
                    goal="< 100 ms",
                    met=lambda med, p95, ratio: med < LIST_GOAL_S,
                    note=f"{shown}: {rows} rows (bare SELECT {bare_rows})",
                    extra={"filters": kwargs, "rows": rows, "drafts": config.drafts},
                )
            )
            log(f"  list {label}: {rows} rows, {median(samples['subject']) * 1e3:.1f} ms")
    finally:
        store.close()
    results.extend(open_store(config, tmp / "list"))
    return results


def open_store(config: Config, data_dir: Path) -> list[Result]:
    """No goal: opening the store holding the listing drafts, as the command line does (a read-only quick_check of
    the whole file, PRAGMAs, the migration check; the first start of a day also backs the file up, not timed
    here), and as the window does (`check_later`: a read-only connection and the checks that read the first pages;
    the quick_check runs once the window is up). Floor: sqlite3.connect + PRAGMA quick_check + close, the integrity
    check Store.open starts with."""
    from kpdesk.store import DB_NAME, Store

    path = data_dir / DB_NAME

    def floor() -> None:
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA quick_check").fetchall()
        conn.close()

    samples = interleaved(
        {
            "subject": lambda: Store.open(data_dir, daily_backup=False).close(),
            "window": lambda: Store.open(data_dir, daily_backup=False, check_later=True).close(),
            "floor": floor,
        },
        warmup=1,
        repeat=config.list_repeat,
    )
    size = path.stat().st_size
    return [
        timing(
            name,
            AREA,
            samples[key],
            "sqlite3 connect + quick_check",
            samples["floor"],
            note=f"no goal; database {size / 2**20:.0f} MiB; {what}",
            extra={"db_bytes": size},
        )
        for name, key, what in (
            (
                f"Store.open with {config.drafts} drafts",
                "subject",
                "the command line's open; the daily backup (first start of a day) is extra",
            ),
            (
                f"Store.open with {config.drafts} drafts, the window's",
                "window",
                "check_later: the whole-file check and the daily backup run once the window is up",
            ),
        )
    ]


def run(config: Config) -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="kpdesk-bench-store-") as tmp:
        return set_value(config, Path(tmp)) + list_drafts(config, Path(tmp))
