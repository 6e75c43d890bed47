"""PDF from a .docx kpdesk rendered: through Microsoft Word, LibreOffice, or a fallback the caller gives.

Why over 600 lines: three converters (Word through COM, LibreOffice, the caller's fallback) behind one function, each
with its finding, timeout and Vietnamese failure messages; they share the atomic write and the checks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kpdesk.errors import KpdeskError, RenderError
from kpdesk.files import write_atomic

if TYPE_CHECKING:
    from kpdesk.draft import Draft
    from kpdesk.validate import ValidationReport

__all__ = [
    "LIBREOFFICE",
    "TIMEOUT",
    "WORD",
    "ConversionFailed",
    "Converter",
    "DocInfo",
    "PdfResult",
    "Unavailable",
    "converters",
    "docx_info",
    "docx_to_pdf",
    "find_libreoffice",
    "libreoffice_candidates",
    "libreoffice_to_pdf",
    "render_pdf",
    "set_pdf_info",
    "word_installed",
    "word_print",
    "word_to_pdf",
]

WORD = "Microsoft Word"
LIBREOFFICE = "LibreOffice"
#: Seconds one converter may take: LibreOffice's first start with a new profile on an old office computer takes
#: tens of seconds; past this it is stopped (with every process it started) and the next converter is tried.
TIMEOUT = 180.0

#: Word's constants: wdExportFormatPDF (the same number as wdFormatPDF for SaveAs2), wdExportOptimizeForPrint,
#: wdDoNotSaveChanges, wdAlertsNone, wdDialogFilePrint; Dialogs(…).Show() gives -1 when the officer printed.
WD_FORMAT_PDF = 17
WD_OPTIMIZE_FOR_PRINT = 0
WD_DO_NOT_SAVE = 0
WD_ALERTS_NONE = 0
WD_DIALOG_FILE_PRINT = 88
WD_DIALOG_OK = -1

Progress = Callable[[str], object]
#: `run(docx, pdf, timeout)` writes `pdf` from `docx`, or raises `Unavailable` or `ConversionFailed`.
Run = Callable[[Path, Path, float], None]


class Unavailable(Exception):
    """The converter is not on this computer (or lacks a part): the next one is tried and nothing is reported."""


class ConversionFailed(Exception):
    """The converter is there but made no PDF; `str(exc)` is the reason, in Vietnamese."""


@dataclass(frozen=True)
class Converter:
    """One way to make the PDF. `approximate`: it lays the pages out itself, so line breaks may differ from Word's."""

    name: str
    run: Run
    approximate: bool = False
    present: Callable[[], bool] = lambda: True


@dataclass(frozen=True)
class DocInfo:
    """The PDF's Title, Author and Subject, as the .docx's core properties give them."""

    title: str = ""
    author: str = ""
    subject: str = ""


@dataclass(frozen=True)
class PdfResult:
    """The written PDF, which converter made it, why the ones before it did not, and the draft's check report."""

    path: Path
    sha256: str
    converter: str
    approximate: bool = False
    failures: tuple[tuple[str, str], ...] = ()
    report: ValidationReport | None = None

    @property
    def problem_count(self) -> str:
        """How many problems the draft had, as the officer reads it: "2 lỗi, 1 cảnh báo" ("" when not checked)."""
        if self.report is None:
            return ""
        return f"{len(self.report.errors)} lỗi, {len(self.report.warnings)} cảnh báo"

    @property
    def message(self) -> str:
        """What the officer is told: the converter, and for the fallback that line breaks may differ."""
        text = f"Đã tạo PDF bằng {self.converter}."
        if self.approximate:
            text += (
                " Máy này không có Microsoft Word hay LibreOffice dùng được, nên kpdesk tự dàn trang: chỗ xuống "
                "dòng và ngắt trang có thể lệch đôi chút so với bản in từ Word."
            )
        for name, why in self.failures:
            text += f" ({name} không tạo được PDF: {why}.)"
        return text


# ----------------------------------------------------------------------------- the chain


def converters(fallback: Converter | None = None) -> list[Converter]:
    """The converters in the order they are tried: Word, LibreOffice, then `fallback` (given by the shell)."""
    chain = [
        Converter(WORD, word_to_pdf, present=word_installed),
        Converter(LIBREOFFICE, libreoffice_to_pdf, present=lambda: find_libreoffice() is not None),
    ]
    return [*chain, fallback] if fallback is not None else chain


