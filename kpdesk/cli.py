"""The `kpdesk` command: thin wrappers that parse arguments, call the core and print in Vietnamese.

Why over 600 lines: one argparse definition of every command with its Vietnamese help; each command is a short wrapper
over the core (the department's commands are in kpdesk/department/commands.py).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from kpdesk.errors import KpdeskError

if TYPE_CHECKING:
    from kpdesk.department.summary import ChartMaker
    from kpdesk.pdf import Converter

#: The largest number SQLite stores: a draft, unit or backup number is ASCII digits up to this.
MAX_ID = 2**63 - 1


def _write(stream, text: str) -> None:
    """Write `text`, replacing what the stream cannot encode (a lone surrogate from a file name) instead of failing."""
    try:
        stream.write(text)
    except UnicodeEncodeError:
        encoding = getattr(stream, "encoding", None) or "utf-8"
        stream.write(text.encode(encoding, "replace").decode(encoding))


def _out(text: str = "") -> None:
    _write(sys.stdout, text + "\n")


def _err(text: str) -> None:
    _write(sys.stderr, text + "\n")


def _number(text: str) -> int | None:
    """`text` as a number typed on the command line: ASCII digits only ("²" or "٣" are not 2 or 3), else None."""
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() else None


def _id(text: str) -> int:
    """An argument that is the number of a draft or unit (argparse type)."""
    number = _number(text)
    if number is None:
        raise argparse.ArgumentTypeError(f"«{text[:40]}» không phải là số; chỉ dùng các chữ số 0–9, ví dụ 12")
    if number > MAX_ID:
        raise argparse.ArgumentTypeError(
            f"số «{text[:40]}» quá lớn, không có bản ghi nào mang số này; xem danh sách "
            "bằng lệnh kpdesk drafts hoặc kpdesk units"
        )
    return number


def cmd_kinds(args: argparse.Namespace) -> int:
    """List every kind, built in and installed, with its versions, who writes it and where each version is from;
    name each kind that does not load and why, on stderr (exit code 1 then)."""
    from kpdesk.kinds import AUDIENCES, get_kind, kind_folder, kind_ids, kind_versions
    from kpdesk.vocab import PERIOD_NAMES

    broken = 0
    for kind_id in kind_ids():
        try:
            versions = kind_versions(kind_id)
            kind = get_kind(kind_id)
        except KpdeskError as exc:
            broken += 1
            _err(
                f"Lỗi: mẫu báo cáo «{kind_id}» bị bỏ qua vì không dùng được: {exc.message} "
                f"Hãy sửa hoặc gỡ thư mục {kind_folder(kind_id)}."
            )
            continue
        periods = ", ".join(PERIOD_NAMES[p] for p in kind.periods)
        _out(f"{kind.id}  (phiên bản {kind.version}; kỳ: {periods}; người soạn: {AUDIENCES[kind.audience]})")
        _out(f"    {kind.name}")
        for found in reversed(versions):
            try:
                start = get_kind(kind_id, found.version).applies_from
            except KpdeskError as exc:
                _out(f"    phiên bản {found.version}: không đọc được ({exc.message})")
                continue
            when = f"; áp dụng từ kỳ {start.label}" if start else ""
            _out(f"    phiên bản {found.version}: {found.describe()}{when}")
    return 1 if broken else 0


def cmd_kinds_pack(args: argparse.Namespace) -> int:
    """Pack kinds into a .kpkind for the communes, after checking each as a commune's kpdesk will."""
    from kpdesk.kindpack import pack

    result = pack([Path(f) for f in args.folders], Path(args.output), args.publisher, kpdesk_min=args.kpdesk_min)
    for line in result.checked:
        _out(f"Đã kiểm tra: {line}")
    _out(f"Đã ghi gói mẫu báo cáo {result.path} ({len(result.kinds)} mẫu; sha256 {result.sha256[:16]}…).")
    return 0


def cmd_kinds_install(args: argparse.Namespace) -> int:
    """Install a .kpkind into the data folder: say what changes, ask (unless --yes), install atomically."""
    from kpdesk.kindpack import install, plan_install

    plan = plan_install(Path(args.file))
    try:
        for line in plan.summary():
            _out(line)
        if plan.nothing_new:
            _out("Gói này đã được cài rồi; không có gì thay đổi.")
            return 0
        if not args.yes:
            if not sys.stdin.isatty():
                _out("Chưa cài. Chạy lại với --yes để cài gói này.")
                return 1
            answer = input("Cài gói mẫu báo cáo này? [c/K] ").strip().lower()
            if answer not in ("c", "co", "có", "y", "yes"):
                _out("Chưa cài gì.")
                return 1
        installed = install(plan)
    finally:
        plan.discard()
    for found in installed:
        _out(f"Đã cài mẫu «{found.kind_id}» phiên bản {found.version} vào {found.folder}.")
    return 0


