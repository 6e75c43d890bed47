"""Rendering each example report to .docx in-process (`kpdesk.render.render_to_file`, the one rendering path).

Floors, built from the same content (the paragraphs and tables of the Decree 30 frame kpdesk builds for the
example, extracted once before timing):
  (a) python-docx writing those paragraphs (with their bold/italic runs) and tables, no templating;
  (b) docxtpl rendering an equivalent template: a .docx made programmatically in a temp folder with the same
      paragraphs and tables, every text a `{{ v[i] }}` placeholder and every body table a `{%tr for %}` row loop,
      rendered with autoescape (user text holds "&") and saved. Each run loads the template afresh, as a docxtpl
      app must (render changes the loaded document).
Goal: kpdesk at most 0.8× docxtpl's time (issue #20; it was ≤ 1.0× before).

kpdesk also validates, embeds the draft JSON in the file and writes it atomically (fsync of the file and folder);
the floors save with a plain `save(path)`. The stage breakdown of kpdesk's time is kept in each result's `extra`.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import Config, Result, example_paths, interleaved, log, median, skipped, timing

AREA = "render"
RENDER_GOAL = 0.8

# A paragraph is a list of runs (text, bold, italic); a table row a list of cells, a cell a list of paragraphs.
Runs = list[tuple[str, bool, bool]]


def frame_content(frame: Any) -> list[tuple]:
    """The paragraphs and tables of a kpdesk Frame as plain data: ("p", runs) and ("table", ncols, rows, loop)."""
    from kpdesk.render import frame as nd30
    from kpdesk.render.markup import Heading, ListItem, Table

    def p(text: str, bold: bool = False, italic: bool = False) -> list[Runs]:
        return [[(text, bold, italic)]]

    items: list[tuple] = []
    left1 = ([p(frame.superior)[0]] if frame.superior else []) + [p(a, True)[0] for a in frame.agency if a.strip()]
    right1 = [p(nd30.QUOC_HIEU, True)[0], p(nd30.TIEU_NGU, True)[0]]
    left2 = p(nd30.number_line(frame))
    if frame.form == "cong_van":
        left2 += p(f"V/v {frame.summary}")
    right2 = p(nd30.place_date_line(frame), italic=True)
    items.append(("table", 2, [[left1, right1], [left2, right2]], False))
    if frame.form == "bao_cao":
        items.append(("p", [(frame.doc_type or "", True, False)]))
        items.append(("p", [(frame.summary, True, False)]))
    for line in frame.to:
        items.append(("p", [(f"Kính gửi: {line}", False, False)]))
    for line in frame.bases:
        items.append(("p", [(line, False, True)]))
    for block in frame.body:
        if isinstance(block, Table):
            rows = [[[[(r.text, r.bold, r.italic) for r in cell.runs]] for cell in row] for row in block.rows]
            ncols = len(block.widths)
            rows = [row + [[[("", False, False)]]] * (ncols - len(row)) for row in rows]  # colspan: pad
            items.append(("table", ncols, rows, True, block.header_rows))
        elif isinstance(block, Heading):
            items.append(("p", [(r.text, True, r.italic) for r in block.runs]))
        elif isinstance(block, ListItem):
            items.append(("p", [(f"{block.mark} ", False, False)] + [(r.text, r.bold, r.italic) for r in block.runs]))
        else:
            items.append(("p", [(r.text, r.bold, r.italic) for r in block.runs]))
    left = [[("Nơi nhận:", True, True)]] + [[(line, False, False)] for line in nd30.recipient_lines(frame)]
    right = [[(a, True, False)] for a in (*frame.signer.authority, frame.signer.position) if a]
    right += [[("", False, False)]] * nd30.SIGNATURE_GAP_LINES + [[(frame.signer.name, True, False)]]
    items.append(("table", 2, [[left, right]], False))
    return items


def _runs_into(paragraph: Any, runs: Runs) -> None:
    for text, bold, italic in runs:
        run = paragraph.add_run(text)
        if bold:
            run.bold = True
        if italic:
            run.italic = True


def _cell_into(cell: Any, paragraphs: list[Runs]) -> None:
    for i, runs in enumerate(paragraphs):
        _runs_into(cell.paragraphs[0] if i == 0 else cell.add_paragraph(), runs)


def write_python_docx(content: list[tuple], path: Path) -> None:
    """Floor (a): the same paragraphs and tables with python-docx's public API, saved."""
    import docx

    document = docx.Document()
    for item in content:
        if item[0] == "p":
            _runs_into(document.add_paragraph(), item[1])
            continue
        ncols, rows = item[1], item[2]
        table = document.add_table(rows=len(rows), cols=ncols)
        for r, row in enumerate(rows):
            cells = table.rows[r].cells
            for c, paragraphs in enumerate(row):
                _cell_into(cells[c], paragraphs)
    document.save(str(path))


