"""Schema 3: profiles with a role and an agency symbol, the kinds a unit makes, settings, the append-only log."""

import sqlite3

import pytest

from kpdesk import draft as drafts
from kpdesk.draft import Period, Signer, Unit
from kpdesk.errors import ProfileError, StoreError
from kpdesk.kinds import get_kind
from kpdesk.render import symbol
from kpdesk.store import COMMUNE, DEPARTMENT, SignerProfile, Store, UnitProfile

DEPARTMENT_PROFILE = UnitProfile(
    name="Sở Khoa học và Công nghệ",
    level="",
    province="Thanh Hóa",
    superior="UBND TỈNH THANH HÓA",
    agency=("SỞ KHOA HỌC", "VÀ CÔNG NGHỆ"),
    place="Thanh Hóa",
    office_symbol="qlkh",
    agency_symbol="skhcn",
    signers=(SignerProfile("Nguyễn Văn Bình", "PHÓ GIÁM ĐỐC", ("KT. GIÁM ĐỐC",)),),
    role=DEPARTMENT,
)


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "dữ liệu") as s:
        yield s


def test_the_department_profile_is_kept_apart_from_the_communes(store):
    commune = store.save_unit(UnitProfile(name="Thiệu Trung", report_kinds=("co-che-tai-chinh-thang",)))
    department = store.save_unit(DEPARTMENT_PROFILE)
    assert [u.id for u in store.units()] == [commune]
    found = store.department()
    assert found is not None and found.id == department
    assert (found.role, found.level, found.agency_symbol, found.office_symbol) == (DEPARTMENT, "", "SKHCN", "QLKH")
    assert store.unit(commune).report_kinds == ("co-che-tai-chinh-thang",) and store.unit(commune).role == COMMUNE


def test_a_commune_profile_without_a_level_is_a_xa_but_a_department_has_none(store):
    assert store.unit(store.save_unit(UnitProfile(name="Thiệu Trung", level=""))).level == "xã"
    assert store.unit(store.save_unit(DEPARTMENT_PROFILE)).full_name == "Sở Khoa học và Công nghệ"


def test_a_department_without_a_name_is_asked_for_its_own_name_not_a_communes(store):
    from dataclasses import replace

    with pytest.raises(ProfileError, match="Chưa nhập tên cơ quan \\(ô «Tên cơ quan»\\)") as caught:
        store.save_unit(replace(DEPARTMENT_PROFILE, name="  "))
    assert caught.value.field == "name" and "xã" not in caught.value.message
    assert store.department() is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"role": "huyện"}, "role"),
        ({"agency_symbol": "SỞ KH"}, "agency_symbol"),
    ],
)
def test_a_bad_role_or_agency_symbol_names_the_field(store, change, field):
    from dataclasses import replace

    with pytest.raises(ProfileError) as caught:
        store.save_unit(replace(DEPARTMENT_PROFILE, **change))
    assert caught.value.field == field


def test_a_department_numbers_its_documents_with_its_own_symbol():
    unit = DEPARTMENT_PROFILE.to_unit()
    letter = drafts.Draft(
        kind="co-che-tai-chinh-thang",
        kind_version=1,
        period=Period("month", 2026, month=5),
        unit=Unit(**{**unit.__dict__, "office_symbol": "QLKH", "agency_symbol": "SKHCN"}),
        form="cong_van",
        signer=Signer(("KT. GIÁM ĐỐC",), "PHÓ GIÁM ĐỐC", "Nguyễn Văn Bình"),
    )
    kind = get_kind("co-che-tai-chinh-thang")
    assert symbol(kind, letter) == "SKHCN-QLKH"
    assert symbol(kind, drafts.Draft(**{**letter.__dict__, "form": "bao_cao"})) == "BC-SKHCN"
    commune = drafts.Draft(**{**letter.__dict__, "unit": Unit("Thiệu Trung", office_symbol="VHXH")})
    assert symbol(kind, commune) == "UBND-VHXH"


def test_the_agency_symbol_travels_in_the_draft_only_when_it_is_not_ubnd():
    kind = get_kind("co-che-tai-chinh-thang")
    plain = drafts.new_draft(kind, Period("month", 2026, month=5), Unit("Thiệu Trung"))
    assert "agency_symbol" not in drafts.to_json(plain, kind)["unit"]
    dept = drafts.new_draft(
        kind, Period("month", 2026, month=5), Unit("Sở Khoa học và Công nghệ", level="", agency_symbol="SKHCN")
    )
    data = drafts.to_json(dept, kind)
    assert data["unit"]["agency_symbol"] == "SKHCN"
    assert drafts.from_json(data).unit.agency_symbol == "SKHCN"


def test_settings_of_the_data_folder_are_kept(store, tmp_path):
    assert store.setting("mode") == "" and store.setting("mode", "commune") == "commune"
    store.set_setting("mode", "department")
    store.set_setting("mode", "department")
    path = store.data_dir
    store.close()
    with Store.open(path) as again:
        assert again.setting("mode") == "department"


def test_the_department_log_cannot_be_changed_or_deleted(store):
    with store.tx() as c:
        c.execute("INSERT INTO dept_log (at, action) VALUES ('2026-05-20T00:00:00+00:00', 'received')")
    for sql in ("UPDATE dept_log SET action = 'accepted'", "DELETE FROM dept_log"):
        with pytest.raises(StoreError), store.tx() as c:
            try:
                c.execute(sql)
            except sqlite3.IntegrityError as exc:
                raise StoreError(str(exc)) from None
    with store.read() as c:
        assert c.execute("SELECT action FROM dept_log").fetchall() == [("received",)]
