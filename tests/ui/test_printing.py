"""Qt's PDF writer (the fallback) for every example, PDF export off the UI thread, and printing: Qt's dialog in
Vietnamese printing the preview's pages, or the .docx handed to Word."""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QGroupBox, QLabel

from kpdesk import draft as drafts
from kpdesk import pdf, vn
from kpdesk.compute import compute, lookup
from kpdesk.errors import RenderError
from kpdesk.kinds import get_kind
from kpdesk.render import build_frame, draft_from_docx, render_to_file
from kpdesk.render.frame import QUOC_HIEU, TIEU_NGU
from ui import operations, printing
from ui.wizard.preview import PagedPreview, frame_html

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
EXAMPLE_000 = ROOT / "examples" / "000-thieu-trung-bao-cao-thang.json"
POPPLER = bool(shutil.which("pdfinfo") and shutil.which("pdftotext") and shutil.which("pdffonts"))
pytestmark = pytest.mark.skipif(not POPPLER, reason="needs poppler-utils (pdfinfo, pdftotext, pdffonts)")


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(command), capture_output=True, text=True, check=True)


def info_field(text: str, name: str) -> str:
    found = re.search(rf"^{name}:\s*(.*)$", text, re.M)
    return found.group(1).strip() if found else ""


def flat(text: str) -> str:
    return " ".join(text.split())


def page_lines(path: Path, page: int) -> list[str]:
    out = run("pdftotext", "-layout", "-f", str(page), "-l", str(page), str(path), "-").stdout
    return [line.strip() for line in out.splitlines() if line.strip()]


def expected_texts(draft: drafts.Draft) -> list[str]:
    """The letterhead, each amount and its words, the signer."""
    kind = get_kind(draft.kind)
    derived = compute(kind, draft)
    frame = build_frame(kind, draft, derived)
    texts = [line.strip() for line in frame.agency if line.strip()] + [QUOC_HIEU, TIEU_NGU]
    for comp in kind.computed:
        if comp.op == "words" and derived.get(comp.id):
            texts += [derived[comp.id], vn.format_amount(lookup(draft, derived, comp.args["of"]), draft.money_unit)]
    return [*texts, frame.signer.name]


def check_pdf(path: Path, draft: drafts.Draft | None, pages: int) -> str:
    """A sound PDF: A4 on each of its `pages` pages, every font embedded, the report's texts; returns pdfinfo."""
    done = run("pdfinfo", "-f", "1", "-l", "9999", str(path))
    assert done.stderr == ""  # no "Syntax Error": the incremental update keeps the file sound
    assert int(info_field(done.stdout, "Pages")) == pages
    sizes = re.findall(r"^Page\s+\d+ size:.*$", done.stdout, re.M)
    assert len(sizes) == pages and all(s.endswith("(A4)") for s in sizes), sizes
    fonts = run("pdffonts", str(path)).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts
    if draft is not None:
        text = flat(run("pdftotext", str(path), "-").stdout)
        missing = [t for t in expected_texts(draft) if flat(t) not in text]
        assert not missing, missing
    return done.stdout


@pytest.fixture(scope="module")
def qt_pdfs(qapp, tmp_path_factory):
    """Each example's .docx, its PDF made by the Qt fallback, and how many pages the preview shows."""
    folder = tmp_path_factory.mktemp("qt-pdf")
    made = {}
    for path in EXAMPLES:
        draft = drafts.load(path)
        docx = render_to_file(draft, folder / f"{path.stem}.docx", allow_errors=True).path
        result = pdf.docx_to_pdf(docx, folder / f"{path.stem}.pdf", chain=[printing.qt_converter()])
        preview = PagedPreview()
        preview.resize(700, 600)
        preview.setHtml(frame_html(build_frame(get_kind(draft.kind), draft)))
        made[path.stem] = (draft, docx, result, preview.page_count())
        preview.deleteLater()
    return made


@pytest.mark.parametrize("stem", [p.stem for p in EXAMPLES])
def test_each_example_through_the_qt_fallback(qt_pdfs, stem):
    draft, docx, result, preview_pages = qt_pdfs[stem]
    assert (result.converter, result.approximate) == (printing.QT_PDF, True)
    assert "lệch đôi chút so với bản in từ Word" in result.message
    out = check_pdf(result.path, draft, preview_pages)
    frame = build_frame(get_kind(draft.kind), draft)
    assert info_field(out, "Title") == pdf.docx_info(docx).title and flat(frame.summary) in info_field(out, "Title")
    assert info_field(out, "Author") == " ".join(line.strip() for line in frame.agency if line.strip())
    assert info_field(out, "Creator") == "kpdesk"