def _choices(f, indent: str) -> None:
    """The values a choice takes in a draft file, each with the label the window shows (either is read)."""
    if f.type == "choice":
        _out(
            f"{indent}giá trị: "
            + ", ".join(f'"{o.value}"' + (f" ({o.label})" if o.label != o.value else "") for o in f.options)
        )


def _document_parts(kind) -> None:
    """The keys of a draft file outside «values»: what each holds for this kind, and its defaults."""
    from kpdesk.vocab import FORM_NAMES

    periods = {
        "month": '{"type": "month", "year": 2026, "month": 4}',
        "half": '{"type": "half", "year": 2026, "half": 1}',
        "year": '{"type": "year", "year": 2026}',
    }
    to = "; mặc định: " + "; ".join(kind.default_to) if kind.default_to else ""
    recipients = "; mặc định: " + "; ".join(kind.default_recipients) if kind.default_recipients else ""
    parts = [
        ("form", "hình thức", ", ".join(f'"{f}" ({FORM_NAMES[f]})' for f in kind.forms)),
        ("period", "kỳ báo cáo", " hoặc ".join(periods[p] for p in kind.periods)),
        ("number", "số văn bản", 'chữ số, ví dụ "05"; null: để trống cho văn thư ghi'),
        ("date", "ngày ký", '"2026-04-18"; null: để trống ngày tháng'),
        (
            "signer",
            "người ký",
            '{"authority": ["KT. CHỦ TỊCH"], "position": "PHÓ CHỦ TỊCH", "name": "…"}; '
            "dòng thẩm quyền bắt đầu bằng TM., KT., TL., TUQ. hoặc Q.",
        ),
        (
            "to",
            "Kính gửi",
            "danh sách cơ quan nhận, in trên công văn"
            + (" (bắt buộc)" if "cong_van" in kind.forms else "; mẫu này không có công văn")
            + to,
        ),
        ("recipients", "Nơi nhận", "danh sách, «Lưu: VT» được thêm nếu thiếu" + recipients),
        ("money_unit", "đơn vị tiền", '"dong", "nghin", "trieu" (mặc định) hoặc "ty"'),
        (
            "unit",
            "đơn vị gửi",
            '{"name": "Thiệu Trung", "level": "xã", "province": "Thanh Hóa", "office_symbol": "VHXH"}',
        ),
    ]
    _out("\n[Thông tin văn bản] (các khóa ngoài «values» của tệp bản nháp, xem docs/draft-format.md)")
    for key, label, what in parts:
        _out(f"  {key:<22} {label:<16} {what}")


def cmd_fields(args: argparse.Namespace) -> int:
    from kpdesk.kinds import FIELD_TYPES, get_kind

    kind = get_kind(args.kind)
    _out(f"{kind.name} (phiên bản {kind.version})")
    _document_parts(kind)
    for section in kind.sections:
        _out(f"\n[{section.title}]")
        for f in section.fields:
            need = "bắt buộc" if f.required else "không bắt buộc"
            cond = f"; chỉ khi {f.visible_if.describe(kind)}" if f.visible_if else ""
            _out(f"  {f.id:<22} {FIELD_TYPES[f.type]:<16} {need:<15} {f.label}{cond}")
            _choices(f, " " * 43)
            for col in f.columns:
                need = "bắt buộc" if col.required else ""
                _out(f"      .{col.id:<19} {FIELD_TYPES[col.type]:<16} {need:<15} {col.label}")
                _choices(col, " " * 47)
    if kind.computed:
        _out("\n[Giá trị tính tự động]")
        for comp in kind.computed:
            _out(f"  {comp.id:<22} {comp.label}")
    return 0


def _load_draft(source: str):
    from kpdesk import draft as drafts

    path = Path(source)
    if path.suffix.lower() == ".docx":
        from kpdesk.render import draft_from_docx

        return draft_from_docx(path)
    return drafts.load(path)


