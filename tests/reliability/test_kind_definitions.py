"""A broken report-kind definition (they may come from outside) is refused with a KindError naming its file.

tests/core/test_kinds.py checks one wording per mistake on the fixture kind; here every shipped kind is copied
to a temporary folder and mutated at random (keys deleted, types changed, ids duplicated, unknown types,
references to missing fields) and by hand (bad TOML, huge and deeply nested files). `load_kind` may only
raise KindError; and a kind that loads must then compute, validate and fill its templates for a draft, or
refuse with a KpdeskError.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import os
import re
import shutil
import tempfile
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpdesk import draft as drafts
from kpdesk.compute import compute
from kpdesk.errors import KindError, KpdeskError
from kpdesk.kinds import kind_folders, load_kind, templates_dir
from kpdesk.templating import fill_body, fill_text
from kpdesk.validate import validate

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = [p.name for p in kind_folders(templates_dir())]
TOMLS = {k: tomllib.loads((templates_dir() / k / "kind.toml").read_text(encoding="utf-8")) for k in SHIPPED}
EXAMPLE_OF = {}
for _path in sorted((ROOT / "examples").glob("*.json")):
    EXAMPLE_OF.setdefault(json.loads(_path.read_text(encoding="utf-8"))["kind"], _path)
REFERENCE_KEYS = ("field", "of", "left", "right", "total", "parts", "num", "den", "first", "then", "bases_field")


def fuzz(n: int) -> settings:
    return settings(
        settings.get_profile("kpdesk-reliability"), max_examples=int(os.environ.get("KPDESK_FUZZ_EXAMPLES") or n)
    )


# ----------------------------------------------------------------------------- writing TOML


def toml_dumps(data: dict) -> str:
    """TOML text for `data` (every table inline), enough to write back any parsed kind.toml."""
    return "".join(f"{_key(k)} = {_value(v)}\n" for k, v in data.items())


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _string(key)


def _string(text: str) -> str:
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(type(value))


def test_the_toml_writer_writes_every_shipped_kind_back_exactly(figures):
    figures.tried(__name__, len(SHIPPED))
    for kind_id in SHIPPED:
        assert tomllib.loads(toml_dumps(TOMLS[kind_id])) == TOMLS[kind_id]


# ----------------------------------------------------------------------------- a kind in a temporary folder


def install(root: Path, kind_id: str, toml: str | bytes | None = None) -> Path:
    """Copy the shipped kind to `root/kind_id`, with `toml` as its kind.toml when given."""
    folder = root / kind_id
    shutil.copytree(templates_dir() / kind_id, folder)
    if isinstance(toml, bytes):
        (folder / "kind.toml").write_bytes(toml)
    elif toml is not None:
        (folder / "kind.toml").write_text(toml, encoding="utf-8")
    return folder


def load_or_refuse(folder: Path):
    """The kind, or None when refused with a KindError that names the file; anything else fails."""
    try:
        return load_kind(folder)
    except KindError as exc:
        assert str(folder / "kind.toml") in exc.message or str(folder) in exc.message, exc.message
        return None
    except Exception as exc:  # reported briefly: a RecursionError's traceback takes seconds to print
        pytest.fail(f"load_kind raised {type(exc).__name__}: {str(exc)[:200]}", pytrace=False)


SAMPLES = {
    "text": "Thiệu Trung",
    "longtext": "Dòng 1\n- ý 2",
    "list": ["Ý một", "Ý hai"],
    "amount": 352_000_000,
    "int": 2024,
    "decimal": "2.5",
    "percent": "99.98",
    "date": "2026-03-30",
    "bool": True,
    "reference": {"kind": "Công văn", "code": "1133/SKHCN-KHTC", "date": "2026-03-30", "issuer": "Sở"},
    "phone": "0912345678",
    "email": "ten@xa.gov.vn",
}


def sample(f) -> object:
    """A value of the JSON form of field `f`, so that every computation and rule has something to work on."""
    if f.type == "choice":
        return f.options[0].value if f.options else None
    if f.type == "rows":
        return [{c.id: sample(c) for c in f.columns}, {c.id: sample(c) for c in f.columns}]
    return SAMPLES.get(f.type)


def use(kind, folder: Path) -> None:
    """Read the kind's example draft, every field filled, against `kind`; compute, validate and fill it.

    Only a KpdeskError may come out.
    """
    data = json.loads(EXAMPLE_OF[kind.id].read_text(encoding="utf-8"))
    values = {f.id: sample(f) for f in kind.fields}
    data["values"] = {**values, **{k: v for k, v in data["values"].items() if k in values}}
    try:
        draft = drafts.from_json(data, kinds_root=folder.parent)
        derived = compute(kind, draft)
        validate(kind, draft, derived, today=dt.date(2027, 12, 31))
        fill_body(kind, draft, derived)
        fill_text(kind, draft, kind.title, "title", derived)
        fill_text(kind, draft, kind.subject, "subject", derived)
    except KpdeskError as exc:
        assert exc.message.strip()
    except Exception as exc:
        pytest.fail(f"using the kind raised {type(exc).__name__}: {str(exc)[:200]}", pytrace=False)


# ----------------------------------------------------------------------------- random mutations

toml_scalars = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
    st.integers(-(10**6), 10**6),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.dates(),
    st.sampled_from(
        [
            "amount",
            "rows",
            "choice",
            "sum",
            "equals",
            "month",
            "trieu",
            "budget_total",
            "khong_co",
            "report_year",
            "",
            "x.y",
        ]
    ),
)
toml_values = st.recursive(
    toml_scalars,
    lambda kids: (
        st.lists(kids, max_size=4)
        | st.dictionaries(
            st.sampled_from(["id", "type", "label", "of", "field", "options", "columns", "value", "min", "x"]),
            kids,
            max_size=4,
        )
    ),
    max_leaves=12,
)


def _slots(node, out=None):
    """Every (container, key) of a parsed definition."""
    out = [] if out is None else out
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in items:
        out.append((node, key))
        _slots(child, out)
    return out


@st.composite
def mutated_kind(draw, kind_id: str) -> dict:
    data = copy.deepcopy(TOMLS[kind_id])
    for _ in range(draw(st.integers(1, 3))):
        slots = _slots(data)
        fields = [t for t, k in slots if isinstance(t, dict) and k == "id" and "type" in t]
        refs = [(t, k) for t, k in slots if k in REFERENCE_KEYS]
        op = draw(st.sampled_from(["delete", "replace", "swap-type", "dup-id", "unknown-type", "missing-ref"]))
        if op == "dup-id" and len(fields) >= 2:
            a, b = draw(st.sampled_from(fields)), draw(st.sampled_from(fields))
            a["id"] = b["id"]
        elif op == "unknown-type" and fields:
            draw(st.sampled_from(fields))["type"] = draw(st.sampled_from(["telephone", "money", "", "Amount", "rows "]))
        elif op == "missing-ref" and refs:
            parent, key = draw(st.sampled_from(refs))
            parent[key] = draw(st.sampled_from(["khong_co", ["khong_co"], "budget_total.x", "measures.khong_co"]))
        else:
            parent, key = draw(st.sampled_from(slots))
            if op == "delete":
                del parent[key]
            elif op == "swap-type":
                old = parent[key]
                parent[key] = (
                    {str: 7, int: "7", float: "1.5", bool: "true", list: {}, dict: []}.get(type(old), None)
                    if not isinstance(old, bool)
                    else "true"
                )
                if parent[key] is None:
                    parent[key] = "x"
            else:
                parent[key] = draw(toml_values)
    return data


@pytest.mark.parametrize("kind_id", SHIPPED)
@fuzz(100)
@given(data=st.data())
def test_a_randomly_broken_definition_is_refused_naming_its_file(kind_id, data, figures):
    figures.tried(__name__)
    definition = data.draw(mutated_kind(kind_id))
    with tempfile.TemporaryDirectory() as tmp:
        folder = install(Path(tmp), kind_id, toml_dumps(definition))
        load_or_refuse(folder)


@pytest.mark.parametrize("kind_id", SHIPPED)
@fuzz(60)
@given(data=st.data())
def test_a_randomly_broken_definition_that_loads_is_usable(kind_id, data, figures):
    figures.tried(__name__)
    definition = data.draw(mutated_kind(kind_id))
    with tempfile.TemporaryDirectory() as tmp:
        folder = install(Path(tmp), kind_id, toml_dumps(definition))
        kind = load_or_refuse(folder)
        if kind is not None:
            use(kind, folder)


# ----------------------------------------------------------------------------- crafted mutations


def _text(kind_id: str = "co-che-tai-chinh-thang") -> str:
    return (templates_dir() / kind_id / "kind.toml").read_text(encoding="utf-8")


CRAFTED_TOML = {
    "empty": "",
    "bom": "\ufeff" + _text(),
    "truncated": _text()[: len(_text()) // 2],
    "duplicate-key": _text() + '\nid = "co-che-tai-chinh-thang"\n',
    "garbage-line": _text().replace("[[sections]]", "[[sections]]\n@@@", 1),
    "unclosed-string": _text().replace('name = "', 'name = "\n', 1),
    "tabs-and-crlf": _text().replace("\n", "\r\n").replace("  ", "\t"),
    "html": "<html><body>Mẫu báo cáo</body></html>",
    "json": json.dumps(TOMLS["co-che-tai-chinh-thang"], ensure_ascii=False),
    "sections-not-array": _text().replace("[[sections]]", "[sections]", 1),
    "only-comments": "# " + "\n# ".join(_text().splitlines()),
    "huge-comment": _text() + "\n# " + "x" * 5_000_000 + "\n",
    "huge-string": _text().replace('name = "', 'name = "' + "Báo cáo " * 500_000, 1),
    "many-sections": _text() + "".join(f'\n[[sections]]\nid = "s{i}"\ntitle = "T"\nfields = []\n' for i in range(5000)),
    "many-fields": _text()
    + '\n[[sections]]\nid = "nhieu"\ntitle = "T"\n'
    + "".join(f'  [[sections.fields]]\n  id = "f{i}"\n  type = "text"\n  label = "L{i}"\n' for i in range(3000)),
    "unknown-field-type": _text().replace('type = "phone"', 'type = "telephone"', 1),
    "duplicate-field-id": _text().replace('id = "contact_email"', 'id = "contact_name"', 1),
    "duplicate-section-and-field": _text().replace('id = "disbursed"', 'id = "budget_total"', 1),
    "missing-visible-if-field": _text().replace('field = "fund_status"', 'field = "khong_co"', 1),
    "missing-computed-ref": _text().replace('of = ["budget_st", "budget_dt"]', 'of = ["budget_st", "khong_co"]', 1),
    "missing-rule-ref": _text().replace('left = ["disbursed"]', 'left = ["khong_co"]', 1),
    "id-not-folder": _text().replace('id = "co-che-tai-chinh-thang"', 'id = "khac"', 1),
    "version-text": _text().replace("version = 1", 'version = "1"', 1),
    "control-char": _text().replace('name = "', 'name = "\x07', 1),
    "nul": _text().replace('name = "', 'name = "\x00', 1),
    "lone-cr": _text().replace("\n", "\r"),
}
CRAFTED_BYTES = {
    "latin-1": _text().encode("latin-1", "replace"),
    "utf-16": _text().encode("utf-16"),
    "random": bytes(range(256)) * 10,
    "invalid-utf8": _text().encode() + b"\xff\xfe",
}


@pytest.mark.parametrize("case", sorted(CRAFTED_TOML) + sorted(CRAFTED_BYTES))
def test_a_crafted_broken_definition_is_refused_or_loads(case, tmp_path, figures):
    figures.crafted(__name__)
    folder = install(tmp_path, "co-che-tai-chinh-thang", CRAFTED_TOML.get(case, CRAFTED_BYTES.get(case)))
    kind = load_or_refuse(folder)
    if case not in ("tabs-and-crlf", "lone-cr", "huge-comment", "huge-string", "many-sections", "many-fields"):
        assert kind is None, f"{case} was accepted"


def _upgrade(rename: str, *, version: int = 2, from_version: int = 1, more: str = "") -> str:
    return (
        _text().replace("version = 1", f"version = {version}", 1)
        + f"\n[[upgrades]]\nfrom_version = {from_version}\nrename = {{ {rename} }}\n{more}"
    )


#: Definitions each part of which is valid alone (issue 19: all were accepted) -> what the refusal must name.
INCONSISTENT = {
    "duplicate-section-id": (_text().replace('id = "quy"', 'id = "can_cu"', 1), ("sections[3]", "«can_cu»")),
    "duplicate-rule-id": (
        _text().replace('id = "fund_year"', 'id = "budget_breakdown"', 1),
        ("rules[2]", "«budget_breakdown»"),
    ),
    "min-above-max": (
        _text().replace("min = 1990\n  max = 2200", "min = 2200\n  max = 1990", 1),
        ("budget_year", "min = 2200", "max = 1990"),
    ),
    "visible-if-itself": (
        _text().replace('visible_if = { field = "fund_status"', 'visible_if = { field = "fund_start_year"', 1),
        ("fund_start_year", "visible_if", "chính nó"),
    ),
    "visible-if-cycle": (
        _text().replace(
            '  id = "fund_status"\n', '  id = "fund_status"\n  visible_if = { field = "fund_start_year", gt = 0 }\n', 1
        ),
        ("«fund_status»", "«fund_start_year»", "vòng tròn"),
    ),
    "negative-version": (_text().replace("version = 1", "version = -3", 1), ("version", "-3")),
    "zero-version": (_text().replace("version = 1", "version = 0", 1), ("version", "= 0")),
    "rename-into-nothing": (_upgrade('budget_old = "khong_co"'), ("upgrades[0]", "«budget_old» → «khong_co»")),
    "rename-chain-into-nothing": (
        _upgrade('a = "b"', version=3, more='\n[[upgrades]]\nfrom_version = 2\nrename = { b = "c" }\n'),
        ("upgrades[0]", "«a» → «b»"),
    ),
    "upgrade-from-the-current-version": (
        _upgrade('budget_old = "budget_total"', from_version=2),
        ("upgrades[0]", "from_version = 2"),
    ),
}


@pytest.mark.parametrize("case", sorted(INCONSISTENT))
def test_an_inconsistent_definition_is_refused_naming_file_and_field(case, tmp_path, figures):
    figures.crafted(__name__)
    text, named = INCONSISTENT[case]
    assert text != _text()
    folder = install(tmp_path, "co-che-tai-chinh-thang", text)
    with pytest.raises(KindError) as caught:
        load_kind(folder)
    message = caught.value.message
    assert str(folder / "kind.toml") in message and all(n in message for n in named), message


def test_upgrades_that_rename_through_a_chain_or_remove_later_load(tmp_path, figures):
    figures.crafted(__name__)
    text = _upgrade(
        'a = "b"',
        version=3,
        more='\n[[upgrades]]\nfrom_version = 2\nrename = { b = "budget_total" }\n'
        '\n[[upgrades]]\nfrom_version = 1\nrename = { x = "y" }\nremove = []\n'
        '\n[[upgrades]]\nfrom_version = 2\nremove = ["y"]\n',
    )
    kind = load_kind(install(tmp_path, "co-che-tai-chinh-thang", text))
    assert kind.version == 3 and len(kind.upgrades) == 4


@pytest.mark.parametrize("what", ["body.j2", "kind.toml"])
def test_a_missing_file_is_named(what, tmp_path, figures):
    figures.crafted(__name__)
    folder = install(tmp_path, "co-che-tai-chinh-thang")
    (folder / what).unlink()
    assert load_or_refuse(folder) is None


@pytest.mark.parametrize("deep", ["[" * 5000 + "]" * 5000, "{a=" * 3000 + "1" + "}" * 3000])
def test_a_deeply_nested_definition_is_refused(deep, tmp_path, figures):
    figures.crafted(__name__)
    folder = install(tmp_path, "co-che-tai-chinh-thang", _text() + "\nx = " + deep + "\n")
    assert load_or_refuse(folder) is None


@pytest.mark.parametrize("how", ["folder", "loop"])
def test_a_kind_toml_that_cannot_be_read_is_refused(how, tmp_path, figures):
    figures.crafted(__name__)
    folder = install(tmp_path, "co-che-tai-chinh-thang")
    (folder / "kind.toml").unlink()
    if how == "folder":
        (folder / "kind.toml").mkdir()
    else:
        os.symlink(folder / "kind.toml", folder / "kind.toml")
    assert load_or_refuse(folder) is None


@pytest.mark.parametrize("template", ["/etc/hostname", "../khac/body.j2"])
def test_a_template_outside_the_kind_folder_is_refused_when_loaded(template, tmp_path, figures):
    figures.crafted(__name__)
    if Path(template).is_absolute() and not Path(template).is_file():
        pytest.skip(f"{template} does not exist here")
    other = tmp_path / "khac"
    other.mkdir()
    (other / "body.j2").write_text("<body/>", encoding="utf-8")
    folder = install(
        tmp_path,
        "co-che-tai-chinh-thang",
        _text().replace("deadline_day = 20", f"deadline_day = 20\ntemplate = {_string(template)}", 1),
    )
    assert load_or_refuse(folder) is None


def test_a_bases_field_naming_a_computed_value_is_refused(tmp_path, figures):
    figures.crafted(__name__)
    folder = install(
        tmp_path,
        "co-che-tai-chinh-thang",
        _text().replace("deadline_day = 20", 'deadline_day = 20\nbases_field = "budget_parts"', 1),
    )
    assert load_or_refuse(folder) is None


# A definition that once loaded but could not be used: (text replaced, replacement, the crash it caused). Each must
# now be refused when loaded, or give a KpdeskError when used.
LOADS_THEN_CRASHES = {
    "percent-without-num": ('num = "disbursed"\n', "", "KeyError"),
    "percent-places-text": ('den = "budget_total"\n', 'den = "budget_total"\nplaces = "hai"\n', "ValueError"),
    "percent-places-negative": ('den = "budget_total"\n', 'den = "budget_total"\nplaces = -3\n', "ValueError"),
    "words-unknown-style": ('of = "budget_total"\n', 'of = "budget_total"\nstyle = "west"\n', "ValueError"),
    "group-sum-without-column": (
        'op = "words"\nof = "budget_total"',
        'op = "group_sum"\nof = "budget_total"',
        "ValueError",
    ),
    "count-of-a-number": ('op = "words"\nof = "budget_total"', 'op = "count"\nof = "budget_total"', "TypeError"),
    "add-without-of": ('op = "add"\nof = ["budget_st", "budget_dt"]', 'op = "add"', "KeyError"),
    "year-range-min-text": ('min = 1990\nmax = "report_year"', 'min = "x"\nmax = "report_year"', "ValueError"),
    "year-range-max-text": ('min = 1990\nmax = "report_year"', 'min = 1990\nmax = "nam-bao-cao"', "ValueError"),
    "year-range-without-field": ('field = "fund_start_year"\nmin', "min", "KeyError"),
    "year-range-on-text": ('field = "fund_start_year"\nmin', 'field = "contact_name"\nmin', "TypeError"),
    "percent-close-without-field": ('check = "lte"', 'check = "percent_close"', "KeyError"),
    "date-order-without-first": ('check = "lte"', 'check = "date_order"', "KeyError"),
    "min-nan": ("min = 1990\n  max = 2200", "min = nan\n  max = 2200", "InvalidOperation"),
    "title-divides-by-zero": ('của {{ unit.full_name }}"', 'của {{ unit.full_name }}{{ 1/0 }}"', "ZeroDivisionError"),
}


@pytest.mark.parametrize("case", sorted(LOADS_THEN_CRASHES))
def test_a_definition_that_loads_can_be_used(case, tmp_path, figures):
    figures.crafted(__name__)
    old, new, _crash = LOADS_THEN_CRASHES[case]
    assert old in _text(), old
    folder = install(tmp_path, "co-che-tai-chinh-thang", _text().replace(old, new, 1))
    kind = load_or_refuse(folder)
    if kind is not None:
        use(kind, folder)


def test_every_shipped_kind_is_usable_as_shipped(tmp_path, figures):
    """The control for the tests above."""
    figures.tried(__name__, len(SHIPPED))
    for kind_id in SHIPPED:
        folder = install(tmp_path, kind_id)
        kind = load_or_refuse(folder)
        assert kind is not None
        use(kind, folder)


# ----------------------------------------------------------------------------- one broken kind among good ones


@pytest.fixture
def one_broken(tmp_path, monkeypatch) -> Path:
    """The shipped kinds, one of them with a duplicate rule id, as KPDESK_TEMPLATES; the broken kind's folder."""
    for kind_id in SHIPPED:
        install(tmp_path, kind_id)
    broken = tmp_path / "co-che-tai-chinh-thang"
    (broken / "kind.toml").write_text(INCONSISTENT["duplicate-rule-id"][0], encoding="utf-8")
    monkeypatch.setenv("KPDESK_TEMPLATES", str(tmp_path))
    return broken


