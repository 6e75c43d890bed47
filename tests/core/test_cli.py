"""The command line as a new user meets it (#17): drafts with unread values, forced draft copies, a new period from
the previous one, the fields of a kind, and importing the same file twice."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document

from kpdesk import draft as drafts
from kpdesk.cli import main
from kpdesk.kinds import get_kind
from kpdesk.render import build_layout, default_filename, draft_from_docx, render_to_file
from kpdesk.render.docx_file import write_docx
from kpdesk.store import Store
from kpdesk.vocab import document_number

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
MONTHLY = EXAMPLES / "000-thieu-trung-bao-cao-thang.json"
HALF = EXAMPLES / "002-trieu-son-6-thang-2022.json"
ERRORS = EXAMPLES / "001-bim-son-cong-van-thang.json"


def written(tmp_path: Path, source: Path, change) -> Path:
    """A copy of the draft file `source` in `tmp_path`, its JSON changed by `change`."""
    data = json.loads(source.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / source.name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def unreadable(data):
    data["values"]["documents"][1]["date"] = "31/02/2026"
    data["values"]["models"][0]["area"] = "3,5 ha"


def headers(path: Path) -> list[str]:
    """The text of each header of the document's section: the first page's and the other pages'."""
    section = Document(str(path)).sections[0]
    return [" ".join(p.text for p in part.paragraphs) for part in (section.first_page_header, section.header)]


# ---------------------------------------------------------------------------- values that cannot be read


def test_check_reads_a_draft_with_unreadable_values_and_reports_each_with_all_the_rest(tmp_path, capsys):
    source = written(tmp_path, HALF, unreadable)
    assert main(["check", str(source)]) == 1
    out = capsys.readouterr().out
    assert (
        "LỖI: Mục «2. Thực hiện nhiệm vụ quản lý nhà nước về KH&CN (2.1, 2.2)», «Các nghị quyết, quyết định, "
        "kế hoạch, cơ chế chính sách về KH&CN đã triển khai», dòng 2: cột «Ngày ban hành»: Ngày 31/02/2026 "
        "không tồn tại" in out
    )
    assert "«Các mô hình ứng dụng KH&CN», dòng 1: cột «Diện tích (ha)»: Không hiểu số «3,5 ha»" in out
    assert "CẢNH BÁO: Mục «2.3. Ứng dụng, chuyển giao KH&CN" in out  # the other problems are shown too
    assert "2 lỗi, 1 cảnh báo." in out


def test_render_force_and_import_keep_unreadable_values_as_text_to_correct(tmp_path, capsys):
    source = written(tmp_path, HALF, unreadable)
    assert main(["render", str(source), "-o", str(tmp_path / "x.docx"), "--force"]) == 0
    assert draft_from_docx(tmp_path / "x.docx").inputs == {"documents.2.date": "31/02/2026", "models.1.area": "3,5 ha"}
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "import", str(source)]) == 0
    assert "Có 2 chỗ chưa đọc được" in capsys.readouterr().out
    with Store.open(data) as store:
        [info] = store.list_drafts()
        assert store.load(info.id).draft.inputs == {"documents.2.date": "31/02/2026", "models.1.area": "3,5 ha"}


def test_a_choice_given_by_its_label_and_a_decimal_as_a_json_number_are_read(tmp_path, capsys):
    def change(data):
        data["values"]["tasks_rating"] = "Trung bình"
        data["values"]["models"][0]["area"] = 6.5

    assert main(["check", str(written(tmp_path, HALF, change))]) == 0
    out = capsys.readouterr().out
    assert "không có trong danh sách" not in out and "0 lỗi, 1 cảnh báo." in out


# ---------------------------------------------------------------------------- draft copies


