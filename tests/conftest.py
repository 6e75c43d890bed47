"""Shared test setup: Qt runs offscreen, and examples and kinds are found from the repository."""

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))


@pytest.fixture
def examples() -> list[Path]:
    return EXAMPLES
