"""The database file: where it lives, schema migrations, damaged, newer and read-only files, backups, commands, and
the window's open, whose whole-file check comes once the window is up."""

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import traceback
from pathlib import Path

import pytest

from kpdesk import cli
from kpdesk.draft import Period
from kpdesk.store import (
    DamagedDatabase,
    NewerDatabase,
    NotFound,
    ReadOnlyData,
    Store,
    UnitProfile,
    backup_reason,
    backups,
    default_data_dir,
    list_backups,
    migrations,
)
from kpdesk.store.migrations import KNOWN, SCHEMA_VERSION
from kpdesk.store.search import search_text as _search_text

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted((ROOT / "tests" / "fixtures").glob("db_v*/kpdesk.sqlite3"))
EXAMPLE = ROOT / "examples" / "000-thieu-trung-bao-cao-thang.json"
APRIL = Period("month", 2026, month=4)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def filled(folder: Path) -> Path:
    """A closed database in `folder` with one imported draft; return the database path."""
    with Store.open(folder) as store:
        store.import_file(EXAMPLE)
        return store.path


# ---------------------------------------------------------------------------- location and settings


def test_data_folder_comes_from_the_environment_or_the_platform(monkeypatch, tmp_path):
    monkeypatch.setenv("KPDESK_DATA_DIR", str(tmp_path / "từ biến môi trường"))
    assert default_data_dir() == tmp_path / "từ biến môi trường"
    with Store.open() as store:
        assert store.path == (tmp_path / "từ biến môi trường" / "kpdesk.sqlite3").resolve()
    monkeypatch.delenv("KPDESK_DATA_DIR")
    import platformdirs

    assert default_data_dir() == platformdirs.user_data_path("kpdesk", appauthor=False, roaming=False)


def test_the_connection_is_wal_with_foreign_keys_full_sync_and_a_busy_timeout(tmp_path):
    with Store.open(tmp_path / "Nguyễn Văn A" / "kpdesk data") as store:
        c = store._conn
        assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert c.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert c.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert c.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
        assert store.schema_version == SCHEMA_VERSION
        applied = [r[0] for r in c.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
        assert applied == KNOWN


def test_migrations_are_numbered_in_order():
    assert [name[:4] for name in KNOWN] == [f"{n:04d}" for n in range(1, SCHEMA_VERSION + 1)]


# ---------------------------------------------------------------------------- databases of earlier schemas


def test_there_is_a_fixture_for_every_earlier_schema():
    versions = {int(p.parent.name.removeprefix("db_v")) for p in FIXTURES}
    assert versions >= set(range(1, SCHEMA_VERSION + 1)) - {SCHEMA_VERSION} | {1}


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.parent.name)
def test_a_database_from_every_earlier_schema_opens_with_current_code(fixture, tmp_path):
    expected = json.loads((fixture.parent / "expected.json").read_text(encoding="utf-8"))
    shutil.copy(fixture, tmp_path / "kpdesk.sqlite3")
    with Store.open(tmp_path) as store:
        assert store.schema_version == SCHEMA_VERSION
        if expected["schema_version"] < SCHEMA_VERSION:
            assert any(backup_reason(p).endswith("nâng cấp cơ sở dữ liệu") for p in store.backups())
        assert {str(u.id): u.name for u in store.units()} == expected["units"]
        infos = store.list_drafts() + store.list_drafts(deleted=True)
        assert {str(i.id) for i in infos} == set(expected["drafts"])
        for info in infos:
            want = expected["drafts"][str(info.id)]
            stored = store.load(info.id)
            assert (info.title, info.revision, info.status, info.deleted) == (
                want["title"],
                want["revision"],
                want["status"],
                want["deleted"],
            )
            assert sorted(stored.draft.values) == want["values"]
            assert len(store.revisions(info.id)) == want["revisions"]
        for draft_id, count in expected["exports"].items():
            assert len(store.exports(int(draft_id))) == count
        columns = {r[1] for r in store._conn.execute("PRAGMA table_info(drafts)")}
        assert "search_stale" in columns
        assert unmarked_stale(store._conn) == []
        # and it is fully usable
        live = next(i for i in infos if not i.deleted)
        rev = store.set_value(live.id, "budget_note", "Trước nâng cấp")
        assert rev > live.revision
        assert store.set_value(live.id, "budget_note", "Sau nâng cấp") == rev  # coalesced: the index is stale
        assert store.new_from_previous(live.id)
        assert live.id in [i.id for i in store.list_drafts(text="sau nang cap")]
        assert live.id not in [i.id for i in store.list_drafts(text="truoc nang cap")]
    assert fixture.read_bytes() != b""  # the fixture itself is never opened in place