def test_a_forced_render_is_marked_as_a_draft_on_every_page(tmp_path, capsys):
    target = tmp_path / "x.docx"
    assert main(["render", str(ERRORS), "-o", str(target), "--force"]) == 0
    assert "bản dự thảo" in capsys.readouterr().out
    assert [text.split()[-2:] for text in headers(target)] == [["DỰ", "THẢO"], ["DỰ", "THẢO"]]
    assert main(["render", str(MONTHLY), "-o", str(tmp_path / "ok.docx")]) == 0
    assert "DỰ THẢO" not in " ".join(headers(tmp_path / "ok.docx"))  # a report without errors is the real one


@pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice (soffice) and poppler-utils are not installed",
)
def test_libreoffice_prints_the_mark_at_the_top_of_every_page_and_breaks_pages_as_the_final_copy(tmp_path):
    d = drafts.load(ERRORS)
    kind = get_kind(d.kind)
    render_to_file(d, tmp_path / "du-thao.docx", allow_errors=True)
    write_docx(build_layout(kind, d), tmp_path / "chinh-thuc.docx")  # the same draft as a final copy would print
    files = [str(tmp_path / "du-thao.docx"), str(tmp_path / "chinh-thuc.docx")]
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'lo'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            *files,
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )

    def pages(name):
        text = subprocess.run(
            ["pdftotext", "-layout", str(tmp_path / name), "-"], check=True, capture_output=True, text=True
        ).stdout
        return [[line.strip() for line in page.splitlines() if line.strip()] for page in text.split("\f")[:-1]]

    marked, final = pages("du-thao.pdf"), pages("chinh-thuc.pdf")
    assert len(marked) == len(final) > 1
    assert marked[0][0] == "DỰ THẢO"
    assert [page[0].split() for page in marked[1:]] == [[str(n), "DỰ", "THẢO"] for n in range(2, len(marked) + 1)]
    assert [page[-1] for page in marked] == [page[-1] for page in final]  # each page ends where it would


def test_the_refusal_says_how_to_get_a_draft_copy(tmp_path, capsys):
    assert main(["render", str(ERRORS), "-o", str(tmp_path / "x.docx")]) == 2
    err = capsys.readouterr().err
    assert "chưa xuất được" in err and "«DỰ THẢO»" in err and "--force" in err
    assert list(tmp_path.iterdir()) == []