@pytest.mark.parametrize("stem", [p.stem for p in EXAMPLES])
def test_each_example_pdf_from_qt_has_the_kinds_name_as_subject(qt_pdfs, stem):
    draft, docx, result, pages = qt_pdfs[stem]
    assert info_field(run("pdfinfo", str(result.path)).stdout, "Subject") == get_kind(draft.kind).name


def test_the_qt_pdf_carries_the_docx_subject_in_both_metadata_places(qt_pdfs):
    draft, docx, result, pages = qt_pdfs[EXAMPLE_000.stem]
    subject = pdf.docx_info(docx).subject
    assert subject and info_field(run("pdfinfo", str(result.path)).stdout, "Subject") == subject
    xmp = run("pdfinfo", "-meta", str(result.path)).stdout
    assert f'<rdf:li xml:lang="x-default">{subject}</rdf:li>' in xmp and "<dc:creator>" in xmp


def test_page_numbers_start_on_page_2_as_in_the_docx(qt_pdfs):
    draft, docx, result, pages = qt_pdfs[EXAMPLE_000.stem]
    assert pages >= 2
    first = page_lines(result.path, 1)
    assert first[0].startswith("ỦY BAN NHÂN DÂN") and first[0].endswith(QUOC_HIEU)
    assert page_lines(result.path, 2)[0] == "2"
    assert page_lines(result.path, pages)[-1] == draft.signer.name


def test_a_docx_not_made_by_kpdesk_cannot_go_through_the_fallback(qapp, tmp_path):
    import docx as python_docx

    source = tmp_path / "khac.docx"
    python_docx.Document().save(str(source))
    with pytest.raises(RenderError) as info:
        pdf.docx_to_pdf(source, tmp_path / "x.pdf", chain=[printing.qt_converter()])
    assert f"{printing.QT_PDF}: Tệp khac.docx không do kpdesk tạo" in str(info.value)
    assert not (tmp_path / "x.pdf").exists()


# ----------------------------------------------------------------------------- export from the window


@pytest.fixture
def no_office(monkeypatch):
    monkeypatch.setattr(pdf, "word_installed", lambda: False)
    monkeypatch.setattr(pdf, "find_libreoffice", lambda: None)


def test_export_runs_off_the_ui_thread_and_its_progress_closes(qtbot, tmp_path, answers, no_office, monkeypatch):
    threads: list[bool] = []
    original = printing.docx_to_pdf_qt

    def recording(docx: Path, target: Path, timeout: float = pdf.TIMEOUT) -> None:
        threads.append(threading.current_thread() is threading.main_thread())
        original(docx, target, timeout)

    monkeypatch.setattr(printing, "docx_to_pdf_qt", recording)
    results: list[pdf.PdfResult] = []
    target = tmp_path / "Báo cáo.pdf"
    op = printing.export_pdf(None, drafts.load(EXAMPLE_000), target, success=results.append)
    assert operations.wait_all(60_000)
    assert threads == [False]  # laid out and written in a worker thread
    assert op.dialog is None and operations.running() == 0
    [result] = results
    assert (result.path, result.converter) == (target, printing.QT_PDF) and result.report is not None
    check_pdf(target, drafts.load(EXAMPLE_000), int(info_field(run("pdfinfo", str(target)).stdout, "Pages")))
    assert answers.asked == []


def test_export_of_a_draft_with_errors_shows_why_and_writes_nothing(qtbot, tmp_path, answers, no_office):
    target = tmp_path / "x.pdf"
    printing.export_pdf(
        None,
        drafts.load(ROOT / "examples" / "001-bim-son-cong-van-thang.json"),
        target,
        success=lambda result: pytest.fail("no PDF expected"),
    )
    assert operations.wait_all(60_000)
    [shown] = answers.asked
    assert shown.startswith("error: Chưa xuất được tệp PDF. Bản nháp còn 2 lỗi nên chưa xuất được.")
    assert not target.exists()


# ----------------------------------------------------------------------------- printing


class Dialogs:
    """Stands in for the officer at Qt's print dialog: looks at it, then prints to a file or cancels."""

    def __init__(self, monkeypatch, output: Path | None, pages: tuple[int, int] | None = None) -> None:
        self.output, self.pages, self.seen = output, pages, {}
        seen, outer = self.seen, self

        class Dialog(printing.QPrintDialog):
            def exec(self) -> int:
                seen["title"] = self.windowTitle()
                seen["buttons"] = {b.text() for b in self.findChildren(QAbstractButton)}
                seen["labels"] = {w.text() for w in self.findChildren(QLabel)}
                seen["groups"] = {g.title() for g in self.findChildren(QGroupBox)}
                seen["range"] = (self.minPage(), self.maxPage())
                if outer.output is None:
                    return QDialog.DialogCode.Rejected
                printer = self.printer()
                printer.setOutputFormat(printing.QPrinter.OutputFormat.PdfFormat)
                printer.setOutputFileName(str(outer.output))
                if outer.pages is not None:
                    printer.setPrintRange(printing.QPrinter.PrintRange.PageRange)
                    printer.setFromTo(*outer.pages)
                return QDialog.DialogCode.Accepted

        monkeypatch.setattr(printing, "QPrintDialog", Dialog)


