"""Start-up: `kpdesk` with no arguments, a damaged database, Qt's own words in Vietnamese, the binding guard."""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtWidgets import QApplication

import ui
from kpdesk.store import Store, UnitProfile
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
