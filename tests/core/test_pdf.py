"""PDF from the rendered .docx: the converter chain, Word through a faked COM layer, LibreOffice (a fake soffice for
its command line and timeout, the real one for every example), the metadata and the command line."""

from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import types
import zipfile
from pathlib import Path
from typing import Any

import pytest

from kpdesk import draft as drafts
from kpdesk import pdf, vn
from kpdesk.cli import main
from kpdesk.compute import compute, lookup
from kpdesk.errors import RenderError
from kpdesk.kinds import get_kind
from kpdesk.render import build_frame, render_to_file
from kpdesk.render.frame import QUOC_HIEU, TIEU_NGU

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
POPPLER = shutil.which("pdfinfo") and shutil.which("pdftotext") and shutil.which("pdffonts")
needs_poppler = pytest.mark.skipif(not POPPLER, reason="needs poppler-utils (pdfinfo, pdftotext, pdffonts)")
posix_only = pytest.mark.skipif(os.name != "posix", reason="the fake soffice is a shell script")


def tiny_pdf(title: str = "") -> bytes:
    """A valid one-page A4 PDF with a classic cross-reference table (what a converter is faked to write)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /Title (" + title.encode("ascii", "replace") + b") >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def fake(
    name: str,
    *,
    approximate: bool = False,
    fail: str | None = None,
    calls: list[str] | None = None,
    data: bytes | None = None,
) -> pdf.Converter:
    """A converter that writes `data` (a small PDF), or fails with `fail`; it records its name in `calls`."""

    def run(docx: Path, target: Path, timeout: float) -> None:
        if calls is not None:
            calls.append(name)
        assert docx.is_file() and docx.parent != target.parent
        if fail is not None:
            raise pdf.ConversionFailed(fail)
        target.write_bytes(tiny_pdf(name) if data is None else data)

    return pdf.Converter(name, run, approximate=approximate)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def docx(tmp_path: Path) -> Path:
    path = tmp_path / "src" / "Báo cáo tháng.docx"
    path.parent.mkdir()
    path.write_bytes(b"PK\x03\x04 a .docx")
    return path


@pytest.fixture
def no_office(monkeypatch: pytest.MonkeyPatch) -> None:
    """Neither Word nor LibreOffice on this computer."""
    monkeypatch.setattr(pdf, "word_installed", lambda: False)
    monkeypatch.setattr(pdf, "find_libreoffice", lambda: None)


# ----------------------------------------------------------------------------- the chain


def test_word_then_libreoffice_then_the_callers_fallback():
    fallback = fake("Qt", approximate=True)
    assert [c.name for c in pdf.converters(fallback)] == [pdf.WORD, pdf.LIBREOFFICE, "Qt"]
    assert [c.name for c in pdf.converters()] == [pdf.WORD, pdf.LIBREOFFICE]


def test_the_first_converter_that_works_makes_the_pdf_and_is_named(docx, tmp_path):
    calls: list[str] = []
    target = tmp_path / "out" / "bao-cao.pdf"
    target.parent.mkdir()
    chain = [fake("A", fail="hỏng", calls=calls), fake("B", calls=calls), fake("C", calls=calls)]
    result = pdf.docx_to_pdf(docx, target, chain=chain)
    assert calls == ["A", "B"]
    assert (result.converter, result.approximate, result.failures) == ("B", False, (("A", "hỏng"),))
    assert result.path == target and target.read_bytes() == tiny_pdf("B")
    assert result.sha256 == hashlib.sha256(target.read_bytes()).hexdigest()
    assert result.message == "Đã tạo PDF bằng B. (A không tạo được PDF: hỏng.)"
    assert leftovers(target.parent) == ["bao-cao.pdf"]


def test_the_fallback_says_that_line_breaks_may_differ(docx, tmp_path, no_office):
    result = pdf.docx_to_pdf(docx, tmp_path / "x.pdf", fallback=fake("trình tạo PDF dự phòng", approximate=True))
    assert result.converter == "trình tạo PDF dự phòng" and result.approximate and result.failures == ()
    assert result.message.startswith("Đã tạo PDF bằng trình tạo PDF dự phòng.")
    assert "xuống dòng" in result.message and "lệch đôi chút so với bản in từ Word" in result.message


def test_an_absent_converter_is_passed_over_without_a_word(docx, tmp_path):
    def absent(docx: Path, target: Path, timeout: float) -> None:
        raise pdf.Unavailable("không có")

    never = pdf.Converter("X", lambda *a: pytest.fail("not present: never run"), present=lambda: False)
    result = pdf.docx_to_pdf(docx, tmp_path / "x.pdf", chain=[never, pdf.Converter("Y", absent), fake("Z")])
    assert (result.converter, result.failures) == ("Z", ())


def test_progress_names_each_converter_tried(docx, tmp_path):
    said: list[str] = []
    pdf.docx_to_pdf(docx, tmp_path / "x.pdf", chain=[fake(pdf.LIBREOFFICE, fail="x"), fake("Qt")], progress=said.append)
    assert said == ["Đang tạo PDF bằng LibreOffice (lần chạy đầu có thể mất vài chục giây)…", "Đang tạo PDF bằng Qt…"]


def test_an_unexpected_error_or_a_file_that_is_not_a_pdf_falls_through(docx, tmp_path):
    def broken(docx: Path, target: Path, timeout: float) -> None:
        raise ZeroDivisionError("chia cho 0")

    chain = [pdf.Converter("A", broken), fake("B", data=b"<html>"), fake("C")]
    result = pdf.docx_to_pdf(docx, tmp_path / "x.pdf", chain=chain)
    assert result.converter == "C"
    assert result.failures == (
        ("A", "lỗi không mong muốn (ZeroDivisionError: chia cho 0)"),
        ("B", "tệp tạo ra không phải PDF"),
    )


def test_without_word_or_libreoffice_the_error_says_what_to_install(docx, tmp_path, no_office):
    target = tmp_path / "x.pdf"
    with pytest.raises(RenderError) as info:
        pdf.docx_to_pdf(docx, target)
    assert "không có Microsoft Word hay LibreOffice" in str(info.value)
    assert "libreoffice.org" in str(info.value) and "Lưu thành › PDF" in str(info.value)
    assert not target.exists()


def test_when_every_converter_fails_each_reason_is_given_and_the_old_pdf_stays(docx, tmp_path):
    target = tmp_path / "x.pdf"
    target.write_bytes(b"old pdf")
    with pytest.raises(RenderError) as info:
        pdf.docx_to_pdf(docx, target, chain=[fake("A", fail="hết giờ"), fake("B", fail="không mở được tệp")])
    assert f"Không tạo được PDF từ «{docx.name}» (A: hết giờ; B: không mở được tệp)" in str(info.value)
    assert target.read_bytes() == b"old pdf"
    assert leftovers(tmp_path) == ["src", "x.pdf"]


def test_the_target_must_be_a_pdf_file_and_the_source_must_exist(docx, tmp_path):
    with pytest.raises(RenderError, match=r"«x\.docx» phải có đuôi \.pdf"):
        pdf.docx_to_pdf(docx, tmp_path / "x.docx", chain=[fake("A")])
    (tmp_path / "thu-muc.pdf").mkdir()
    with pytest.raises(RenderError, match="là một thư mục, không phải tệp. Hãy chọn tên tệp .pdf"):
        pdf.docx_to_pdf(docx, tmp_path / "thu-muc.pdf", chain=[fake("A")])
    with pytest.raises(RenderError, match="Không đọc được tệp .*khong-co.docx"):
        pdf.docx_to_pdf(tmp_path / "khong-co.docx", tmp_path / "x.pdf", chain=[fake("A")])


# ----------------------------------------------------------------------------- writing: the .docx's messages


def test_a_pdf_open_elsewhere_is_left_intact(docx, tmp_path, monkeypatch):
    target = tmp_path / "x.pdf"
    target.write_bytes(b"old pdf")

    def locked(src, dst):
        raise PermissionError(errno.EACCES, "The process cannot access the file", str(dst))

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(RenderError) as info:
        pdf.docx_to_pdf(docx, target, chain=[fake("A")])
    assert str(target) in str(info.value) and "đóng tệp trong trình đọc PDF" in str(info.value)
    assert target.read_bytes() == b"old pdf"
    assert leftovers(tmp_path) == ["src", "x.pdf"]


def test_a_read_only_folder_asks_for_another_folder(docx, tmp_path, monkeypatch):
    import tempfile

    def refused(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path))

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    with pytest.raises(RenderError, match="chọn thư mục khác"):
        pdf.docx_to_pdf(docx, tmp_path / "x.pdf", chain=[fake("A")])
    assert leftovers(tmp_path) == ["src"]


def test_a_full_disk_leaves_the_old_pdf_and_no_temp_file(docx, tmp_path, monkeypatch):
    target = tmp_path / "x.pdf"
    target.write_bytes(b"old pdf")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(RenderError, match="Ổ đĩa đã đầy"):
        pdf.docx_to_pdf(docx, target, chain=[fake("A")])
    assert target.read_bytes() == b"old pdf"
    assert leftovers(tmp_path) == ["src", "x.pdf"]


# ----------------------------------------------------------------------------- Microsoft Word, COM faked


class ComError(Exception):
    """Shaped like pywintypes.com_error: (hresult, text, excepinfo, argerror)."""


class Recorder:
    """Records every attribute set on it, as ("set", name, value)."""

    def __init__(self, calls: list[tuple[Any, ...]]) -> None:
        object.__setattr__(self, "calls", calls)

    def __setattr__(self, name: str, value: Any) -> None:
        self.calls.append(("set", name, value))
        object.__setattr__(self, name, value)


class FakeDocument(Recorder):
    def __init__(self, word: FakeWord) -> None:
        super().__init__(word.calls)
        object.__setattr__(self, "word", word)

    def ExportAsFixedFormat(self, **kw: Any) -> None:  # noqa: N802 - Word's names
        self.calls.append(("ExportAsFixedFormat", kw))
        if self.word.hang is not None:
            self.word.hang.wait(30)
        if self.word.fail_export:
            raise ComError(
                -2147352567,
                "Exception occurred.",
                (0, "Microsoft Word", "Không ghi được tệp: đĩa\n đầy.", None, 0, -2146822494),
                None,
            )
        Path(kw["OutputFileName"]).write_bytes(tiny_pdf("Word"))

    def Activate(self) -> None:  # noqa: N802
        self.calls.append(("Activate",))

    def Close(self, **kw: Any) -> None:  # noqa: N802
        self.calls.append(("Close", kw))
        self.word.open.remove(self)


class FakeDocuments:
    def __init__(self, word: FakeWord) -> None:
        self.word = word

    @property
    def Count(self) -> int:  # noqa: N802
        return len(self.word.open) + self.word.others

    def Open(self, **kw: Any) -> FakeDocument:  # noqa: N802
        self.word.calls.append(("Open", kw))
        if self.word.fail_open:
            raise ComError(-2147352567, "Exception occurred.", (0, "Microsoft Word", "Tệp bị hỏng.", None, 0, 0), None)
        document = FakeDocument(self.word)
        self.word.open.append(document)
        return document


class FakeDialog:
    def __init__(self, word: FakeWord, number: int) -> None:
        self.word, self.number = word, number

    def Show(self) -> int:  # noqa: N802
        self.word.calls.append(("Show", self.number, self.word.Options.PrintBackground))
        return self.word.dialog_result


class FakeWord(Recorder):
    """Word.Application as pywin32's Dispatch returns it, recording what kpdesk asks of it."""

    def __init__(self, calls: list[tuple[Any, ...]], **behaviour: Any) -> None:
        super().__init__(calls)
        for key, value in {
            "fail_open": False,
            "fail_export": False,
            "hang": None,
            "others": 0,
            "dialog_result": -1,
            "open": [],
            **behaviour,
        }.items():
            object.__setattr__(self, key, value)
        object.__setattr__(self, "Documents", FakeDocuments(self))
        options = Recorder(calls)
        object.__setattr__(options, "PrintBackground", True)
        object.__setattr__(self, "Options", options)

    def Dialogs(self, number: int) -> FakeDialog:  # noqa: N802
        return FakeDialog(self, number)

    def Quit(self, **kw: Any) -> None:  # noqa: N802
        self.calls.append(("Quit", kw))


