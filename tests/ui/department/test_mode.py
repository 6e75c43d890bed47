"""The mode: asked at the first start (then the department's profile), switched later from either window."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kpdesk.store import COMMUNE, DEPARTMENT, Store, UnitProfile
from ui.app import Shell
from ui.department.mode import stored_mode
from ui.department.profile import DepartmentProfileDialog
from ui.department.window import DepartmentWindow
from ui.main_window import MainWindow


def test_the_first_run_in_department_mode_asks_for_the_departments_profile(qtbot, tmp_path, monkeypatch, answers, kit):
    shown: list[object] = []

    def fill(dialog: DepartmentProfileDialog) -> int:
        window = dialog.parent()
        shown.append(window)
        assert isinstance(window, DepartmentWindow) and window.isVisible()
        assert dialog.name.text() == "Sở Khoa học và Công nghệ" and dialog.agency_symbol.text() == "SKHCN"
        assert dialog.cancel_button.text() == "Để &sau"
        kit.replace_text(dialog.name, "")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        assert "Chưa nhập tên cơ quan (ô «Tên cơ quan»)" in dialog.error.text() and dialog.focusWidget() is dialog.name
        kit.type_keys(dialog.name, "Sở Khoa học và Công nghệ")
        kit.type_keys(dialog.province, "Thanh Hóa")
        kit.commit(dialog.superior, "UBND TỈNH THANH HÓA")
        kit.type_keys(dialog.office_symbol, "qlkh")
        dialog.tabs.setCurrentIndex(2)
        qtbot.mouseClick(dialog.signers.add_button, Qt.MouseButton.LeftButton)
        card = dialog.signers.cards[0]
        kit.type_keys(card.editors["name"].edit, "Nguyễn Văn Bình")
        kit.type_keys(card.editors["position"].edit, "PHÓ GIÁM ĐỐC")
        kit.type_keys(card.editors["authority"].edit, "KT. GIÁM ĐỐC")
        kit.commit(dialog.recipients.edit, "Như trên\nLãnh đạo Sở (để b/c)\nLưu: VT, QLKH")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(DepartmentProfileDialog, "exec", fill)
    monkeypatch.setattr(QApplication, "exec", lambda self=None: 0)
    answers.choice = 1  # «Nhận báo cáo cho Sở»
    from ui.launch import main

    assert main(["--data-dir", str(tmp_path / "data")]) == 0
    assert any(a.startswith("Chào mừng đến với kpdesk. Máy này dùng để làm gì?") for a in answers.asked)
    [window] = shown
    assert window.heading.text().startswith("Sở Khoa học và Công nghệ tỉnh Thanh Hóa")
    with Store.open(tmp_path / "data") as store:
        assert store.setting("mode") == DEPARTMENT and store.units() == []
        found = store.department()
        assert found is not None
        assert (
            found.name,
            found.level,
            found.province,
            found.superior,
            found.agency,
            found.agency_symbol,
            found.office_symbol,
        ) == (
            "Sở Khoa học và Công nghệ",
            "",
            "Thanh Hóa",
            "UBND TỈNH THANH HÓA",
            ("SỞ KHOA HỌC", "VÀ CÔNG NGHỆ"),
            "SKHCN",
            "QLKH",
        )
        assert [(s.authority, s.position, s.name, s.is_default) for s in found.signers] == [
            (("KT. GIÁM ĐỐC",), "PHÓ GIÁM ĐỐC", "Nguyễn Văn Bình", True)
        ]
        assert found.default_recipients == ("Như trên", "Lãnh đạo Sở (để b/c)", "Lưu: VT, QLKH")
    window.close()


def test_the_mode_comes_from_the_setting_else_from_the_profiles_else_it_is_asked(tmp_path, helpers):
    with Store.open(tmp_path / "a") as store:
        assert stored_mode(store) is None
        store.save_unit(helpers.department_profile())
        assert stored_mode(store) == DEPARTMENT
        store.save_unit(UnitProfile(name="Thiệu Trung"))
        assert stored_mode(store) == COMMUNE, "a data folder of a commune from before the modes stays a commune's"
        store.set_setting("mode", DEPARTMENT)
        assert stored_mode(store) == DEPARTMENT


def test_the_mode_is_switched_from_either_window_and_the_other_window_opens(
    qtbot, tmp_path, settings, answers, helpers
):
    with Store.open(tmp_path / "data") as store:
        store.save_unit(UnitProfile(name="Thiệu Trung", province="Thanh Hóa"))
        store.save_unit(helpers.department_profile())
        shell = Shell(store, settings)
        commune = shell.open(COMMUNE)
        qtbot.addWidget(commune)
        assert isinstance(commune, MainWindow) and commune.isVisible()
        menu = next(a.menu() for a in commune.menuBar().actions() if a.text() == "&Cài đặt")
        assert "&Chế độ làm việc…" in [a.text() for a in menu.actions()]
        answers.choice = 2  # «Hủy»: nothing changes
        commune.switch_mode()
        assert shell.window is commune and store.setting("mode", "") == ""
        answers.choice = 1
        commune.switch_mode()
        department = shell.window
        qtbot.addWidget(department)
        assert isinstance(department, DepartmentWindow) and department.isVisible() and not commune.isVisible()
        assert store.setting("mode") == DEPARTMENT
        assert any(a.startswith("Máy này đang dùng để soạn báo cáo của xã, phường.") for a in answers.asked)
        answers.choice = 0
        department.switch_mode()
        again = shell.window
        qtbot.addWidget(again)
        assert isinstance(again, MainWindow) and again.isVisible() and not department.isVisible()
        assert store.setting("mode") == COMMUNE
        again.close()
