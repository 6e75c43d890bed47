"""Kind versions: the keys a version carries, where versions are found, lookups by version and period, and what
changes from one version to the next."""

import datetime as dt
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from kpdesk import draft as drafts
from kpdesk.draft import Period
from kpdesk.errors import DraftError, KindError
from kpdesk.kinds import (
    all_kinds,
    get_kind,
    installed_root,
    kind_changes,
    kind_for_period,
    kind_ids,
    kind_of,
    kind_versions,
    kinds_of_data_dir,
    load_kind,
)
from kpdesk.validate import validate

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "kinds" / "mau-thu"
UNIT = drafts.Unit("Thiệu Trung", province="Thanh Hóa")


def copy(target: Path, replacements: tuple[tuple[str, str], ...] = (), extra: str = "") -> Path:
    """A copy of the fixture kind in `target`, its kind.toml changed by `replacements` and `extra` appended."""
    shutil.copytree(FIXTURE, target)
    toml = (target / "kind.toml").read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in toml, old
        toml = toml.replace(old, new, 1)
    (target / "kind.toml").write_text(toml + extra, encoding="utf-8")
    return target


@pytest.fixture
def place(tmp_path, monkeypatch):
    """Built-in kinds in tmp/builtin (KPDESK_TEMPLATES) with the fixture kind at version 2; installed kinds in
    tmp/data/kinds."""
    copy(tmp_path / "builtin" / "mau-thu")
    monkeypatch.setenv("KPDESK_TEMPLATES", str(tmp_path / "builtin"))
    with kinds_of_data_dir(tmp_path / "data") as root:
        yield root


def install_by_hand(
    root: Path,
    version: int,
    applies_from: str | None = None,
    extra: str = "",
    replacements: tuple[tuple[str, str], ...] = (),
) -> Path:
    start = f'applies_from = "{applies_from}"\n' if applies_from else ""
    return copy(
        root / "mau-thu" / str(version), (("version = 2\n", f"version = {version}\n{start}"), *replacements), extra
    )


# ---------------------------------------------------------------------------- the keys a version carries


def test_applies_from_deadlines_and_audience_are_read(tmp_path):
    folder = copy(
        tmp_path / "mau-thu",
        (("version = 2\n", 'version = 2\napplies_from = "2026-7"\naudience = "department"\n'),),
        '\n[deadlines]\n"2026-07" = 2026-08-15\n"2026" = 2027-01-31\n',
    )
    kind = load_kind(folder)
    assert kind.applies_from == Period("month", 2026, month=7) and kind.audience == "department"
    assert kind.deadlines == {"2026-07": dt.date(2026, 8, 15), "2026": dt.date(2027, 1, 31)}
    assert not kind.applies_to(Period("month", 2026, month=6)) and kind.applies_to(Period("month", 2026, month=7))
    assert not kind.applies_to(Period("year", 2026)), "a year that starts before July is not under it"
    assert load_kind(FIXTURE).applies_from is None and load_kind(FIXTURE).audience == "commune"
    year = copy(tmp_path / "nam" / "mau-thu", (("version = 2\n", "version = 2\napplies_from = 2027\n"),))
    assert load_kind(year).applies_from == Period("year", 2027)


@pytest.mark.parametrize(
    ("replacement", "extra", "expected"),
    [
        (("version = 2\n", 'version = 2\napplies_from = "07/2026"\n'), "", "applies_from"),
        (("version = 2\n", "version = 2\napplies_from = 2026-07-01\n"), "", "applies_from"),
        (("version = 2\n", 'version = 2\naudience = "so"\n'), "", "audience"),
        (("", ""), '\n[deadlines]\n"2026-H1" = 2026-07-15\n', "chỉ dùng cho kỳ tháng, năm"),
        (("", ""), '\n[deadlines]\n"tháng 7" = 2026-07-15\n', "Hãy viết «2026-05»"),
        (("", ""), '\n[deadlines]\n"2026-07" = "2026-08-15"\n', "viết không có ngoặc kép"),
        (("", ""), '\n[deadlines]\n"2026-07" = 2026-06-30\n', "ở trước khi kỳ bắt đầu"),
        (("", ""), '\n[deadlines]\n"2026-7" = 2026-08-01\n"2026-07" = 2026-08-02\n', "được ghi hai lần"),
        (
            ('  id = "name"\n  type = "text"\n', '  id = "name"\n  type = "text"\n  deadline = true\n'),
            "",
            "chỉ dùng cho trường kiểu ngày",
        ),
    ],
)
def test_a_bad_version_key_is_refused_naming_it(tmp_path, replacement, extra, expected):
    folder = copy(tmp_path / "mau-thu", (replacement,) if replacement[0] else (), extra)
    with pytest.raises(KindError, match=expected):
        load_kind(folder)


