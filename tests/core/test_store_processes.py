"""The store under real use: two processes at once, a process killed mid-save or mid-burst, ten thousand drafts.

`KPDESK_KILL_RUNS` sets how many times the writer is killed (default 50; e.g. 2000 for a long run).
"""

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kpdesk import draft as drafts
from kpdesk.draft import Period
from kpdesk.kinds import get_kind
from kpdesk.store import Store, UnitProfile

ROOT = Path(__file__).resolve().parents[2]
MONTHLY = "co-che-tai-chinh-thang"
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}

# A writer: opens the store, says READY, waits for a start number, then edits, saves and creates drafts for ever,
# printing one line per operation only after the call (and so the commit) has returned.
WRITER = r"""
import sys
from dataclasses import replace
from pathlib import Path
from kpdesk.draft import Period
from kpdesk.store import Store

data_dir, draft_id, unit_id, coalesce = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
store = Store.open(data_dir)
store.coalesce_seconds = coalesce
print("READY", flush=True)
i = int(sys.stdin.readline())
limit = i + int(sys.argv[5]) if len(sys.argv) > 5 else None
while limit is None or i < limit:
    i += 1
    if i % 7 == 0:
        d = store.load(draft_id).draft
        rev = store.save(draft_id, replace(d, title=f"Tiêu đề {i}"))
        print(f"SAVE {draft_id} {i} {rev}", flush=True)
    elif i % 23 == 0:
        new = store.create_draft("co-che-tai-chinh-thang", Period("month", 2026, 1 + i % 12), unit_id)
        print(f"NEW {new} {i} 1", flush=True)
    else:
        rev = store.set_value(draft_id, "request_subject", f"giá trị {i}")
        print(f"SET {draft_id} {i} {rev}", flush=True)
    if i % 5 == 0:
        store.list_drafts(text="gia tri")
print("DONE", flush=True)
"""


def counter(text: str | None) -> int:
    return int(text.rsplit(" ", 1)[1]) if text else 0


def start_writer(data_dir, draft_id, unit_id, coalesce=30.0, count=None):
    args = [sys.executable, "-c", WRITER, str(data_dir), str(draft_id), str(unit_id), str(coalesce)]
    if count is not None:
        args.append(str(count))
    return subprocess.Popen(
        args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV, cwd=ROOT
    )


def wait_ready(proc):
    line = proc.stdout.readline()
    if line != b"READY\n":
        proc.kill()
        raise AssertionError(f"writer did not start: {line!r} {proc.stderr.read().decode(errors='replace')}")


def setup_db(data_dir: Path, n: int = 1):
    with Store.open(data_dir) as store:
        unit = store.save_unit(UnitProfile(name="Thiệu Trung", province="Thanh Hóa", contact_name="Nghiêm Duy Cương"))
        ids = [store.create_draft(MONTHLY, Period("month", 2026, 4), unit, title="Tiêu đề 0") for _ in range(n)]
    return unit, ids