def docx_to_pdf(
    docx: Path,
    target: Path,
    *,
    fallback: Converter | None = None,
    timeout: float = TIMEOUT,
    progress: Progress | None = None,
    chain: Sequence[Converter] | None = None,
) -> PdfResult:
    """Convert `docx` to the PDF `target` with the first converter that works; write it atomically.

    A converter that fails or hangs is passed over, its reason kept in the result; when none works the
    `RenderError` lists the reasons and says what to install. `target` is untouched unless a PDF was made.
    """
    docx, target = Path(docx), Path(target)
    _check_target(target)
    failures: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="kpdesk-pdf-", ignore_cleanup_errors=True) as tmp:
        work = Path(tmp)
        source = work / docx.name  # a private copy: no lock files beside the officer's, and the same name
        try:
            shutil.copyfile(docx, source)
        except OSError as exc:
            raise RenderError(
                f"Không đọc được tệp «{docx}» để tạo PDF ({exc.strerror or exc}). "
                "Hãy kiểm tra tệp còn đó và không bị khóa rồi thử lại."
            ) from None
        for index, converter in enumerate(chain if chain is not None else converters(fallback)):
            if not converter.present():
                continue
            out = work / f"pdf-{index}" / "bao-cao.pdf"
            out.parent.mkdir()
            if progress is not None:
                slow = " (lần chạy đầu có thể mất vài chục giây)" if converter.name == LIBREOFFICE else ""
                progress(f"Đang tạo PDF bằng {converter.name}{slow}…")
            try:
                converter.run(source, out, timeout)
                data = _read_pdf(out)
            except Unavailable:
                continue
            except ConversionFailed as exc:
                failures.append((converter.name, str(exc)))
                continue
            except KpdeskError as exc:
                failures.append((converter.name, exc.message))
                continue
            except Exception as exc:  # noqa: BLE001 - a broken converter must not stop the next one
                failures.append((converter.name, f"lỗi không mong muốn ({type(exc).__name__}: {exc})"))
                continue
            write_atomic(target, data)
            return PdfResult(
                target, hashlib.sha256(data).hexdigest(), converter.name, converter.approximate, tuple(failures)
            )
    raise RenderError(_nothing_worked(docx, failures))


def render_pdf(
    draft: Draft,
    target: Path,
    *,
    fallback: Converter | None = None,
    allow_errors: bool = False,
    today: dt.date | None = None,
    timeout: float = TIMEOUT,
    progress: Progress | None = None,
) -> PdfResult:
    """Check `draft`, render its .docx into a temp folder and convert that to the PDF `target`."""
    from kpdesk.render import render_to_file

    target = Path(target)
    _check_target(target)
    with tempfile.TemporaryDirectory(prefix="kpdesk-docx-", ignore_cleanup_errors=True) as tmp:
        docx = Path(tmp) / target.with_suffix(".docx").name  # messages about it name the officer's file
        rendered = render_to_file(draft, docx, allow_errors=allow_errors, today=today)
        result = docx_to_pdf(rendered.path, target, fallback=fallback, timeout=timeout, progress=progress)
    return replace(result, report=rendered.report)


def _check_target(target: Path) -> None:
    if target.suffix.lower() != ".pdf":
        raise RenderError(f"Tên tệp «{target.name}» phải có đuôi .pdf.")
    if target.is_dir():
        raise RenderError(f"«{target}» là một thư mục, không phải tệp. Hãy chọn tên tệp .pdf để lưu.")


