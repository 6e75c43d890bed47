"""Reliability run: hostile and fuzzed input at every door of kpdesk, and the figures of what was tried.

Every test records what it tried with the session fixture `figures` (`figures.tried(CATEGORY)` once per input,
generated or crafted; `figures.crafted(CATEGORY)` once per hand-made attack or fault). When every test of this
folder ran and passed (known bugs are `xfail(strict=True)`), the session writes `docs/reliability.md`.

Hypothesis runs derandomized with a fixed number of examples (`fuzz(n)` in each module), so the figures move by a
few inputs at most from one run to the next (a few in 9,000 for the drafts' JSON) and the file changes little.
`KPDESK_FUZZ_EXAMPLES=5000` runs every fuzz test with that many examples instead; such a run prints its figures
but leaves `docs/reliability.md` alone.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DOC = ROOT / "docs" / "reliability.md"

settings.register_profile(
    "kpdesk-reliability",
    derandomize=True,
    database=None,  # nothing written to .hypothesis/; the runs are reproducible from the seed anyway
    deadline=None,
    print_blob=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

#: module -> (category shown in the table, what is checked). Order is the table's order.
CATEGORIES: dict[str, tuple[str, str]] = {
    "test_parsers": (
        "Amounts, dates, phones, e-mail, references, numbers",
        "every parser in `kpdesk.vn` raises only `FormatError`, with a message quoting the input, on any text "
        "(huge digit strings, 1e309, NaN, ∞, full-width and Arabic-Indic digits, RTL marks, NUL, 10 000 dots)",
    ),
    "test_draft_json": (
        "Draft files (JSON)",
        "`draft.loads`/`from_json` raise only `DraftError` with a Vietnamese message on any JSON value and on "
        "every example mutated (keys dropped, types swapped, 1 MB strings, 10 000-deep nesting, unknown kind, "
        "future versions, NaN/Infinity, lists of 500 000 items); lone surrogates are dropped; `draft.load` "
        "refuses a FIFO, `/dev/zero`, a symlink loop and a 300-character name before reading",
    ),
    "test_docx_import": (
        ".docx import",
        "`render.draft_from_docx` raises only `DraftError`/`RenderError` on random bytes, text, zips without "
        "parts, damaged or altered payloads whose hash no longer matches, a 24 MB zip bomb, 48 parts of 20 MB "
        "(at most 40 MB read in all), a million tags, `../../x` and absolute member names, unknown kinds; a lone "
        "surrogate is dropped; no file is created anywhere",
    ),
    "test_command_line": (
        "Command line",
        "`kpdesk` given numbers that are not ASCII digits or beyond SQLite's range (², ٣, １, 2^63), paths that "
        "are no regular file (pipe, `/dev/zero`, folder, symlink loop, 300-character name) and export targets "
        "that are no writable regular file (symlink, pipe, device node, read-only file, folder): a Vietnamese "
        "message and exit code 2, nothing read past the cap, the target unchanged, no export recorded",
    ),
    "test_kind_definitions": (
        "Report-kind definitions",
        "`kinds.load_kind` raises only `KindError` naming `kind.toml` for every shipped kind mutated (keys "
        "deleted, types changed, ids duplicated, bad TOML, unknown types, missing references, huge files, "
        "min above max, visible_if cycles, version below 1, upgrades into nothing); a kind that loads renders "
        "or fails with a `KpdeskError`; one broken kind is named by `kpdesk kinds` and the window, which list "
        "the others",
    ),
    "test_template_escape": (
        "Template sandbox",
        "body templates reaching for Python internals, files, code or unbounded work (loops, powers, "
        "wordwrap of 3 MB, indent of a million, lists of lists printed or joined) fail with `KindError` naming "
        "kind, file and line, stopped by a bound on steps or size; the time limit also holds inside a filter; "
        "user text is printed literally; no file or side effect",
    ),
    "test_pasted_text": (
        "Pasted text",
        "C0/C1 controls, NBSP, zero-width, BOM, NFD, TCVN3/VNI, 50 000-character paragraphs, emoji and bidi "
        "controls render to a valid .docx whose text is NFC and whose embedded draft round-trips exactly",
    ),
    "test_legacy": (
        "Legacy encodings (TCVN3, VNI)",
        "134 letters × 2 encodings match the standard tables; Unicode → legacy → Unicode is the identity; "
        "detection flags encoded Vietnamese and never Unicode Vietnamese, NFD, English or European text",
    ),
    "test_store_faults": (
        "Kills survived and storage faults",
        "an editing process saving through the window's own path (`DraftSession` + `DraftWriter`) and backing "
        "up every 5 edits is killed with SIGKILL at random moments (`KPDESK_KILLS`, default 200), many of them "
        "during a backup: after every kill the last acknowledged edit is in the database, the file passes "
        "`PRAGMA integrity_check`, and after the next open no temporary copy is left; a full disk during "
        "autosave keeps the change pending with a Vietnamese message and saves it once there is room. On a "
        "real 4 MB tmpfs, a full disk is named with the room needed and a full or read-only disk opens the "
        "data read-only (listing, search, export elsewhere; writes refused saying why). Damaged, truncated, "
        "foreign and newer databases are refused with the way out offered, an empty one is set aside and said "
        "(`tests/core/test_store_files.py`)",
    ),
}
PENDING: list[tuple[str, str]] = []


def fuzz_budget() -> int | None:
    """The example count forced by KPDESK_FUZZ_EXAMPLES, or None for each test's own default."""
    raw = os.environ.get("KPDESK_FUZZ_EXAMPLES", "").strip()
    return int(raw) if raw else None


