"""Validation: every problem of a draft as a value (section, field, severity, Vietnamese message).

Why over 600 lines: every rule a draft is checked against (types, sums, dates, references, required and expected parts,
deadlines) writes its Vietnamese message here, next to the rules it shares.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kpdesk import vn
from kpdesk.compute import compute
from kpdesk.deadlines import deadline
from kpdesk.draft import AUTHORITY_PREFIXES, Draft, input_field, is_empty, split_input_key
from kpdesk.entry import parse_input
from kpdesk.errors import FormatError, KpdeskError
from kpdesk.kinds import Field, Kind, Rule
from kpdesk.vocab import DOC_LABELS, DOCUMENT, DOCUMENT_TITLE, PERIOD_NAMES, DocPart, is_doc_part

#: DOC_LABELS, DOCUMENT and DOCUMENT_TITLE live in kpdesk.vocab; they are named here too until ui/wizard/session.py
#: imports them from there.
__all__ = ["DOC_LABELS", "DOCUMENT", "DOCUMENT_TITLE", "Problem", "Report", "ValidationReport", "show", "validate"]

PERCENT_TOLERANCE = Decimal("0.01")


@dataclass(frozen=True)
class Problem:
    section: str
    field: str
    severity: str  # "error" blocks the final export; "warning" asks for confirmation
    code: str
    message: str
    row: int | None = None  # 1-based row of a table field
    detail: str = ""  # the message without its "Mục «…», «…»: " place, for showing beside the field
    column: str | None = None  # the column id of a table cell's problem (with `row`)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


@dataclass(frozen=True)
class ValidationReport:
    """Every problem of one draft: the document's, typed text not read, the kind's fields in order, its rules."""

    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.is_error)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if not p.is_error)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def for_field(self, field_id: str) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.field == field_id)

    def for_section(self, section_id: str) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.section == section_id)


#: The old name, kept until the branches that still import it are merged.
Report = ValidationReport


def show(f: Field | None, value: Any) -> str:
    """Return `value` the way the officer typed or reads it, for messages."""
    if value is None:
        return "(trống)"
    if f is not None and f.type in ("choice", "bool"):
        return f.option_label(value)
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, int):
        if f is not None and f.type == "amount":
            return vn.format_amount(value, f.unit)
        if f is not None and f.id.endswith("year"):
            return str(value)  # a year is written without a thousands dot
        return vn.format_int(value)
    if isinstance(value, Decimal):
        return vn.format_percent(value) if f is not None and f.type == "percent" else vn.format_decimal(value)
    if isinstance(value, dt.date):
        return vn.format_date(value)
    return str(value)


class _Checker:
    def __init__(self, kind: Kind, draft: Draft, derived: dict[str, Any], today: dt.date) -> None:
        self.kind, self.draft, self.derived, self.today = kind, draft, derived, today
        self.problems: list[Problem] = []
        self.limit_date = draft.date or today
        self.pending: set[tuple[str, int | None, str | None]] = set()  # (field, row, column) with unread text

    # -- helpers --------------------------------------------------------------------
    def where(self, field_id: str) -> tuple[str, str]:
        if is_doc_part(field_id):
            return DOCUMENT, DOCUMENT_TITLE
        base = field_id.split(".", 1)[0]
        try:
            sec = self.kind.section_of(base)
        except KeyError:
            return DOCUMENT, DOCUMENT_TITLE
        return sec.id, sec.title

    def add(
        self, field_id: str, severity: str, code: str, text: str, row: int | None = None, column: str | None = None
    ) -> None:
        section, title = self.where(field_id)
        label = DOC_LABELS.get(field_id, "") if is_doc_part(field_id) else self.kind.label_of(field_id)
        place = f"Mục «{title}», «{label}»" + (f", dòng {row}" if row else "")
        detail = text[:1].upper() + text[1:]
        self.problems.append(
            Problem(
                section, field_id, severity, code, f"{place}: {text}", row, detail, column if row is not None else None
            )
        )

    def get(self, name: str) -> Any:
        if name in self.derived:
            return self.derived[name]
        return self.draft.values.get(name)

    def field_of(self, name: str) -> Field | None:
        try:
            return self.kind.field(name)
        except KeyError:
            return None

    # -- the document -----------------------------------------------------------------
    def document(self) -> None:
        d, k = self.draft, self.kind
        if not d.unit.name:
            self.add(DocPart.UNIT, "error", "unit.missing", "chưa có tên xã/phường. Hãy nhập ở Thông tin đơn vị.")
        if not d.unit.province:
            self.add(
                DocPart.UNIT, "warning", "unit.province", "chưa có tên tỉnh/thành phố. Hãy nhập ở Thông tin đơn vị."
            )
        if d.period.type not in k.periods:
            self.add(
                DocPart.PERIOD,
                "error",
                "period.type",
                f"mẫu này chỉ dùng cho kỳ {', '.join(PERIOD_NAMES[p] for p in k.periods)}. Hãy chọn lại kỳ báo cáo.",
            )
        if d.period.start > self.today:
            self.add(
                DocPart.PERIOD,
                "error",
                "period.future",
                f"kỳ báo cáo {d.period.label} chưa bắt đầu. Hãy chọn kỳ đã qua hoặc kỳ hiện tại.",
            )
        if d.date is not None:
            if d.date > self.today + dt.timedelta(days=31):
                self.add(
                    DocPart.DATE,
                    "warning",
                    "date.far",
                    f"ngày ký {vn.format_date(d.date)} còn xa trong tương lai. Hãy kiểm tra lại ngày.",
                )
            if d.date < d.period.start:
                self.add(
                    DocPart.DATE,
                    "error",
                    "date.before_period",
                    f"ngày ký {vn.format_date(d.date)} ở trước kỳ báo cáo ({d.period.label}). Hãy sửa ngày ký.",
                )
            due = deadline(k, d.period)
            if due is not None and due.days_late(d.date):
                when = f"phải gửi {due.text}" if due.source == "kind" else f"có {due.text}"
                self.add(
                    DocPart.DATE,
                    "warning",
                    "date.deadline",
                    f"báo cáo {d.period.label} {when}; ngày ký {vn.format_date(d.date)} đã quá hạn. "
                    "Nếu vẫn gửi, nên nêu lý do chậm.",
                )
        if d.number and not (d.number.isascii() and d.number.isdigit()):
            plain = unicodedata.normalize("NFKC", d.number)
            if plain.isascii() and plain.isdigit():  # "０５" of a full-width input mode looks right but is not
                self.add(
                    DocPart.NUMBER,
                    "error",
                    "number.format",
                    f"số văn bản «{d.number}» được gõ bằng chữ số toàn khổ (bộ gõ đang bật chế độ full-width). "
                    f"Hãy gõ lại bằng chữ số thường: {plain}.",
                )
            else:
                self.add(
                    DocPart.NUMBER,
                    "error",
                    "number.format",
                    f"số văn bản «{d.number}» chỉ gồm chữ số (ví dụ 05). Để trống nếu văn thư sẽ ghi số.",
                )
        s = d.signer
        if not s.name:
            self.add(DocPart.SIGNER, "error", "signer.name", "chưa có họ tên người ký. Hãy chọn người ký.")
        if not s.position:
            self.add(DocPart.SIGNER, "error", "signer.position", "chưa có chức vụ người ký (ví dụ PHÓ CHỦ TỊCH).")
        for line in s.authority:
            if not line.upper().startswith(AUTHORITY_PREFIXES):
                self.add(
                    DocPart.SIGNER,
                    "error",
                    "signer.authority",
                    f"dòng thẩm quyền «{line}» phải bắt đầu bằng TM., KT., TL., TUQ. hoặc Q. (ví dụ «KT. CHỦ TỊCH»).",
                )
        titles = ("TS.", "ThS.", "PGS.", "GS.", "KS.", "CN.", "BS.")
        if any(s.name.startswith(t) for t in titles):
            self.add(
                DocPart.SIGNER,
                "warning",
                "signer.title",
                f"họ tên «{s.name}» không ghi học hàm, học vị trước tên (Nghị định 30). Hãy bỏ phần đó.",
            )
        if d.form == "cong_van" and not d.to:
            self.add(
                DocPart.TO, "error", "to.missing", "công văn cần ít nhất một nơi «Kính gửi». Hãy thêm cơ quan nhận."
            )
        if not d.recipients:
            self.add(
                DocPart.RECIPIENTS,
                "warning",
                "recipients.missing",
                "chưa có «Nơi nhận». Hãy thêm các nơi nhận; dòng «Lưu: VT» sẽ được thêm tự động.",
            )

    # -- typed text that could not be read -----------------------------------------------
    def inputs(self) -> None:
        """Text the officer typed that does not read as a value yet is an error at its field (or cell)."""
        if not self.draft.inputs:
            return
        order = {f.id: i for i, f in enumerate(self.kind.fields, 1)}

        def place(key: str) -> tuple[int, int]:
            fid, row, _ = split_input_key(key)
            return order.get(fid, 0), row or 0

        for key in sorted(self.draft.inputs, key=place):
            text = self.draft.inputs[key]
            f = input_field(self.kind, key)
            fid, row, column = split_input_key(key)
            if f is None or row is not None and row > len(self.draft.values.get(fid) or ()):
                continue  # text of a row that is no longer there

            try:
                parse_input(f, text)
            except KpdeskError as exc:
                self.pending.add((fid, row, column))
                label = f"cột «{f.label}»: " if row is not None else ""
                self.add(fid, "error", "input.unreadable", f"{label}{exc.message}", row, column)

    # -- fields -----------------------------------------------------------------------
    def fields(self) -> None:
        values = self.draft.values
        for f in self.kind.fields:
            value = values.get(f.id)
            if not f.applies(values):
                if not is_empty(value):
                    cond = f.visible_if
                    assert cond is not None
                    self.add(
                        f.id,
                        "warning",
                        "field.hidden_value",
                        f"chỉ ghi khi {cond.describe(self.kind)}, nhưng đang có giá trị «{show(f, value)}». "
                        "Hãy xóa giá trị này hoặc sửa trường kia.",
                    )
                continue
            if is_empty(value):
                if f.required and (f.id, None, None) not in self.pending:
                    self.add(f.id, "error", "field.required", f"chưa nhập. {self.how(f)}")
                continue
            if f.type == "rows":
                for i, row in enumerate(value or (), 1):
                    for col in f.columns:
                        cell = row.get(col.id)
                        if is_empty(cell):
                            if col.required and (f.id, i, col.id) not in self.pending:
                                self.add(
                                    f.id,
                                    "error",
                                    "field.required",
                                    f"cột «{col.label}» chưa nhập. {self.how(col)}",
                                    i,
                                    col.id,
                                )
                            continue
                        self.value(f.id, col, cell, row=i, label=f"cột «{col.label}» ")
            else:
                self.value(f.id, f, value)

    def how(self, f: Field) -> str:
        if f.example:
            return f"Hãy nhập, ví dụ: {f.example}."
        if f.type == "choice":
            return "Hãy chọn " + " hoặc ".join(f"«{o.label}»" for o in f.options) + "."
        if f.type == "bool":
            return "Hãy chọn «Có» hoặc «Không»."
        return "Hãy nhập giá trị."

    def value(self, fid: str, f: Field, value: Any, row: int | None = None, label: str = "") -> None:
        t = f.type
        if t in ("amount", "int", "decimal", "percent"):
            if value < 0:
                self.add(
                    fid,
                    "error",
                    "number.negative",
                    f"{label}không được âm ({show(f, value)}). Hãy nhập số ≥ 0.",
                    row,
                    f.id,
                )
            elif f.min is not None and value < Decimal(str(f.min)):
                lowest = type(value)(f.min) if t != "amount" else int(f.min)
                self.add(fid, "error", "number.min", f"{label}phải từ {show(f, lowest)} trở lên.", row, f.id)
            high, usual = f.upper_bound, f.usual_bound
            if high is not None and value > Decimal(str(high)):
                if t == "amount":
                    self.add(
                        fid,
                        "error",
                        "number.max",
                        f"{label}số tiền {show(f, value)} vượt mức tối đa của trường này ({show(f, int(high))}). "
                        "Hãy kiểm tra lại số đã nhập và đơn vị (triệu, tỷ).",
                        row,
                        f.id,
                    )
                else:
                    self.add(fid, "error", "number.max", f"{label}không được lớn hơn {high:g}.", row, f.id)
            elif usual is not None and value > Decimal(str(usual)):
                self.unusual(fid, f, value, usual, row, label)
            if t == "percent" and value > 100:
                self.add(fid, "error", "percent.range", f"{label}tỷ lệ {show(f, value)} vượt quá 100%.", row, f.id)
        elif t == "date" and f.deadline:
            self.deadline_ahead(fid, value, row, label, f.id)
        elif t == "date":
            self.not_after_report(fid, value, row, label, f.id)
        elif t == "reference":
            if not vn.is_valid_doc_code(value.code):
                self.add(
                    fid,
                    "error",
                    "reference.code",
                    f"{label}số, ký hiệu «{value.code}» không đúng dạng. Viết như «1133/SKHCN-KHTC».",
                    row,
                    f.id,
                )
            if value.date is not None:
                self.not_after_report(fid, value.date, row, label, f.id)
        elif t == "phone":
            try:
                vn.parse_phone(value)
            except FormatError as exc:
                self.add(fid, "error", "phone.format", f"{label}{exc.message}", row, f.id)
        elif t == "email":
            try:
                vn.parse_email(value)
            except FormatError as exc:
                self.add(fid, "error", "email.format", f"{label}{exc.message}", row, f.id)
        elif t == "choice" and value not in {o.value for o in f.options}:
            self.add(
                fid,
                "error",
                "choice.unknown",
                f"{label}«{value}» không có trong danh sách. Hãy chọn: "
                + ", ".join(f"«{o.label}»" for o in f.options)
                + " (trong tệp bản nháp JSON ghi: "
                + ", ".join(f'"{o.value}"' for o in f.options)
                + ").",
                row,
                f.id,
            )

    def unusual(self, fid: str, f: Field, value: Any, usual: float, row: int | None, label: str) -> None:
        """A number above the field's usual range: ask whether a unit or a thousands dot was mistyped."""
        if f.type != "amount":
            self.add(
                fid,
                "warning",
                "number.unusual",
                f"{label}{show(f, value)} lớn bất thường (thường không quá "
                f"{show(f, int(usual) if isinstance(value, int) else Decimal(str(usual)))}). "
                "Hãy kiểm tra lại số đã nhập.",
                row,
                f.id,
            )
            return
        guess = value
        while guess > usual and guess % 1000 == 0:
            guess //= 1000
        question = f"Có phải {show(f, guess)}? " if guess != value and guess <= usual else ""
        self.add(
            fid,
            "warning",
            "number.unusual",
            f"{label}số tiền {show(f, value)} lớn bất thường (thường không quá {show(f, int(usual))}). "
            f"{question}Dấu chấm ngăn cách hàng nghìn, dấu phẩy ngăn cách phần lẻ (2,382 tỷ là hai tỷ ba trăm "
            "tám mươi hai triệu): hãy kiểm tra lại số và đơn vị (triệu, tỷ).",
            row,
            f.id,
        )

    # -- what a report normally has ---------------------------------------------------------
    def filled(self, fid: str) -> bool:
        """Whether the field has a value or text typed in it that is not read yet."""
        return not is_empty(self.draft.values.get(fid)) or any(
            split_input_key(key)[0] == fid for key in self.draft.inputs
        )

    def expected_sections(self) -> None:
        """A section the kind marks `expected` with every field empty is a warning."""
        values = self.draft.values
        for sec in self.kind.sections:
            shown = [f for f in sec.fields if f.applies(values)]
            if sec.expected and shown and not any(self.filled(f.id) for f in shown):
                text = (
                    f"Mục «{sec.title}» để trống. Hãy nhập nội dung của mục này; nếu đơn vị không có gì để "
                    "báo cáo ở mục này, có thể bỏ qua cảnh báo."
                )
                self.problems.append(Problem(sec.id, shown[0].id, "warning", "section.empty", text, None, text))

    def not_after_report(self, fid: str, when: dt.date, row: int | None, label: str, column: str) -> None:
        if when > self.limit_date:
            against = (
                f"ngày ký báo cáo ({vn.format_date(self.draft.date)})"
                if self.draft.date
                else f"hôm nay ({vn.format_date(self.today)})"
            )
            self.add(
                fid,
                "error",
                "date.after_report",
                f"{label}ngày {vn.format_date(when)} ở sau {against}. Hãy kiểm tra lại ngày.",
                row,
                column,
            )

    def deadline_ahead(self, fid: str, when: dt.date, row: int | None, label: str, column: str) -> None:
        """A date that names a deadline still to come may lie after the signing date, not before it."""
        if when < self.limit_date:
            against = (
                f"ngày ký ({vn.format_date(self.draft.date)})"
                if self.draft.date
                else f"hôm nay ({vn.format_date(self.today)})"
            )
            self.add(
                fid,
                "warning",
                "date.deadline_past",
                f"{label}hạn {vn.format_date(when)} đã qua so với {against}. Hãy ghi một ngày sau ngày ký.",
                row,
                column,
            )

    # -- rules ------------------------------------------------------------------------
    def rules(self) -> None:
        for rule in self.kind.rules:
            getattr(self, f"rule_{rule.check}")(rule)

    def names(self, rule: Rule, key: str) -> list[str]:
        value = rule.args.get(key, [])
        return value if isinstance(value, list) else [value]

    def total(self, names: list[str]) -> tuple[Any, bool]:
        """Return the sum of the named numbers and whether every one of them is present."""
        present = [self.get(n) for n in names]
        known = [v for v in present if isinstance(v, (int, Decimal)) and not isinstance(v, bool)]
        return (sum(known) if known else None), len(known) == len(present)

    def listing(self, names: list[str]) -> str:
        return " + ".join(f"«{self.kind.label_of(n)}»" for n in names)

    def report(self, rule: Rule, anchor: str, default: str) -> None:
        text = default + (f" {rule.message}" if rule.message else "")
        self.add(anchor, rule.severity, f"rule.{rule.id}", text)

    def rule_equals(self, rule: Rule) -> None:
        left, right = (
            self.names(rule, "left") or self.names(rule, "total"),
            self.names(rule, "right") or self.names(rule, "parts"),
        )
        a, a_all = self.total(left)
        b, b_all = self.total(right)
        if a is None or b is None or not (a_all and b_all) or a == b:
            return
        f = self.field_of(left[0])
        self.report(
            rule,
            left[0],
            f"{self.listing(left)} là {show(f, a)} nhưng {self.listing(right)} là {show(f, b)}; "
            f"chênh {show(f, abs(a - b))}. Hãy sửa cho khớp.",
        )

    def rule_lte(self, rule: Rule) -> None:
        left, right = self.names(rule, "left"), self.names(rule, "right")
        a, a_all = self.total(left)
        b, b_all = self.total(right)
        if a is None or b is None or not b_all or a <= b:
            return
        f = self.field_of(left[0]) or self.field_of(right[0])
        self.report(
            rule,
            left[0],
            f"{self.listing(left)} là {show(f, a)}, lớn hơn {self.listing(right)} ({show(f, b)}). "
            "Hãy kiểm tra lại số liệu.",
        )

    def rule_percent_close(self, rule: Rule) -> None:
        fid = rule.args["field"]
        typed = self.get(fid)
        num, den = self.get(rule.args["num"]), self.get(rule.args["den"])
        if typed is None or num is None or den is None:
            return
        exact = vn.percent_of(num, den, 4)
        if exact is None:
            return
        if abs(typed - exact) > PERCENT_TOLERANCE:
            shown = vn.percent_of(num, den, 2)
            assert shown is not None  # as `exact`: the denominator is not 0
            self.report(
                rule,
                fid,
                f"ghi {vn.format_percent(typed)} nhưng tính từ số liệu ({vn.format_int(num)}/"
                f"{vn.format_int(den)}) là {vn.format_percent(shown)}. "
                f"Hãy sửa thành {vn.format_percent(shown)} hoặc kiểm tra lại số liệu.",
            )

    def rule_year_range(self, rule: Rule) -> None:
        fid = rule.args["field"]
        year = self.get(fid)
        if year is None:
            return
        low = int(rule.args.get("min", 1990))
        high = rule.args.get("max", "report_year")
        high_year = (self.draft.date or self.draft.period.end).year if high == "report_year" else int(high)
        if not low <= year <= high_year:
            self.report(rule, fid, f"năm {year} phải từ {low} đến {high_year}. Hãy sửa lại năm.")

    def rule_date_order(self, rule: Rule) -> None:
        """`first` (a date or a reference's date) must not come after `then`."""

        def when(name: str) -> dt.date | None:
            value = self.get(name)
            return value.date if isinstance(value, vn.DocRef) else value if isinstance(value, dt.date) else None

        first, then = when(rule.args["first"]), when(rule.args["then"])
        if first is not None and then is not None and first > then:
            self.report(
                rule,
                rule.args["first"],
                f"ngày {vn.format_date(first)} ở sau «{self.kind.label_of(rule.args['then'])}» "
                f"({vn.format_date(then)}). Hãy kiểm tra lại thứ tự hai ngày.",
            )

    def rule_filled(self, rule: Rule) -> None:
        """One of `field` has a value (when one of `when` has one): a part the report is expected to have."""
        values = self.draft.values
        names = [n for n in self.names(rule, "field") if self.kind.field(n).applies(values)]
        given = [n for n in self.names(rule, "when") if self.filled(n)]
        if not names or rule.args.get("when") and not given or any(self.filled(n) for n in names):
            return
        what = " hoặc ".join(f"«{self.kind.label_of(n)}»" for n in names)
        if given:
            text = (
                f"để trống trong khi đã có {', '.join(f'«{self.kind.label_of(n)}»' for n in given)}. Hãy nhập {what}."
            )
        else:
            text = f"để trống: chưa có {what}. Hãy nhập; nếu đơn vị không có gì để báo cáo ở đây, có thể bỏ qua."
        part = rule.args.get("part") or ""
        if not part and given:
            self.report(rule, names[0], text)
            return
        section = self.kind.section_of(names[0])
        message = f"Mục «{part or section.title}» {text}" + (f" {rule.message}" if rule.message else "")
        self.problems.append(Problem(section.id, names[0], rule.severity, f"rule.{rule.id}", message, None, message))

    def rule_nonzero(self, rule: Rule) -> None:
        """The numbers `field` add up to more than 0 (when one of `when` has a value): a rating of no task."""
        names = self.names(rule, "field")
        given = [n for n in self.names(rule, "when") if not is_empty(self.get(n))]
        total, complete = self.total(names)
        if rule.args.get("when") and not given or total is None or not complete or total > 0:
            return
        counts = ", ".join(f"«{self.kind.label_of(n)}»" for n in names[:-1])
        counts = f"{counts} và «{self.kind.label_of(names[-1])}»" if counts else f"«{self.kind.label_of(names[0])}»"
        what = f"{counts} đều bằng 0. {rule.message or 'Hãy kiểm tra lại.'}"
        if given:
            shown = show(self.field_of(given[0]), self.get(given[0]))
            self.add(given[0], rule.severity, f"rule.{rule.id}", f"đang ghi «{shown}» trong khi {what}")
        else:
            self.add(names[0], rule.severity, f"rule.{rule.id}", what)

    def rule_nonnegative(self, rule: Rule) -> None:
        for name in self.names(rule, "field"):
            value = self.get(name)
            if isinstance(value, (int, Decimal)) and value < 0:
                self.report(rule, name, f"không được âm ({show(self.field_of(name), value)}).")


def validate(
    kind: Kind, draft: Draft, derived: dict[str, Any] | None = None, *, today: dt.date | None = None
) -> ValidationReport:
    """Return every problem of `draft`; never raises for the officer's mistakes and never shows anything."""
    derived = compute(kind, draft) if derived is None else derived
    checker = _Checker(kind, draft, derived, today or dt.date.today())
    checker.document()
    checker.inputs()
    checker.fields()
    checker.expected_sections()
    checker.rules()
    return ValidationReport(tuple(checker.problems))
