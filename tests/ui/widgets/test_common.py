"""The shared look: enum properties set by their keys, the status icons, the labels of hints and empty lists."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QShortcut
from PySide6.QtWidgets import QLabel, QWidget

from ui.widgets.common import (
    DONE,
    EMPTY,
    ERROR,
    FAIL,
    OK,
    WARN,
    empty_label,
    fit_columns,
    hint_label,
    menu_action,
    push_button,
    row_table,
    set_caption,
    set_keys,
    status_icon,
    status_pixmap,
)


def test_set_keys_sets_enums_and_flags_by_their_keys(qtbot):
    label = QLabel("x")
    qtbot.addWidget(label)
    set_keys(label, alignment="AlignRight|AlignBottom", textFormat="RichText")
    assert label.alignment() == Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom
    assert label.textFormat() == Qt.TextFormat.RichText
    set_keys(label, textInteractionFlags="TextSelectableByMouse|TextSelectableByKeyboard")
    assert label.textInteractionFlags() == (
        Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
    )
    owner = QWidget()
    qtbot.addWidget(owner)
    shortcut = QShortcut(owner)
    set_keys(shortcut, context="WidgetWithChildrenShortcut")
    assert shortcut.context() == Qt.ShortcutContext.WidgetWithChildrenShortcut


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("alignment", "AlignMiddle"),  # no such key
        ("alignement", "AlignCenter"),  # no such property: setProperty would make a dynamic one
        ("text", "AlignCenter"),  # a property, not an enum
        ("textFormat", ""),
    ],
)
def test_set_keys_refuses_what_qt_does_not_know_and_changes_nothing(qtbot, name, key):
    label = QLabel("x")
    qtbot.addWidget(label)
    before = (label.alignment(), label.text(), label.textFormat())
    with pytest.raises(ValueError, match=name):
        set_keys(label, **{name: key})
    assert (label.alignment(), label.text(), label.textFormat()) == before
    assert label.dynamicPropertyNames() == []


def _pixel(icon, x: int, y: int, size: int = 64) -> QColor:
    image: QImage = icon.pixmap(size, size).toImage()
    return image.pixelColor(round(x * image.width() / size), round(y * image.height() / size))


@pytest.mark.parametrize(("state", "colour"), [(DONE, OK), (WARN, "#c98a00"), (FAIL, ERROR)])
def test_a_status_icon_is_a_coloured_disc_with_a_white_mark(qtbot, state, colour):
    icon = status_icon(state, 64)
    assert _pixel(icon, 1, 1).alpha() == 0  # outside the disc: transparent
    marks = {DONE: (0.44, 0.68), WARN: (0.5, 0.40), FAIL: (0.5, 0.5)}  # a point on each mark's stroke
    x, y = marks[state]
    assert _pixel(icon, round(64 * x), round(64 * y)).name() == "#ffffff"
    assert _pixel(icon, 12, 32).name() == QColor(colour).name()  # the disc, left of the mark
    if state == WARN:  # the stroke and its dot are apart
        assert _pixel(icon, 32, round(64 * 0.66)).name() == QColor(colour).name()
        assert _pixel(icon, 32, round(64 * 0.74)).name() == "#ffffff"


def test_the_not_started_icon_is_a_ring(qtbot):
    icon = status_icon(EMPTY, 64)
    assert _pixel(icon, 32, 32).alpha() == 0  # hollow
    ring = _pixel(icon, 32, 1)  # on the ring, at the top (its edges are smoothed)
    grey = QColor("#8a949e")
    assert ring.alpha() > 128
    assert max(abs(ring.red() - grey.red()), abs(ring.green() - grey.green()), abs(ring.blue() - grey.blue())) <= 3
    assert _pixel(icon, 0, 0).alpha() == 0


def test_a_status_pixmap_is_painted_once_per_state_and_size_then_shared(qtbot):
    first = status_pixmap(FAIL, 18)
    again = status_pixmap(FAIL, 18)
    assert first.cacheKey() == again.cacheKey()  # the same pixels, shared: painted once
    assert status_pixmap(DONE, 18).cacheKey() != first.cacheKey() != status_pixmap(FAIL, 16).cacheKey()
    assert again.toImage() == status_icon(FAIL, 18).pixmap(18, 18).toImage()  # what the icon shows
    again.fill(QColor("black"))  # a caller painting over its copy changes no one else's
    assert status_pixmap(FAIL, 18).toImage() == first.toImage() != again.toImage()


@pytest.fixture
def marks_folder(tmp_path, monkeypatch):
    """A cache folder of its own, and no mark made yet in this process."""
    from ui.widgets import common

    monkeypatch.setenv("KPDESK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(common, "_STATUS_PIXMAPS", {})
    return tmp_path / "cache" / "marks"


def _painted(state, size):
    from ui.widgets import common

    return common._paint_status(state, size, 1.0).toImage()


def test_a_status_mark_is_kept_in_the_cache_folder_and_read_from_it_at_the_next_start(qtbot, marks_folder):
    from ui.widgets import common

    states = (DONE, WARN, FAIL, EMPTY)
    made = {state: status_pixmap(state, 18).toImage() for state in states}
    files = {state: common.status_mark_file(state, 18, 1.0) for state in states}
    assert sorted(p.name for p in marks_folder.iterdir()) == sorted(p.name for p in files.values())
    assert all(made[state] == _painted(state, 18) for state in states)
    common._STATUS_PIXMAPS.clear()  # the next start: read, not painted
    painted = []
    real = common._paint_status

    def paint(*args):
        painted.append(args)
        return real(*args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(common, "_paint_status", paint)
        read = {state: status_pixmap(state, 18) for state in states}
    assert painted == []
    for state in states:
        assert read[state].toImage().convertToFormat(made[state].format()) == made[state]
        assert read[state].devicePixelRatio() == 1.0 and read[state].width() == 18


def test_a_mark_that_cannot_be_read_or_is_of_another_size_is_painted_and_kept_again(qtbot, marks_folder):
    from ui.widgets import common

    status_pixmap(FAIL, 16)
    path = common.status_mark_file(FAIL, 16, 1.0)
    for bad in (b"not a picture", None):
        if bad is None:  # a picture, of another size
            common._paint_status(FAIL, 20, 1.0).save(str(path), "PNG")
        else:
            path.write_bytes(bad)
        common._STATUS_PIXMAPS.clear()
        assert status_pixmap(FAIL, 16).toImage() == _painted(FAIL, 16)
        assert QImage(str(path)).convertToFormat(_painted(FAIL, 16).format()) == _painted(FAIL, 16)


def test_marks_are_kept_by_version_older_ones_go_and_none_without_a_cache_folder(qtbot, marks_folder, monkeypatch):
    from ui.widgets import common

    name = common.status_mark_file(DONE, 18, 1.25).name
    assert name.startswith("done-18-125-") and f"-{common.MARKS_VERSION}.png" in name
    assert common.app_version() in name  # another version of the program paints its own
    status_pixmap(WARN, 18)
    other = marks_folder / name.replace(f"-{common.MARKS_VERSION}.png", f"-{common.MARKS_VERSION - 1}.png")
    other.write_bytes(b"a mark of another version")
    (marks_folder / "notes.txt").write_text("not a mark", encoding="utf-8")
    common._STATUS_PIXMAPS.clear()
    status_pixmap(WARN, 18)  # read: nothing painted, nothing removed
    assert other.exists()
    status_pixmap(FAIL, 18)  # painted: the other version's marks go, the rest stays
    assert not other.exists() and (marks_folder / "notes.txt").exists()
    assert sorted(p.name for p in marks_folder.glob("*.png")) == sorted(
        common.status_mark_file(s, 18, 1.0).name for s in (WARN, FAIL)
    )
    kept = sorted(marks_folder.iterdir())
    monkeypatch.setenv("KPDESK_CACHE_DIR", "")  # no cache folder: painted, nothing written or removed
    assert common.status_mark_file(DONE, 18, 1.0) is None
    assert status_pixmap(DONE, 18).toImage() == _painted(DONE, 18)
    assert sorted(marks_folder.iterdir()) == kept


def test_push_button_and_menu_action_have_their_text_and_shortcut(qtbot):
    from PySide6.QtWidgets import QMenu

    parent = QWidget()
    qtbot.addWidget(parent)
    button = push_button("&Mở", parent)
    assert button.text() == "&Mở" and button.parent() is parent
    menu = QMenu(parent)
    hits = []
    action = menu_action(parent, menu, "Báo cáo &mới…", lambda: hits.append(1), "Ctrl+N", "Tạo báo cáo mới")
    assert action.text() == "Báo cáo &mới…" and action.parent() is parent and action in menu.actions()
    assert action.shortcut().toString() == "Ctrl+N" and action.statusTip() == "Tạo báo cáo mới"
    action.trigger()
    assert hits == [1]


def test_set_shortcut_gives_an_action_or_a_shortcut_the_keys_qkeysequence_reads(qtbot):
    from PySide6.QtGui import QAction, QKeySequence, QShortcut

    from ui.widgets.common import set_shortcut

    parent = QWidget()
    qtbot.addWidget(parent)
    action, shortcut = QAction(parent), QShortcut(parent)
    for keys in ("Ctrl+N", "Ctrl+Shift+F", "F5", "Alt+Down"):
        set_shortcut(action, keys)
        set_shortcut(shortcut, keys)
        assert action.shortcut() == shortcut.key() == QKeySequence(keys), keys
    set_shortcut(action, "Ctrl+Không có")  # keys Qt cannot read: as QKeySequence reads them, no key
    assert action.shortcut() == QKeySequence("Ctrl+Không có") and action.shortcut().toString() == ""
    with pytest.raises(ValueError, match="phím tắt"):
        set_shortcut(QWidget(parent), "Ctrl+N")  # a widget has no shortcut of its own


def test_hint_empty_and_caption_labels(qtbot):
    hint = hint_label("Gợi ý")
    empty = empty_label("Chưa có báo cáo nào.")
    caption = QLabel()
    for label in (hint, empty, caption):
        qtbot.addWidget(label)
    assert hint.textInteractionFlags() == Qt.TextInteractionFlag.TextSelectableByMouse and hint.wordWrap()
    assert empty.alignment() == Qt.AlignmentFlag.AlignCenter
    set_caption(caption, "Kinh phí", required=True)
    assert caption.textFormat() == Qt.TextFormat.RichText and "*" in caption.text()
    set_caption(caption, "Ghi chú & nguồn", required=False)
    assert caption.textFormat() == Qt.TextFormat.PlainText and caption.text() == "Ghi chú && nguồn"


def test_a_row_table_fits_its_columns_when_filled_and_they_can_be_widened_by_hand(qtbot):
    from PySide6.QtWidgets import QHeaderView, QTableWidgetItem

    parent = QWidget()
    qtbot.addWidget(parent)
    parent.resize(900, 300)
    table = row_table(("Báo cáo", "Loại", "Kỳ báo cáo"), parent, name="Danh sách", stretch=0)
    parent.show()
    header = table.horizontalHeader()
    assert header.sectionResizeMode(0) == QHeaderView.ResizeMode.Stretch
    assert {header.sectionResizeMode(c) for c in (1, 2)} == {QHeaderView.ResizeMode.Interactive}
    table.setRowCount(2)
    for row, cells in enumerate((("Tháng 5", "BC-KHCN-THANG", "Tháng 5 năm 2026"), ("Năm", "BC-CDS-NAM", "Năm 2026"))):
        for col, text in enumerate(cells):
            table.setItem(row, col, QTableWidgetItem(text))
    narrow = table.columnWidth(2)
    fit_columns(table)
    for col in (1, 2):  # as wide as the widest of its cells and its heading: nothing cut off
        assert table.columnWidth(col) == max(table.sizeHintForColumn(col), header.sectionSizeHint(col))
    assert table.columnWidth(2) > narrow  # the default width did not hold «Tháng 5 năm 2026»
    header.resizeSection(1, table.columnWidth(1) + 40)  # widened by hand: it stays until the next fill
    assert table.columnWidth(1) == max(table.sizeHintForColumn(1), header.sectionSizeHint(1)) + 40