@dataclass
class Figures:
    """What the reliability tests tried, per module."""

    tried_by: Counter[str] = field(default_factory=Counter)
    crafted_by: Counter[str] = field(default_factory=Counter)
    xfails: dict[str, list[str]] = field(default_factory=dict)

    def tried(self, module: str, n: int = 1) -> None:
        self.tried_by[_short(module)] += n

    def crafted(self, module: str, n: int = 1) -> None:
        self.crafted_by[_short(module)] += n
        self.tried_by[_short(module)] += n


def _short(module: str) -> str:
    return module.rsplit(".", 1)[-1]


FIGURES = Figures()


@pytest.fixture(scope="session")
def figures() -> Figures:
    return FIGURES


# ----------------------------------------------------------------------------- the summary


@dataclass
class _Run:
    collected: list[str] = field(default_factory=list)
    modules: set[str] = field(default_factory=set)
    outcomes: dict[str, str] = field(default_factory=dict)
    deselected: int = 0


_RUN = _Run()


def _is_ours(item) -> bool:
    return Path(str(item.fspath)).resolve().parent == HERE


def pytest_collection_modifyitems(session, config, items) -> None:
    ours = [item for item in items if _is_ours(item)]
    _RUN.collected = [item.nodeid for item in ours]
    _RUN.modules = {Path(str(item.fspath)).stem for item in ours}


def pytest_deselected(items) -> None:
    _RUN.deselected += sum(1 for item in items if _is_ours(item))


def pytest_runtest_logreport(report) -> None:
    if report.nodeid not in _RUN.collected:
        return
    if report.failed:
        _RUN.outcomes[report.nodeid] = "failed"
    elif report.when == "setup" and report.skipped:
        _RUN.outcomes[report.nodeid] = "xfailed" if hasattr(report, "wasxfail") else "skipped"
    elif report.when == "call" and _RUN.outcomes.get(report.nodeid) != "failed":
        if hasattr(report, "wasxfail"):
            _RUN.outcomes[report.nodeid] = "xfailed"
            module = Path(report.nodeid.split("::", 1)[0]).stem
            FIGURES.xfails.setdefault(module, []).append(report.wasxfail)
        else:
            _RUN.outcomes[report.nodeid] = report.outcome


