"""The department's charts: drawn from the core's data with Vietnamese labels and numbers, saved as PNG, in a panel
at 1366×768, in the notice's appendix; and the functions the window's consolidation buttons call."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import QRectF

from bench.department import province
from kpdesk import draft as drafts
from kpdesk import vn
from kpdesk.deadlines import parse_period
from kpdesk.department.consolidate import consolidate
from kpdesk.department.records import Records
from kpdesk.department.status import status
from kpdesk.department.summary import SUMMARY_KIND
from kpdesk.kinds import get_kind
from kpdesk.render.frame import png_size
from kpdesk.render.plain import docx_text_lines
from kpdesk.store import Store
from ui.department import charts, consolidation

MONTHLY = "co-che-tai-chinh-thang"
MARCH = parse_period("2026-03")
TODAY = dt.date(2026, 3, 28)


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    """24 units' monthly reports of January to March (some late, some missing, one corrected)."""
    store = province(tmp_path_factory.mktemp("province") / "data", units=24, months=3)
    yield Records(store)
    store.close()


@pytest.fixture(scope="module")
def data(records, qapp):
    return charts.ChartData.load(records, get_kind(MONTHLY), MARCH, today=TODAY)


def test_each_chart_is_drawn_from_the_core_data_with_vietnamese_numbers(records, data):
    found = {chart.key: chart for chart in data.charts()}
    assert list(found) == ["status", "rate:disbursed_pct", "cumulative", "options"]
    for chart in found.values():
        png = charts.png_bytes(chart)
        assert png_size(png) == chart.png_size()
        assert chart.texts and all(t == t.strip() for t in chart.texts if t)

    st = status(records, get_kind(MONTHLY), MARCH, TODAY)
    texts = found["status"].texts
    assert f"T03/2026: {st.sent}/{st.expected} đơn vị đã gửi, {st.late} gửi muộn, {len(st.missing)} chưa gửi" in texts
    assert {"Đúng hạn", "Gửi muộn", "Chưa gửi"} <= set(texts)  # the legend names every colour
    assert [p.label for p in data.status.points] == ["T01/2026", "T02/2026", "T03/2026"]  # nothing before January
    assert any(t.startswith("muộn ") and t.endswith(" ngày") for t in texts)

    cons = consolidate(records, get_kind(MONTHLY), MARCH, today=TODAY)
    [rate] = data.rates
    texts = found["rate:disbursed_pct"].texts
    assert (
        f"Chung: {vn.format_percent(cons.totals['disbursed_pct'])} ({len(rate.pairs)} đơn vị có đủ số liệu" in texts[1]
    )
    for pair in rate.top(10) + rate.bottom(10):
        assert pair.name in texts and vn.format_percent(pair.rate) in texts
    assert "1.000" in texts  # the axis in triệu đồng, thousands with a dot

    texts = found["cumulative"].texts
    assert {"T1", "T2", "T3"} <= set(texts)
    march = data.cumulative.points[-1]
    assert f"{march.reporting}/{march.expected}" in texts

    funds = cons.totals["fund_status"]
    assert f"Đã thành lập {funds['established']}" in found["options"].texts


def test_a_kind_without_rates_and_a_period_without_reports_still_draw(records, qapp):
    half = charts.ChartData.load(records, get_kind("quan-ly-khcn-6-thang"), parse_period("2026-H1"), today=TODAY)
    keys = [c.key for c in half.charts()]
    assert keys == ["status", "options"]  # no rate, no months: the half-year report has neither
    empty = charts.ChartData.load(records, get_kind(MONTHLY), parse_period("2026-06"), today=TODAY)
    by_key = {c.key: c for c in empty.charts()}
    charts.paint_image(by_key["rate:disbursed_pct"])
    assert "Chưa có đơn vị nào ghi đủ hai số để tính tỷ lệ." in by_key["rate:disbursed_pct"].texts
    charts.paint_image(by_key["status"])
    assert "Tình hình gửi báo cáo BC-KHCN" in by_key["status"].texts


def test_the_panel_at_1366_by_768_shows_each_chart_in_a_tab_and_saves_png(records, qtbot, answers, tmp_path):
    panel = charts.ChartsPanel(records, get_kind(MONTHLY), MARCH, today=TODAY)
    qtbot.addWidget(panel)
    panel.resize(1366, 640)  # the window's «Biểu đồ» tab at 1366×768, under its title and tabs
    panel.show()
    qtbot.waitExposed(panel)
    assert [panel.tabs.tabText(i) for i in range(panel.tabs.count())] == [
        "Tình hình gửi",
        "Tỷ lệ giải ngân",
        "Lũy kế theo tháng",
        "Lựa chọn",
    ]
    for i, view in enumerate(panel.views):
        panel.tabs.setCurrentIndex(i)
        image = view.grab().toImage()
        assert image.width() >= 1300 and image.height() >= 500
        colours = {image.pixel(x, y) for x in range(0, image.width(), 23) for y in range(0, image.height(), 17)}
        assert len(colours) > 5, view.chart.key  # drawn, not blank
        assert view.chart.texts and view.accessibleDescription()
    chart = panel.views[0].chart
    answers.save_to = tmp_path / "tinh-hinh"
    saved = panel.save_png(chart)
    assert saved == tmp_path / "tinh-hinh.png" and png_size(saved.read_bytes()) == charts.PNG_SIZE
    assert any(a.startswith("save: ") and a.endswith("T03-2026.png") for a in answers.asked)
    answers.save_to = None
    assert panel.save_png(chart) is None
    panel.show_period(get_kind("quan-ly-khcn-6-thang"), parse_period("2026-H1"))
    assert panel.tabs.count() == 2


