"""«Cập nhật mẫu báo cáo…» of both windows: check a kind package, show what it changes, install it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from kpdesk.errors import KpdeskError
from kpdesk.kinds import KindChanges
from ui import dialogs, operations
from ui.settings import Settings
from ui.widgets.common import HINT, escape_html, heading_label, hint_label

if TYPE_CHECKING:  # the packages' module (hashlib, lxml) is imported when a package is opened
    from kpdesk.kindpack import InstallPlan


def changes_html(changes: KindChanges, *, headline: bool = True) -> str:
    """The changes of one kind as HTML: its headline in bold, then one item per change."""
    items = "".join(f"<li>{escape_html(line)}</li>" for line in changes.lines())
    head = f"<p><b>{escape_html(changes.headline)}</b></p>" if headline else ""
    return f"{head}<ul style='margin-top:2px'>{items}</ul>"


class KindsInstallDialog(QDialog):
    """Shows what installing a checked package changes, kind by kind; «Cài đặt» accepts (the caller installs)."""

    def __init__(self, plan: InstallPlan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        m = plan.package.manifest
        self.setWindowTitle("Cập nhật mẫu báo cáo — kpdesk")
        self.resize(760, 520)
        box = QVBoxLayout(self)
        box.addWidget(heading_label("Cập nhật mẫu báo cáo", self))
        box.addWidget(
            hint_label(
                f"Gói «{plan.package.name}» của {m.publisher}. Gói đã được kiểm tra: đúng như Sở "
                "tạo, an toàn và xuất được báo cáo. Các bản nháp đã soạn vẫn giữ mẫu cũ của chúng; "
                "bản nháp của kỳ dùng mẫu mới sẽ được hỏi trước khi cập nhật.",
                self,
            )
        )
        self.details = QTextBrowser(self)
        self.details.setAccessibleName("Những gì thay đổi")
        self.details.setOpenLinks(False)
        self.details.setHtml(self.html())
        box.addWidget(self.details, 1)
        buttons = QDialogButtonBox(self)
        if plan.nothing_new:
            box.addWidget(hint_label("Gói này đã được cài rồi; không có gì thay đổi.", self))
            self.install_button = None
            close = buttons.addButton("Đó&ng", QDialogButtonBox.ButtonRole.RejectRole)
            close.setDefault(True)
        else:
            self.install_button = buttons.addButton("&Cài đặt", QDialogButtonBox.ButtonRole.AcceptRole)
            self.install_button.setDefault(True)
            buttons.addButton("&Hủy", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        box.addWidget(buttons)

    def html(self) -> str:
        parts = []
        for item in self.plan.items:
            if item.present:
                parts.append(
                    f"<p style='color:{HINT}'>«{escape_html(item.kind.name)}» phiên bản "
                    f"{item.kind.version}: đã có trên máy, không đổi.</p>"
                )
            else:
                parts.append(changes_html(item.changes))
        return "".join(parts)


def update_kinds(
    parent: QWidget,
    settings: Settings,
    installed: Callable[[InstallPlan], None],
    *,
    caption: str = "Chọn gói mẫu báo cáo do Sở gửi",
) -> None:
    """«Cập nhật mẫu báo cáo…»: ask for a .kpkind, check it off the UI thread, show what it changes in
    `KindsInstallDialog` and install it when the officer agrees; then `installed(plan)` (the window lists the kinds
    again). A package refused is shown with the core's message, and nothing changes."""
    path = dialogs.open_path(parent, caption, settings.folder("kinds"), "Gói mẫu báo cáo (*.kpkind)")
    if path is None:
        return
    settings.remember_folder("kinds", path)
    from kpdesk.kindpack import plan_install

    operations.Op(
        parent,
        lambda progress: plan_install(path),
        label=f"Đang kiểm tra gói mẫu báo cáo {path.name}…",
        error_what=f"Không cài được gói mẫu báo cáo {path.name}.",
    ).success(lambda plan: confirm_install(parent, plan, installed)).run()


def confirm_install(parent: QWidget, plan: InstallPlan, installed: Callable[[InstallPlan], None]) -> None:
    """Show what `plan` changes; install it when the officer presses «Cài đặt», then call `installed(plan)`."""
    from kpdesk.kindpack import install

    dialog = KindsInstallDialog(plan, parent)
    parent.kinds_dialog = dialog  # type: ignore[attr-defined]  # kept, so tests and screenshots can reach it
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted or plan.nothing_new:
            return
        try:
            install(plan)
        except KpdeskError as exc:
            operations.show_error(parent, exc, what="Chưa cài được gói mẫu báo cáo; chưa có gì thay đổi.")
            return
    finally:
        plan.discard()
    installed(plan)


def installed_text(plan: InstallPlan) -> str:
    """ "Đã cài 1 mẫu báo cáo mới: «…» phiên bản 2." for the status bar."""
    names = ", ".join(f"«{item.kind.short}» phiên bản {item.kind.version}" for item in plan.new)
    return f"Đã cài {len(plan.installed)} mẫu báo cáo mới: {names}."