def _fmt(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def render_summary(figures: Figures, skipped: int = 0) -> str:
    lines = [
        "# Reliability figures",
        "",
        "Generated by `python -m pytest tests/reliability` (see `tests/reliability/conftest.py`) after a run in "
        "which every check passed; do not edit by hand. Fuzz tests run derandomized with fixed example counts, "
        "so the figures move by a few inputs at most from run to run. `KPDESK_FUZZ_EXAMPLES=5000` runs a longer fuzz "
        "(its figures are printed, not written here).",
        "",
        "| Category | Inputs tried | of which crafted attacks | Failures allowed | Known bugs (xfail) "
        "| What is checked |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for module, (title, checked) in CATEGORIES.items():
        known = len(figures.xfails.get(module, []))
        lines.append(
            f"| {title} | {_fmt(figures.tried_by[module])} | {_fmt(figures.crafted_by[module])} | 0 | "
            f"{known} | {checked} |"
        )
    total_tried = sum(figures.tried_by[m] for m in CATEGORIES)
    total_crafted = sum(figures.crafted_by[m] for m in CATEGORIES)
    total_known = sum(len(figures.xfails.get(m, [])) for m in CATEGORIES)
    lines.append(f"| **Total** | **{_fmt(total_tried)}** | **{_fmt(total_crafted)}** | **0** | **{total_known}** | |")
    for title, where in PENDING:
        lines.append(f"| {title} | — | — | 0 | — | {where} |")
    lines += [
        "",
        "A failure is any exception other than the documented `KpdeskError` subclass, a message that "
        "does not say what is wrong, a partial or stray file, or a changed canary. Known bugs are kept as "
        "`xfail(strict=True)` tests until fixed:",
        "",
    ]
    for module, (title, _) in CATEGORIES.items():
        for reason in sorted(set(figures.xfails.get(module, []))):
            lines.append(f"- {title}: {reason}")
    if not total_known:
        lines.append("- none")
    lines += [
        "",
        "What the checks do not claim:",
        "",
        "- The draft embedded in an exported .docx carries a SHA-256 of its JSON: it detects damage (a "
        "truncated, re-encoded or hand-edited part), not intent. Anyone can edit the payload and recompute "
        "the hash, and the import accepts it as the draft. What the department side relies on instead is "
        "comparing the document's visible text (`render.plain.docx_text_lines`) with the text of the "
        "layout built from the imported data (`render.plain.text_lines`): a payload that says something "
        "the page does not is caught there. The file also carries one digest of its visible text and its "
        "data together (`render.plain.text_digest`): when both are as kpdesk wrote them the comparison is "
        "skipped, and when either was changed (even with the payload's own hash redone) the page is compared "
        "with the data line by line (`test_intake.py::test_a_figure_changed_in_the_data_inside_the_file_is_"
        "flagged_even_with_its_hashes_redone`). Someone who recomputes that digest as well defeats it: it "
        "detects edits, not intent.",
        "- The disk-full and read-only-filesystem checks need root on Linux (they mount a tmpfs); elsewhere "
        "they are skipped and counted below.",
    ]
    lines += [
        "",
        "Decisions these checks pin down:",
        "",
        "- `vn.clean_text` removes U+200D, so an emoji ZWJ sequence (family, flag variants) prints as its "
        "parts: accepted, no letter or figure of a report is lost and pasted joiners are otherwise invisible "
        "junk (`test_pasted_text.py::test_zwj_sequences_come_out_as_their_parts`).",
        '- `legacy.convert_legacy` is faithful: old tone placement stays as typed (TCVN3 "Uû ban" → '
        '"Uỷ ban"); capitals typed in the .VnTimeH fonts are recovered from the case around them.',
        "- Legacy detection must see the raw pasted text, before `vn.clean_text`: the full TCVN3 table puts "
        "Ú Ụ Ừ Ử Ữ Ứ Ự Ỳ Ỷ Ỹ Ý Ỵ on control codes that cleaning removes.",
    ]
    if skipped:
        lines += ["", f"{skipped} check(s) were skipped on this machine (platform feature missing)."]
    return "\n".join(lines) + "\n"


def pytest_sessionfinish(session, exitstatus) -> None:
    if not _RUN.collected or exitstatus not in (0, 1):
        return
    expected = {p.stem for p in HERE.glob("test_*.py")}
    complete = _RUN.modules == expected and _RUN.deselected == 0
    outcomes = [_RUN.outcomes.get(nodeid) for nodeid in _RUN.collected]
    clean = all(o in ("passed", "xfailed", "skipped") for o in outcomes)
    skipped = sum(o == "skipped" for o in outcomes)
    text = render_summary(FIGURES, skipped)
    session.config._kpdesk_reliability = (complete and clean, text)  # type: ignore[attr-defined]
    if complete and clean and fuzz_budget() is None:
        if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
            DOC.write_text(text, encoding="utf-8")


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    state = getattr(config, "_kpdesk_reliability", None)
    if state is None:
        return
    ok, text = state
    terminalreporter.section("kpdesk reliability figures")
    terminalreporter.write_line(
        text if ok else "Not all reliability checks ran and passed; docs/reliability.md was left unchanged."
    )
