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
