"""Text pasted from old Word files, web pages and phones renders to a valid .docx, reads right, and comes back.

Each scenario puts pasted text into the text fields of example 000 the way a saved draft carries it (JSON read by
`draft.from_json`), renders it with `report.render_to_file(..., allow_errors=True)`, reads the file back with
python-docx and `report.draft_from_docx`, and checks: every XML part is well-formed XML 1.0 without illegal
characters, the text is NFC, what should survive survives (a 50 000-character paragraph, emoji), what should not
(control characters, zero-width characters) is gone, and the embedded draft is exactly the draft.
"""

from __future__ import annotations

import copy
import io
import json
import os
import re
import unicodedata
import zipfile
from pathlib import Path

import pytest
from docx import Document
from hypothesis import example, given, settings
from hypothesis import strategies as st
from lxml import etree

from kpdesk import draft as drafts
from kpdesk import legacy
from kpdesk.render import draft_from_docx, render_to_file

ROOT = Path(__file__).resolve().parents[2]
BASE = json.loads((ROOT / "examples" / "000-thieu-trung-bao-cao-thang.json").read_text(encoding="utf-8"))
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
C0 = "".join(chr(c) for c in range(0x20) if c not in (0x09, 0x0A, 0x0D))
C1 = "".join(chr(c) for c in range(0x7F, 0xA0))
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"


def fuzz(n: int) -> settings:
    return settings(
        settings.get_profile("kpdesk-reliability"), max_examples=int(os.environ.get("KPDESK_FUZZ_EXAMPLES") or n)
    )


class Rendered:
    """A draft made from pasted values, rendered and read back."""

    def __init__(self, folder: Path, values: dict, **top) -> None:
        data = copy.deepcopy(BASE)
        data["values"].update(values)
        for key, value in top.items():
            if "." in key:
                sub, name = key.split(".")
                data[sub][name] = value
            else:
                data[key] = value
        self.draft = drafts.from_json(data)
        self.path = folder / "bao-cao.docx"
        render_to_file(self.draft, self.path, allow_errors=True)
        self.document = Document(self.path)
        self.paragraphs = [p.text for p in self.document.paragraphs]
        for table in self.document.tables:
            for row in table.rows:
                for cell in row.cells:
                    self.paragraphs += [p.text for p in cell.paragraphs]
        self.text = "\n".join(self.paragraphs)
        with zipfile.ZipFile(self.path) as zf:
            self.parts = {name: zf.read(name) for name in zf.namelist() if name.endswith((".xml", ".rels"))}

    def check_package(self) -> None:
        """Every XML part parses as XML 1.0 and holds no character XML forbids; the draft comes back exactly."""
        for name, blob in self.parts.items():
            etree.fromstring(blob, etree.XMLParser(resolve_entities=False, huge_tree=True))
            assert not XML_ILLEGAL.search(blob.decode("utf-8")), name
        assert unicodedata.is_normalized("NFC", self.text)
        assert not XML_ILLEGAL.search(self.text)
        again = draft_from_docx(self.path)
        assert drafts.to_json(again) == drafts.to_json(self.draft)
        assert drafts.to_json(draft_from_docx(self.path.read_bytes())) == drafts.to_json(self.draft)


# ----------------------------------------------------------------------------- control and invisible characters


@pytest.fixture(scope="module")
def controls(tmp_path_factory) -> Rendered:
    dirty = f"Ủy ban {C0}nhân\u00a0dân {ZERO_WIDTH}xã\u3000Thiệu\u2003Trung\r\nbáo cáo\rxong"
    return Rendered(
        tmp_path_factory.mktemp("controls"),
        {
            "request_subject": "\ufeff" + dirty,
            "contact_name": "Nghiêm\u00a0Duy\u200bCương\x00",
            "overview": [dirty, "\x07\x08\x1b[31mđỏ\x1b[0m", "\ufeff\u200b"],
            "budget_note": dirty + "\n" + dirty,
            "closing": "Trên đây\u00a0là báo cáo\x0c của xã./.",
        },
        **{"signer.name": "Trần\u00a0Ngọc\x00Tùng", "title": "Báo cáo\x0b tháng 4"},
    )


