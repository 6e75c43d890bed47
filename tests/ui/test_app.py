"""Start-up: `kpdesk` with no arguments, a damaged database (at once, or found by the check once the window is up),
Qt's own words in Vietnamese, the binding guard."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtWidgets import QApplication

import ui
from kpdesk.store import COMMUNE, DamagedDatabase, Store, UnitProfile
from ui import app as app_module
from ui import dialogs
from ui.main_window import MainWindow


def test_kpdesk_without_arguments_opens_the_main_window(qtbot, tmp_path, monkeypatch, answers):
    shown: list[MainWindow] = []
    monkeypatch.setattr(MainWindow, "ensure_profile", lambda self: shown.append(self) or True)
    monkeypatch.setattr(QApplication, "exec", lambda self=None: 0)
    from ui.launch import main

    assert main(["--data-dir", str(tmp_path / "data")]) == 0
    [window] = shown
    # Qt adds " — kpdesk" (the application's display name) to the title: the title itself does not repeat it
    assert window.isVisible() and QApplication.applicationDisplayName() == "kpdesk"
    assert "kpdesk" not in window.windowTitle()
    assert (tmp_path / "data" / "kpdesk.sqlite3").exists()
    window.close()


def test_a_damaged_database_offers_the_newest_good_backup(qtbot, tmp_path, monkeypatch, answers):
    data = tmp_path / "data"
    with Store.open(data) as store:
        store.save_unit(UnitProfile(name="Thiệu Trung"))
        backup = store.backup("manual")
    for suffix in ("", "-wal", "-shm"):
        (data / f"kpdesk.sqlite3{suffix}").unlink(missing_ok=True)
    (data / "kpdesk.sqlite3").write_bytes(b"not a database" * 100)
    store = app_module.open_store(data)
    assert store is not None, "restored from the backup after the officer agreed"
    assert [u.name for u in store.units()] == ["Thiệu Trung"]
    assert any("bản sao lưu" in a.lower() or "hỏng" in a for a in answers.asked)
    store.close()
    assert backup.exists()
    # refusing leaves everything as it is and starts nothing
    shutil.copy(data / "kpdesk.sqlite3", tmp_path / "copy")
    (data / "kpdesk.sqlite3").write_bytes(b"broken again" * 100)
    answers.confirm = False
    assert app_module.open_store(data) is None


def damaged_after_opening(tmp_path: Path, break_table) -> tuple[Path, Path]:
    """A data folder whose file opens and lists its unit, but fails the whole-file check; and its good backup."""
    data = tmp_path / "data"
    with Store.open(data) as store:
        store.save_unit(UnitProfile(name="Thiệu Trung"))
        backup = store.backup("manual")
    break_table(data / "kpdesk.sqlite3", "revisions")
    return data, backup


def window_checking(data: Path, monkeypatch) -> tuple[app_module.Shell, Store, MainWindow]:
    """The window opened on `data` as the program opens it, and its background check started."""
    monkeypatch.setattr(MainWindow, "ensure_profile", lambda self: True)
    store = app_module.open_store(data)
    assert store is not None and not store.checked  # opened without reading the damaged pages
    shell = app_module.Shell(store)
    window = shell.open(COMMUNE)
    app_module.check_in_background(shell)
    return shell, store, window


def test_damage_found_once_the_window_is_up_offers_the_newest_good_backup(
    qtbot, tmp_path, monkeypatch, answers, break_table
):
    data, backup = damaged_after_opening(tmp_path, break_table)
    shell, damaged, window = window_checking(data, monkeypatch)
    qtbot.waitUntil(lambda: shell.store is not damaged, timeout=10_000)  # the officer agreed: restored
    assert any("bị hỏng nên kpdesk chỉ còn mở để xem" in a and str(backup) in a for a in answers.asked)
    assert any(a.startswith("Đã khôi phục dữ liệu từ bản sao lưu.") for a in answers.asked)
    restored = shell.store
    assert damaged.closed and restored.checked and restored.damage is None and restored.read_only is None
    assert [u.name for u in restored.units()] == ["Thiệu Trung"] and restored.set_aside.exists()
    assert shell.window is not window and shell.window.isVisible() and shell.window.store is restored
    restored.set_setting("thu", "được")  # written again
    shell.window.close()
    restored.close()


@pytest.mark.parametrize("busy", ["a dialog open", "work running"])
def test_damage_found_while_the_officer_is_busy_is_asked_about_once_free(
    qtbot, tmp_path, monkeypatch, answers, break_table, busy
):
    """The restore replaces the window: asked while the unit's profile is open (or an export runs), it pulled the
    window from under it, whose code then read the store closed under it («Cơ sở dữ liệu đã đóng»). The data is
    read-only at once; the question waits until no dialog is open and no work runs."""
    import threading

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QDialog

    from ui import operations

    data, _ = damaged_after_opening(tmp_path, break_table)
    shell, damaged, window = window_checking(data, monkeypatch)
    seen: list[tuple[bool, bool]] = []  # (asked already, read-only shown) while busy

    def look() -> None:
        asked = any("bị hỏng" in a for a in answers.asked)
        seen.append((asked, getattr(window, "read_only_notice", None) is not None))

    if busy == "a dialog open":
        dialog = QDialog(window)
        QTimer.singleShot(4 * app_module.FREE_AGAIN_MS, lambda: (look(), dialog.accept()))
        dialog.exec()  # the check's result comes while it is open
    else:
        release = threading.Event()
        operations.Op(window, lambda progress: release.wait(10), label="Đang xuất…").run()
        qtbot.waitUntil(lambda: damaged.checked, timeout=10_000)
        qtbot.wait(4 * app_module.FREE_AGAIN_MS)
        look()
        release.set()
    assert seen == [(False, True)]
    qtbot.waitUntil(lambda: shell.store is not damaged, timeout=10_000)  # then asked, and the officer agreed
    assert any(a.startswith("Đã khôi phục dữ liệu từ bản sao lưu.") for a in answers.asked)
    shell.window.close()
    shell.store.close()


def test_a_restore_that_fails_is_said_and_closes_the_window(qtbot, tmp_path, monkeypatch, answers, break_table):
    from kpdesk.errors import StoreError

    data, _ = damaged_after_opening(tmp_path, break_table)

    def cannot(backup, data_dir=None):
        raise StoreError("Không khôi phục được từ bản sao lưu (ổ đĩa đầy).")

    monkeypatch.setattr(Store, "restore_damaged", staticmethod(cannot))
    errors: list[str] = []
    monkeypatch.setattr("ui.operations.show_error", lambda parent, exc, what="": errors.append(f"{what} {exc}"))
    shell, damaged, window = window_checking(data, monkeypatch)
    qtbot.waitUntil(lambda: bool(errors), timeout=10_000)
    assert "Chưa khôi phục được từ bản sao lưu; kpdesk sẽ đóng lại." in errors[0] and "ổ đĩa đầy" in errors[0]
    assert damaged.closed and shell.window is window and not window.isVisible()  # no window on other data


def test_damage_left_for_later_keeps_the_data_read_only_and_never_written(
    qtbot, tmp_path, monkeypatch, answers, break_table
):
    data, _ = damaged_after_opening(tmp_path, break_table)
    before = (data / "kpdesk.sqlite3").read_bytes()
    answers.confirm = False  # «Để sau»
    shell, store, window = window_checking(data, monkeypatch)
    qtbot.waitUntil(lambda: any("bị hỏng" in a for a in answers.asked), timeout=10_000)
    assert shell.store is store and shell.window is window and store.damage is not None
    assert window.read_only_notice.text().startswith("Chỉ đọc: tệp cơ sở dữ liệu")
    assert not window.new_action.isEnabled()
    with pytest.raises(DamagedDatabase):
        store.set_setting("thu", "không")
    window.close()
    store.close()
    assert (data / "kpdesk.sqlite3").read_bytes() == before


def test_damage_in_a_read_only_folder_keeps_one_read_only_notice(qtbot, tmp_path, monkeypatch, answers, break_table):
    from PySide6.QtWidgets import QLabel

    import kpdesk.store.database as database

    data, _ = damaged_after_opening(tmp_path, break_table)
    monkeypatch.setattr(database, "_write_problem", lambda folder, path: ("thư mục dữ liệu X chỉ cho đọc", "Sửa."))
    answers.confirm = False
    shell, store, window = window_checking(data, monkeypatch)
    qtbot.waitUntil(lambda: any("bị hỏng" in a for a in answers.asked), timeout=10_000)
    notices = [w for w in window.statusBar().findChildren(QLabel) if w.objectName() == "read_only_notice"]
    assert len(notices) == 1 and notices[0].text() == "Chỉ đọc: thư mục dữ liệu X chỉ cho đọc"
    window.close()
    store.close()


def test_qt_words_are_vietnamese(qapp):
    app_module.make_app()
    assert QCoreApplication.translate("QLineEdit", "&Undo") == "&Hoàn tác"
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Hủy"
    assert QCoreApplication.translate("QLineEdit", "a text Qt has no word for") == "a text Qt has no word for"


def test_the_binding_guard_keeps_none_and_bools_alive():
    ui.guard_binding()
    obj = QObject()
    for _ in range(20_000):  # far more calls than a broken binding survives without the guard
        obj.setObjectName("x")
        obj.blockSignals(False)
    assert sys.getrefcount(None) > 0 and sys.getrefcount(True) > 0
    assert isinstance(ui.BINDING_LEAKS, bool)


def test_dialog_helpers_exist_for_every_question():
    for name in ("confirm", "choose", "tell", "save_path", "open_path", "open_in_system"):
        assert callable(getattr(dialogs, name))


def test_run_returns_1_when_the_store_cannot_open(qtbot, tmp_path, monkeypatch, answers):
    monkeypatch.setattr(app_module, "open_store", lambda data_dir: None)
    assert app_module.run(argparse.Namespace(data_dir=str(tmp_path))) == 1


HOLD_LOCK = """
import sys, time
from pathlib import Path
from kpdesk.files import lock_file
fd = lock_file(Path(sys.argv[1]))
print("held" if fd is not None else "taken", flush=True)
if fd is not None and sys.argv[2] == "hold":
    time.sleep(60)