def cmd_check(args: argparse.Namespace) -> int:
    from kpdesk.compute import compute, display
    from kpdesk.kinds import kind_of
    from kpdesk.validate import validate

    draft = _load_draft(args.draft)
    kind = kind_of(draft)
    derived = compute(kind, draft)
    report = validate(kind, draft, derived)
    _out(f"{kind.name} — {draft.unit.full_name}, {draft.period.label}")
    if not report.problems:
        _out("Không có lỗi hay cảnh báo nào.")
    for p in report.problems:
        _out(f"{'LỖI' if p.is_error else 'CẢNH BÁO'}: {p.message}")
    _out(f"\n{len(report.errors)} lỗi, {len(report.warnings)} cảnh báo.")
    if kind.computed:
        _out("\nGiá trị tính tự động:")
    for comp in kind.computed:
        _out(f"  {comp.label}: {display(kind, comp, derived[comp.id], draft.money_unit)}")
    return 1 if report.errors else 0


def cmd_render(args: argparse.Namespace) -> int:
    """Render a draft file, or a stored draft given by its number. The output's suffix decides: .docx, or .pdf made
    from the .docx by Word, LibreOffice or the shell's fallback (without -o: the standard file name). For a stored
    draft the file is written and its export recorded in one transaction (a PDF, whose conversion may take longer
    than the database's busy wait, is recorded right after it is written), or the message says the file was written
    but not recorded (exit code 1). A copy written with errors (--force) says «DỰ THẢO» and is never recorded."""
    from kpdesk.errors import NotFound, RenderError, StoreError
    from kpdesk.render import default_filename, render_to_file

    def target(draft) -> Path:
        if args.output is not None:
            output = Path(args.output)
        else:
            from kpdesk.kinds import kind_of
            from kpdesk.validate import validate

            kind = kind_of(draft)
            output = Path(default_filename(kind, draft, draft_copy=args.force and bool(validate(kind, draft).errors)))
        if output.suffix.lower() not in (".docx", ".pdf"):
            raise RenderError(f"Tên tệp «{output.name}» phải có đuôi .docx (tệp Word) hoặc .pdf.")
        return output

    def write(draft, output: Path):
        if output.suffix.lower() != ".pdf":
            return render_to_file(draft, output, allow_errors=args.force)
        from kpdesk.pdf import render_pdf

        fallback = args.pdf_fallback() if getattr(args, "pdf_fallback", None) else None
        return render_pdf(
            draft,
            output,
            fallback=fallback,
            allow_errors=args.force,
            progress=lambda text: sys.stderr.write(text + "\n"),
        )

    number = _number(args.draft)
    if number is None and args.draft.strip().isdigit() and not Path(args.draft).exists():
        raise NotFound(
            f"«{args.draft}» không phải là số bản nháp (chỉ dùng các chữ số 0–9, ví dụ 12) và cũng không "
            "phải là tệp. Xem danh sách bằng lệnh: kpdesk drafts"
        )
    if number is None or Path(args.draft).exists():
        draft = _load_draft(args.draft)
        _rendered(write(draft, target(draft)))
        return 0
    if number > MAX_ID:
        raise NotFound(f"Không có bản nháp số {args.draft}. Xem danh sách bằng lệnh: kpdesk drafts")
    with _open_store(args) as store:
        stored = store.load(number)
        output = target(stored.draft)
        result = None
        not_recorded: str | None = None
        if store.read_only:
            result = write(stored.draft, output)
            if not result.report.errors:
                not_recorded = f"dữ liệu đang mở ở chế độ chỉ đọc vì {store.read_only}"
        else:
            try:
                if output.suffix.lower() == ".pdf":
                    result = write(stored.draft, output)
                with store.tx():  # the write lock first: a busy database stops here, before any .docx is written
                    result = result or write(stored.draft, output)
                    if not result.report.errors:  # a draft copy (--force) is never recorded as exported
                        store.record_export(stored.info.id, result.path.resolve(), result.sha256, stored.info.revision)
            except StoreError as exc:
                if result is None:  # nothing was written
                    raise
                not_recorded = exc.message[:1].lower() + exc.message[1:].rstrip(".")
    _rendered(result)
    if not_recorded is None:
        return 0
    _err(
        f"Cảnh báo: đã ghi tệp {result.path}, nhưng chưa ghi nhận được vào danh sách báo cáo đã xuất của bản nháp "
        f"số {number}: {not_recorded}. Tệp đã ghi vẫn dùng được; khi ghi được dữ liệu, hãy chạy lại lệnh này để "
        "ghi nhận lần xuất."
    )
    return 1


