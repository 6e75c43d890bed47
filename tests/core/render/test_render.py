"""Every example renders to a Decree 30 .docx, carries its draft, and opens in a real word processor."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Pt

from kpdesk import draft as drafts
from kpdesk import vn
from kpdesk.cli import main
from kpdesk.compute import compute
from kpdesk.errors import DraftError, RenderError
from kpdesk.kinds import get_kind
from kpdesk.render import DRAFT_MARK, default_filename, draft_from_docx, render_to_file
from kpdesk.vocab import form_type

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("rendered")
    result = {}
    for path in EXAMPLES:
        d = drafts.load(path)
        target = out / (path.stem + ".docx")
        render_to_file(d, target, allow_errors=True)
        result[path.name] = (d, target)
    return result


def all_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.extend(p.text for p in cell.paragraphs)
    return "\n".join(parts)


@pytest.mark.parametrize("name", [p.name for p in EXAMPLES])
def test_each_example_renders_with_the_decree_30_frame(rendered, name):
    d, path = rendered[name]
    kind = get_kind(d.kind)
    doc = Document(path)
    section = doc.sections[0]
    assert (section.page_width.mm, section.page_height.mm) == pytest.approx((210, 297), abs=0.5)
    margins = [
        round(m.mm, 1) for m in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    ]
    assert 20 <= margins[0] <= 25 and 20 <= margins[1] <= 25 and 30 <= margins[2] <= 35 and 15 <= margins[3] <= 20
    header, *_, closing = doc.tables
    head = all_text_of(header)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in head and "Độc lập - Tự do - Hạnh phúc" in head
    for line in d.unit.agency_lines:
        assert line in head
    issuer = d.unit.issuer_symbol  # "UBND" for a commune, the department's own ("SKHCN") for its letters
    symbol = (
        f"{issuer}-{d.unit.office_symbol}"
        if d.form == "cong_van"
        else f"{form_type(d.form, kind.doc_type, kind.doc_symbol)[1]}-{issuer}"
    )
    assert "Số:" in head and f"/{symbol}" in head
    assert f"{d.unit.place_name}, ngày" in head and f"năm {(d.date or d.period.end).year}" in head
    text = all_text(doc)
    if d.form == "cong_van":
        assert "V/v " in head and "Kính gửi:" in text and "BÁO CÁO" not in text.split("Kính gửi")[0]
    else:
        assert form_type(d.form, kind.doc_type, kind.doc_symbol)[0] in text  # BÁO CÁO, or THÔNG BÁO
    tail = all_text_of(closing)
    assert "Nơi nhận:" in tail and "- Lưu: VT" in tail and d.signer.name in tail and d.signer.position in tail
    for line in d.signer.authority:
        assert line.upper() in tail
    body_text = "\n".join(p.text for p in doc.paragraphs)
    assert body_text.rstrip().endswith("./.")
    assert "____" not in text


def all_text_of(table) -> str:
    return "\n".join(p.text for row in table.rows for cell in row.cells for p in cell.paragraphs)


def test_every_font_slot_is_times_new_roman_and_the_body_is_justified(rendered):
    _, path = rendered["000-thieu-trung-bao-cao-thang.json"]
    doc = Document(path)
    rpr = doc.styles["Normal"].element.rPr
    fonts = rpr.rFonts
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        assert (
            fonts.get(f"{{http://schemas.openxmlformats.org/wordprocessingml/2006/main}}{slot.split(':')[1]}")
            == "Times New Roman"
        )
    body = [p for p in doc.paragraphs if p.text.startswith("Thực hiện Công văn số 1133/SKHCN-KHTC")]
    assert body and body[0].alignment == 3  # WD_ALIGN_PARAGRAPH.JUSTIFY
    assert body[0].paragraph_format.first_line_indent is not None
    sizes = {run.font.size for p in doc.paragraphs for run in p.runs if run.font.size}
    assert sizes <= {Pt(s) for s in (11, 12, 13, 14)}


@pytest.mark.parametrize("name", [p.name for p in EXAMPLES])
def test_the_figures_and_words_in_the_document_are_the_drafts(rendered, name):
    d, path = rendered[name]
    kind = get_kind(d.kind)
    text = all_text(Document(path))
    for comp in kind.computed:
        value = compute(kind, d)[comp.id]
        if comp.op == "words" and value:
            assert value in text
    for f in kind.fields:
        value = d.values.get(f.id)
        if f.type == "amount" and value is not None:
            assert (
                vn.format_amount(value, d.money_unit) in text
                or vn.format_amount(value, d.money_unit, with_unit=False) in text
            )


@pytest.mark.parametrize("name", [p.name for p in EXAMPLES])
def test_the_docx_carries_its_draft_and_import_brings_it_back_exactly(rendered, name):
    d, path = rendered[name]
    again = draft_from_docx(path)
    assert drafts.to_json(again) == drafts.to_json(d)


def test_import_of_a_docx_not_made_by_kpdesk_says_so(tmp_path):
    plain = tmp_path / "khac.docx"
    Document().save(plain)
    with pytest.raises(DraftError, match="không do kpdesk tạo"):
        draft_from_docx(plain)


def test_a_draft_with_errors_is_not_exported_unless_forced(tmp_path):
    d = drafts.load(ROOT / "examples" / "001-bim-son-cong-van-thang.json")
    target = tmp_path / "out.docx"
    with pytest.raises(RenderError, match="còn 2 lỗi"):
        render_to_file(d, target)
    assert not target.exists() and list(tmp_path.iterdir()) == []


def test_user_text_with_markup_characters_comes_out_as_typed(tmp_path):
    d = drafts.load(ROOT / "examples" / "000-thieu-trung-bao-cao-thang.json")
    odd = "A <b>&amp; \"trích\" 'đơn' & <script>\tcột 😀"
    d = d.with_values(solutions=[odd, "dòng 1\ndòng 2"], proposals_intro="{{ 7*7 }} {% if %}")
    path = tmp_path / "odd.docx"
    render_to_file(d, path)
    text = all_text(Document(path))
    assert "- " + odd in text
    assert "{{ 7*7 }} {% if %}" in text
    assert "dòng 1\ndòng 2" in text


def test_default_file_name_is_ascii_and_names_kind_period_and_place():
    d = drafts.load(ROOT / "examples" / "000-thieu-trung-bao-cao-thang.json")
    assert default_filename(get_kind(d.kind), d) == "BC-KHCN-T04-2026-Thieu-Trung.docx"


def test_the_cli_checks_and_renders(tmp_path, capsys):
    example = ROOT / "examples" / "001-bim-son-cong-van-thang.json"
    assert main(["check", str(example)]) == 1
    out = capsys.readouterr().out
    assert "2 lỗi, 0 cảnh báo" in out and "Hai tỷ ba trăm tám mươi hai triệu đồng chẵn" in out
    assert main(["check", str(ROOT / "examples" / "000-thieu-trung-bao-cao-thang.json")]) == 0
    assert main(["render", str(example), "-o", str(tmp_path / "x.docx")]) == 2
    assert "chưa xuất được" in capsys.readouterr().err
    assert main(["render", str(example), "-o", str(tmp_path / "x.docx"), "--force"]) == 0
    assert main(["check", str(tmp_path / "x.docx")]) == 1
    assert main(["kinds"]) == 0 and "co-che-tai-chinh-thang" in capsys.readouterr().out
    assert main(["fields", "co-che-tai-chinh-thang"]) == 0
    out = capsys.readouterr().out
    assert "fund_start_year" in out and "chỉ khi «Quỹ phát triển KH&CN của địa phương» là «Đã thành lập»" in out
    assert main(["fields", "khong-co"]) == 2


def test_the_cli_reports_text_that_cannot_be_read_and_a_forced_docx_keeps_it(tmp_path, capsys):
    data = json.loads((ROOT / "examples" / "000-thieu-trung-bao-cao-thang.json").read_text(encoding="utf-8"))
    data["values"].pop("budget_total", None)
    data["inputs"] = {"budget_total": "2,5 tỷ rưỡi", "_date": "31/4/2026"}
    source = tmp_path / "dang-go.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["check", str(source)]) == 1
    out = capsys.readouterr().out
    assert "«Ngày ký»: Ngày 31/04/2026 không tồn tại" in out and "«2,5 tỷ rưỡi»" in out and "2 lỗi" in out
    assert main(["render", str(source), "-o", str(tmp_path / "x.docx")]) == 2
    assert main(["render", str(source), "-o", str(tmp_path / "x.docx"), "--force"]) == 0
    assert draft_from_docx(tmp_path / "x.docx").inputs == data["inputs"]


# -- in a real word processor --------------------------------------------------------------------

needs_office = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice (soffice) and poppler-utils are not installed",
)


@pytest.fixture(scope="module")
def pdfs(rendered, tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf")
    profile = tmp_path_factory.mktemp("lo-profile")
    files = [str(path) for _, path in rendered.values()]
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *files,
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return {name: out / (Path(path).stem + ".pdf") for name, (_, path) in rendered.items()}


def pdf_text(pdf: Path, *pages: str) -> str:
    """The text of the PDF's `pages`, without the «DỰ THẢO» line that heads each page of an example rendered with
    its errors (#17; tests/core/test_cli.py checks that mark)."""
    text = subprocess.run(
        ["pdftotext", "-layout", *pages, str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return "\n".join(line for line in text.splitlines() if line.strip() != DRAFT_MARK)


def squash(text: str) -> str:
    return " ".join(text.split())


@needs_office
@pytest.mark.office
@pytest.mark.parametrize("name", [p.name for p in EXAMPLES])
def test_each_example_opens_in_libreoffice_with_letterhead_first_and_signature_last(rendered, pdfs, name):
    d, _ = rendered[name]
    pdf = pdfs[name]
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert 1 <= pages <= 12
    assert "A4" in info or "595" in info
    first = pdf_text(pdf, "-f", "1", "-l", "1").strip().splitlines()
    letterhead = d.unit.superior or d.unit.agency_lines[0]  # "ỦY BAN NHÂN DÂN"; a department's superior line
    assert letterhead in first[0] and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first[0]
    last = pdf_text(pdf, "-f", str(pages), "-l", str(pages)).strip().splitlines()
    assert last[-1].strip().endswith(d.signer.name)
    whole = squash(pdf_text(pdf))
    kind = get_kind(d.kind)
    for comp in kind.computed:
        value = compute(kind, d)[comp.id]
        if comp.op == "words" and value:
            assert squash(value) in whole
    for f in kind.fields:
        value = d.values.get(f.id)
        if value is None or not f.applies(d.values) or not f.printed:
            continue
        if f.type in ("text", "email"):  # a name may be printed mid-sentence with a small first letter
            assert squash(value).rstrip(".").lower() in whole.lower()
        elif f.type == "phone":
            assert vn.parse_phone(value).display() in whole
        elif f.type == "list":
            for item in value:
                assert squash(item)[:60] in whole


def test_examples_have_the_expected_shape():
    names = {p.name[:3] for p in EXAMPLES}
    assert names == {"000", "001", "002", "004", "100", "101", "102"}  # the seeds' reports; the department's
    for path in EXAMPLES:
        assert json.loads(path.read_text(encoding="utf-8"))["format"] == "kpdesk-draft"


def test_a_stored_draft_renders_by_its_number_and_the_export_is_recorded(tmp_path, capsys):
    data = tmp_path / "Nguyễn Văn A" / "dữ liệu"
    example = ROOT / "examples" / "000-thieu-trung-bao-cao-thang.json"
    assert main(["--data-dir", str(data), "import", str(example)]) == 0
    target = tmp_path / "Báo cáo tháng 4.docx"
    assert main(["--data-dir", str(data), "render", "1", "-o", str(target)]) == 0
    from kpdesk.store import Store

    with Store.open(data) as store:
        [info] = store.list_drafts()
        assert info.status == "exported"
        [record] = store.exports(info.id)
    assert str(target.resolve()) in str(record)
    assert drafts.to_json(draft_from_docx(target)) == drafts.to_json(drafts.load(example))
