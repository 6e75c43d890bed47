"""`kpdesk --selftest`: check that this installation works, from the source tree or from the frozen bundle.

Every report kind loads and its template names only its own fields; every bundled example loads, is validated,
is rendered to a .docx in a temporary folder whose name has Vietnamese letters and spaces (as a Windows user
folder such as C:\\Users\\Nguyễn Văn A\\ has), and is read back (python-docx, then the embedded draft) to the same
draft JSON; the store opens in a temporary data folder and backs up once for a new version; the main window
opens and closes offscreen. One line per check ("OK  …" or "LỖI …"); 0 only when every check passed.

Nothing here touches the user's own data folder: the checks run with `KPDESK_DATA_DIR` set to a temporary folder.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

#: A folder name like a Windows user's, with Vietnamese letters and spaces.
VIETNAMESE_FOLDER = "Nguyễn Văn A"


def examples_dir() -> Path:
    """Return the folder of example drafts (`KPDESK_EXAMPLES` overrides it): in the bundle, else the repo's."""
    env = os.environ.get("KPDESK_EXAMPLES")
    if env:
        return Path(env)
    from kpdesk.kinds import data_dir

    return data_dir("examples")


class _Checks:
    def __init__(self, out: Callable[[str], object]) -> None:
        self.out = out
        self.passed = 0
        self.failed = 0

    def ok(self, text: str) -> None:
        self.passed += 1
        self.out(f"OK  {text}")

    def fail(self, text: str) -> None:
        self.failed += 1
        self.out(f"LỖI {text}")


def _why(exc: BaseException) -> str:
    """A kpdesk error's own Vietnamese message; any other exception with its type, for the bug report."""
    message = getattr(exc, "message", None)
    return message if isinstance(message, str) and message else f"{type(exc).__name__}: {exc}"


@contextmanager
def _env(**values: str) -> Iterator[None]:
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _check_kinds(checks: _Checks) -> None:
    from kpdesk.kinds import all_kinds, templates_dir
    from kpdesk.templating import undeclared_names

    try:
        kinds = all_kinds()
    except Exception as exc:
        checks.fail(f"không đọc được các loại báo cáo trong {templates_dir()}: {_why(exc)}")
        return
    if not kinds:
        checks.fail(f"không có loại báo cáo nào trong {templates_dir()}")
        return
    for kind in kinds:
        try:
            missing = undeclared_names(kind)
        except Exception as exc:
            checks.fail(f"loại báo cáo «{kind.id}»: không đọc được mẫu {kind.template_path.name}: {_why(exc)}")
            continue
        if missing:
            checks.fail(f"loại báo cáo «{kind.id}»: mẫu dùng tên chưa khai báo: {', '.join(sorted(missing))}")
        else:
            checks.ok(
                f"loại báo cáo «{kind.id}» (phiên bản {kind.version}): {len(kind.fields)} trường, "
                f"mẫu chỉ dùng các trường đã khai báo"
            )


def _check_example(checks: _Checks, path: Path, out_dir: Path) -> None:
    from docx import Document

    from kpdesk import draft as drafts
    from kpdesk.compute import compute
    from kpdesk.kinds import kind_of
    from kpdesk.render import draft_from_docx, render_to_file
    from kpdesk.validate import validate

    step = "đọc bản nháp"
    try:
        d = drafts.load(path)
        kind = kind_of(d)
        step = "kiểm tra số liệu"
        report = validate(kind, d, compute(kind, d))
        step = "xuất .docx"
        target = out_dir / f"{path.stem} — báo cáo.docx"
        render_to_file(d, target, allow_errors=True)
        step = "đọc lại .docx"
        doc = Document(str(target))
        if not any(p.text.strip() for p in doc.paragraphs) and not doc.tables:
            raise ValueError("tệp .docx không có nội dung")
        back = draft_from_docx(target)
        if drafts.to_json(back) != drafts.to_json(d):
            raise ValueError("bản nháp đọc lại từ .docx khác bản nháp đã xuất")
    except Exception as exc:
        checks.fail(f"mẫu {path.name}: {step}: {_why(exc)}")
        return
    size = target.stat().st_size
    checks.ok(
        f"mẫu {path.name}: đọc, kiểm tra ({len(report.errors)} lỗi, {len(report.warnings)} cảnh báo), "
        f"xuất .docx ({size // 1024} KB), đọc lại đúng bản nháp"
    )