def _rendered(result) -> None:
    for p in result.report.problems:
        _out(f"{'LỖI' if p.is_error else 'CẢNH BÁO'}: {p.message}")
    _out(f"Đã ghi {result.path} ({result.problem_count}).")
    if result.report.errors:  # written with --force: a copy to look at, not the report
        _out(
            "Đây là bản dự thảo để xem thử: đầu mỗi trang có chữ «DỰ THẢO», và bản nháp không được ghi nhận là "
            "đã xuất. Hãy sửa hết lỗi rồi xuất lại để có bản chính thức gửi đi."
        )
    if hasattr(result, "converter"):  # a PDF: which converter made it
        _out(result.message)


def _data_dir(args: argparse.Namespace) -> Path | None:
    return Path(args.data_dir) if getattr(args, "data_dir", None) else None


def _open_store(args: argparse.Namespace):
    from kpdesk.store import Store
    from kpdesk.upgrade import check_upgrade

    check_upgrade(_data_dir(args))  # a new version backs the data up before it first uses them
    store = Store.open(_data_dir(args))
    for warning in store.warnings:
        _err(f"Cảnh báo: {warning}")
    return store


def _draft_status(text: str) -> str:
    from kpdesk.store import fold

    key = fold(text).strip().replace(" ", "-")
    for status, names in {"drafting": ("drafting", "dang-soan"), "exported": ("exported", "da-xuat")}.items():
        if key in names:
            return status
    raise argparse.ArgumentTypeError(f"trạng thái «{text}» không hợp lệ; dùng dang-soan hoặc da-xuat")


def _kind_short(kind_id: str) -> str:
    from kpdesk.kinds import get_kind

    try:
        return get_kind(kind_id).short
    except KpdeskError:
        return kind_id


def cmd_drafts(args: argparse.Namespace) -> int:
    with _open_store(args) as store:
        items = store.list_drafts(kind=args.kind, status=args.status, text=args.text, deleted=args.deleted)
    if not items:
        _out(
            "Thùng rác trống."
            if args.deleted and not (args.kind or args.status or args.text)
            else "Không có bản nháp nào phù hợp."
        )
        return 0
    shorts = {i.kind: _kind_short(i.kind) for i in items}
    w = max(4, *(len(s) for s in shorts.values()))
    _out(f"{'Số':>5}  {'Kỳ':<9}  {'Loại':<{w}}  {'Trạng thái':<10}  {'Cập nhật':<16}  Tiêu đề — đơn vị")
    for i in items:
        title = i.title or f"{shorts[i.kind]} {i.period.label}"
        _out(
            f"{i.id:>5}  {i.period.code:<9}  {shorts[i.kind]:<{w}}  {i.status_label:<10}  "
            f"{i.updated:%d/%m/%Y %H:%M}  {title} — {i.unit_name}"
        )
    where = " trong thùng rác" if args.deleted else ""
    _out(f"\n{len(items)} bản nháp{where}.")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from kpdesk.corrections import import_path

    with _open_store(args) as store:
        imported = import_path(store, Path(args.file), unit_id=args.unit)
    _out(imported.text)
    return 0


def _period_arg(text: str):
    from kpdesk.deadlines import parse_period

    try:
        return parse_period(text)
    except KpdeskError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def _draft_number_arg(text: str) -> int:
    if not (text.isascii() and text.isdigit()):
        raise argparse.ArgumentTypeError(
            f"số bản nháp «{text[:40]}» chỉ gồm các chữ số 0–9, ví dụ 12 (xem `kpdesk drafts`)"
        )
    return int(text)


