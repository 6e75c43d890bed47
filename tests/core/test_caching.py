"""The code cache of kpdesk's dataclasses: compiled once, the same methods from the cache, never in the way."""

from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kpdesk import caching
from kpdesk.caching import CODE_DIR, ENV_CACHE_DIR, OLD_CODE_DIR, OLD_CODE_FILE, CodeCache

ROOT = Path(caching.__file__).parents[1]
STAMP = f"{sys.version} {sys.implementation.cache_tag} -O{sys.flags.optimize}"
#: The file of the probe's module (below) in a cache folder.
PROBE_FILE = Path(CODE_DIR) / "kpdesk.probe_dataclasses.marshal"


def method(n: int) -> str:
    """A text as `dataclasses` writes one, whose function returns `n`."""
    return f"def __create_fn__():\n def f(self):\n  return {n}\n return f"


def made(code: object) -> object:
    """The function the text `method(n)` compiled to `code` makes."""
    namespace: dict = {}
    exec(code, {}, namespace)
    return namespace["__create_fn__"]()(None)


#: A dataclass made in a module of kpdesk's (served by the cache) and the same one in another module (not served):
#: what each method does and says is printed as JSON.
PROBE = r'''
import dataclasses, inspect, json, sys, types
from kpdesk import caching

SOURCE = """
from __future__ import annotations
import dataclasses
@dataclasses.dataclass(frozen=True)
class Point:
    "A point."
    x: int
    label: str = "gốc"
    tags: tuple[str, ...] = dataclasses.field(default_factory=tuple)
@dataclasses.dataclass(order=True)
class Box:
    "A box."
    size: int
    items: list[int] = dataclasses.field(default_factory=list)
"""

def made_in(name):
    module = types.ModuleType(name)
    sys.modules[name] = module
    exec(SOURCE, module.__dict__)
    return module

def looks(module):
    p = module.Point(1, "a", ("t",))
    try:
        p.x = 2
        frozen = False
    except dataclasses.FrozenInstanceError:
        frozen = True
    b = module.Box(3)
    b.items.append(1)
    return {
        "repr": [repr(p), repr(b)], "eq": [p == module.Point(1, "a", ("t",)), p == module.Point(2)],
        "hash": hash(p) == hash((1, "a", ("t",))), "frozen": frozen, "order": module.Box(1) < module.Box(2),
        "signature": [str(inspect.signature(module.Point)), str(inspect.signature(module.Box))],
        "annotations": [repr(module.Point.__init__.__annotations__), repr(module.Box.__init__.__annotations__)],
        "fresh_list": module.Box(3).items == [],
        "replace": repr(dataclasses.replace(p, x=5)),
    }

before = dict(caching.COUNTS)
ours = looks(made_in("kpdesk.probe_dataclasses"))
after = dict(caching.COUNTS)
theirs = looks(made_in("probe_elsewhere"))  # not kpdesk's: Python's own exec
print(json.dumps({"ours": ours, "theirs": theirs, "after": after, "before": before,
                  "elsewhere": caching.COUNTS == after, "hooked": getattr(dataclasses, "exec", None) is not None}))
'''


def run_probe(cache_dir: str, script: str = PROBE) -> dict:
    """What `script` (by default PROBE) prints last, run in a fresh Python with `cache_dir` as the cache folder."""
    env = {**os.environ, ENV_CACHE_DIR: cache_dir}
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.splitlines()[-1])


def test_a_dataclass_is_compiled_once_then_made_from_the_cache_with_the_same_methods(tmp_path):
    first = run_probe(str(tmp_path))
    made = first["after"]["compiled"] - first["before"]["compiled"]
    assert made >= 8 and first["after"]["found"] == first["before"]["found"]  # Point and Box: compiled, kept
    assert (tmp_path / PROBE_FILE).is_file() and not (tmp_path / OLD_CODE_FILE).exists()
    assert first["ours"] == first["theirs"], "the same methods as Python's own exec makes"
    assert first["ours"]["frozen"] and first["ours"]["hash"] and first["ours"]["eq"] == [True, False]
    assert first["elsewhere"], "another module's dataclass is not the cache's business"

    second = run_probe(str(tmp_path))
    assert second["after"]["compiled"] == second["before"]["compiled"], "nothing compiled again"
    assert second["after"]["found"] - second["before"]["found"] == made
    assert second["ours"] == second["theirs"] == first["ours"], "the same methods from the cache"