def test_the_default_file_name_of_a_draft_copy_says_so(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    d = drafts.load(ERRORS)
    assert default_filename(get_kind(d.kind), d, draft_copy=True) == "BC-KHCN-T04-2026-Bim-Son-DU-THAO.docx"
    assert main(["render", str(ERRORS), "--force"]) == 0
    assert main(["render", str(MONTHLY)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "BC-KHCN-T04-2026-Bim-Son-DU-THAO.docx",
        "BC-KHCN-T04-2026-Thieu-Trung.docx",
    ]


def test_a_forced_render_of_a_stored_draft_is_not_recorded_as_exported(tmp_path, capsys):
    data = tmp_path / "data"
    with Store.open(data) as store:
        draft_id = store.import_file(ERRORS)
    assert main(["--data-dir", str(data), "render", str(draft_id), "-o", str(tmp_path / "x.docx"), "--force"]) == 0
    with Store.open(data) as store:
        assert store.exports(draft_id) == [] and store.info(draft_id).status == "drafting"


def test_a_full_width_document_number_is_not_padded_as_a_digit():
    assert document_number("５") == "５" and document_number("5") == "05"


# ---------------------------------------------------------------------------- a new period from the previous one


def test_new_from_a_stored_draft_makes_the_next_period_in_the_same_form(tmp_path, capsys):
    data = tmp_path / "data"
    with Store.open(data) as store:
        source = store.import_file(ERRORS)  # công văn, tháng 4/2026
    assert main(["--data-dir", str(data), "new", "--from", str(source)]) == 0
    out = capsys.readouterr().out
    assert "tháng 5 năm 2026" in out and f"từ bản nháp số {source} (tháng 4 năm 2026)" in out
    assert main(["--data-dir", str(data), "new", "--from", str(source), "--period", "2026-07"]) == 0
    with Store.open(data) as store:
        made = {i.period.code: store.load(i.id).draft for i in store.list_drafts() if i.id != source}
    assert sorted(made) == ["T05-2026", "T07-2026"]
    assert {d.form for d in made.values()} == {"cong_van"}
    assert made["T05-2026"].values["budget_total"] == 2_382_000_000  # carried over
    assert "disbursed" not in made["T05-2026"].values  # per period


def test_new_refuses_a_period_the_kind_has_not_or_cannot_read(tmp_path, capsys):
    data = tmp_path / "data"
    with Store.open(data) as store:
        source = store.import_file(MONTHLY)
    assert main(["--data-dir", str(data), "new", "--from", str(source), "--period", "2026-H1"]) == 2
    assert "chỉ dùng cho kỳ báo cáo: tháng" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stopped:
        main(["--data-dir", str(data), "new", "--from", str(source), "--period", "13/2026"])
    assert stopped.value.code == 2 and "2026-05" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stopped:
        main(["--data-dir", str(data), "new", "--from", "１"])  # a full-width digit is no draft number
    assert stopped.value.code == 2 and "chỉ gồm các chữ số 0–9" in capsys.readouterr().err
    with Store.open(data) as store:
        assert len(store.list_drafts()) == 1


# ---------------------------------------------------------------------------- fields and import


def test_fields_shows_each_choices_values_and_the_document_parts(capsys):
    assert main(["fields", "quan-ly-khcn-6-thang"]) == 0
    out = capsys.readouterr().out
    assert 'giá trị: "xuat_sac" (Xuất sắc), "tot" (Tốt), "kha" (Khá), "trung_binh" (Trung bình), "yeu" (Yếu)' in out
    assert '"Nghị quyết", "Quyết định"' in out  # a column's choices, whose values are their labels
    for part in ("form ", "period ", "number ", "date ", "signer ", "to ", "recipients "):
        assert "\n  " + part in out
    assert '{"type": "half", "year": 2026, "half": 1}' in out and '"bao_cao" (Báo cáo)' in out


def test_importing_the_same_file_twice_says_so_and_makes_no_duplicate(tmp_path, capsys):
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "import", str(MONTHLY)]) == 0
    assert "thành bản nháp số 1" in capsys.readouterr().out
    assert main(["--data-dir", str(data), "import", str(MONTHLY)]) == 0
    assert "đã được nhập: bản nháp số 1" in capsys.readouterr().out
    with Store.open(data) as store:
        assert [i.id for i in store.list_drafts()] == [1]


ENGLISH = (
    "usage:",
    "error:",
    "invalid choice",
    "arguments are required",
    "show this help",
    "unrecognized",
    "expected one argument",
    "positional arguments",
    "options:",
    "show program's",
)


def _subparsers(parser):
    import argparse

    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                yield child
                yield from _subparsers(child)


def test_the_parser_speaks_vietnamese_in_its_help_and_its_refusals(capsys):
    from kpdesk.cli import build_parser

    parser = build_parser()
    helps = [parser.format_help()] + [child.format_help() for child in _subparsers(parser)]
    assert len(helps) > 20 and all(h.startswith("Cách dùng: ") for h in helps)
    assert not [word for h in helps for word in ENGLISH if word in h.lower()]
    for argv, said in (
        (["frob"], "không có lựa chọn 'frob'"),
        (["kinds", "install"], "thiếu tham số bắt buộc: file"),
        (["department", "status", "--kind", "x"], "thiếu tham số bắt buộc: --period"),
        (["drafts", "--bogus"], "không hiểu các tham số: --bogus"),
        (["render", "1", "-o"], "tham số -o/--output: cần đúng một giá trị"),
    ):
        with pytest.raises(SystemExit) as stop:
            main(argv)
        err = capsys.readouterr().err
        assert stop.value.code == 2 and said in err, err
        assert "lỗi:" in err and "Xem cách dùng: kpdesk" in err and not [w for w in ENGLISH if w in err.lower()]