@pytest.fixture
def com(monkeypatch: pytest.MonkeyPatch):
    """pywin32 faked: `com.calls` records every COM call; `com.behaviour` shapes the next Word started."""
    state = types.SimpleNamespace(calls=[], behaviour={}, words=[])

    def dispatch(progid: str) -> FakeWord:
        state.calls.append(("Dispatch", progid, threading.current_thread() is threading.main_thread()))
        word = FakeWord(state.calls, **state.behaviour)
        state.words.append(word)
        return word

    pythoncom = types.ModuleType("pythoncom")
    pythoncom.CoInitialize = lambda: state.calls.append(("CoInitialize",))  # type: ignore[attr-defined]
    pythoncom.CoUninitialize = lambda: state.calls.append(("CoUninitialize",))  # type: ignore[attr-defined]
    client = types.ModuleType("win32com.client")
    client.Dispatch = dispatch  # type: ignore[attr-defined]
    package = types.ModuleType("win32com")
    package.client = client  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "pythoncom", pythoncom)
    monkeypatch.setitem(sys.modules, "win32com", package)
    monkeypatch.setitem(sys.modules, "win32com.client", client)
    monkeypatch.setattr(pdf, "word_installed", lambda: True)
    monkeypatch.setattr(pdf, "find_libreoffice", lambda: None)
    return state