def test_a_damaged_or_another_pythons_cache_file_is_compiled_again_and_rewritten(tmp_path):
    path = tmp_path / PROBE_FILE
    path.parent.mkdir()
    for content in (b"\x00not marshal at all", marshal.dumps({"python": "2.7.18", "code": {"x": b"y"}})):
        path.write_bytes(content)
        probe = run_probe(str(tmp_path))
        assert probe["after"]["compiled"] > probe["before"]["compiled"]
        assert probe["ours"] == probe["theirs"]
        data = marshal.loads(path.read_bytes())
        assert data["python"] == STAMP and "x" not in data["code"]


def test_kpdesk_cache_dir_set_empty_turns_the_code_cache_off(tmp_path):
    probe = run_probe("")
    assert not probe["hooked"] and probe["after"] == probe["before"] == {"compiled": 0, "found": 0}
    assert probe["ours"] == probe["theirs"]


def test_each_module_has_a_file_read_only_when_the_module_makes_a_dataclass(tmp_path):
    """A start reads the code of the modules it imports, not all the program has ever made (~700 KB)."""
    writer = CodeCache(tmp_path)
    writer.code(method(1), "kpdesk.one")
    writer.code(method(2), "ui.two")
    writer.save()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kpdesk.one.marshal", "ui.two.marshal"]
    reader = CodeCache(tmp_path)
    before = dict(caching.COUNTS)
    assert made(reader.code(method(1), "kpdesk.one")) == 1
    assert list(reader._unused) == ["kpdesk.one"], "the other module's file is not read"
    assert caching.COUNTS["found"] == before["found"] + 1 and caching.COUNTS["compiled"] == before["compiled"]
    assert made(reader.code(method(2), "kpdesk.one")) == 2  # another module's text: compiled, kept for this one
    assert caching.COUNTS["compiled"] == before["compiled"] + 1


def test_what_earlier_versions_kept_goes_when_the_folder_is_written(tmp_path):
    old = tmp_path / OLD_CODE_FILE
    compiled = marshal.dumps(compile(method(3), "<string>", "exec"))
    old.write_bytes(marshal.dumps({"python": STAMP, "code": {method(3): compiled}}))
    old_dir = tmp_path / OLD_CODE_DIR
    old_dir.mkdir()
    (old_dir / "kpdesk.three.marshal").write_bytes(marshal.dumps({"python": STAMP, "code": {method(3): compiled}}))
    cache = CodeCache(tmp_path / CODE_DIR)
    before = dict(caching.COUNTS)
    assert made(cache.code(method(3), "kpdesk.three")) == 3
    assert caching.COUNTS["compiled"] == before["compiled"] + 1, "the old files are not read"
    cache.save()
    assert not old.exists() and not old_dir.exists() and (tmp_path / CODE_DIR / "kpdesk.three.marshal").is_file()
    old.write_bytes(b"kept")
    other = CodeCache(tmp_path / "other")  # a folder of another name: the file beside it is not the cache's
    other.code(method(4), "kpdesk.four")
    other.save()
    assert old.read_bytes() == b"kept" and (tmp_path / "other" / "kpdesk.four.marshal").is_file()


def test_a_name_that_is_not_a_module_name_is_compiled_without_the_cache(tmp_path):
    cache = CodeCache(tmp_path)
    for name in ("kpdesk.x/../y", "kpdesk..z", "ui.", "kpdesk.a b"):
        assert made(cache.code(method(5), name)) == 5
    cache.save()
    assert list(tmp_path.iterdir()) == []


