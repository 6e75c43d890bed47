"""The frozen bundle (PyInstaller, one folder): its size, and its start against the unfrozen program's.

Looked for in `$KPDESK_DIST/kpdesk/` when that is set, then at `/tmp/kpdesk-dist/kpdesk/kpdesk` (where
packaging/build-and-check.sh builds it by default) and `dist/kpdesk/`.
When neither exists: "chưa có bản đóng gói" and the rows are skipped.

Start, both wall-clock from the parent (spawn to exit), interleaved:
  - `kpdesk-cli --version` (the bundle's console program; `kpdesk` in a bundle without it) when both the bundle and
    the source tree have `--version`, else `--help`: the bare start (bootloader, interpreter, argument parsing);
    unfrozen: `python -m ui.launch …` (the installed program). Goal: ≤ 1.2× unfrozen (issue #20);
  - `kpdesk` (the window, offscreen, on a data folder with the four examples) until it is idle with its lists
    filled: the program prints the moment with `KPDESK_BENCH_IDLE=1` (ui/app.py) and quits, since the harness
    cannot hook a frozen program's event loop; unfrozen: `python -m ui.launch`. Goal: ≤ 1.2× unfrozen (issue #20).
    A bundle built before the variable existed prints nothing: the row is skipped, asking for a new build;
  - `kpdesk --selftest` (loads every kind, renders every example, opens the store and the main window offscreen);
    unfrozen: `python -m ui.launch --selftest`. No goal; the ratio is reported.
Size goal: ≤ 100 MB (10^6 bytes) for the whole one-folder bundle.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import ROOT, Config, Result, child_env, log, skipped, timing

AREA = "bundle"
NOT_BUILT = "chưa có bản đóng gói"
EXE = "kpdesk.exe" if os.name == "nt" else "kpdesk"
CLI = "kpdesk-cli.exe" if os.name == "nt" else "kpdesk-cli"
TIMEOUT_S = 300
SIZE_GOAL_BYTES = 100_000_000
START_GOAL_RATIO = 1.2
#: A window that has not said it is idle by then never will (a bundle without KPDESK_BENCH_IDLE).
WINDOW_TIMEOUT_S = 30


def find_bundle() -> Path | None:
    chosen = os.environ.get("KPDESK_DIST")  # where packaging/build-and-check.sh was told to build
    folders = [Path(chosen) / "kpdesk"] if chosen else []
    for folder in (*folders, Path(tempfile.gettempdir()) / "kpdesk-dist" / "kpdesk", ROOT / "dist" / "kpdesk"):
        exe = folder / EXE
        if exe.is_file() and os.access(exe, os.X_OK):
            return exe
    return None


def folder_size(folder: Path) -> tuple[int, int]:
    total = count = 0
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_size
                count += 1
            except OSError:
                pass
    return total, count


def _help(cmd: list[str], env: dict[str, str]) -> str:
    proc = subprocess.run([*cmd, "--help"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT_S)
    return proc.stdout


def _wall(cmd: list[str], env: dict[str, str], failures: list[str]) -> float:
    """Seconds from spawn to exit. A self-test that ran to its summary but found a failing check still counts
    (its LỖI lines go to `failures`: it may have skipped work, so the comparison is flagged); anything else that
    exits non-zero is an error."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT_S)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        if "KẾT QUẢ" not in proc.stdout:
            raise RuntimeError(f"{' '.join(cmd)}: exit code {proc.returncode}: {(proc.stderr or proc.stdout)[-1500:]}")
        for line in proc.stdout.splitlines():
            if line.startswith("LỖI") and line not in failures:
                failures.append(line)
    return elapsed


IDLE_LINE = "kpdesk-idle "


def _until_idle(cmd: list[str], env: dict[str, str], failures: list[str]) -> float:
    """Seconds from spawn to the moment the window said it was idle (`KPDESK_BENCH_IDLE`; both clocks are
    `time.perf_counter`, system-wide on Linux and Windows)."""
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            cmd,
            cwd=ROOT,
            env={**env, "KPDESK_BENCH_IDLE": "1"},
            capture_output=True,
            text=True,
            timeout=WINDOW_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired:
        raise RuntimeError(
            f"{' '.join(cmd)} did not quit within {WINDOW_TIMEOUT_S} s: a bundle built before "
            "KPDESK_BENCH_IDLE existed keeps its window open; build it again"
        ) from None
    for line in proc.stdout.splitlines():
        if line.startswith(IDLE_LINE):
            if proc.returncode != 0:  # idle, then a crash on the way out: not a start to report
                raise RuntimeError(
                    f"{' '.join(cmd)} said it was idle, then ended with exit code {proc.returncode}: "
                    f"{(proc.stderr or proc.stdout)[-500:]}"
                )
            return float(line[len(IDLE_LINE) :]) - start
    raise RuntimeError(
        f"{' '.join(cmd)} printed no «{IDLE_LINE.strip()}» line (a bundle built before "
        f"KPDESK_BENCH_IDLE existed: build it again); exit code {proc.returncode}: "
        f"{(proc.stderr or proc.stdout)[-500:]}"
    )