def names(calls: list[tuple[Any, ...]]) -> list[str]:
    return [c[0] if c[0] != "set" else f"{c[1]}={c[2]}" for c in calls]


def test_word_exports_the_pdf_invisibly_and_quits(com, docx, tmp_path):
    result = pdf.docx_to_pdf(docx, tmp_path / "x.pdf", fallback=fake("Qt", approximate=True))
    assert (result.converter, result.failures, result.approximate) == (pdf.WORD, (), False)
    assert (tmp_path / "x.pdf").read_bytes() == tiny_pdf("Word")
    assert result.message == "Đã tạo PDF bằng Microsoft Word."
    assert names(com.calls) == [
        "CoInitialize",
        "Dispatch",
        "Visible=False",
        "DisplayAlerts=0",
        "Open",
        "ExportAsFixedFormat",
        "Close",
        "Quit",
        "CoUninitialize",
    ]
    calls = {c[0]: c for c in com.calls}
    assert calls["Dispatch"] == ("Dispatch", "Word.Application", False)  # in a thread of its own
    opened = calls["Open"][1]
    assert opened["ReadOnly"] is True and opened["AddToRecentFiles"] is False and opened["ConfirmConversions"] is False
    assert Path(opened["FileName"]).name == docx.name and Path(opened["FileName"]).parent != docx.parent
    export = calls["ExportAsFixedFormat"][1]
    assert export["ExportFormat"] == pdf.WD_FORMAT_PDF == 17
    assert export["IncludeDocProps"] is True and export["OpenAfterExport"] is False
    assert calls["Close"][1] == {"SaveChanges": 0} and calls["Quit"][1] == {"SaveChanges": 0}