def test_a_damaged_entry_is_compiled_again(tmp_path):
    path = tmp_path / "kpdesk.m.marshal"
    text = method(1)
    path.write_bytes(marshal.dumps({"python": STAMP, "code": {text: b"?"}}))
    cache = CodeCache(tmp_path)
    assert made(cache.code(text, "kpdesk.m")) == 1
    cache.save()  # the entry is written again, whole
    assert made(marshal.loads(marshal.loads(path.read_bytes())["code"][text])) == 1


def test_a_file_larger_than_any_the_program_writes_is_ignored_and_written_again(tmp_path, monkeypatch):
    path = tmp_path / "kpdesk.m.marshal"
    text = method(2)
    good = marshal.dumps({"python": STAMP, "code": {text: marshal.dumps(compile(text, "<string>", "exec"))}})
    path.write_bytes(good)
    monkeypatch.setattr(caching, "COUNTS", {"compiled": 0, "found": 0})
    assert text in CodeCache(tmp_path)._read("kpdesk.m")  # read whole, then unmarshalled: the same entries
    monkeypatch.setattr(caching, "MAX_CODE_FILE_BYTES", len(good) - 1)
    cache = CodeCache(tmp_path)
    assert cache._read("kpdesk.m") == {}
    assert made(cache.code(text, "kpdesk.m")) == 2  # compiled, as with no file
    assert caching.COUNTS == {"compiled": 1, "found": 0}


def test_what_each_process_compiles_is_added_to_the_file_the_oldest_going_first(tmp_path, monkeypatch):
    folder = tmp_path / "sub"
    path = folder / "kpdesk.m.marshal"
    texts = [method(n) for n in range(4)]
    one, two = CodeCache(folder), CodeCache(folder)  # two kpdesk processes at once
    one.code(texts[0], "kpdesk.m")
    two.code(texts[1], "kpdesk.m")
    one.save()
    two.save()  # adds to what the other wrote
    assert list(marshal.loads(path.read_bytes())["code"]) == texts[:2]
    monkeypatch.setattr(caching, "CODE_ENTRIES", 3)
    three = CodeCache(folder)
    three.code(texts[0], "kpdesk.m")  # found: not written again
    three.code(texts[2], "kpdesk.m")
    three.code(texts[3], "kpdesk.m")
    three.save()
    assert list(marshal.loads(path.read_bytes())["code"]) == texts[1:]
    before = dict(caching.COUNTS)
    for n, text in enumerate(texts[1:], start=1):
        assert made(CodeCache(folder).code(text, "kpdesk.m")) == n
    assert caching.COUNTS["found"] - before["found"] == 3 and caching.COUNTS["compiled"] == before["compiled"]


