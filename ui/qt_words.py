"""Qt's own words (text-box menus, standard buttons, the file dialog) in Vietnamese: Qt ships no Vietnamese file."""

from __future__ import annotations

from PySide6.QtCore import QTranslator

#: Qt's own words (text-field menus, standard buttons, file dialog) in Vietnamese; Qt ships no Vietnamese file.
QT_WORDS: dict[str, str] = {
    "&Undo": "&Hoàn tác",
    "&Redo": "&Làm lại",
    "Cu&t": "Cắ&t",
    "&Copy": "&Chép",
    "&Paste": "&Dán",
    "Delete": "Xóa",
    "Select All": "Chọn tất cả",
    "&Select All": "&Chọn tất cả",
    "Copy &Link Location": "Chép địa chỉ",
    "&Step up": "&Tăng",
    "Step &down": "&Giảm",
    "OK": "Đồng ý",
    "Save": "Lưu",
    "Save All": "Lưu tất cả",
    "Open": "Mở",
    "&Yes": "&Có",
    "Yes to &All": "Có với tất cả",
    "&No": "&Không",
    "N&o to All": "Không với tất cả",
    "Abort": "Dừng",
    "Retry": "Thử lại",
    "Ignore": "Bỏ qua",
    "Close": "Đóng",
    "Cancel": "Hủy",
    "Discard": "Bỏ",
    "Help": "Trợ giúp",
    "Apply": "Áp dụng",
    "Reset": "Đặt lại",
    "Restore Defaults": "Khôi phục mặc định",
    "Show Details...": "Xem chi tiết…",
    "Hide Details...": "Ẩn chi tiết…",
    "Look in:": "Tìm trong:",
    "File &name:": "&Tên tệp:",
    "Files of type:": "Loại tệp:",
    "&Open": "&Mở",
    "&Save": "&Lưu",
    "&Choose": "&Chọn",
    "Back": "Quay lại",
    "Forward": "Tiếp",
    "Parent Directory": "Thư mục cha",
    "Create New Folder": "Tạo thư mục mới",
    "List View": "Dạng danh sách",
    "Detail View": "Dạng chi tiết",
    "Name": "Tên",
    "Size": "Cỡ",
    "Type": "Loại",
    "Date Modified": "Ngày sửa",
    "Save As": "Lưu thành",
    "Directory:": "Thư mục:",
    "New Folder": "Thư mục mới",
    "&Rename": "Đổi &tên",
    "&Delete": "&Xóa",
    "Show &hidden files": "Hiện tệp ẩn",
    "My Computer": "Máy tính",
    "Computer": "Máy tính",
    "%1 already exists.\nDo you want to replace it?": "%1 đã có.\nGhi đè lên tệp đó?",
}


class VietnameseQt(QTranslator):
    """Translates the few texts Qt itself shows (menus of text boxes, standard buttons, file dialog)."""

    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str:
        # an empty (non-null) result would count as a translation and blank the text: give the source back
        return QT_WORDS.get(source, source)

    def isEmpty(self) -> bool:  # noqa: N802 - Qt naming
        return False