def test_control_characters_and_zero_width_characters_are_gone(controls, figures):
    figures.crafted(__name__, 8)
    controls.check_package()
    for ch in C0.replace("\x0b", "").replace("\x0c", "") + ZERO_WIDTH:
        assert ch not in controls.text, f"U+{ord(ch):04X} survived"
    assert "\x1b" not in controls.text and "[31mđỏ" in controls.text  # the escape byte goes, the letters stay


def test_non_breaking_and_wide_spaces_become_plain_spaces(controls, figures):
    figures.crafted(__name__, 3)
    # the only no-break space is the program's own, between the unit's level and its name in the title
    assert "Nghiêm Duy" in controls.text and "\u00a0" not in controls.text.replace("xã\u00a0Thiệu Trung\n", "")
    assert "xã Thiệu Trung" in controls.text and "\u3000" not in controls.text and "\u2003" not in controls.text
    assert "Trần Ngọc" in controls.text


def test_pasted_line_ends_become_line_breaks_not_characters(controls, figures):
    figures.crafted(__name__, 3)
    assert "\r" not in controls.text
    assert "- Ủy ban nhân dân xã Thiệu Trung\nbáo cáo\nxong;" in controls.paragraphs  # a list item: line breaks
    assert controls.paragraphs.count("báo cáo") == 2 and controls.paragraphs.count("xong") == 2  # paragraphs
    assert "về việc Ủy ban nhân dân xã Thiệu Trung báo cáo xong." in controls.text  # one line: spaces


WORD_CONTROLS = [
    ("dòng 1\x0bdòng 2", "dòng 1\ndòng 2"),  # Shift+Enter, as Word copies it
    ("trang 1\x0ctrang 2", "trang 1\ntrang 2"),  # page break
    ("ô 1\x07ô 2", "ô 1 ô 2"),  # end of a table cell
    ("Nghị định 30/2020/NĐ\x1eCP", "Nghị định 30/2020/NĐ-CP"),
]  # Word's non-breaking hyphen


def test_word_control_characters_keep_words_apart(tmp_path, figures):
    figures.crafted(__name__, len(WORD_CONTROLS))
    rendered = Rendered(tmp_path, {"budget_note": "\n".join(typed for typed, _ in WORD_CONTROLS)})
    rendered.check_package()
    for _, shown in WORD_CONTROLS:
        assert all(line in rendered.paragraphs for line in shown.split("\n")), shown


def test_c1_control_characters_do_not_reach_the_document(tmp_path, figures):
    figures.crafted(__name__, len(C1))
    rendered = Rendered(tmp_path, {"request_subject": f"A{C1}B", "overview": [f"\x93trích\x94 {C1}"]})
    rendered.check_package()
    assert not any(ch in rendered.text for ch in C1)


def test_bidi_override_characters_do_not_reach_the_document(tmp_path, figures):
    figures.crafted(__name__, len(BIDI))
    rendered = Rendered(
        tmp_path,
        {"request_subject": "Kinh phí \u202e352 triệu\u202c đồng", "overview": [f"{ch}Thiệu Trung" for ch in BIDI]},
    )
    rendered.check_package()
    assert not any(ch in rendered.text for ch in BIDI)


def test_bidi_characters_still_give_a_valid_document_that_round_trips(tmp_path, figures):
    """Whatever is decided about them, right-to-left text and overrides never break the file."""
    figures.crafted(__name__, len(BIDI) + 2)
    arabic, hebrew = "\u0645\u0631\u062d\u0628\u0627", "\u05e9\u05dc\u05d5\u05dd"
    rendered = Rendered(
        tmp_path,
        {
            "request_subject": f"Kinh phí \u202e352 triệu\u202c đồng {arabic}",
            "overview": [f"{ch}Thiệu Trung" for ch in BIDI] + [hebrew],
        },
    )
    rendered.check_package()
    assert arabic in rendered.text and hebrew in rendered.text


# ----------------------------------------------------------------------------- NFD, emoji, long paragraphs