def test_word_failing_closes_the_document_quits_and_the_next_converter_makes_the_pdf(com, docx, tmp_path):
    com.behaviour = {"fail_export": True}
    result = pdf.docx_to_pdf(docx, tmp_path / "x.pdf", fallback=fake("Qt", approximate=True))
    assert result.converter == "Qt"
    assert result.failures == ((pdf.WORD, "Không ghi được tệp: đĩa đầy."),)
    assert names(com.calls)[-4:] == ["ExportAsFixedFormat", "Close", "Quit", "CoUninitialize"]


def test_word_failing_to_open_the_document_still_quits(com, docx, tmp_path):
    com.behaviour = {"fail_open": True}
    with pytest.raises(RenderError, match=r"Microsoft Word: Tệp bị hỏng\."):
        pdf.docx_to_pdf(docx, tmp_path / "x.pdf")
    assert names(com.calls)[-3:] == ["Open", "Quit", "CoUninitialize"]
    assert not (tmp_path / "x.pdf").exists()


def test_a_word_that_holds_the_officers_documents_is_not_quit(com, docx, tmp_path):
    com.behaviour = {"others": 1}
    pdf.docx_to_pdf(docx, tmp_path / "x.pdf")
    assert "Close" in names(com.calls) and "Quit" not in names(com.calls)


def test_a_hung_word_is_left_behind_and_the_next_converter_is_tried(com, docx, tmp_path):
    hang = threading.Event()
    com.behaviour = {"hang": hang}
    try:
        result = pdf.docx_to_pdf(docx, tmp_path / "x.pdf", fallback=fake("Qt", approximate=True), timeout=0.2)
    finally:
        hang.set()
    assert result.converter == "Qt"
    assert result.failures == ((pdf.WORD, "Word không trả lời sau 0.2 giây"),)


def test_without_pywin32_word_is_passed_over_silently(docx, tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "word_installed", lambda: True)
    monkeypatch.setattr(pdf, "find_libreoffice", lambda: None)
    for name in ("pythoncom", "win32com", "win32com.client"):
        monkeypatch.setitem(sys.modules, name, None)  # import fails
    result = pdf.docx_to_pdf(docx, tmp_path / "x.pdf", fallback=fake("Qt", approximate=True))
    assert (result.converter, result.failures) == ("Qt", ())


