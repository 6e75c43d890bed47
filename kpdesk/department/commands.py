"""`kpdesk department …`: the department's commands (the names are the contract scripts and tests use)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kpdesk.errors import DepartmentError, FormatError

if TYPE_CHECKING:
    from kpdesk.store import Store

OpenStore = Callable[[argparse.Namespace], "Store"]


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _date(text: str) -> dt.date:
    from kpdesk import vn

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        try:
            return vn.parse_date(text)
        except FormatError as exc:
            raise argparse.ArgumentTypeError(exc.message) from None


def _period(text: str):
    from kpdesk.deadlines import parse_period

    try:
        return parse_period(text)
    except FormatError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def _json(data: Any) -> None:
    _out(json.dumps(data, ensure_ascii=False, indent=2, default=str))


class Commands:
    """The department's commands, bound to the command line's way of opening the store."""

    def __init__(self, open_store: OpenStore) -> None:
        self.open_store = open_store

    def _records(self, args: argparse.Namespace):
        from kpdesk.department.records import Records

        store = self.open_store(args)
        return store, Records(store)

    # -- the unit list ---------------------------------------------------------------------
    def units(self, args: argparse.Namespace) -> int:
        store, records = self._records(args)
        with store:
            if args.file:
                from kpdesk.department.unitlist import read_unit_list

                _out(records.import_units(read_unit_list(Path(args.file)), who=args.by or "").text)
            units = records.units()
        if args.json:
            _json(
                [
                    {
                        "code": u.code,
                        "name": u.name,
                        "level": u.level,
                        "email": u.email,
                        "phone": u.phone,
                        "valid_from": u.valid_from,
                        "valid_until": u.valid_until,
                    }
                    for u in units
                ]
            )
            return 0
        if not units:
            _out(
                "Chưa có danh sách đơn vị. Nhập bằng: kpdesk department units import TỆP.csv (hoặc .xlsx) với các "
                "cột Mã, Tên, Cấp."
            )
            return 0
        for u in units:
            valid = ""
            if u.valid_from or u.valid_until:
                valid = f"  (hiệu lực {u.valid_from or '…'} → {u.valid_until or '…'})"
            _out(f"{u.code:<10} {u.title:<32} {u.email}{valid}")
        _out(f"\n{len(units)} đơn vị.")
        return 0

    # -- the department's own profile --------------------------------------------------------
    def profile(self, args: argparse.Namespace) -> int:
        from dataclasses import replace

        from kpdesk.store import DEPARTMENT, SignerProfile, UnitProfile

        with self.open_store(args) as store:
            current = store.department() or UnitProfile(level="", role=DEPARTMENT)
            changes: dict[str, Any] = {
                k: v
                for k, v in {
                    "name": args.name,
                    "province": args.province,
                    "superior": args.superior,
                    "place": args.place,
                    "office_symbol": args.office_symbol,
                    "agency_symbol": args.agency_symbol,
                    "contact_name": args.contact,
                    "contact_phone": args.phone,
                    "contact_email": args.email,
                }.items()
                if v is not None
            }
            if args.agency:
                changes["agency"] = tuple(args.agency)
            if args.recipient:
                changes["default_recipients"] = tuple(args.recipient)
            if args.signer:
                signers = []
                for i, text in enumerate(args.signer):
                    parts = [p.strip() for p in text.split(";")]
                    if len(parts) != 3:
                        raise DepartmentError(
                            f'--signer «{text}» phải có dạng "THẨM QUYỀN;CHỨC VỤ;Họ và tên", ví dụ '
                            '"KT. GIÁM ĐỐC;PHÓ GIÁM ĐỐC;Nguyễn Văn A" (thẩm quyền có thể trống).'
                        )
                    authority = tuple(a.strip() for a in parts[0].split("|") if a.strip())
                    signers.append(SignerProfile(parts[2], parts[1], authority, i == 0))
                changes["signers"] = tuple(signers)
            if changes:
                profile = replace(current, **changes)
                store.save_unit(profile)
                store.set_setting("mode", "department")
            found = store.department()
        if found is None:
            _out(
                'Chưa có thông tin của Sở. Ví dụ: kpdesk department profile --name "Sở Khoa học và Công nghệ" '
                '--province "Thanh Hóa" --superior "UBND TỈNH THANH HÓA" --agency "SỞ KHOA HỌC" --agency '
                '"VÀ CÔNG NGHỆ" --agency-symbol SKHCN --office-symbol QLKH --signer "KT. GIÁM ĐỐC;PHÓ GIÁM ĐỐC;'
                'Nguyễn Văn A"'
            )
            return 0
        _out(
            f"{found.name} ({found.province_level} {found.province}); ký hiệu {found.agency_symbol or 'UBND'}"
            f"{'-' + found.office_symbol if found.office_symbol else ''}"
        )
        _out("Tiêu đề: " + " / ".join(filter(None, [found.superior, *found.agency])))
        for s in found.signers:
            default = " (mặc định)" if s.is_default else ""
            _out(f"Người ký: {' / '.join([*s.authority, s.position, s.name])}{default}")
        if found.default_recipients:
            _out("Nơi nhận: " + "; ".join(found.default_recipients))
        return 0

    # -- intake --------------------------------------------------------------------------------
    def receive(self, args: argparse.Namespace) -> int:
        from kpdesk.department.intake import receive

        store, records = self._records(args)
        with store:
            receipts = receive(records, args.paths, received_on=args.received_on, who=args.by or "")
        if args.json:
            _json([r.to_json() for r in receipts])
            return 0
        for r in receipts:
            _out(r.line)
        counts: dict[str, int] = {}
        for r in receipts:
            counts[r.outcome] = counts.get(r.outcome, 0) + 1
        from kpdesk.department.intake import OUTCOME_LABELS

        summary = ", ".join(f"{OUTCOME_LABELS[o]}: {n}" for o, n in counts.items())
        _out(f"\n{len(receipts)} tệp — {summary}." if receipts else "Không có tệp .docx nào để nhận.")
        return 0

    # -- status ----------------------------------------------------------------------------------
    def status(self, args: argparse.Namespace) -> int:
        from kpdesk.department.status import describe, status
        from kpdesk.kinds import get_kind

        store, records = self._records(args)
        with store:
            found = status(records, get_kind(args.kind), args.period, args.on)
        if args.json:
            _json(found.to_json())
        else:
            for line in describe(found):
                _out(line)
        return 0

    def deadline(self, args: argparse.Namespace) -> int:
        from kpdesk import vn
        from kpdesk.department.status import check_period
        from kpdesk.kinds import get_kind

        kind = get_kind(args.kind)
        check_period(kind, args.period)
        if args.date is None and not args.clear:
            raise DepartmentError("Hãy ghi ngày hạn (ví dụ 15/7/2026) hoặc --clear để bỏ hạn đã đặt.")
        store, records = self._records(args)
        with store:
            records.set_deadline(kind.id, args.period, None if args.clear else args.date, who=args.by or "")
        _out(
            f"Đã bỏ hạn gửi {kind.short} {args.period.label}."
            if args.clear
            else f"Hạn gửi {kind.short} {args.period.label}: ngày {vn.format_date(args.date)}."
        )
        return 0

    # -- review ----------------------------------------------------------------------------------
    def _submission(self, records, args: argparse.Namespace):
        from kpdesk.department.status import check_period
        from kpdesk.kinds import get_kind

        kind = get_kind(args.kind)
        check_period(kind, args.period)
        unit = records.find_unit(args.unit)
        found = records.find_submission(unit, kind.id, args.period)
        if found is None:
            from kpdesk.deadlines import period_key

            raise DepartmentError(
                f"Chưa nhận {kind.short} {args.period.label} của {unit.title}. Xem: kpdesk "
                f"department status --kind {kind.id} --period {period_key(args.period)}"
            )
        return found

    def review(self, args: argparse.Namespace) -> int:
        from kpdesk.department.records import STATE_LABELS

        store, records = self._records(args)
        with store:
            found = records.set_state(
                self._submission(records, args).id, args.state, args.note or "", who=args.by or ""
            )
        _out(f"Báo cáo {found.period.label} của {found.sender}: {STATE_LABELS[found.state]}.")
        return 0

    def return_(self, args: argparse.Namespace) -> int:
        from kpdesk.department.letters import return_report

        store, records = self._records(args)
        with store:
            submission = self._submission(records, args)
            issued = return_report(
                records,
                submission,
                Path(args.output),
                note=args.note or "",
                resubmit_by=args.resubmit_by,
                number=args.number,
                date=args.date,
                who=args.by or "",
            )
        points = len(issued.draft.values.get("points") or ())
        _out(
            f"Đã ghi công văn trả lại {issued.path} ({points} nội dung cần sửa); báo cáo {submission.period.label} "
            f"của {submission.sender} chuyển sang «đã trả lại để sửa». Gửi tệp này cho xã: kpdesk ở xã nhập tệp sẽ "
            "hiện từng nội dung cạnh ô cần sửa."
        )
        return 0

    # -- consolidation ---------------------------------------------------------------------------
    def _reported_kind(self, args: argparse.Namespace):
        """The version of the kind the communes report for the period (not one of the department's own kinds)."""
        from kpdesk.department.status import check_period
        from kpdesk.kinds import kind_for_period

        kind = kind_for_period(args.kind, args.period)
        if kind.audience == "department":
            raise DepartmentError(
                f"«{kind.name}» là văn bản của Sở, không phải báo cáo các xã, phường gửi; hãy ghi "
                "mã một loại báo cáo của xã, phường (xem: kpdesk kinds)."
            )
        check_period(kind, args.period)
        return kind

    def table(self, args: argparse.Namespace) -> int:
        from kpdesk.department.consolidate import consolidate, cumulative_chart
        from kpdesk.department.workbook import write_workbook

        kind = self._reported_kind(args)
        store, records = self._records(args)
        with store:
            cons = consolidate(records, kind, args.period, today=args.on)
            path = write_workbook(cons, Path(args.output), cumulative_chart(records, kind, args.period, today=args.on))
        _out(
            f"Đã ghi biểu tổng hợp {path}: {len(cons.themes)} biểu số liệu, {len(cons.sent)}/{len(cons.rows)} "
            f"đơn vị đã gửi (dùng bản mới nhất của mỗi đơn vị)."
        )
        _out(cons.status.headline)
        return 0

    def summary(self, args: argparse.Namespace) -> int:
        from kpdesk.department.summary import chart_appendix, summary_draft, write_summary

        kind = self._reported_kind(args)
        output = Path(args.output)
        if output.suffix.lower() != ".docx":
            raise DepartmentError(f"Tên tệp «{output.name}» phải có đuôi .docx (tệp Word).")
        maker = args.chart_maker() if args.charts and getattr(args, "chart_maker", None) else None
        store, records = self._records(args)
        with store:
            draft = summary_draft(
                records, kind, args.period, form=args.form, number=args.number, date=args.date, today=args.on
            )
            appendix = chart_appendix(records, kind, args.period, maker, args.on) if args.charts else None
            written = write_summary(records, draft, output, appendix=appendix, today=args.on)
        figures = len(draft.values.get("figures") or ())
        raised = len(draft.values.get("raised") or ())
        charts = f", {len(appendix.figures)} biểu đồ ở phụ lục" if appendix is not None else ""
        _out(f"Đã ghi {written.path} ({figures} số liệu tổng hợp{charts}); bản nháp số {written.draft_id}.")
        if raised:
            _out(
                f"Có {raised} ý nhiều xã, phường cùng nêu: mở bản nháp số {written.draft_id} trong cửa sổ, đánh dấu "
                "«Đưa vào thông báo» những ý muốn nêu, viết đánh giá, khó khăn, giải pháp rồi xuất lại."
            )
        return 0

    def remind(self, args: argparse.Namespace) -> int:
        from kpdesk.department.letters import remind
        from kpdesk.department.status import status
        from kpdesk.kinds import get_kind

        store, records = self._records(args)
        with store:
            found = status(records, get_kind(args.kind), args.period, args.on)
            issued = remind(
                records,
                found,
                Path(args.output),
                resubmit_by=args.resubmit_by,
                number=args.number,
                date=args.date,
                who=args.by or "",
            )
        _out(f"Đã ghi công văn đôn đốc {issued.path}, gửi {len(found.missing)} đơn vị chưa gửi báo cáo.")
        return 0

    def match(self, args: argparse.Namespace) -> int:
        store, records = self._records(args)
        with store:
            unit = records.find_unit(args.unit)
            found = records.match(args.report, unit, who=args.by or "")
        _out(
            f"Đã ghép: báo cáo {found.period.label} số {found.id} là của {unit.title} (mã {unit.code}); các báo cáo "
            "sau gửi dưới tên đó cũng được ghép."
        )
        return 0

    def versions(self, args: argparse.Namespace) -> int:
        from kpdesk import vn
        from kpdesk.diff import describe_change, diff_drafts
        from kpdesk.kinds import get_kind

        store, records = self._records(args)
        with store:
            submission = self._submission(records, args)
            found = records.versions(submission.id)
            log = records.log(submission.id)
        _out(f"{get_kind(submission.kind).short} {submission.period.label} của {submission.sender}: {len(found)} bản.")
        for v in found:
            flags = [f"{v.errors} lỗi", f"{v.warnings} cảnh báo"] + (["bị sửa sau khi xuất"] if v.edited else [])
            _out(
                f"  bản {v.number}: {v.file_name}, nhận {vn.format_date(v.received_on)}, mẫu phiên bản "
                f"{v.kind_version} ({', '.join(flags)})"
            )
        for older, newer in zip(found, found[1:], strict=False):
            kind = get_kind(submission.kind)
            changes = diff_drafts(kind, older.draft, newer.draft)
            _out(f"\nBản {older.number} → bản {newer.number}: {len(changes)} thay đổi")
            for change in changes:
                _out(f"  {describe_change(change)}")
        _out("\nNhật ký:")
        for entry in log:
            _out(f"  {entry.text}")
        return 0

    def log(self, args: argparse.Namespace) -> int:
        store, records = self._records(args)
        with store:
            entries = records.log(limit=args.limit)
        for entry in entries:
            _out(entry.text)
        return 0

    # -- files without data ---------------------------------------------------------------------------
    def files(self, args: argparse.Namespace) -> int:
        from kpdesk import vn

        store, records = self._records(args)
        with store:
            found = records.files()
        if not found:
            _out("Không có tệp nào chờ nhập tay.")
        for f in found:
            _out(f"{f.id:>4}  {f.file_name}  (nhận {vn.format_date(f.received_on)}; {f.source})")
        return 0

    def enter(self, args: argparse.Namespace) -> int:
        from kpdesk import draft as drafts
        from kpdesk.department.intake import enter_manually

        draft = drafts.load(Path(args.draft))
        store, records = self._records(args)
        with store:
            unit = records.find_unit(args.unit) if args.unit else None
            receipt = enter_manually(records, args.file_id, draft, unit=unit, who=args.by or "")
        _out(receipt.line)
        return 0

    def mode(self, args: argparse.Namespace) -> int:
        with self.open_store(args) as store:
            if args.mode:
                store.set_setting("mode", args.mode)
            mode = store.setting("mode", "commune")
        _out(
            "Máy này nhận báo cáo cho Sở (chế độ Sở)."
            if mode == "department"
            else "Máy này soạn báo cáo của xã, phường (chế độ xã)."
        )
        return 0


def register(sub: Any, open_store: OpenStore) -> None:
    """Add `kpdesk department …` to the command line's subcommands."""
    c = Commands(open_store)
    dept = sub.add_parser("department", help="phía Sở: nhận báo cáo, theo dõi, trả lại, đôn đốc, tổng hợp")
    subs = dept.add_subparsers(dest="department_command", metavar="LỆNH", required=True)

    def by(p: argparse.ArgumentParser) -> None:
        p.add_argument("--by", help="tên người thực hiện (mặc định: tên người dùng máy tính)")

    def kind_period(p: argparse.ArgumentParser) -> None:
        p.add_argument("--kind", required=True, help="mã loại báo cáo (xem `kpdesk kinds`)")
        p.add_argument(
            "--period",
            required=True,
            type=_period,
            help="kỳ báo cáo: 2026-05 (tháng), 2026-H1 (6 tháng đầu năm), 2026 (năm)",
        )

    p = subs.add_parser("units", help="danh sách đơn vị gửi báo cáo; `units import TỆP` để nhập từ CSV hoặc XLSX")
    p.add_argument("action", nargs="?", choices=["import"], help="import: nhập danh sách từ tệp")
    p.add_argument(
        "file",
        nargs="?",
        help="tệp .csv hoặc .xlsx với các cột Mã, Tên, Cấp (và Thư điện tử, Điện thoại, Hiệu lực từ, Hiệu lực đến)",
    )
    p.add_argument("--json", action="store_true", help="in dạng JSON")
    by(p)
    p.set_defaults(func=_units(c))

    p = subs.add_parser("profile", help="thông tin của Sở: tên, tiêu đề, ký hiệu, người ký, nơi nhận")
    for flag, text in (
        ("--name", "tên Sở, ví dụ «Sở Khoa học và Công nghệ»"),
        ("--province", "tên tỉnh"),
        ("--superior", "dòng cơ quan chủ quản, ví dụ «UBND TỈNH THANH HÓA»"),
        ("--place", "địa danh ghi ở dòng ngày tháng"),
        ("--agency-symbol", "ký hiệu cơ quan trong số văn bản, ví dụ SKHCN"),
        ("--office-symbol", "ký hiệu phòng soạn thảo, ví dụ QLKH"),
        ("--contact", "người liên hệ"),
        ("--phone", "số điện thoại"),
        ("--email", "thư điện tử"),
    ):
        p.add_argument(flag, help=text)
    p.add_argument("--agency", action="append", help="một dòng tên cơ quan ở tiêu đề (ghi nhiều lần)")
    p.add_argument(
        "--signer",
        action="append",
        help='người ký "THẨM QUYỀN;CHỨC VỤ;Họ và tên" (người đầu là mặc định; ghi nhiều lần)',
    )
    p.add_argument("--recipient", action="append", help="một dòng Nơi nhận mặc định (ghi nhiều lần)")
    p.set_defaults(func=c.profile)

    p = subs.add_parser("receive", help="nhận các tệp báo cáo .docx (và cả thư mục)")
    p.add_argument("paths", nargs="+", help="tệp .docx hoặc thư mục")
    p.add_argument("--received-on", type=_date, help="ngày Sở nhận (mặc định hôm nay), ví dụ 18/5/2026")
    p.add_argument("--json", action="store_true", help="in dạng JSON")
    by(p)
    p.set_defaults(func=c.receive)

    p = subs.add_parser("status", help="đơn vị nào đã gửi, gửi muộn, chưa gửi")
    kind_period(p)
    p.add_argument("--on", type=_date, help="tính đến ngày (mặc định hôm nay)")
    p.add_argument("--json", action="store_true", help="in dạng JSON")
    p.set_defaults(func=c.status)

    p = subs.add_parser("deadline", help="đặt hạn gửi của một kỳ (báo cáo 6 tháng, năm) hoặc đổi hạn")
    kind_period(p)
    p.add_argument("date", nargs="?", type=_date, help="ngày cuối cùng còn đúng hạn, ví dụ 15/7/2026")
    p.add_argument("--clear", action="store_true", help="bỏ hạn đã đặt")
    by(p)
    p.set_defaults(func=c.deadline)

    for name, state, text in (
        ("accept", "accepted", "chấp nhận báo cáo"),
        ("flag", "problems", "đánh dấu báo cáo có vấn đề cần xem (ghi vấn đề bằng --note)"),
        ("reopen", "received", "mở lại báo cáo đã chấp nhận, đã trả lại hoặc có vấn đề"),
    ):
        p = subs.add_parser(name, help=text)
        p.add_argument("unit", help="mã hoặc tên đơn vị trong danh sách")
        kind_period(p)
        p.add_argument("--note", help="ghi chú")
        by(p)
        p.set_defaults(func=c.review, state=state)

    p = subs.add_parser("return", help="trả lại báo cáo để sửa: viết công văn đề nghị hoàn thiện (.docx)")
    p.add_argument("unit", help="mã hoặc tên đơn vị trong danh sách")
    kind_period(p)
    p.add_argument("-o", "--output", required=True, help="tệp công văn .docx sẽ ghi")
    p.add_argument("--note", help="thêm một nội dung cần sửa (ngoài các lỗi, cảnh báo kpdesk tìm thấy)")
    p.add_argument("--resubmit-by", type=_date, help="hạn gửi lại (mặc định: 7 ngày sau hôm nay)")
    p.add_argument("--number", help="số công văn (để trống nếu văn thư sẽ ghi)")
    p.add_argument("--date", type=_date, help="ngày ký công văn (mặc định hôm nay)")
    by(p)
    p.set_defaults(func=c.return_)

    p = subs.add_parser("remind", help="đôn đốc các đơn vị chưa gửi báo cáo: viết công văn (.docx)")
    kind_period(p)
    p.add_argument("-o", "--output", required=True, help="tệp công văn .docx sẽ ghi")
    p.add_argument("--on", type=_date, help="tính đến ngày (mặc định hôm nay)")
    p.add_argument("--resubmit-by", type=_date, help="đề nghị gửi trước ngày (mặc định: 7 ngày sau hôm nay)")
    p.add_argument("--number", help="số công văn")
    p.add_argument("--date", type=_date, help="ngày ký công văn (mặc định hôm nay)")
    by(p)
    p.set_defaults(func=c.remind)

    p = subs.add_parser("table", help="biểu tổng hợp (.xlsx): tình hình gửi, số liệu từng đơn vị, tổng, biểu đồ")
    kind_period(p)
    p.add_argument("-o", "--output", required=True, help="tệp Excel .xlsx sẽ ghi")
    p.add_argument("--on", type=_date, help="tính tình hình gửi đến ngày (mặc định hôm nay)")
    p.set_defaults(func=c.table)

    p = subs.add_parser("summary", help="thông báo kết quả tổng hợp (.docx) điền sẵn số liệu từ các báo cáo đã nhận")
    kind_period(p)
    p.add_argument("-o", "--output", required=True, help="tệp Word .docx sẽ ghi")
    p.add_argument("--charts", action="store_true", help="kèm biểu đồ (phụ lục sau chữ ký)")
    p.add_argument(
        "--form",
        choices=["thong_bao", "bao_cao"],
        default="thong_bao",
        help="thong_bao: THÔNG BÁO gửi các xã, phường (mặc định); bao_cao: BÁO CÁO tổng hợp",
    )
    p.add_argument("--number", help="số văn bản (để trống nếu văn thư sẽ ghi)")
    p.add_argument("--date", type=_date, help="ngày ký (mặc định hôm nay)")
    p.add_argument("--on", type=_date, help="số liệu tính đến ngày (mặc định hôm nay)")
    p.set_defaults(func=c.summary)

    p = subs.add_parser("match", help="ghép báo cáo của nơi gửi chưa có trong danh sách với một đơn vị")
    p.add_argument("report", type=int, help="số báo cáo (in khi nhận, hoặc trong `status --json`)")
    p.add_argument("unit", help="mã hoặc tên đơn vị trong danh sách")
    by(p)
    p.set_defaults(func=c.match)

    p = subs.add_parser("versions", help="các bản đã nhận của một báo cáo, thay đổi giữa các bản, nhật ký")
    p.add_argument("unit", help="mã hoặc tên đơn vị")
    kind_period(p)
    p.set_defaults(func=c.versions)

    p = subs.add_parser("log", help="nhật ký nhận báo cáo và các thay đổi trạng thái")
    p.add_argument("--limit", type=int, default=50, help="số dòng (mặc định 50)")
    p.set_defaults(func=c.log)

    p = subs.add_parser("files", help="các tệp không có dữ liệu kpdesk, chờ nhập tay")
    p.set_defaults(func=c.files)

    p = subs.add_parser("enter", help="nhập tay một báo cáo gõ trong Word: ghi nhận bản nháp .json đã nhập")
    p.add_argument("file_id", type=int, help="số tệp trong `kpdesk department files`")
    p.add_argument("draft", help="bản nháp .json của báo cáo đó (soạn trong cửa sổ hoặc tệp)")
    p.add_argument("--unit", help="mã đơn vị (mặc định: theo tên đơn vị trong bản nháp)")
    by(p)
    p.set_defaults(func=c.enter)

    p = subs.add_parser("mode", help="chế độ của máy này: department (nhận báo cáo cho Sở) hoặc commune (xã)")
    p.add_argument("mode", nargs="?", choices=["commune", "department"])
    p.set_defaults(func=c.mode)


def _units(c: Commands) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        if args.action == "import" and not args.file:
            raise DepartmentError("Hãy ghi tệp danh sách: kpdesk department units import TỆP.csv")
        if args.action is None and args.file:
            raise DepartmentError(f"Để nhập danh sách, ghi: kpdesk department units import {args.file}")
        return c.units(args)

    return run