def test_a_deadline_field_may_lie_after_the_signing_date_but_not_before_it(tmp_path, monkeypatch):
    copy(
        tmp_path / "mau-thu",
        (('  id = "when"\n  type = "date"\n', '  id = "when"\n  type = "date"\n  deadline = true\n'),),
    )
    kind = load_kind(tmp_path / "mau-thu")
    d = drafts.Draft(
        kind="mau-thu",
        kind_version=2,
        period=Period("month", 2026, month=4),
        unit=UNIT,
        date=dt.date(2026, 4, 18),
        values={"when": dt.date(2026, 5, 10)},
    )

    def codes(draft):
        return {(p.field, p.code) for p in validate(kind, draft, today=dt.date(2026, 4, 20)).problems}

    assert not {c for c in codes(d) if c[0] == "when"}
    assert ("when", "date.deadline_past") in codes(d.with_values(when=dt.date(2026, 4, 1)))
    plain = load_kind(FIXTURE)
    assert ("when", "date.after_report") in {(p.field, p.code) for p in validate(plain, d).problems}


# ---------------------------------------------------------------------------- where versions are found


def test_built_in_and_installed_versions_list_together_and_each_is_kept(place):
    install_by_hand(place, 3, "2026-07")
    install_by_hand(place, 4, "2027-01")
    assert [(v.version, v.builtin) for v in kind_versions("mau-thu")] == [(2, True), (3, False), (4, False)]
    assert [k.version for k in all_kinds()] == [4]
    assert get_kind("mau-thu").version == 4 and get_kind("mau-thu", 3).version == 3
    assert get_kind("mau-thu", 2).folder == place.parent.parent / "builtin" / "mau-thu"
    assert [
        kind_for_period("mau-thu", Period("month", y, month=m)).version
        for y, m in ((2026, 6), (2026, 7), (2026, 12), (2027, 1))
    ] == [2, 3, 3, 4]
    assert installed_root() == place


def test_a_missing_version_is_named_with_the_versions_present(place):
    install_by_hand(place, 3)
    with pytest.raises(KindError, match=r"«Mẫu thử» \(mau-thu\) phiên bản 7; các phiên bản có: 2, 3"):
        get_kind("mau-thu", 7)
    with pytest.raises(KindError, match="Các loại hiện có: mau-thu"):
        get_kind("khong-co", 1)


def test_a_kind_only_installed_is_listed_and_a_built_in_copy_of_a_version_wins(place, tmp_path):
    other = copy(
        place / "mau-khac" / "1",
        (
            ('id = "mau-thu"', 'id = "mau-khac"'),
            ("version = 2", "version = 1"),
            ('[[upgrades]]\nfrom_version = 1\nrename = { old_total = "total" }\nremove = ["obsolete"]\n', ""),
        ),
    )  # a first version upgrades nothing
    assert other.is_dir()
    install_by_hand(place, 2, replacements=(('name = "Mẫu thử"', 'name = "Bản cài đè"'),))
    assert kind_ids() == ["mau-khac", "mau-thu"]
    assert get_kind("mau-thu", 2).name == "Mẫu thử"
    assert [k.id for k in all_kinds()] == ["mau-khac", "mau-thu"]


def test_an_installed_folder_whose_version_differs_from_its_kind_toml_is_refused(place):
    copy(place / "mau-thu" / "5")  # says version = 2
    with pytest.raises(KindError, match="phiên bản 5 .tên thư mục. nhưng kind.toml ghi version = 2"):
        get_kind("mau-thu", 5)


def test_a_period_before_every_version_present_is_refused_saying_so(place, tmp_path, monkeypatch):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("KPDESK_TEMPLATES", str(empty))
    install_by_hand(place, 3, "2026-07")
    with pytest.raises(KindError, match="chỉ dùng từ kỳ tháng 7 năm 2026"):
        kind_for_period("mau-thu", Period("month", 2026, month=3))


# ---------------------------------------------------------------------------- drafts and upgrades


