"""The benchmarks run: `python -m bench --quick --smoke` (tiny counts) finishes and writes every key.

No timing is asserted here, ever: the numbers of a smoke run mean nothing, and CI machines are loaded.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench import gui
from bench.bundle import _until_idle

ROOT = Path(__file__).resolve().parents[2]

KEYS = {"name", "median_s", "p95_s", "floor_name", "floor_median_s", "ratio", "goal", "met"}
MACHINE = {"cpu_model", "cores", "python", "platform", "date"}
# Every area answers with at least these rows (measured, or skipped with a reason when a part is missing).
EXPECTED = [
    "start to idle main window (from process creation)",
    "peak RSS, main window + wizard on largest draft",
    "render 000 .docx vs docxtpl",
    "render 000 .docx vs python-docx",
    "compute+validate 002 (largest)",
    "Store.set_value one field",
    "Store.list_drafts 40 drafts: all",
    "Store.list_drafts 40 drafts: kind+text",
    "draft_from_docx x4 files",
    "frozen bundle size",
]


def test_smoke_run_writes_every_key(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CACHE_HOME": str(tmp_path / "cache")}
    proc = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--smoke", "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "measurement" in proc.stdout and "ratio" in proc.stdout  # the printed table

    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["mode"] == "smoke"
    assert MACHINE <= set(data["machine"])
    rows = data["measurements"]
    names = [r["name"] for r in rows]
    for name in EXPECTED:
        assert name in names, (name, names)
    for row in rows:
        assert KEYS <= set(row), row
        assert row["met"] in (True, False, None)
        if row["skipped"]:
            assert row["met"] is None
            continue
        if row["unit"] == "s":
            assert row["median_s"] is not None and row["median_s"] >= 0
            if row["floor_name"] is not None:
                assert row["floor_median_s"] is not None and row["ratio"] is not None
        if row["goal"] is not None:
            assert row["met"] is not None, row


def test_a_window_that_crashes_after_saying_it_is_idle_is_not_a_start() -> None:
    """The frozen window's start is timed to its «kpdesk-idle» line; a program that then ends with an error (it
    crashed on the way out) fails the row instead of being timed."""
    says_idle = "import sys, time; print('kpdesk-idle', time.perf_counter()); sys.stdout.flush(); sys.exit({})"
    assert _until_idle([sys.executable, "-c", says_idle.format(0)], dict(os.environ), []) > 0
    with pytest.raises(RuntimeError, match="exit code 3"):
        _until_idle([sys.executable, "-c", says_idle.format(3)], dict(os.environ), [])


def test_a_window_run_that_crashes_after_its_result_is_not_a_start() -> None:
    """The same for the window's runs in `bench.gui`: a result line, then an exit code other than 0, fails."""

    def result_then_exit(code: int) -> str:
        result = "print('BENCH-RESULT', json.dumps({'idle': {}}))"
        return f"import json, sys; {result}; sys.stdout.flush(); sys.exit({code})"

    assert gui.spawn(result_then_exit(0), dict(os.environ)) == {"idle": {}}
    with pytest.raises(RuntimeError, match="exit code 3 after its result"):
        gui.spawn(result_then_exit(3), dict(os.environ))
