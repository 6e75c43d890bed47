"""`Store.open(check_later=True)`, the window's start: the drafts listed before the whole file is checked, and no
write before the check has passed."""

import hashlib
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kpdesk.store import DamagedDatabase, NewerDatabase, ReadOnlyData, Store, list_backups, migrations
from kpdesk.store.migrations import SCHEMA_VERSION

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "000-thieu-trung-bao-cao-thang.json"
KIND = "co-che-tai-chinh-thang"  # the kind of the example draft
FIXTURES = sorted((ROOT / "tests" / "fixtures").glob("db_v*/kpdesk.sqlite3"))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def filled(folder: Path) -> Path:
    """A closed database in `folder` with one imported draft; return its path."""
    with Store.open(folder) as store:
        store.import_file(EXAMPLE)
        return store.path


def refuses_writes(conn: sqlite3.Connection) -> bool:
    try:
        conn.execute("CREATE TABLE khac (x)")
    except sqlite3.OperationalError:
        return True
    return False


def test_the_drafts_are_listed_from_a_read_only_connection_until_the_check(tmp_path):
    path = filled(tmp_path)
    for backup in list_backups(tmp_path):
        backup.unlink()  # so that this open would make the day's backup
    with Store.open(tmp_path, check_later=True) as store:
        assert not store.checked and store.read_only is None and store.damage is None
        assert refuses_writes(store._conn)
        assert [i.kind for i in store.list_drafts()] == [KIND]
        assert list_backups(tmp_path) == []  # the day's backup waits for the check
        assert store.check() is None
        assert store.checked and not refuses_writes(store._conn)
        assert [p.name.split("-")[-1] for p in list_backups(tmp_path)] == ["daily.sqlite3"]
        store.set_setting("thu", "một")
        assert store.setting("thu") == "một"
    with Store.open(path.parent) as store:  # written for good
        assert store.setting("thu") == "một"


def test_a_write_runs_the_check_first_when_it_has_not_run(tmp_path):
    filled(tmp_path)
    with Store.open(tmp_path, check_later=True) as store:
        store.set_setting("thu", "hai")  # no check() called: the write does it
        assert store.checked and store.setting("thu") == "hai"


def test_a_damaged_file_opens_for_reading_then_refuses_every_write_and_is_never_written(tmp_path, break_table):
    path = filled(tmp_path)
    with Store.open(tmp_path) as store:
        good = store.backup()
    break_table(path, "revisions")
    before, kept = digest(path), list_backups(tmp_path)
    with Store.open(tmp_path, check_later=True) as store:
        assert [i.kind for i in store.list_drafts()] == [KIND]
        damage = store.check()
        assert isinstance(damage, DamagedDatabase) and store.damage is damage and store.checked
        assert damage.backup == good
        assert "bị hỏng nên kpdesk chỉ còn mở để xem, không ghi gì vào nó nữa" in damage.message
        assert store.check() is damage  # once
        with pytest.raises(DamagedDatabase, match="bị hỏng"):
            store.set_setting("thu", "ba")
        with pytest.raises(DamagedDatabase):
            store.backup("manual")  # a damaged file is not copied over the good backups
        assert list_backups(tmp_path) == kept
        assert [i.kind for i in store.list_drafts()] == [KIND]  # reading goes on
    assert digest(path) == before  # not even when it closed
    with pytest.raises(DamagedDatabase):
        Store.open(tmp_path)  # as without check_later


def test_writes_wait_for_a_check_running_in_another_thread(tmp_path, monkeypatch):
    filled(tmp_path)
    store = Store.open(tmp_path, check_later=True)
    started, go_on = threading.Event(), threading.Event()
    inspect = Store._inspect

    def slow_inspect(self):
        started.set()
        assert go_on.wait(10)
        return inspect(self)

    monkeypatch.setattr(Store, "_inspect", slow_inspect)
    checking = threading.Thread(target=store.check)
    checking.start()
    assert started.wait(10)
    wrote = threading.Event()

    def write():
        store.set_setting("thu", "tư")
        wrote.set()

    writer = threading.Thread(target=write)
    writer.start()
    assert not wrote.wait(0.2)  # waiting for the check
    assert [i.kind for i in store.list_drafts()] == [KIND]  # reads do not wait
    go_on.set()
    checking.join(10)
    writer.join(10)
    assert wrote.is_set() and store.setting("thu") == "tư"
    store.close()