def test_kind_of_a_draft_is_its_own_version(place):
    install_by_hand(
        place,
        3,
        extra='\n[[upgrades]]\nfrom_version = 2\nrename = { name = "full_name" }\n',
        replacements=(('  id = "name"', '  id = "full_name"'),),
    )
    (place / "mau-thu" / "3" / "body.j2").write_text(
        (FIXTURE / "body.j2").read_text(encoding="utf-8").replace("v.name", "v.full_name"), encoding="utf-8"
    )
    d = drafts.new_draft(get_kind("mau-thu", 2), Period("month", 2026, month=4), UNIT, values={"name": "Nguyễn A"})
    assert kind_of(d).version == 2
    loaded = drafts.loads(drafts.dumps(d))
    assert loaded.kind_version == 2 and loaded.values == {"name": "Nguyễn A"} and loaded.upgraded_from is None
    assert drafts.upgrade_offer(loaded).version == 3
    new, changes = drafts.upgrade_draft(loaded, 3)
    assert new.values == {"full_name": "Nguyễn A"} and kind_of(new).version == 3
    assert changes.headline == "«Mẫu thử»: phiên bản 2 → 3, áp dụng cho mọi kỳ báo cáo"
    with pytest.raises(DraftError, match="chỉ cập nhật được lên phiên bản mới hơn"):
        drafts.upgrade_draft(new, 2)


def test_an_upgrade_keeps_what_the_new_version_cannot_read_as_text_to_correct_and_says_what_it_dropped(place):
    install_by_hand(
        place,
        3,
        replacements=(
            ('  id = "name"\n  type = "text"', '  id = "name"\n  type = "int"'),
            ('  id = "flag"', '  id = "flag_gone"'),
        ),
    )
    d = drafts.new_draft(
        get_kind("mau-thu", 2), Period("month", 2026, month=4), UNIT, values={"name": "Nguyễn A", "flag": True}
    )
    new, changes = drafts.upgrade_draft(d, 3)
    assert new.values == {} and new.inputs == {"name": "Nguyễn A"}
    assert any("«Tên»" in note and "giữ lại dạng chữ" in note for note in changes.notes)
    assert any("«flag»" in note and "không được giữ" in note for note in changes.notes)
    assert "Trường «Tên»: đổi từ chữ ngắn sang số nguyên." in changes.lines()
    assert "Bỏ trường «Có quỹ» (mục «1. Chung»)." in changes.lines()
    assert "Thêm trường «Có quỹ» ở mục «1. Chung» (có/không)." in changes.lines()


def test_what_changes_between_two_versions(tmp_path):
    old = load_kind(FIXTURE)
    new = load_kind(
        copy(
            tmp_path / "mau-thu",
            (
                ('title = "1. Chung"', 'title = "1. Thông tin chung"'),
                ('  label = "Tên"\n  required = true', '  label = "Họ và tên"\n  required = false'),
                (
                    '{ value = "no", label = "Chưa thành lập" } ]',
                    '{ value = "no", label = "Chưa thành lập" }, { value = "plan", label = "Đang chuẩn bị" } ]',
                ),
                ('  [[sections.fields]]\n  id = "area"\n  type = "decimal"\n  label = "Diện tích"\n  max = 1000\n', ""),
            ),
            '\n[[sections]]\nid = "moi"\ntitle = "3. Mục mới"\n\n  [[sections.fields]]\n  id = "moi_a"\n'
            '  type = "text"\n  label = "Ý mới"\n',
        )
    )
    changes = kind_changes(old, new)
    assert changes.lines() == [
        "Mục «1. Chung» nay là «1. Thông tin chung».",
        "Thêm mục «3. Mục mới» (01 trường nhập).",
        "Trường «Tên»: nay gọi là «Họ và tên»; nay không bắt buộc.",
        "Trường «Trạng thái quỹ»: thêm lựa chọn «Đang chuẩn bị».",
        "Bỏ trường «Diện tích» (mục «2. Số liệu»).",
    ]
    assert kind_changes(old, old).lines() == ["Các mục và trường nhập giữ nguyên."]
    assert kind_changes(None, new).headline == "«Mẫu thử»: mẫu mới (phiên bản 2), áp dụng cho mọi kỳ báo cáo"


def test_a_new_draft_for_a_period_gets_the_version_in_force(place):
    from kpdesk.store import Store, UnitProfile

    install_by_hand(place, 3, "2026-07")
    with Store.open(place.parent) as store:
        uid = store.save_unit(UnitProfile(name="Thiệu Trung", province="Thanh Hóa"))
        june = store.create_draft("mau-thu", Period("month", 2026, month=6), uid)
        july = store.create_draft("mau-thu", Period("month", 2026, month=7), uid)
        assert store.load(june).draft.kind_version == 2 and store.load(july).draft.kind_version == 3
        # a draft of a version since removed from this computer opens upgraded, and says so
        shutil.rmtree(place / "mau-thu" / "3")
        install_by_hand(place, 4, "2026-07")
        moved = store.load(july).draft
        assert (moved.kind_version, moved.upgraded_from) == (4, 3)
        assert replace(moved, upgraded_from=None) == moved, "not part of the draft's value"