class Acks:
    """What the writers acknowledged: the highest counter per draft and field, every revision and new draft."""

    def __init__(self):
        self.value = {}  # draft id -> highest acknowledged set_value counter
        self.title = {}  # draft id -> highest acknowledged save counter
        self.revs = []  # (kind, draft, counter, revision)
        self.new = []

    def take(self, raw: bytes) -> int:
        n = 0
        for line in raw.decode().splitlines(keepends=True):
            if not line.endswith("\n") or line.split()[0] not in ("SET", "SAVE", "NEW"):
                continue
            op, draft_id, i, rev = line.split()
            draft_id, i, rev = int(draft_id), int(i), int(rev)
            n += 1
            if op == "NEW":
                self.new.append(draft_id)
                continue
            target = self.value if op == "SET" else self.title
            target[draft_id] = max(target.get(draft_id, 0), i)
            self.revs.append((op, draft_id, i, rev))
        return n

    def check(self, path: Path) -> None:
        """Every acknowledged write is in the file, and the file is sound."""
        c = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            assert c.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            data = {i: json.loads(t) for i, t in c.execute("SELECT draft_id, data FROM draft_data")}
            current = dict(c.execute("SELECT id, revision FROM drafts"))
            for draft_id, i in self.value.items():
                assert counter(data[draft_id]["values"].get("request_subject")) >= i, (draft_id, i)
            for draft_id, i in self.title.items():
                assert counter(data[draft_id]["title"]) >= i, (draft_id, i)
            for op, draft_id, i, rev in self.revs:
                assert rev <= current[draft_id]
                row = c.execute(
                    "SELECT data FROM revisions WHERE draft_id = ? AND revision = ?", (draft_id, rev)
                ).fetchone()
                assert row is not None, (op, draft_id, i, rev)
                saved = json.loads(row[0])
                if op == "SAVE":
                    assert saved["title"] == f"Tiêu đề {i}"
                else:
                    assert counter(saved["values"]["request_subject"]) >= i
            for draft_id in self.new:
                assert draft_id in current and draft_id in data
        finally:
            c.close()


def test_two_processes_write_and_read_the_same_database(tmp_path):
    unit, (a, b) = setup_db(tmp_path, 2)
    writers = [start_writer(tmp_path, a, unit, count=120), start_writer(tmp_path, b, unit, coalesce=0, count=120)]
    for w in writers:
        wait_ready(w)
    for start, w in zip((0, 1000), writers, strict=True):
        w.stdin.write(f"{start}\n".encode())
        w.stdin.flush()
    acks = Acks()
    with Store.open(tmp_path) as reader:  # and a third connection reads all along
        while any(w.poll() is None for w in writers):
            assert len(reader.list_drafts()) >= 2
            reader.load(a)
            time.sleep(0.005)
    for w in writers:
        out, err = w.communicate()
        assert w.returncode == 0, err.decode(errors="replace")
        assert out.endswith(b"DONE\n")
        acks.take(out)
    assert acks.value[a] >= 110 and acks.value[b] >= 1110
    acks.check(tmp_path / "kpdesk.sqlite3")
    with Store.open(tmp_path) as store:
        assert counter(store.load(a).draft.values["request_subject"]) == acks.value[a]
        assert counter(store.load(b).draft.values["request_subject"]) == acks.value[b]
        assert len(store.revisions(b)) > 100  # without coalescing, every edit is a revision


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_killing_a_writer_mid_save_loses_nothing_acknowledged(tmp_path):
    runs = int(os.environ.get("KPDESK_KILL_RUNS", "50"))
    rng = random.Random(os.environ.get("KPDESK_KILL_SEED", "kpdesk"))
    unit, (draft_id,) = setup_db(tmp_path)
    path = tmp_path / "kpdesk.sqlite3"
    acks = Acks()
    spares = [start_writer(tmp_path, draft_id, unit, coalesce=rng.choice([0, 30])) for _ in range(2)]
    killed_mid_call = 0
    try:
        for run in range(runs):
            proc = spares.pop(0)
            wait_ready(proc)
            if run + len(spares) + 1 < runs:
                spares.append(start_writer(tmp_path, draft_id, unit, coalesce=rng.choice([0, 30])))
            proc.stdin.write(f"{(run + 1) * 1_000_000}\n".encode())
            proc.stdin.flush()
            wanted = rng.randint(1, 25)
            got = 0
            while got < wanted:
                line = proc.stdout.readline()
                if not line:
                    raise AssertionError(f"writer died: {proc.stderr.read().decode(errors='replace')}")
                got += acks.take(line)
            time.sleep(rng.random() * 0.002)
            os.kill(proc.pid, signal.SIGKILL)
            rest, _ = proc.communicate()
            assert proc.returncode == -signal.SIGKILL
            acks.take(rest)
            killed_mid_call += not rest.endswith(b"DONE\n")
            acks.check(path)
    finally:
        for p in spares:
            p.kill()
            p.communicate()
    assert killed_mid_call == runs
    with Store.open(tmp_path) as store:  # and the store opens normally afterwards
        assert store.load(draft_id).info.revision >= 1
        assert store._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