def test_word_print_shows_words_print_dialog_without_background_printing(com, docx):
    assert pdf.word_print(docx) is True
    assert names(com.calls) == [
        "CoInitialize",
        "Dispatch",
        "Visible=True",
        "DisplayAlerts=0",
        "Open",
        "PrintBackground=False",
        "Activate",
        "Show",
        "PrintBackground=True",
        "Close",
        "Quit",
        "CoUninitialize",
    ]
    show = next(c for c in com.calls if c[0] == "Show")
    assert show == ("Show", pdf.WD_DIALOG_FILE_PRINT, False)
    opened = next(c for c in com.calls if c[0] == "Open")[1]
    assert opened["ReadOnly"] is True and opened["Visible"] is True


def test_word_print_cancelled_and_failing(com, docx):
    com.behaviour = {"dialog_result": 0}
    assert pdf.word_print(docx) is False
    com.behaviour = {"fail_open": True}
    com.calls.clear()
    with pytest.raises(RenderError, match=f"Word không in được «{docx.name}» \\(Tệp bị hỏng\\.\\)"):
        pdf.word_print(docx)
    assert names(com.calls)[-2:] == ["Quit", "CoUninitialize"]


def test_word_print_without_word_says_what_to_do(docx, monkeypatch):
    monkeypatch.setattr(pdf, "word_installed", lambda: False)
    with pytest.raises(RenderError, match="không có Microsoft Word để in"):
        pdf.word_print(docx)


@pytest.mark.skipif(sys.platform == "win32", reason="Word may be installed on Windows")
def test_word_is_looked_for_on_windows_only():
    assert pdf.word_installed() is False


# ----------------------------------------------------------------------------- LibreOffice, soffice faked


FAKE_SOFFICE = """#!/bin/sh
printf '%s\\n' "$@" > "$KPDESK_FAKE_LOG"
prev=""
for arg in "$@"; do
  if [ "$prev" = "--outdir" ]; then outdir="$arg"; fi
  prev="$arg"
done
cp "$KPDESK_FAKE_PDF" "$outdir/$(basename "$prev" .docx).pdf"
"""

HUNG_SOFFICE = """#!/bin/sh
sleep 300 &
echo $! > "$KPDESK_FAKE_LOG"
wait
"""

FAILING_SOFFICE = """#!/bin/sh
echo "Warning: failed to launch javaldx - java may not function correctly"
echo "Error: source file could not be loaded"
exit 81
"""


@pytest.fixture
def soffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Install a fake `soffice` first on PATH: `soffice(script)` writes it and returns the log file it writes."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setattr(pdf, "word_installed", lambda: False)

    def install(script: str) -> Path:
        path = folder / "soffice"
        path.write_text(script, encoding="ascii")
        path.chmod(0o755)
        log = tmp_path / "soffice.log"
        made = tmp_path / "made.pdf"
        made.write_bytes(tiny_pdf("LibreOffice"))
        monkeypatch.setenv("KPDESK_FAKE_LOG", str(log))
        monkeypatch.setenv("KPDESK_FAKE_PDF", str(made))
        return log

    return install


@posix_only
def test_libreoffice_runs_headless_with_a_private_profile(soffice, docx, tmp_path):
    log = soffice(FAKE_SOFFICE)
    assert pdf.find_libreoffice() == tmp_path / "bin" / "soffice"
    result = pdf.docx_to_pdf(docx, tmp_path / "x.pdf")
    assert (result.converter, result.message) == (pdf.LIBREOFFICE, "Đã tạo PDF bằng LibreOffice.")
    assert (tmp_path / "x.pdf").read_bytes() == tiny_pdf("LibreOffice")
    args = log.read_text(encoding="utf-8").splitlines()
    profile = args[0]
    assert profile.startswith("-env:UserInstallation=file:///")
    folder = Path(profile.split("file://", 1)[1])
    assert folder.name == "profile" and str(Path.home() / ".config") not in str(folder)
    assert not folder.parent.exists()  # the temp folder, profile included, is gone
    assert {"--headless", "--norestore", "--nodefault"} <= set(args)
    assert args[args.index("--convert-to") + 1] == "pdf:writer_pdf_Export"
    assert Path(args[-1]).name == docx.name and Path(args[-1]).parent != docx.parent
    assert leftovers(docx.parent) == [docx.name]  # no lock file beside the officer's .docx