def unmarked_stale(conn):
    """Drafts whose search row is not the search text of their data without being marked stale (none, ever)."""
    rows = conn.execute(
        "SELECT d.id, d.search_stale, b.data, s.text FROM drafts d "
        "JOIN draft_data b ON b.draft_id = d.id LEFT JOIN draft_search s ON s.rowid = d.id"
    )
    return [i for i, stale, data, text in rows if not stale and text != _search_text(json.loads(data))]


def test_a_schema_1_database_is_backed_up_as_it_was_then_migrated(tmp_path):
    shutil.copy(ROOT / "tests" / "fixtures" / "db_v1" / "kpdesk.sqlite3", tmp_path / "kpdesk.sqlite3")
    with Store.open(tmp_path, daily_backup=False) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert [r[0] for r in store._conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")] == KNOWN
        assert store._conn.execute("SELECT count(*) FROM drafts WHERE search_stale = 0").fetchone()[0] == 3
        (backup,) = store.backups()
    assert backup_reason(backup).endswith("nâng cấp cơ sở dữ liệu")
    with sqlite3.connect(backup) as c:
        assert c.execute("PRAGMA user_version").fetchone()[0] == 1
        assert "search_stale" not in {r[1] for r in c.execute("PRAGMA table_info(drafts)")}
    c.close()


def test_a_database_of_the_current_schema_is_refused_by_the_schema_1_code(tmp_path, monkeypatch):
    path = filled(tmp_path)
    before = digest(path)
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", 1)  # what kpdesk 0.1 knows
    monkeypatch.setattr(migrations, "KNOWN", ["0001_initial"])
    with pytest.raises(NewerDatabase, match=f"lược đồ {SCHEMA_VERSION}, bản này chỉ đọc được tới 1") as e:
        Store.open(tmp_path)
    assert e.value.version == SCHEMA_VERSION and digest(path) == before


# ---------------------------------------------------------------------------- newer, damaged, read-only


def test_a_database_from_a_newer_kpdesk_is_refused_and_left_untouched(tmp_path):
    path = filled(tmp_path)
    with sqlite3.connect(path) as c:
        c.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
            "VALUES ('kpdesk', '0099_future', '2030-01-01')"
        )
        c.execute("PRAGMA user_version = 99")
    c.close()
    before, backups = digest(path), list_backups(tmp_path)
    with pytest.raises(NewerDatabase, match="phiên bản kpdesk mới hơn.*Hãy cập nhật kpdesk") as e:
        Store.open(tmp_path)
    assert e.value.version == 99
    assert digest(path) == before and list_backups(tmp_path) == backups


def test_a_file_that_is_not_sqlite_is_refused_and_never_overwritten(tmp_path):
    path = tmp_path / "kpdesk.sqlite3"
    path.write_bytes(b"Day la mot tep van ban, khong phai co so du lieu.\n" * 100)
    before = digest(path)
    with pytest.raises(DamagedDatabase, match="không phải là cơ sở dữ liệu SQLite") as e:
        Store.open(tmp_path)
    assert e.value.backup is None and "Không tìm thấy bản sao lưu" in e.value.message
    assert digest(path) == before


def test_a_sqlite_file_of_another_program_is_refused(tmp_path):
    with sqlite3.connect(tmp_path / "kpdesk.sqlite3") as c:
        c.execute("CREATE TABLE khac (x)")
    c.close()
    with pytest.raises(DamagedDatabase, match="không phải cơ sở dữ liệu của kpdesk"):
        Store.open(tmp_path)


