"""«Cập nhật mẫu báo cáo»: the install dialog shows what a package changes; a draft under an older version gets a
bar that offers the upgrade, and upgrading works."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from kpdesk import draft as drafts
from kpdesk import kindpack
from kpdesk.draft import Period
from kpdesk.kinds import get_kind, kind_versions, kinds_of_data_dir, templates_dir
from ui import operations
from ui.draft_dialogs import NewReportDialog
from ui.kinds_dialog import KindsInstallDialog
from ui.main_window import MainWindow

KIND = "co-che-tai-chinh-thang"
JULY = Period("month", 2026, month=7)


def make_kind(root: Path) -> Path:
    """The shipped monthly kind at version 2 from July 2026: the closing renamed, a new section."""
    folder = root / KIND
    shutil.copytree(templates_dir() / KIND, folder)
    toml = (folder / "kind.toml").read_text(encoding="utf-8")
    toml = toml.replace("version = 1\n", 'version = 2\napplies_from = "2026-07"\n', 1)
    toml = toml.replace('id = "closing"', 'id = "closing_text"')
    toml += (
        '\n[[sections]]\nid = "so_hoa"\ntitle = "Số hóa thủ tục"\n\n  [[sections.fields]]\n'
        '  id = "digital_count"\n  type = "int"\n  label = "Số thủ tục đã số hóa"\n'
        '\n[[upgrades]]\nfrom_version = 1\nrename = { closing = "closing_text" }\n'
    )
    (folder / "kind.toml").write_text(toml, encoding="utf-8")
    body = (folder / "body.j2").read_text(encoding="utf-8").replace("v.closing", "v.closing_text")
    (folder / "body.j2").write_text(body, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sở")
    with kinds_of_data_dir(root / "packer"):
        return kindpack.pack([make_kind(root)], root / "mau-thang-v2.kpkind", "Sở KH&CN tỉnh Thanh Hóa").path


@pytest.fixture
def window(qtbot, store, settings, kit):
    with kinds_of_data_dir(store.data_dir):
        w = MainWindow(store, settings, today=kit.TODAY)
        qtbot.addWidget(w)
        w.resize(1280, 760)
        w.show()
        yield w
        w.close()


def accept_and_look(monkeypatch, seen: list, shots: Path | None = None):
    def exec_(dialog: KindsInstallDialog):
        dialog.show()
        seen.append((dialog.details.toPlainText(), dialog.install_button is not None))
        if shots is not None:
            dialog.grab().save(str(shots / f"kinds-dialog-{len(seen)}.png"))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(KindsInstallDialog, "exec", exec_)


def test_the_install_dialog_shows_the_changes_and_the_kinds_list_again(
    window, package, answers, monkeypatch, qtbot, tmp_path, store
):
    seen: list = []
    accept_and_look(monkeypatch, seen, tmp_path)
    answers.open_from = package
    window.update_kinds()
    qtbot.waitUntil(lambda: operations.running() == 0 and bool(seen), timeout=20_000)
    text, can_install = seen[0]
    assert can_install
    assert "phiên bản 1 → 2, áp dụng từ kỳ tháng 7 năm 2026" in text
    assert "Thêm mục «Số hóa thủ tục»" in text
    assert [v.version for v in kind_versions(KIND)] == [1, 2]
    assert (store.data_dir / "kinds" / KIND / "2" / "kind.toml").is_file()
    assert window.kind(KIND).version == 2
    assert "Đã cài 1 mẫu báo cáo mới" in window.statusBar().currentMessage()
    assert (tmp_path / "kinds-dialog-1.png").stat().st_size > 0

    # a second time: nothing to install, and the dialog says so
    window.update_kinds()
    qtbot.waitUntil(lambda: operations.running() == 0 and len(seen) == 2, timeout=20_000)
    assert seen[1][1] is False and "đã có trên máy, không đổi" in seen[1][0]
    assert [v.version for v in kind_versions(KIND)] == [1, 2]


def test_a_tampered_package_is_refused_with_its_message(window, package, answers, monkeypatch, qtbot, tmp_path):
    import zipfile

    seen: list = []
    accept_and_look(monkeypatch, seen)
    tampered = tmp_path / "sua.kpkind"
    with zipfile.ZipFile(package) as src, zipfile.ZipFile(tampered, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info, data + b"\n" if info.filename.endswith("body.j2") else data)
    answers.open_from = tampered
    window.update_kinds()
    qtbot.waitUntil(
        lambda: operations.running() == 0 and any(a.startswith("error:") for a in answers.asked), timeout=20_000
    )
    assert not seen
    assert any("đã bị sửa sau khi Sở tạo gói" in a for a in answers.asked)
    assert [v.version for v in kind_versions(KIND)] == [1]


def test_the_upgrade_bar_offers_the_new_version_to_a_draft_under_an_older_one_and_upgrading_works(
    window, package, store, kit, qtbot, tmp_path
):
    kindpack.install_package(package, store.data_dir / "kinds")
    window.reload_kinds()
    example = drafts.load(kit.EXAMPLES[0])  # April 2026, version 1
    unit_id = store.save_unit(kit.profile_for(example))
    april = store.add_draft(example, unit_id)
    july = store.add_draft(replace(example, period=JULY), unit_id)

    window.open_draft(april)
    bar = window.wizard.upgrade_bar
    assert not bar.isVisible(), "April comes before the new version: no offer"
    window.close_wizard()

    window.open_draft(july)
    wizard = window.wizard
    bar = wizard.upgrade_bar
    qtbot.waitUntil(bar.isVisible)
    assert "Mẫu báo cáo có phiên bản mới" in bar.text.text() and "phiên bản 2" in bar.text.text()
    assert not bar.details.isVisible()
    qtbot.mouseClick(bar.details_button, Qt.MouseButton.LeftButton)
    assert bar.details.isVisible() and "Thêm mục «Số hóa thủ tục»" in bar.details.text()
    window.grab().save(str(tmp_path / "upgrade-bar.png"))
    assert store.load(july).draft.kind_version == 1

    qtbot.mouseClick(bar.upgrade_button, Qt.MouseButton.LeftButton)
    assert window.wizard is not wizard
    stored = store.load(july).draft
    assert stored.kind_version == 2 and stored.values["closing_text"] == example.values["closing"]
    new_bar = window.wizard.upgrade_bar
    assert new_bar.isVisible() and "Đã cập nhật bản nháp lên mẫu phiên bản 2" in new_bar.text.text()
    assert not new_bar.upgrade_button.isVisible()
    assert "Số hóa thủ tục" in [window.wizard.step_list.item(i).text() for i in range(window.wizard.step_list.count())]
    window.grab().save(str(tmp_path / "upgraded.png"))
    qtbot.mouseClick(new_bar.close_button, Qt.MouseButton.LeftButton)
    assert not new_bar.isVisible()


def test_a_draft_carried_over_as_it_was_read_says_so(qtbot, kit):
    from kpdesk.kinds import kind_of
    from ui.wizard.wizard import WizardView

    path = next(p for p in kit.EXAMPLES if "6-thang" in p.name)  # made under version 1, no longer shipped
    d = drafts.load(path)
    assert d.upgraded_from == 1
    wizard = WizardView(kind_of(d), d, today=kit.TODAY)
    qtbot.addWidget(wizard)
    wizard.show()
    bar = wizard.upgrade_bar
    assert bar.isVisible() and not bar.upgrade_button.isVisible()
    assert "soạn theo mẫu phiên bản 1, không còn trên máy này" in bar.text.text()
    assert "phiên bản 2" in bar.text.text()
    plain = WizardView(kind_of(drafts.load(kit.EXAMPLES[0])), drafts.load(kit.EXAMPLES[0]), today=kit.TODAY)
    qtbot.addWidget(plain)
    plain.show()
    assert not plain.upgrade_bar.isVisible()


def test_new_report_lists_commune_kinds_with_their_version(qtbot, store, kit, package, settings):
    with kinds_of_data_dir(store.data_dir):
        kindpack.install_package(package, store.data_dir / "kinds")
        unit_id = store.save_unit(kit.profile_for(drafts.load(kit.EXAMPLES[0])))
        kinds = [get_kind(KIND), replace(get_kind("ke-hoach-khcn-nam"), audience="department")]
        dialog = NewReportDialog(store, store.unit(unit_id), kinds, today=kit.TODAY)
        qtbot.addWidget(dialog)
        assert dialog.kind_list.count() == 1
        assert "Phiên bản 2, áp dụng từ kỳ tháng 7 năm 2026" in dialog.kind_list.item(0).text()
        dialog.picker.month.setCurrentIndex(5)  # the officer picks June
        assert dialog.picker.period() == Period("month", 2026, month=6) and dialog.kind().version == 1
        assert "Kỳ tháng 6 năm 2026 dùng mẫu phiên bản 1" in dialog.version_note.text()
        dialog.picker.month.setCurrentIndex(6)
        assert dialog.kind().version == 2 and dialog.version_note.isHidden()
        assert dialog.result_value().kind.version == 2