def test_printing_through_qt_prints_the_previews_pages_on_a4(qtbot, tmp_path, monkeypatch):
    draft = drafts.load(EXAMPLE_000)
    kind = get_kind(draft.kind)
    dialogs = Dialogs(monkeypatch, tmp_path / "in.pdf")
    assert printing.print_report(None, kind, draft, use_word=False) is True
    pages = printing.layout(kind, draft).pageCount()
    assert dialogs.seen["range"] == (1, pages)
    check_pdf(tmp_path / "in.pdf", draft, pages)
    assert page_lines(tmp_path / "in.pdf", 2)[0] == "2"


def test_printing_a_page_range(qtbot, tmp_path, monkeypatch):
    draft = drafts.load(EXAMPLE_000)
    Dialogs(monkeypatch, tmp_path / "in.pdf", pages=(2, 3))
    assert printing.print_report(None, get_kind(draft.kind), draft, use_word=False) is True
    check_pdf(tmp_path / "in.pdf", None, 2)
    assert page_lines(tmp_path / "in.pdf", 1)[0] == "2" and page_lines(tmp_path / "in.pdf", 2)[0] == "3"


def test_the_print_dialog_speaks_vietnamese_and_cancelling_prints_nothing(qtbot, tmp_path, monkeypatch):
    draft = drafts.load(EXAMPLE_000)
    dialogs = Dialogs(monkeypatch, None)
    assert printing.print_report(None, get_kind(draft.kind), draft, use_word=False) is False
    seen = dialogs.seen
    assert seen["title"] == "In báo cáo"
    assert {"&In", "Hủy"} <= seen["buttons"] and not {"&Print", "Cancel"} & seen["buttons"]
    assert {"Máy in", "Phạm vi in", "Số bản:", "In tất cả"} <= seen["groups"] | seen["labels"] | seen["buttons"]
    assert not {"Printer", "Print range", "Copies:", "Print all"} & (seen["groups"] | seen["labels"] | seen["buttons"])
    assert list(tmp_path.iterdir()) == []


def test_print_words_are_translated_only_in_the_print_dialog(qapp):
    words = printing.VietnamesePrint()
    assert words.translate("QPrintSettingsOutput", "Color") == "Màu"
    assert words.translate("QColorDialog", "Color") == "Color"
    assert words.translate("QPlatformTheme", "Cancel") == "Hủy"
    assert words.translate("QPrintDialog", "chưa dịch") == "chưa dịch"


def test_with_word_the_docx_goes_to_words_print_dialog_off_the_ui_thread(qtbot, answers, monkeypatch):
    handed: list[tuple[Path, bool, str]] = []

    def word_print(docx: Path) -> bool:
        draft = draft_from_docx(docx)  # the very report kpdesk renders
        handed.append((docx, threading.current_thread() is threading.main_thread(), draft.unit.name))
        return True

    monkeypatch.setattr(pdf, "word_print", word_print)
    monkeypatch.setattr(pdf, "word_installed", lambda: True)
    monkeypatch.setattr(printing, "print_document", lambda *a, **k: pytest.fail("Qt's dialog is not used"))
    draft = drafts.load(EXAMPLE_000)
    op = printing.print_report(None, get_kind(draft.kind), draft)
    assert isinstance(op, operations.Op) and operations.wait_all(60_000)
    [(docx, on_main, unit)] = handed
    assert (docx.name, on_main, unit) == ("BC-KHCN-T04-2026-Thieu-Trung.docx", False, "Thiệu Trung")
    assert not docx.parent.exists()  # the temporary .docx is removed once Word has printed
    assert answers.asked == []


def test_a_word_that_cannot_print_is_reported(qtbot, answers, monkeypatch):
    def word_print(docx: Path) -> bool:
        raise RenderError("Word không in được «bao-cao.docx» (máy in lỗi). Hãy mở tệp trong Word và in từ đó.")

    monkeypatch.setattr(pdf, "word_print", word_print)
    draft = drafts.load(EXAMPLE_000)
    printing.print_report(None, get_kind(draft.kind), draft, use_word=True)
    assert operations.wait_all(60_000)
    assert answers.asked == [
        "error: Chưa in được báo cáo. Word không in được «bao-cao.docx» (máy in lỗi). "
        "Hãy mở tệp trong Word và in từ đó."
    ]