def test_a_cache_folder_that_cannot_be_written_only_costs_time(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    cache = CodeCache(blocker / CODE_DIR)
    assert made(cache.code(method(7), "kpdesk.m")) == 7
    cache.save()  # says nothing: the next start compiles again
    assert blocker.read_text(encoding="utf-8") == "not a folder"


@pytest.mark.parametrize("value", ["", "   "])
def test_no_cache_folder_when_the_variable_is_set_empty(monkeypatch, value):
    monkeypatch.setenv(ENV_CACHE_DIR, value)
    assert caching.cache_folder() is None


#: A library that compiles its own source files, as PySide's importer does (its module has `from __future__ import
#: annotations`, as PySide's has): run in a fresh process under `compiling_from_cache`, printing what it made.
LIBRARY = r'''
import builtins, json, sys
from kpdesk import caching

IMPORTER = """
from __future__ import annotations
def load(source, filename):
    namespace = {}
    exec(compile(source, filename, "exec"), namespace)
    return namespace
"""
SOURCE = b"def f(x: undefined_name) -> int:\n    return 2\nN = f(1)\n"
importer = {}
exec(compile(IMPORTER, "importer.py", "exec", dont_inherit=True), importer)
plain_importer = {}
exec(compile(IMPORTER.replace("from __future__ import annotations", ""), "plain.py", "exec", dont_inherit=True),
     plain_importer)
with caching.compiling_from_cache("probe_library", ("lib/", "boot.py")) as on:
    inside = builtins.compile
    made = importer["load"](SOURCE, "lib/a.py")
    also = importer["load"](SOURCE, "lib/b.py")  # the same source under another name: an entry of its own
    boot = importer["load"](b"B = 1\n", "boot.py")
    try:  # without `annotations`, this module's annotation is evaluated when it is defined: NameError
        plain_importer["load"](SOURCE, "lib/c.py")
        evaluated = False
    except NameError:
        evaluated = True
    other = importer["load"](b"def g(y: nowhere): pass\n", "elsewhere.py")  # passed on, the caller's flags kept
    mine = compile("def h(z: nowhere): pass\n", "mine.py", "exec")  # this module: no future flag
    try:
        exec(mine, {})
        mine_evaluated = False
    except NameError:
        mine_evaluated = True
    try:
        with caching.compiling_from_cache("probe_library", "lib/"):
            raise KeyError("inside")
    except KeyError:
        pass
print(json.dumps({
    "on": on, "counts": caching.COUNTS, "N": made["N"], "names": [made["f"].__code__.co_filename,
    also["f"].__code__.co_filename], "annotations": made["f"].__annotations__, "boot": boot["B"],
    "evaluated": evaluated, "other": other["g"].__annotations__, "mine_evaluated": mine_evaluated,
    "restored": builtins.compile is caching._compile, "hooked": inside is not caching._compile,
}))
'''


def test_a_librarys_own_source_files_are_compiled_once_with_its_flags_then_read_from_the_cache(tmp_path):
    first = run_probe(str(tmp_path), LIBRARY)
    assert first["on"] and first["hooked"] and first["restored"], "compile is Python's own again after the block"
    assert first["counts"] == {"compiled": 4, "found": 0}  # lib/a.py, lib/b.py, boot.py, lib/c.py
    assert first["N"] == 2 and first["boot"] == 1 and first["names"] == ["lib/a.py", "lib/b.py"]
    assert first["annotations"] == {"x": "undefined_name", "return": "int"}, "the importer's `annotations` flag"
    assert first["evaluated"], "a caller without the flag gets code without it"
    assert first["other"] == {"y": "nowhere"} and first["mine_evaluated"], "other files: the caller's flags"
    assert (tmp_path / CODE_DIR / "probe_library.marshal").is_file()

    second = run_probe(str(tmp_path), LIBRARY)
    assert second["counts"] == {"compiled": 0, "found": 4}, "nothing compiled again"
    assert {k: v for k, v in second.items() if k != "counts"} == {k: v for k, v in first.items() if k != "counts"}


def test_a_librarys_source_is_compiled_as_usual_with_the_cache_off():
    off = run_probe("", LIBRARY)
    assert not off["on"] and not off["hooked"] and off["restored"]
    assert off["counts"] == {"compiled": 0, "found": 0}
    assert off["annotations"] == {"x": "undefined_name", "return": "int"} and off["evaluated"] and off["N"] == 2


def test_an_entry_compiled_with_other_flags_is_compiled_again(tmp_path):
    source = b"X = 1\n"
    writer = CodeCache(tmp_path)
    annotated = writer.code(source, "lib", "lib/x.py", caching.future_flags() & 0x1000000)
    writer.save()
    reader = CodeCache(tmp_path)
    before = dict(caching.COUNTS)
    plain = reader.code(source, "lib", "lib/x.py")  # no flag asked: not the annotated code
    assert annotated.co_flags & 0x1000000 and not plain.co_flags & 0x1000000
    assert caching.COUNTS["compiled"] == before["compiled"] + 1 and caching.COUNTS["found"] == before["found"]
