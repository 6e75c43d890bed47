"""The words kpdesk uses everywhere: period types, document forms and the document's own parts, said once."""

from __future__ import annotations

from enum import StrEnum

#: Period types a kind may use, and how each is named in a sentence ("mẫu này chỉ dùng cho kỳ tháng").
PERIOD_TYPES: tuple[str, ...] = ("month", "half", "year")
PERIOD_NAMES: dict[str, str] = {"month": "tháng", "half": "6 tháng", "year": "năm"}
#: The same types as a choice in a list ("Tháng", "6 tháng", "Cả năm").
PERIOD_CHOICES: dict[str, str] = {"month": "Tháng", "half": "6 tháng", "year": "Cả năm"}

#: The Decree 30 forms a document can take: a BÁO CÁO (the kind's type title, `doc_type`), a công văn with V/v and
#: Kính gửi, or a THÔNG BÁO (the department's notice to the communes).
FORMS: tuple[str, ...] = ("bao_cao", "cong_van", "thong_bao")
FORM_NAMES: dict[str, str] = {"bao_cao": "Báo cáo", "cong_van": "Công văn", "thong_bao": "Thông báo"}
#: The forms whose type title and its abbreviation Decree 30 fixes (Phụ lục III: "THÔNG BÁO", "Số: …/TB-SKHCN"),
#: whatever the kind's `doc_type` says; a báo cáo takes the kind's own, a công văn has none.
FORM_TYPES: dict[str, tuple[str, str]] = {"thong_bao": ("THÔNG BÁO", "TB")}


def unit_full_name(level: str, name: str) -> str:
    """A unit's name with its level, as every document and window writes it: "xã Thiệu Trung", "phường Hạc Thành"
    (the name alone when it has no level)."""
    return f"{level} {name}".strip()


def form_type(form: str, doc_type: str, doc_symbol: str) -> tuple[str | None, str]:
    """Return the type title printed above the summary (None for a công văn) and the type's symbol in the number
    ("BC", "TB"), for a document of `form` whose kind names `doc_type` and `doc_symbol`."""
    if form == "cong_van":
        return None, ""
    return FORM_TYPES.get(form, (doc_type, doc_symbol))


class DocPart(StrEnum):
    """The document's own parts: what a draft holds besides its kind's fields.

    Their values start with "_" so they never clash with a field id (a field id is a Python identifier that a kind
    may not start with "_"); a `Problem` about a part names it in `field`, and `Draft.inputs` keeps the typed text
    of the signing date under `DocPart.DATE`.
    """

    UNIT = "_unit"
    PERIOD = "_period"
    FORM = "_form"
    MONEY = "_money"
    NUMBER = "_number"
    DATE = "_date"
    SIGNER = "_signer"
    TO = "_to"
    RECIPIENTS = "_recipients"
    TITLE = "_title"


#: How each part is named to the officer, in messages and beside its box.
DOC_LABELS: dict[str, str] = {
    DocPart.UNIT: "Đơn vị",
    DocPart.PERIOD: "Kỳ báo cáo",
    DocPart.FORM: "Hình thức văn bản",
    DocPart.MONEY: "Đơn vị tiền",
    DocPart.NUMBER: "Số văn bản",
    DocPart.DATE: "Ngày ký",
    DocPart.SIGNER: "Người ký",
    DocPart.TO: "Kính gửi",
    DocPart.RECIPIENTS: "Nơi nhận",
    DocPart.TITLE: "Tên bản nháp",
}

#: The pseudo-section that holds problems of the document's own parts.
DOCUMENT = "_document"
DOCUMENT_TITLE = "Thông tin văn bản"


def is_doc_part(name: str) -> bool:
    """Return whether `name` is one of the document's own parts rather than a kind's field."""
    return name.startswith("_")


def document_number(number: str | None) -> str | None:
    """Return the document number as Decree 30 prints it: numbers below 10 take a leading zero ("5" → "05"); a
    full-width "５" is not a digit here (validation asks for it to be typed again)."""
    if number and number.isascii() and number.isdigit() and len(number) == 1:
        return "0" + number
    return number
