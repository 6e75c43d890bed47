"""The program under random actions (tests/ui/monkey.py): a few short runs on each side. No error raised out of a
slot, no crash or hang, the program ends with code 0 when its windows close, and the data file passes its check.
Longer and more runs by hand: `python tests/ui/monkey.py --seeds 0-40` (and `--department`)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("kpdesk_monkey", Path(__file__).with_name("monkey.py"))
assert _spec is not None and _spec.loader is not None
monkey = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = monkey  # its dataclass looks its module up
_spec.loader.exec_module(monkey)


RUNS = {  # seed, department, slow work, damaged data
    "commune-1": (1, False, False, False),
    "commune-7-slow-work": (7, False, True, False),
    "commune-1-damaged-data": (1, False, False, True),
    "department-301": (301, True, False, False),
    "department-4101-slow-work": (4101, True, True, False),
}


@pytest.mark.parametrize("name", RUNS)
def test_random_actions_raise_nothing_and_leave_the_data_sound(tmp_path, name):
    seed, department, slow_work, damaged = RUNS[name]
    outcome = monkey.run(
        seed, 600, department=department, slow_work=slow_work, damaged=damaged, timeout_s=240, folder=tmp_path
    )
    assert outcome.ok, outcome.report


def test_the_run_reports_an_error_raised_out_of_a_slot(tmp_path, monkeypatch):
    """The run fails when the program raises: here the window's fill after its first paint, broken through a module
    the child's Python imports first (`sitecustomize` on PYTHONPATH)."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import ui.main_window\n"
        "def broken(self):\n"
        "    raise ValueError('hỏng')\n"
        "ui.main_window.MainWindow.fill = broken\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("PYTHONPATH", str(hook))
    outcome = monkey.run(0, 50, folder=tmp_path / "run")
    assert not outcome.ok and "ValueError: hỏng" in outcome.report