def damage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    page = 4096
    for start in range(page, len(data), page):
        data[start : start + 64] = b"\xff" * 64  # break every page header after the first
    path.write_bytes(bytes(data))


def test_a_damaged_database_names_the_newest_good_backup_and_can_be_replaced_by_it(tmp_path):
    path = filled(tmp_path)
    with Store.open(tmp_path) as store:
        good = store.backup()
        bad = store.backups_dir / "kpdesk-29991231-235959-manual.sqlite3"  # newest, but broken
        bad.write_bytes(b"broken")
    damage(path)
    before = digest(path)
    with pytest.raises(DamagedDatabase, match="bị hỏng nên kpdesk không mở nó") as e:
        Store.open(tmp_path)
    assert e.value.backup == good and e.value.path == path
    assert "kpdesk restore" in e.value.message and "không bị ghi đè" in e.value.message
    assert digest(path) == before

    with Store.restore_damaged(e.value.backup, tmp_path) as store:
        assert [i.title for i in store.list_drafts()] == ["Báo cáo tháng 4/2026 về cơ chế tài chính cho KH, CN và ĐMST"]
        assert digest(store.set_aside) == before  # the damaged file is kept, byte for byte
        assert store._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_an_empty_file_with_backups_is_damage_not_a_new_database(tmp_path):
    path = filled(tmp_path)
    with Store.open(tmp_path) as store:
        store.backup()
    path.write_bytes(b"")
    for extra in ("-wal", "-shm"):
        Path(f"{path}{extra}").unlink(missing_ok=True)
    with pytest.raises(DamagedDatabase, match="tệp rỗng"):
        Store.open(tmp_path)
    assert path.stat().st_size == 0


