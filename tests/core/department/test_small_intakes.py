"""Small intakes into a fresh department store: the unit list imported after the reports, versions sent out of
order, periods that do not fit a kind, deadlines nobody set."""

from __future__ import annotations

import datetime as dt

import pytest

from kpdesk.cli import main
from kpdesk.deadlines import parse_period
from kpdesk.department.records import Records
from kpdesk.department.status import status
from kpdesk.kinds import get_kind
from kpdesk.render import render_to_file
from kpdesk.store import Store

from .conftest import MAY, MONTHLY, commune_draft, listed_units

MAY_KEY = parse_period("2026-05")


def _render(draft, path):
    return render_to_file(draft, path, allow_errors=True, today=dt.date(2026, 5, 25)).path


@pytest.fixture
def inbox(tmp_path):
    """The May reports of TH37, TH38 and TH39 (as named on the list), and one with a typing slip."""
    folder = tmp_path / "in"
    folder.mkdir()
    units = listed_units()
    for u in units[36:39]:
        _render(commune_draft("000", u.name, u.level, period=MAY, date="2026-05-15"), folder / f"{u.code}.docx")
    _render(commune_draft("000", "Thiệu Trong", "xã", period=MAY, date="2026-05-15"), folder / "slip.docx")
    return folder


def _unit_csv(path, units):
    path.write_text("Mã,Tên,Cấp\n" + "".join(f"{u.code},{u.name},{u.level}\n" for u in units), encoding="utf-8")
    return path


def test_importing_the_unit_list_after_the_reports_matches_them(inbox, tmp_path, capsys):
    data = str(tmp_path / "data")
    assert main(["--data-dir", data, "department", "receive", str(inbox), "--received-on", "2026-05-18"]) == 0
    capsys.readouterr()
    units = listed_units()
    csv = _unit_csv(tmp_path / "units.csv", [units[0], *units[36:39]])
    assert main(["--data-dir", data, "department", "units", "import", str(csv), "--by", "Lê Thị Hoa"]) == 0
    out = capsys.readouterr().out
    assert "ghép được 3 báo cáo đã nhận" in out
    with Store.open(tmp_path / "data") as store:
        records = Records(store)
        found = status(records, get_kind(MONTHLY), MAY_KEY, dt.date(2026, 5, 25))
        assert found.sent == 3 and found.expected == 4
        assert [r.sender for r in found.unlisted] == ["xã Thiệu Trong"]  # a near match stays for hand matching
        matched = [e for e in records.log() if e.action == "matched"]
        assert len(matched) == 3 and {e.who for e in matched} == {"Lê Thị Hoa"}
        assert all("khi nhập danh sách đơn vị" in e.text for e in matched)
        # importing the same list again matches nothing more and says so
        again = records.import_units(units[36:39], who="Lê Thị Hoa")
        assert again.matched == 0 and "ghép" not in again.text


def test_a_unit_added_by_hand_matches_a_report_received_before(inbox, tmp_path):
    from kpdesk.department.intake import receive

    with Store.open(tmp_path / "data") as store:
        records = Records(store)
        receive(records, [inbox / "TH38.docx"], received_on=dt.date(2026, 5, 18))
        units = listed_units()
        records.import_units(units[:2])
        result = records.import_units([units[37]], who="Văn thư")  # the window's «Thêm đơn vị» goes this way too
        assert result.matched == 1 and result.added == 1
        (sub,) = records.submissions(MONTHLY, MAY_KEY)
        assert sub.unit_id == records.find_unit("TH38").id