NFD_TEXT = unicodedata.normalize("NFD", "Ủy ban nhân dân xã Thiệu Trung, tỉnh Thanh Hóa: Đổi mới sáng tạo")
EMOJI = ["😀", "🇻🇳", "👍🏽", "1️⃣", "❤️", "🏳️", "𝐀𝐁𝐂", "\U0001faf6"]
ZWJ_SEQUENCES = ["👨\u200d👩\u200d👧\u200d👦", "👩\u200d💻", "🏳️\u200d🌈"]


@pytest.fixture(scope="module")
def nfd_and_emoji(tmp_path_factory) -> Rendered:
    return Rendered(
        tmp_path_factory.mktemp("emoji"),
        {
            "request_subject": NFD_TEXT,
            "contact_name": unicodedata.normalize("NFD", "Nghiêm Duy Cương"),
            "overview": [NFD_TEXT, " ".join(EMOJI), " ".join(ZWJ_SEQUENCES)],
            "budget_note": "Ghi chú " + "".join(EMOJI) + "\n" + NFD_TEXT,
        },
        **{"unit.name": unicodedata.normalize("NFD", "Thiệu Trung")},
    )


def test_decomposed_vietnamese_comes_out_composed(nfd_and_emoji, figures):
    figures.crafted(__name__, 4)
    nfd_and_emoji.check_package()
    assert unicodedata.normalize("NFC", NFD_TEXT) in nfd_and_emoji.text
    assert "Nghiêm Duy Cương" in nfd_and_emoji.text and "XÃ THIỆU TRUNG" in nfd_and_emoji.text
    assert not any(unicodedata.combining(ch) for ch in nfd_and_emoji.text if ch not in "\u20e3")


def test_emoji_come_out_intact(nfd_and_emoji, figures):
    figures.crafted(__name__, len(EMOJI))
    for emoji in EMOJI:
        assert emoji in nfd_and_emoji.text, emoji


def test_zwj_sequences_come_out_as_their_parts(nfd_and_emoji, figures):
    """vn.clean_text removes U+200D, so a family emoji prints as its people side by side. Accepted: it loses no
    letter or figure of an official report, and zero-width joiners pasted into Vietnamese text are otherwise
    invisible junk that breaks search (recorded under "Decisions" in docs/reliability.md)."""
    figures.crafted(__name__, len(ZWJ_SEQUENCES))
    for sequence in ZWJ_SEQUENCES:
        assert sequence.replace("\u200d", "") in nfd_and_emoji.text
        assert sequence not in nfd_and_emoji.text


LONG = ("Ủy ban nhân dân xã Thiệu Trung đã triển khai các giải pháp đột phá về khoa học, công nghệ; " * 600)[
    :50_000
].rstrip()
LONG_WORD = "ThiệuTrung" * 5000


@pytest.fixture(scope="module")
def long_paragraphs(tmp_path_factory) -> Rendered:
    return Rendered(
        tmp_path_factory.mktemp("long"),
        {
            "request_subject": LONG,
            "overview": [LONG, LONG_WORD],
            "closing": LONG + "./.",
        },
    )


def test_a_50000_character_paragraph_comes_out_whole(long_paragraphs, figures):
    figures.crafted(__name__, 4)
    long_paragraphs.check_package()
    assert len(LONG) >= 49_900
    assert "- " + LONG + ";" in long_paragraphs.paragraphs  # a list item ends with ";", the last with "."
    assert LONG + "./." in long_paragraphs.paragraphs
    assert "- " + LONG_WORD + "." in long_paragraphs.paragraphs
    assert any(LONG in p and p.startswith("Thực hiện") for p in long_paragraphs.paragraphs)


# ----------------------------------------------------------------------------- old fonts

