"""Crash safety and storage faults through the code the window uses to save (DraftSession + DraftWriter).

A fork server imports kpdesk and the shell once, then forks one editing child after another; each child edits a
stored draft through `DraftSession` (the wizard's session) writing through a `DraftWriter`, as the window's wizard
does (`MainWindow.open_draft`), acknowledging each edit
only after the save returned, and is killed with SIGKILL at a random moment. After every kill the parent checks
that the database holds the last acknowledged state (or the one edit after it, committed but not acknowledged);
at the end the file passes `PRAGMA integrity_check`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kpdesk import draft as drafts
from kpdesk.store import Store

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "000-thieu-trung-bao-cao-thang.json"
KILLS = int(os.environ.get("KPDESK_KILLS", "200"))

SERVER = textwrap.dedent('''
    import json, os, random, signal, sqlite3, sys, time
    from PySide6.QtCore import QCoreApplication
    from kpdesk.kinds import get_kind
    import ui.main_window  # noqa: F401 - the window and its wizard, loaded once as in the program
    from kpdesk.store import DraftWriter, Store
    from ui.wizard.session import DraftSession

    data, draft_id, kills, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    rng = random.Random(seed)

    def state(n, k):
        """What the draft holds after child n's edit k (k = 0: before its first edit)."""
        return {"note": f"Ghi chú {n}.{k}" if k % 2 else None, "number": str(k % 97 + 1) if k and not k % 2 else None}

    def current():
        with Store.open(data) as store:
            d = store.load(draft_id).draft
        return d.values.get("budget_note"), d.number

    def child(n, fd):
        app = QCoreApplication([])
        store = Store.open(data)
        stored = store.load(draft_id)
        kind = get_kind(stored.draft.kind)
        session = DraftSession(kind, stored.draft, DraftWriter(store, draft_id))
        k = 0
        while True:
            k += 1
            if k % 2:
                session.set_value("budget_note", f"Ghi chú {n}.{k}")   # a typed field: joins the edit revision
            else:
                session.update(number=str(k % 97 + 1))                   # the document step: a new revision
            if not session.flush():
                os._exit(3)
            os.write(fd, f"{k}\\n".encode())

    previous = current()
    acked_total = 0
    for n in range(kills):
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            try:
                child(n, w)
            finally:
                os._exit(4)
        os.close(w)
        time.sleep(rng.uniform(0.05, 0.35))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        if not os.WIFSIGNALED(status):
            print(json.dumps({"error": f"child {n} ended by itself with status {status}"})); sys.exit(1)
        acks = [int(x) for x in os.read(r, 1 << 20).split()]
        os.close(r)
        acked_total += len(acks)
        last = acks[-1] if acks else 0
        note, number = current()
        allowed = []
        for k in (last, last + 1):
            note_k = f"Ghi chú {n}.{k}" if k % 2 else f"Ghi chú {n}.{k - 1}" if k > 1 else previous[0]
            number_k = str(k % 97 + 1) if k and not k % 2 else str((k - 1) % 97 + 1) if k > 2 else previous[1]
            allowed.append((note_k, number_k))
        if (note, number) not in allowed:
            print(json.dumps({"error": f"kill {n}: acknowledged edit {last} lost", "found": [note, number],
                              "allowed": allowed})); sys.exit(1)
        previous = (note, number)
    con = sqlite3.connect(os.path.join(data, "kpdesk.sqlite3"))
    check = con.execute("PRAGMA integrity_check").fetchone()[0]
    con.close()
    print(json.dumps({"kills": kills, "acknowledged": acked_total, "integrity": check}))
''')


@pytest.fixture
def stored_draft(tmp_path):
    data = tmp_path / "Nguyễn Văn A" / "dữ liệu"
    with Store.open(data) as store:
        draft_id = store.add_draft(drafts.load(EXAMPLE))
    return data, draft_id


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the fork server needs os.fork (Linux, macOS)")
def test_edits_through_the_windows_save_path_survive_sigkill_at_random_moments(stored_draft, figures):
    data, draft_id = stored_draft
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run([sys.executable, "-c", SERVER, str(data), str(draft_id), str(KILLS), "2026"],
                            capture_output=True, text=True, timeout=60 + KILLS * 3, env=env)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["kills"] == KILLS >= 1 and summary["integrity"] == "ok"
    assert summary["acknowledged"] >= KILLS, "the children must have saved edits before being killed"
    figures.crafted("test_store_faults", KILLS)
    with Store.open(data) as store:
        assert store.load(draft_id).draft.values["budget_note"].startswith("Ghi chú ")


def test_a_full_disk_during_autosave_keeps_the_change_pending_and_saves_it_when_there_is_room(
        stored_draft, qapp, figures):
    from kpdesk.kinds import get_kind
    from kpdesk.store import DraftWriter
    from ui.wizard.session import DraftSession

    data, draft_id = stored_draft
    store = Store.open(data)
    try:
        stored = store.load(draft_id)
        session = DraftSession(get_kind(stored.draft.kind), stored.draft, DraftWriter(store, draft_id))
        failures: list[str] = []
        session.save_failed.connect(failures.append)
        pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
        store._conn.execute(f"PRAGMA max_page_count = {pages}")  # SQLite itself now answers "disk is full"
        long_note = "Nội dung dài. " * 20_000  # needs new pages
        session.set_value("budget_note", long_note)
        assert session.flush() is False and session.dirty
        assert failures and "đầy" in failures[-1] and "chưa được lưu" in failures[-1]
        with Store.open(data) as other:
            assert other.load(draft_id).draft.values.get("budget_note") != long_note
        store._conn.execute("PRAGMA max_page_count = 1073741823")  # room again
        assert session.flush() is True and not session.dirty
        with Store.open(data) as other:
            assert other.load(draft_id).draft.values["budget_note"] == long_note
            assert other._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        figures.crafted("test_store_faults", 1)
    finally:
        store.close()