def _goal(name: str) -> str | None:
    return (
        f"≤ {START_GOAL_RATIO}× unfrozen"
        if name in ("frozen start (bare command)", "frozen window start (home listed)")
        else None
    )


def run(config: Config) -> list[Result]:
    names = (
        "frozen bundle size",
        "frozen start (bare command)",
        "frozen --selftest",
        "frozen window start (home listed)",
    )
    exe = find_bundle()
    if exe is None:
        log(f"  {NOT_BUILT}")
        return [skipped(n, AREA, NOT_BUILT, goal=_goal(n)) for n in names]
    size, files = folder_size(exe.parent)
    results = [
        Result(
            name=names[0],
            area=AREA,
            unit="MiB",
            median=size / 2**20,
            samples=1,
            goal=f"≤ {SIZE_GOAL_BYTES // 10**6} MB",
            met=size <= SIZE_GOAL_BYTES,
            note=f"{exe.parent}: {files} files, {size / 10**6:.1f} MB",
            extra={"bytes": size, "files": files, "path": str(exe)},
        )
    ]
    cli = exe.parent / CLI  # the console program: on Windows the window one prints nothing
    bare = cli if cli.is_file() else exe
    with tempfile.TemporaryDirectory(prefix="kpdesk-bench-bundle-") as tmp:
        env = child_env(
            KPDESK_DATA_DIR=str(Path(tmp) / "data"),
            XDG_CONFIG_HOME=str(Path(tmp) / "config"),
            KPDESK_CACHE_DIR=str(Path(tmp) / "cache"),
        )
        # the installed program is ui.launch (kpdesk's [project.scripts]); before it existed, kpdesk.cli
        launcher = "ui.launch" if (ROOT / "ui" / "launch.py").is_file() else "kpdesk"
        frozen, source = [str(exe)], [sys.executable, "-m", launcher]
        frozen_help, source_help = _help([str(bare)], env), _help(source, env)
        flag = "--version" if "--version" in frozen_help and "--version" in source_help else "--help"
        selftest_source = [*source, "--selftest"]
        pairs = [
            (names[1], [str(bare), flag], [*source, flag], f"`{bare.name} {flag}`"),
            (names[2], [*frozen, "--selftest"], selftest_source, "`kpdesk --selftest`"),
            (names[3], frozen, source, "`kpdesk` until its window is idle with its home listed"),
        ]
        window_env = env
        if config.mode == "smoke":
            pairs = pairs[:1]
        else:  # the window's data: the four examples (the self-test above made its own store there)
            from bench.gui import prepare_data_dir

            window_env = {**env, "KPDESK_DATA_DIR": str(Path(tmp) / "window-data")}
            prepare_data_dir(Path(tmp) / "window-data")
        for name, frozen_cmd, source_cmd, what in pairs:
            samples: dict[str, list[float]] = {"frozen": [], "source": []}
            failures: dict[str, list[str]] = {"frozen": [], "source": []}
            # the self-test takes ~1 s a run: a quick run does half as many
            repeat = (
                config.spawn_repeat if config.mode == "full" or name == names[1] else max(1, config.spawn_repeat // 2)
            )
            try:
                for i in range(config.spawn_warmup + repeat):
                    for key in ("frozen", "source") if i % 2 == 0 else ("source", "frozen"):
                        cmd = frozen_cmd if key == "frozen" else source_cmd
                        t = (
                            _until_idle(cmd, window_env, failures[key])
                            if name == names[3]
                            else _wall(cmd, env, failures[key])
                        )
                        if i >= config.spawn_warmup:
                            samples[key].append(t)
            except (RuntimeError, subprocess.TimeoutExpired) as exc:
                log(f"  {name}: {exc}")
                results.append(skipped(name, AREA, f"failed: {str(exc)[:200]}", goal=_goal(name)))
                continue
            flagged = "".join(
                f"; {key} failed a check, so did less work: {' | '.join(lines)[:300]}"
                for key, lines in failures.items()
                if lines
            )
            goal = (
                {
                    "goal": f"≤ {START_GOAL_RATIO}× unfrozen",
                    "met": lambda _median, _p95, ratio: ratio is not None and ratio <= START_GOAL_RATIO,
                }
                if name in (names[1], names[3])
                else {}
            )
            results.append(
                timing(
                    name,
                    AREA,
                    samples["frozen"],
                    f"unfrozen: {' '.join(source_cmd[1:])}",
                    samples["source"],
                    p95=True,
                    **goal,
                    note=f"{what}, wall clock from spawn to {'the idle line' if name == names[3] else 'exit'}{flagged}",
                    extra={
                        "frozen_cmd": frozen_cmd,
                        "source_cmd": source_cmd,
                        "bundle": str(exe),
                        "check_failures": failures,
                    },
                )
            )
    return results
