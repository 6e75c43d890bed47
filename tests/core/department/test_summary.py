"""The department's notice: its figures are the consolidation's, it is a Decree 30 THÔNG BÁO (or BÁO CÁO) stored,
rendered through the one path and recorded; the points the communes raised print only when picked; the charts
come from the shell; the commands."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import shutil
import struct
import subprocess
import zipfile
import zlib
from decimal import Decimal

import openpyxl
import pytest

from kpdesk import vn
from kpdesk.cli import main
from kpdesk.deadlines import parse_period
from kpdesk.department import summary as sm
from kpdesk.department.consolidate import consolidate
from kpdesk.department.records import Records
from kpdesk.department.unitlist import ListedUnit
from kpdesk.errors import DepartmentError
from kpdesk.kinds import get_kind
from kpdesk.render import draft_from_docx
from kpdesk.render.frame import Appendix, Figure
from kpdesk.render.plain import docx_text_lines
from kpdesk.store import Store

MONTHLY = "co-che-tai-chinh-thang"
MAY = parse_period("2026-05")
TODAY = dt.date(2026, 5, 25)


def png(width: int = 600, height: int = 300) -> bytes:
    raw = b"".join(b"\x00" + b"\x20\x60\xa0" * width for _ in range(height))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
def may(intake):
    return consolidate(intake.records, get_kind(MONTHLY), MAY, today=TODAY)


@pytest.fixture(scope="module")
def notice(intake, may):
    return sm.summary_draft(intake.records, get_kind(MONTHLY), MAY, number="15", today=TODAY, cons=may)


def lines_of(path) -> list[str]:
    return [line.strip() for line in docx_text_lines(path)]


# ----------------------------------------------------------------------------- the draft's figures


def test_the_notice_states_the_consolidations_counts_and_totals(may, notice):
    v = notice.values
    assert notice.kind == sm.SUMMARY_KIND and notice.form == "thong_bao" and notice.period == MAY
    assert (v["report_kind"], v["units_expected"], v["units_sent"], v["units_late"]) == (MONTHLY, 42, 40, 4)
    assert v["units_missing"] == ["xã Quảng Phú", "đặc khu Hòn Mê"] and v["as_of"] == TODAY
    assert v["topic"] == "giải pháp đột phá tháo gỡ điểm nghẽn cơ chế tài chính cho KH, CN và ĐMST"
    figures = {row["label"]: row for row in v["figures"]}
    total = figures["Kinh phí phân bổ cho KH, CN, ĐMST và chuyển đổi số trong năm"]
    assert total["amount"] == may.totals["budget_total"] and total["units"] == 40
    rate = figures["Tỷ lệ giải ngân"]
    assert rate["rate"] == may.totals["disbursed_pct"] == Decimal("8.40") and rate["units"] == 3
    assert "Năm của kinh phí" not in figures  # a year is not a figure to add up
    for row in v["figures"]:
        value = next(row[k] for k in ("amount", "count", "number", "rate") if row.get(k) is not None)
        column = next(c for c in may.columns if sm._label(c) == row["label"])
        assert value == may.totals[column.id], row["label"]
    assert v["choices"] == [
        {"label": "Quỹ phát triển KH&CN của địa phương", "option": "Chưa thành lập", "units": 38},
        {"label": "Quy chế tổ chức và điều lệ hoạt động của Quỹ", "option": "Chưa ban hành", "units": 38},
    ]
    assert "ranking" not in v  # every unit's rate is 8,40%: nobody stands out
    assert v["raised"] and not any(r["picked"] for r in v["raised"])
    assert all(r["units"] >= 2 for r in v["raised"])
    for empty in ("results", "difficulties", "solutions", "closing", "request_ref"):
        assert empty not in v  # the officer's to write


def test_the_highest_and_lowest_rates_name_their_units(tmp_path, make_draft):
    rates = {"A": 900, "B": 100, "C": 500, "D": 50, "E": 700}  # disbursed of 1.000 triệu each
    with Store.open(tmp_path / "so") as store:
        records = Records(store)
        records.import_units([ListedUnit(code, code, "xã") for code in rates])
        for code, disbursed in rates.items():
            draft = make_draft(
                "001",
                code,
                "xã",
                period={"type": "month", "year": 2026, "month": 5},
                date="2026-05-10",
                budget_total=1_000_000_000,
                budget_st=None,
                budget_dt=None,
                disbursed=disbursed * 1_000_000,
            )
            digest = hashlib.sha256(code.encode()).hexdigest()
            records.add_version(
                draft,
                unit=records.find_unit(code),
                file_name=f"{code}.docx",
                file_sha256=digest,
                payload_sha256=digest,
                source="test",
                received_on=dt.date(2026, 5, 12),
                problems=(),
            )
        cons = consolidate(records, get_kind(MONTHLY), MAY, today=TODAY)
    rows = sm.ranking_rows(cons)
    assert [(r["position"], r["unit"], r["value"]) for r in rows] == [
        ("highest", "xã A", Decimal("90.00")),
        ("highest", "xã E", Decimal("70.00")),
        ("lowest", "xã D", Decimal("5.00")),
        ("lowest", "xã B", Decimal("10.00")),
    ]


# ----------------------------------------------------------------------------- the document


def test_the_notice_is_a_decree_30_thong_bao_stored_rendered_and_recorded(intake, may, notice, tmp_path):
    written = sm.write_summary(intake.records, notice, tmp_path / "tb.docx", today=TODAY)
    lines = lines_of(written.path)
    for expected in (
        "UBND TỈNH THANH HÓA",
        "SỞ KHOA HỌC",
        "VÀ CÔNG NGHỆ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 15/TB-SKHCN",
        "Thanh Hóa, ngày 25 tháng 5 năm 2026",
        "THÔNG BÁO",
        "Nơi nhận:",
        "- UBND các xã, phường;",
        "- Hội đồng KH&CN các xã, phường;",
        "- Lãnh đạo Sở;",
        "- Lưu: VT, QLKH.",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Nguyễn Văn Bình",
    ):
        assert expected in lines, (expected, lines)
    assert lines[lines.index("THÔNG BÁO") + 1] == (
        "Kết quả tổng hợp báo cáo tháng 5 năm 2026 của các xã, phường về giải pháp đột phá tháo gỡ điểm nghẽn cơ chế "
        "tài chính cho KH, CN và ĐMST"
    )
    assert not any(x.startswith(("Kính gửi", "V/v")) for x in lines)
    body = lines[lines.index("1. Tình hình gửi báo cáo") : lines.index("Nơi nhận:")]
    assert body[1] == (
        "Tính đến ngày 25/5/2026, 40/42 xã, phường đã gửi báo cáo, trong đó 04 đơn vị gửi muộn so "
        "với thời hạn; 02 đơn vị chưa gửi: xã Quảng Phú, đặc khu Hòn Mê."
    )
    total = vn.format_amount(may.totals["budget_total"])
    assert f"- Kinh phí phân bổ cho KH, CN, ĐMST và chuyển đổi số trong năm: {total};" in body
    assert "- Tỷ lệ giải ngân: 8,4% (03 đơn vị có số liệu);" in body
    assert "- Quy chế tổ chức và điều lệ hoạt động của Quỹ: chưa ban hành 38 đơn vị." in body
    assert not any("nhiều đơn vị cùng nêu" in x for x in body)  # nothing picked: nothing of theirs printed
    assert body[-1].endswith("đúng thời hạn./.")
    # stored as the department's draft, its export recorded, the draft embedded like every report's
    stored = intake.store.load(written.draft_id)
    assert stored.draft == notice and stored.info.status == "exported"
    assert intake.store.exports(written.draft_id)[0].sha256 == written.sha256
    assert draft_from_docx(written.path) == notice


def test_the_points_print_only_when_picked_and_the_officers_text_where_it_belongs(intake, notice, tmp_path):
    raised = notice.values["raised"]
    picked = [dict(r, picked=r["topic"] == "Các kiến nghị, đề xuất") for r in raised]
    draft = notice.with_values(
        raised=picked,
        results="Các xã đã quan tâm bố trí kinh phí.",
        difficulties="Giải ngân còn chậm.",
        solutions=["đẩy nhanh giải ngân", "lập Quỹ"],
        request_ref=vn.DocRef("Kế hoạch", "50/KH-SKHCN", dt.date(2026, 4, 13), "Sở Khoa học và Công nghệ"),
    )
    lines = lines_of(sm.write_summary(intake.records, draft, tmp_path / "tb.docx", today=TODAY).path)
    body = lines[lines.index("1. Tình hình gửi báo cáo") - 1 : lines.index("Nơi nhận:")]
    assert body[0].startswith(
        "Thực hiện Kế hoạch số 50/KH-SKHCN ngày 13/4/2026 của Sở Khoa học và Công nghệ, Sở "
        "Khoa học và Công nghệ thông báo kết quả tổng hợp báo cáo tháng 5 năm 2026"
    )
    headings = [x for x in body if x[:2] in ("1.", "2.", "3.", "4.", "5.")]
    assert headings == [
        "1. Tình hình gửi báo cáo",
        "2. Kết quả",
        "3. Khó khăn, hạn chế",
        "4. Ý kiến, kiến nghị của các xã, phường",
        "5. Giải pháp",
    ]
    assert "Các kiến nghị, đề xuất (nhiều đơn vị cùng nêu):" in body
    assert "Các khó khăn, vướng mắc (nhiều đơn vị cùng nêu):" not in body
    proposals = [r for r in picked if r["picked"]]
    assert all(any(x.startswith(f"- {r['text']} ({r['units']:02d} đơn vị)") for x in body) for r in proposals)
    assert "Một là, đẩy nhanh giải ngân." in body and "Hai là, lập Quỹ." in body
    assert "Các xã đã quan tâm bố trí kinh phí." in body and "Giải ngân còn chậm." in body


def test_the_bao_cao_form_is_titled_bao_cao_with_its_own_symbol(intake, tmp_path):
    draft = sm.summary_draft(intake.records, get_kind(MONTHLY), MAY, form="bao_cao", number="16", today=TODAY)
    lines = lines_of(sm.write_summary(intake.records, draft, tmp_path / "bc.docx", today=TODAY).path)
    assert "BÁO CÁO" in lines and "Số: 16/BC-SKHCN" in lines and "THÔNG BÁO" not in lines
    assert lines[lines.index("BÁO CÁO") + 1].startswith("Tổng hợp báo cáo tháng 5 năm 2026 của các xã, phường về")
    assert any(x.startswith("Trên đây là kết quả tổng hợp báo cáo tháng 5 năm 2026") for x in lines)
    with pytest.raises(DepartmentError, match="chỉ có hình thức"):
        sm.summary_draft(intake.records, get_kind(MONTHLY), MAY, form="cong_van", today=TODAY)


def test_the_charts_come_in_an_appendix_after_the_signature(intake, notice, tmp_path):
    def maker(records, kind, period, today):
        assert (records, kind.id, period) == (intake.records, MONTHLY, MAY)
        return Appendix(
            "Biểu đồ tổng hợp",
            (Figure(png(), "Biểu đồ 1. Tình hình gửi báo cáo"), Figure(png(500, 300), "Biểu đồ 2. Quỹ")),
        )

    appendix = sm.chart_appendix(intake.records, get_kind(MONTHLY), MAY, maker, TODAY)
    path = sm.write_summary(intake.records, notice, tmp_path / "tb.docx", appendix=appendix, today=TODAY).path
    lines = lines_of(path)
    assert lines.index("Phụ lục") > lines.index("Nguyễn Văn Bình")
    assert "(Kèm theo Thông báo số 15/TB-SKHCN ngày 25 tháng 5 năm 2026 của Sở Khoa học và Công nghệ)" in lines
    with zipfile.ZipFile(path) as zf:
        assert len([n for n in zf.namelist() if n.startswith("word/media/")]) == 2
    with pytest.raises(DepartmentError, match="bỏ --charts"):
        sm.chart_appendix(intake.records, get_kind(MONTHLY), MAY, None)


def test_nothing_to_consolidate_and_a_department_kind_are_refused(intake, tmp_path):
    with pytest.raises(DepartmentError, match="Chưa nhận báo cáo BC-KHCN tháng 7 năm 2026 nào"):
        sm.summary_draft(intake.records, get_kind(MONTHLY), parse_period("2026-07"), today=TODAY)
    with pytest.raises(DepartmentError, match="là văn bản của Sở"):
        sm.summary_draft(intake.records, get_kind("don-doc-bao-cao"), MAY, today=TODAY)
    with Store.open(tmp_path / "so-moi") as store, pytest.raises(DepartmentError, match="Chưa có thông tin của Sở"):
        sm.summary_draft(Records(store), get_kind(MONTHLY), MAY, today=TODAY)


def test_a_stored_notice_opens_for_the_officer_to_finish(intake):
    draft_id = sm.create_summary(intake.records, get_kind(MONTHLY), MAY, today=TODAY)
    stored = intake.store.load(draft_id)
    assert stored.draft.kind == sm.SUMMARY_KIND and stored.info.status != "exported"
    assert stored.info.title == "Thông báo tổng hợp BC-KHCN tháng 5 năm 2026"


# ----------------------------------------------------------------------------- the commands


def test_the_commands_write_the_workbook_and_the_notice(intake, tmp_path, capsys):
    data = str(intake.folder / "data")
    xlsx = tmp_path / "bieu.xlsx"
    assert (
        main(
            [
                "--data-dir",
                data,
                "department",
                "table",
                "--kind",
                MONTHLY,
                "--period",
                "2026-05",
                "-o",
                str(xlsx),
                "--on",
                "2026-05-25",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "Đã ghi biểu tổng hợp" in out and "40/42 đơn vị đã gửi" in out
    assert openpyxl.load_workbook(xlsx).sheetnames[0] == "Tình hình gửi báo cáo"

    docx = tmp_path / "tb.docx"
    assert (
        main(
            [
                "--data-dir",
                data,
                "department",
                "summary",
                "--kind",
                MONTHLY,
                "--period",
                "2026-05",
                "-o",
                str(docx),
                "--number",
                "17",
                "--on",
                "2026-05-25",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert f"Đã ghi {docx}" in out and "Đưa vào thông báo" in out
    assert "Số: 17/TB-SKHCN" in lines_of(docx)

    # --charts needs the shell's chart maker: without it, a clear way out and nothing written
    charts = tmp_path / "tb-bieu-do.docx"
    args = [
        "--data-dir",
        data,
        "department",
        "summary",
        "--kind",
        MONTHLY,
        "--period",
        "2026-05",
        "-o",
        str(charts),
        "--charts",
        "--on",
        "2026-05-25",
    ]
    assert main(args) == 2
    assert "bỏ --charts" in capsys.readouterr().err and not charts.exists()
    made = Appendix("Biểu đồ", (Figure(png(), "Biểu đồ 1"),))
    assert main(args, chart_maker=lambda: lambda records, kind, period, today: made) == 0
    assert "1 biểu đồ ở phụ lục" in capsys.readouterr().out and "Phụ lục" in lines_of(charts)

    assert (
        main(
            [
                "--data-dir",
                data,
                "department",
                "table",
                "--kind",
                "don-doc-bao-cao",
                "--period",
                "2026-05",
                "-o",
                str(tmp_path / "x.xlsx"),
            ]
        )
        == 2
    )
    assert "là văn bản của Sở" in capsys.readouterr().err


@pytest.mark.office
@pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="needs LibreOffice (soffice) and poppler-utils (pdftotext) on PATH",
)
def test_libreoffice_prints_the_notice_on_a4_with_its_figures(intake, may, notice, tmp_path):
    draft = dataclasses.replace(notice, values={**notice.values, "solutions": ["đẩy nhanh giải ngân"]})
    path = sm.write_summary(intake.records, draft, tmp_path / "tb.docx", today=TODAY).path
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'lo'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    info = subprocess.run(["pdfinfo", str(tmp_path / "tb.pdf")], capture_output=True, text=True, check=True).stdout
    assert "A4" in info
    text = " ".join(
        subprocess.run(
            ["pdftotext", str(tmp_path / "tb.pdf"), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert "THÔNG BÁO" in text and "Số: 15/TB-SKHCN" in text and "Nguyễn Văn Bình" in text
    assert vn.format_amount(may.totals["budget_total"]) in text and "Một là, đẩy nhanh giải ngân." in text
