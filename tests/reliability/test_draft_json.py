"""A draft file of any shape is either read or refused with a DraftError that says, in Vietnamese, what is wrong.

tests/core/test_draft.py covers the intended refusals one by one; here every example is mutated
systematically and hypothesis feeds JSON of any shape, and nothing but DraftError may come out.
"""

from __future__ import annotations

import copy
import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpdesk import draft as drafts
from kpdesk.errors import DraftError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
BASES = {p.name[:3]: json.loads(p.read_text(encoding="utf-8")) for p in EXAMPLES}
VIETNAMESE = re.compile("[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.IGNORECASE)


def fuzz(n: int) -> settings:
    return settings(
        settings.get_profile("kpdesk-reliability"), max_examples=int(os.environ.get("KPDESK_FUZZ_EXAMPLES") or n)
    )


def read(data=None, *, text: str | bytes | None = None) -> drafts.Draft | None:
    """Read a draft from `data` (through its JSON text, as from a file) or from `text`; None when refused.

    Any exception but DraftError fails the test; a refusal must be a Vietnamese sentence.
    """
    if text is None:
        text = json.dumps(data, ensure_ascii=False, allow_nan=True)
    try:
        draft = drafts.loads(text)
    except DraftError as exc:
        assert exc.message.strip() and VIETNAMESE.search(exc.message), exc.message
        return None
    # what was read can be written back and read again to the same draft
    again = drafts.loads(drafts.dumps(draft))
    assert drafts.to_json(again) == drafts.to_json(draft)
    return draft


# ----------------------------------------------------------------------------- JSON of any shape

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=30),
    st.sampled_from(["kpdesk-draft", "co-che-tai-chinh-thang", "2026-04-30", "352 triệu", "NaN"]),
)
json_values = st.recursive(
    scalars,
    lambda kids: (
        st.lists(kids, max_size=5)
        | st.dictionaries(
            st.text(max_size=12) | st.sampled_from(["format", "format_version", "kind", "values", "unit", "period"]),
            kids,
            max_size=6,
        )
    ),
    max_leaves=40,
)


@fuzz(200)
@given(value=json_values)
def test_any_json_value_is_refused_with_a_draft_error(value, figures):
    figures.tried(__name__)
    with pytest.raises(DraftError):
        drafts.from_json(value)
    assert read(value) is None


@fuzz(150)
@given(data=st.data(), base=st.sampled_from(sorted(BASES)))
def test_an_example_with_random_parts_replaced_is_read_or_refused(data, base, figures):
    """Replace a few values anywhere in a real draft with JSON of any shape."""
    figures.tried(__name__)
    draft = copy.deepcopy(BASES[base])
    for _ in range(data.draw(st.integers(1, 3))):
        parent, key = data.draw(st.sampled_from(_slots(draft)))
        if data.draw(st.booleans()) and isinstance(parent, dict):
            parent.pop(key, None)
        else:
            parent[key] = data.draw(json_values)
    read(draft)


def _slots(node, out=None):
    """Every (container, key) pair of a JSON tree."""
    out = [] if out is None else out
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in items:
        out.append((node, key))
        _slots(child, out)
    return out