def cmd_new(args: argparse.Namespace) -> int:
    """A draft for the period after a stored draft's (or --period), as «Báo cáo kỳ mới từ kỳ trước» in the window:
    the same kind, unit, form, signer and recipients, and the fields the kind carries over."""
    from kpdesk.kinds import get_kind
    from kpdesk.store import DraftId

    with _open_store(args) as store:
        source = store.info(DraftId(args.source))
        draft_id = store.new_from_previous(DraftId(args.source), args.period, form=args.form, title=args.title or "")
        made = store.load(draft_id)
    info, draft = made.info, made.draft
    _out(
        f"Đã tạo bản nháp số {draft_id}: {get_kind(info.kind).short} {info.period.label} — {info.unit_name}, "
        f"từ bản nháp số {source.id} ({source.period.label})."
    )
    kept = [get_kind(info.kind).label_of(fid) for fid in draft.values]
    if kept:
        _out("Mang sang từ kỳ trước: " + "; ".join(f"«{label}»" for label in kept) + ".")
    _out(f"Xuất ra tệp bản nháp để soạn: kpdesk export {draft_id} -o bao-cao.json")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    with _open_store(args) as store:
        store.export_json(args.id, Path(args.output))
    _out(f"Đã ghi bản nháp số {args.id} vào {args.output}.")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    with _open_store(args) as store:
        path = store.backup("manual")
    _out(f"Đã sao lưu cơ sở dữ liệu vào {path}.")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    import os

    from kpdesk.errors import StoreError
    from kpdesk.files import lock_file
    from kpdesk.store import (
        WINDOW_LOCK,
        DamagedDatabase,
        Store,
        backup_reason,
        backup_time,
        default_data_dir,
        list_backups,
    )

    data_dir = _data_dir(args) or default_data_dir()
    found = list_backups(data_dir)
    if args.backup is None:
        if not found:
            _out(f"Chưa có bản sao lưu nào trong {data_dir}.")
            return 0
        _out("Các bản sao lưu (mới nhất trước):")
        for n, path in enumerate(found, 1):
            when = backup_time(path)
            _out(f"{n:>4}. {when:%d/%m/%Y %H:%M:%S}  {backup_reason(path)}" if when else f"{n:>4}.")
            _out(f"      {path}")
        _out("\nKhôi phục: kpdesk restore SỐ (số thứ tự ở trên) hoặc kpdesk restore ĐƯỜNG-DẪN-TỆP.")
        return 0
    backup = Path(args.backup)
    number = _number(args.backup)
    if number is None and args.backup.strip().isdigit() and not backup.exists():
        raise StoreError(
            f"«{args.backup}» không phải là số thứ tự bản sao lưu (chỉ dùng các chữ số 0–9) và cũng "
            "không phải là tệp; xem danh sách bằng lệnh: kpdesk restore"
        )
    if number is not None and not backup.exists():
        if not 1 <= number <= len(found):
            raise StoreError(f"Không có bản sao lưu số {number}; xem danh sách bằng lệnh: kpdesk restore")
        backup = found[number - 1]
    try:  # the window's lock, held while restoring: no window works on the data meanwhile, nor starts
        lock = lock_file(Path(data_dir) / WINDOW_LOCK)
    except OSError:  # no data folder yet, or one that cannot be written: there is no window on it
        lock = -1
    if lock is None:
        raise StoreError(
            f"kpdesk đang mở cửa sổ trên thư mục dữ liệu {data_dir}: khôi phục lúc này thì cửa sổ sẽ ghi bản nháp "
            "đang mở đè lên dữ liệu vừa khôi phục. Hãy đóng cửa sổ kpdesk rồi chạy lại lệnh này, hoặc khôi phục "
            "ngay trong cửa sổ: Tệp › Khôi phục từ bản sao lưu…"
        )
    try:
        with Store.open(data_dir) as store:
            before = store.restore_backup(backup)
        _out(f"Đã khôi phục dữ liệu từ {backup}.")
        _out(f"Dữ liệu trước khi khôi phục được sao lưu vào {before}.")
    except DamagedDatabase:
        with Store.restore_damaged(backup, data_dir) as store:
            aside = store.set_aside
        _out(f"Đã khôi phục dữ liệu từ {backup}.")
        if aside is not None:
            _out(f"Tệp cơ sở dữ liệu hỏng được giữ lại ở {aside}.")
    finally:
        if lock >= 0:
            os.close(lock)
    return 0


def cmd_units(args: argparse.Namespace) -> int:
    from kpdesk import vn

    with _open_store(args) as store:
        units = store.units()
    if not units:
        _out("Chưa có đơn vị nào. Đơn vị được tạo khi nhập bản nháp (kpdesk import) hoặc trong cửa sổ kpdesk.")
        return 0
    for u in units:
        province = f", {u.province_level} {u.province}" if u.province else ""
        _out(f"{u.id:>4}. {u.full_name}{province}")
        if u.contact_name:
            phone = ""
            if u.contact_phone:
                try:
                    phone = ", " + vn.parse_phone(u.contact_phone).display()
                except KpdeskError:
                    phone = ", " + u.contact_phone
            who = f"{u.contact_honorific} {u.contact_name}".strip()
            _out(f"      Người liên hệ: {who}{phone}{', ' + u.contact_email if u.contact_email else ''}")
        signer = u.default_signer
        if signer is not None:
            _out(f"      Người ký mặc định: {signer.name} ({' / '.join((*signer.authority, signer.position))})")
    return 0


def _on_date(text: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"ngày «{text}» không đúng; viết năm-tháng-ngày, ví dụ 2026-05-15") from None