def _read_pdf(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError:
        raise ConversionFailed("không tạo ra tệp PDF") from None
    if not data.startswith(b"%PDF-"):
        raise ConversionFailed("tệp tạo ra không phải PDF")
    return data


def _nothing_worked(docx: Path, failures: list[tuple[str, str]]) -> str:
    if not failures:
        return (
            "Không tạo được PDF: máy này không có Microsoft Word hay LibreOffice. Hãy cài LibreOffice (miễn phí, "
            "tải tại libreoffice.org) rồi xuất lại, hoặc xuất tệp Word (.docx), mở bằng Word và chọn "
            "Lưu thành › PDF."
        )
    reasons = "; ".join(f"{name}: {why}" for name, why in failures)
    return (
        f"Không tạo được PDF từ «{docx.name}» ({reasons}). Hãy đóng Word và LibreOffice nếu đang mở rồi thử lại; "
        "nếu vẫn không được, xuất tệp Word (.docx), mở bằng Word và chọn Lưu thành › PDF."
    )


# ----------------------------------------------------------------------------- metadata


_DC = "{http://purl.org/dc/elements/1.1/}"


def docx_info(docx: Path) -> DocInfo:
    """Return the title, author (dc:creator) and subject of `docx` (docProps/core.xml); empty when absent."""
    try:
        with zipfile.ZipFile(docx) as package:
            data = package.read("docProps/core.xml")
    except (OSError, KeyError, zipfile.BadZipFile):
        return DocInfo()
    from xml.etree import ElementTree

    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError:
        return DocInfo()

    def text(tag: str) -> str:
        element = root.find(_DC + tag)
        return " ".join((element.text or "").split()) if element is not None else ""

    return DocInfo(text("title"), text("creator"), text("subject"))


def _pdf_text(text: str) -> bytes:
    """A PDF text string: UTF-16BE with its byte-order mark, written in hex."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def set_pdf_info(data: bytes, info: DocInfo, *, creator: str = "kpdesk", producer: str = "kpdesk") -> bytes:
    """Return `data` with a new document information dictionary (Title, Author, Subject), added as an
    incremental update; a PDF whose last trailer is not a classic one is returned unchanged."""
    at = data.rfind(b"trailer", max(0, len(data) - 4096))
    trailer = re.match(rb"trailer\s*<<(.*?)>>\s*startxref\s+(\d+)\s+%%EOF\s*$", data[at:], re.S) if at >= 0 else None
    if trailer is None:
        return data
    size = re.search(rb"/Size\s+(\d+)", trailer.group(1))
    root = re.search(rb"/Root\s+(\d+\s+\d+\s+R)", trailer.group(1))
    if size is None or root is None:
        return data
    ident = re.search(rb"/ID\s*\[[^\]]*\]", trailer.group(1))
    number = int(size.group(1))
    when = dt.datetime.now(dt.UTC).strftime("D:%Y%m%d%H%M%SZ").encode("ascii")
    head = data if data.endswith(b"\n") else data + b"\n"
    entries = [
        (b"Title", info.title),
        (b"Author", info.author),
        (b"Subject", info.subject),
        (b"Creator", creator),
        (b"Producer", producer),
    ]
    body = b"%d 0 obj\n<<\n" % number
    body += b"".join(b"/%s %s\n" % (key, _pdf_text(value)) for key, value in entries if value)
    body += b"/CreationDate (%s)\n/ModDate (%s)\n>>\nendobj\n" % (when, when)
    xref_at = len(head) + len(body)
    update = (
        b"xref\n0 1\n0000000000 65535 f \n%d 1\n%010d 00000 n \n" % (number, len(head))
        + b"trailer\n<<\n/Size %d\n/Root %s\n/Info %d 0 R\n" % (number + 1, root.group(1), number)
        + (ident.group(0) + b"\n" if ident else b"")
        + b"/Prev %s\n>>\nstartxref\n%d\n%%%%EOF\n" % (trailer.group(2), xref_at)
    )
    return head + body + update


# ----------------------------------------------------------------------------- Microsoft Word (COM)


def word_installed() -> bool:
    """Whether Microsoft Word is registered for automation (Windows only; the registry is read, Word not started)."""
    if sys.platform != "win32":
        return False
    import winreg

    try:
        winreg.OpenKey(winreg.HKEY_CLASSES_ROOT, r"Word.Application\CLSID").Close()
    except OSError:
        return False
    return True


def _com() -> tuple[Any, Any]:
    """Return (pythoncom, win32com.client), imported now (plain imports, so PyInstaller bundles pywin32);
    `Unavailable` without pywin32."""
    try:
        import pythoncom  # type: ignore[import-untyped, import-not-found, unused-ignore]
        from win32com import client  # type: ignore[import-untyped, import-not-found, unused-ignore]
    except ImportError:
        raise Unavailable("thiếu gói pywin32") from None
    return pythoncom, client


@contextmanager
def _word(*, visible: bool) -> Iterator[Any]:
    """A Word instance of our own, quit afterwards (even after a failure) unless it holds other documents."""
    pythoncom, client = _com()
    pythoncom.CoInitialize()
    try:
        word = client.Dispatch("Word.Application")
        try:
            word.Visible = visible
            word.DisplayAlerts = WD_ALERTS_NONE
            yield word
        finally:
            try:
                if word.Documents.Count == 0:  # never close documents the officer has open in this Word
                    word.Quit(SaveChanges=WD_DO_NOT_SAVE)
            except Exception:  # noqa: BLE001 - Word already gone; the conversion's own error matters more
                pass
    finally:
        pythoncom.CoUninitialize()


def _open(word: Any, docx: Path, *, visible: bool) -> Any:
    return word.Documents.Open(
        FileName=str(docx), ConfirmConversions=False, ReadOnly=True, AddToRecentFiles=False, Visible=visible
    )


def _word_export(docx: Path, pdf: Path) -> None:
    with _word(visible=False) as word:
        document = _open(word, docx, visible=False)
        try:
            document.ExportAsFixedFormat(
                OutputFileName=str(pdf),
                ExportFormat=WD_FORMAT_PDF,
                OpenAfterExport=False,
                OptimizeFor=WD_OPTIMIZE_FOR_PRINT,
                IncludeDocProps=True,
                DocStructureTags=True,
                BitmapMissingFonts=True,
            )
        finally:
            document.Close(SaveChanges=WD_DO_NOT_SAVE)


def _com_reason(exc: BaseException) -> str:
    """Word's own description of a COM error (pywintypes.com_error: hresult, text, excepinfo, argerror)."""
    args: tuple[Any, ...] = tuple(exc.args)
    if len(args) >= 3 and isinstance(args[2], tuple) and len(args[2]) >= 3 and args[2][2]:
        return " ".join(str(args[2][2]).split())
    if len(args) >= 2 and isinstance(args[1], str) and args[1]:
        return args[1]
    return str(exc) or type(exc).__name__


def _with_timeout(work: Callable[[], Any], timeout: float, what: str) -> Any:
    """Run `work` in a thread of its own (COM is set up there) and stop waiting after `timeout` seconds."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = work()
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=target, name="kpdesk-word", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise ConversionFailed(f"{what} không trả lời sau {timeout:g} giây")
    if "error" in box:
        raise box["error"]
    return box.get("value")


def word_to_pdf(docx: Path, pdf: Path, timeout: float = TIMEOUT) -> None:
    """Save `docx` as the PDF `pdf` with Word (ExportAsFixedFormat, wdFormatPDF = 17), invisibly."""
    if not word_installed():
        raise Unavailable("không có Microsoft Word")
    try:
        _with_timeout(lambda: _word_export(docx, pdf), timeout, "Word")
    except (Unavailable, ConversionFailed):
        raise
    except Exception as exc:  # noqa: BLE001 - pywintypes.com_error and whatever else Word raises
        raise ConversionFailed(_com_reason(exc)) from exc


def word_print(docx: Path) -> bool:
    """Open `docx` in Word and show Word's own Print dialog; True when the officer printed.

    Blocks until the dialog is closed (call it off the UI thread). Background printing is turned off while the
    document is open, so the pages are sent before it closes, and the officer's setting is put back afterwards.
    """
    if not word_installed():
        raise RenderError(
            "Máy này không có Microsoft Word để in. Hãy dùng «In…» của kpdesk hoặc mở tệp .docx "
            "bằng chương trình soạn thảo khác để in."
        )
    try:
        with _word(visible=True) as word:
            document = _open(word, docx, visible=True)
            options = word.Options
            background = options.PrintBackground
            try:
                options.PrintBackground = False
                document.Activate()
                printed = word.Dialogs(WD_DIALOG_FILE_PRINT).Show() == WD_DIALOG_OK
            finally:
                options.PrintBackground = background
                document.Close(SaveChanges=WD_DO_NOT_SAVE)
        return bool(printed)
    except KpdeskError:
        raise
    except Unavailable as exc:
        raise RenderError(
            f"Không dùng được Microsoft Word để in ({exc}). Hãy cài lại kpdesk, hoặc dùng «In…» của kpdesk."
        ) from None
    except Exception as exc:  # noqa: BLE001 - pywintypes.com_error and whatever else Word raises
        raise RenderError(
            f"Word không in được «{docx.name}» ({_com_reason(exc)}). Hãy mở tệp trong Word và in từ đó, hoặc thử lại."
        ) from exc


# ----------------------------------------------------------------------------- LibreOffice


def libreoffice_candidates(platform: str = sys.platform, environ: dict[str, str] | None = None) -> list[Path]:
    """The usual places of LibreOffice's soffice outside PATH, for `platform`."""
    environ = dict(os.environ) if environ is None else environ
    if platform == "win32":
        folders = [
            environ.get("ProgramFiles") or "",
            environ.get("ProgramFiles(x86)") or "",
            r"C:\Program Files",
            r"C:\Program Files (x86)",
        ]
        found: list[Path] = []
        for folder in filter(None, folders):
            path = Path(folder) / "LibreOffice" / "program" / "soffice.exe"
            if path not in found:
                found.append(path)
        return found
    if platform == "darwin":
        return [Path("/Applications/LibreOffice.app/Contents/MacOS/soffice")]
    return []


def find_libreoffice() -> Path | None:
    """LibreOffice's `soffice` (or `libreoffice`) on PATH, else in its usual install folders; None when absent."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return Path(found)
    return next((path for path in libreoffice_candidates() if path.is_file()), None)


def _child_env() -> dict[str, str]:
    """The environment for LibreOffice: a frozen kpdesk's own library path is taken back out (PyInstaller)."""
    env = dict(os.environ)
    if getattr(sys, "frozen", False):
        for var in ("LD_LIBRARY_PATH", "LIBPATH"):
            original = env.pop(var + "_ORIG", None)
            if original is None:
                env.pop(var, None)
            else:
                env[var] = original
    return env


def _kill_tree(process: subprocess.Popen[bytes]) -> None:
    """Stop `process` and every process it started (soffice → oosplash → soffice.bin)."""
    if sys.platform == "win32":
        try:
            subprocess.run(
                ["taskkill", "/F", "/T", "/PID", str(process.pid)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=30,
                check=False,
                creationflags=subprocess.CREATE_NO_WINDOW,
            )
        except (OSError, subprocess.TimeoutExpired):
            pass
    else:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # its own session: the group holds every child
        except OSError:
            pass
    try:
        process.kill()
        process.wait(timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        pass


def _run(command: list[str], timeout: float, log: Path) -> int:
    """Run `command` with its output in `log`; on timeout stop its whole process tree and raise."""
    with open(log, "wb") as out:
        if sys.platform == "win32":
            flags = subprocess.CREATE_NEW_PROCESS_GROUP | subprocess.CREATE_NO_WINDOW
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=_child_env(),
                creationflags=flags,
            )
        else:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=_child_env(),
                start_new_session=True,
            )
        try:
            return process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_tree(process)
            raise ConversionFailed(f"quá {timeout:g} giây chưa xong nên đã bị dừng") from None
        except BaseException:
            _kill_tree(process)
            raise


def _last_line(log: Path) -> str:
    try:
        lines = [line.strip() for line in log.read_text(encoding="utf-8", errors="replace").splitlines()]
    except OSError:
        return ""
    useful = [line for line in lines if line and "javaldx" not in line and not line.startswith("convert ")]
    return useful[-1][:300] if useful else ""


def libreoffice_to_pdf(docx: Path, pdf: Path, timeout: float = TIMEOUT) -> None:
    """Convert `docx` with LibreOffice, headless, with a private profile (never the officer's own, never
    handed to a LibreOffice window already open), stopped after `timeout` seconds."""
    soffice = find_libreoffice()
    if soffice is None:
        raise Unavailable("không có LibreOffice")
    work = Path(tempfile.mkdtemp(prefix="lo-", dir=pdf.parent))
    profile, outdir = work / "profile", work / "out"
    outdir.mkdir()
    command = [
        str(soffice),
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--nologo",
        "--nodefault",
        "--convert-to",
        "pdf:writer_pdf_Export",
        "--outdir",
        str(outdir),
        str(docx),
    ]
    try:
        code = _run(command, timeout, work / "soffice.log")
    except OSError as exc:
        raise ConversionFailed(f"không chạy được {soffice} ({exc.strerror or exc})") from None
    made = outdir / (docx.stem + ".pdf")
    if not made.is_file():
        detail = _last_line(work / "soffice.log")
        raise ConversionFailed(f"không tạo ra tệp PDF (mã thoát {code}{': ' + detail if detail else ''})")
    os.replace(made, pdf)
    shutil.rmtree(work, ignore_errors=True)
