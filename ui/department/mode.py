"""Which window this PC opens — a commune's (prepare reports) or a department's (receive them) — asked once."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from kpdesk.errors import KpdeskError
from kpdesk.store import COMMUNE, DEPARTMENT, Store
from ui import dialogs, operations
from ui.widgets.common import menu_action

#: The setting of the data folder that holds the mode (`kpdesk department mode` reads and writes it too).
MODE_KEY = "mode"
MODES = (COMMUNE, DEPARTMENT)
CHOICES = {COMMUNE: "Soạn báo cáo của xã, phường", DEPARTMENT: "Nhận báo cáo cho Sở"}
EXPLAINED = (
    "• Soạn báo cáo: cán bộ UBND xã, phường soạn báo cáo định kỳ và xuất tệp Word gửi Sở.\n"
    "• Nhận báo cáo: Sở Khoa học và Công nghệ nhận báo cáo của các xã, phường, xem đơn vị nào đã gửi, gửi "
    "muộn hay chưa gửi, trả lại báo cáo cần sửa và đôn đốc.\n\n"
    "Có thể đổi sau ở «Cài đặt › Chế độ làm việc…»."
)


class ModeWindow(Protocol):
    """What switching the mode needs of a window: its store and a way to save the open work first."""

    store: Store

    def flush(self) -> bool: ...


def stored_mode(store: Store) -> str | None:
    """The mode of this data folder: the one chosen, else the one its profiles show; None on the first run."""
    mode = store.setting(MODE_KEY, "")
    if mode in MODES:
        return mode
    if store.chosen_unit() is not None:  # one profile read, not every commune's
        return COMMUNE
    if store.department() is not None:
        return DEPARTMENT
    return None


def ask_first_mode(parent: QWidget | None) -> str:
    """On the first run: does this PC prepare a commune's reports or receive them for a department? (Esc: the
    commune's, by far the more common.)"""
    choice = dialogs.choose(
        parent,
        "Chào mừng đến với kpdesk. Máy này dùng để làm gì?",
        [CHOICES[COMMUNE], CHOICES[DEPARTMENT]],
        detail=EXPLAINED,
        escape=0,
    )
    return DEPARTMENT if choice == 1 else COMMUNE


def ask_mode(parent: QWidget | None, current: str) -> str | None:
    """«Cài đặt › Chế độ làm việc…»: the mode chosen, or None when it stays as it is."""
    now = "nhận báo cáo cho Sở" if current == DEPARTMENT else "soạn báo cáo của xã, phường"
    choice = dialogs.choose(
        parent,
        f"Máy này đang dùng để {now}. Chọn chế độ làm việc:",
        [CHOICES[COMMUNE], CHOICES[DEPARTMENT], "Hủy"],
        detail=EXPLAINED.rsplit("\n\n", 1)[0] + "\n\nDữ liệu của cả hai chế độ được giữ nguyên khi đổi.",
        escape=2,
    )
    chosen = {0: COMMUNE, 1: DEPARTMENT}.get(choice)
    return chosen if chosen != current else None


def switch_mode(window: ModeWindow, parent: QWidget, current: str) -> str | None:
    """Ask for the mode; when it changes, save the open work and store the new mode. Return the new mode."""
    mode = ask_mode(parent, current)
    if mode is None:
        return None
    window.flush()
    try:
        window.store.set_setting(MODE_KEY, mode)
    except KpdeskError as exc:
        operations.show_error(parent, exc, what="Chưa đổi được chế độ làm việc.")
        return None
    return mode


MODE_TIP = "Máy này soạn báo cáo của xã, phường hay nhận báo cáo cho Sở"


def add_mode_action(menu: QMenu, trigger) -> QAction:
    """Add «Chế độ làm việc…» to a window's «Cài đặt» menu; `trigger` asks and switches."""
    return menu_action(menu, menu, "&Chế độ làm việc…", trigger, tip=MODE_TIP)