def cmd_due(args: argparse.Namespace) -> int:
    """The reports each unit has still to send (`kpdesk.due`): per unit, or as JSON for scripts."""
    import datetime as dt
    import json

    from kpdesk import vn
    from kpdesk.due import due_for_unit

    today = args.on or dt.date.today()
    with _open_store(args) as store:
        units = [store.unit(args.unit)] if args.unit is not None else store.units()
        found = [due_for_unit(store, unit, today) for unit in units]
    for due in found:
        for problem in due.problems:
            sys.stderr.write(f"Cảnh báo: {due.unit.full_name}: {problem}\n")
    if args.json:
        _out(json.dumps([item.to_json() for due in found for item in due.items], ensure_ascii=False, indent=1))
        return 0
    if not found:
        _out(
            "Chưa có đơn vị nào. Hãy nhập thông tin đơn vị trong cửa sổ kpdesk hoặc nhập một bản nháp (kpdesk import)."
        )
        return 0
    _out(f"Các báo cáo đến hạn và quá hạn ngày {vn.format_date(today)}:")
    for due in found:
        _out(f"\n{due.unit.full_name} (đơn vị số {due.unit.id})")
        if not due.kinds:
            _out(
                "  Chưa biết đơn vị làm loại báo cáo nào: hãy đánh dấu các loại báo cáo định kỳ trong cửa sổ "
                "kpdesk (Cài đặt › Thông tin đơn vị › Báo cáo định kỳ)."
            )
            continue
        if not due.items:
            shorts = ", ".join(k.short for k in due.kinds)
            _out(f"  Không có báo cáo nào đến hạn hay quá hạn ({shorts}).")
            continue
        for kind, items in due.by_kind():
            _out(f"  {kind.short} — {kind.name}")
            for item in items:
                draft = f"bản nháp số {item.draft_id}" if item.draft_id is not None else "chưa soạn"
                _out(f"    {'!' if item.overdue else '-'} {item.line} · {draft}")
    overdue = sum(len(d.overdue) for d in found)
    due_count = sum(len(d.items) for d in found) - overdue
    _out(f"\n{overdue} báo cáo quá hạn, {due_count} báo cáo đến hạn.")
    return 0


def data_dir(args: argparse.Namespace) -> Path | None:
    """Return the data folder chosen with --data-dir (None: the environment variable or the user's folder)."""
    return _data_dir(args)


def _version() -> str:
    from kpdesk.upgrade import app_version

    return app_version()


#: argparse's own words (usage, errors, the help line of -h) in Vietnamese, by their English message ids.
ARGPARSE_WORDS = {
    "usage: ": "Cách dùng: ",
    "options": "tùy chọn",
    "positional arguments": "tham số",
    "show this help message and exit": "xem hướng dẫn này rồi thoát",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
    "the following arguments are required: %s": "thiếu tham số bắt buộc: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "không có lựa chọn %(value)r (chọn một trong: %(choices)s)",
    "unrecognized arguments: %s": "không hiểu các tham số: %s",
    "argument %(argument_name)s: %(message)s": "tham số %(argument_name)s: %(message)s",
    "expected one argument": "cần đúng một giá trị",
    "expected at most one argument": "cần nhiều nhất một giá trị",
    "expected at least one argument": "cần ít nhất một giá trị",
    "expected %s argument": "cần %s giá trị",
    "expected %s arguments": "cần %s giá trị",
    "invalid %(type)s value: %(value)r": "giá trị %(value)r không đọc được (cần kiểu %(type)s)",
    "ambiguous option: %(option)s could match %(matches)s": "tùy chọn %(option)s chưa rõ: có thể là %(matches)s",
    "not allowed with argument %s": "không dùng cùng với %s",
    "one of the arguments %s is required": "cần một trong các tham số %s",
    "ignored explicit argument %r": "tùy chọn này không nhận giá trị %r",
    "can't open '%(filename)s': %(error)s": "không mở được «%(filename)s»: %(error)s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "không có lệnh %(parser_name)r (các lệnh: %(choices)s)",
}


def _argparse_in_vietnamese() -> None:
    """Make argparse speak Vietnamese: it looks its words up through its module's `_` and `ngettext` when it builds
    a parser and when it reports a mistake; a message without a translation stays as it was."""
    argparse._ = lambda message: ARGPARSE_WORDS.get(message, message)  # type: ignore[attr-defined]

    def plural(one: str, many: str, n: int) -> str:
        return ARGPARSE_WORDS.get(one if n == 1 else many, one if n == 1 else many)

    argparse.ngettext = plural  # type: ignore[attr-defined]


