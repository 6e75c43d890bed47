"""The department's «Tệp › Cập nhật mẫu báo cáo…» and «Tệp › Đóng gói mẫu báo cáo…»: install a package, pack one."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from kpdesk import draft as drafts
from kpdesk import kindpack
from kpdesk.department.intake import REFUSED, receive_file
from kpdesk.department.records import Records
from kpdesk.kinds import get_kind, kind_versions, kinds_of_data_dir, templates_dir
from kpdesk.store import Store
from ui import dialogs, operations
from ui.department.window import DepartmentWindow
from ui.kinds_dialog import KindsInstallDialog
from ui.kinds_pack import KindsPackDialog

KIND = "co-che-tai-chinh-thang"
OTHER = "ke-hoach-khcn-nam"
PUBLISHER = "Sở Khoa học và Công nghệ tỉnh Thanh Hóa"
TODAY = dt.date(2026, 5, 25)
JULY = {"type": "month", "year": 2026, "month": 7}


def make_kind(root: Path, body_extra: str = "") -> Path:
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
    (folder / "body.j2").write_text(body + body_extra, encoding="utf-8")
    return folder


@pytest.fixture
def department(tmp_path, helpers):
    """The department's store (its profile, six units), its installed kinds being those kpdesk sees."""
    store = Store.open(tmp_path / "so")
    Records(store).import_units(helpers.listed_units()[:6])
    store.save_unit(helpers.department_profile())
    with kinds_of_data_dir(store.data_dir):
        yield store
        operations.wait_all(10_000)
    store.close()


@pytest.fixture
def window(qtbot, department, dept_settings):
    w = DepartmentWindow(department, dept_settings, today=TODAY)
    qtbot.addWidget(w)
    w.resize(1366, 740)
    w.show()
    yield w
    w.close()


def file_menu_entries(window: DepartmentWindow) -> list[str]:
    files = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Tệp")
    return [a.text().replace("&", "") for a in files.actions() if not a.isSeparator()]


def july_report_of_version_2(tmp_path: Path, helpers, package: Path) -> Path:
    """A commune's July report made under version 2 (installed on the commune's PC from `package`)."""
    unit = helpers.listed_units()[0]
    with kinds_of_data_dir(tmp_path / "xa"):
        kindpack.install_package(package)
        old = helpers.commune_draft("000", unit.name, unit.level, period=JULY, date="2026-08-10")
        new, _ = drafts.upgrade_draft(old, get_kind(KIND, 2))
        assert new.kind_version == 2
        return helpers._render(new, tmp_path / "bao-cao-thang-7.docx")


def test_the_department_installs_a_package_from_its_window_and_then_receives_reports_of_that_version(
    window, department, helpers, answers, monkeypatch, qtbot, tmp_path
):
    with kinds_of_data_dir(tmp_path / "packer"):
        package = kindpack.pack([make_kind(tmp_path / "sua")], tmp_path / "mau-thang-v2.kpkind", PUBLISHER).path
    report = july_report_of_version_2(tmp_path, helpers, package)
    records = Records(department)

    # a report of a version this PC lacks is refused, naming the menu the department's window now has
    refused = receive_file(records, report, received_on=dt.date(2026, 8, 12))
    assert refused.outcome == REFUSED
    assert "phiên bản 2, mới hơn bản đang cài" in refused.line and "Tệp › Cập nhật mẫu báo cáo…" in refused.line
    assert "Cập nhật mẫu báo cáo…" in file_menu_entries(window)
    assert "Đóng gói mẫu báo cáo…" in file_menu_entries(window)

    seen: list[tuple[str, bool]] = []

    def exec_(dialog: KindsInstallDialog):
        dialog.show()
        seen.append((dialog.details.toPlainText(), dialog.install_button is not None))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(KindsInstallDialog, "exec", exec_)
    answers.open_from = package
    window.update_kinds_action.trigger()
    qtbot.waitUntil(lambda: operations.running() == 0 and bool(seen), timeout=30_000)
    text, can_install = seen[0]
    assert can_install
    assert "phiên bản 1 → 2, áp dụng từ kỳ tháng 7 năm 2026" in text and "Thêm mục «Số hóa thủ tục»" in text
    assert [v.version for v in kind_versions(KIND)] == [1, 2]
    assert (department.data_dir / "kinds" / KIND / "2" / "kind.toml").is_file()
    assert window.kind().id == KIND and window.kind().version == 2
    assert "Đã cài 1 mẫu báo cáo mới: «" in window.statusBar().currentMessage()

    received = receive_file(records, report, received_on=dt.date(2026, 8, 12))
    assert received.outcome != REFUSED, received.line
    assert "mẫu phiên bản 2" in received.line


