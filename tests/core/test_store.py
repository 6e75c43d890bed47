"""The draft store: unit profiles, drafts, one-field edits, history, the bin, next period, search, import/export."""

import datetime as dt
import json
import sqlite3
import sys
import threading
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from kpdesk import draft as drafts
from kpdesk import edits, vn
from kpdesk.draft import Period
from kpdesk.edits import SetField, SetPart
from kpdesk.errors import DraftError, EditError, StoreError
from kpdesk.kinds import all_kinds, get_kind
from kpdesk.store import DEPARTMENT, DraftWriter, NotFound, SignerProfile, Store, UnitProfile, fold, profiles, search
from kpdesk.store.drafts import AlreadyStored
from kpdesk.store.search import search_text as _search_text
from kpdesk.vocab import DocPart

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
MONTHLY = "co-che-tai-chinh-thang"
APRIL = Period("month", 2026, month=4)


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "dữ liệu") as s:
        yield s


def profile(**changes):
    base = UnitProfile(
        name="Thiệu Trung",
        province="Thanh Hóa",
        office_symbol="vhxh",
        contact_honorific="Ông",
        contact_name="Nghiêm Duy Cương",
        contact_position="Chuyên viên phòng Văn hóa - Xã hội",
        contact_phone="0982 741 345",
        contact_email="cuongnd@ThanhHoa.gov.vn",
        signers=(
            SignerProfile("Lê Văn Hòa", "CHỦ TỊCH", ("TM. ỦY BAN NHÂN DÂN",)),
            SignerProfile("Trần Ngọc Tùng", "PHÓ CHỦ TỊCH", ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"), True),
        ),
        default_recipients=("Sở KH&CN tỉnh (để b/c)", "Lưu: VT, VHXH"),
    )
    return replace(base, **changes)


@pytest.fixture
def unit(store):
    return store.save_unit(profile())


def example(name: str) -> drafts.Draft:
    return drafts.load(next(p for p in EXAMPLES if p.name.startswith(name)))


# ---------------------------------------------------------------------------- unit profiles


def test_a_unit_profile_is_stored_cleaned_and_read_back(store, unit):
    u = store.unit(unit)
    assert u.id == unit and u.name == "Thiệu Trung" and u.office_symbol == "VHXH"
    assert u.contact_honorific == "ông" and u.contact_phone == "0982741345"
    assert u.contact_email == "cuongnd@thanhhoa.gov.vn"
    assert [s.name for s in u.signers] == ["Lê Văn Hòa", "Trần Ngọc Tùng"]
    assert u.default_signer.name == "Trần Ngọc Tùng"
    assert u.default_signer.authority == ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH")
    assert u.to_unit() == drafts.Unit("Thiệu Trung", "xã", "Thanh Hóa", "tỉnh", "", (), "", "VHXH")


def test_several_units_live_side_by_side_and_updates_replace_signers(store, unit):
    other = store.save_unit(UnitProfile(name="Bỉm Sơn", level="phường", province="Thanh Hóa"))
    assert [u.name for u in store.units()] == ["Bỉm Sơn", "Thiệu Trung"]
    store.save_unit(replace(store.unit(unit), signers=(SignerProfile("Lê Sỹ Tiến", "PHÓ CHỦ TỊCH"),)))
    assert [(s.name, s.is_default) for s in store.unit(unit).signers] == [("Lê Sỹ Tiến", True)]
    assert store.unit(other).signers == ()


def test_the_chosen_unit_is_the_one_remembered_else_the_first_entered(store, monkeypatch):
    assert store.chosen_unit() is None and store.chosen_unit(1) is None
    first = store.save_unit(profile())
    second = store.save_unit(UnitProfile(name="Bỉm Sơn", level="phường", province="Thanh Hóa"))
    department = store.save_unit(UnitProfile(name="Sở Khoa học và Công nghệ", role=DEPARTMENT))
    assert store.chosen_unit(second) == store.unit(second)
    assert store.chosen_unit(str(second)) == store.unit(second)  # as QSettings gives it back: text
    for other in (None, "", 999, "không phải số", department):  # none, gone, or not a commune's: the first entered
        assert store.chosen_unit(other) == store.unit(first)
    read = []
    real = profiles._read_unit
    monkeypatch.setattr(profiles, "_read_unit", lambda c, i: read.append(i) or real(c, i))
    store.chosen_unit(second)
    assert read == [second]  # one profile read, however many the PC holds


@pytest.mark.parametrize(
    "changes, words",
    [
        ({"name": "  "}, "tên đơn vị"),
        ({"contact_phone": "12345"}, "Số điện thoại người liên hệ"),
        ({"contact_email": "cuong@@xa"}, "Thư điện tử người liên hệ"),
        ({"contact_honorific": "anh"}, "Danh xưng"),
        ({"signers": (SignerProfile("A", is_default=True), SignerProfile("B", is_default=True))}, "một người ký"),
        ({"signers": (SignerProfile(""),)}, "chưa có họ tên"),
    ],
)
def test_it_refuses_a_profile_naming_the_bad_field(store, changes, words):
    with pytest.raises(StoreError, match=words):
        store.save_unit(profile(**changes))
    assert store.units() == []


def test_unknown_unit_or_draft_is_a_clear_error(store):
    with pytest.raises(NotFound, match="Không có đơn vị số 9"):
        store.unit(9)
    with pytest.raises(NotFound, match="Không có bản nháp số 9"):
        store.load(9)


# ---------------------------------------------------------------------------- drafts


def test_a_new_draft_is_prefilled_from_the_profile(store, unit):
    draft_id = store.create_draft(MONTHLY, APRIL, unit, title="Báo cáo tháng 4")
    stored = store.load(draft_id)
    d, info = stored.draft, stored.info
    assert d.values == {
        "contact_honorific": "ông",
        "contact_name": "Nghiêm Duy Cương",
        "contact_position": "Chuyên viên phòng Văn hóa - Xã hội",
        "contact_phone": "0982741345",
        "contact_email": "cuongnd@thanhhoa.gov.vn",
    }
    assert d.signer == drafts.Signer(("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"), "PHÓ CHỦ TỊCH", "Trần Ngọc Tùng")
    assert d.recipients == ("Sở KH&CN tỉnh (để b/c)", "Lưu: VT, VHXH")
    assert d.to == ("Sở Khoa học và Công nghệ tỉnh Thanh Hóa",)  # the kind's default, filled from the unit
    assert d.unit.full_name == "xã Thiệu Trung" and d.period == APRIL and d.form == "bao_cao"
    assert (info.kind, info.title, info.status, info.revision, info.deleted) == (
        MONTHLY,
        "Báo cáo tháng 4",
        "drafting",
        1,
        False,
    )
    assert info.unit_id == unit and info.unit_name == "xã Thiệu Trung"
    assert info.created.tzinfo is not None and info.created == info.updated


def test_a_new_draft_refuses_a_period_or_form_the_kind_does_not_have(store, unit):
    with pytest.raises(StoreError, match="chỉ dùng cho kỳ báo cáo: tháng"):
        store.create_draft(MONTHLY, Period("year", 2026), unit)
    with pytest.raises(StoreError, match="không có hình thức «to_trinh»"):
        store.create_draft(MONTHLY, APRIL, unit, form="to_trinh")


def test_set_value_stores_python_values_and_none_clears(store, unit):
    draft_id = store.create_draft(MONTHLY, APRIL, unit)
    ref = vn.DocRef("Công văn", "1133/SKHCN-KHTC", dt.date(2026, 3, 30), "Sở KH&CN")
    rows = [{"title": "Huy động nguồn lực", "content": "- Ý một\n- Ý hai"}]
    store.set_value(draft_id, "budget_total", 352_000_000)
    store.set_value(draft_id, "request_ref", ref)
    store.set_value(draft_id, "measures", rows)
    store.set_value(draft_id, "overview", ["Ý 1", "  ", "Ý 2"])
    store.set_value(draft_id, "contact_phone", None)
    v = store.load(draft_id).draft.values
    assert v["budget_total"] == 352_000_000 and v["request_ref"] == ref and v["measures"] == rows
    assert v["overview"] == ["Ý 1", "Ý 2"] and "contact_phone" not in v


def test_unread_text_is_kept_by_save_and_load_and_a_new_value_replaces_it(store, unit):
    draft_id = store.create_draft(MONTHLY, APRIL, unit)
    d = store.load(draft_id).draft
    d = d.with_values(measures=[{"title": None, "content": "Nội dung"}])
    store.save(draft_id, replace(d, inputs={"budget_total": "2,5 tỷ rưỡi", "measures.1.title": "x", "_date": "31/2"}))
    assert store.load(draft_id).draft.inputs == {
        "budget_total": "2,5 tỷ rưỡi",
        "measures.1.title": "x",
        "_date": "31/2",
    }
    store.set_value(draft_id, "budget_total", 2_500_000_000)
    assert store.load(draft_id).draft.inputs == {"measures.1.title": "x", "_date": "31/2"}
    store.set_value(draft_id, "measures", None)
    assert store.load(draft_id).draft.inputs == {"_date": "31/2"}
    store.set_value(draft_id, "budget_total", None, {"budget_total": "ba tỷ rưỡi"})
    assert store.load(draft_id).draft.inputs == {"_date": "31/2", "budget_total": "ba tỷ rưỡi"}
    with pytest.raises(StoreError, match="không phải chữ gõ của trường «budget_total»"):
        store.set_value(draft_id, "budget_total", None, {"_date": "1/1"})


def test_set_value_refuses_unknown_fields_and_wrong_types(store, unit):
    draft_id = store.create_draft(MONTHLY, APRIL, unit)
    with pytest.raises(StoreError, match="không có trường «khong_co»"):
        store.set_value(draft_id, "khong_co", 1)
    with pytest.raises(DraftError, match="Năm của kinh phí"):
        store.set_value(draft_id, "budget_year", dt.date(2026, 1, 1))
    with pytest.raises(DraftError, match="Văn bản yêu cầu"):
        store.set_value(draft_id, "request_ref", 12)
    assert store.info(draft_id).revision == 1


def test_save_stores_the_whole_draft_and_an_unchanged_save_adds_no_revision(store, unit):
    draft_id = store.create_draft(MONTHLY, APRIL, unit)
    d = store.load(draft_id).draft
    changed = replace(d.with_values(disbursed=5_000_000), title="Tháng tư", number="12", date=dt.date(2026, 4, 18))
    assert store.save(draft_id, changed) == 2
    assert store.save(draft_id, changed) == 2
    again = store.load(draft_id)
    assert again.draft == changed and again.info.title == "Tháng tư" and again.info.revision == 2


def test_a_draft_cannot_change_kind(store, unit, monkeypatch):
    draft_id = store.create_draft(MONTHLY, APRIL, unit)
    other = example("002")
    with pytest.raises(StoreError, match="Không đổi được loại báo cáo"):
        store.save(draft_id, other)


def test_edits_from_several_threads_of_one_process_are_all_kept(store, unit):
    draft_ids = [store.create_draft(MONTHLY, Period("month", 2026, m), unit) for m in (1, 2, 3)]
    errors = []

    def work(draft_id):
        try:
            for i in range(30):
                store.set_value(draft_id, "disbursed", i * 1000)
        except Exception as exc:  # pragma: no cover - shown by the assertion
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in draft_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert [store.load(i).draft.values["disbursed"] for i in draft_ids] == [29_000] * 3


# ---------------------------------------------------------------------------- the one save path


def edited(store, draft_id, *changes):
    """Apply edits to the stored draft the way the window does; return (draft, what changed)."""
    d = store.load(draft_id).draft
    return edits.apply_all(get_kind(d.kind), d, changes)


def sources(store, draft_id):
    return [r.source for r in store.revision_list(draft_id)]


def test_a_burst_of_edits_written_by_the_window_is_one_revision(store, unit):
    draft_id = store.create_draft(MONTHLY, APRIL, unit)
    writer = DraftWriter(store, draft_id)
    revs = set()
    for i in range(10):
        d, changes = edited(
            store,
            draft_id,
            SetField("request_subject", f"nội dung {i}"),
            SetField("budget_total", None, {"budget_total": f"{i} tỷ rưỡi"}),
        )
        assert changes.typing
        revs.add(writer.write(d, changes))
    assert revs == {2} and sources(store, draft_id) == ["edit", "create"]
    stored = store.load(draft_id).draft
    assert stored.values["request_subject"] == "nội dung 9" and stored.inputs == {"budget_total": "9 tỷ rưỡi"}


def test_a_document_part_written_by_the_window_is_a_revision_of_its_own(store, unit):
    draft_id = store.create_draft(MONTHLY, APRIL, unit)
    writer = DraftWriter(store, draft_id)
    writer.write(*edited(store, draft_id, SetField("request_subject", "một")))
    assert writer.write(*edited(store, draft_id, SetPart(DocPart.NUMBER, "15"))) == 3
    assert writer.write(*edited(store, draft_id, SetPart(DocPart.DATE, dt.date(2026, 4, 18)))) == 4
    # a field and a part in one write: the part makes it a revision
    assert (
        writer.write(
            *edited(
                store,
                draft_id,
                SetField("request_subject", "hai"),
                SetPart(DocPart.SIGNER, drafts.Signer(name="Lê Văn Hòa")),
            )
        )
        == 5
    )
    assert writer.write(*edited(store, draft_id, SetField("request_subject", "ba"))) == 6  # typing again
    assert writer.write(*edited(store, draft_id, SetField("request_subject", "bốn"))) == 6
    assert sources(store, draft_id) == ["edit", "save", "save", "save", "edit", "create"]
    d = store.load(draft_id).draft
    assert (d.number, d.date, d.signer.name, d.values["request_subject"]) == (
        "15",
        dt.date(2026, 4, 18),
        "Lê Văn Hòa",
        "bốn",
    )


def test_set_value_is_the_same_write_as_the_windows(store, unit):
    by_window = store.create_draft(MONTHLY, APRIL, unit)
    by_call = store.create_draft(MONTHLY, APRIL, unit)
    writer = DraftWriter(store, by_window)
    ref = vn.DocRef("Công văn", "1133/SKHCN-KHTC", dt.date(2026, 3, 30), "Sở KH&CN")
    for field_id, value, inputs in [
        ("request_ref", ref, {}),
        ("budget_total", None, {"budget_total": "ba tỷ"}),
        ("overview", ["Ý 1", "Ý 2"], {}),
        ("budget_total", 3_000_000_000, {}),
    ]:
        writer.write(*edited(store, by_window, SetField(field_id, value, inputs)))
        store.set_value(by_call, field_id, value, inputs)
    data = dict(
        store._conn.execute(
            "SELECT draft_id, data FROM draft_data WHERE draft_id IN (?, ?)", (by_window, by_call)
        ).fetchall()
    )
    assert data[by_window] == data[by_call]
    assert sources(store, by_window) == sources(store, by_call) == ["edit", "create"]


def test_what_the_window_acknowledged_survives_a_crash(store, unit, tmp_path):
    """The files as a power cut right after the write would leave them (no close, no checkpoint) hold the edit."""
    draft_id = store.create_draft(MONTHLY, APRIL, unit)
    writer = DraftWriter(store, draft_id)
    writer.write(*edited(store, draft_id, SetField("request_subject", "đã lưu")))
    writer.write(*edited(store, draft_id, SetPart(DocPart.NUMBER, "15")))
    unsaved, _ = edited(store, draft_id, SetField("request_subject", "chưa lưu"))  # applied, never written
    crashed = tmp_path / "sau sự cố"
    crashed.mkdir()
    for suffix in ("", "-wal"):
        source = Path(f"{store.path}{suffix}")
        if source.exists():
            (crashed / f"kpdesk.sqlite3{suffix}").write_bytes(source.read_bytes())
    with Store.open(crashed, daily_backup=False) as after:
        d = after.load(draft_id).draft
        assert (d.values["request_subject"], d.number) == ("đã lưu", "15")
    assert unsaved.values["request_subject"] == "chưa lưu"


def test_a_refused_edit_writes_nothing(store, unit):
    draft_id = store.create_draft(MONTHLY, APRIL, unit)
    with pytest.raises(EditError):
        store.set_value(draft_id, "budget_total", "ba tỷ")
    assert store.info(draft_id).revision == 1 and sources(store, draft_id) == ["create"]


# ---------------------------------------------------------------------------- history


def test_every_save_is_a_revision_and_any_can_be_restored_as_a_new_one(store, unit):
    store.coalesce_seconds = 0
    draft_id = store.create_draft(MONTHLY, APRIL, unit)
    for amount in (1, 2, 3):
        store.set_value(draft_id, "disbursed", amount * 1_000_000)
    revs = store.revisions(draft_id)
    assert [r for r, _ in revs] == [4, 3, 2, 1]
    assert all(isinstance(when, dt.datetime) and when.tzinfo for _, when in revs)
    assert store.revision_draft(draft_id, 2).values["disbursed"] == 1_000_000
    assert store.restore_revision(draft_id, 2) == 5
    assert store.load(draft_id).draft.values["disbursed"] == 1_000_000
    assert [r.source for r in store.revision_list(draft_id)] == ["restore", "edit", "edit", "edit", "create"]
    assert store.restore_revision(draft_id, 5) == 6  # restoring always makes a new revision
    with pytest.raises(NotFound, match="không có phiên bản lưu số 42"):
        store.restore_revision(draft_id, 42)


def test_a_burst_of_edits_is_one_revision_holding_the_latest_value(store, unit):
    draft_id = store.create_draft(MONTHLY, APRIL, unit)
    revs = {store.set_value(draft_id, "request_subject", f"nội dung {i}") for i in range(20)}
    assert revs == {2}
    assert [r for r, _ in store.revisions(draft_id)] == [2, 1]
    assert (
        json.loads(
            store._conn.execute(
                "SELECT data FROM revisions WHERE draft_id = ? AND revision = 2", (draft_id,)
            ).fetchone()[0]
        )["values"]["request_subject"]
        == "nội dung 19"
    )
    assert store.save(draft_id, store.load(draft_id).draft.with_values(disbursed=1)) == 3
    assert store.set_value(draft_id, "request_subject", "sau khi lưu") == 4  # a save ends the burst


def test_an_edit_after_export_starts_a_new_revision_and_status_returns_to_drafting(store, unit, tmp_path):
    draft_id = store.create_draft(MONTHLY, APRIL, unit)
    rev = store.set_value(draft_id, "disbursed", 1_000_000)
    assert not store.was_exported(draft_id) and store.exports(draft_id) == []
    store.record_export(draft_id, tmp_path / "bc.docx", "ab" * 32, rev)
    info = store.info(draft_id)
    assert info.status == "exported" and info.status_label == "đã xuất"
    assert store.was_exported(draft_id) and not store.was_exported(
        store.create_draft(MONTHLY, Period("month", 2026, 5), unit)
    )
    (record,) = store.exports(draft_id)
    assert record.path == (tmp_path / "bc.docx").absolute() and record.sha256 == "ab" * 32
    assert record.revision == rev and record.exported.tzinfo is not None
    assert store.set_value(draft_id, "disbursed", 2_000_000) == rev + 1
    assert store.info(draft_id).status == "drafting"
    assert store.revision_draft(draft_id, rev).values["disbursed"] == 1_000_000
    with pytest.raises(StoreError, match="SHA-256"):
        store.record_export(draft_id, tmp_path / "bc.docx", "xyz", rev)
    with pytest.raises(NotFound):
        store.record_export(draft_id, tmp_path / "bc.docx", "ab" * 32, 99)


def test_a_draft_saved_under_an_older_kind_version_opens_with_values_carried_over(tmp_path, monkeypatch):
    monkeypatch.setenv("KPDESK_TEMPLATES", str(ROOT / "tests" / "fixtures" / "kinds"))
    with Store.open(tmp_path) as store:
        kind = get_kind("mau-thu")
        d = drafts.new_draft(kind, APRIL, drafts.Unit("Thiệu Trung"), values={"name": "A"})
        draft_id = store.add_draft(d)
        old = drafts.to_json(d, kind) | {"kind_version": 1}
        old["values"] = {"name": "A", "old_total": 5, "obsolete": "bỏ"}
        text = json.dumps(old, ensure_ascii=False)
        with store.tx() as c:
            c.execute("UPDATE draft_data SET data = ? WHERE draft_id = ?", (text, draft_id))
            c.execute("UPDATE drafts SET kind_version = 1 WHERE id = ?", (draft_id,))
        stored = store.load(draft_id)
        assert stored.info.kind_version == 1
        assert stored.draft.kind_version == 2 and stored.draft.values == {"name": "A", "total": 5}
        store.set_value(draft_id, "notes", "mới")
        assert store.load(draft_id).draft.values == {"name": "A", "total": 5, "notes": "mới"}
        assert store.info(draft_id).kind_version == 2


# ---------------------------------------------------------------------------- bin and copies


def test_deleting_moves_to_the_bin_and_back(store, unit):
    keep = store.create_draft(MONTHLY, APRIL, unit)
    gone = store.create_draft(MONTHLY, Period("month", 2026, 5), unit)
    store.delete(gone)
    assert [i.id for i in store.list_drafts()] == [keep]
    assert [(i.id, i.deleted) for i in store.list_drafts(deleted=True)] == [(gone, True)]
    assert store.load(gone).info.deleted  # still readable, to show it
    with pytest.raises(StoreError, match="thùng rác"):
        store.set_value(gone, "disbursed", 1)
    store.undelete(gone)
    assert {i.id for i in store.list_drafts()} == {keep, gone}
    assert store.list_drafts(deleted=True) == []


def test_purge_only_empties_the_bin(store, unit):
    draft_id = store.create_draft(MONTHLY, APRIL, unit)
    store.record_export(draft_id, Path("bc.docx"), "0" * 64, 1)
    with pytest.raises(StoreError, match="chưa ở thùng rác"):
        store.purge(draft_id)
    store.delete(draft_id)
    store.purge(draft_id)
    with pytest.raises(NotFound):
        store.load(draft_id)
    c = store._conn
    for table, col in [
        ("revisions", "draft_id"),
        ("draft_data", "draft_id"),
        ("exports", "draft_id"),
        ("draft_search", "rowid"),
    ]:
        assert c.execute(f"SELECT count(*) FROM {table} WHERE {col} = ?", (draft_id,)).fetchone()[0] == 0


def test_duplicate_copies_everything_into_a_new_draft(store, unit):
    source = store.add_draft(example("000"), unit)
    copy = store.duplicate(source)
    a, b = store.load(source).draft, store.load(copy).draft
    assert b == replace(a, title=a.title + " (bản sao)")
    assert store.info(copy).revision == 1


# ---------------------------------------------------------------------------- next period


def sample(f, depth=0):
    """A valid, non-empty value of any field type."""
    t = f.type
    low = int(f.min) if f.min is not None else 1
    return {
        "text": lambda: f"Nội dung {f.id}",
        "longtext": lambda: "Đoạn một.\nĐoạn hai.",
        "list": lambda: ["Ý một", "Ý hai"],
        "amount": lambda: 352_000_000,
        "int": lambda: max(low, 2025) if f.min and f.min > 1000 else low + 1,
        "decimal": lambda: Decimal("2.5"),
        "percent": lambda: Decimal("12.5"),
        "date": lambda: dt.date(2026, 3, 30),
        "reference": lambda: vn.DocRef("Công văn", "1133/SKHCN-KHTC", dt.date(2026, 3, 30), "Sở KH&CN"),
        "choice": lambda: f.options[0].value,
        "bool": lambda: True,
        "phone": lambda: "0982741345",
        "email": lambda: "ten@xa.gov.vn",
        "rows": lambda: [{c.id: sample(c, depth + 1) for c in f.columns}],
    }[t]()


@pytest.mark.parametrize("kind", all_kinds(), ids=lambda k: k.id)
def test_new_from_previous_carries_what_carries_and_clears_the_rest(store, unit, kind):
    period = {"month": APRIL, "half": Period("half", 2026, half=2), "year": Period("year", 2026)}[kind.periods[0]]
    values = {f.id: sample(f) for f in kind.fields}
    full = drafts.new_draft(
        kind,
        period,
        drafts.Unit("Thiệu Trung", province="Thanh Hóa", office_symbol="VHXH"),
        form=kind.forms[-1],
        number="15",
        date=dt.date(2026, 4, 18),
        title="Kỳ này",
        signer=drafts.Signer(("KT. CHỦ TỊCH",), "PHÓ CHỦ TỊCH", "Trần Ngọc Tùng"),
        to=("Sở KH&CN",),
        recipients=("Như trên", "Lưu: VT"),
        values=values,
        money_unit="ty",
    )
    full = drafts.from_json(drafts.to_json(full))
    assert set(full.values) == {f.id for f in kind.fields}, "every field got a sample value"
    full = replace(full, inputs={f.id: "chữ chưa đọc được" for f in kind.fields if f.type != "rows"})
    source = store.add_draft(full, unit)

    new = store.load(store.new_from_previous(source)).draft
    assert new.period == period.next()
    assert new.values == {f.id: full.values[f.id] for f in kind.fields if f.carry}
    assert new.inputs == {f.id: "chữ chưa đọc được" for f in kind.fields if f.carry and f.type != "rows"}
    assert (new.form, new.unit, new.signer, new.to, new.recipients, new.money_unit) == (
        full.form,
        full.unit,
        full.signer,
        full.to,
        full.recipients,
        full.money_unit,
    )
    assert (new.number, new.date, new.title) == (None, None, "")

    later = period.next().next()
    assert store.load(store.new_from_previous(source, later)).draft.period == later


def test_new_from_previous_takes_the_form_and_title_in_one_step(store, unit):
    source = store.add_draft(example("000"), unit)
    assert store.load(source).draft.form == "bao_cao"
    new = store.new_from_previous(source, form="cong_van", title="  Tháng năm,  gửi Sở ")
    stored = store.load(new)
    assert (stored.draft.form, stored.draft.title, stored.info.title) == (
        "cong_van",
        "Tháng năm, gửi Sở",
        "Tháng năm, gửi Sở",
    )
    assert sources(store, new) == ["previous"]
    with pytest.raises(StoreError, match="không có hình thức «to_trinh»"):
        store.new_from_previous(source, form="to_trinh")
    with pytest.raises(StoreError, match="chỉ dùng cho kỳ báo cáo: tháng"):
        store.new_from_previous(source, Period("year", 2026))


def test_latest_for_finds_the_previous_period_of_the_unit(store, unit):
    other = store.save_unit(profile(name="Bỉm Sơn", level="phường"))
    march = store.create_draft(MONTHLY, Period("month", 2026, 3), unit)
    feb = store.create_draft(MONTHLY, Period("month", 2026, 2), unit)
    store.create_draft(MONTHLY, Period("month", 2026, 3), other)
    store.create_draft(MONTHLY, Period("month", 2026, 5), unit)
    assert store.latest_for(MONTHLY, unit, APRIL).id == march
    store.delete(march)
    assert store.latest_for(MONTHLY, unit, APRIL).id == feb
    assert store.latest_for(MONTHLY, unit, Period("month", 2026, 1)) is None
    assert store.latest_for("ke-hoach-khcn-nam", unit, APRIL) is None


# ---------------------------------------------------------------------------- list and search


def test_list_filters_by_kind_period_status_unit_and_text(store, unit):
    a = store.add_draft(example("000"), unit)
    b = store.add_draft(example("001"), title="Bản gửi Sở, lần hai")
    c = store.add_draft(example("002"))
    store.record_export(b, Path("b.docx"), "1" * 64, 1)
    assert [i.id for i in store.list_drafts()] == [c, b, a]
    assert [i.id for i in store.list_drafts(kind=MONTHLY)] == [b, a]
    assert [i.id for i in store.list_drafts(period=APRIL)] == [b, a]
    assert [i.id for i in store.list_drafts(status="exported")] == [b]
    assert [i.id for i in store.list_drafts(unit_id=unit)] == [a]
    assert [i.id for i in store.list_drafts(limit=1)] == [c]
    assert [i.id for i in store.list_drafts(text="Bỉm Sơn")] == [b]  # unit name
    assert [i.id for i in store.list_drafts(text="bim son")] == [b]  # without diacritics
    assert [i.id for i in store.list_drafts(text="gửi sở lần hai")] == [b]  # title, every word
    assert [i.id for i in store.list_drafts(text="ngovmanh")] == [b]  # a value, by its beginning
    assert [i.id for i in store.list_drafts(text="ĐỔI MỚI sáng", kind=MONTHLY)] == [b, a]
    assert store.list_drafts(text="Zzqxw") == []
    assert store.list_drafts(text='"*) OR (') != "crash"  # punctuation is never FTS syntax
    store.set_value(a, "budget_note", "Nguồn kinh phí đặc thù Xyzabc")
    assert [i.id for i in store.list_drafts(text="xyzabc")] == [a]
    with pytest.raises(StoreError, match="Trạng thái"):
        store.list_drafts(status="đã gửi")


# ---------------------------------------------------------------------------- the search index while typing


def search_row(store, draft_id):
    """(search_stale, the draft's draft_search text) as stored."""
    c = store._conn
    stale = c.execute("SELECT search_stale FROM drafts WHERE id = ?", (draft_id,)).fetchone()[0]
    text = c.execute("SELECT text FROM draft_search WHERE rowid = ?", (draft_id,)).fetchone()
    return stale, text[0] if text else None


def unmarked_stale(conn):
    """Drafts whose draft_search row is not the search text of their current data without being marked stale:
    must always be empty."""
    rows = conn.execute(
        "SELECT d.id, d.search_stale, b.data, s.text FROM drafts d "
        "JOIN draft_data b ON b.draft_id = d.id LEFT JOIN draft_search s ON s.rowid = d.id"
    )
    return [i for i, stale, data, text in rows if not stale and text != _search_text(json.loads(data))]


def ids(store, **filters):
    return [i.id for i in store.list_drafts(**filters)]


def test_a_search_right_after_a_burst_of_edits_finds_the_new_text_and_not_the_replaced(store, unit):
    draft_id = store.create_draft(MONTHLY, APRIL, unit)
    other = store.create_draft(MONTHLY, Period("month", 2026, 5), unit)
    store.set_value(draft_id, "request_subject", "Khảo sát Alphaword")  # opens the edit revision: indexed at once
    assert search_row(store, draft_id)[0] == 0 and ids(store, text="alphaword") == [draft_id]
    for i in range(5):  # the burst: one revision, the index is only marked stale
        assert store.set_value(draft_id, "request_subject", f"Khảo sát Bêtaword{i}") == 2
    stale, text = search_row(store, draft_id)
    assert stale == 1 and "alphaword" in text and "betaword" not in text
    assert search_row(store, other)[0] == 0
    assert ids(store) == [draft_id, other] and ids(store, kind=MONTHLY) == [draft_id, other]
    assert search_row(store, draft_id)[0] == 1  # listing without text leaves the index alone

    assert ids(store, text="BETAWORD4") == [draft_id]
    assert ids(store, text="alphaword") == [] and ids(store, text="betaword3") == []
    assert search_row(store, draft_id)[0] == 0 and "betaword4" in search_row(store, draft_id)[1]
    assert unmarked_stale(store._conn) == []

    store.set_value(draft_id, "request_subject", "Gammaword")  # still the same burst, and in the bin
    store.delete(draft_id)
    assert ids(store, text="gammaword") == [] and ids(store, text="gammaword", deleted=True) == [draft_id]
    assert ids(store, text="betaword4", deleted=True) == []


def expire_burst(store, draft_id):
    store._conn.execute("UPDATE revisions SET created = '2000-01-01T00:00:00+00:00' WHERE draft_id = ?", (draft_id,))


@pytest.mark.parametrize("close", ["save", "unchanged save", "restore", "export", "window ends"])
def test_closing_the_edit_revision_reindexes_the_draft(store, unit, tmp_path, close):
    draft_id = store.create_draft(MONTHLY, APRIL, unit)
    store.set_value(draft_id, "request_subject", "Alphaword")
    rev = store.set_value(draft_id, "request_subject", "Deltaword")
    assert rev == 2 and search_row(store, draft_id)[0] == 1
    if close == "save":
        store.save(draft_id, replace(store.load(draft_id).draft, title="Tháng tư"))
    elif close == "unchanged save":
        assert store.save(draft_id, store.load(draft_id).draft) == rev
    elif close == "restore":
        store.restore_revision(draft_id, rev)
    elif close == "export":
        store.record_export(draft_id, tmp_path / "bc.docx", "ab" * 32, rev)
    else:
        expire_burst(store, draft_id)
        assert store.set_value(draft_id, "disbursed", 5) == rev + 1
    stale, text = search_row(store, draft_id)
    assert stale == 0 and "deltaword" in text and "alphaword" not in text
    assert unmarked_stale(store._conn) == []


def test_without_coalescing_every_edit_is_indexed_at_once(store, unit):
    store.coalesce_seconds = 0
    draft_id = store.create_draft(MONTHLY, APRIL, unit)
    for word in ("Alphaword", "Deltaword"):
        store.set_value(draft_id, "request_subject", word)
        stale, text = search_row(store, draft_id)
        assert stale == 0 and word.lower() in text


def test_paths_that_write_a_whole_draft_index_it_at_once(store, unit, tmp_path):
    source = store.add_draft(example("000"), unit)
    store.set_value(source, "request_subject", "Alphaword")
    store.set_value(source, "request_subject", "Deltaword")  # source: stale
    made = [
        store.duplicate(source),
        store.new_from_previous(source),
        store.import_file(EXAMPLES[1]),
        store.create_draft(MONTHLY, Period("month", 2026, 9), unit),
    ]
    assert [search_row(store, i)[0] for i in made] == [0, 0, 0, 0]
    assert "deltaword" in search_row(store, made[0])[1]  # the copy is indexed from the current data
    assert search_row(store, source)[0] == 1
    assert unmarked_stale(store._conn) == []


def test_a_second_window_on_the_same_file_finds_what_the_first_is_typing(tmp_path):
    with Store.open(tmp_path) as one, Store.open(tmp_path) as two:
        unit_id = one.save_unit(profile())
        draft_id = one.create_draft(MONTHLY, APRIL, unit_id)
        for n in range(3):
            one.set_value(draft_id, "request_subject", "Mở đầu")
            one.set_value(draft_id, "request_subject", f"Lần {n} Epsilonword{n}")
            assert search_row(one, draft_id)[0] == 1
            assert ids(two, text=f"epsilonword{n}") == [draft_id]
            assert ids(two, text="mo dau") == [] and ids(one, text=f"epsilonword{n - 1}") == []
        assert one.info(draft_id).revision == 2


def test_a_draft_edited_then_closed_has_a_fresh_index_after_reopening(tmp_path):
    with Store.open(tmp_path) as store:
        unit_id = store.save_unit(profile())
        draft_id = store.create_draft(MONTHLY, APRIL, unit_id)
        for word in ("Alphaword", "Kappaword", "Sigmaword"):
            store.set_value(draft_id, "request_subject", word)
        assert search_row(store, draft_id)[0] == 1
    raw = sqlite3.connect(store.path)
    try:
        assert raw.execute("SELECT count(*) FROM drafts WHERE search_stale = 1").fetchone()[0] == 0
        assert unmarked_stale(raw) == []
        text = raw.execute("SELECT text FROM draft_search WHERE rowid = ?", (draft_id,)).fetchone()[0]
        assert "sigmaword" in text and "kappaword" not in text
    finally:
        raw.close()
    with Store.open(tmp_path) as store:
        assert ids(store, text="sigmaword") == [draft_id] and ids(store, text="kappaword") == []


def test_a_failed_refresh_on_close_keeps_the_flag_for_the_next_search(tmp_path, monkeypatch):
    store = Store.open(tmp_path)
    unit_id = store.save_unit(profile())
    draft_id = store.create_draft(MONTHLY, APRIL, unit_id)
    store.set_value(draft_id, "request_subject", "Alphaword")
    store.set_value(draft_id, "request_subject", "Iotaword")

    def busy(*args, **kwargs):
        raise StoreError("bận")

    monkeypatch.setattr(search, "refresh", busy)
    store.close()  # closes all the same
    with pytest.raises(StoreError, match="đã đóng"):
        store.info(draft_id)
    monkeypatch.undo()
    with Store.open(tmp_path) as again:
        assert search_row(again, draft_id)[0] == 1
        assert ids(again, text="iotaword") == [draft_id] and search_row(again, draft_id)[0] == 0


class RefusedCommit:
    """The store's connection, except that COMMIT fails the way a full disk makes it fail."""

    def __init__(self, conn):
        self.conn = conn

    def execute(self, sql, *args):
        if sql == "COMMIT":
            raise sqlite3.OperationalError("database or disk is full")
        return self.conn.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self.conn, name)


