"""The department's consolidation for a province of 200 units: the workbook (goal < 1 s), the summary notice's draft
(goal < 200 ms) and each chart drawn (goal < 100 ms per chart).

The data: `province()` stores, straight into the department's records (no .docx, as intake would leave them), the
monthly reports of 200 units for January to May, with allocations, cumulative disbursements, funds, difficulties and
proposals written with the slips people make. Floors, measured in the same run:
- workbook: XlsxWriter writing a sheet of the same number of cells (200 rows × the kind's columns) with no formats,
  formulas or charts: the cheapest way to make an .xlsx of that size;
- summary: `Records.versions_for` reading the period's versions from the database, which any consolidation does;
- charts: QPainter filling the same image with 200 rectangles and 200 labels (the status chart draws that much).
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import io
import json
import random
import tempfile
from pathlib import Path
from typing import Any

from bench import EXAMPLES_DIR, Config, Result, interleaved, skipped, timing

AREA = "department"
KIND = "co-che-tai-chinh-thang"
UNITS = 200
GOALS = {"workbook": 1.0, "summary": 0.2, "chart": 0.1}

_FIRST = [
    "Thiệu",
    "Đông",
    "Quảng",
    "Hoằng",
    "Hà",
    "Nga",
    "Yên",
    "Vĩnh",
    "Thọ",
    "Triệu",
    "Nông",
    "Như",
    "Cẩm",
    "Ngọc",
    "Thạch",
    "Hậu",
    "Tân",
    "Xuân",
    "Minh",
    "Hải",
]
_SECOND = [
    "Trung",
    "Hóa",
    "Toán",
    "Tiến",
    "Quang",
    "Vận",
    "Sơn",
    "Thanh",
    "Xương",
    "Ninh",
    "Yên",
    "Lộc",
    "Định",
    "Thành",
    "Lợi",
    "Phú",
    "Hưng",
    "Long",
    "An",
    "Bình",
]
#: What communes write about their difficulties and proposals, each with the slips of real typing.
DIFFICULTIES = [
    [
        "Chưa thành lập Quỹ phát triển khoa học và công nghệ của xã",
        "chưa thành lập quỹ phát triển khoa học và công nghệ của xã;",
        "Chưa thành lập Quỹ phát triển khoa hoc và công nghệ của xã.",
    ],
    ["Kinh phí bố trí cho khoa học, công nghệ còn hạn chế", "Kinh phí bố trí cho khoa học, công nghệ còn hạn chế."],
    [
        "Cán bộ phụ trách chủ yếu kiêm nhiệm, chưa được đào tạo chuyên sâu",
        "Cán bộ phụ trách chủ yếu kiêm nhiệm, chưa được đào tạo chuyên sâu;",
    ],
    ["Hạ tầng công nghệ thông tin của xã còn thiếu và lạc hậu"],
    ["Hướng dẫn về cơ chế tài chính cho cấp xã chưa cụ thể"],
]
PROPOSALS = [
    [
        "Đề nghị Sở tổ chức tập huấn về quản lý kinh phí khoa học, công nghệ cho cấp xã",
        "Đề nghị Sở tổ chức tập huấn về quản lý kinh phí khoa học, công nghệ cho cấp xã.",
    ],
    [
        "Đề nghị tỉnh bố trí kinh phí riêng cho chuyển đổi số cấp xã",
        "đề nghị tỉnh bố trí kinh phí riêng cho chuyển đổi số cấp xã",
    ],
    ["Đề nghị ban hành hướng dẫn thành lập Quỹ phát triển khoa học và công nghệ cấp xã"],
]


def unit_names(count: int) -> list[tuple[str, str, str]]:
    """`count` units as (code, name, level): names made of common commune words, the first five of ten wards."""
    out = []
    for i in range(count):
        name = f"{_FIRST[i % len(_FIRST)]} {_SECOND[(i // len(_FIRST)) % len(_SECOND)]}"
        if i >= len(_FIRST) * len(_SECOND):
            name += f" {i // (len(_FIRST) * len(_SECOND)) + 1}"
        out.append((f"DV{i + 1:03d}", name, "phường" if i % 10 < 1 else "xã"))
    return out


def province(folder: Path, *, units: int = UNITS, months: int = 5, year: int = 2026, seed: int = 15) -> Any:
    """A department's store in `folder` with `units` units and their monthly reports of January to `months`:
    about one in twenty units has not sent a month, one in eight sent late, and one sent a corrected version 2.
    Returns the store (open; close it)."""
    from kpdesk import draft as drafts
    from kpdesk.department.records import Records
    from kpdesk.department.unitlist import ListedUnit
    from kpdesk.store import DEPARTMENT, SignerProfile, Store, UnitProfile

    rng = random.Random(seed)
    store = Store.open(folder)
    records = Records(store)
    listed = [ListedUnit(code, name, level) for code, name, level in unit_names(units)]
    records.import_units(listed, who="bench")
    store.save_unit(
        UnitProfile(
            name="Sở Khoa học và Công nghệ",
            level="",
            province="Thanh Hóa",
            superior="UBND TỈNH THANH HÓA",
            agency=("SỞ KHOA HỌC", "VÀ CÔNG NGHỆ"),
            place="Thanh Hóa",
            office_symbol="QLKH",
            agency_symbol="SKHCN",
            signers=(SignerProfile("Nguyễn Văn Bình", "PHÓ GIÁM ĐỐC", ("KT. GIÁM ĐỐC",), True),),
            default_recipients=("Như trên", "Lãnh đạo Sở (để b/c)", "Lưu: VT, QLKH"),
            role=DEPARTMENT,
        )
    )
    base = json.loads(next(EXAMPLES_DIR.glob("000-*.json")).read_text(encoding="utf-8"))
    listed = records.units()
    plan = []
    for u in listed:
        budget = rng.randrange(200, 3200) * 1_000_000 + rng.choice((0, 0, 0, 500_000, 250_000))
        pace = rng.uniform(0.02, 0.12)  # the share of the allocation disbursed each month
        fund = rng.random() < 0.2
        difficulties = [rng.choice(group) for group in rng.sample(DIFFICULTIES, rng.randrange(0, 4))]
        proposals = [rng.choice(group) for group in rng.sample(PROPOSALS, rng.randrange(0, 3))]
        plan.append((u, budget, pace, fund, difficulties, proposals))
    for month in range(1, months + 1):
        for i, (u, budget, pace, fund, difficulties, proposals) in enumerate(plan):
            if rng.random() < 0.05:
                continue  # not sent
            late = rng.random() < 0.12
            sent = dt.date(year, month, rng.randrange(20, 28) if late else rng.randrange(5, 19))
            data = copy.deepcopy(base)
            data["unit"].update(name=u.name, level=u.level, place=u.name)
            data["period"] = {"type": "month", "year": year, "month": month}
            data["date"], data["number"] = sent.isoformat(), f"{month:02d}"
            values = data["values"]
            values.update(
                budget_total=budget,
                budget_year=year,
                disbursed=min(budget, int(budget * pace * month) // 100_000 * 100_000),
                fund_status="established" if fund else "not_established",
                fund_charter="issued" if fund and i % 2 else "not_issued",
                difficulties=difficulties or None,
                proposals=proposals or ["Không có kiến nghị"],
            )
            if fund:
                values["fund_start_year"] = 2020 + i % 6
            draft = drafts.from_json({**data, "values": {k: v for k, v in values.items() if v is not None}})
            payload = hashlib.sha256(json.dumps(drafts.to_json(draft), sort_keys=True).encode()).hexdigest()
            records.add_version(
                draft,
                unit=u,
                file_name=f"{u.code}-T{month:02d}.docx",
                file_sha256=payload,
                payload_sha256=payload,
                source="bench",
                received_on=sent,
                problems=(),
            )
            if i == 0 and month == months:  # a corrected version 2 of the last month
                fixed = draft.with_values(disbursed=draft.values["disbursed"] + 1_000_000)
                again = hashlib.sha256(payload.encode() + b"v2").hexdigest()
                records.add_version(
                    fixed,
                    unit=u,
                    file_name=f"{u.code}-T{month:02d}-v2.docx",
                    file_sha256=again,
                    payload_sha256=again,
                    source="bench",
                    received_on=sent,
                    problems=(),
                )
    return store


def run(config: Config) -> list[Result]:
    from kpdesk.deadlines import parse_period
    from kpdesk.department.consolidate import consolidate, cumulative_chart, themes_of
    from kpdesk.department.records import Records
    from kpdesk.department.summary import summary_draft
    from kpdesk.department.workbook import workbook_bytes
    from kpdesk.kinds import get_kind

    units = 20 if config.mode == "smoke" else UNITS
    repeat = max(1, config.repeat // 3) if config.mode != "smoke" else 1
    kind = get_kind(KIND)
    period = parse_period("2026-05")
    today = dt.date(2026, 5, 28)
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="kpdesk-bench-department-") as tmp:
        store = province(Path(tmp) / "data", units=units)
        try:
            records = Records(store)
            columns = sum(len(t.columns) for t in themes_of(kind))

            def workbook() -> None:
                workbook_bytes(
                    consolidate(records, kind, period, today=today),
                    cumulative_chart(records, kind, period, today=today),
                )

            def workbook_floor() -> None:
                import xlsxwriter

                book = xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True})
                sheet = book.add_worksheet()
                for r in range(units):
                    for c in range(columns + 4):
                        sheet.write_number(r, c, r * c)
                book.close()

            def summary() -> None:
                summary_draft(records, kind, period, today=today)

            def summary_floor() -> None:
                records.versions_for(kind.id, period)

            samples = interleaved({"subject": workbook, "floor": workbook_floor}, warmup=1, repeat=repeat)
            results.append(
                timing(
                    f"department workbook, {units} units",
                    AREA,
                    samples["subject"],
                    f"XlsxWriter {units}x{columns + 4} plain numbers",
                    samples["floor"],
                    goal="< 1 s for 200 units",
                    met=lambda med, p95, ratio: med < GOALS["workbook"] * units / UNITS,
                    note="consolidation + cumulative months + .xlsx bytes (status, themes, charts, data)",
                )
            )
            samples = interleaved({"subject": summary, "floor": summary_floor}, warmup=1, repeat=repeat)
            results.append(
                timing(
                    f"department summary draft, {units} units",
                    AREA,
                    samples["subject"],
                    "Records.versions_for (read the period)",
                    samples["floor"],
                    goal="< 200 ms for 200 units",
                    met=lambda med, p95, ratio: med < GOALS["summary"] * units / UNITS,
                )
            )
            results += _charts(records, kind, period, today, units, repeat)
        finally:
            store.close()
    return results


def _charts(records: Any, kind: Any, period: Any, today: dt.date, units: int, repeat: int) -> list[Result]:
    try:
        from PySide6.QtCore import QRectF, Qt
        from PySide6.QtGui import QColor, QImage, QPainter

        from ui.department import charts
    except ImportError as exc:
        return [skipped("department chart drawn", AREA, f"Qt not available: {exc}", goal="< 100 ms per chart")]
    charts.ensure_app()
    data = charts.ChartData.load(records, kind, period, today=today)
    size = charts.PNG_SIZE

    def floor() -> None:
        image = QImage(size[0], size[1], QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(QColor("white"))
        painter = QPainter(image)
        for i in range(units):
            painter.fillRect(QRectF(i * 5 % size[0], i * 3 % size[1], 4, 20), QColor("#4F81BD"))
            painter.drawText(QRectF(i * 7 % size[0], i * 5 % size[1], 80, 14), Qt.AlignmentFlag.AlignLeft, f"Xã {i}")
        painter.end()

    out = []
    for chart in data.charts():
        samples = interleaved(
            {"subject": lambda chart=chart: charts.paint_image(chart, size), "floor": floor}, warmup=1, repeat=repeat
        )
        out.append(
            timing(
                f"department chart drawn: {chart.key}",
                AREA,
                samples["subject"],
                f"QPainter {units} rectangles + labels",
                samples["floor"],
                goal="< 100 ms per chart",
                met=lambda med, p95, ratio: med < GOALS["chart"],
                note=f"{size[0]}x{size[1]} px, {units} units",
            )
        )
    return out
