"""Vietnamese text typed in the old 8-bit fonts, as it arrives when pasted from an old Word file.

Before Unicode, Vietnamese was typed in fonts that drew Vietnamese letters in place of Latin-1 characters.
Copied out of Word, such text arrives as Latin-1 (and Windows-1252) characters:

- TCVN3 (TCVN 5712:1993, the "ABC" fonts .VnTime, .VnArial…): one character per letter.
  "ñy ban nh©n d©n x· ThiÖu Trung" is "Ủy ban nhân dân xã Thiệu Trung". The lowercase letters, Ă Â Ê Ô Ơ Ư Đ
  and the other capitals of the full standard (which sit where Windows-1252 has “ ” – — € ™ …, and on control
  codes) are all read. Capitals typed in the "H" fonts (.VnTimeH) reuse the lowercase codes: "CéNG HßA" is
  "CỘNG HÒA"; they are recovered from the case of the surrounding letters.
- VNI (VNI-Times…): an ASCII base letter followed by a Latin-1 mark character, and single characters for
  đ, ơ, ư, the toned i and ỵ. "UÛy ban nhaân daân xaõ Thieäu Trung" is "Ủy ban nhân dân xã Thiệu Trung".

`detect_legacy(text)` says whether a pasted text looks like one of them, so that the officer can be offered a
conversion; `convert_legacy(text, encoding)` converts it to NFC Unicode. Conversion is faithful: old-style tone
placement is kept ("Uû ban" → "Uỷ ban", "hoµ" → "hoà"). `encode_legacy` is the inverse, for tests and tools.

How detection decides: the text is cut into words (runs of letters and legacy codes). Each word holding a
legacy code is converted and checked against the shape of a Vietnamese syllable (onset, rhyme, one tone, a stop
ending only with the sắc or nặng tone, sane capitalisation). An encoding is reported when

1. at least two different words convert into Vietnamese syllables, and at least one of them is not a Vietnamese
   word as it stands (TCVN3 "nh©n", "mÊm"; VNI "nhaân", "ñeán"): Unicode Vietnamese, whose Latin-1 letters
   (à, é, ô…) are also legacy codes ("Tôi" is TCVN3 "Tụi" and VNI "Tơi"), is not flagged;
2. a clear majority, four words out of five, of the words holding legacy codes convert cleanly, and at least
   80 % of the non-ASCII letters of the text are used by those words ("café", "Müller" or "España" fail);
3. at least half of all words, plain ASCII ones included, read as Vietnamese syllables (English fails);
4. there are more such words than words already written in Unicode Vietnamese (ă, đ, ơ, ư, ạ…, or NFD marks).

When both encodings pass (VNI "keá leâ löu" is also TCVN3 "keỏ leõ lửu"), the one with more clean words wins,
a word whose tone mark lands where neither the old nor the new spelling puts it ("keỏ") counting against it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "ENCODINGS",
    "ENCODING_NAMES",
    "LegacyGuess",
    "analyse_legacy",
    "convert_legacy",
    "detect_legacy",
    "encode_legacy",
    "is_vietnamese_syllable",
    "tone_well_placed",
]

ENCODINGS = ("tcvn3", "vni")
#: What to call each encoding when offering the conversion to the officer.
ENCODING_NAMES = {"tcvn3": "TCVN3 (ABC, phông .VnTime)", "vni": "VNI (phông VNI-Times)"}

# ----------------------------------------------------------------------------- Vietnamese letters

_VOWELS = "aăâeêioôơuưy"
_TONES = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")  # ngang, huyền, hỏi, ngã, sắc, nặng
_TONE_MARKS = frozenset(_TONES[1:])


def _letter(vowel: str, tone: int) -> str:
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", vowel) + _TONES[tone])


#: (vowel, tone) -> the precomposed lowercase letter, tone 0..5 in the order of `_TONES`.
_LETTERS = {(v, t): _letter(v, t) for v in _VOWELS for t in range(6)}
#: Every lowercase Vietnamese letter that is not plain ASCII: 66 toned/shaped vowels and đ.
VIETNAMESE_LOWER = tuple(sorted({ch for ch in _LETTERS.values() if not ch.isascii()} | {"đ"}))
VIETNAMESE_LETTERS = VIETNAMESE_LOWER + tuple(ch.upper() for ch in VIETNAMESE_LOWER)

_UNICODE_ONLY = frozenset(ch for ch in VIETNAMESE_LETTERS if ord(ch) > 0xFF)  # ă, đ, ơ, ư, ạ … never legacy codes

# ----------------------------------------------------------------------------- TCVN3 (TCVN 5712:1993)

# byte -> letter, as glibc's TCVN5712-1 table: lowercase in 0xA8-0xFE, Ă Â Ê Ô Ơ Ư Đ in 0xA1-0xA7 (the "ABC"
# subset, VN3), and the other capitals of the full standard in the gaps, in 0x80-0x9F and on control codes.
_TCVN3_BYTES: dict[int, str] = {
    # lowercase: the ABC fonts
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xA8: "ă", 0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xA9: "â", 0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xAA: "ê", 0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xAB: "ô", 0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xAC: "ơ", 0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xAD: "ư", 0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
    0xAE: "đ",
    # capitals of the ABC fonts
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    # capitals of the full standard
    0x80: "À", 0x81: "Ả", 0x82: "Ã", 0x83: "Á", 0x84: "Ạ", 0x85: "Ặ", 0x86: "Ậ", 0x87: "È",
    0x88: "Ẻ", 0x89: "Ẽ", 0x8A: "É", 0x8B: "Ẹ", 0x8C: "Ệ", 0x8D: "Ì", 0x8E: "Ỉ", 0x8F: "Ĩ",
    0x90: "Í", 0x91: "Ị", 0x92: "Ò", 0x93: "Ỏ", 0x94: "Õ", 0x95: "Ó", 0x96: "Ọ", 0x97: "Ộ",
    0x98: "Ờ", 0x99: "Ở", 0x9A: "Ỡ", 0x9B: "Ớ", 0x9C: "Ợ", 0x9D: "Ù", 0x9E: "Ủ", 0x9F: "Ũ",
    0xAF: "Ằ", 0xBA: "Ẳ", 0xBF: "Ẵ", 0xC0: "Ắ", 0xC1: "Ầ", 0xC2: "Ẩ", 0xC3: "Ẫ", 0xC4: "Ấ",
    0xC5: "Ề", 0xCD: "Ể", 0xD9: "Ễ", 0xDA: "Ế", 0xDB: "Ồ", 0xE0: "Ổ", 0xF0: "Ỗ", 0xFF: "Ố",
    0x01: "Ú", 0x02: "Ụ", 0x04: "Ừ", 0x05: "Ử", 0x06: "Ữ", 0x11: "Ứ", 0x12: "Ự", 0x13: "Ỳ",
    0x14: "Ỷ", 0x15: "Ỹ", 0x16: "Ý", 0x17: "Ỵ",
}  # fmt: skip
# 0xB0-0xB4 are combining tone marks (grave, hook, tilde, acute, dot below); read only after a vowel.
_TCVN3_MARKS = {"\u00b0": "\u0300", "\u00b1": "\u0309", "\u00b2": "\u0303", "\u00b3": "\u0301", "\u00b4": "\u0323"}


def _pasted_forms(byte: int) -> list[str]:
    """The characters a legacy byte arrives as: Windows-1252 for 0x80-0x9F (what Word gives), else Latin-1."""
    forms = [chr(byte)]
    if 0x80 <= byte <= 0x9F:
        try:
            forms.insert(0, bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:  # 0x81, 0x8D, 0x8F, 0x90, 0x9D are undefined in Windows-1252
            pass
    return forms


_TCVN3_DECODE: dict[str, str] = {form: letter for b, letter in _TCVN3_BYTES.items() for form in _pasted_forms(b)}
_TCVN3_ENCODE: dict[str, str] = {letter: _pasted_forms(b)[0] for b, letter in _TCVN3_BYTES.items()}
# Windows-1252 punctuation that also carries a capital: read as a letter only inside a word.
_TCVN3_PUNCT = frozenset(
    ch
    for ch in _TCVN3_DECODE
    if ord(ch) > 0xFF and unicodedata.category(ch)[0] in "PSL" and unicodedata.category(ch) not in ("Lu", "Ll")
)
_TCVN3_PUNCT_CHARS = "".join(sorted(_TCVN3_PUNCT))

# ----------------------------------------------------------------------------- VNI

_VNI_TONES = ("", "ø", "û", "õ", "ù", "ï")  # huyền, hỏi, ngã, sắc, nặng after a, e, o, u, y, ơ, ư
_VNI_CIRCUMFLEX = ("â", "à", "å", "ã", "á", "ä")  # â/ê/ô and their tones after a, e, o
_VNI_BREVE = ("ê", "è", "ú", "ü", "é", "ë")  # ă and its tones after a
_VNI_I = ("i", "ì", "æ", "ó", "í", "ò")  # i and its tones: single characters
_VNI_Y_DOT = "î"  # ỵ is a single character


def _vni_table() -> dict[str, str]:
    """Unicode lowercase letter -> VNI spelling (1 or 2 characters)."""
    table: dict[str, str] = {}
    for t in range(6):
        for base in "aeouy":
            table[_LETTERS[(base, t)]] = base + _VNI_TONES[t]
        for base, shaped in (("a", "â"), ("e", "ê"), ("o", "ô")):
            table[_LETTERS[(shaped, t)]] = base + _VNI_CIRCUMFLEX[t]
        table[_LETTERS[("ă", t)]] = "a" + _VNI_BREVE[t]
        table[_LETTERS[("ơ", t)]] = "ô" + _VNI_TONES[t]
        table[_LETTERS[("ư", t)]] = "ö" + _VNI_TONES[t]
        table[_LETTERS[("i", t)]] = _VNI_I[t]
    table[_LETTERS[("y", 5)]] = _VNI_Y_DOT
    table["đ"] = "ñ"
    return {k: v for k, v in table.items() if not k.isascii()}


_VNI_ENCODE_LOWER = _vni_table()
_VNI_ENCODE: dict[str, str] = {**_VNI_ENCODE_LOWER, **{k.upper(): v.upper() for k, v in _VNI_ENCODE_LOWER.items()}}
# (base, mark) -> letter, lowercase; and the single characters
_VNI_PAIRS: dict[tuple[str, str], str] = {(v[0], v[1]): k for k, v in _VNI_ENCODE_LOWER.items() if len(v) == 2}
_VNI_SINGLES: dict[str, str] = {v: k for k, v in _VNI_ENCODE_LOWER.items() if len(v) == 1}
_VNI_CHARS = frozenset(c for v in _VNI_ENCODE.values() for c in v if not c.isascii())

# ----------------------------------------------------------------------------- syllables

_ONSETS = ("ngh", "ch", "gh", "gi", "kh", "ng", "nh", "ph", "qu", "th", "tr",
           "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "")  # fmt: skip
_RHYMES = frozenset(
    """
