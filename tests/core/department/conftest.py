"""A realistic intake, built from the core: 42 communes of a province, their reports of May 2026 (monthly), the
first half of 2026 (half-year) and 2026 (annual), rendered through kpdesk, with the slips a department meets."""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
import subprocess
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kpdesk import draft as drafts
from kpdesk.department.records import Records
from kpdesk.department.unitlist import ListedUnit
from kpdesk.render import render_to_file
from kpdesk.store import DEPARTMENT, SignerProfile, Store, UnitProfile

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples"
MONTHLY, HALF, ANNUAL = "co-che-tai-chinh-thang", "quan-ly-khcn-6-thang", "ke-hoach-khcn-nam"
RECEIVED_ON = dt.date(2026, 5, 18)

NAMES = [
    "Thiệu Trung",
    "Thiệu Hóa",
    "Thiệu Toán",
    "Thiệu Tiến",
    "Thiệu Quang",
    "Thiệu Vận",
    "Đông Sơn",
    "Đông Tiến",
    "Đông Thanh",
    "Quảng Xương",
    "Quảng Ninh",
    "Quảng Yên",
    "Hoằng Hóa",
    "Hoằng Tiến",
    "Hoằng Lộc",
    "Hậu Lộc",
    "Triệu Sơn",
    "Thọ Xuân",
    "Yên Định",
    "Vĩnh Lộc",
    "Hà Trung",
    "Nga Sơn",
    "Nông Cống",
    "Như Thanh",
    "Thạch Thành",
    "Cẩm Thủy",
    "Ngọc Lặc",
    "Lang Chánh",
    "Bá Thước",
    "Quan Hóa",
    "Mường Lát",
    "Thường Xuân",
    "Như Xuân",
    "Tĩnh Gia",
    "Sầm Sơn",
    "Hạc Thành",
    "Bỉm Sơn",
    "Nghi Sơn",
    "Đông Quang",
    "Thiệu Long",
    "Quảng Phú",
    "Hòn Mê",
]
WARDS = {"Hạc Thành", "Bỉm Sơn", "Sầm Sơn", "Nghi Sơn"}


def listed_units() -> list[ListedUnit]:
    out = []
    for i, name in enumerate(NAMES, 1):
        level = "phường" if name in WARDS else "đặc khu" if name == "Hòn Mê" else "xã"
        out.append(ListedUnit(f"TH{i:02d}", name, level, email=f"ubnd{i:02d}@thanhhoa.gov.vn"))
    return out


