"""kpdesk's benchmarks: `python -m bench` (full, a few minutes) or `python -m bench --quick` (under a minute).

Every figure is the median of repeated runs after a warm-up, and sits beside a *floor* measured in the same run
on the same machine (the cheapest way to do the same job with the same libraries), as a ratio. The machine may be
loaded by other work, so absolute times move from run to run; ratios against a floor measured interleaved with the
subject move much less. Results go to `bench/results.json` and a plain-text table; see docs/benchmarks.md.

Modules, one per area: `gui` (start to idle main window, peak memory), `render` (.docx against python-docx and
docxtpl), `validation` (compute + validate per keystroke), `storage` (Store.set_value, Store.list_drafts),
`importing` (draft_from_docx over 200 files), `intake` (the department receiving 500 reports, status of 200
units over 12 periods), `bundle` (the frozen build).
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import math
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES_DIR = ROOT / "examples"
RESULTS = Path(__file__).resolve().parent / "results.json"


# ----------------------------------------------------------------------------- run settings


@dataclass(frozen=True)
class Config:
    """How much work each area does; `mode` is "full", "quick" or "smoke" (tiny counts, for the test)."""

    mode: str
    warmup: int  # in-process warm-up runs before timing
    repeat: int  # in-process timed samples (each the mean of `number` calls for sub-ms work)
    spawn_warmup: int  # subprocess runs thrown away (disk cache, .pyc files, first-of-day backup)
    spawn_repeat: int  # subprocess runs timed
    store_samples: int  # Store.set_value samples (p50/p95 need many)
    drafts: int  # drafts in the listing/search store
    list_repeat: int
    docx_files: int  # rendered reports imported
    import_repeat: int

    @classmethod
    def for_mode(cls, mode: str) -> Config:
        if mode == "smoke":
            return cls(
                mode,
                warmup=0,
                repeat=1,
                spawn_warmup=0,
                spawn_repeat=1,
                store_samples=3,
                drafts=40,
                list_repeat=1,
                docx_files=4,
                import_repeat=1,
            )
        if mode == "quick":
            return cls(
                mode,
                warmup=2,
                repeat=7,
                spawn_warmup=1,
                spawn_repeat=4,
                store_samples=150,
                drafts=10_000,
                list_repeat=5,
                docx_files=200,
                import_repeat=3,
            )
        return cls(
            mode,
            warmup=3,
            repeat=31,
            spawn_warmup=2,
            spawn_repeat=21,
            store_samples=1000,
            drafts=10_000,
            list_repeat=21,
            docx_files=200,
            import_repeat=9,
        )


# ----------------------------------------------------------------------------- statistics


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def percentile(values: Iterable[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation between closest ranks."""
    xs = sorted(values)
    if not xs:
        return math.nan
    if len(xs) == 1:
        return xs[0]
    pos = (len(xs) - 1) * q / 100
    lo = math.floor(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def time_calls(fn: Callable[[], Any], number: int = 1) -> float:
    """Seconds per call of `fn`, as the mean over `number` back-to-back calls."""
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - start) / number


def interleaved(
    fns: dict[str, Callable[[], Any]],
    *,
    warmup: int,
    repeat: int,
    number: int = 1,
    setup: Callable[[], Any] | None = None,
) -> dict[str, list[float]]:
    """Time each function `repeat` times, alternating their order every round so that a change of machine load
    falls on subject and floor alike; `warmup` untimed rounds first. Returns seconds per call, per name."""
    names = list(fns)
    out: dict[str, list[float]] = {name: [] for name in names}
    for _ in range(warmup):
        for name in names:
            fns[name]()
    for i in range(repeat):
        for name in names if i % 2 == 0 else reversed(names):
            if setup is not None:
                setup()
            gc.collect()
            out[name].append(time_calls(fns[name], number))
    return out


def calibrate(fn: Callable[[], Any], target_s: float = 0.005, cap: int = 10_000) -> int:
    """How many back-to-back calls of a fast `fn` take about `target_s` (so a sample is not timer noise)."""
    n = 1
    while n < cap:
        if time_calls(fn, n) * n >= target_s:
            break
        n *= 2
    return min(n, cap)


# ----------------------------------------------------------------------------- results


@dataclass
class Result:
    """One measurement. Time figures are in seconds; `unit` says what `median`/`floor_median` hold otherwise."""

    name: str
    area: str
    median_s: float | None = None
    p95_s: float | None = None
    floor_name: str | None = None
    floor_median_s: float | None = None
    ratio: float | None = None
    goal: str | None = None
    met: bool | None = None
    unit: str = "s"
    median: float | None = None  # non-time measurements (MiB, …); equals median_s for times
    floor_median: float | None = None
    samples: int = 0
    skipped: str | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out = {
            "name": self.name,
            "area": self.area,
            "median_s": self.median_s,
            "p95_s": self.p95_s,
            "floor_name": self.floor_name,
            "floor_median_s": self.floor_median_s,
            "ratio": self.ratio,
            "goal": self.goal,
            "met": self.met,
            "unit": self.unit,
            "median": self.median,
            "floor_median": self.floor_median,
            "samples": self.samples,
            "skipped": self.skipped,
            "note": self.note,
        }
        if self.extra:
            out["extra"] = self.extra
        return out


