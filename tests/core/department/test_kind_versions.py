"""The department receives reports made with two versions of a kind (a kind package installed) and says which."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from kpdesk import draft as drafts
from kpdesk import kindpack
from kpdesk.cli import main
from kpdesk.deadlines import parse_period
from kpdesk.department.consolidate import consolidate
from kpdesk.department.intake import RECEIVED, REFUSED, receive
from kpdesk.department.records import Records
from kpdesk.kinds import get_kind, kind_for_period, kinds_of_data_dir, templates_dir
from kpdesk.render import render_to_file
from kpdesk.store import Store

from .conftest import MONTHLY, commune_draft, listed_units

JUNE = {"type": "month", "year": 2026, "month": 6}
JULY = {"type": "month", "year": 2026, "month": 7}


def version_2(root: Path) -> Path:
    """The monthly kind as the department changes it from July 2026: one new required figure."""
    folder = root / "v2" / MONTHLY
    shutil.copytree(templates_dir() / MONTHLY, folder)
    toml = (
        (folder / "kind.toml")
        .read_text(encoding="utf-8")
        .replace("version = 1\n", 'version = 2\napplies_from = "2026-07"\n', 1)
    )
    toml += (
        '\n[[sections]]\nid = "so_hoa"\ntitle = "Số hóa thủ tục"\n\n  [[sections.fields]]\n'
        '  id = "digital_count"\n  type = "int"\n  label = "Số thủ tục đã số hóa"\n  required = true\n'
        "\n[[upgrades]]\nfrom_version = 1\n"
    )
    (folder / "kind.toml").write_text(toml, encoding="utf-8")
    body = (folder / "body.j2").read_text(encoding="utf-8")
    count = "{% if v.digital_count is not none %}<p>Đã số hóa {{ v.digital_count | count }} thủ tục.</p>{% endif %}\n"
    (folder / "body.j2").write_text(
        body.replace("{% if v.closing %}", count + "{% if v.closing %}", 1), encoding="utf-8"
    )
    return folder


@pytest.fixture
def reports(tmp_path):
    """TH01's June report (version 1 of the kind) and July report (version 2), rendered where version 2 is
    installed; the data folder they were made in."""
    data = tmp_path / "data"
    with kinds_of_data_dir(data):
        kindpack.install_package(
            kindpack.pack(
                [version_2(tmp_path)], tmp_path / "mau.kpkind", "Sở Khoa học và Công nghệ tỉnh Thanh Hóa"
            ).path
        )
        assert kind_for_period(MONTHLY, parse_period("2026-07")).version == 2
        u = listed_units()[0]
        june = commune_draft("000", u.name, u.level, period=JUNE, date="2026-06-15")
        july = drafts.upgrade_draft(
            commune_draft("000", u.name, u.level, period=JULY, date="2026-07-15"), get_kind(MONTHLY, 2)
        )[0]
        july = drafts.Draft(**{**july.__dict__, "values": {**july.values, "digital_count": 14}})
        folder = tmp_path / "in"
        folder.mkdir()
        for name, draft in (("thang-6.docx", june), ("thang-7.docx", july)):
            render_to_file(draft, folder / name, allow_errors=True, today=dt.date(2026, 7, 20))
        yield data, folder


def test_reports_of_two_versions_of_a_kind_are_received_each_with_its_version(reports, tmp_path, capsys):
    data, folder = reports
    with kinds_of_data_dir(data):
        with Store.open(data) as store:
            Records(store).import_units(listed_units()[:2])
        assert (
            main(
                ["--data-dir", str(data), "department", "receive", str(folder), "--received-on", "2026-07-20", "--json"]
            )
            == 0
        )
        import json

        found = {Path(r["file"]).name: r for r in json.loads(capsys.readouterr().out)}
        assert {n: (r["outcome"], r["kind_version"]) for n, r in found.items()} == {
            "thang-6.docx": (RECEIVED, 1),
            "thang-7.docx": (RECEIVED, 2),
        }
        assert "mẫu phiên bản 2" in found["thang-7.docx"]["message"]
        with Store.open(data) as store:
            records = Records(store)
            (july,) = records.submissions(MONTHLY, parse_period("2026-07"))
            assert records.latest(july.id).kind_version == 2
            cons = consolidate(
                records,
                kind_for_period(MONTHLY, parse_period("2026-07")),
                parse_period("2026-07"),
                today=dt.date(2026, 7, 20),
            )
            assert cons.totals["digital_count"] == 14  # the new figure is added up from version 2's reports
        assert (
            main(["--data-dir", str(data), "department", "versions", "TH01", "--kind", MONTHLY, "--period", "2026-07"])
            == 0
        )
        assert "mẫu phiên bản 2" in capsys.readouterr().out


def test_a_report_of_a_version_this_pc_lacks_is_refused_with_the_way_out(reports, tmp_path):
    data, folder = reports
    with kinds_of_data_dir(tmp_path / "other"), Store.open(tmp_path / "other") as store:
        records = Records(store)
        records.import_units(listed_units()[:2])
        got = {r.path.name: r for r in receive(records, [folder], received_on=dt.date(2026, 7, 20))}
        assert got["thang-6.docx"].outcome == RECEIVED and got["thang-6.docx"].kind_version == 1
        assert got["thang-7.docx"].outcome == REFUSED and "cài gói mẫu báo cáo" in got["thang-7.docx"].message
        assert records.submissions(MONTHLY, parse_period("2026-07")) == []
