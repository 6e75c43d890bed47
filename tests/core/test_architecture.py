"""The modules of kpdesk/ and of ui/ import one another without a circle, imports inside functions included, and
a module longer than 600 lines says at its top why it is not split.

The import graph is read from the source with `ast` (nothing is executed); an import under `if TYPE_CHECKING:`
counts too: a type named across a circle ties the modules as much as a call does. A module importing its own
package (`kpdesk.kinds.loader` importing `kpdesk.kinds`) is no edge: the package is always initialised first.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _modules(root: Path, package: str) -> dict[str, Path]:
    """Every module of `package` (a folder under `root`) by dotted name; a package by its own name."""
    found = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement of `tree`, at any depth (under `if TYPE_CHECKING:` too)."""
    found: list[ast.Import | ast.ImportFrom] = []
    todo: list[ast.AST] = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        todo.extend(ast.iter_child_nodes(node))
    return found


def import_graph(root: Path, package: str) -> dict[str, set[str]]:
    """Module → the modules of the same package it imports."""
    modules = _modules(root, package)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        here = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = here.split(".")[: len(here.split(".")) - node.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
            for target in targets:
                while target and target not in modules:  # `from kpdesk.kinds import Kind`: the module kpdesk.kinds
                    target = target.rpartition(".")[0]
                if target and target != name and not name.startswith(target + "."):
                    graph[name].add(target)
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One circle (a → b → … → a) through each group of modules that import one another."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.add(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(group)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return [_path_around(graph, group) for group in groups]


def _path_around(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    """The shortest circle from the group's first module back to it, staying inside the group."""
    start = min(group)
    paths = {start: [start]}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(graph[v] & group):
            if w == start:
                return paths[v] + [start]
            if w not in paths:
                paths[w] = paths[v] + [w]
                queue.append(w)
    raise AssertionError(f"{sorted(group)} is not a circle")


@pytest.mark.parametrize("package", ["kpdesk", "ui"])
def test_no_module_imports_itself_through_others(package):
    found = circles(import_graph(ROOT, package))
    assert not found, "import circles: " + "; ".join(" → ".join(circle) for circle in found)


#: A module over this many lines says why in its docstring, on a line starting with `WHY_LONG`.
LONG_MODULE = 600
WHY_LONG = "Why over 600 lines:"


def long_modules_without_a_reason(root: Path, package: str) -> list[str]:
    """The modules of `package` over `LONG_MODULE` lines whose docstring has no line starting with `WHY_LONG`."""
    found = []
    for name, path in sorted(_modules(root, package).items()):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") <= LONG_MODULE:
            continue
        doc = ast.get_docstring(ast.parse(text)) or ""
        reasons = [line for line in doc.splitlines() if line.startswith(WHY_LONG)]
        if not reasons or len(reasons[0]) <= len(WHY_LONG) + 20:  # a real reason, not the words alone
            found.append(f"{name} ({text.count(chr(10))} lines)")
    return found


@pytest.mark.parametrize("package", ["kpdesk", "ui"])
def test_a_module_over_600_lines_says_why_at_its_top(package):
    missing = long_modules_without_a_reason(ROOT, package)
    assert not missing, (
        f"split these modules, or add a line «{WHY_LONG} …» with the reason to their docstring: " + ", ".join(missing)
    )


def test_a_long_module_without_its_reason_is_named(tmp_path):
    body = "x = 1\n" * (LONG_MODULE + 1)
    _write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/short.py": '"""Short."""\n',
            "pkg/long.py": '"""Long."""\n' + body,
            "pkg/bare.py": f'"""Long.\n\n{WHY_LONG}\n"""\n' + body,
            "pkg/said.py": f'"""Long.\n\n{WHY_LONG} its one table is read in one pass, split it would not be.\n"""\n'
            + body,
        },
    )
    assert long_modules_without_a_reason(tmp_path, "pkg") == [
        f"pkg.bare ({LONG_MODULE + 5} lines)",
        f"pkg.long ({LONG_MODULE + 2} lines)",
    ]


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_a_circle_is_found_and_named_even_through_an_import_inside_a_function(tmp_path):
    _write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "from pkg.b import thing\n",
            "pkg/b.py": "def thing():\n    from pkg.sub import c\n",
            "pkg/sub/__init__.py": "",
            "pkg/sub/c.py": "from .. import a\n",
        },
    )
    assert circles(import_graph(tmp_path, "pkg")) == [["pkg.a", "pkg.b", "pkg.sub.c", "pkg.a"]]


def test_type_checking_imports_count_and_imports_of_the_own_package_are_no_edge(tmp_path):
    _write(
        tmp_path,
        {
            "pkg/__init__.py": "from pkg.a import A\n",
            "pkg/a.py": "from typing import TYPE_CHECKING\nimport pkg\nif TYPE_CHECKING:\n    from pkg.b import B\n"
            "A = 1\n",
            "pkg/b.py": "import typing\nfrom pkg import a\nif typing.TYPE_CHECKING:\n    pass\nelse:\n    import os\n",
        },
    )
    graph = import_graph(tmp_path, "pkg")
    assert graph == {"pkg": {"pkg.a"}, "pkg.a": {"pkg.b"}, "pkg.b": {"pkg.a"}}
    assert circles(graph) != []  # a.py names B for the type checker only, b.py imports a: still a circle
