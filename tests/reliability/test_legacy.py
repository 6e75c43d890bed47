"""Text pasted from old Word files typed in TCVN3 (.VnTime) or VNI fonts is recognised and converted exactly."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kpdesk import legacy
from kpdesk.legacy import convert_legacy, detect_legacy, encode_legacy, is_vietnamese_syllable

ROOT = Path(__file__).resolve().parents[2]


def fuzz(n: int) -> settings:
    return settings(
        settings.get_profile("kpdesk-reliability"), max_examples=int(os.environ.get("KPDESK_FUZZ_EXAMPLES") or n)
    )


# ----------------------------------------------------------------------------- the tables

TONES = "ngang sắc huyền hỏi ngã nặng".split()
# Every capital, in tone order, with its VNI spelling (VNI-Times as VietKey and xvnkb define it).
VNI_CAPITALS = {
    "AÁÀẢÃẠ": "A AÙ AØ AÛ AÕ AÏ",
    "ÂẤẦẨẪẬ": "AÂ AÁ AÀ AÅ AÃ AÄ",
    "ĂẮẰẲẴẶ": "AÊ AÉ AÈ AÚ AÜ AË",
    "EÉÈẺẼẸ": "E EÙ EØ EÛ EÕ EÏ",
    "ÊẾỀỂỄỆ": "EÂ EÁ EÀ EÅ EÃ EÄ",
    "OÓÒỎÕỌ": "O OÙ OØ OÛ OÕ OÏ",
    "ÔỐỒỔỖỘ": "OÂ OÁ OÀ OÅ OÃ OÄ",
    "ƠỚỜỞỠỢ": "Ô ÔÙ ÔØ ÔÛ ÔÕ ÔÏ",
    "UÚÙỦŨỤ": "U UÙ UØ UÛ UÕ UÏ",
    "ƯỨỪỬỮỰ": "Ö ÖÙ ÖØ ÖÛ ÖÕ ÖÏ",
    "IÍÌỈĨỊ": "I Í Ì Æ Ó Ò",
    "YÝỲỶỸỴ": "Y YÙ YØ YÛ YÕ Î",
    "Đ": "Ñ",
}
VNI_TABLE = {
    u: v
    for letters, spellings in VNI_CAPITALS.items()
    for u, v in zip(letters, spellings.split(), strict=True)
    if not u.isascii()
}
VNI_TABLE |= {u.lower(): v.lower() for u, v in VNI_TABLE.items()}

# TCVN3 as the ABC fonts (.VnTime) have it: 67 lowercase letters and 7 capitals.
TCVN3_ABC_UNICODE = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĂÂĐÊÔƠƯ"
TCVN3_ABC_LEGACY = "µ¸¶·¹¨»¾¼½Æ©ÇÊÈÉË®ÌÐÎÏÑªÒÕÓÔÖ×ÝØÜÞßãáâä«åèæçé¬êíëìîïóñòô\xadõøö÷ùúýûüþ¡¢§£¤¥¦"
# The other 60 capitals of TCVN 5712:1993 (byte -> letter), as glibc's TCVN5712-1 converter reads them.
TCVN3_FULL_CAPITALS = {
    0x80: "À", 0x81: "Ả", 0x82: "Ã", 0x83: "Á", 0x84: "Ạ", 0x85: "Ặ", 0x86: "Ậ", 0x87: "È", 0x88: "Ẻ", 0x89: "Ẽ",
    0x8A: "É", 0x8B: "Ẹ", 0x8C: "Ệ", 0x8D: "Ì", 0x8E: "Ỉ", 0x8F: "Ĩ", 0x90: "Í", 0x91: "Ị", 0x92: "Ò", 0x93: "Ỏ",
    0x94: "Õ", 0x95: "Ó", 0x96: "Ọ", 0x97: "Ộ", 0x98: "Ờ", 0x99: "Ở", 0x9A: "Ỡ", 0x9B: "Ớ", 0x9C: "Ợ", 0x9D: "Ù",
    0x9E: "Ủ", 0x9F: "Ũ", 0xAF: "Ằ", 0xBA: "Ẳ", 0xBF: "Ẵ", 0xC0: "Ắ", 0xC1: "Ầ", 0xC2: "Ẩ", 0xC3: "Ẫ", 0xC4: "Ấ",
    0xC5: "Ề", 0xCD: "Ể", 0xD9: "Ễ", 0xDA: "Ế", 0xDB: "Ồ", 0xE0: "Ổ", 0xF0: "Ỗ", 0xFF: "Ố", 0x01: "Ú", 0x02: "Ụ",
    0x04: "Ừ", 0x05: "Ử", 0x06: "Ữ", 0x11: "Ứ", 0x12: "Ự", 0x13: "Ỳ", 0x14: "Ỷ", 0x15: "Ỹ", 0x16: "Ý", 0x17: "Ỵ",
}  # fmt: skip


def pasted(byte: int) -> str:
    """The character Word gives for a byte of a legacy font: Windows-1252, else Latin-1."""
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)


ALL_LETTERS = sorted(set(TCVN3_ABC_UNICODE) | set(TCVN3_FULL_CAPITALS.values()))
PUNCT_CAPITALS = {
    letter
    for byte, letter in TCVN3_FULL_CAPITALS.items()
    if 0x80 <= byte <= 0x9F and unicodedata.category(pasted(byte)) not in ("Lu", "Ll", "Cc")
}


def test_the_tables_cover_all_134_vietnamese_letters(figures):
    figures.tried(__name__, 2 * 134)
    assert len(ALL_LETTERS) == 134 and len(VNI_TABLE) == 134
    assert set(ALL_LETTERS) == set(VNI_TABLE)
    assert {unicodedata.normalize("NFC", c).lower() for c in ALL_LETTERS} == {c for c in VNI_TABLE if c.islower()}


@pytest.mark.parametrize("letter", ALL_LETTERS)
def test_every_letter_in_tcvn3_both_ways(letter, figures):
    figures.tried(__name__)
    if letter in TCVN3_ABC_UNICODE:
        code = TCVN3_ABC_LEGACY[TCVN3_ABC_UNICODE.index(letter)]
    else:
        code = pasted(next(b for b, u in TCVN3_FULL_CAPITALS.items() if u == letter))
    assert encode_legacy(letter, "tcvn3") == code
    inside = "B" + code + "N" if letter.isupper() else "b" + code + "n"
    assert convert_legacy(inside, "tcvn3") == ("B" + letter + "N" if letter.isupper() else "b" + letter + "n")


@pytest.mark.parametrize("letter", sorted(VNI_TABLE))
def test_every_letter_in_vni_both_ways(letter, figures):
    figures.tried(__name__)
    assert encode_legacy(letter, "vni") == VNI_TABLE[letter]
    for word in (letter, "b" + letter + "n" if letter.islower() else "B" + letter + "N"):
        assert convert_legacy(encode_legacy(word, "vni"), "vni") == word


@pytest.mark.skipif(shutil.which("iconv") is None, reason="iconv is not installed")
def test_tcvn3_matches_glibc_tcvn5712_1(figures):
    """Cross-check against an independent implementation of the standard."""
    table = {b: u for b, u in TCVN3_FULL_CAPITALS.items()}
    table |= {ord(code): u for code, u in zip(TCVN3_ABC_LEGACY, TCVN3_ABC_UNICODE, strict=True)}
    out = subprocess.run(
        ["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"],
        input=bytes(b" ".join(bytes([b]) for b in table)),
        capture_output=True,
        timeout=30,
    )
    if out.returncode:
        pytest.skip("iconv has no TCVN5712-1 converter")
    figures.tried(__name__, len(table))
    assert out.stdout.decode("utf-8").split(" ") == list(table.values())


# ----------------------------------------------------------------------------- known words

KNOWN = [
    ("tcvn3", "Céng hßa x· héi chñ nghÜa ViÖt Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
    ("tcvn3", "§éc lËp - Tù do - H¹nh phóc", "Độc lập - Tự do - Hạnh phúc"),
    ("tcvn3", "ñy ban nh©n d©n x· ThiÖu Trung", "ủy ban nhân dân xã Thiệu Trung"),
    ("tcvn3", "Uû ban nh©n d©n", "Uỷ ban nhân dân"),  # old tone placement is kept, as typed
    ("tcvn3", "Khoa häc vµ C«ng nghÖ", "Khoa học và Công nghệ"),
    ("tcvn3", "CéNG HßA X· HéI CHñ NGHÜA VIÖT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),  # .VnTimeH
    ("tcvn3", "ñY BAN NH¢N D¢N TØNH THANH HãA", "ỦY BAN NHÂN DÂN TỈNH THANH HÓA"),
    ("tcvn3", "UBND x· ThiÖu Trung, tØnh Thanh Hãa", "UBND xã Thiệu Trung, tỉnh Thanh Hóa"),
    ("tcvn3", "“Hµ Néi” – thñ ®« cña ViÖt Nam…", "“Hà Nội” – thủ đô của Việt Nam…"),
    ("tcvn3", "Sè: 12/BC-UBND, ngµy 05 th¸ng 02 n¨m 2026", "Số: 12/BC-UBND, ngày 05 tháng 02 năm 2026"),
    ("tcvn3", "Kinh phÝ 352 triÖu ®ång; ®· gi¶i ng©n 99,98%", "Kinh phí 352 triệu đồng; đã giải ngân 99,98%"),
    ("tcvn3", "Ng\xadêi liªn hÖ: «ng Nghiªm Duy C\xad¬ng", "Người liên hệ: ông Nghiêm Duy Cương"),
    ("vni", "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
    ("vni", "Ñoäc laäp - Töï do - Haïnh phuùc", "Độc lập - Tự do - Hạnh phúc"),
    ("vni", "UÛy ban nhaân daân xaõ Thieäu Trung", "Ủy ban nhân dân xã Thiệu Trung"),
    ("vni", "Khoa hoïc vaø Coâng ngheä", "Khoa học và Công nghệ"),
    ("vni", "COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    ("vni", "UÛY BAN NHAÂN DAÂN TÆNH THANH HOÙA", "ỦY BAN NHÂN DÂN TỈNH THANH HÓA"),
    (
        "vni",
        "Ngöôøi lieân heä: oâng Nghieâm Duy Cöông, ñieän thoaïi 0982 741 345",
        "Người liên hệ: ông Nghiêm Duy Cương, điện thoại 0982 741 345",
    ),
    ("vni", "Quyeát ñònh soá 57-NQ/TW; kyù, ít, ghi roõ hoï teân", "Quyết định số 57-NQ/TW; ký, ít, ghi rõ họ tên"),
]


@pytest.mark.parametrize(("encoding", "typed", "unicode"), KNOWN, ids=[k[2][:30] for k in KNOWN])
def test_known_sentences_are_detected_and_converted(encoding, typed, unicode, figures):
    figures.crafted(__name__)
    assert detect_legacy(typed) == encoding
    converted = convert_legacy(typed, encoding)
    assert converted == unicode
    assert unicodedata.is_normalized("NFC", converted)


@pytest.mark.parametrize("vowel", "aăâeêioôơuưy")
@pytest.mark.parametrize("encoding", legacy.ENCODINGS)
def test_every_vowel_with_every_tone(vowel, encoding, figures):
    words = []
    for tone in ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"):
        letter = unicodedata.normalize("NFC", unicodedata.normalize("NFD", vowel) + tone)
        words += ["t" + letter + "n", "T" + letter + "n", "T" + letter.upper() + "N", "đ" + letter]
    text = " ".join(words)
    figures.tried(__name__, len(words))
    assert convert_legacy(encode_legacy(text, encoding), encoding) == text


def test_an_unknown_encoding_is_a_programming_error():
    with pytest.raises(ValueError, match="tcvn3"):
        convert_legacy("x", "viscii")
    with pytest.raises(ValueError, match="vni"):
        encode_legacy("x", "utf-8")


def test_words_already_in_unicode_are_left_alone(figures):
    figures.tried(__name__, 2)
    assert convert_legacy("Thiệu Trung ®· b¸o c¸o", "tcvn3") == "Thiệu Trung đã báo cáo"
    assert convert_legacy("Thiệu Trung ñaõ baùo caùo", "vni") == "Thiệu Trung đã báo cáo"


# ----------------------------------------------------------------------------- what is not legacy text

NOT_LEGACY = [
    "Cộng hòa xã hội chủ nghĩa Việt Nam",
    "Tôi là ai",
    "Hoàng Tô",
    "Ông Tô Hà là ông bà",
    "Hòa Bình, Đà Nẵng",
    "Thanh Hóa",
    "«Thiệu Trung»",
    "Số: 12/BC-UBND",
    "352.000.000 đ",
    "99,98%",
    "1.234,5",
    "30/3/2026",
    "The quick brown fox jumps over the lazy dog",
    "café",
    "Le café était très bon à Noël",
    "Crème brûlée à la française",
    "Schöne Grüße aus Köln, Herr Müller",
    "Año nuevo, señor Muñoz, España",
    "São Paulo é ótimo, não é?",
    "Smørrebrød på Østerbro",
    "Ärger über Öl",
    "10 µm and 5 µm, ± 0.5 °C",
    "Microsoft® Word™ © 2024",
    "½ + ¼ = ¾",
    "¿Qué? ¡Olé!",
    "Ça va? Où? Là-bas.",
    "naïve façade",
    "😀 👨‍👩‍👧 🇻🇳",
    "Москва",
    "北京",
    "ﻣﺮﺣﺒﺎ",
    "\u00a0\u200b\ufeff",
    "",
    "12345",
    "Thie\u0302\u0323u Trung",
]


@pytest.mark.parametrize("text", NOT_LEGACY)
def test_unicode_vietnamese_english_and_european_text_is_not_flagged(text, figures):
    figures.crafted(__name__, 2)
    assert detect_legacy(text) is None
    assert detect_legacy(unicodedata.normalize("NFD", text)) is None


# ----------------------------------------------------------------------------- properties


def _corpus() -> list[str]:
    words: set[str] = set()

    def walk(x):
        if isinstance(x, str):
            words.update(w.lower() for w in re.findall(r"[^\W\d_]+", x))
        elif isinstance(x, dict):
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    for path in sorted((ROOT / "examples").glob("*.json")):
        walk(json.loads(path.read_text(encoding="utf-8")))
    return sorted(w for w in words if not w.isascii() and is_vietnamese_syllable(w))


WORDS = _corpus()
ASCII_WORDS = ["ban", "trung", "thanh", "xin", "con", "em", "anh", "cho", "tin"]
SEPARATORS = [" ", " ", " ", ", ", ". ", " - ", " (", ") ", "; ", ": ", " 2026 ", "/"]


def test_the_syllable_check_reads_real_vietnamese(figures):
    """The words of the examples are the corpus of the properties below; nearly all must read as syllables."""
    everything: set[str] = set()
    for path in sorted((ROOT / "examples").glob("*.json")):
        text = path.read_text(encoding="utf-8")
        everything.update(w.lower() for w in re.findall(r"[^\W\d_]+", text) if not w.isascii())
    figures.tried(__name__, len(everything))
    assert len(WORDS) >= 250
    assert len(WORDS) >= 0.97 * len(everything)


def test_the_tone_placement_check_accepts_every_word_of_the_examples(figures):
    """Real reports (old and new spelling alike) never put a tone where `tone_well_placed` refuses it."""
    figures.tried(__name__, len(WORDS))
    assert [w for w in WORDS if not legacy.tone_well_placed(w)] == []
    assert all(legacy.tone_well_placed(w) for w in ("hoà", "hòa", "thuỷ", "thủy", "khoẻ", "khỏe", "khuỷu"))
    assert not any(legacy.tone_well_placed(w) for w in ("keỏ", "leõ", "ngừơi", "hoaì", "tiêńg"))


@pytest.mark.parametrize(
    ("typed", "unicode"),
    [
        ("keá leâ löu", "kế lê lưu"),  # VNI that also reads as TCVN3 "keỏ leõ lửu"
        ("Keá hoaïch phaùt trieån", "Kế hoạch phát triển"),
    ],
)
def test_when_both_encodings_read_as_syllables_the_tones_decide(typed, unicode, figures):
    figures.tried(__name__)
    assert [g.matches for g in legacy.analyse_legacy(typed)] in ([True, True], [False, True])
    assert detect_legacy(typed) == "vni"
    assert convert_legacy(typed, "vni") == unicode


@st.composite
def vietnamese_text(draw, encoding: str) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 3))):
        upper = draw(st.booleans()) and draw(st.booleans())
        words = draw(st.lists(st.sampled_from(WORDS) | st.sampled_from(ASCII_WORDS), min_size=1, max_size=10))
        out = []
        for word in words:
            case = draw(st.sampled_from(["lower", "lower", "title"]))
            if upper:
                word = word.upper()
                if encoding == "tcvn3" and len(word) == 1 and word in PUNCT_CAPITALS:
                    continue  # a lone capital on a Windows-1252 punctuation code reads as punctuation
            elif case == "title" and not (encoding == "tcvn3" and word[0].upper() in PUNCT_CAPITALS):
                word = word[0].upper() + word[1:]
            out.append(word)
            out.append(draw(st.sampled_from(SEPARATORS)))
        line = "".join(out).strip()
        # a TCVN3 line whose ASCII letters are all capitals is read as typed in an "H" font
        lines.append(line if upper or encoding == "vni" else "ban " + line)
    return "\n".join(lines)


@pytest.mark.parametrize("encoding", legacy.ENCODINGS)
@fuzz(150)
@given(data=st.data())
def test_unicode_to_legacy_and_back_is_the_identity(encoding, data, figures):
    text = data.draw(vietnamese_text(encoding))
    figures.tried(__name__)
    typed = encode_legacy(text, encoding)
    assert convert_legacy(typed, encoding) == text


@pytest.mark.parametrize("encoding", legacy.ENCODINGS)
@fuzz(150)
@given(words=st.lists(st.sampled_from(WORDS), min_size=3, max_size=30))
def test_vietnamese_typed_in_a_legacy_font_is_detected(encoding, words, figures):
    typed = [encode_legacy(w, encoding) for w in words]
    assume(len(set(words)) >= 3)
    # "còng cè hót" (TCVN3 for "cũng cố hút") is also plain Unicode Vietnamese: nothing to detect
    assume(any(not is_vietnamese_syllable(w) for w in typed))
    figures.tried(__name__)
    text = " ".join(words)
    assert detect_legacy(encode_legacy(text, encoding)) == encoding
    assert detect_legacy(encode_legacy(text.capitalize() + ".", encoding)) == encoding


@fuzz(200)
@given(
    words=st.lists(st.sampled_from(WORDS) | st.sampled_from(ASCII_WORDS), min_size=1, max_size=30),
    form=st.sampled_from(["NFC", "NFD"]),
    upper=st.booleans(),
)
def test_unicode_vietnamese_is_never_flagged(words, form, upper, figures):
    figures.tried(__name__)
    text = " ".join(words)
    text = text.upper() if upper else text
    assert detect_legacy(unicodedata.normalize(form, text)) is None


@fuzz(400)
@given(
    text=st.text()
    | st.text(alphabet=st.characters(max_codepoint=0x2122))
    | st.text(
        alphabet="".join(
            sorted(set(TCVN3_ABC_LEGACY) | set("".join(VNI_TABLE.values())) | set("abcdeghiklmnopqrstuvxy ,.\n"))
        )
    )
)
def test_any_text_gives_an_answer_and_converts_to_nfc(text, figures):
    figures.tried(__name__)
    assert detect_legacy(text) in (None, "tcvn3", "vni")
    for encoding in legacy.ENCODINGS:
        out = convert_legacy(text, encoding)
        assert unicodedata.is_normalized("NFC", out)
        assert out.count("\n") == text.count("\n")


def test_a_50000_character_paragraph_is_read_once_word_by_word(figures, monkeypatch):
    """The work grows with the number of words: each pass decodes each word once (speed is measured in bench/)."""
    figures.tried(__name__, 2)
    typed = ("UBND x· ThiÖu Trung b¸o c¸o t×nh h×nh thùc hiÖn nhiÖm vô khoa häc vµ c«ng nghÖ. " * 700)[:50_000]
    decoded: list[str] = []
    for name in ("_decode_tcvn3_run", "_decode_vni_run"):
        original = getattr(legacy, name)
        monkeypatch.setattr(
            legacy, name, lambda run, *rest, original=original: decoded.append(run) or original(run, *rest)
        )
    assert detect_legacy(typed) == "tcvn3"
    converted = convert_legacy(typed, "tcvn3")
    assert detect_legacy(converted) is None
    # five passes over the words (each detection tries both encodings, the conversion one), each decoding a word in
    # one run, or two where a legacy code is punctuation to the other encoding ("t×nh" in VNI)
    words, passes = len(typed.split()), 5
    assert len(converted.split()) == words
    assert passes * words // 2 <= len(decoded) <= passes * 2 * words
