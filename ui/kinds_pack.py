"""«Đóng gói mẫu báo cáo…» of the department: choose kinds and a file; check and pack them off the UI thread."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kpdesk.errors import KpdeskError
from kpdesk.kindpack import SUFFIX, PackResult
from kpdesk.kinds import AUDIENCES, Kind, KindVersion, get_kind, kind_ids, kind_versions, load_kind
from ui import dialogs, operations
from ui.widgets.common import HINT, escape_html, heading_label, hint_label

ERROR = "#b3261e"
OK = "#1b5e20"


@dataclass(frozen=True)
class PackChoice:
    """A kind that can go into a package: its newest version on this PC, or a folder the department chose."""

    kind: Kind
    folder: Path
    found: KindVersion | None  # None: a folder chosen with «Thêm thư mục mẫu…»

    def text(self) -> str:
        where = self.found.describe() if self.found is not None else f"thư mục {self.folder}"
        start = f" · áp dụng từ kỳ {self.kind.applies_from.label}" if self.kind.applies_from else ""
        return (
            f"{self.kind.short} — {self.kind.name}\n    Phiên bản {self.kind.version}{start} · {where} · "
            f"người soạn: {AUDIENCES[self.kind.audience]}"
        )


def packable_kinds() -> tuple[list[PackChoice], list[str]]:
    """The newest version of every kind on this PC (built in and installed), and a message for each that does not
    load, naming it."""
    found, broken = [], []
    for kind_id in kind_ids():
        try:
            newest = kind_versions(kind_id)[-1]
            found.append(PackChoice(get_kind(kind_id, newest.version), newest.folder, newest))
        except (KpdeskError, IndexError) as exc:
            broken.append(f"«{kind_id}»: {getattr(exc, 'message', exc)}")
    return found, broken


def publisher_of(profile: object | None) -> str:
    """ "Sở Khoa học và Công nghệ tỉnh Thanh Hóa": the department's name, with its province, as a package names it."""
    if profile is None:
        return ""
    name, province = getattr(profile, "name", ""), getattr(profile, "province", "")
    level = getattr(profile, "province_level", "")
    return f"{name} {level} {province}".strip() if province else name