@fuzz(200)
@given(raw=st.binary(max_size=300) | st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_any_bytes_are_refused_with_a_draft_error(raw, figures):
    figures.tried(__name__)
    assert read(text=raw) is None


# ----------------------------------------------------------------------------- every example, mutated

REPLACEMENTS = [
    None,
    True,
    False,
    0,
    -1,
    1.5,
    math.nan,
    math.inf,
    -math.inf,
    "",
    "x",
    "\x00",
    " ",
    "NaN",
    "Infinity",
    "1e309",
    "-0",
    [],
    {},
    [None],
    {"a": None},
    [[]],
    10**100,
    -(10**100),
    "9" * 4000,
]


def _mutations(base: dict):
    """(label, draft) for each top-level and second-level key dropped or replaced by each odd value."""
    for key in list(base):
        yield f"drop {key}", {k: v for k, v in base.items() if k != key}
        for value in REPLACEMENTS:
            yield f"{key}={value!r:.20}", {**base, key: value}
    for sub in ("unit", "signer", "period", "values"):
        for key in list(base[sub]):
            yield f"drop {sub}.{key}", {**base, sub: {k: v for k, v in base[sub].items() if k != key}}
            for value in REPLACEMENTS:
                yield f"{sub}.{key}={value!r:.20}", {**base, sub: {**base[sub], key: value}}


@pytest.mark.parametrize("base", sorted(BASES))
def test_every_key_dropped_or_given_an_odd_value_is_read_or_refused(base, figures):
    count = 0
    for label, draft in _mutations(BASES[base]):
        count += 1
        try:
            read(draft)
        except AssertionError:
            raise
        except Exception as exc:  # pragma: no cover - the failure message names the mutation
            pytest.fail(f"{label}: {type(exc).__name__}: {exc}")
    figures.crafted(__name__, count)


@pytest.mark.parametrize("value", [[], {}, ["trieu"]])
def test_a_list_or_object_as_money_unit_is_refused(value, figures):
    figures.crafted(__name__)
    assert read({**BASES["000"], "money_unit": value}) is None


def test_a_null_period_year_is_refused(figures):
    figures.crafted(__name__)
    assert read({**BASES["000"], "period": {"type": "month", "year": None, "month": 4}}) is None


def test_a_very_long_kind_id_is_refused(figures):
    figures.crafted(__name__)
    assert read({**BASES["000"], "kind": "k" * 4000}) is None


@pytest.mark.parametrize(
    "kind",
    [
        "",
        "khong-co",
        "../templates",
        "/etc",
        "co-che-tai-chinh-thang/../x",
        ".",
        "..",
        "a\x00b",
        "CO-CHE-TAI-CHINH-THANG",
        " co-che-tai-chinh-thang",
        "con",
        "k" * 200,
    ],
)
def test_an_unknown_kind_is_named(kind, figures):
    figures.crafted(__name__)
    with pytest.raises(DraftError, match="Không có loại báo cáo"):
        drafts.from_json({**BASES["000"], "kind": kind})


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("format_version", 2, "phiên bản kpdesk mới hơn"),
        ("format_version", 10**100, "phiên bản kpdesk mới hơn"),
        ("kind_version", 2, "mới hơn bản đang cài"),
        ("kind_version", 10**100, "mới hơn bản đang cài"),
        ("format_version", math.nan, "format_version"),
        ("format_version", math.inf, "format_version"),
        ("kind_version", -math.inf, "kind_version"),
        ("format", "kpdesk-draft-v2", "không phải bản nháp kpdesk"),
    ],
)
def test_a_future_or_foreign_version_is_named(key, value, expected, figures):
    figures.crafted(__name__)
    with pytest.raises(DraftError) as caught:
        drafts.loads(json.dumps({**BASES["000"], key: value}))
    assert expected in caught.value.message


@pytest.mark.parametrize(
    "where",
    [
        "title",
        "unit.name",
        "signer.name",
        "values.request_subject",
        "values.overview",
        "values.closing",
        "values.contact_phone",
        "values.budget_total",
        "key",
    ],
)
def test_a_one_megabyte_string_anywhere_is_read_or_refused(where, figures):
    figures.crafted(__name__)
    big = "Thiệu Trung " * 90_000  # 1 MB of UTF-8
    d = copy.deepcopy(BASES["000"])
    if where == "key":
        d["values"][big] = 1
    elif "." in where:
        sub, key = where.split(".")
        d[sub][key] = [big] if key == "overview" else big
    else:
        d[where] = big
    read(d)


@pytest.mark.parametrize("where", ["top", "values", "values.overview", "unit", "period", "values.request_ref"])
def test_nesting_ten_thousand_deep_is_refused(where, figures):
    figures.crafted(__name__)
    deep = "[" * 10_000 + "]" * 10_000
    text = deep if where == "top" else _with_literal(where, deep)
    assert read(text=text) is None


