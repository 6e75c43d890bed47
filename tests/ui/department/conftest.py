"""The department's window under test: the realistic intake the core's tests build, and small stores of one's own."""

from __future__ import annotations

import datetime as dt
import importlib.util
import shutil
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from ui import operations
from ui.settings import Settings

ROOT = Path(__file__).resolve().parents[3]


def _core_intake():
    """tests/core/department/conftest.py, as a module (a conftest cannot be imported by its name)."""
    spec = importlib.util.spec_from_file_location(
        "department_intake_helpers", ROOT / "tests" / "core" / "department" / "conftest.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


INTAKE = _core_intake()
#: "Today" in the department's window: after the May reports came in, before the June deadline.
TODAY = dt.date(2026, 5, 25)


@pytest.fixture(scope="session")
def built_intake(tmp_path_factory):
    """The province's intake (42 units, May 2026 and more), built once; each test works on a copy of it."""
    made = INTAKE.build_intake(tmp_path_factory.mktemp("intake"))
    made.store.close()
    return made


@pytest.fixture
def intake(built_intake, tmp_path):
    """A fresh copy of the built intake's data folder, opened: each test changes its own."""
    from kpdesk.department.records import Records
    from kpdesk.store import Store

    data = tmp_path / "so"
    shutil.copytree(built_intake.store.data_dir, data)
    store = Store.open(data)
    yield INTAKE.Intake(built_intake.folder, store, Records(store), built_intake.files)
    operations.wait_all(10_000)
    store.close()


@pytest.fixture
def helpers():
    return INTAKE


@pytest.fixture
def dept_settings(tmp_path: Path) -> Settings:
    return Settings(QSettings(str(tmp_path / "dept.ini"), QSettings.Format.IniFormat))


@pytest.fixture(autouse=True)
def no_unanswered_message_box(monkeypatch):
    """A message box no test answers would wait for a click for ever: it fails the test with its text instead."""

    def refuse(self: QMessageBox) -> int:
        raise AssertionError(f"unanswered message box: {self.text()} {self.informativeText()}")

    monkeypatch.setattr(QMessageBox, "exec", refuse)