@pytest.mark.parametrize("lose_shm", [False, True], ids=["wal-and-shm", "wal-only"])
def test_the_next_open_recovers_what_a_killed_lone_writer_committed(tmp_path, lose_shm):
    unit, (draft_id,) = setup_db(tmp_path)
    proc = start_writer(tmp_path, draft_id, unit, coalesce=0)
    wait_ready(proc)
    proc.stdin.write(b"0\n")
    proc.stdin.flush()
    acks = Acks()
    while acks.value.get(draft_id, 0) < 30:
        acks.take(proc.stdout.readline())
    os.kill(proc.pid, signal.SIGKILL)  # no other connection is open: nothing was checkpointed
    acks.take(proc.communicate()[0])
    wal = tmp_path / "kpdesk.sqlite3-wal"
    assert wal.stat().st_size > 0
    if lose_shm:
        (tmp_path / "kpdesk.sqlite3-shm").unlink()
    with Store.open(tmp_path) as store:
        assert counter(store.load(draft_id).draft.values["request_subject"]) >= acks.value[draft_id]
    acks.check(tmp_path / "kpdesk.sqlite3")


# A typist: one-field edits coalesced into one revision (so the draft's search text is only marked stale), and
# every sixth step a search for the word just typed, which must find the draft (exit 3 otherwise).
TYPIST = r"""
import sys
from pathlib import Path
from kpdesk.store import Store

data_dir, draft_id = Path(sys.argv[1]), int(sys.argv[2])
store = Store.open(data_dir)
print("READY", flush=True)
i = int(sys.stdin.readline())
while True:
    i += 1
    if i % 6 == 0:
        found = [d.id for d in store.list_drafts(text=f"tu{i - 1}z")]
        if found != [draft_id]:
            print(f"STALE {i - 1} {found}", flush=True)
            sys.exit(3)
        print(f"FOUND {draft_id} {i - 1} 0", flush=True)
    else:
        rev = store.set_value(draft_id, "request_subject", f"Từ khóa tu{i}z")
        print(f"SET {draft_id} {i} {rev}", flush=True)
"""


def unmarked_stale(conn):
    """Drafts whose search row is not the search text of their data without being marked stale (none, ever)."""
    from kpdesk.store.search import search_text as _search_text

    rows = conn.execute(
        "SELECT d.id, d.search_stale, b.data, s.text FROM drafts d "
        "JOIN draft_data b ON b.draft_id = d.id LEFT JOIN draft_search s ON s.rowid = d.id"
    )
    return [i for i, stale, data, text in rows if not stale and text != _search_text(json.loads(data))]