def _check_examples(checks: _Checks, out_dir: Path) -> None:
    folder = examples_dir()
    found = sorted(folder.glob("*.json")) if folder.is_dir() else []
    if not found:
        checks.fail(f"không có bản nháp mẫu nào trong {folder}")
        return
    for path in found:
        _check_example(checks, path, out_dir)


def _check_store(checks: _Checks, data_dir: Path) -> None:
    try:
        from kpdesk.store import Store
    except ImportError:
        checks.ok("kho bản nháp: chưa có trong bản này (bỏ qua)")
        return
    from kpdesk import draft as drafts

    try:
        with Store.open(data_dir) as store:
            examples = sorted(examples_dir().glob("*.json"))
            detail = ""
            if examples and hasattr(store, "add_draft"):
                d = drafts.load(examples[0])
                draft_id = store.add_draft(d)
                loaded = store.load(draft_id)
                back = getattr(loaded, "draft", loaded)
                if drafts.to_json(back)["values"] != drafts.to_json(d)["values"]:
                    raise ValueError("bản nháp đọc lại từ kho khác bản nháp đã lưu")
                detail = ", lưu và đọc lại một bản nháp"
        checks.ok(f"kho bản nháp: mở được trong thư mục dữ liệu «{data_dir}»{detail}")
    except Exception as exc:
        checks.fail(f"kho bản nháp trong «{data_dir}»: {_why(exc)}")
        return
    try:
        from kpdesk.upgrade import check_upgrade

        first = check_upgrade(data_dir, "0.0.0-selftest-a")
        second = check_upgrade(data_dir, "0.0.0-selftest-b")
        again = check_upgrade(data_dir, "0.0.0-selftest-b")
        if first.error or second.error or second.backup is None or not second.backup.is_file() or again.backup:
            raise ValueError(first.error or second.error or "không sao lưu đúng một lần cho phiên bản mới")
        checks.ok(f"sao lưu trước lần chạy đầu của phiên bản mới: {second.backup.name}")
    except Exception as exc:
        checks.fail(f"sao lưu khi nâng cấp: {_why(exc)}")


def _close_dialogs(app, found: list[str]) -> None:
    """Close any modal dialog (nothing may wait for a click in a self-test); remember its title."""
    for widget in app.topLevelWidgets():
        if widget.isModal() and widget.isVisible():
            found.append(widget.windowTitle() or type(widget).__name__)
            widget.close()


def _none_refcount_drift(app) -> int:
    """How many references to None 200 calls of Qt methods that return nothing lose (0 when healthy).

    PySide6 6.12.0 on Python 3.11 drops one each time, so any window crashes the program ("deallocating None")
    after a few thousand clicks; Python 3.12 and later do not count None's references (the drift is then 0).
    """
    if sys.version_info >= (3, 12):
        return 0
    before = sys.getrefcount(None)
    for _ in range(200):
        app.processEvents()
    return before - sys.getrefcount(None)


