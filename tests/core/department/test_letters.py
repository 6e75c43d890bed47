"""The department's letters: a return with its correction slip, and a reminder, through the one Decree 30 path."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest

from kpdesk import corrections
from kpdesk.deadlines import parse_period
from kpdesk.department import letters
from kpdesk.department.records import RETURNED, Records
from kpdesk.department.status import status
from kpdesk.errors import DepartmentError
from kpdesk.kinds import get_kind, kind_of
from kpdesk.render.plain import docx_text_lines
from kpdesk.store import Store

MONTHLY = "co-che-tai-chinh-thang"
MAY = parse_period("2026-05")
TODAY = dt.date(2026, 5, 25)


@pytest.fixture(scope="module")
def returned(intake, tmp_path_factory):
    """The return letter of phường Sầm Sơn's May report (2 errors), written once for the module."""
    records = intake.records
    sub = records.find_submission(records.find_unit("TH35"), MONTHLY, MAY)
    path = tmp_path_factory.mktemp("letters") / "tra-lai-Sam-Son.docx"
    issued = letters.return_report(
        records,
        sub,
        path,
        number="215",
        note="Đề nghị ghi rõ số đã giải ngân.",
        resubmit_by=dt.date(2026, 5, 29),
        who="Lê Thị Hoa",
        today=TODAY,
    )
    return sub, issued


def test_the_return_letter_is_a_decree_30_cong_van_of_the_department(returned):
    _, issued = returned
    lines = [line.strip() for line in docx_text_lines(issued.path)]
    text = "\n".join(lines)
    for expected in (
        "UBND TỈNH THANH HÓA",
        "SỞ KHOA HỌC",
        "VÀ CÔNG NGHỆ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 215/SKHCN-QLKH",
        "Thanh Hóa, ngày 25 tháng 5 năm 2026",
        "Kính gửi: Ủy ban nhân dân phường Sầm Sơn.",
        "Nơi nhận:",
        "- Như trên;",
        "- Lưu: VT, QLKH.",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Nguyễn Văn Bình",
    ):
        assert expected in lines, (expected, lines)
    assert "V/v đề nghị hoàn thiện báo cáo tháng 5 năm 2026" in text.replace("\n", " ")
    # each point by section and field, in Vietnamese, the free note last, ending with "."
    assert "Mục «3. Tình hình tổ chức và hoạt động của Quỹ», «Quỹ phát triển KH&CN của địa phương»: Chưa nhập" in text
    assert "- Đề nghị ghi rõ số đã giải ngân." in lines
    assert "trước ngày 29/5/2026" in text


def test_returning_marks_the_report_returned_with_who_and_the_letter_in_the_log(intake, returned):
    sub, issued = returned
    again = intake.records.submission(sub.id)
    assert again.state == RETURNED and again.state_by == "Lê Thị Hoa" and "3 nội dung cần sửa" in again.state_note
    entry = intake.records.log(sub.id)[0]
    assert entry.action == "returned" and entry.detail["file"] == str(issued.path)
    stored = intake.store.load(issued.draft_id)
    assert stored.info.status == "exported" and stored.draft.kind == letters.RETURN_KIND
    assert intake.store.exports(issued.draft_id)[0].sha256 == issued.sha256
    row = next(
        r for r in status(intake.records, get_kind(MONTHLY), MAY, TODAY).rows if r.unit and r.unit.code == "TH35"
    )
    assert row.state == "returned" and row.label == "đã trả lại để sửa (đúng hạn)"