def typed(value: str) -> int:
    return int(value.removeprefix("Từ khóa tu").removesuffix("z"))


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_killing_a_typist_mid_burst_leaves_the_flag_and_the_next_search_is_right(tmp_path):
    runs = max(3, int(os.environ.get("KPDESK_KILL_RUNS", "50")) // 4)
    rng = random.Random(os.environ.get("KPDESK_KILL_SEED", "kpdesk") + "-typist")
    _, (draft_id,) = setup_db(tmp_path)
    path = tmp_path / "kpdesk.sqlite3"

    def typist():
        return subprocess.Popen(
            [sys.executable, "-c", TYPIST, str(tmp_path), str(draft_id)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=ENV,
            cwd=ROOT,
        )

    spares = [typist()]
    left_stale = 0
    try:
        for run in range(runs):
            proc = spares.pop(0)
            wait_ready(proc)
            if run + 1 < runs:
                spares.append(typist())
            proc.stdin.write(f"{(run + 1) * 1_000_000}\n".encode())
            proc.stdin.flush()
            acked: list[int] = []
            wanted = rng.randint(2, 30)
            while len(acked) < wanted:
                line = proc.stdout.readline()
                if not line.startswith((b"SET", b"FOUND")):
                    raise AssertionError(f"typist: {line!r} {proc.stderr.read().decode(errors='replace')}")
                if line.startswith(b"SET"):
                    acked.append(int(line.split()[2]))
            time.sleep(rng.random() * 0.002)
            os.kill(proc.pid, signal.SIGKILL)
            rest, _ = proc.communicate()
            assert proc.returncode == -signal.SIGKILL and b"STALE" not in rest
            acked += [
                int(x.split()[2]) for x in rest.splitlines(keepends=True) if x.startswith(b"SET") and x.endswith(b"\n")
            ]  # a line cut by the kill is not an ack

            raw = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)  # the file as the kill left it
            try:
                assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
                assert unmarked_stale(raw) == []
                stale, data = raw.execute(
                    "SELECT d.search_stale, b.data FROM drafts d JOIN draft_data b ON b.draft_id = d.id WHERE d.id = ?",
                    (draft_id,),
                ).fetchone()
            finally:
                raw.close()
            left_stale += stale
            current = typed(json.loads(data)["values"]["request_subject"])
            assert current >= acked[-1]  # nothing acknowledged is lost (one more may have committed)
            with Store.open(tmp_path) as store:  # the next window: its first search re-indexes the draft
                assert [i.id for i in store.list_drafts(text=f"TU{current}Z")] == [draft_id]
                for old in {acked[0], acked[-1]} - {current}:
                    assert store.list_drafts(text=f"tu{old}z") == [], old
                assert (
                    store._conn.execute("SELECT search_stale FROM drafts WHERE id = ?", (draft_id,)).fetchone()[0] == 0
                )
                assert unmarked_stale(store._conn) == []
    finally:
        for p in spares:
            p.kill()
            p.communicate()
    assert left_stale >= runs // 2, f"only {left_stale} of {runs} kills left a stale search text"
    with Store.open(tmp_path) as store:
        assert len(store.revisions(draft_id)) <= 1 + runs  # the edits were coalesced


def test_listing_and_searching_ten_thousand_drafts_finds_the_right_ones(tmp_path):
    """Correctness only: how fast this is, is measured in bench/ against a floor."""
    kind = get_kind(MONTHLY)
    words = ["nông nghiệp", "chuyển đổi số", "thương mại điện tử", "giáo dục", "y tế", "du lịch", "thủy sản"]
    rng = random.Random(7)
    with Store.open(tmp_path) as store:
        units = [store.save_unit(UnitProfile(name=f"Xã số {n}", province="Thanh Hóa")) for n in range(20)]
        with store.tx():
            for n in range(10_000):
                month = 1 + n % 12
                d = drafts.new_draft(
                    kind,
                    Period("month", 2000 + n // 12 % 200, month),
                    drafts.Unit(f"Xã số {n % 20}", province="Thanh Hóa"),
                    title=f"Báo cáo {n}",
                    values={
                        "overview": [
                            f"Đẩy mạnh {rng.choice(words)} tại địa phương, đợt {n}.",
                            f"Kết quả {rng.choice(words)} khả quan.",
                        ],
                        "budget_total": 352_000_000 + n,
                        "request_subject": "định kỳ hằng tháng",
                    },
                )
                store._insert(d, units[n % 20], "import", kind)
            store._conn.execute("UPDATE drafts SET status = 'exported' WHERE id % 10 = 0")

        for filters, count in [
            ({}, 10_000),
            ({"text": "thủy sản"}, None),
            ({"text": "dinh ky"}, 10_000),
            ({"kind": MONTHLY, "status": "exported", "text": "chuyen doi"}, None),
            ({"period": Period("month", 2003, 4)}, None),
            ({"text": "Báo cáo 9999"}, 1),
            ({"unit_id": units[3], "limit": 50}, 50),
        ]:
            found = store.list_drafts(**filters)
            assert found and (count is None or len(found) == count), filters
        assert [i.updated for i in found] == sorted((i.updated for i in found), reverse=True)