LEGACY_SAMPLES = [
    (
        "tcvn3",
        "ñy ban nh©n d©n x· ThiÖu Trung ®· triÓn khai c¸c gi¶i ph¸p",
        "ủy ban nhân dân xã Thiệu Trung đã triển khai các giải pháp",
    ),
    (
        "tcvn3",
        "“Khoa häc vµ C«ng nghÖ” – Ng\xadêi liªn hÖ: «ng C\xad¬ng",
        "“Khoa học và Công nghệ” – Người liên hệ: ông Cương",
    ),
    ("tcvn3", "CéNG HßA X· HéI CHñ NGHÜA VIÖT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    (
        "vni",
        "UÛy ban nhaân daân xaõ Thieäu Trung ñaõ trieån khai caùc giaûi phaùp",
        "Ủy ban nhân dân xã Thiệu Trung đã triển khai các giải pháp",
    ),
    ("vni", "Ñoäc laäp - Töï do - Haïnh phuùc", "Độc lập - Tự do - Hạnh phúc"),
]


@pytest.fixture(scope="module")
def legacy_rendered(tmp_path_factory) -> tuple[Rendered, Rendered]:
    raw = [typed for _, typed, _ in LEGACY_SAMPLES]
    converted = [legacy.convert_legacy(typed, enc) for enc, typed, _ in LEGACY_SAMPLES]
    return (
        Rendered(tmp_path_factory.mktemp("legacy-raw"), {"overview": raw, "closing": "\n".join(raw)}),
        Rendered(tmp_path_factory.mktemp("legacy-converted"), {"overview": converted}),
    )


def test_text_in_old_fonts_is_detected_as_pasted(figures):
    figures.crafted(__name__, len(LEGACY_SAMPLES))
    for encoding, typed, _ in LEGACY_SAMPLES:
        assert legacy.detect_legacy(typed) == encoding


def test_converted_text_renders_as_unicode(legacy_rendered, figures):
    figures.crafted(__name__, len(LEGACY_SAMPLES))
    _, converted = legacy_rendered
    converted.check_package()
    for i, (_, _, unicode) in enumerate(LEGACY_SAMPLES):  # a list item ends with ";", the last with "."
        assert "- " + unicode + (";" if i < len(LEGACY_SAMPLES) - 1 else ".") in converted.paragraphs


def test_unconverted_old_font_text_still_gives_a_valid_document(legacy_rendered, figures):
    """The officer may decline the conversion: the text is kept as typed (soft hyphens included)."""
    figures.crafted(__name__, len(LEGACY_SAMPLES))
    raw, _ = legacy_rendered
    raw.check_package()
    for i, (_, typed, _) in enumerate(LEGACY_SAMPLES):  # a list item ends with ";", the last with "."
        assert "- " + typed + (";" if i < len(LEGACY_SAMPLES) - 1 else ".") in raw.paragraphs


# ----------------------------------------------------------------------------- anything at all

pasted = st.lists(
    st.characters(blacklist_categories=("Cs",))
    | st.sampled_from(
        list(C0 + C1 + BIDI + ZERO_WIDTH + "\u00a0\u00ad\r\n\t ") + EMOJI + ZWJ_SEQUENCES + NFD_TEXT.split()
    ),
    max_size=80,
).map("".join)


@fuzz(15)
@given(line=pasted, long=pasted, items=st.lists(pasted, max_size=3))
@example(line="Hóa:", long="", items=[])  # found by a run of 3,000: the subject's last ":" is the sentence's to drop
def test_any_pasted_text_renders_and_round_trips(line, long, items, figures, tmp_path_factory):
    figures.tried(__name__)
    rendered = Rendered(
        tmp_path_factory.mktemp("any"), {"request_subject": line, "budget_note": long, "overview": items or None}
    )
    rendered.check_package()
    subject = rendered.draft.values.get("request_subject")
    if subject:  # the body ends the sentence with its own full stop: `strip_end` drops a typed " .;:," at the end
        subject = subject.rstrip(" .;:,")
    for value in (subject, rendered.draft.values.get("budget_note")):
        if value:
            for piece in re.split(r"\s+", value):
                assert unicodedata.normalize("NFC", piece.strip()) in unicodedata.normalize("NFC", rendered.text)


def test_the_document_xml_is_plain_utf8_without_surprises(controls, figures):
    figures.crafted(__name__)
    body = controls.parts["word/document.xml"]
    assert body.startswith(b"<?xml") and b"<!DOCTYPE" not in body and b"<!ENTITY" not in body
    assert io.BytesIO(body).read().decode("utf-8")
