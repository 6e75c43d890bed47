"""Receiving a province's reports: every outcome, state, count, version, flag and refusal of a realistic intake."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest

from kpdesk.deadlines import parse_period
from kpdesk.department import status as st
from kpdesk.department.intake import DUPLICATE, NEW_VERSION, NOT_KPDESK, RECEIVED, REFUSED, receive
from kpdesk.department.records import ACCEPTED, RETURNED
from kpdesk.department.status import matrix, status
from kpdesk.kinds import get_kind

MONTHLY, HALF, ANNUAL = "co-che-tai-chinh-thang", "quan-ly-khcn-6-thang", "ke-hoach-khcn-nam"
MAY = parse_period("2026-05")
JUNE = {"type": "month", "year": 2026, "month": 6}
MAY_JSON = {"type": "month", "year": 2026, "month": 5}
FIXED_FUND = {"fund_status": "not_established", "fund_charter": "not_issued"}


def outcome(intake, name: str):
    found = [r for r in intake.receipts if r.path.name == name]
    assert len(found) == 1, [r.line for r in intake.receipts]
    return found[0]


def test_every_file_has_one_outcome_line_and_lock_files_are_skipped(intake):
    names = [r.path.name for r in intake.receipts]
    assert "~$lock-file.docx" not in names and len(names) == len(set(names))
    counts = {
        o: sum(r.outcome == o for r in intake.receipts) for o in (RECEIVED, NEW_VERSION, DUPLICATE, NOT_KPDESK, REFUSED)
    }
    resaved = 1 if "resaved" in intake.files else 0
    # monthly: 30 on time + 4 late + 2 with errors + twice + v1 + edited + resaved + unlisted; half 3; annual 2
    assert counts == {RECEIVED: 40 + resaved + 5, NEW_VERSION: 1, DUPLICATE: 1, NOT_KPDESK: 1, REFUSED: 1}
    assert all(r.line.startswith(f"{r.path.name}: ") for r in intake.receipts)


def test_a_second_copy_of_a_file_is_a_duplicate_and_stores_nothing(intake):
    r = outcome(intake, "twice-again.docx")
    assert r.outcome == DUPLICATE and "đã nhận trước đây: bản 1" in r.message
    assert len(intake.records.versions(r.submission.id)) == 1


def test_the_same_report_in_another_file_is_a_duplicate_too(intake, tmp_path):
    copy = tmp_path / "gui-lai.docx"
    source = intake.files["on-time-TH05"]
    # same draft inside, different file bytes: a new zip of the same parts
    import zipfile

    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(copy, "w", zipfile.ZIP_STORED) as zout:
        for item in zin.infolist():
            zout.writestr(item.filename, zin.read(item.filename))
    (r,) = receive(intake.records, [copy], received_on=dt.date(2026, 5, 19))
    assert r.outcome == DUPLICATE and "cùng nội dung với bản 1" in r.message


def test_a_corrected_report_becomes_version_2_and_both_are_kept(intake):
    v2 = outcome(intake, "v2.docx")
    assert v2.outcome == NEW_VERSION and v2.version == 2 and v2.errors == 0
    versions = intake.records.versions(v2.submission.id)
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].errors == 2 and versions[1].errors == 0
    assert versions[0].draft.values.get("fund_status") is None
    assert versions[1].draft.values["fund_status"] == "not_established"


def test_a_figure_changed_in_word_after_export_is_flagged_with_both_values(intake):
    r = outcome(intake, "edited.docx")
    assert r.outcome == RECEIVED and [(d.expected, d.found) for d in r.edited] == [("352 triệu đồng", "452 triệu đồng")]
    version = intake.records.latest(r.submission.id)
    assert version.edited[0]["found"] == "452 triệu đồng"
    row = next(
        x
        for x in status(intake.records, get_kind(MONTHLY), MAY, dt.date(2026, 5, 25)).rows
        if x.summary and x.summary.report_id == r.submission.id
    )
    assert row.to_json()["edited_after_export"] is True and "văn bản đã bị sửa sau khi xuất" in row.flags


def test_a_figure_changed_in_the_data_inside_the_file_is_flagged_even_with_its_hashes_redone(intake, tmp_path):
    """The page says 352 triệu; the embedded draft was edited to 999 triệu and its own sha256 recomputed, the text
    digest kept: the digest covers the data too, so the page is compared with the data and the mismatch flagged."""
    import zipfile

    from kpdesk.render.payload import payload_xml, read_embedded

    source = intake.files["edited"].parent.parent / "edited-source.docx"  # as exported, before Word touched it
    embedded = read_embedded(source)
    assert embedded is not None and '"budget_total": 352000000' in embedded.json
    forged = tmp_path / "sua-du-lieu.docx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(forged, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "customXml/kpdesk-draft.xml":
                data = payload_xml(
                    embedded.json.replace('"budget_total": 352000000', '"budget_total": 999000000'),
                    embedded.text_sha256,
                )
            zout.writestr(item, data)
    (r,) = receive(intake.records, [forged], received_on=dt.date(2026, 5, 19))
    assert r.outcome in (RECEIVED, NEW_VERSION)
    assert [(d.expected, d.found) for d in r.edited] == [("999 triệu đồng", "352 triệu đồng")]


@pytest.mark.office
def test_a_file_resaved_by_libreoffice_is_received_and_not_flagged(intake):
    if "resaved" not in intake.files:
        pytest.skip("needs LibreOffice (soffice) to re-save a report")
    r = outcome(intake, "resaved.docx")
    assert r.outcome == RECEIVED and r.edited == () and r.errors == 0


def test_a_report_typed_in_word_waits_to_be_entered_by_hand(intake):
    r = outcome(intake, "typed-in-word.docx")
    assert r.outcome == NOT_KPDESK and "chờ nhập tay" in r.message
    (waiting,) = intake.records.files()
    assert waiting.file_name == "typed-in-word.docx" and waiting.version_id is None


def test_a_broken_file_is_refused_in_vietnamese_and_nothing_is_stored(intake):
    r = outcome(intake, "broken.docx")
    assert r.outcome == REFUSED and "tệp hỏng" in r.message and r.submission is None
    with intake.store.read() as c:
        assert c.execute("SELECT COUNT(*) FROM dept_versions WHERE file_name = 'broken.docx'").fetchone() == (0,)


def test_a_sender_not_on_the_list_is_received_flagged_and_offered_the_closest_names(intake):
    r = outcome(intake, "unlisted.docx")
    assert r.outcome == RECEIVED and r.unlisted and r.submission.unit_id is None
    assert "«xã Thiệu Trong» không có trong danh sách" in r.message and "có phải xã Thiệu Trung" in r.message
    found = status(intake.records, get_kind(MONTHLY), MAY, dt.date(2026, 5, 25))
    assert [row.sender for row in found.unlisted] == ["xã Thiệu Trong"]


def test_the_next_step_is_said_as_a_command_on_the_command_line_and_as_a_button_in_the_window(intake):
    unlisted = outcome(intake, "unlisted.docx")
    assert unlisted.line.endswith(
        f"xã Thiệu Toán? (ghép tay: kpdesk department match {unlisted.submission.id} MÃ-ĐƠN-VỊ)"
    )
    assert unlisted.window_line.endswith("xã Thiệu Toán? (ghép: chọn ô của báo cáo, bấm «Ghép với đơn vị…»)")
    typed = outcome(intake, "typed-in-word.docx")
    assert typed.line.endswith("(xem danh sách: kpdesk department files)")
    assert (
        typed.window_line.endswith("(nhập ở thẻ «Tệp chờ nhập tay»)") and "kpdesk department" not in typed.window_line
    )
    plain = outcome(intake, "on-time-TH04.docx")  # nothing to do next: the same line in both
    assert plain.line == plain.window_line and plain.line.endswith("không có lỗi.")


def test_the_status_counts_and_states(intake):
    found = status(intake.records, get_kind(MONTHLY), MAY, dt.date(2026, 5, 25))
    resaved = 1 if "resaved" in intake.files else 0
    assert found.expected == 42
    assert found.sent == 39 + resaved and found.late == 4 and len(found.missing) == 3 - resaved
    by_code = {r.unit.code: r for r in found.rows if r.unit}
    assert by_code["TH01"].state == st.ON_TIME and by_code["TH01"].label == "đúng hạn"
    assert by_code["TH31"].state == st.LATE and by_code["TH31"].days_late == 3
    assert by_code["TH31"].label == "muộn 3 ngày"
    assert by_code["TH35"].to_json()["errors"] == 2 and by_code["TH35"].state == st.ON_TIME
    assert by_code["TH38"].to_json()["version"] == 2
    assert by_code["TH41"].state == st.MISSING and by_code["TH41"].label == "chưa gửi — quá hạn 6 ngày"
    assert found.headline.startswith(f"BC-KHCN tháng 5 năm 2026: {39 + resaved}/42 xã, phường đã gửi; 4 gửi muộn")


def test_the_json_status_is_the_documented_contract(intake):
    rows = status(intake.records, get_kind(MONTHLY), MAY, dt.date(2026, 5, 25)).to_json()
    for row in rows:
        assert {"unit", "state", "version", "errors", "warnings", "edited_after_export"} <= set(row)
        assert row["state"] in ("on_time", "late", "missing", "returned", "accepted")
    json.dumps(rows)  # plain JSON


def test_a_missing_report_before_its_deadline_counts_the_days_left(intake):
    found = status(intake.records, get_kind(MONTHLY), MAY, dt.date(2026, 5, 15))
    row = next(r for r in found.missing if r.unit and r.unit.code == "TH41")
    assert row.label == "chưa gửi — còn 4 ngày" and row.days_late == 0


def test_half_year_reports_use_the_deadline_the_department_set(intake):
    found = status(intake.records, get_kind(HALF), parse_period("2026-H1"), dt.date(2026, 7, 20))
    assert found.deadline is not None and found.deadline.text == "hạn ngày 15/7/2026"
    assert found.sent == 3 and found.late == 0 and len(found.missing) == 39
    annual = status(intake.records, get_kind(ANNUAL), parse_period("2026"), dt.date(2026, 12, 20))
    assert annual.deadline is None and annual.sent == 2 and "chưa đặt hạn gửi" in annual.headline


def test_review_states_are_kept_with_who_when_and_a_note_and_logged(intake):
    records = intake.records
    unit = records.find_unit("TH02")
    sub = records.find_submission(unit, MONTHLY, MAY)
    accepted = records.set_state(sub.id, ACCEPTED, "Số liệu khớp", who="Lê Thị Hoa")
    assert (accepted.state, accepted.state_note, accepted.state_by) == (ACCEPTED, "Số liệu khớp", "Lê Thị Hoa")
    row = next(
        r
        for r in status(records, get_kind(MONTHLY), MAY, dt.date(2026, 5, 25)).rows
        if r.unit and r.unit.code == "TH02"
    )
    assert row.state == ACCEPTED and row.label == "đã chấp nhận (đúng hạn)"
    entries = records.log(sub.id)
    assert [e.action for e in entries[:2]] == ["accepted", "received"]
    assert entries[0].who == "Lê Thị Hoa" and "Số liệu khớp" in entries[0].text
    with pytest.raises(Exception, match="đã ở trạng thái"):
        records.set_state(sub.id, ACCEPTED)


def test_the_department_marks_a_report_as_having_problems_with_a_note_that_says_which(intake, capsys):
    """Issue 23: received → has problems → returned → accepted; «có vấn đề» (ODK's "has issues") needs its note, keeps
    the report's timeliness in the JSON contract, is flagged and counted, logged, and reopened like the others."""
    from kpdesk.cli import main
    from kpdesk.department.records import PROBLEMS, RECEIVED

    records = intake.records
    unit = records.find_unit("TH03")
    sub = records.find_submission(unit, MONTHLY, MAY)
    with pytest.raises(Exception, match="Hãy ghi vấn đề cần xem"):
        records.set_state(sub.id, PROBLEMS, "  ")
    assert records.submission(sub.id).state == RECEIVED and records.log(sub.id)[0].action == "received"
    flagged = records.set_state(sub.id, PROBLEMS, "Số giải ngân chưa khớp với Kho bạc", who="Lê Thị Hoa")
    assert (flagged.state, flagged.state_by) == (PROBLEMS, "Lê Thị Hoa")
    found = status(records, get_kind(MONTHLY), MAY, dt.date(2026, 5, 25))
    row = next(r for r in found.rows if r.unit and r.unit.code == "TH03")
    assert row.state == "on_time" and row.to_json()["state"] == "on_time", "the JSON contract keeps its states"
    assert row.label == "có vấn đề (đúng hạn)"
    assert row.flags[0] == "Sở đánh dấu có vấn đề: Số giải ngân chưa khớp với Kho bạc"
    assert "1 có vấn đề Sở đang xem" in found.headline
    entry = records.log(sub.id)[0]
    assert entry.action == "flagged" and "đánh dấu có vấn đề" in entry.text and "Kho bạc" in entry.text
    store_dir = str(intake.store.data_dir)
    assert (
        main(
            [
                "--data-dir",
                store_dir,
                "department",
                "reopen",
                "TH03",
                "--kind",
                MONTHLY,
                "--period",
                "2026-05",
                "--by",
                "Lê Thị Hoa",
            ]
        )
        == 0
    )
    assert records.submission(sub.id).state == RECEIVED
    assert (
        main(
            [
                "--data-dir",
                store_dir,
                "department",
                "flag",
                "TH03",
                "--kind",
                MONTHLY,
                "--period",
                "2026-05",
                "--note",
                "Thiếu số liệu quỹ",
            ]
        )
        == 0
    )
    assert "có vấn đề, Sở đang xem" in capsys.readouterr().out
    assert records.submission(sub.id).state_note == "Thiếu số liệu quỹ"


def test_a_new_version_reopens_a_returned_report(intake, tmp_path, make_draft):
    records = intake.records
    unit = records.find_unit("TH36")
    sub = records.find_submission(unit, MONTHLY, MAY)
    records.set_state(sub.id, RETURNED, "Thiếu tình trạng Quỹ", who="Văn thư")
    fixed = make_draft("001", unit.name, unit.level, period=MAY_JSON, date="2026-05-14", **FIXED_FUND)
    from kpdesk.render import render_to_file

    path = render_to_file(fixed, tmp_path / "sua.docx", today=dt.date(2026, 5, 25)).path
    (r,) = receive(records, [path], received_on=dt.date(2026, 5, 26))
    assert r.outcome == NEW_VERSION and r.version == 2
    again = records.submission(sub.id)
    assert again.state == "received" and again.versions == 2
    row = next(
        x
        for x in status(records, get_kind(MONTHLY), MAY, dt.date(2026, 5, 26)).rows
        if x.unit and x.unit.code == "TH36"
    )
    assert row.state == st.ON_TIME  # the first version was on time; the correction does not make it late


def test_an_unlisted_sender_matched_by_hand_joins_its_unit_and_later_reports_match(intake, tmp_path, make_draft):
    records = intake.records
    sub = next(s for s in records.submissions(MONTHLY, MAY) if s.unit_id is None)
    unit = records.find_unit("Thiệu Trung")
    joined = records.match(sub.id, unit, who="Văn thư")
    assert joined.unit_id == unit.id and joined.versions == 2  # the unit's own report + the one with the slip
    assert records.submission(sub.id).unit_id is None or records.submission(sub.id).id == joined.id
    assert "«xã Thiệu Trong» là Xã Thiệu Trung" in records.log(joined.id)[0].text
    later = make_draft("000", "Thiệu Trong", "xã", period=JUNE, date="2026-06-15")
    from kpdesk.render import render_to_file

    path = render_to_file(later, tmp_path / "thang6.docx", today=dt.date(2026, 6, 16)).path
    (r,) = receive(records, [path], received_on=dt.date(2026, 6, 16))
    assert r.outcome == RECEIVED and not r.unlisted and r.submission.unit_id == unit.id


def test_the_matrix_covers_units_and_periods_in_one_go(intake):
    periods = st.recent_periods(get_kind(MONTHLY), dt.date(2026, 5, 25), count=3)
    assert [p.month for p in periods] == [3, 4, 5]
    grid = matrix(intake.records, get_kind(MONTHLY), periods, dt.date(2026, 5, 25))
    assert [s.period for s in grid] == periods
    assert grid[0].sent == 0 and grid[2].sent >= 39


def test_a_field_by_field_diff_between_versions(intake):
    from kpdesk.diff import describe_change, diff_drafts

    r = outcome(intake, "v2.docx")
    v1, v2 = intake.records.versions(r.submission.id)
    changes = [describe_change(c) for c in diff_drafts(get_kind(MONTHLY), v1.draft, v2.draft)]
    assert "Mục «Thông tin văn bản», «Ngày ký»: 13/5/2026 → 19/5/2026" in changes
    assert any("«Quỹ phát triển KH&CN của địa phương»: (trống) → Chưa thành lập" in c for c in changes)


def test_the_log_cannot_be_rewritten(intake):
    from kpdesk.errors import StoreError

    for sql in ("DELETE FROM dept_log", "UPDATE dept_log SET who = 'ai đó'"):
        with pytest.raises(StoreError), intake.store.tx() as c:
            c.execute(sql)


def test_a_missing_path_and_a_non_docx_file_are_refused(intake, tmp_path):
    note = tmp_path / "ghi-chu.txt"
    note.write_text("không phải báo cáo", encoding="utf-8")
    results = receive(intake.records, [tmp_path / "khong-co", note], received_on=dt.date(2026, 5, 25))
    assert [r.outcome for r in results] == [REFUSED, REFUSED]
    assert "không tìm thấy" in results[0].message and "chỉ nhận tệp Word .docx" in results[1].message


def test_a_folder_is_searched_through(intake, tmp_path):
    nested = tmp_path / "email" / "tháng 5"
    nested.mkdir(parents=True)
    shutil.copy(intake.files["on-time-TH07"], nested / "bc.docx")
    (r,) = receive(intake.records, [tmp_path / "email"], received_on=dt.date(2026, 5, 25))
    assert r.outcome == DUPLICATE


def test_a_file_as_kpdesk_wrote_it_is_not_rendered_again(intake, tmp_path, monkeypatch, make_draft):
    """Its text digest matches: no second rendering (the department's intake of hundreds stays fast)."""
    from kpdesk.render import render_to_file

    fresh = make_draft("000", "Hòn Mê", "đặc khu", period=JUNE, date="2026-06-12")
    path = render_to_file(fresh, tmp_path / "hon-me.docx", today=dt.date(2026, 6, 13)).path

    def no_render(*args, **kwargs):
        raise AssertionError("rendered again")

    monkeypatch.setattr("kpdesk.render.build_layout", no_render)
    (r,) = receive(intake.records, [path], received_on=dt.date(2026, 6, 13))
    assert r.outcome == RECEIVED and r.edited == ()