def department_profile() -> UnitProfile:
    return UnitProfile(
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


def example(name: str) -> dict:
    return json.loads(next(EXAMPLES.glob(f"{name}-*.json")).read_text(encoding="utf-8"))


def commune_draft(
    base: str, name: str, level: str, *, period: dict, date: str | None, number: str | None = "07", **values: object
) -> drafts.Draft:
    """Example `base` as `name`'s report for `period`, dated `date`, with `values` changed (None removes)."""
    data = copy.deepcopy(example(base))
    data["unit"].update(name=name, level=level, place=name)
    data["period"], data["date"], data["number"] = period, date, number
    for key, value in values.items():
        if value is None:
            data["values"].pop(key, None)
        else:
            data["values"][key] = value
    return drafts.from_json(data)


MAY = {"type": "month", "year": 2026, "month": 5}
H1 = {"type": "half", "year": 2026, "half": 1}
YEAR = {"type": "year", "year": 2026}
FIXED_FUND = {"fund_status": "not_established", "fund_charter": "not_issued"}


@dataclass
class Intake:
    """The files received on 18/5/2026 (and later), where each came from, and the records they went into."""

    folder: Path
    store: Store
    records: Records
    files: dict[str, Path] = field(default_factory=dict)
    receipts: list = field(default_factory=list)


def _render(draft: drafts.Draft, path: Path) -> Path:
    render_to_file(draft, path, allow_errors=True, today=dt.date(2026, 5, 25))
    return path


def _edit_figure(src: Path, dst: Path, old: str, new: str) -> None:
    """Change a figure in document.xml by hand, as an officer does in Word after export (the data stays)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                text = data.decode("utf-8")
                assert old in text, old
                data = text.replace(old, new, 1).encode("utf-8")
            zout.writestr(item, data)


def _resave_with_libreoffice(src: Path, folder: Path) -> Path | None:
    soffice = shutil.which("soffice")
    if soffice is None:
        return None
    out = folder / "lo"
    out.mkdir(exist_ok=True)
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{folder / 'lo-profile'}",
            "--headless",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(out),
            str(src),
        ],
        capture_output=True,
        timeout=180,
        check=False,
    )
    made = out / src.name
    return made if made.exists() else None


def build_intake(folder: Path) -> Intake:
    """Render the reports into `folder/in` (and a few elsewhere), then receive them into a new store."""
    inbox = folder / "in"
    inbox.mkdir(parents=True)
    units = listed_units()
    files: dict[str, Path] = {}

    def add(key: str, draft: drafts.Draft, name: str | None = None) -> Path:
        files[key] = _render(draft, inbox / (name or f"{key}.docx"))
        return files[key]

    # Monthly report of May 2026 (due before 20/5/2026): 30 on time, 4 late, 2 with errors, edge cases after.
    for i, u in enumerate(units[:30]):
        add(
            f"on-time-{u.code}",
            commune_draft("000", u.name, u.level, period=MAY, date="2026-05-15", budget_total=(300 + i) * 1_000_000),
        )
    (folder / "late").mkdir()
    for u in units[30:34]:  # signed and received on 22/5: three days late
        files[f"late-{u.code}"] = _render(
            commune_draft("000", u.name, u.level, period=MAY, date="2026-05-22"),
            folder / "late" / f"late-{u.code}.docx",
        )
    for u in units[34:36]:
        add(f"errors-{u.code}", commune_draft("001", u.name, u.level, period=MAY, date="2026-05-14"))
    # units[36]: sends the same file twice; units[37]: v1 with errors, then a corrected v2 (received later)
    add("twice", commune_draft("000", units[36].name, units[36].level, period=MAY, date="2026-05-12"))
    shutil.copy(files["twice"], folder / "twice-again.docx")
    files["twice-again"] = folder / "twice-again.docx"
    add("v1", commune_draft("001", units[37].name, units[37].level, period=MAY, date="2026-05-13"))
    files["v2"] = _render(
        commune_draft("001", units[37].name, units[37].level, period=MAY, date="2026-05-19", **FIXED_FUND),
        folder / "v2.docx",
    )
    # units[38]: an edited figure; units[39]: re-saved by LibreOffice (not edited)
    edited = commune_draft(
        "000", units[38].name, units[38].level, period=MAY, date="2026-05-15", budget_total=352_000_000
    )
    plain = _render(edited, folder / "edited-source.docx")
    _edit_figure(plain, inbox / "edited.docx", "352 triệu đồng", "452 triệu đồng")
    files["edited"] = inbox / "edited.docx"
    (folder / "resave").mkdir()
    source = _render(
        commune_draft("000", units[39].name, units[39].level, period=MAY, date="2026-05-16"),
        folder / "resave" / "resaved.docx",
    )
    resaved = _resave_with_libreoffice(source, folder)
    if resaved is not None:
        shutil.copy(resaved, inbox / "resaved.docx")
        files["resaved"] = inbox / "resaved.docx"
    # a sender typed with a slip ("Thiệu Trong" for units[0]'s neighbour list): not on the list
    add("unlisted", commune_draft("000", "Thiệu Trong", "xã", period=MAY, date="2026-05-15"))
    # units[40], units[41]: nothing. A report typed in Word by hand, a broken file, a department letter.
    import docx

    document = docx.Document()
    document.add_paragraph("ỦY BAN NHÂN DÂN XÃ QUẢNG PHÚ — BÁO CÁO THÁNG 5/2026 (gõ tay trong Word)")
    document.save(inbox / "typed-in-word.docx")
    files["typed"] = inbox / "typed-in-word.docx"
    (inbox / "broken.docx").write_bytes(b"PK\x03\x04 this is not a whole zip")
    files["broken"] = inbox / "broken.docx"
    (inbox / "~$lock-file.docx").write_bytes(b"lock")
    # Half-year 2026 H1 (three units, received in July) and annual 2026 (two units, received in December)
    (folder / "half").mkdir()
    (folder / "annual").mkdir()
    for u in units[:3]:
        files[f"half-{u.code}"] = _render(
            commune_draft("002", u.name, u.level, period=H1, date="2026-07-10"), folder / "half" / f"half-{u.code}.docx"
        )
    for u in units[:2]:
        files[f"annual-{u.code}"] = _render(
            commune_draft("004", u.name, u.level, period=YEAR, date="2026-12-10"),
            folder / "annual" / f"annual-{u.code}.docx",
        )

    store = Store.open(folder / "data")
    records = Records(store)
    records.import_units(units, who="Văn thư")
    store.save_unit(department_profile())
    intake = Intake(folder, store, records, files)
    intake.receipts = _receive(intake, [inbox], RECEIVED_ON)
    intake.receipts += _receive(intake, [files["twice-again"]], RECEIVED_ON)
    intake.receipts += _receive(intake, [folder / "late"], dt.date(2026, 5, 22))
    intake.receipts += _receive(intake, [files["v2"]], dt.date(2026, 5, 21))
    records.set_deadline(HALF, drafts.Period("half", 2026, half=1), dt.date(2026, 7, 15), who="Văn thư")
    intake.receipts += _receive(intake, [folder / "half"], dt.date(2026, 7, 12))
    intake.receipts += _receive(intake, [folder / "annual"], dt.date(2026, 12, 12))
    return intake


def _receive(intake: Intake, paths: list[Path], on: dt.date) -> list:
    from kpdesk.department.intake import receive

    return receive(intake.records, paths, received_on=on, who="Văn thư")


@pytest.fixture
def make_draft():
    """`commune_draft`: an example as another unit's report for another period."""
    return commune_draft


@pytest.fixture(scope="module")
def intake(tmp_path_factory) -> Intake:
    made = build_intake(tmp_path_factory.mktemp("intake"))
    yield made
    made.store.close()