def make_docxtpl_template(content: list[tuple], path: Path) -> dict[str, Any]:
    """Floor (b) set-up: write the equivalent docxtpl template to `path`; return the context that fills it."""
    import docx

    values: list[str] = []
    context: dict[str, Any] = {"v": values}

    def placeholder(text: str) -> str:
        values.append(text)
        return "{{ v[" + str(len(values) - 1) + "] }}"

    def templ(runs: Runs) -> Runs:
        return [(placeholder(text), bold, italic) for text, bold, italic in runs]

    document = docx.Document()
    loops = 0
    for item in content:
        if item[0] == "p":
            _runs_into(document.add_paragraph(), templ(item[1]))
            continue
        ncols, rows, loop = item[1], item[2], item[3]
        if not loop:
            table = document.add_table(rows=len(rows), cols=ncols)
            for r, row in enumerate(rows):
                cells = table.rows[r].cells
                for c, paragraphs in enumerate(row):
                    _cell_into(cells[c], [templ(runs) for runs in paragraphs])
            continue
        header = item[4]
        name = f"t{loops}"
        loops += 1
        context[name] = [["".join(t for para in cell for t, _, _ in para) for cell in row] for row in rows[header:]]
        table = document.add_table(rows=header + 3, cols=ncols)
        for r in range(header):
            cells = table.rows[r].cells
            for c, paragraphs in enumerate(rows[r]):
                _cell_into(cells[c], [templ(runs) for runs in paragraphs])
        table.rows[header].cells[0].text = "{%tr for row in " + name + " %}"
        for c, cell in enumerate(table.rows[header + 1].cells):
            cell.text = "{{ row[" + str(c) + "] }}"
        table.rows[header + 2].cells[0].text = "{%tr endfor %}"
    document.save(str(path))
    return context


def render_docxtpl(template: Path, context: dict[str, Any], out: Path) -> None:
    """Floor (b): load the template, render it, save."""
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(str(template))
    tpl.render(context, autoescape=True)
    tpl.save(str(out))


def _stages(draft: Any, out: Path, repeat: int, today: dt.date) -> dict[str, float]:
    """Median seconds of each stage of kpdesk's render path (same calls render_to_file makes)."""
    from kpdesk.compute import compute
    from kpdesk.files import write_atomic
    from kpdesk.kinds import get_kind
    from kpdesk.render import build_layout
    from kpdesk.render.docx_file import build_document
    from kpdesk.validate import validate

    times: dict[str, list[float]] = {
        k: [] for k in ("compute_validate", "build_layout", "build_document", "save_to_bytes", "write_atomic")
    }
    for _ in range(repeat):
        t0 = time.perf_counter()
        kind = get_kind(draft.kind)
        derived = compute(kind, draft)
        validate(kind, draft, derived, today=today)
        t1 = time.perf_counter()
        layout = build_layout(kind, draft, derived)
        t2 = time.perf_counter()
        document = build_document(layout)
        t3 = time.perf_counter()
        buffer = io.BytesIO()
        document.save(buffer)
        t4 = time.perf_counter()
        write_atomic(out, buffer.getvalue())
        t5 = time.perf_counter()
        for key, value in zip(times, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4), strict=True):
            times[key].append(value)
    return {k: round(median(v), 6) for k, v in times.items()}


def run(config: Config) -> list[Result]:
    from kpdesk import draft as drafts
    from kpdesk.compute import compute
    from kpdesk.kinds import get_kind
    from kpdesk.render import build_frame, render_to_file

    try:
        import docxtpl  # noqa: F401

        have_docxtpl = True
    except ImportError:
        have_docxtpl = False
    today = dt.date.today()
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="kpdesk-bench-render-") as tmp_name:
        tmp = Path(tmp_name)
        for path in example_paths():
            tag = path.stem[:3]
            d = drafts.load(path)
            kind = get_kind(d.kind)
            content = frame_content(build_frame(kind, d, compute(kind, d)))
            fns = {
                "kpdesk": lambda d=d, tag=tag: render_to_file(
                    d, tmp / f"{tag}-kpdesk.docx", allow_errors=True, today=today
                ),
                "python-docx": lambda content=content, tag=tag: write_python_docx(
                    content, tmp / f"{tag}-python-docx.docx"
                ),
            }
            if have_docxtpl:
                template = tmp / f"{tag}-template.docx"
                context = make_docxtpl_template(content, template)
                fns["docxtpl"] = lambda template=template, context=context, tag=tag: render_docxtpl(
                    template, context, tmp / f"{tag}-docxtpl.docx"
                )
            samples = interleaved(fns, warmup=config.warmup, repeat=config.repeat)
            stages = _stages(d, tmp / f"{tag}-stages.docx", max(2, config.repeat // 2), today)
            paragraphs = sum(1 for item in content if item[0] == "p")
            tables = sum(1 for item in content if item[0] == "table")
            extra = {
                "example": path.name,
                "paragraphs": paragraphs,
                "tables": tables,
                "kpdesk_stages_s": stages,
                "docx_bytes": (tmp / f"{tag}-kpdesk.docx").stat().st_size,
            }
            if have_docxtpl:
                results.append(
                    timing(
                        f"render {tag} .docx vs docxtpl",
                        AREA,
                        samples["kpdesk"],
                        "docxtpl template render+save",
                        samples["docxtpl"],
                        goal=f"<= {RENDER_GOAL}x docxtpl",
                        met=lambda med, p95, ratio: ratio <= RENDER_GOAL,
                        note=f"{path.name}: {paragraphs} paragraphs, {tables} tables",
                        extra=extra,
                    )
                )
            else:
                results.append(
                    skipped(
                        f"render {tag} .docx vs docxtpl",
                        AREA,
                        "docxtpl not installed (pip install '.[bench]')",
                        goal=f"<= {RENDER_GOAL}x docxtpl",
                    )
                )
            results.append(
                timing(
                    f"render {tag} .docx vs python-docx",
                    AREA,
                    samples["kpdesk"],
                    "python-docx, same content",
                    samples["python-docx"],
                    note="no goal: the cost of the frame over plain python-docx",
                    extra=extra,
                )
            )
            log(f"  render {tag}: kpdesk {median(samples['kpdesk']) * 1e3:.1f} ms, stages {stages}")
    return results