@posix_only
def test_each_conversion_has_its_own_profile(soffice, docx, tmp_path):
    log = soffice(FAKE_SOFFICE)
    pdf.docx_to_pdf(docx, tmp_path / "a.pdf")
    first = log.read_text(encoding="utf-8").splitlines()[0]
    pdf.docx_to_pdf(docx, tmp_path / "b.pdf")
    assert log.read_text(encoding="utf-8").splitlines()[0] != first


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


@posix_only
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states from /proc")
def test_a_hung_libreoffice_is_stopped_with_every_process_it_started(soffice, docx, tmp_path):
    log = soffice(HUNG_SOFFICE)
    with pytest.raises(RenderError) as info:
        pdf.docx_to_pdf(docx, tmp_path / "x.pdf", chain=[pdf.converters()[1]], timeout=1)
    assert "LibreOffice: quá 1 giây chưa xong nên đã bị dừng" in str(info.value)
    child = int(log.read_text(encoding="ascii").split()[0])
    for _ in range(200):  # SIGKILL is delivered at once; the parent (init) may take a moment to reap
        if _gone(child):
            break
        time.sleep(0.05)
    assert _gone(child), f"the child process {child} of the hung soffice is still running"
    assert not (tmp_path / "x.pdf").exists()


@posix_only
def test_a_failed_libreoffice_gives_its_exit_code_and_its_last_words(soffice, docx, tmp_path):
    soffice(FAILING_SOFFICE)
    result = pdf.docx_to_pdf(docx, tmp_path / "x.pdf", fallback=fake("Qt", approximate=True))
    assert result.converter == "Qt"
    assert result.failures == (
        (pdf.LIBREOFFICE, "không tạo ra tệp PDF (mã thoát 81: Error: source file could not be loaded)"),
    )


def test_libreoffice_is_looked_for_in_its_usual_windows_folders():
    found = pdf.libreoffice_candidates("win32", {"ProgramFiles": r"D:\Apps", "ProgramFiles(x86)": r"D:\Apps (x86)"})
    assert Path(r"D:\Apps") / "LibreOffice" / "program" / "soffice.exe" in found
    assert Path(r"C:\Program Files") / "LibreOffice" / "program" / "soffice.exe" in found
    assert Path(r"C:\Program Files (x86)") / "LibreOffice" / "program" / "soffice.exe" in found
    assert pdf.libreoffice_candidates("win32", {}) == [
        Path(r"C:\Program Files") / "LibreOffice" / "program" / "soffice.exe",
        Path(r"C:\Program Files (x86)") / "LibreOffice" / "program" / "soffice.exe",
    ]
    assert pdf.libreoffice_candidates("linux", {}) == []


@posix_only
def test_libreoffice_is_found_under_either_name(tmp_path, monkeypatch):
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "libreoffice").write_text("#!/bin/sh\n", encoding="ascii")
    (folder / "libreoffice").chmod(0o755)
    monkeypatch.setenv("PATH", str(folder))
    monkeypatch.setattr(pdf, "libreoffice_candidates", lambda: [])
    assert pdf.find_libreoffice() == folder / "libreoffice"
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert pdf.find_libreoffice() is None


# ----------------------------------------------------------------------------- metadata


def _core(title: str, creator: str, subject: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties '
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        f'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{title}</dc:title>'
        f"<dc:subject>{subject}</dc:subject><dc:creator>{creator}</dc:creator></cp:coreProperties>"
    ).encode()


def test_the_docx_core_properties_give_title_author_and_subject(tmp_path):
    path = tmp_path / "x.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("docProps/core.xml", _core("BÁO CÁO: Tình hình\n  tháng 4", "ỦY BAN NHÂN DÂN XÃ A", "Báo cáo tháng"))
    assert pdf.docx_info(path) == pdf.DocInfo("BÁO CÁO: Tình hình tháng 4", "ỦY BAN NHÂN DÂN XÃ A", "Báo cáo tháng")
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", "<x/>")
    assert pdf.docx_info(path) == pdf.DocInfo()
    (tmp_path / "hong.docx").write_bytes(b"not a zip")
    assert pdf.docx_info(tmp_path / "hong.docx") == pdf.DocInfo()


def pdfinfo(path: Path, *args: str) -> tuple[str, str]:
    done = subprocess.run(["pdfinfo", *args, str(path)], capture_output=True, text=True, check=True)
    return done.stdout, done.stderr


def info_field(text: str, name: str) -> str:
    found = re.search(rf"^{name}:\s*(.*)$", text, re.M)
    return found.group(1).strip() if found else ""