def test_a_write_holding_the_store_while_the_check_runs_elsewhere_does_not_deadlock(tmp_path, monkeypatch):
    """A write made while the store is held (as `Store.close` does) waits for the check's slow part, then does
    the rest of it itself; the other thread's check then finds it done."""
    filled(tmp_path)
    store = Store.open(tmp_path, check_later=True)
    started, go_on = threading.Event(), threading.Event()
    inspect = Store._inspect

    def slow_inspect(self):
        started.set()
        assert go_on.wait(10)
        return inspect(self)

    monkeypatch.setattr(Store, "_inspect", slow_inspect)
    results: list[object] = []
    checking = threading.Thread(target=lambda: results.append(store.check()))
    checking.start()
    assert started.wait(10)
    threading.Timer(0.1, go_on.set).start()
    with store._lock:
        store.set_setting("thu", "năm")
    checking.join(10)
    assert not checking.is_alive() and results == [None]
    assert store.setting("thu") == "năm"
    store.close()


def test_what_the_first_pages_show_is_still_refused_at_once(tmp_path):
    path = filled(tmp_path)
    with sqlite3.connect(path) as c:
        c.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    c.close()
    with pytest.raises(NewerDatabase):
        Store.open(tmp_path, check_later=True)
    other = tmp_path / "khac"
    other.mkdir()
    with sqlite3.connect(other / "kpdesk.sqlite3") as c:
        c.execute("CREATE TABLE khac (x)")
    c.close()
    with pytest.raises(DamagedDatabase, match="không phải cơ sở dữ liệu của kpdesk"):
        Store.open(other, check_later=True)
    text = tmp_path / "van-ban"
    text.mkdir()
    (text / "kpdesk.sqlite3").write_bytes(b"day khong phai SQLite" * 10)
    with pytest.raises(DamagedDatabase, match="không phải là cơ sở dữ liệu SQLite"):
        Store.open(text, check_later=True)


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.parent.name)
def test_a_file_to_migrate_is_checked_through_before_it_opens(fixture, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "kpdesk.sqlite3").write_bytes(fixture.read_bytes())
    with Store.open(data, check_later=True) as store:
        assert store.checked and store.schema_version == SCHEMA_VERSION
        assert set(migrations.KNOWN) <= {r[0] for r in store._conn.execute("SELECT name FROM _sqlite_migrations")}


def test_a_read_only_folder_is_checked_later_and_stays_read_only(tmp_path, monkeypatch):
    filled(tmp_path)
    import kpdesk.store.database as database

    monkeypatch.setattr(database, "_write_problem", lambda folder, path: ("thư mục dữ liệu X chỉ cho đọc", "Sửa."))
    with Store.open(tmp_path, check_later=True) as store:
        assert store.read_only and not store.checked
        assert store.check() is None and store.checked and store.read_only
        with pytest.raises(ReadOnlyData):
            store.set_setting("thu", "sáu")


def test_after_a_power_cut_the_last_saved_change_is_listed_before_the_check(tmp_path):
    """A process that saved and died without closing leaves its change in the -wal file (and the -shm index, or
    not): the read-only start reads it, and the check then passes."""
    filled(tmp_path)
    code = (
        "import os, sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from kpdesk.store import Store\n"
        f"store = Store.open({str(tmp_path)!r})\n"
        "store.set_setting('sau', 'mất điện')\n"
        "os._exit(0)\n"
    )
    for remove_index in (False, True):
        subprocess.run([sys.executable, "-c", code], check=True)
        assert Path(f"{tmp_path / 'kpdesk.sqlite3'}-wal").stat().st_size > 0
        if remove_index:
            Path(f"{tmp_path / 'kpdesk.sqlite3'}-shm").unlink()
        with Store.open(tmp_path, check_later=True) as store:
            assert store.setting("sau") == "mất điện" and [i.kind for i in store.list_drafts()] == [KIND]
            assert store.check() is None
            store.set_setting("sau", "")


def test_a_file_the_read_only_start_cannot_read_is_opened_and_checked_at_once(tmp_path, monkeypatch):
    import kpdesk.store.database as database

    filled(tmp_path)

    def cannot(path, **kw):
        raise sqlite3.OperationalError("unable to open database file")

    monkeypatch.setattr(database, "open_read_only", cannot)
    with Store.open(tmp_path, check_later=True) as store:
        assert store.checked and not refuses_writes(store._conn)