def _check_qt(checks: _Checks):
    """Load Qt and create the application as the program does; return it, or None after a LỖI line."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        import PySide6  # loaded here, not at the top: a missing Qt becomes a LỖI line, not a crash
        from PySide6.QtWidgets import QApplication
    except Exception as exc:
        checks.fail(f"Qt: không nạp được PySide6: {_why(exc)}")
        return None
    try:
        from ui.app import make_app
    except ImportError:
        make_app = None
    app = (
        make_app([sys.argv[0] if sys.argv else "kpdesk"])
        if make_app
        else (QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "kpdesk"]))
    )
    drift = _none_refcount_drift(app)
    if drift > 100:
        checks.fail(
            f"Qt: PySide6 {PySide6.__version__} có lỗi đếm tham chiếu với Python "
            f"{sys.version.split()[0]} (mất {drift}/200), chương trình sẽ tự đóng khi dùng lâu; "
            "hãy dùng bản PySide6 khác (xem docs/packaging.md)"
        )
        return None
    checks.ok(f"Qt: PySide6 {PySide6.__version__}, nền tảng {app.platformName()}, giao diện {app.style().name()}")
    return app


def _make_window(store, settings_file: Path):
    """Return kpdesk's main window on `store`, with its settings in `settings_file` (never the user's own)."""
    from PySide6.QtCore import QSettings

    from ui.main_window import MainWindow
    from ui.settings import Settings

    return MainWindow(store, Settings(QSettings(str(settings_file), QSettings.Format.IniFormat)))


def _check_window(checks: _Checks, data_dir: Path) -> None:
    app = _check_qt(checks)
    if app is None:
        return
    from PySide6.QtCore import QTimer

    dialogs: list[str] = []
    guard = QTimer()
    guard.timeout.connect(lambda: _close_dialogs(app, dialogs))
    guard.start(100)
    store = None
    start = time.perf_counter()
    try:
        from kpdesk.store import Store

        store = Store.open(data_dir)
        window = _make_window(store, data_dir.parent / "qt-settings.ini")
        window.show()
        while time.perf_counter() - start < 0.3:
            app.processEvents()
        if not window.isVisible():
            raise RuntimeError("cửa sổ không hiện lên")
        title = window.windowTitle()
        window.close()
        app.processEvents()
        if window.isVisible():
            raise RuntimeError("cửa sổ không đóng được")
        window.deleteLater()
        app.processEvents()
    except ImportError as exc:
        checks.fail(f"cửa sổ chính: không nạp được giao diện (ui): {_why(exc)}")
        return
    except Exception as exc:
        checks.fail(f"cửa sổ chính: {_why(exc)}")
        traceback.print_exc(file=sys.stderr)
        return
    finally:
        guard.stop()
        if store is not None:
            store.close()
    if dialogs:
        checks.fail(f"cửa sổ chính: mở và đóng được nhưng hiện hộp thoại: {'; '.join(dialogs)}")
    else:
        checks.ok(f"cửa sổ chính «{title}»: mở và đóng được ({time.perf_counter() - start:.1f} giây)")


def run_selftest(out: Callable[[str], object] = print) -> int:
    """Run every check, print one line each and a summary; return 0 only when all passed."""
    start = time.perf_counter()
    checks = _Checks(out)
    frozen = "bản đóng gói" if getattr(sys, "frozen", False) else "mã nguồn"
    try:
        from kpdesk.upgrade import app_version

        version = app_version()
    except Exception:
        version = "?"
    out(f"kpdesk {version} tự kiểm tra ({frozen}, Python {sys.version.split()[0]}, {sys.platform})")
    root = Path(tempfile.mkdtemp(prefix="kpdesk tự kiểm tra "))
    try:
        data_dir = root / VIETNAMESE_FOLDER / "Dữ liệu kpdesk"
        out_dir = root / VIETNAMESE_FOLDER / "Tài liệu" / "Báo cáo xuất"
        out_dir.mkdir(parents=True)
        with _env(KPDESK_DATA_DIR=str(data_dir)):
            _check_kinds(checks)
            _check_examples(checks, out_dir)
            _check_store(checks, data_dir)
            _check_window(checks, data_dir)
    except Exception as exc:  # a bug in the self-test itself still ends in a LỖI line and exit 1
        checks.fail(f"tự kiểm tra dừng giữa chừng: {_why(exc)}")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    took = time.perf_counter() - start
    total = checks.passed + checks.failed
    if checks.failed:
        out(f"KẾT QUẢ: {checks.failed}/{total} mục LỖI ({took:.1f} giây).")
        return 1
    out(f"KẾT QUẢ: cả {total} mục đều đạt ({took:.1f} giây).")
    return 0


if __name__ == "__main__":
    raise SystemExit(run_selftest())