def test_kinds_lists_the_good_kinds_and_names_the_broken_one(one_broken, capsys, figures):
    """Issue 19: one broken kind made `kpdesk kinds` fail entirely (exit 2) while the window skipped it."""
    from kpdesk import cli

    figures.crafted(__name__)
    code = cli.main(["kinds"])
    out, err = capsys.readouterr()
    assert code == 1
    assert all(f"{k}  (phiên bản" in out for k in SHIPPED if k != one_broken.name) and one_broken.name not in out
    assert f"mẫu báo cáo «{one_broken.name}» bị bỏ qua" in err and str(one_broken / "kind.toml") in err, err
    assert "rules[2]" in err and "bị trùng" in err and f"Hãy sửa hoặc gỡ thư mục {one_broken}" in err


def test_the_window_skips_the_broken_kind_saying_which_and_why(one_broken, qapp, tmp_path, figures):
    from PySide6.QtCore import QSettings

    from kpdesk.store import Store
    from ui.main_window import MainWindow
    from ui.settings import Settings

    figures.crafted(__name__)
    store = Store.open(tmp_path / "dữ liệu")
    try:
        window = MainWindow(store, Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)))
        assert sorted(k.id for k in window.kinds) == sorted(k for k in SHIPPED if k != one_broken.name)
        (message,) = window.broken_kinds
        assert f"«{one_broken.name}» bị bỏ qua" in message and "rules[2]" in message and "bị trùng" in message
        assert message in window.statusBar().currentMessage()
        window.close()
    finally:
        store.close()