a ai ao au ay ac ach am an ang anh ap at ăc ăm ăn ăng ăp ăt âc âm ân âng âp ât âu ây
e eo ec em en eng ep et ê êu êch êm ên ênh êp êt
i ia iu ich im in inh ip it iêc iêm iên iêng iêp iêt iêu
o oi oc om on ong op ot ooc oong oa oai oao oay oac oach oam oan oang oanh oap oat oăc oăm oăn oăng oăt
oe oeo oec oem oen oet ô ôi ôc ôm ôn ông ôp ôt ơ ơi ơm ơn ơp ơt
u ua ui uc um un ung up ut uân uât uâng uây uê uêch uênh uơ uôc uôi uôm uôn uông uôt
uy uya uych uyên uyêt uynh uyt uyu ư ưa ưi ưu ưc ưm ưn ưng ưt ươc ươi ươm ươn ương ươp ươt ươu
y yêm yên yêt yêu
""".split()
)


@lru_cache(maxsize=8192)
def is_vietnamese_syllable(word: str) -> bool:
    """Whether `word` (letters only) has the shape of one Vietnamese syllable, with sane capitalisation."""
    if not word or len(word) > 8 or not (word.islower() or word.isupper() or word[1:].islower() or len(word) == 1):
        return False
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [c for c in decomposed if c in _TONE_MARKS]
    if len(tones) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    for onset in _ONSETS:
        if bare.startswith(onset) and (rhyme := bare[len(onset) :]) in _RHYMES:
            if rhyme.endswith(("c", "ch", "p", "t")) and tones not in (["\u0301"], ["\u0323"]):
                continue  # a syllable ending in a stop takes the sắc or nặng tone
            return True
    return False


_MARKED_VOWELS = frozenset("ăâêôơư")


@lru_cache(maxsize=8192)
def tone_well_placed(word: str) -> bool:
    """Whether the tone mark of a Vietnamese syllable sits where either the old or the new spelling puts it: on
    the vowel with a hat, breve or horn (the ơ of ươ); else on the last vowel before a final consonant; else on
    the only vowel, the middle one of three, the first of two (either of oa, oe, uy). "kẻo", "hoà", "hoà" and
    "thuỷ", "thủy" are; "keỏ" is not. A word that is not a syllable, or has no tone, counts as well placed."""
    letters: list[str] = []
    tone_at = None
    for ch in unicodedata.normalize("NFC", word.lower()):
        parts = unicodedata.normalize("NFD", ch)
        if any(c in _TONE_MARKS for c in parts):
            tone_at = len(letters)
            ch = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONE_MARKS))
        letters.append(ch)
    if tone_at is None:
        return True
    bare = "".join(letters)
    onset = next((o for o in _ONSETS if bare.startswith(o) and bare[len(o) :] in _RHYMES), None)
    if onset is None:
        return True
    vowels = [i for i in range(len(onset), len(bare)) if bare[i] in _VOWELS]
    if not vowels:
        return True
    marked = [i for i in vowels if bare[i] in _MARKED_VOWELS]
    if marked:
        allowed = {marked[-1]}
    elif bare[-1] not in _VOWELS or len(vowels) == 1:
        allowed = {vowels[-1]}
    elif len(vowels) == 3:
        allowed = {vowels[1]}
    elif bare[len(onset) :] in ("oa", "oe", "uy"):
        allowed = set(vowels)
    else:
        allowed = {vowels[0]}
    return tone_at in allowed


# ----------------------------------------------------------------------------- decoding words


@dataclass(frozen=True)
class _Word:
    text: str  # converted
    used: int  # legacy codes read
    leftover: bool  # holds a non-ASCII character that is not a legacy code of this encoding


def _letters_of(text: str) -> str:
    return "".join(ch for ch in text if ch.isalpha())


def _is_unicode_vietnamese(run: str) -> bool:
    return any(ch in _UNICODE_ONLY or "\u0300" <= ch <= "\u036f" for ch in run)


def _tcvn3_chars(run: str) -> _Word:
    out: list[str] = []
    used = 0
    leftover = False
    for ch in run:
        letter = _TCVN3_DECODE.get(ch)
        if letter is not None:
            out.append(letter)
            used += 1
        elif ch in _TCVN3_MARKS and out and unicodedata.normalize("NFD", out[-1])[0].lower() in "aeiouy":
            out.append(_TCVN3_MARKS[ch])
            used += 1
        else:
            out.append(ch)
            leftover = leftover or not ch.isascii()
    return _Word(unicodedata.normalize("NFC", "".join(out)), used, leftover)


def _recase(run: str, word: _Word, line_upper: bool) -> _Word:
    """Capitals typed in an "H" font reuse the lowercase codes: a word is in capitals when its line is, or when
    it has no ASCII lowercase letter and two capitals or a capital after its first letter."""
    if not line_upper:
        if any("a" <= ch <= "z" for ch in run):
            return word
        capitals = [i for i, ch in enumerate(_letters_of(word.text)) if ch.isupper()]
        if len(capitals) < 2 and not any(i > 0 for i in capitals):
            return word
    return _Word(word.text.upper(), word.used, word.leftover)


def _decode_tcvn3_run(run: str, line_upper: bool) -> _Word:
    if _is_unicode_vietnamese(run):
        return _Word(run, 0, True)  # already Unicode: leave it
    # Windows-1252 punctuation at the edge of a word (“quotes”, dashes, …) stays punctuation unless the word is in
    # capitals and reading it as a capital makes a syllable; alone, it is always punctuation.
    lead = len(run) - len(run.lstrip(_TCVN3_PUNCT_CHARS))
    tail = len(run) - len(run.rstrip(_TCVN3_PUNCT_CHARS))
    if lead + tail >= len(run):
        return _Word(run, 0, False)
    full = _recase(run, _tcvn3_chars(run), line_upper)
    if not (lead or tail):
        return full
    core_run = run[lead : len(run) - tail]
    core = _recase(core_run, _tcvn3_chars(core_run), line_upper)
    if _letters_of(core.text).isupper() and is_vietnamese_syllable(_letters_of(full.text)):
        return full  # "CHU˜" is "CHUỜ"; but "“anh" is a quote and "anh", not "Ỏanh"
    return _Word(run[:lead] + core.text + run[len(run) - tail :], core.used, core.leftover)


def _decode_vni_run(run: str) -> _Word:
    if _is_unicode_vietnamese(run):
        return _Word(run, 0, True)
    out: list[str] = []
    used = 0
    leftover = False
    i = 0
    while i < len(run):
        ch = run[i]
        low = ch.lower()
        pair = (low, run[i + 1].lower() if i + 1 < len(run) else "")
        letter = _VNI_PAIRS.get(pair) or _VNI_SINGLES.get(low)
        if letter is None:
            out.append(ch)
            leftover = leftover or not ch.isascii()
        else:
            out.append(letter.upper() if ch.isupper() else letter)
            used += 1
            i += pair in _VNI_PAIRS
        i += 1
    return _Word(unicodedata.normalize("NFC", "".join(out)), used, leftover)


_TCVN3_RUN = re.compile(
    "(?:[" + re.escape("".join(sorted(set(_TCVN3_DECODE) | set(_TCVN3_MARKS)))) + "\u0300-\u036f]|[^\\W\\d_])+"
)
_VNI_RUN = re.compile("(?:[\u0300-\u036f]|[^\\W\\d_])+")
_LINES = re.compile(r"[^\n]*\n?")
_ASCII_UPPER_LINE = re.compile(r"[A-Za-z]")


def _line_upper(line: str) -> bool:
    ascii_letters = _ASCII_UPPER_LINE.findall(line)
    return len(ascii_letters) >= 3 and all(c.isupper() for c in ascii_letters)


def _runs(text: str, encoding: str):
    """Yield (start, end, decoded word) for every word of `text` in `encoding`; lone punctuation is skipped."""
    if encoding == "tcvn3":
        for line in _LINES.finditer(text):
            upper = _line_upper(line.group())
            for m in _TCVN3_RUN.finditer(line.group()):
                word = _decode_tcvn3_run(m.group(), upper)
                if word.used or word.leftover or _letters_of(word.text):
                    yield line.start() + m.start(), line.start() + m.end(), word
    elif encoding == "vni":
        for m in _VNI_RUN.finditer(text):
            yield m.start(), m.end(), _decode_vni_run(m.group())
    else:
        raise ValueError(f"unknown legacy encoding {encoding!r}; expected one of {ENCODINGS}")


# ----------------------------------------------------------------------------- public API


def convert_legacy(text: str, encoding: str) -> str:
    """Return `text`, typed in the legacy `encoding` ("tcvn3" or "vni"), as NFC Unicode.

    Words already written in Unicode Vietnamese are left as they are.
    """
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown legacy encoding {encoding!r}; expected one of {ENCODINGS}")
    parts: list[str] = []
    last = 0
    for start, end, word in _runs(text, encoding):
        parts.append(text[last:start])
        parts.append(word.text)
        last = end
    parts.append(text[last:])
    return unicodedata.normalize("NFC", "".join(parts))


def encode_legacy(text: str, encoding: str) -> str:
    """Return Unicode `text` spelled as the legacy `encoding` shows it when pasted (inverse of convert_legacy)."""
    if encoding == "tcvn3":
        table = _TCVN3_ENCODE
    elif encoding == "vni":
        table = _VNI_ENCODE
    else:
        raise ValueError(f"unknown legacy encoding {encoding!r}; expected one of {ENCODINGS}")
    return "".join(table.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


@dataclass(frozen=True)
class LegacyGuess:
    """What detection saw for one encoding; `matches` is the decision."""

    encoding: str
    good_words: int  # distinct words with legacy codes that read as Vietnamese syllables
    bad_words: int  # words with legacy codes (or foreign letters) that do not
    strong: int  # of the good words, those that are not a Vietnamese word as they stand (nh©n, nhaân)
    share: float  # non-ASCII letters used by good words / all non-ASCII letters
    vietnamese_share: float  # words reading as Vietnamese syllables / all words
    unicode_words: int  # words already in Unicode Vietnamese
    misplaced: int = 0  # of the good words, those whose tone mark lands where no spelling puts it ("keỏ")

    @property
    def matches(self) -> bool:
        return (
            self.good_words >= 2
            and self.strong >= 1
            and self.good_words >= 4 * self.bad_words
            and self.share >= 0.8
            and self.vietnamese_share >= 0.5
            and self.good_words > self.unicode_words
        )


def _guess(text: str, encoding: str) -> LegacyGuess:
    bad = strong = words = vietnamese = unicode_words = misplaced = 0
    used_chars = all_chars = 0
    good: set[str] = set()
    for start, end, word in _runs(text, encoding):
        run = text[start:end]
        words += 1
        if _is_unicode_vietnamese(run):
            unicode_words += 1
            vietnamese += is_vietnamese_syllable(unicodedata.normalize("NFC", run))
            continue
        non_ascii = sum(1 for ch in run if not ch.isascii())
        all_chars += non_ascii
        ok = not word.leftover and is_vietnamese_syllable(_letters_of(word.text))
        vietnamese += ok
        if word.used and ok:
            if word.text.lower() not in good:
                misplaced += not tone_well_placed(_letters_of(word.text))
            good.add(word.text.lower())
            strong += not is_vietnamese_syllable(run)
            used_chars += non_ascii
        elif word.used or word.leftover:
            bad += 1
    return LegacyGuess(
        encoding,
        len(good),
        bad,
        strong,
        round(used_chars / all_chars, 3) if all_chars else 0.0,
        round(vietnamese / words, 3) if words else 0.0,
        unicode_words,
        misplaced,
    )


def analyse_legacy(text: str) -> tuple[LegacyGuess, ...]:
    """What detection saw for each encoding (for messages and tests)."""
    return tuple(_guess(text, enc) for enc in ENCODINGS)


_ANY_LEGACY = frozenset(_TCVN3_DECODE) | frozenset(_TCVN3_MARKS) | _VNI_CHARS


def detect_legacy(text: str) -> str | None:
    """Return "tcvn3" or "vni" when `text` looks typed in that old font, else None (see the module notes)."""
    if text.isascii() or not any(ch in _ANY_LEGACY for ch in text):
        return None
    matching = [g for g in analyse_legacy(text) if g.matches]
    if not matching:
        return None
    # both may read as syllables ("keá leâ löu": TCVN3 "keỏ leõ lửu", VNI "kế lê lưu"): a tone where no spelling
    # puts it counts against the encoding
    best = max(matching, key=lambda g: (g.good_words - g.bad_words - g.misplaced, g.strong))
    return best.encoding