def test_a_search_is_right_even_when_the_new_index_cannot_be_kept(store, unit):
    draft_id = store.create_draft(MONTHLY, APRIL, unit)
    store.set_value(draft_id, "request_subject", "Alphaword")
    store.set_value(draft_id, "request_subject", "Omegaword")
    conn, store._conn = store._conn, RefusedCommit(store._conn)
    try:
        assert ids(store, text="omegaword") == [draft_id] and ids(store, text="alphaword") == []
        with pytest.raises(StoreError, match="đầy"):
            store.set_value(draft_id, "request_subject", "Betaword")
    finally:
        store._conn = conn
    assert search_row(store, draft_id)[0] == 1 and "alphaword" in search_row(store, draft_id)[1]
    assert ids(store, text="omegaword") == [draft_id] and search_row(store, draft_id)[0] == 0


def test_fold_matches_vietnamese_without_diacritics():
    assert fold("Đổi mới SÁNG TẠO, Thiệu Trung") == "doi moi sang tao, thieu trung"


# ---------------------------------------------------------------------------- import and export


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_round_trips_through_the_store(store, path, tmp_path):
    draft_id = store.import_file(path)
    out = tmp_path / "ra.json"
    store.export_json(draft_id, out)
    assert json.loads(out.read_text(encoding="utf-8")) == drafts.to_json(drafts.load(path))