def test_the_correction_slip_reaches_the_communes_draft_and_shows_beside_its_fields(intake, returned, tmp_path):
    _, issued = returned
    with Store.open(tmp_path / "xa") as commune:
        draft_id = commune.import_file(intake.files["errors-TH35"])  # the report the commune sent
        imported = corrections.import_path(commune, issued.path)
        assert imported.draft_id == draft_id and imported.correction is not None
        assert "3 nội dung cần sửa, đã gắn vào bản nháp số" in imported.text
        active = corrections.corrections(commune, draft_id)
        assert len(active) == 1 and active[0].letter.startswith("Công văn số 215/SKHCN-QLKH ngày 25/5/2026")
        kind = kind_of(commune.load(draft_id).draft)
        problems = corrections.as_problems(kind, active)
        assert {p.field for p in problems} == {"fund_status", "fund_charter", ""}
        assert all(p.severity == "warning" and p.code == corrections.NOTE_CODE for p in problems)
        fund = next(p for p in problems if p.field == "fund_status")
        assert fund.section == "quy" and fund.detail.startswith("Sở đề nghị: Chưa nhập")
        # importing the same letter again attaches nothing new
        corrections.import_path(commune, issued.path)
        assert len(corrections.corrections(commune, draft_id, active=False)) == 1
        # exporting the report again answers the letter: its points are no longer shown
        commune.record_export(draft_id, tmp_path / "bc.docx", "a" * 64, commune.info(draft_id).revision)
        assert corrections.corrections(commune, draft_id) == []
        assert len(corrections.corrections(commune, draft_id, active=False)) == 1


def test_a_letter_for_a_report_this_pc_does_not_have_says_what_to_do(returned, tmp_path):
    _, issued = returned
    from kpdesk.errors import StoreError

    with Store.open(tmp_path / "xa-khac") as commune, pytest.raises(StoreError, match="Hãy nhập báo cáo đã gửi"):
        corrections.import_path(commune, issued.path)


def test_the_reminder_is_addressed_to_the_units_still_missing_and_names_the_late_ones(intake, tmp_path):
    found = status(intake.records, get_kind(MONTHLY), MAY, TODAY)
    issued = letters.remind(intake.records, found, tmp_path / "don-doc.docx", number="216", today=TODAY)
    lines = [line.strip() for line in docx_text_lines(issued.path)]
    text = " ".join(lines)
    missing = [r.unit for r in found.missing]
    assert "Kính gửi:" in text and all(f"Ủy ban nhân dân {u.full_name}" in text for u in missing)
    assert "Số: 216/SKHCN-QLKH" in lines and "chậm 03 ngày" in text
    assert f"chưa nhận được báo cáo của {len(missing):02d} đơn vị sau" in text
    assert intake.records.log()[0].action == "reminded"


def test_a_return_with_nothing_to_correct_asks_what_to_correct(intake, tmp_path):
    sub = intake.records.find_submission(intake.records.find_unit("TH03"), MONTHLY, MAY)
    with pytest.raises(DepartmentError, match="hãy ghi rõ điều cần sửa"):
        letters.return_report(intake.records, sub, tmp_path / "x.docx", today=TODAY)
    assert not (tmp_path / "x.docx").exists()


def test_without_the_departments_profile_a_letter_says_how_to_enter_it(tmp_path, intake):
    with Store.open(tmp_path / "so-moi") as store:
        with pytest.raises(DepartmentError, match="Chưa có thông tin của Sở"):
            letters.department_profile(store)
        records = Records(store)
        records.import_units([intake.records.find_unit("TH01")])
        with pytest.raises(DepartmentError, match="không cần đôn đốc|Chưa có thông tin của Sở"):
            letters.remind(records, status(records, get_kind(MONTHLY), MAY, TODAY), tmp_path / "x.docx", today=TODAY)


@pytest.mark.office
@pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="needs LibreOffice (soffice) and poppler-utils (pdftotext) on PATH",
)
def test_libreoffice_prints_the_return_letter_on_a4(returned, tmp_path):
    _, issued = returned
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'lo'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(issued.path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / (issued.path.stem + ".pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "A4" in info and int(next(x for x in info.splitlines() if x.startswith("Pages:")).split()[1]) <= 2
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "SỞ KHOA HỌC" in text and "Số: 215/SKHCN-QLKH" in text and "Nguyễn Văn Bình" in text