def _with_literal(where: str, literal: str) -> str:
    """The JSON text of example 000 with the value at `where` (a dotted path) replaced by a raw JSON literal."""
    d = copy.deepcopy(BASES["000"])
    *parents, key = where.split(".")
    node = d
    for parent in parents:
        node = node[parent]
    node[key] = "__literal__"
    return json.dumps(d, ensure_ascii=False).replace('"__literal__"', literal)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e309", "-1e309", "1E400"])
@pytest.mark.parametrize(
    "where",
    [
        "format_version",
        "kind_version",
        "period.year",
        "period.month",
        "values.budget_total",
        "values.budget_year",
        "number",
    ],
)
def test_nan_and_infinity_literals_are_refused(literal, where, figures):
    figures.crafted(__name__)
    assert read(text=_with_literal(where, literal)) is None


@pytest.mark.parametrize("literal", ["NaN", "12345", "true", "[]", "{}"])
@pytest.mark.parametrize("where", ["date", "values.request_ref.date"])
def test_a_date_that_is_not_a_string_is_refused(literal, where, figures):
    figures.crafted(__name__)
    assert read(text=_with_literal(where, literal)) is None


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\xef\xbb\xbf",
        b"\xff\xfe{\x00}\x00",
        "{}".encode("utf-16"),
        b"\x00" * 100,
        b'{"format": "kpdesk-draft"' + b" " * 10,
        b"\x1f\x8b\x08\x00",
        b"PK\x03\x04",
        b'"\\ud800"',
        b"[" * 100_000,
        b" " * (drafts.MAX_DRAFT_BYTES + 1),
    ],
    ids=lambda raw: f"{raw[:12]!r}x{len(raw)}",
)
def test_files_that_are_not_json_are_refused(raw, figures):
    figures.crafted(__name__)
    assert read(text=raw) is None


@pytest.mark.parametrize("where", ["values.budget_total", "format_version", "period.year"])
def test_an_integer_of_5000_digits_is_refused(where, figures):
    figures.crafted(__name__)
    assert read(text=_with_literal(where, "1" + "0" * 5000)) is None


def _cap_memory() -> None:  # pragma: no cover - runs in the child
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def _start_limited(code: str) -> subprocess.Popen:
    """Start `code` in a child Python capped to 1 GB of memory."""
    return subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        preexec_fn=_cap_memory if os.name == "posix" else None,
    )


def _finished(child: subprocess.Popen, seconds: float) -> str:
    """The last line the child printed, or TIMEOUT (and the child killed)."""
    try:
        out, _ = child.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        return "TIMEOUT"
    lines = out.strip().splitlines()
    return lines[-1] if lines else ""


HUGE_DECIMALS = [
    ("004", "proc_online_pct", "1e999999999"),
    ("004", "proc_online_pct", "1e-999999999"),
    ("002", "models", [{"name": "Mô hình", "area": "1e999999999"}]),
]


def test_a_decimal_with_a_huge_exponent_is_kept_as_text_when_read(figures):
    """Never expanded digit by digit: read as text not read yet (#17: a value a file gives that cannot be read is
    kept to correct, as the window keeps it), which validation reports at once."""
    figures.crafted(__name__, len(HUGE_DECIMALS))
    children = []
    for example, field, value in HUGE_DECIMALS:
        path = EXAMPLES[[p.name[:3] for p in EXAMPLES].index(example)]
        code = f"""
import json
from pathlib import Path
from kpdesk import draft as drafts
from kpdesk.errors import DraftError, KpdeskError
from kpdesk.kinds import get_kind
from kpdesk.validate import validate
data = json.loads(Path({str(path)!r}).read_text(encoding="utf-8"))
data["values"][{field!r}] = {value!r}
try:
    d = drafts.from_json(data)
except DraftError:
    print("refused")
else:
    try:
        found = validate(get_kind(d.kind), d).problems
        unread = [p for p in found if p.code == "input.unreadable" and p.field == {field!r}]
        print("kept as text" if len(d.inputs) == 1 and len(unread) == 1 else "validated")
    except KpdeskError:
        print("refused late")
"""
        children.append(_start_limited(code))
    assert [_finished(child, 20) for child in children] == ["kept as text"] * len(children)


# ----------------------------------------------------------------------------- issue 19: surrogates, counts, files


