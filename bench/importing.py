"""Importing 200 rendered .docx reports: the draft inside each (`kpdesk.render.draft_from_docx`). Goal: under 5 s
for all 200.

The 200 files are the examples rendered by kpdesk and copied under 200 names (the files are read from the
page cache either way). Floor: `zipfile` opening each of the same files and reading the part that holds the draft
(`customXml/kpdesk-draft.xml`) — the I/O and inflating any reader of the embedded draft must do.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import zipfile
from pathlib import Path

from bench import Config, Result, example_paths, interleaved, timing

AREA = "import"
GOAL_S = 5.0
PAYLOAD_ENTRY = "customXml/kpdesk-draft.xml"


def make_files(folder: Path, count: int) -> list[Path]:
    """`count` .docx files: each example rendered once by kpdesk, then copied under new names."""
    from kpdesk import draft as drafts
    from kpdesk.render import render_to_file

    today = dt.date.today()
    rendered = []
    for p in example_paths():
        target = folder / f"{p.stem}.docx"
        render_to_file(drafts.load(p), target, allow_errors=True, today=today)
        rendered.append(target)
    files = []
    for i in range(count):
        path = folder / f"report-{i:03d}.docx"
        shutil.copyfile(rendered[i % len(rendered)], path)
        files.append(path)
    return files


def run(config: Config) -> list[Result]:
    from kpdesk.render import draft_from_docx

    with tempfile.TemporaryDirectory(prefix="kpdesk-bench-import-") as tmp:
        files = make_files(Path(tmp), config.docx_files)

        def subject() -> None:
            for path in files:
                draft_from_docx(path)

        def floor() -> None:
            for path in files:
                with zipfile.ZipFile(path) as zf:
                    zf.read(PAYLOAD_ENTRY)

        samples = interleaved({"subject": subject, "floor": floor}, warmup=1, repeat=config.import_repeat)
        size = sum(p.stat().st_size for p in files)
    n = len(files)
    med = sorted(samples["subject"])[len(samples["subject"]) // 2]
    return [
        timing(
            f"draft_from_docx x{n} files",
            AREA,
            samples["subject"],
            f"zipfile open+read {PAYLOAD_ENTRY}",
            samples["floor"],
            goal="< 5 s for 200",
            met=lambda med, p95, ratio: med < GOAL_S * n / 200,
            note=f"{n} files, {size / n / 1024:.0f} KiB each on average; {med / n * 1e3:.2f} ms per file",
            extra={"files": n, "bytes": size, "per_file_s": med / n},
        )
    ]