def test_import_makes_or_reuses_the_unit_profile_of_the_draft(store):
    a = store.import_file(EXAMPLES[0])
    (u,) = store.units()
    assert (u.name, u.province, u.contact_name, u.contact_phone) == (
        "Thiệu Trung",
        "Thanh Hóa",
        "Nghiêm Duy Cương",
        "0982741345",
    )
    assert u.default_signer.name == "Trần Ngọc Tùng" and u.default_recipients[-1] == "Lưu: VT, VHXH"
    b = store.import_file(EXAMPLES[0])
    assert store.info(a).unit_id == store.info(b).unit_id == u.id and len(store.units()) == 1


def test_importing_a_draft_already_stored_says_so_and_adds_nothing(store):
    """#17: the same file imported again (as `kpdesk import` does) names the stored draft instead of making a
    duplicate."""
    a = store.import_file(EXAMPLES[0])
    with pytest.raises(AlreadyStored, match=f"đã được nhập: bản nháp số {a} .*không nhập thêm một bản trùng") as got:
        store.import_file(EXAMPLES[0], allow_same=False)
    assert got.value.draft_id == a and [i.id for i in store.list_drafts()] == [a]
    store.set_value(a, "closing", "Đã sửa sau khi nhập.")  # once edited, the file is another draft
    b = store.import_file(EXAMPLES[0], allow_same=False)
    assert b != a and len(store.list_drafts()) == 2
    store.delete(b)  # a copy in the bin does not count
    assert store.import_file(EXAMPLES[0], allow_same=False) not in (a, b)
    other_unit = store.save_unit(UnitProfile(id=None, name="Bỉm Sơn", level="phường", province="Thanh Hóa"))
    assert store.import_file(EXAMPLES[0], other_unit, allow_same=False)  # into another unit: not the same