# ----------------------------------------------------------------------------- the installed command


def test_the_installed_command_falls_back_to_qt(qapp, tmp_path, capsys, no_office):
    from ui import launch

    target = tmp_path / "x.pdf"
    assert launch.main(["render", str(EXAMPLE_000), "-o", str(target)]) == 0
    out = capsys.readouterr().out
    assert f"Đã tạo PDF bằng {printing.QT_PDF}." in out
    check_pdf(target, drafts.load(EXAMPLE_000), int(info_field(run("pdfinfo", str(target)).stdout, "Pages")))


# ----------------------------------------------------------------------------- the review step's buttons


def open_in_window(qtbot, store, settings, kit, path: Path):
    from ui.main_window import MainWindow

    example = drafts.load(path)
    unit_id = store.save_unit(kit.profile_for(example))
    draft_id = store.add_draft(example, unit_id)
    window = MainWindow(store, settings, today=kit.TODAY)
    qtbot.addWidget(window)
    window.resize(1366, 740)
    window.show()
    window.open_draft(draft_id)
    return window, draft_id


def test_xuat_pdf_beside_xuat_word_writes_records_and_offers_the_pdf(
    qtbot, store, settings, answers, kit, no_office, tmp_path, monkeypatch
):
    from ui import dialogs

    window, draft_id = open_in_window(qtbot, store, settings, kit, EXAMPLE_000)
    wizard = window.wizard
    review = wizard.review
    wizard.go_step(len(wizard.steps) - 1)
    assert review.pdf_button.isVisible() and review.pdf_button.isEnabled()
    assert review.pdf_button.parentWidget() is review.export_button.parentWidget()
    offered: list[tuple[str, str]] = []
    monkeypatch.setattr(
        dialogs, "choose", lambda parent, text, buttons, *, detail="", **kw: offered.append((text, detail)) or 1
    )  # «Mở thư mục»
    exported: list[object] = []
    wizard.exported.connect(exported.append)
    answers.save_to = tmp_path / "bao-cao"  # typed without .pdf
    suggested = settings.folder("export") / "BC-KHCN-T04-2026-Thieu-Trung.pdf"
    qtbot.mouseClick(review.pdf_button, Qt.MouseButton.LeftButton)
    target = tmp_path / "bao-cao.pdf"
    qtbot.waitUntil(lambda: bool(offered), timeout=60_000)
    assert answers.asked == [f"save: {suggested}"] and settings.folder("export") == tmp_path
    [(text, detail)] = offered
    assert text == f"Đã xuất báo cáo ra tệp:\n{target}" and f"Đã tạo PDF bằng {printing.QT_PDF}." in detail
    [result] = exported
    assert result.path == target and target.read_bytes().startswith(b"%PDF-")
    assert answers.opened == [tmp_path]
    info = store.info(draft_id)
    assert info.status == "exported"
    check_pdf(target, drafts.load(EXAMPLE_000), int(info_field(run("pdfinfo", str(target)).stdout, "Pages")))
    assert not any(w.isVisible() for w in QApplication.topLevelWidgets() if isinstance(w, operations.ProgressBox))
    window.close()


def test_in_prints_from_every_step_through_the_review_step_and_not_with_errors(
    qtbot, store, settings, answers, kit, monkeypatch
):
    printed: list[tuple[str, object]] = []
    monkeypatch.setattr(
        printing,
        "print_report",
        lambda parent, kind, draft, derived=None, **kw: printed.append((kind.id, draft)) or True,
    )
    window, _ = open_in_window(qtbot, store, settings, kit, EXAMPLE_000)
    wizard = window.wizard
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    wizard.go_step(1)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert wizard.current() == len(wizard.steps) - 1, "Ctrl+P shows the review step"
    qtbot.mouseClick(wizard.review.print_button, Qt.MouseButton.LeftButton)
    assert printed == [(wizard.kind.id, wizard.session.draft)] * 2
    window.close()

    printed.clear()
    window, _ = open_in_window(qtbot, store, settings, kit, ROOT / "examples" / "001-bim-son-cong-van-thang.json")
    wizard = window.wizard
    wizard.go_step(1)
    wizard.print_report()
    assert wizard.session.errors and not wizard.review.print_button.isEnabled()
    assert printed == [] and answers.asked[-1].startswith("Bản nháp còn 2 lỗi nên chưa in được.")
    window.close()