@needs_poppler
def test_pdf_info_is_added_as_an_incremental_update_readers_follow(tmp_path):
    original = tiny_pdf("Cu")
    info = pdf.DocInfo("BÁO CÁO: Tình hình (tháng 4)", "ỦY BAN NHÂN DÂN XÃ THIỆU TRUNG", "Báo cáo tháng 😀")
    data = pdf.set_pdf_info(original, info, producer="kpdesk (Qt 6)")
    assert data.startswith(original)  # nothing before is rewritten
    path = tmp_path / "x.pdf"
    path.write_bytes(pdf.set_pdf_info(data, pdf.DocInfo("Lần hai", "Tác giả", "Chủ đề")))  # twice: the last wins
    out, err = pdfinfo(path)
    assert err == ""  # no "Syntax Error": the cross-reference chain is sound
    assert (info_field(out, "Title"), info_field(out, "Author"), info_field(out, "Subject")) == (
        "Lần hai",
        "Tác giả",
        "Chủ đề",
    )
    path.write_bytes(data)
    out, err = pdfinfo(path)
    assert err == ""
    assert [info_field(out, k) for k in ("Title", "Author", "Subject", "Creator", "Producer", "Pages")] == [
        info.title,
        info.author,
        info.subject,
        "kpdesk",
        "kpdesk (Qt 6)",
        "1",
    ]


def test_a_pdf_without_a_classic_trailer_is_left_as_it_is():
    data = b"%PDF-1.5\n1 0 obj\n<< /Type /XRef >>\nstream\nendstream\nendobj\nstartxref\n9\n%%EOF\n"
    assert pdf.set_pdf_info(data, pdf.DocInfo("a", "b", "c")) == data


# ----------------------------------------------------------------------------- the command line


def test_the_cli_writes_a_pdf_with_the_shells_fallback_and_names_it(tmp_path, capsys, no_office):
    example = ROOT / "examples" / "000-thieu-trung-bao-cao-thang.json"
    target = tmp_path / "bao-cao.pdf"
    asked: list[str] = []

    def fallback() -> pdf.Converter:
        asked.append("fallback")
        return fake("trình tạo PDF dự phòng của kpdesk", approximate=True)

    assert main(["render", str(example), "-o", str(target)], pdf_fallback=fallback) == 0
    captured = capsys.readouterr()
    assert asked == ["fallback"] and target.read_bytes().startswith(b"%PDF-")
    assert f"Đã ghi {target} (0 lỗi, 0 cảnh báo)." in captured.out
    assert "Đã tạo PDF bằng trình tạo PDF dự phòng của kpdesk." in captured.out and "xuống dòng" in captured.out
    assert "Đang tạo PDF bằng trình tạo PDF dự phòng của kpdesk…" in captured.err
    assert leftovers(tmp_path) == ["bao-cao.pdf"]


def test_the_cli_without_any_converter_or_with_another_suffix_says_why(tmp_path, capsys, no_office):
    example = ROOT / "examples" / "000-thieu-trung-bao-cao-thang.json"
    assert main(["render", str(example), "-o", str(tmp_path / "x.pdf")]) == 2
    assert "không có Microsoft Word hay LibreOffice" in capsys.readouterr().err
    assert main(["render", str(example), "-o", str(tmp_path / "x.txt")]) == 2
    assert "«x.txt» phải có đuôi .docx (tệp Word) hoặc .pdf" in capsys.readouterr().err
    errors = ROOT / "examples" / "001-bim-son-cong-van-thang.json"
    assert main(["render", str(errors), "-o", str(tmp_path / "x.pdf")], pdf_fallback=lambda: fake("A")) == 2
    assert "chưa xuất được" in capsys.readouterr().err
    assert leftovers(tmp_path) == []


def test_the_cli_records_a_pdf_of_a_stored_draft_as_an_export(tmp_path, capsys, no_office):
    from kpdesk.store import Store

    data = tmp_path / "data"
    with Store.open(data) as store:
        draft_id = store.import_file(ROOT / "examples" / "000-thieu-trung-bao-cao-thang.json")
    target = tmp_path / "bao-cao.pdf"
    assert (
        main(["--data-dir", str(data), "render", str(draft_id), "-o", str(target)], pdf_fallback=lambda: fake("A")) == 0
    )
    with Store.open(data) as store:
        [export] = store.exports(draft_id)
    assert export.path == target.resolve() and export.sha256 == hashlib.sha256(target.read_bytes()).hexdigest()