def test_a_chart_draws_in_any_rectangle_of_a_painter(data, qapp):
    from PySide6.QtGui import QImage, QPainter

    image = QImage(800, 450, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    for chart in data.charts():
        chart.draw(painter, QRectF(0, 0, 800, 450))
        assert chart.texts
    painter.end()
    assert charts.nice_scale(187) == (200, 50) and charts.nice_scale(0.7) == (0.8, 0.2)


def test_the_notice_gets_the_charts_as_its_appendix(records, qapp):
    appendix = charts.chart_appendix(records, get_kind(MONTHLY), MARCH, TODAY)
    assert appendix.title == "Biểu đồ tổng hợp báo cáo tháng 3 năm 2026"
    assert [f.caption for f in appendix.figures] == [
        "Biểu đồ 1. Tình hình gửi báo cáo tháng 3 năm 2026",
        "Biểu đồ 2. Tỷ lệ giải ngân theo đơn vị",
        "Biểu đồ 3. Kinh phí đã giải ngân tính đến thời điểm báo cáo lũy kế theo tháng năm 2026",
        "Biểu đồ 4. Số đơn vị theo quỹ phát triển KH&CN của địa phương, quy chế tổ chức và điều lệ hoạt động của Quỹ",
    ]
    assert all(f.png.startswith(b"\x89PNG") for f in appendix.figures)


# ----------------------------------------------------------------------------- the window's buttons


def test_export_workbook_asks_where_writes_and_offers_to_open(records, answers, tmp_path, qapp):
    answers.save_to = tmp_path / "bieu"
    answers.choice = 0  # «Mở tệp»
    path = consolidation.export_workbook(None, records, get_kind(MONTHLY), MARCH, folder=tmp_path, today=TODAY)
    assert path == tmp_path / "bieu.xlsx" and zipfile.is_zipfile(path) and answers.opened == [path]
    assert f"save: {tmp_path / 'bieu-tong-hop-BC-KHCN-2026-03.xlsx'}" in answers.asked
    answers.save_to = None
    assert consolidation.export_workbook(None, records, get_kind(MONTHLY), MARCH, today=TODAY) is None


def test_the_notice_is_started_for_the_wizard_and_exported_with_its_charts(records, answers, tmp_path, qapp):
    draft_id = consolidation.start_summary(None, records, get_kind(MONTHLY), MARCH, today=TODAY)
    assert draft_id is not None and records.store.load(draft_id).draft.kind == SUMMARY_KIND
    answers.save_to = tmp_path / "thong-bao.docx"
    answers.choice = 1  # «Đóng»
    path = consolidation.export_summary(None, records, draft_id, today=TODAY)
    assert path == tmp_path / "thong-bao.docx" and answers.opened == []
    with zipfile.ZipFile(path) as zf:
        assert len([n for n in zf.namelist() if n.startswith("word/media/")]) == 4
    lines = [x.strip() for x in docx_text_lines(path)]
    assert "THÔNG BÁO" in lines and "Phụ lục" in lines
    assert records.store.info(draft_id).status == "exported"
    answers.save_to = tmp_path / "khong-bieu-do.docx"
    plain = consolidation.export_summary(None, records, draft_id, charts=False, today=TODAY)
    assert "Phụ lục" not in [x.strip() for x in docx_text_lines(plain)]


def test_refusals_are_shown_and_nothing_is_made(records, answers, tmp_path, qapp):
    assert consolidation.start_summary(None, records, get_kind(MONTHLY), parse_period("2026-09"), today=TODAY) is None
    assert any("error: Chưa tạo được thông báo tổng hợp." in a and "Chưa nhận báo cáo" in a for a in answers.asked)
    with Store.open(tmp_path / "so-moi") as store:
        assert consolidation.start_summary(None, Records(store), get_kind(MONTHLY), MARCH, today=TODAY) is None
    assert any("Chưa có thông tin của Sở" in a for a in answers.asked)
    letter = drafts.load(Path(__file__).resolve().parents[3] / "examples" / "100-so-khcn-tra-lai-bao-cao.json")
    other = records.store.add_draft(letter, records.store.department().id)
    answers.save_to = tmp_path / "x.docx"
    assert consolidation.export_summary(None, records, other, today=TODAY) is None
    assert any("không phải thông báo tổng hợp" in a for a in answers.asked)
    assert not list(tmp_path.glob("*.docx"))