class KindsPackDialog(QDialog):
    """Choose the kinds (by default those the communes write) and the file; «Đóng gói» checks each kind as a
    commune's kpdesk will and writes the package; the result of each check is listed below."""

    def __init__(
        self, publisher: str, folder: Path, parent: QWidget | None = None, *, today: dt.date | None = None
    ) -> None:
        super().__init__(parent)
        self.result_: PackResult | None = None
        self.setWindowTitle("Đóng gói mẫu báo cáo — kpdesk")
        self.resize(840, 700)
        box = QVBoxLayout(self)
        box.addWidget(heading_label("Đóng gói mẫu báo cáo", self))
        box.addWidget(
            hint_label(
                "Gói (.kpkind) mang các mẫu báo cáo đã chọn để các xã, phường cài bằng «Tệp › Cập "
                "nhật mẫu báo cáo…». Trước khi ghi tệp, kpdesk kiểm tra từng mẫu như máy của xã sẽ "
                "kiểm tra, và thử chuyển các bản nháp của phiên bản trước sang phiên bản mới.",
                self,
            )
        )
        label = QLabel("&Mẫu báo cáo đưa vào gói:", self)
        box.addWidget(label)
        self.kind_list = QListWidget(self)
        self.kind_list.setAccessibleName("Mẫu báo cáo đưa vào gói")
        self.kind_list.setWordWrap(True)
        self.kind_list.setAlternatingRowColors(True)
        self.kind_list.setSpacing(2)
        label.setBuddy(self.kind_list)
        choices, broken = packable_kinds()
        for choice in sorted(choices, key=lambda c: c.kind.audience != "commune"):  # the communes' kinds first
            self.add_choice(choice, checked=choice.kind.audience == "commune")
        box.addWidget(self.kind_list, 2)
        row = QHBoxLayout()
        self.add_button = QPushButton("Thêm &thư mục mẫu…", self)
        self.add_button.setToolTip("Thêm một mẫu báo cáo Sở đã sửa (thư mục chứa kind.toml và body.j2)")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self.add_folder)
        row.addWidget(self.add_button)
        self.broken = (
            hint_label("Không đọc được, nên không có trong danh sách: " + "; ".join(broken), self) if broken else None
        )
        if self.broken is not None:
            row.addWidget(self.broken, 1)
        row.addStretch(1)
        box.addLayout(row)

        form = QFormLayout()
        self.publisher = QLineEdit(publisher, self)
        self.publisher.setAccessibleName("Cơ quan phát hành")
        self.publisher.setPlaceholderText("ví dụ: Sở Khoa học và Công nghệ tỉnh Thanh Hóa")
        form.addRow("Cơ quan &phát hành:", self.publisher)
        where = QHBoxLayout()
        today = today or dt.date.today()
        self.output = QLineEdit(str(folder / f"mau-bao-cao-{today:%Y-%m-%d}{SUFFIX}"), self)
        self.output.setAccessibleName("Tệp gói sẽ ghi")
        self.choose_button = QPushButton("&Chọn…", self)
        self.choose_button.setAutoDefault(False)
        self.choose_button.clicked.connect(self.choose_output)
        where.addWidget(self.output, 1)
        where.addWidget(self.choose_button)
        output_label = QLabel("Ghi &vào tệp:", self)
        output_label.setBuddy(self.output)
        form.addRow(output_label, where)
        box.addLayout(form)

        self.results = QTextBrowser(self)
        self.results.setAccessibleName("Kết quả kiểm tra")
        self.results.setOpenLinks(False)
        self.results.hide()
        box.addWidget(self.results, 1)
        buttons = QDialogButtonBox(self)
        self.pack_button = buttons.addButton("Đóng &gói", QDialogButtonBox.ButtonRole.ActionRole)
        self.pack_button.setDefault(True)
        self.pack_button.clicked.connect(self.pack)
        buttons.addButton("Đó&ng", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        box.addWidget(buttons)

    # -- the kinds ----------------------------------------------------------------------------
    def add_choice(self, choice: PackChoice, *, checked: bool) -> QListWidgetItem:
        item = QListWidgetItem(choice.text(), self.kind_list)
        item.setData(Qt.ItemDataRole.UserRole, choice)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        item.setToolTip(str(choice.folder))
        return item

    def choices(self) -> list[PackChoice]:
        return [self.kind_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.kind_list.count())]

    def chosen(self) -> list[PackChoice]:
        return [
            self.kind_list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.kind_list.count())
            if self.kind_list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def set_checked(self, kind_ids: set[str]) -> None:
        """Check exactly the kinds `kind_ids` (the first row of each)."""
        seen: set[str] = set()
        for i in range(self.kind_list.count()):
            kid = self.kind_list.item(i).data(Qt.ItemDataRole.UserRole).kind.id
            on = kid in kind_ids and kid not in seen
            if on:
                seen.add(kid)
            self.kind_list.item(i).setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def add_folder(self, folder: Path | None = None) -> None:
        """«Thêm thư mục mẫu…»: a kind the department edited, checked in place of the same kind listed."""
        folder = folder or dialogs.choose_folder(
            self, "Chọn thư mục mẫu báo cáo (chứa kind.toml và body.j2)", Path(self.output.text()).parent
        )
        if folder is None:
            return
        from kpdesk.kindpack import declared_id

        if not (folder / "kind.toml").is_file():
            self.show_message(f"Thư mục {folder} không có tệp kind.toml; hãy chọn thư mục của một mẫu báo cáo.")
            return
        try:
            kind = load_kind(folder, declared_id(folder))
        except KpdeskError as exc:
            self.show_message(f"Không thêm được mẫu trong thư mục {folder}: {exc.message}")
            return
        for i in range(self.kind_list.count()):
            item = self.kind_list.item(i)
            if item.data(Qt.ItemDataRole.UserRole).kind.id == kind.id:
                item.setCheckState(Qt.CheckState.Unchecked)
        item = self.add_choice(PackChoice(kind, folder, None), checked=True)
        self.kind_list.setCurrentItem(item)
        self.results.hide()

    def choose_output(self) -> None:
        path = dialogs.save_path(self, "Ghi gói mẫu báo cáo", Path(self.output.text()), "Gói mẫu báo cáo (*.kpkind)")
        if path is not None:
            if path.suffix.lower() != SUFFIX:
                path = path.with_name(path.name + SUFFIX)
            self.output.setText(str(path))

    # -- packing ------------------------------------------------------------------------------
    def show_message(self, text: str, *, ok: bool = False) -> None:
        self.results.setHtml(f"<p style='color:{OK if ok else ERROR}'>{escape_html(text)}</p>")
        self.results.show()

    def pack(self) -> None:
        """«Đóng gói»: check and pack the chosen kinds off the UI thread; the dialog stays open with the result."""
        chosen = self.chosen()
        publisher = self.publisher.text().strip()
        output = Path(self.output.text().strip()) if self.output.text().strip() else None
        ids = [c.kind.id for c in chosen]
        twice = sorted({kid for kid in ids if ids.count(kid) > 1})
        if not chosen:
            return self.show_message("Hãy đánh dấu ít nhất một mẫu báo cáo trong danh sách để đóng gói.")
        if twice:
            return self.show_message(
                f"Mẫu «{twice[0]}» được đánh dấu hai lần; mỗi gói chỉ mang một phiên bản của "
                "mỗi mẫu. Hãy bỏ đánh dấu một dòng."
            )
        if not publisher:
            self.publisher.setFocus()
            return self.show_message(
                "Hãy ghi tên cơ quan phát hành gói vào ô «Cơ quan phát hành», ví dụ «Sở Khoa "
                "học và Công nghệ tỉnh Thanh Hóa»."
            )
        if output is None:
            self.output.setFocus()
            return self.show_message("Hãy chọn tệp sẽ ghi gói (ô «Ghi vào tệp», nút «Chọn…»).")
        from kpdesk.kindpack import pack

        folders = [c.folder for c in chosen]
        self.pack_button.setEnabled(False)
        self.show_message(f"Đang kiểm tra và đóng gói {len(folders)} mẫu báo cáo…", ok=True)
        operations.Op(
            self,
            lambda progress: pack(folders, output, publisher),
            label=f"Đang kiểm tra và đóng gói {len(folders)} mẫu báo cáo…",
        ).success(self._packed).failure(self._refused).run()

    def _packed(self, result: PackResult) -> None:
        self.pack_button.setEnabled(True)
        self.result_ = result
        checks = "".join(f"<p style='margin:2px 0 2px 12px'>✓ {escape_html(line)}</p>" for line in result.checked)
        self.results.setHtml(
            f"<p style='color:{OK}'><b>Đã ghi gói mẫu báo cáo ({len(result.kinds)} mẫu):</b><br>"
            f"{escape_html(str(result.path))}</p>"
            f"<p style='color:{HINT}'>Mã kiểm tra sha256: {result.sha256}</p>"
            f"<p><b>Đã kiểm tra:</b></p>{checks}"
        )
        self.results.show()
        if (
            dialogs.choose(
                self,
                f"Đã ghi gói mẫu báo cáo ({len(result.kinds)} mẫu):\n{result.path}",
                ["Mở thư mục", "Đóng"],
                escape=1,
                info=True,
            )
            == 0
        ):
            dialogs.open_in_system(result.path.parent)

    def _refused(self, exc: BaseException) -> None:
        self.pack_button.setEnabled(True)
        self.result_ = None
        if isinstance(exc, KpdeskError):
            self.show_message(exc.message)
        operations.show_error(self, exc, what="Chưa đóng gói được mẫu báo cáo.")