# ----------------------------------------------------------------------------- every example, real LibreOffice


def expected_texts(draft: drafts.Draft) -> list[str]:
    """What the printed report must say: the letterhead, each amount and its words, the signer."""
    kind = get_kind(draft.kind)
    derived = compute(kind, draft)
    frame = build_frame(kind, draft, derived)
    texts = [line.strip() for line in frame.agency if line.strip()] + [QUOC_HIEU, TIEU_NGU]
    for comp in kind.computed:
        if comp.op == "words" and derived.get(comp.id):
            texts += [derived[comp.id], vn.format_amount(lookup(draft, derived, comp.args["of"]), draft.money_unit)]
    return [*texts, frame.signer.name]


def _flat(text: str) -> str:
    return " ".join(text.split())


def check_pdf(path: Path, draft: drafts.Draft, pages: int | None = None) -> None:
    """A4 on every page, `pages` pages (when given), every font embedded, and the report's texts in it."""
    out, _ = pdfinfo(path, "-f", "1", "-l", "9999")
    count = int(info_field(out, "Pages"))
    assert pages is None or count == pages, (count, pages)
    sizes = re.findall(r"^Page\s+\d+ size:.*$", out, re.M)
    assert len(sizes) == count and all(s.endswith("(A4)") for s in sizes), sizes
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts
    text = _flat(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout)
    missing = [t for t in expected_texts(draft) if _flat(t) not in text]
    assert not missing, missing


@pytest.fixture(scope="module")
def office_pdfs(tmp_path_factory):
    """Each example's .docx, its PDF made by kpdesk through LibreOffice, and LibreOffice's own page count."""
    if shutil.which("soffice") is None or not POPPLER:
        pytest.skip("needs LibreOffice (soffice) and poppler-utils on PATH")
    folder = tmp_path_factory.mktemp("office")
    made = {}
    for path in EXAMPLES:
        draft = drafts.load(path)
        docx = render_to_file(draft, folder / f"{path.stem}.docx", allow_errors=True).path
        result = pdf.docx_to_pdf(docx, folder / f"{path.stem}.pdf", chain=[pdf.converters()[1]])
        reference = folder / "lo" / f"{path.stem}.pdf"  # LibreOffice's plain conversion, as a person runs it
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation={(folder / 'lo-profile').as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(reference.parent),
                str(docx),
            ],
            check=True,
            capture_output=True,
            timeout=240,
        )
        made[path.stem] = (draft, docx, result, int(info_field(pdfinfo(reference)[0], "Pages")))
    return made


@pytest.mark.office
@pytest.mark.parametrize("stem", [p.stem for p in EXAMPLES])
def test_each_example_through_libreoffice(office_pdfs, stem):
    draft, docx, result, pages = office_pdfs[stem]
    assert result.converter == pdf.LIBREOFFICE and result.failures == ()
    check_pdf(result.path, draft, pages)
    out, _ = pdfinfo(result.path)
    frame = build_frame(get_kind(draft.kind), draft)
    assert info_field(out, "Title") == pdf.docx_info(docx).title and _flat(frame.summary) in info_field(out, "Title")
    assert info_field(out, "Author") == " ".join(line.strip() for line in frame.agency if line.strip())


@pytest.mark.office
@pytest.mark.parametrize("stem", [p.stem for p in EXAMPLES])
def test_each_example_pdf_has_the_kinds_name_as_subject(office_pdfs, stem):
    draft, docx, result, pages = office_pdfs[stem]
    out, _ = pdfinfo(result.path)
    assert info_field(out, "Subject") == get_kind(draft.kind).name


@pytest.mark.office
def test_the_cli_writes_a_pdf_through_libreoffice(tmp_path, capsys, monkeypatch):
    if shutil.which("soffice") is None or not POPPLER:
        pytest.skip("needs LibreOffice (soffice) and poppler-utils on PATH")
    monkeypatch.setattr(pdf, "word_installed", lambda: False)
    example = ROOT / "examples" / "002-trieu-son-6-thang-2022.json"
    target = tmp_path / "Báo cáo 6 tháng.pdf"
    assert main(["render", str(example), "-o", str(target)], pdf_fallback=lambda: fake("A")) == 0
    out = capsys.readouterr().out
    assert f"Đã ghi {target} (0 lỗi, 1 cảnh báo)." in out  # the seed rates tasks it does not count (#17)
    assert "Đã tạo PDF bằng LibreOffice." in out
    check_pdf(target, drafts.load(example))