def test_a_truncated_database_is_damaged(tmp_path):
    path = filled(tmp_path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(DamagedDatabase):
        Store.open(tmp_path)


def test_a_read_only_data_folder_is_a_clear_error(tmp_path, monkeypatch):
    def refuse(*a, **k):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(ReadOnlyData, match="chỉ cho đọc.*--data-dir"):
        Store.open(tmp_path)


def test_a_folder_on_a_read_only_file_system_is_a_clear_error():
    system = Path("/sys")
    if not system.is_dir():
        pytest.skip("no /sys here")
    try:
        os.close(tempfile.mkstemp(dir=system)[0])
        pytest.skip("no read-only system folder here")
    except OSError:
        pass
    with pytest.raises(ReadOnlyData, match="chỉ cho đọc"):
        Store.open(system)


def test_a_read_only_folder_is_read_read_only_for_a_real_user(tmp_path):
    """Run as an ordinary user (root ignores permissions): `kpdesk drafts` lists the drafts and says once that the
    folder is read-only; a write is refused saying so (issue 19: it used to refuse reading too)."""
    folder = Path(tempfile.mkdtemp(prefix="kpdesk-ro-"))
    try:
        os.chmod(folder, 0o755)
        filled(folder / "dữ liệu")
        for p in (folder / "dữ liệu").rglob("*"):
            os.chmod(p, 0o555 if p.is_dir() else 0o444)
        os.chmod(folder / "dữ liệu", 0o555)
        demote = None
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            demote = lambda: (os.setgid(65534), os.setuid(65534))  # nobody
        elif not hasattr(os, "geteuid"):
            pytest.skip("POSIX permissions only")
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        try:
            result = subprocess.run(
                [sys.executable, "-m", "kpdesk", "--data-dir", str(folder / "dữ liệu"), "drafts"],
                capture_output=True,
                text=True,
                encoding="utf-8",
                preexec_fn=demote,
                env=env,
                cwd=folder,
            )
        except PermissionError:
            pytest.skip("an ordinary user cannot run this Python (it lives in root's home)")
        if "ModuleNotFoundError" in result.stderr or "Permission denied: '/" in result.stderr:
            pytest.skip("this user cannot run the project's Python")
        assert result.returncode == 0 and "1 bản nháp." in result.stdout, result.stdout + result.stderr
        assert "chỉ cho đọc" in result.stderr and result.stderr.count("chỉ đọc:") == 1, result.stderr
        result = subprocess.run(
            [sys.executable, "-m", "kpdesk", "--data-dir", str(folder / "dữ liệu"), "import", str(EXAMPLE)],
            capture_output=True,
            text=True,
            encoding="utf-8",
            preexec_fn=demote,
            env=env,
            cwd=folder,
        )
        assert result.returncode == 2 and "chỉ đọc vì thư mục dữ liệu" in result.stderr, result.stderr
    finally:
        for p in [folder, *folder.rglob("*")]:
            os.chmod(p, 0o755)
        shutil.rmtree(folder)


def test_a_read_only_database_file_is_opened_read_only_and_never_written(tmp_path, capsys):
    """Issue 19 (5): the data can still be listed, viewed and exported to another folder; writes say why not."""
    path = filled(tmp_path)
    with sqlite3.connect(path) as c:  # as a crash leaves it: the index may be older than the data
        c.execute("UPDATE drafts SET search_stale = 1")
        c.execute("DELETE FROM draft_search")
    c.close()
    os.chmod(path, 0o444)  # the read-only attribute: refused even as root, who could write it
    try:
        before = digest(path)
        with Store.open(tmp_path) as store:
            assert store.read_only == f"tệp cơ sở dữ liệu {path} chỉ cho đọc"
            (info,) = store.list_drafts()
            assert [i.id for i in store.list_drafts(text="thieu trung")] == [info.id]  # read from the data
            assert store.list_drafts(text="zzyzx thieu") == []
            assert store.load(info.id).draft.unit.name == "Thiệu Trung"
            store.export_json(info.id, tmp_path / "ra ngoài.json")
            for write in (
                lambda: store.set_value(info.id, "budget_note", "x"),
                lambda: store.delete(info.id),
                lambda: store.import_file(EXAMPLE),
                store.backup,
                lambda: store.record_export(info.id, tmp_path / "x.docx", "0" * 64, 1),
            ):
                with pytest.raises(
                    ReadOnlyData,
                    match="Chưa lưu được: dữ liệu đang mở ở chế độ chỉ đọc vì tệp cơ "
                    "sở dữ liệu .* chỉ cho đọc.*bỏ thuộc tính chỉ đọc",
                ):
                    write()
        code, out, err = run(capsys, "--data-dir", str(tmp_path), "drafts")
        assert code == 0 and "1 bản nháp." in out
        assert err.count("chỉ đọc:") == 1 and "Dữ liệu đã lưu không bị mất" in err, err
        assert digest(path) == before and list_backups(tmp_path) == []
    finally:
        os.chmod(path, 0o644)


def test_an_empty_file_without_backups_is_set_aside_and_said(tmp_path, capsys):
    """Issue 19 (6): a 0-byte database with no backup was silently recreated as empty."""
    path = tmp_path / "kpdesk.sqlite3"
    path.write_bytes(b"")
    code, out, err = run(capsys, "--data-dir", str(tmp_path), "drafts")
    assert code == 0 and out.strip() == "Không có bản nháp nào phù hợp."
    (aside,) = tmp_path.glob("kpdesk-rong-*.sqlite3")
    assert aside.stat().st_size == 0
    assert err.count("rỗng (0 byte)") == 1 and "không có bản sao lưu" in err and str(aside) in err, err
    assert "có thể đã mất hoặc đang ở nơi khác" in err and "kpdesk restore" in err
    with Store.open(tmp_path) as store:
        assert len(store.warnings) == 1 and store.list_drafts() == []  # said until the empty file is deleted
    second = tmp_path / "kpdesk-rong-20260101-000000.sqlite3"  # another, older one, with its -wal beside it
    second.write_bytes(b"")
    (tmp_path / f"{second.name}-wal").write_bytes(b"")
    with Store.open(tmp_path) as store:
        assert [str(second) in w and str(aside) not in w for w in store.warnings] == [True, False]  # by name
    second.unlink()
    aside.unlink()
    with Store.open(tmp_path) as store:
        assert store.warnings == []


def test_stale_backup_temporaries_are_removed_on_open_and_before_a_backup(tmp_path):
    """Issue 19 (1): a backup killed part-way left a full-size `.kpdesk-….tmp` (and its journal) forever."""
    filled(tmp_path)
    with Store.open(tmp_path) as store:
        first = store.backup()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    folder = tmp_path / "backups"
    copy = f".{first.name}.{dead_pid}-0123abcd.tmp"
    stale = [
        folder / copy,
        folder / f"{copy}-journal",
        tmp_path / f".kpdesk.sqlite3.{dead_pid}-89abcdef.tmp",
        tmp_path / f".kpdesk-probe-{dead_pid}-x1y2",
    ]
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        live = folder / f".{first.name}.{alive.pid}-feedbeef.tmp"  # another kpdesk writing its copy right now
        for temp in (*stale, live):
            shutil.copy(first, temp)
        Store.open(tmp_path).close()
        assert [p for p in stale if p.exists()] == []
        if os.name == "posix":  # Windows tells a copy in use by the file being open, which this one is not
            assert live.exists()
        os.utime(live, (0, 0))  # untouched for an hour and more: left over whatever its process
        shutil.copy(first, stale[0])
        with Store.open(tmp_path, daily_backup=False) as store:
            assert stale[0].exists() is False
            stale[0].write_bytes(b"x")
            store.backup()
        assert not live.exists() and not stale[0].exists()
        assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == []
    finally:
        alive.kill()
        alive.wait()


# ---------------------------------------------------------------------------- backups


def test_first_open_of_the_day_makes_one_backup(tmp_path):
    filled(tmp_path)
    assert list_backups(tmp_path) == []  # a brand-new database has nothing to keep
    Store.open(tmp_path).close()
    Store.open(tmp_path).close()
    (daily,) = list_backups(tmp_path)
    assert "hằng ngày" not in backup_reason(daily) and "lần mở đầu tiên" in backup_reason(daily)
    with sqlite3.connect(daily) as c:
        assert c.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # self-contained file
        assert c.execute("SELECT count(*) FROM drafts").fetchone()[0] == 1
    c.close()


def test_a_backup_made_today_for_any_reason_counts_as_the_days_backup(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    assert not backups.backed_up_today(tmp_path)
    yesterday = dt.date.today() - dt.timedelta(days=1)
    (folder / f"kpdesk-{yesterday:%Y%m%d}-235959-daily.sqlite3").write_bytes(b"x")
    (folder / f"kpdesk-{dt.date.today():%Y%m%d}-000000-manual.txt").write_bytes(b"x")  # not a backup
    (folder / f"kpdesk-{dt.date.today():%Y%m%d}-000001-manual.sqlite3").mkdir()  # nor a folder
    assert not backups.backed_up_today(tmp_path)
    (folder / f"kpdesk-{dt.date.today():%Y%m%d}-000002-2-manual.sqlite3").write_bytes(b"x")
    assert backups.backed_up_today(tmp_path)


def test_backups_made_within_one_second_get_distinct_names(tmp_path):
    with Store.open(tmp_path) as store, Store.open(tmp_path) as other:
        made = [store.backup(), other.backup(), store.backup("daily")]
        assert len(set(made)) == 3 and all(p.exists() for p in made)
        assert store.backups()[0] == made[-1]
        assert not list(store.backups_dir.glob(".*.tmp"))


def test_a_failed_daily_backup_does_not_stop_work_but_is_reported(tmp_path, monkeypatch, capsys):
    filled(tmp_path)

    def fail(src, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backups, "copy_database", fail)
    with Store.open(tmp_path) as store:
        assert len(store.list_drafts()) == 1
        (warning,) = store.warnings
        assert "Chưa sao lưu tự động được hôm nay" in warning and "dung lượng" in warning
    code, _, err = run(capsys, "--data-dir", str(tmp_path), "drafts")
    assert code == 0 and err.startswith("Cảnh báo: Chưa sao lưu tự động")


def test_backups_keep_the_last_ten_and_one_per_month(tmp_path):
    with Store.open(tmp_path) as store:
        store.backups_dir.mkdir(exist_ok=True)
        sample = store.backup()
        names = [f"kpdesk-2025{m:02d}{d:02d}-120000-daily.sqlite3" for m in (1, 2, 3) for d in (1, 2, 3)]
        names += [f"kpdesk-202604{d:02d}-120000-daily.sqlite3" for d in range(1, 13)]
        for name in names:
            shutil.copy(sample, store.backups_dir / name)
        newest = store.backup()
        kept = [p.name for p in store.backups()]
    assert len(kept) == 10 + 3  # the last ten (this month and April 2026) + the newest of Jan, Feb, Mar 2025
    assert kept[0] == newest.name
    assert {
        "kpdesk-20250103-120000-daily.sqlite3",
        "kpdesk-20250203-120000-daily.sqlite3",
        "kpdesk-20250303-120000-daily.sqlite3",
    } <= set(kept)


def test_restoring_a_backup_backs_up_the_current_data_first(tmp_path):
    with Store.open(tmp_path) as store:
        unit = store.save_unit(UnitProfile(name="Thiệu Trung"))
        first = store.create_draft("co-che-tai-chinh-thang", APRIL, unit, title="Trước")
        saved = store.backup()
        store.create_draft("co-che-tai-chinh-thang", APRIL, unit, title="Sau")
        store.delete(first)
        before = store.restore_backup(saved)
        assert [i.title for i in store.list_drafts()] == ["Trước"]
        assert store.set_value(first, "disbursed", 5) == 2
        with sqlite3.connect(before) as c:
            assert {r[0] for r in c.execute("SELECT title FROM drafts")} == {"Trước", "Sau"}
        c.close()
        with pytest.raises(Exception, match="bị hỏng hoặc không phải"):
            bad = tmp_path / "bad.sqlite3"
            bad.write_bytes(b"x" * 100)
            store.restore_backup(bad)


# ---------------------------------------------------------------------------- commands


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_commands_work_in_a_folder_with_vietnamese_letters_and_spaces(tmp_path, capsys):
    data = str(tmp_path / "Nguyễn Văn A" / "kpdesk data")
    code, out, _ = run(capsys, "--data-dir", data, "drafts")
    assert (code, out.strip()) == (0, "Không có bản nháp nào phù hợp.")
    code, out, _ = run(capsys, "--data-dir", data, "import", str(EXAMPLE))
    assert code == 0 and out.startswith("Đã nhập") and "bản nháp số 1" in out
    run(capsys, "--data-dir", data, "import", str(ROOT / "examples" / "001-bim-son-cong-van-thang.json"))
    code, out, _ = run(capsys, "--data-dir", data, "drafts", "--text", "bim son")
    assert code == 0 and "phường Bỉm Sơn" in out and "Thiệu Trung" not in out and "1 bản nháp." in out
    code, out, _ = run(
        capsys, "--data-dir", data, "drafts", "--status", "đang soạn", "--kind", "co-che-tai-chinh-thang"
    )
    assert "2 bản nháp." in out and "đang soạn" in out
    code, out, _ = run(capsys, "--data-dir", data, "units")
    assert "xã Thiệu Trung, tỉnh Thanh Hóa" in out and "0982 741 345" in out
    target = tmp_path / "Nguyễn Văn A" / "bản nháp 1.json"
    code, out, _ = run(capsys, "--data-dir", data, "export", "1", "-o", str(target))
    assert code == 0 and json.loads(target.read_text(encoding="utf-8"))["unit"]["name"] == "Thiệu Trung"
    code, out, _ = run(capsys, "--data-dir", data, "backup")
    assert code == 0 and out.startswith("Đã sao lưu cơ sở dữ liệu vào")
    code, out, _ = run(capsys, "--data-dir", data, "restore")
    assert code == 0 and "Các bản sao lưu" in out and "sao lưu theo yêu cầu" in out
    code, out, _ = run(capsys, "--data-dir", data, "restore", "1")
    assert code == 0 and "Đã khôi phục" in out and "trước khi khôi phục" in out
    code, out, err = run(capsys, "--data-dir", data, "export", "42", "-o", str(target))
    assert code == 2 and "Không có bản nháp số 42" in err
    code, out, _ = run(capsys, "--data-dir", data, "drafts", "--deleted")
    assert out.strip() == "Thùng rác trống."


@pytest.mark.parametrize("number", ["²", "٣", "99999999999999999999", "1e3", "-1"])
def test_a_number_that_is_not_ascii_digits_or_too_big_is_refused_with_a_message(number, tmp_path, capsys):
    """Issue 19 (7): `²` crashed, `٣` silently meant draft 3, 2^64 gave an OverflowError."""
    data = str(tmp_path / "dữ liệu")
    filled(Path(data))
    with Store.open(data) as store:  # drafts 2 and 3 exist: "٣" must not mean 3 (`kpdesk import` refuses a copy)
        for _ in range(2):
            store.import_file(EXAMPLE)
    for argv in (
        ["export", number, "-o", str(tmp_path / "x.json")],
        ["render", number, "-o", str(tmp_path / "x.docx")],
        ["import", str(EXAMPLE), "--unit", number],
        ["restore", number],
    ):
        try:
            code, out, err = run(capsys, "--data-dir", data, *argv)
        except SystemExit as exc:  # argparse refuses the argument itself
            code, err = exc.code, capsys.readouterr().err
        assert code == 2 and "Traceback" not in err and "Error" not in err, (argv, err)
        assert "không phải là số" in err or "quá lớn" in err or "Không có" in err or "Không tìm thấy" in err, err
        assert not (tmp_path / "x.json").exists() and not (tmp_path / "x.docx").exists()
    with Store.open(data) as store:
        assert len(store.list_drafts()) == 3 and all(not store.exports(i.id) for i in store.list_drafts())
        with pytest.raises(NotFound):
            store.load(2**64)


def test_render_by_number_records_the_export_or_says_exactly_what_happened(tmp_path, capsys, monkeypatch):
    """Issue 19 (3): the .docx was written, then «Lỗi…» and exit 2, and the export was not recorded."""
    from kpdesk.errors import StoreError
    from kpdesk.store import database

    data = str(tmp_path / "dữ liệu")
    filled(Path(data))
    first = tmp_path / "lần 1.docx"
    code, out, err = run(capsys, "--data-dir", data, "render", "1", "-o", str(first))
    assert code == 0 and first.is_file() and err == ""
    # a database busy with another window: nothing is written, and the message says it is busy
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 200)
    other = sqlite3.connect(Path(data) / "kpdesk.sqlite3", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    busy = tmp_path / "lần 2.docx"
    code, out, err = run(capsys, "--data-dir", data, "render", "1", "-o", str(busy))
    other.execute("ROLLBACK")
    other.close()
    assert code == 2 and "đang bận" in err and not busy.exists()

    # recording fails after the file was written (a full disk at commit): the message says both
    def refuse(*args, **kw):
        raise StoreError("Ổ đĩa chứa dữ liệu kpdesk đã đầy. Thay đổi vừa rồi chưa được lưu.")

    monkeypatch.setattr(Store, "record_export", refuse)
    late = tmp_path / "lần 3.docx"
    code, out, err = run(capsys, "--data-dir", data, "render", "1", "-o", str(late))
    assert code == 1 and late.is_file() and f"Đã ghi {late}" in out
    assert f"đã ghi tệp {late}, nhưng chưa ghi nhận được vào danh sách báo cáo đã xuất của bản nháp số 1" in err
    assert "ổ đĩa chứa dữ liệu kpdesk đã đầy" in err and "hãy chạy lại lệnh này" in err, err
    monkeypatch.undo()
    with Store.open(data) as store:
        assert [e.path for e in store.exports(1)] == [first.resolve()]


def test_restore_from_the_command_line_repairs_a_damaged_database(tmp_path, capsys):
    path = filled(tmp_path)
    run(capsys, "--data-dir", str(tmp_path), "backup")
    damage(path)
    code, _, err = run(capsys, "--data-dir", str(tmp_path), "drafts")
    assert code == 2 and "bị hỏng" in err and "kpdesk restore" in err
    code, out, _ = run(capsys, "--data-dir", str(tmp_path), "restore", "1")
    assert code == 0 and "Tệp cơ sở dữ liệu hỏng được giữ lại" in out
    code, out, _ = run(capsys, "--data-dir", str(tmp_path), "drafts")
    assert code == 0 and "1 bản nháp." in out


WINDOW_HOLDS = """
import sys, time
from pathlib import Path
from kpdesk.files import lock_file
fd = lock_file(Path(sys.argv[1]))
print("held" if fd is not None else "taken", flush=True)
time.sleep(60)
"""


def test_restore_from_the_command_line_waits_for_the_window_to_close(tmp_path, capsys):
    """A restore under an open window would have the window save the draft it shows over the restored data: the
    command refuses, says why and how, and changes nothing; once the window is closed it restores."""
    from kpdesk.store import WINDOW_LOCK

    filled(tmp_path)
    run(capsys, "--data-dir", str(tmp_path), "backup")
    from kpdesk import draft as drafts

    with Store.open(tmp_path) as store:  # a draft the backup does not have
        store.add_draft(drafts.load(EXAMPLE))
    window = subprocess.Popen(
        [sys.executable, "-c", WINDOW_HOLDS, str(tmp_path / WINDOW_LOCK)], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        assert window.stdout is not None and window.stdout.readline().strip() == "held"
        code, out, err = run(capsys, "--data-dir", str(tmp_path), "restore", "1")
        assert code != 0 and "kpdesk đang mở cửa sổ" in err and "Hãy đóng cửa sổ kpdesk" in err, err
        assert "Tệp › Khôi phục từ bản sao lưu" in err
        assert "2 bản nháp." in run(capsys, "--data-dir", str(tmp_path), "drafts")[1]
    finally:
        window.kill()
        window.communicate(timeout=60)
    code, out, _ = run(capsys, "--data-dir", str(tmp_path), "restore", "1")
    assert code == 0 and "Đã khôi phục" in out
    assert "1 bản nháp." in run(capsys, "--data-dir", str(tmp_path), "drafts")[1]


# ---------------------------------------------------------------------------- the window's open: checked later
# `Store.open(check_later=True)`: the drafts listed before the whole file is checked, and no write before the check
# has passed.

KIND = "co-che-tai-chinh-thang"  # the kind of the example draft


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
        depths = []
        for _ in range(3):  # the same error each time, not carrying the frames of every write refused before
            with pytest.raises(DamagedDatabase) as refused:
                store.set_setting("thu", "ba")
            depths.append(len(traceback.extract_tb(refused.value.__traceback__)))
        assert depths[0] == depths[1] == depths[2]
        assert list_backups(tmp_path) == kept
        assert [i.kind for i in store.list_drafts()] == [KIND]  # reading goes on
    assert digest(path) == before  # not even when it closed
    with pytest.raises(DamagedDatabase):
        Store.open(tmp_path)  # as without check_later


def held_check(folder: Path, monkeypatch) -> tuple[Store, threading.Event, list[object], threading.Thread]:
    """A store opened with `check_later` on `folder` (filled) whose check runs in another thread and is held in
    its slow part until the event returned is set; what the check returned is put in the list."""
    filled(folder)
    store = Store.open(folder, check_later=True)
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
    return store, go_on, results, checking


def test_writes_wait_for_a_check_running_in_another_thread(tmp_path, monkeypatch):
    store, go_on, _, checking = held_check(tmp_path, monkeypatch)
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
    store, go_on, results, checking = held_check(tmp_path, monkeypatch)
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