def test_a_package_that_cannot_be_installed_shows_the_core_message_and_changes_nothing(
    window, answers, monkeypatch, qtbot, tmp_path
):
    seen: list = []
    monkeypatch.setattr(KindsInstallDialog, "exec", lambda dialog: seen.append(dialog) or QDialog.DialogCode.Accepted)
    broken = tmp_path / "hong.kpkind"
    broken.write_bytes(b"PK\x03\x04 not a whole zip")
    answers.open_from = broken
    window.update_kinds()
    qtbot.waitUntil(
        lambda: operations.running() == 0 and any(a.startswith("error:") for a in answers.asked), timeout=20_000
    )
    assert not seen
    assert any(
        "Không cài được gói mẫu báo cáo hong.kpkind" in a and "không phải gói mẫu báo cáo" in a for a in answers.asked
    )
    assert [v.version for v in kind_versions(KIND)] == [1]


def check_only(dialog: KindsPackDialog, wanted: set[tuple[str, int]]) -> None:
    """Tick exactly the rows of the kinds and versions `wanted` (as the officer clicks their boxes)."""
    for i in range(dialog.kind_list.count()):
        item = dialog.kind_list.item(i)
        choice = item.data(Qt.ItemDataRole.UserRole)
        on = (choice.kind.id, choice.kind.version) in wanted
        if (item.checkState() == Qt.CheckState.Checked) != on:
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)


def run_pack_dialog(window, monkeypatch, act) -> KindsPackDialog:
    """Open «Đóng gói mẫu báo cáo…» from the menu; `act(dialog)` is what the officer does before closing it."""
    opened: list[KindsPackDialog] = []

    def exec_(dialog: KindsPackDialog):
        dialog.show()
        opened.append(dialog)
        act(dialog)
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(KindsPackDialog, "exec", exec_)
    window.pack_kinds_action.trigger()
    assert len(opened) == 1
    return opened[0]


def test_pack_two_kinds_from_the_window_and_the_file_installs_on_a_commune_pc(
    window, answers, monkeypatch, qtbot, tmp_path
):
    edited = make_kind(tmp_path / "sua")
    target = tmp_path / "gui-xa" / "mau-bao-cao"
    target.parent.mkdir()
    monkeypatch.setattr(dialogs, "choose_folder", lambda parent, caption, start: edited)
    answers.save_to = target  # the suffix is added
    answers.choice = 0  # «Mở thư mục»

    def act(dialog: KindsPackDialog) -> None:
        listed = [c.kind for c in dialog.choices()]
        assert {k.id for k in listed} >= {KIND, OTHER}
        ticked = {c.kind.id for c in dialog.chosen()}
        assert ticked == {k.id for k in listed if k.audience == "commune"}, "by default, the kinds communes write"
        first = dialog.kind_list.item(0).text()
        assert "Phiên bản 1" in first and "có sẵn trong kpdesk" in first
        assert dialog.publisher.text() == PUBLISHER
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
        added = dialog.kind_list.item(dialog.kind_list.count() - 1)
        assert "Phiên bản 2 · áp dụng từ kỳ tháng 7 năm 2026" in added.text() and str(edited) in added.text()
        assert [c.kind.version for c in dialog.chosen() if c.kind.id == KIND] == [2], "the edited one replaces it"
        check_only(dialog, {(KIND, 2), (OTHER, 1)})
        qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
        assert dialog.output.text() == str(target) + ".kpkind"
        qtbot.mouseClick(dialog.pack_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: operations.running() == 0 and dialog.result_ is not None, timeout=60_000)
        results = dialog.results.toPlainText()
        assert "Đã ghi gói mẫu báo cáo (2 mẫu)" in results and str(target) + ".kpkind" in results
        assert f"✓ «{KIND}» phiên bản 2: đọc được, mẫu nội dung an toàn" in results
        assert f"✓ «{OTHER}» phiên bản 1" in results
        assert "chuyển từ phiên bản 1 sang 2 và xuất được" in results

    dialog = run_pack_dialog(window, monkeypatch, act)
    written = Path(str(target) + ".kpkind")
    assert dialog.result_ is not None and dialog.result_.path == written
    assert any(a.startswith("Đã ghi gói mẫu báo cáo (2 mẫu)") for a in answers.asked)
    assert answers.opened == [written.parent]
    assert str(written) in window.statusBar().currentMessage()
    assert [v.version for v in kind_versions(KIND)] == [1], "packing installs nothing on the department's PC"

    # a real package: a commune's PC checks and installs it
    commune = Store.open(tmp_path / "xa")
    try:
        with kinds_of_data_dir(commune.data_dir):
            plan = kindpack.install_package(written)
            assert plan.package.manifest.publisher == PUBLISHER
            assert sorted(k.id for k in plan.package.manifest.kinds) == sorted([KIND, OTHER])
            assert [(f.kind_id, f.version) for f in plan.installed] == [(KIND, 2)], "the other is there already"
            assert get_kind(KIND).version == 2 and [v.version for v in kind_versions(KIND)] == [1, 2]
    finally:
        commune.close()


