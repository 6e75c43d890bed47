"""The department's intake and status: receiving 500 reports (goal: under 10 s in all) and the status of 200 units
over 12 periods (goal: under 100 ms).

Intake: 500 distinct reports (the monthly example as 500 communes' reports, each rendered by kpdesk) received into a
new store: for each, read the embedded draft, re-validate it, re-render its text to see whether it was edited after
export, match the sender and store the version in one transaction. Floor: `zipfile` opening each file and reading
the two parts the intake reads (the embedded draft and `word/document.xml`) — the I/O and inflating any reader must do.

Status: a department with 200 units and 12 months of their reports (2 400 reports), `status.matrix` over the 12
periods. Floor: one SQL query reading the same rows (each report with its first and last version) without Python.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import tempfile
import zipfile
from pathlib import Path

from bench import Config, Result, interleaved, timing

AREA = "intake"
INTAKE_GOAL_S = 10.0
STATUS_GOAL_S = 0.100
PARTS = ("customXml/kpdesk-draft.xml", "word/document.xml")


def _unit_names(n: int) -> list[str]:
    return [f"Thử Nghiệm {i:03d}" for i in range(1, n + 1)]


def make_reports(folder: Path, count: int) -> list[Path]:
    """`count` monthly reports of May 2026, one per commune, rendered by kpdesk."""
    from kpdesk import draft as drafts
    from kpdesk.render import render_to_file

    base = json.loads(
        next((Path(__file__).resolve().parent.parent / "examples").glob("000-*.json")).read_text(encoding="utf-8")
    )
    files = []
    for i, name in enumerate(_unit_names(count)):
        data = copy.deepcopy(base)
        data["unit"].update(name=name, place=name)
        data["period"] = {"type": "month", "year": 2026, "month": 5}
        data["date"] = "2026-05-15"
        data["values"]["budget_total"] = (300 + i) * 1_000_000
        path = folder / f"bc-{i:03d}.docx"
        render_to_file(drafts.from_json(data), path, allow_errors=True, today=dt.date(2026, 5, 16))
        files.append(path)
    return files


def _records(folder: Path, units: int):
    from kpdesk.department.records import Records
    from kpdesk.department.unitlist import ListedUnit
    from kpdesk.store import Store

    store = Store.open(folder, daily_backup=False)
    records = Records(store)
    records.import_units([ListedUnit(f"U{i:03d}", name, "xã") for i, name in enumerate(_unit_names(units), 1)])
    return store, records


def _intake(config: Config, tmp: Path) -> Result:
    from kpdesk.department.intake import receive

    count = 500 if config.mode != "smoke" else 4
    (tmp / "in").mkdir()
    files = make_reports(tmp / "in", count)
    runs = iter(range(10_000))

    def subject() -> None:
        store, records = _records(tmp / f"run-{next(runs)}", count)
        with store:
            receipts = receive(records, [tmp / "in"], received_on=dt.date(2026, 5, 16), who="bench")
        assert all(r.outcome == "received" for r in receipts), [r.line for r in receipts if r.outcome != "received"]

    def floor() -> None:
        for path in files:
            with zipfile.ZipFile(path) as zf:
                for part in PARTS:
                    zf.read(part)

    repeat = max(1, config.import_repeat // 2) if config.mode != "full" else 3
    samples = interleaved({"subject": subject, "floor": floor}, warmup=0, repeat=repeat)
    med = sorted(samples["subject"])[len(samples["subject"]) // 2]
    return timing(
        f"department receive x{count} reports",
        AREA,
        samples["subject"],
        "zipfile open+read draft and document.xml",
        samples["floor"],
        goal="< 10 s for 500",
        met=lambda med, p95, ratio: med < INTAKE_GOAL_S * count / 500,
        note=f"{count} files into a new store (one transaction each, synchronous=FULL); "
        f"{med / count * 1e3:.1f} ms per report",
        extra={"reports": count, "per_report_s": med / count},
    )


def _status(config: Config, tmp: Path) -> Result:
    from kpdesk import draft as drafts
    from kpdesk.deadlines import period_key
    from kpdesk.department.status import matrix, recent_periods
    from kpdesk.kinds import get_kind

    units = 200 if config.mode != "smoke" else 5
    kind = get_kind("co-che-tai-chinh-thang")
    today = dt.date(2026, 12, 25)
    periods = recent_periods(kind, today, 12)
    store, records = _records(tmp / "status", units)
    base = drafts.loads(
        next((Path(__file__).resolve().parent.parent / "examples").glob("000-*.json")).read_text(encoding="utf-8")
    )
    listed = records.units()
    with store.tx():  # setup: 2 400 reports in one transaction (the intake bench measures receiving)
        for period in periods:
            for i, unit in enumerate(listed):
                if (i + period.month) % 10 == 0:
                    continue  # a tenth of the units miss each month
                draft = drafts.Draft(
                    **{
                        **base.__dict__,
                        "period": period,
                        "unit": drafts.Unit(unit.name, unit.level),
                        "date": dt.date(period.year, period.month, 15 if i % 7 else 22),
                    }
                )
                records.add_version(
                    draft,
                    unit=unit,
                    file_name=f"{unit.code}-{period_key(period)}.docx",
                    file_sha256=f"{i:08d}{period_key(period)}".ljust(64, "0"),
                    payload_sha256=f"p{i:07d}{period_key(period)}".ljust(64, "0"),
                    source="",
                    received_on=draft.date,
                    problems=[],
                    who="bench",
                )
    keys = [period_key(p) for p in periods]
    sql = (
        "SELECT r.id, r.unit_id, r.period_key, r.state, MIN(v.version), MAX(v.version), MIN(v.received_on), "
        "MAX(v.errors) FROM dept_reports r JOIN dept_versions v ON v.report_id = r.id WHERE r.kind = ? AND "
        f"r.period_key IN ({', '.join('?' * len(keys))}) GROUP BY r.id"
    )

    def subject() -> None:
        matrix(records, kind, periods, today)

    def floor() -> None:
        with store.read() as c:
            c.execute(sql, (kind.id, *keys)).fetchall()

    with store:
        samples = interleaved({"subject": subject, "floor": floor}, warmup=config.warmup, repeat=config.repeat)
    return timing(
        f"department status {units} units x 12 periods",
        AREA,
        samples["subject"],
        "one SQL query over the same rows",
        samples["floor"],
        goal="< 100 ms",
        met=lambda med, p95, ratio: med < STATUS_GOAL_S,
        note=f"{units} units, {len(periods)} months, a tenth of the units missing each month",
        extra={"units": units, "periods": len(periods)},
    )


def run(config: Config) -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="kpdesk-bench-intake-") as tmp:
        return [_intake(config, Path(tmp)), _status(config, Path(tmp))]
