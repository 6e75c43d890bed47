"""Report kinds: every shipped kind loads, and broken definitions name the file and the field."""

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from kpdesk.errors import KindError
from kpdesk.kinds import Condition, Field, all_kinds, get_kind, kind_folders, load_kind, templates_dir
from kpdesk.templating import undeclared_names

FIXTURE_KINDS = Path(__file__).resolve().parent.parent / "fixtures" / "kinds"
SHIPPED = [p.name for p in kind_folders(templates_dir())]


def test_it_ships_the_three_kinds_modelled_on_the_seeds():
    assert {"co-che-tai-chinh-thang", "quan-ly-khcn-6-thang", "ke-hoach-khcn-nam"} <= set(SHIPPED)


@pytest.mark.parametrize("kind_id", SHIPPED)
def test_every_shipped_kind_loads_and_its_template_names_only_its_fields(kind_id):
    kind = get_kind(kind_id)
    assert kind.version >= 1 and kind.sections and kind.fields
    assert undeclared_names(kind) == set()
    for f in kind.fields:
        assert f.label and f.label == f.label.strip()
        assert kind.section_of(f.id).id == f.section


@pytest.mark.parametrize("kind_id", SHIPPED)
def test_no_kind_names_a_commune(kind_id):
    """The commune's name, place and officers come from the draft, never from the kind."""
    folder = templates_dir() / kind_id
    text = (folder / "kind.toml").read_text(encoding="utf-8") + (folder / "body.j2").read_text(encoding="utf-8")
    for name in ("Thiệu Trung", "Bỉm Sơn", "Triệu Sơn", "Kiến Thụy", "Trần Ngọc Tùng", "Lưu Văn Thụy"):
        assert name not in text


def test_a_kind_is_data_adding_a_folder_adds_a_kind(tmp_path):
    shutil.copytree(FIXTURE_KINDS / "mau-thu", tmp_path / "mau-thu")
    assert [k.id for k in all_kinds(tmp_path)] == ["mau-thu"]


def test_an_unknown_kind_lists_the_known_ones():
    with pytest.raises(KindError, match="co-che-tai-chinh-thang"):
        get_kind("khong-co")


def test_a_kind_id_cannot_climb_out_of_the_templates_folder():
    with pytest.raises(KindError):
        get_kind("../tests")


def _broken(tmp_path, old: str, new: str) -> Path:
    folder = tmp_path / "mau-thu"
    shutil.copytree(FIXTURE_KINDS / "mau-thu", folder)
    path = folder / "kind.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('type = "phone"', 'type = "telephone"', "telephone"),
        ('id = "mau-thu"', 'id = "khac"', "trùng tên thư mục"),
        ('label = "Tên"', "label = 5", "label"),
        ('  id = "email"', '  id = "name"', "bị trùng"),
        ('field = "status", equals = "yes"', 'field = "khong_co", equals = "yes"', "khong_co"),
        (
            'of = "lines.amount"\n\n[[computed]]\nid = "by_group"',
            'of = "lines.khong"\n\n[[computed]]\nid = "by_group"',
            "lines.khong",
        ),
        ('check = "lte"', 'check = "approx"', "approx"),
        ('op = "add"', 'op = "multiply"', "multiply"),
        ('severity = "warning"', 'severity = "info"', "info"),
        ("version = 2", 'version = "2"', "version"),
        ('periods = ["month", "year"]', 'periods = ["week"]', "week"),
        ('[[sections]]\nid = "chung"', '[[sections]]\nid = "chung"\nfoo = [', "TOML"),
        (
            'options = [ { value = "yes", label = "Đã thành lập" }, { value = "no", label = "Chưa thành lập" } ]',
            "",
            "options",
        ),
        ('bases_field = "bases"', 'bases_field = "name"', "bases_field"),
        ('  id = "name"', '  id = "tên có dấu"', "tên có dấu"),
    ],
)
def test_a_broken_definition_names_the_file_and_the_place(tmp_path, old, new, expected):
    folder = _broken(tmp_path, old, new)
    with pytest.raises(KindError) as caught:
        load_kind(folder)
    assert str(folder / "kind.toml") in caught.value.message
    assert expected in caught.value.message


RULE_AT_END = '[[rules]]\nid = "order"'


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('[[sections]]\nid = "chung"', '[[sections]]\nid = "chung"\nexpected = "có"', "expected"),
        ('label = "Tên"\n', 'label = "Tên"\n  typical_max = 5\n', "typical_max"),
        ("max = 1000", "max = 1000\n  typical_max = 2000", "lớn hơn «max»"),
        (RULE_AT_END, '[[rules]]\nid = "x"\ncheck = "filled"\nfield = ["khong_co"]\n\n' + RULE_AT_END, "khong_co"),
        (
            RULE_AT_END,
            '[[rules]]\nid = "x"\ncheck = "filled"\nfield = ["name"]\nwhen = ["khong_co"]\n\n' + RULE_AT_END,
            "khong_co",
        ),
        (
            RULE_AT_END,
            '[[rules]]\nid = "x"\ncheck = "filled"\nfield = ["name"]\nlabel = "y"\n\n' + RULE_AT_END,
            "khóa lạ «label»",
        ),
        (RULE_AT_END, '[[rules]]\nid = "x"\ncheck = "nonzero"\nfield = ["name"]\n\n' + RULE_AT_END, "một số"),
        (
            RULE_AT_END,
            '[[rules]]\nid = "x"\ncheck = "nonzero"\nfield = ["count_all"]\nwhen = ["khong"]\n\n' + RULE_AT_END,
            "khong",
        ),
    ],
)
def test_the_keys_for_bounds_and_expected_parts_are_checked(tmp_path, old, new, expected):
    """#17: `expected` on a section, `typical_max` on a number, the `filled` and `nonzero` rules."""
    folder = _broken(tmp_path, old, new)
    with pytest.raises(KindError) as caught:
        load_kind(folder)
    assert str(folder / "kind.toml") in caught.value.message and expected in caught.value.message