def test_a_refused_pack_shows_the_core_message_and_writes_nothing(window, answers, monkeypatch, qtbot, tmp_path):
    unsafe = make_kind(tmp_path / "sua", body_extra='{{ "".__class__ }}\n')
    line = len(unsafe.joinpath("body.j2").read_text(encoding="utf-8").splitlines())
    output = tmp_path / "goi.kpkind"
    monkeypatch.setattr(dialogs, "choose_folder", lambda parent, caption, start: unsafe)

    def act(dialog: KindsPackDialog) -> None:
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
        check_only(dialog, {(KIND, 2)})
        dialog.output.setText(str(output))
        qtbot.mouseClick(dialog.pack_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: operations.running() == 0 and any(a.startswith("error:") for a in answers.asked), timeout=60_000
        )
        assert dialog.pack_button.isEnabled(), "the officer may fix the template and pack again"
        assert f"Hãy sửa tệp {unsafe / 'body.j2'}, dòng {line} rồi đóng gói lại." in dialog.results.toPlainText()

    dialog = run_pack_dialog(window, monkeypatch, act)
    error = next(a for a in answers.asked if a.startswith("error:"))
    assert "Chưa đóng gói được mẫu báo cáo." in error and "truy cập «__class__», phần bị cấm" in error
    assert f"{unsafe / 'body.j2'}, dòng {line} rồi đóng gói lại" in error
    assert "báo Sở" not in error
    assert dialog.result_ is None and not output.exists()
    assert not any(tmp_path.glob("*.kpkind"))


def test_the_pack_dialog_says_what_is_missing_before_packing(window, answers, monkeypatch, qtbot, kit, tmp_path):
    def act(dialog: KindsPackDialog) -> None:
        check_only(dialog, set())
        qtbot.mouseClick(dialog.pack_button, Qt.MouseButton.LeftButton)
        assert "Hãy đánh dấu ít nhất một mẫu báo cáo" in dialog.results.toPlainText()
        check_only(dialog, {(OTHER, 1)})
        kit.replace_text(dialog.publisher, "")
        qtbot.mouseClick(dialog.pack_button, Qt.MouseButton.LeftButton)
        assert "«Cơ quan phát hành»" in dialog.results.toPlainText()
        kit.replace_text(dialog.publisher, "Sở Khoa học và Công nghệ tỉnh Nghệ An")
        assert dialog.publisher.text() == "Sở Khoa học và Công nghệ tỉnh Nghệ An"
        dialog.output.clear()
        qtbot.mouseClick(dialog.pack_button, Qt.MouseButton.LeftButton)
        assert "«Ghi vào tệp»" in dialog.results.toPlainText()

    dialog = run_pack_dialog(window, monkeypatch, act)
    assert operations.running() == 0 and dialog.result_ is None and not answers.asked


def test_a_new_kind_installed_from_a_package_is_listed_in_the_window_and_the_profile(
    window, department, tmp_path, qtbot
):
    """A kind id kpdesk does not ship, installed from a package, is a kind like the others: the department's kind
    list offers it (after «Cập nhật mẫu báo cáo…» reloads), and a commune can tick it in its profile."""
    from ui.profile import ProfileDialog, commune_kinds

    folder = tmp_path / "src" / "bao-cao-so-hoa"
    shutil.copytree(templates_dir() / KIND, folder)
    toml = (folder / "kind.toml").read_text(encoding="utf-8")
    toml = toml.replace(f'id = "{KIND}"', 'id = "bao-cao-so-hoa"', 1)
    (folder / "kind.toml").write_text(toml, encoding="utf-8")
    package = tmp_path / "so-hoa.kpkind"
    kindpack.pack([folder], package, publisher=PUBLISHER)
    assert "bao-cao-so-hoa" not in [k.id for k in commune_kinds()]
    kindpack.install_package(package)
    assert "bao-cao-so-hoa" in [k.id for k in commune_kinds()]
    window.reload_kinds()
    assert "bao-cao-so-hoa" in [window.kind_combo.itemData(i) for i in range(window.kind_combo.count())]
    dialog = ProfileDialog(department, None)
    qtbot.addWidget(dialog)
    assert "bao-cao-so-hoa" in dialog.kind_boxes
