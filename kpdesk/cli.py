"""The `kpdesk` command: thin wrappers that parse arguments, call the core and print in Vietnamese."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from kpdesk.errors import KpdeskError


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def cmd_kinds(args: argparse.Namespace) -> int:
    from kpdesk.kinds import all_kinds

    for kind in all_kinds():
        periods = ", ".join({"month": "tháng", "half": "6 tháng", "year": "năm"}[p] for p in kind.periods)
        _out(f"{kind.id}  (phiên bản {kind.version}; kỳ: {periods})")
        _out(f"    {kind.name}")
    return 0


def cmd_fields(args: argparse.Namespace) -> int:
    from kpdesk.kinds import FIELD_TYPES, get_kind

    kind = get_kind(args.kind)
    _out(f"{kind.name} (phiên bản {kind.version})")
    for section in kind.sections:
        _out(f"\n[{section.title}]")
        for f in section.fields:
            need = "bắt buộc" if f.required else "không bắt buộc"
            cond = f"; chỉ khi {f.visible_if.describe(kind)}" if f.visible_if else ""
            _out(f"  {f.id:<22} {FIELD_TYPES[f.type]:<16} {need:<15} {f.label}{cond}")
            for col in f.columns:
                need = "bắt buộc" if col.required else ""
                _out(f"      .{col.id:<19} {FIELD_TYPES[col.type]:<16} {need:<15} {col.label}")
    if kind.computed:
        _out("\n[Giá trị tính tự động]")
        for comp in kind.computed:
            _out(f"  {comp.id:<22} {comp.label}")
    return 0


def _load_draft(source: str):
    from kpdesk import draft as drafts

    path = Path(source)
    if path.suffix.lower() == ".docx":
        from kpdesk.report import draft_from_docx

        return draft_from_docx(path)
    return drafts.load(path)


def cmd_check(args: argparse.Namespace) -> int:
    from kpdesk.compute import compute, display
    from kpdesk.kinds import get_kind
    from kpdesk.validate import validate

    draft = _load_draft(args.draft)
    kind = get_kind(draft.kind)
    derived = compute(kind, draft)
    report = validate(kind, draft, derived)
    _out(f"{kind.name} — {draft.unit.full_name}, {draft.period.label}")
    if not report.problems:
        _out("Không có lỗi hay cảnh báo nào.")
    for p in report.problems:
        _out(f"{'LỖI' if p.is_error else 'CẢNH BÁO'}: {p.message}")
    _out(f"\n{len(report.errors)} lỗi, {len(report.warnings)} cảnh báo.")
    _out("\nGiá trị tính tự động:")
    for comp in kind.computed:
        _out(f"  {comp.label}: {display(kind, comp, derived[comp.id], draft.money_unit)}")
    return 1 if report.errors else 0


def cmd_render(args: argparse.Namespace) -> int:
    from kpdesk.report import render_to_file

    draft = _load_draft(args.draft)
    result = render_to_file(draft, Path(args.output), allow_errors=args.force)
    for p in result.report.problems:
        _out(f"{'LỖI' if p.is_error else 'CẢNH BÁO'}: {p.message}")
    _out(f"Đã ghi {result.path} ({result.pages_hint}).")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kpdesk",
        description="kpdesk — soạn báo cáo KH, CN, ĐMST và chuyển đổi số của UBND xã/phường theo Nghị định 30/2020.",
    )
    parser.add_argument("--data-dir", help="thư mục dữ liệu (mặc định: thư mục dữ liệu của người dùng)")
    sub = parser.add_subparsers(dest="command", metavar="LỆNH")
    p = sub.add_parser("kinds", help="liệt kê các loại báo cáo")
    p.set_defaults(func=cmd_kinds)
    p = sub.add_parser("fields", help="liệt kê các trường của một loại báo cáo")
    p.add_argument("kind", help="mã loại báo cáo (xem `kpdesk kinds`)")
    p.set_defaults(func=cmd_fields)
    p = sub.add_parser("check", help="kiểm tra một bản nháp (JSON hoặc .docx do kpdesk tạo)")
    p.add_argument("draft", help="tệp bản nháp .json hoặc báo cáo .docx")
    p.set_defaults(func=cmd_check)
    p = sub.add_parser("render", help="xuất bản nháp thành tệp Word (.docx) theo Nghị định 30")
    p.add_argument("draft", help="tệp bản nháp .json")
    p.add_argument("-o", "--output", required=True, help="tệp .docx sẽ ghi")
    p.add_argument("--force", action="store_true", help="vẫn xuất khi bản nháp còn lỗi (bản dùng để xem thử)")
    p.set_defaults(func=cmd_render)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        try:
            from ui.app import run
        except ImportError:
            parser.print_help()
            return 0
        return run(args)
    try:
        return args.func(args)
    except KpdeskError as exc:
        sys.stderr.write(f"Lỗi: {exc.message}\n")
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
