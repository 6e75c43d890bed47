"""What runs on each keystroke: `compute` + `validate` of a whole draft. Goal: under 1 ms for the largest draft.

Floor: `json.dumps` of the draft's JSON form (`kpdesk.draft.to_json`, built once before timing), i.e. the cost of
merely serialising the same data once, the least any per-keystroke work on the whole draft could cost.
"""

from __future__ import annotations

import datetime as dt
import json

from bench import Config, Result, calibrate, example_paths, interleaved, largest_example, timing

AREA = "validation"
GOAL_S = 0.001


def run(config: Config) -> list[Result]:
    from kpdesk import draft as drafts
    from kpdesk.compute import compute
    from kpdesk.kinds import get_kind
    from kpdesk.validate import validate

    today = dt.date.today()
    largest = largest_example()
    results = []
    for path in example_paths():
        d = drafts.load(path)
        kind = get_kind(d.kind)
        data = drafts.to_json(d, kind)

        def subject(kind=kind, d=d) -> None:
            validate(kind, d, compute(kind, d), today=today)

        def floor(data=data) -> None:
            json.dumps(data, ensure_ascii=False)

        number = max(calibrate(subject), calibrate(floor)) if config.mode != "smoke" else 2
        samples = interleaved(
            {"subject": subject, "floor": floor}, warmup=config.warmup, repeat=config.repeat * 2, number=number
        )
        report = validate(kind, d, compute(kind, d), today=today)
        tag = " (largest)" if path == largest else ""
        results.append(
            timing(
                f"compute+validate {path.stem[:3]}{tag}",
                AREA,
                samples["subject"],
                "json.dumps(draft JSON)",
                samples["floor"],
                goal="< 1 ms",
                met=lambda med, p95, ratio: med < GOAL_S,
                note=f"{path.name}: {len(kind.fields)} fields, {len(kind.computed)} computed, {len(kind.rules)} rules, "
                f"{len(report.problems)} problems; mean of {number} calls per sample",
                extra={"example": path.name, "calls_per_sample": number, "json_bytes": path.stat().st_size},
            )
        )
    return results
