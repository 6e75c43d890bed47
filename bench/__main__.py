"""`python -m bench [--quick] [--smoke] [--only AREA …] [--out FILE]`: run the benchmarks, print the table, write
the results (bench/results.json unless --out)."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
import traceback
from pathlib import Path

from bench import RESULTS, Config, Result, log, machine_info, table, write_results

#: Area name → module, in the order they run (the subprocess-heavy GUI first, while the machine is coolest).
AREAS = {
    "gui": "bench.gui",
    "render": "bench.render",
    "validation": "bench.validation",
    "store": "bench.storage",
    "import": "bench.importing",
    "intake": "bench.intake",
    "bundle": "bench.bundle",
    "department": "bench.department",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions: a run under a minute")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="tiny repetition counts and data (for the test that the bench runs); numbers mean nothing",
    )
    parser.add_argument(
        "--only", nargs="+", choices=sorted(AREAS), metavar="AREA", help=f"run only these areas ({', '.join(AREAS)})"
    )
    parser.add_argument("--out", type=Path, default=None, help=f"results file (default {RESULTS})")
    args = parser.parse_args(argv)
    mode = "smoke" if args.smoke else "quick" if args.quick else "full"
    config = Config.for_mode(mode)
    out = args.out or RESULTS
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    machine = machine_info()
    log(
        f"kpdesk bench, {mode} run: {machine['cpu_model']}, {machine['cores']} cores, Python {machine['python']}, "
        f"load {machine['load_average_start']}"
    )
    start = time.perf_counter()
    results: list[Result] = []
    failed = 0
    for area in args.only or AREAS:
        t0 = time.perf_counter()
        log(f"[{area}]")
        try:
            module = importlib.import_module(AREAS[area])
            results += module.run(config)
        except Exception as exc:  # one broken area must not hide the others' results
            failed += 1
            traceback.print_exc()
            why = f"error: {type(exc).__name__}: {exc}"[:300]
            results.append(
                Result(
                    name=f"{area}: failed",
                    area=area,
                    skipped=why,
                    note="".join(traceback.format_exception_only(type(exc), exc)).strip()[:1000],
                )
            )
        log(f"  ({time.perf_counter() - t0:.1f} s)")
    elapsed = time.perf_counter() - start
    write_results(out, config, machine, results, elapsed)
    print(table(results))
    missed = [r.name for r in results if r.met is False]
    print(
        f"\n{mode} run in {elapsed:.0f} s; goals met: {sum(r.met is True for r in results)}, "
        f"missed: {len(missed)}; results in {out}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