def timing(
    name: str,
    area: str,
    subject: list[float],
    floor_name: str | None,
    floor: list[float] | None,
    *,
    goal: str | None = None,
    met: Callable[[float, float | None, float | None], bool] | None = None,
    p95: bool = False,
    note: str = "",
    extra: dict[str, Any] | None = None,
) -> Result:
    """A timed Result: median (and p95) of `subject`, floor median, ratio; `met(median, p95, ratio)` judges the goal."""
    med = median(subject)
    p = percentile(subject, 95) if p95 else None
    fmed = median(floor) if floor else None
    ratio = med / fmed if fmed else None
    return Result(
        name=name,
        area=area,
        median_s=med,
        p95_s=p,
        floor_name=floor_name,
        floor_median_s=fmed,
        ratio=ratio,
        goal=goal,
        met=(met(med, p, ratio) if met else None),
        unit="s",
        median=med,
        floor_median=fmed,
        samples=len(subject),
        note=note,
        extra=extra or {},
    )


def skipped(name: str, area: str, why: str, goal: str | None = None) -> Result:
    return Result(name=name, area=area, goal=goal, skipped=why, note=why)


# ----------------------------------------------------------------------------- machine


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _mem_total_mib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024, 1)
    except (OSError, ValueError, IndexError):
        pass
    return None


def _version(module: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(module)
    except metadata.PackageNotFoundError:
        return None


def load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def machine_info() -> dict[str, Any]:
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "cpu_model": _cpu_model(),
        "cores": os.cpu_count(),
        "cores_usable": usable,
        "memory_mib": _mem_total_mib(),
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "load_average_start": load_average(),
        "temp_dir": tempfile.gettempdir(),
        "packages": {
            name: _version(name)
            for name in ("PySide6-Essentials", "PySide6", "python-docx", "docxtpl", "lxml", "Jinja2", "sqlite-utils")
        },
        "sqlite": __import__("sqlite3").sqlite_version,
    }


# ----------------------------------------------------------------------------- output


def _fmt_time(seconds: float | None) -> str:
    if seconds is None or (isinstance(seconds, float) and math.isnan(seconds)):
        return "-"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.3f} s"


def fmt_value(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "s":
        return _fmt_time(value)
    return f"{value:.1f} {unit}"


def table(results: list[Result]) -> str:
    """The results as a plain-text table (also used verbatim in docs/benchmarks.md)."""
    head = ("measurement", "median", "p95", "floor", "floor median", "ratio", "goal", "met")
    rows = []
    for r in results:
        if r.skipped:
            why = r.skipped if len(r.skipped) <= 60 else r.skipped[:57] + "..."
            rows.append((r.name, "-", "-", "-", "-", "-", r.goal or "-", f"skipped: {why}"))
            continue
        met = "-" if r.met is None else ("yes" if r.met else "NO")
        rows.append(
            (
                r.name,
                fmt_value(r.median, r.unit),
                _fmt_time(r.p95_s) if r.p95_s is not None else "-",
                r.floor_name or "-",
                fmt_value(r.floor_median, r.unit),
                f"{r.ratio:.2f}x" if r.ratio is not None else "-",
                r.goal or "-",
                met,
            )
        )
    widths = [max(len(str(row[i])) for row in [head, *rows]) for i in range(len(head))]
    lines = [
        "  ".join(str(c).ljust(w) for c, w in zip(head, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    return "\n".join(lines)


def write_results(path: Path, config: Config, machine: dict[str, Any], results: list[Result], elapsed: float) -> None:
    machine = {**machine, "load_average_end": load_average()}
    data = {
        "format": "kpdesk-bench",
        "format_version": 1,
        "mode": config.mode,
        "elapsed_s": round(elapsed, 2),
        "machine": machine,
        "measurements": [r.to_json() for r in results],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def child_env(**extra: str) -> dict[str, str]:
    """Environment for a measured subprocess: Qt offscreen, and Python's bytecode cached (in ~/.cache/kpdesk-bench,
    not beside the sources) even when this shell sets PYTHONDONTWRITEBYTECODE, as an installed program has it: the
    warm-up runs write it, the timed runs use it."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.setdefault("PYTHONPYCACHEPREFIX", str(cache_dir() / "pycache"))
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.update(extra)
    return env


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kpdesk-bench"


def log(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


# ----------------------------------------------------------------------------- examples


def example_paths() -> list[Path]:
    return sorted(EXAMPLES_DIR.glob("*.json"))


def largest_example() -> Path:
    """The largest example draft (by the size of its JSON file): the one the per-keystroke and memory goals use."""
    return max(example_paths(), key=lambda p: p.stat().st_size)