@pytest.mark.parametrize(
    "where", ["number", "title", "unit.name", "values.request_subject", "values.overview", "values.contact_phone"]
)
def test_a_lone_surrogate_is_dropped_so_the_draft_prints_and_stores(where, tmp_path, capsys, figures):
    """`"\\ud800"` in a JSON string is no character: `check` crashed printing it and `import` crashed in SQLite."""
    from kpdesk import cli

    figures.crafted(__name__)
    d = copy.deepcopy(BASES["000"])
    *parents, key = where.split(".")
    node = d
    for parent in parents:
        node = node[parent]
    node[key] = ["Ý \ud800một"] if key == "overview" else "12\udfff/BC" if key == "number" else "Thiệu\ud83d Trung"
    text = json.dumps(d, ensure_ascii=True)  # the surrogate travels as the escape \ud800, as in the attack
    draft = read(text=text)
    assert draft is not None
    assert not re.search("[\ud800-\udfff]", drafts.dumps(draft))
    path = tmp_path / "ban-nhap.json"
    path.write_text(text, encoding="ascii")
    assert cli.main(["check", str(path)]) in (0, 1)
    assert cli.main(["--data-dir", str(tmp_path / "dữ liệu"), "import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Đã nhập" in out


def test_a_list_of_half_a_million_items_is_refused_naming_it(figures):
    """It took 118 s to render; a list or table has at most MAX_ITEMS items, a draft MAX_PARTS parts."""
    figures.crafted(__name__, 3)
    d = copy.deepcopy(BASES["000"])
    d["values"]["overview"] = ["ý"] * 500_000  # 2.5 MB, under the 5 MB cap
    with pytest.raises(DraftError, match=r"«values\.overview» có 500\.000 mục.*tối đa 2\.000"):
        drafts.loads(json.dumps(d, ensure_ascii=False))
    d["values"]["overview"] = ["ý"] * drafts.MAX_ITEMS
    d["values"]["closing"] = "dòng\n" * (drafts.MAX_PARTS - drafts.MAX_ITEMS)  # one line too many in all
    with pytest.raises(DraftError, match="hơn 5.000 phần"):
        drafts.loads(json.dumps(d, ensure_ascii=False))
    d["values"]["closing"] = "dòng\n" * 100
    at_the_bound = drafts.loads(json.dumps(d, ensure_ascii=False))
    assert len(at_the_bound.values["overview"]) == drafts.MAX_ITEMS


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes, /dev/zero and ELOOP are POSIX")
def test_a_draft_path_that_is_no_regular_file_is_refused_before_reading(tmp_path, figures):
    """`check /dev/zero` ran out of memory, a FIFO hung forever, a long name and a symlink loop gave tracebacks."""
    from kpdesk import cli

    fifo = tmp_path / "ống.json"
    os.mkfifo(fifo)
    loop = tmp_path / "vòng.json"
    os.symlink(tmp_path / "vòng-2.json", loop)
    os.symlink(loop, tmp_path / "vòng-2.json")
    # the pipe first, in a child with a timeout: before the fix, reading it never returned
    child = subprocess.run(
        [sys.executable, "-m", "kpdesk", "check", str(fifo)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    assert child.returncode == 2 and "không phải là tệp thường" in child.stderr, child.stderr[-2000:]
    assert child.stderr.startswith("Lỗi:") and "Traceback" not in child.stderr
    zero = _start_limited(
        "from kpdesk import draft\ntry:\n    draft.load('/dev/zero')\nexcept Exception as e:\n"
        "    print(type(e).__name__, e)"
    )  # a regression eats the child's 1 GB, not the machine
    assert _finished(zero, 60).startswith("DraftError /dev/zero không phải là tệp thường")
    cases = {
        fifo: "không phải là tệp thường",
        loop: "trỏ vòng quanh",
        tmp_path / ("a" * 300 + ".json"): "quá dài",
        tmp_path: "là thư mục",
    }
    figures.crafted(__name__, len(cases))
    for path, expected in cases.items():
        with pytest.raises(DraftError, match=expected):
            drafts.load(path)
    assert cli.main(["check", str(tmp_path / "khong-co.json")]) == 2