class _Parser(argparse.ArgumentParser):
    """An argument parser whose refusal also says where to read how the command is used."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: lỗi: {message}\nXem cách dùng: {self.prog} --help\n")


def build_parser() -> argparse.ArgumentParser:
    _argparse_in_vietnamese()
    parser = _Parser(
        prog="kpdesk",
        description="kpdesk — soạn báo cáo KH, CN, ĐMST và chuyển đổi số của UBND xã/phường theo Nghị định 30/2020.",
    )
    parser.add_argument("--data-dir", help="thư mục dữ liệu (mặc định: thư mục dữ liệu của người dùng)")
    parser.add_argument(
        "--selftest",
        action="store_true",
        help="tự kiểm tra bản cài đặt (xuất thử các mẫu, mở cửa sổ ẩn) rồi thoát; mã 0 nếu đạt hết",
    )
    parser.add_argument(
        "--version", action="version", version=f"kpdesk {_version()}", help="cho biết phiên bản kpdesk rồi thoát"
    )
    sub = parser.add_subparsers(dest="command", metavar="LỆNH")
    p = sub.add_parser("kinds", help="liệt kê các loại báo cáo (có sẵn và đã cài), đóng gói hoặc cài gói mẫu")
    p.set_defaults(func=cmd_kinds)
    kinds = p.add_subparsers(dest="kinds_command", metavar="VIỆC")
    k = kinds.add_parser("pack", help="(Sở) đóng gói các mẫu báo cáo thành tệp .kpkind gửi các xã, phường")
    k.add_argument("folders", nargs="+", metavar="THƯ-MỤC", help="thư mục của từng mẫu (chứa kind.toml, body.j2)")
    k.add_argument("-o", "--output", required=True, help="tệp gói sẽ ghi, đuôi .kpkind")
    k.add_argument("--publisher", required=True, help='tên cơ quan phát hành, ví dụ "Sở KH&CN tỉnh Thanh Hóa"')
    k.add_argument("--kpdesk-min", help="bản kpdesk tối thiểu để cài gói (mặc định: bản đang chạy)")
    k.set_defaults(func=cmd_kinds_pack)
    k = kinds.add_parser("install", help="cài gói mẫu báo cáo .kpkind của Sở vào thư mục dữ liệu")
    k.add_argument("file", help="tệp gói .kpkind")
    k.add_argument("--yes", action="store_true", help="cài luôn, không hỏi lại")
    k.set_defaults(func=cmd_kinds_install)
    p = sub.add_parser("fields", help="liệt kê các trường của một loại báo cáo")
    p.add_argument("kind", help="mã loại báo cáo (xem `kpdesk kinds`)")
    p.set_defaults(func=cmd_fields)
    p = sub.add_parser("check", help="kiểm tra một bản nháp (JSON hoặc .docx do kpdesk tạo)")
    p.add_argument("draft", help="tệp bản nháp .json hoặc báo cáo .docx")
    p.set_defaults(func=cmd_check)
    p = sub.add_parser("render", help="xuất bản nháp thành tệp Word (.docx) hoặc PDF theo Nghị định 30")
    p.add_argument("draft", help="tệp bản nháp .json, hoặc số của bản nháp đã lưu (xem `kpdesk drafts`)")
    p.add_argument(
        "-o",
        "--output",
        help="tệp sẽ ghi: .docx, hoặc .pdf (tạo bằng Word, LibreOffice hoặc trình tạo PDF của kpdesk); "
        "mặc định: tên theo loại, kỳ và đơn vị, ví dụ BC-KHCN-T04-2026-Thieu-Trung.docx",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="vẫn xuất khi bản nháp còn lỗi: bản dự thảo để xem thử, có chữ «DỰ THẢO» ở đầu mỗi trang "
        "và không được ghi nhận là đã xuất",
    )
    p.set_defaults(func=cmd_render)
    p = sub.add_parser("drafts", help="liệt kê các bản nháp đã lưu trên máy")
    p.add_argument("--kind", help="chỉ loại báo cáo này (mã, xem `kpdesk kinds`)")
    p.add_argument("--status", type=_draft_status, help="trạng thái: dang-soan (đang soạn) hoặc da-xuat (đã xuất)")
    p.add_argument("--text", help="tìm theo chữ trong tiêu đề, tên đơn vị và nội dung (không cần dấu)")
    p.add_argument("--deleted", action="store_true", help="liệt kê thùng rác")
    p.set_defaults(func=cmd_drafts)
    p = sub.add_parser(
        "import",
        help="nhập một bản nháp .json (hoặc .docx do kpdesk tạo) vào máy; công văn trả lại "
        "của Sở thì gắn vào báo cáo cần sửa",
    )
    p.add_argument("file", help="tệp bản nháp .json hoặc báo cáo .docx")
    p.add_argument("--unit", type=_id, help="số của đơn vị (xem `kpdesk units`); mặc định: theo đơn vị trong tệp")
    p.set_defaults(func=cmd_import)
    p = sub.add_parser(
        "new",
        help="tạo bản nháp kỳ mới từ một bản nháp đã lưu của kỳ trước (mang sang người ký, "
        "nơi nhận và các mục giữ qua các kỳ)",
    )
    p.add_argument(
        "--from",
        dest="source",
        type=_draft_number_arg,
        required=True,
        metavar="SỐ",
        help="số bản nháp kỳ trước (xem `kpdesk drafts`)",
    )
    p.add_argument(
        "--period",
        type=_period_arg,
        metavar="KỲ",
        help="kỳ của bản nháp mới: 2026-05 (tháng), 2026-H1 (6 tháng), 2026 (năm); mặc định: kỳ ngay sau",
    )
    p.add_argument(
        "--form",
        choices=("bao_cao", "cong_van"),
        help="hình thức: bao_cao hoặc cong_van; mặc định: như bản nháp kỳ trước",
    )
    p.add_argument("--title", help="tên bản nháp mới trong danh sách")
    p.set_defaults(func=cmd_new)
    p = sub.add_parser("export", help="ghi một bản nháp đã lưu ra tệp .json")
    p.add_argument("id", type=_id, help="số bản nháp (xem `kpdesk drafts`)")
    p.add_argument("-o", "--output", required=True, help="tệp .json sẽ ghi")
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("backup", help="sao lưu cơ sở dữ liệu bản nháp ngay bây giờ")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("restore", help="khôi phục từ bản sao lưu (không ghi gì: liệt kê các bản sao lưu)")
    p.add_argument("backup", nargs="?", help="số thứ tự trong danh sách hoặc đường dẫn tệp sao lưu")
    p.set_defaults(func=cmd_restore)
    p = sub.add_parser("units", help="liệt kê các đơn vị (xã, phường) đã lưu")
    p.set_defaults(func=cmd_units)
    p = sub.add_parser("due", help="các báo cáo đến hạn và quá hạn của từng đơn vị (chưa xuất tệp Word)")
    p.add_argument(
        "--on",
        type=_on_date,
        metavar="NĂM-THÁNG-NGÀY",
        help="tính như vào ngày này (mặc định: hôm nay), ví dụ 2026-05-15",
    )
    p.add_argument("--json", action="store_true", help="in dạng JSON cho các chương trình khác đọc")
    p.add_argument("--unit", type=int, help="chỉ đơn vị này (số đơn vị, xem `kpdesk units`)")
    p.set_defaults(func=cmd_due)
    from kpdesk.department.commands import register

    register(sub, _open_store)
    return parser


Shell = Callable[[argparse.Namespace], int]


def main(
    argv: Sequence[str] | None = None,
    *,
    shell: Shell | None = None,
    pdf_fallback: Callable[[], Converter | None] | None = None,
    chart_maker: Callable[[], ChartMaker | None] | None = None,
) -> int:
    """Run the command line; `shell` (given by the installed program, `ui.launch`) opens the window or self-test,
    `pdf_fallback` gives the PDF writer tried after Word and LibreOffice (called only when a PDF is made), and
    `chart_maker` the drawer of the department's charts (called only by `department summary --charts`).

    The core never imports the Qt shell: without one, `kpdesk` with no command or `--selftest` says how to get it.
    """
    from kpdesk.kinds import kinds_of_data_dir

    parser = build_parser()
    args = parser.parse_args(argv)
    args.pdf_fallback = pdf_fallback
    args.chart_maker = chart_maker
    if args.selftest or args.command is None:
        if shell is None:
            sys.stderr.write(
                "Cửa sổ và tự kiểm tra cần chương trình kpdesk đầy đủ: hãy chạy lệnh `kpdesk` đã cài "
                "(hoặc `python -m ui.launch`). Các lệnh dòng lệnh xem bằng `kpdesk --help`.\n"
            )
            return 2
        with kinds_of_data_dir(_data_dir(args)):
            return shell(args)
    try:
        with kinds_of_data_dir(_data_dir(args)):  # the kinds installed in the data folder the command uses
            return args.func(args)
    except BrokenPipeError:  # the output was cut short (`kpdesk drafts | head`): nothing to report
        sys.stdout = None
        return 0
    except KpdeskError as exc:
        _err(f"Lỗi: {exc.message}")
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