def test_the_shipped_kinds_say_which_parts_a_report_is_expected_to_have():
    monthly, half, annual = (
        get_kind(k) for k in ("co-che-tai-chinh-thang", "quan-ly-khcn-6-thang", "ke-hoach-khcn-nam")
    )
    assert [s.id for s in monthly.sections if s.expected] == ["tinh_hinh", "kho_khan"]
    assert [s.id for s in half.sections if s.expected] == ["hoi_dong"]
    assert [s.id for s in annual.sections if s.expected] == ["lanh_dao", "linh_vuc", "danh_gia", "ke_hoach"]
    assert {r.check for r in half.rules} == {"filled", "nonzero"}
    amount = monthly.field("budget_total")
    assert (amount.upper_bound, amount.usual_bound) == (100_000 * 10**9, 100 * 10**9)
    assert (monthly.field("budget_year").upper_bound, monthly.field("budget_year").usual_bound) == (2200, None)


def test_a_missing_body_template_is_reported(tmp_path):
    folder = tmp_path / "mau-thu"
    shutil.copytree(FIXTURE_KINDS / "mau-thu", folder)
    (folder / "body.j2").unlink()
    with pytest.raises(KindError, match="body.j2"):
        load_kind(folder)


def test_the_template_check_catches_a_field_the_kind_does_not_have(tmp_path):
    folder = tmp_path / "mau-thu"
    shutil.copytree(FIXTURE_KINDS / "mau-thu", folder)
    body = folder / "body.j2"
    body.write_text(
        body.read_text(encoding="utf-8").replace("{{ v.name }}", "{{ v.ten_sai }} {{ c['khong_co'] }}"),
        encoding="utf-8",
    )
    assert undeclared_names(load_kind(folder)) == {"v.ten_sai", "c.khong_co"}


def test_a_condition_holds_only_for_the_values_it_names():
    equals, one_of, gt = Condition("s", equals="yes"), Condition("s", one_of=("a", "b")), Condition("n", gt=0)
    assert equals.holds({"s": "yes"}) and not equals.holds({"s": "no"}) and not equals.holds({})
    assert one_of.holds({"s": "b"}) and not one_of.holds({"s": "c"}) and not one_of.holds({})
    assert gt.holds({"n": 1}) and gt.holds({"n": Decimal("0.5")})
    assert not gt.holds({"n": 0}) and not gt.holds({"n": True}) and not gt.holds({"n": "5"}) and not gt.holds({})
    assert Field("f", "int", "F").applies({}) and not Field("f", "int", "F", visible_if=gt).applies({"n": 0})


def test_a_computed_value_names_the_fields_it_is_made_from_through_other_computed_values():
    kind = load_kind(FIXTURE_KINDS / "mau-thu")
    assert kind.sources("parts") == {"part_a", "part_b"}
    assert kind.sources("by_group") == {"lines.amount", "lines.group"}
    assert kind.sources("line_count") == {"lines"}
    assert kind.sources("ok_calc") == {"count_ok", "count_all"}
    plan = get_kind("ke-hoach-khcn-nam")
    assert plan.sources("estimate_sum_words") == {"estimate_lines.amount"}
    assert plan.sources("proc_on_time_pct_calc") == {"proc_on_time", "proc_late"}
    with pytest.raises(KeyError):
        kind.sources("name")


def test_what_changes_between_versions_is_imported_when_first_asked_for():
    """`kpdesk.kinds` names what `kpdesk.kinds.changes` holds without importing it at once (the window's start
    compares no versions): asked for, the names are that module's own; a name it does not have is refused."""
    import subprocess
    import sys

    script = (
        "import sys, kpdesk.kinds as kinds, kpdesk.draft, kpdesk.store\n"
        "print('kpdesk.kinds.changes' in sys.modules)\n"
        "from kpdesk.kinds import Change, KindChanges, kind_changes\n"
        "from kpdesk.kinds import changes\n"
        "print(Change is changes.Change, KindChanges is changes.KindChanges, kind_changes is changes.kind_changes)\n"
        "try:\n"
        "    kinds.no_such_name\n"
        "except AttributeError as exc:\n"
        "    print('refused', 'no_such_name' in str(exc))\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["False", "True", "True", "True", "refused", "True"], run.stdout
