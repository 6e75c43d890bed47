"""The documentation says what the code does: CI runs the README's test command; every kind feature is documented."""

import re
from pathlib import Path

import pytest

from kpdesk.kinds import COMPUTE_OPS, FIELD_TYPES, RULE_CHECKS

ROOT = Path(__file__).resolve().parents[2]


def code_lines_after(text: str, heading: str) -> list[str]:
    section = text.split(heading, 1)[1]
    block = re.search(r"```\n(.*?)```", section, re.S)
    assert block, heading
    return [line.strip() for line in block.group(1).splitlines() if line.strip()]


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    [command] = code_lines_after(readme, "## Run the tests")
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    assert command in ci


def test_the_readme_says_how_to_install_and_run():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    [command] = code_lines_after(readme, "## Install and run")
    assert command.startswith("python -m pip install .") and "kpdesk" in command


@pytest.mark.parametrize("name", sorted(FIELD_TYPES) + sorted(COMPUTE_OPS) + sorted(RULE_CHECKS))
def test_every_field_type_computation_and_rule_is_documented(name):
    doc = (ROOT / "docs" / "kind-format.md").read_text(encoding="utf-8")
    assert f"`{name}`" in doc


def test_the_core_never_imports_qt_or_the_shell():
    import re

    pattern = re.compile(r"^\s*(from|import)\s+(PySide6|shiboken6|ui)\b", re.M)
    offenders = [p.name for p in (ROOT / "kpdesk").rglob("*.py") if pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_code_passes_lint():
    import shutil
    import subprocess

    ruff = shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed (it is in the [test] extra)")
    result = subprocess.run(
        [ruff, "check", "kpdesk", "ui", "tests", "build.spec", "packaging"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-3000:]


def test_the_code_is_formatted_by_ruff():
    """Issue 14: `ruff format` is the house style; CI runs `ruff format --check .` and so does this test."""
    import shutil
    import subprocess

    ruff = shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed (it is in the [test] extra)")
    result = subprocess.run([ruff, "format", "--check", "."], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, "run `ruff format .`: " + result.stdout[-3000:]
    assert "ruff format --check ." in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_key_of_the_draft_format_is_documented():
    from kpdesk import draft as drafts

    doc = (ROOT / "docs" / "draft-format.md").read_text(encoding="utf-8")
    data = drafts.to_json(drafts.load(ROOT / "examples" / "000-thieu-trung-bao-cao-thang.json"))
    keys = set(data) | {f"unit.{k}" for k in data["unit"]} | {f"signer.{k}" for k in data["signer"]}
    for key in sorted(keys):
        assert f"`{key.split('.')[-1]}`" in doc, key