"""


def lock_in_another_process(path: Path, what: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(path), what],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parents[2],
    )


def test_a_second_window_on_the_same_data_folder_is_refused_and_the_first_one_named(
    qtbot, tmp_path, monkeypatch, answers
):
    """An officer starts kpdesk again while the first window is opening (a slow PC): the second start says kpdesk is
    open already and ends, opening no window; each would otherwise save its drafts over the other's."""
    data = tmp_path / "data"
    with Store.open(data) as store:
        store.save_unit(UnitProfile(name="Thiệu Trung"))
    opened: list[MainWindow] = []
    monkeypatch.setattr(MainWindow, "ensure_profile", lambda self: opened.append(self) or True)
    monkeypatch.setattr(QApplication, "exec", lambda self=None: 0)
    lock = data / app_module.WINDOW_LOCK
    first = lock_in_another_process(lock, "hold")
    try:
        assert first.stdout is not None and first.stdout.readline().strip() == "held"
        assert app_module.run(argparse.Namespace(data_dir=str(data))) == 0
    finally:
        first.kill()
        first.communicate(timeout=60)
    assert not opened
    [said] = answers.asked
    assert said.startswith("kpdesk đang mở trên máy này rồi.") and "thanh tác vụ" in said and str(data) in said

    # the first window closed: the next start opens one, holds the folder while it runs and lets it go at its end
    answers.asked.clear()
    seen_while_open: list[str] = []

    def exec_(self=None) -> int:
        seen_while_open.append(lock_in_another_process(lock, "try").communicate(timeout=60)[0].strip())
        return 0

    monkeypatch.setattr(QApplication, "exec", exec_)
    assert app_module.run(argparse.Namespace(data_dir=str(data))) == 0
    assert len(opened) == 1 and not answers.asked
    opened[0].close()
    assert seen_while_open == ["taken"]
    assert lock_in_another_process(lock, "try").communicate(timeout=60)[0].strip() == "held"


def test_a_read_only_data_folder_offers_another_folder_and_remembers_it(
    qtbot, tmp_path, monkeypatch, answers, settings
):
    import tempfile

    locked = tmp_path / "khóa"
    locked.mkdir()
    real = tempfile.mkstemp

    def mkstemp(*args, dir=None, **kw):  # noqa: A002 - the name tempfile uses
        if dir is not None and Path(dir) == locked:
            raise PermissionError(13, "Permission denied")  # root can write anywhere; the refusal is simulated
        return real(*args, dir=dir, **kw)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    other = tmp_path / "Thư mục khác"
    other.mkdir()
    monkeypatch.setattr(dialogs, "choose_folder", lambda *a: other)
    monkeypatch.setattr(app_module, "Settings", lambda: settings)
    monkeypatch.delenv("KPDESK_DATA_DIR", raising=False)
    store = app_module.open_store(locked)
    assert store is not None and store.data_dir == other
    store.close()
    assert any("chỉ cho đọc" in a for a in answers.asked)
    assert app_module._remembered_data_dir() == str(other)
    answers.confirm = False  # "Thoát": nothing is opened, nothing written
    assert app_module.open_store(locked) is None
    assert list(locked.iterdir()) == []