def test_import_refuses_other_files_in_vietnamese(store, tmp_path):
    bad = tmp_path / "a.json"
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(DraftError, match="không phải JSON hợp lệ"):
        store.import_file(bad)
    with pytest.raises(StoreError, match="chỉ nhập được tệp bản nháp .json"):
        store.import_file(tmp_path / "a.pdf")
    assert store.list_drafts() == []


def test_docx_import_without_the_report_module_says_so(store, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "kpdesk.render", None)
    with pytest.raises(StoreError, match="chưa đọc được tệp Word"):
        store.import_file(tmp_path / "bc.docx")


def test_docx_made_by_kpdesk_imports_back(store, tmp_path):
    report = pytest.importorskip("kpdesk.render")
    d = example("000")
    result = report.render_to_file(d, tmp_path / "bc.docx", allow_errors=True)
    draft_id = store.import_file(result.path)
    assert drafts.to_json(store.load(draft_id).draft) == drafts.to_json(d)


def test_export_to_a_missing_folder_is_a_clear_error(store, unit):
    draft_id = store.create_draft(MONTHLY, APRIL, unit)
    with pytest.raises(StoreError, match="Không có thư mục"):
        store.export_json(draft_id, Path("/khong/co/thu-muc/x.json"))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": " "}, "name"),
        ({"contact_phone": "12345"}, "contact_phone"),
        ({"contact_email": "khong-hop-le"}, "contact_email"),
        ({"contact_honorific": "cô"}, "contact_honorific"),
    ],
)
def test_a_refused_profile_names_the_field_to_correct(store, change, field):
    from dataclasses import replace as _replace

    from kpdesk.store import ProfileError

    with pytest.raises(ProfileError) as caught:
        store.save_unit(_replace(UnitProfile(name="Thiệu Trung"), **change))
    assert caught.value.field == field and caught.value.message


@pytest.mark.parametrize(
    ("level", "name", "full"),
    [
        ("xã", "Thiệu Trung", "xã Thiệu Trung"),
        ("phường", "Hạc Thành", "phường Hạc Thành"),
        ("", "Sở KH&CN", "Sở KH&CN"),
    ],
)
def test_a_profile_names_its_unit_as_the_drafts_unit_does(level, name, full):
    """The home's heading names the unit from its profile without the drafts' module: the same words as a draft's."""
    profile = UnitProfile(name=name, level=level)
    assert profile.full_name == profile.to_unit().full_name == full
