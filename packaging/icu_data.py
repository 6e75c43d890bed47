"""Trim the ICU data library that Qt brings on Linux (30 MB) to what Qt's own ICU calls read (about 3 MB).

Qt for Linux links ICU; its data (`libicudata.so.NN`, one symbol `icudtNN_dat` holding an ICU "common data"
package) holds every locale's names, currencies, units, break dictionaries, transliterators and legacy converters.
Qt calls ICU only for collation (QCollator: `ucol_*`), time-zone names and IDs (QTimeZone: `ucal_*`), case
mapping (`u_strTo*`, whose tables are built into libicuuc) and legacy text codecs (QStringConverter: `ucnv_*`,
for encodings other than UTF and Latin-1, which kpdesk never uses). `KEEP` is the data those calls need for the
root, English and Vietnamese locales; `check` proves that they answer as with the full data. Windows' Qt uses the
ICU of Windows itself, so this is for the Linux bundle only (build.spec). Loaded by path, never as `packaging.…`.
"""

from __future__ import annotations

import fnmatch
import json
import re
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

#: Items kept, as patterns on their names inside the package (without the "icudtNNl/" prefix).
KEEP = (
    # the locale tree: its index, its shared string pool, the root and the locales kpdesk runs in (the C locale is
    # en_US_POSIX to ICU), and the data every locale lookup consults (likely subtags, aliases, keywords)
    "res_index.res",
    "pool.res",
    "root.res",
    "en.res",
    "en_US.res",
    "en_US_POSIX.res",
    "vi.res",
    "vi_*.res",
    "likelySubtags.res",
    "langInfo.res",
    "supplementalData.res",
    "metadata.res",
    "keyTypeData.res",
    "numberingSystems.res",
    "icuver.res",
    "icustd.res",
    # collation: the root order and the English and Vietnamese tailorings
    "coll/res_index.res",
    "coll/root.res",
    "coll/ucadata.icu",
    "coll/en*.res",
    "coll/vi*.res",
    # time zones: rules, IDs and the Windows mapping, and their names in the same locales
    "zoneinfo64.res",
    "metaZones.res",
    "timezoneTypes.res",
    "windowsZones.res",
    "zone/res_index.res",
    "zone/pool.res",
    "zone/root.res",
    "zone/en.res",
    "zone/en_US*.res",
    "zone/vi*.res",
    "zone/tzdbNames.res",
    # converter aliases (to answer "unknown encoding" without the converter tables) and small core tables
    "cnvalias.icu",
    "*.nrm",
    "ulayout.icu",
    "uemoji.icu",
)
_LIBRARY = re.compile(r"libicudata\.so\.(\d+)$")


class IcuError(Exception):
    """Why the ICU data could not be trimmed, in Vietnamese."""


def _elf_symbol(library: bytes, name: bytes) -> tuple[int, int]:
    """(file offset, size) of the dynamic symbol `name` in a little-endian 64-bit ELF shared library."""
    if library[:6] != b"\x7fELF\x02\x01":
        raise IcuError("không phải thư viện ELF 64-bit little-endian")
    (shoff,) = struct.unpack_from("<Q", library, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", library, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", library, shoff + i * shentsize) for i in range(shnum)]
    for _name, sh_type, _flags, _addr, offset, size, link, _info, _align, entsize in sections:
        if sh_type != 11:  # SHT_DYNSYM
            continue
        strtab = sections[link]
        for i in range(size // entsize):
            st_name, _st_info, _other, _shndx, value, st_size = struct.unpack_from(
                "<IBBHQQ", library, offset + i * entsize
            )
            start = strtab[4] + st_name
            if library[start : library.index(b"\0", start)] == name:
                for _n, _t, _f, addr, sec_offset, sec_size, *_rest in sections:
                    if addr and addr <= value < addr + sec_size:
                        return sec_offset + value - addr, st_size
    raise IcuError(f"không thấy ký hiệu {name.decode()}")


def read_package(blob: bytes) -> tuple[bytes, str, dict[str, bytes]]:
    """An ICU common-data package → (its header, the items' prefix "icudtNNl/", {name: data})."""
    header_size, magic1, magic2 = struct.unpack_from("<HBB", blob, 0)
    if (magic1, magic2) != (0xDA, 0x27) or blob[12:16] != b"CmnD":
        raise IcuError("dữ liệu ICU không đúng dạng gói CmnD")
    (count,) = struct.unpack_from("<I", blob, header_size)
    entries = [struct.unpack_from("<II", blob, header_size + 4 + 8 * i) for i in range(count)]
    ends = [offset for _name, offset in entries[1:]] + [len(blob) - header_size]
    items: dict[str, bytes] = {}
    for (name_offset, data_offset), end in zip(entries, ends, strict=True):
        start = header_size + name_offset
        name = blob[start : blob.index(b"\0", start)].decode("ascii")
        items[name] = blob[header_size + data_offset : header_size + end]
    prefix = next(iter(items)).split("/", 1)[0] + "/"
    return blob[:header_size], prefix, {name[len(prefix) :]: data for name, data in items.items()}


def write_package(header: bytes, prefix: str, items: dict[str, bytes]) -> bytes:
    """The inverse of `read_package`: names sorted as ICU searches them, each item 16-byte aligned, padded with
    0xAA as ICU's own icupkg pads (so that a package read and written again is the same bytes)."""
    names = sorted(prefix + name for name in items)
    table = 4 + 8 * len(names)
    name_bytes = b"".join(n.encode("ascii") + b"\0" for n in names)
    data_start = (len(header) + table + len(name_bytes) + 15) // 16 * 16 - len(header)
    entries, data, name_offset, offset = [], bytearray(), table, data_start
    for name in names:
        item = items[name[len(prefix) :]]
        entries.append(struct.pack("<II", name_offset, offset))
        name_offset += len(name) + 1
        padded = item + b"\xaa" * (-len(item) % 16)
        data += padded
        offset += len(padded)
    toc = struct.pack("<I", len(names)) + b"".join(entries) + name_bytes
    return header + toc + b"\xaa" * (data_start - len(toc)) + bytes(data)


def kept(items: dict[str, bytes]) -> dict[str, bytes]:
    return {name: data for name, data in items.items() if any(fnmatch.fnmatchcase(name, p) for p in KEEP)}


def build_library(blob: bytes, version: str, out: Path) -> Path:
    """Write `out`, a shared library named libicudata.so.`version` whose symbol icudt`version`_dat is `blob`."""
    for tool in ("as", "ld"):
        if shutil.which(tool) is None:
            raise IcuError(f"thiếu công cụ {tool}: hãy cài binutils (Debian: apt-get install binutils)")
    with tempfile.TemporaryDirectory(prefix="kpdesk-icu-") as tmp:
        work = Path(tmp)
        (work / "data.bin").write_bytes(blob)
        symbol = f"icudt{version}_dat"
        (work / "data.S").write_text(
            f"\t.section .rodata\n\t.balign 16\n\t.globl {symbol}\n\t.type {symbol}, %object\n{symbol}:\n"
            f'\t.incbin "data.bin"\n\t.size {symbol}, . - {symbol}\n\t.section .note.GNU-stack,"",%progbits\n',
            encoding="ascii",
        )
        for command in (
            ["as", "-o", "data.o", "data.S"],
            [
                "ld",
                "-shared",
                "-z",
                "noexecstack",
                "-soname",
                f"libicudata.so.{version}",
                "-o",
                "libicudata.so",
                "data.o",
            ],
        ):
            result = subprocess.run(command, cwd=work, capture_output=True, text=True, timeout=300)
            if result.returncode != 0:
                raise IcuError(f"{' '.join(command)}: {result.stderr.strip()[-1000:]}")
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(work / "libicudata.so", out)
    return out


#: Run in a child process with the ICU libraries of one folder: Qt's ICU calls, answers as JSON.
_PROBE = r"""
import ctypes, functools, json, sys
folder, v = sys.argv[1], sys.argv[2]
uc = ctypes.CDLL(folder + "/libicuuc.so." + v, mode=ctypes.RTLD_GLOBAL)
i18n = ctypes.CDLL(folder + "/libicui18n.so." + v)
def fn(lib, name, restype, *argtypes):
    f = getattr(lib, name + "_" + v); f.restype = restype; f.argtypes = list(argtypes); return f
def u16(text, size=None):  # ICU's UChar strings are UTF-16
    data = text.encode("utf-16-le")
    buf = (ctypes.c_uint16 * (size or len(data) // 2 + 1))()
    ctypes.memmove(buf, data, len(data))
    return buf
def text(buf, n):
    return bytes(buf)[:2 * n].decode("utf-16-le")
P, I, C = ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p
out, err = {}, ctypes.c_int(0)
def status():
    s = err.value; err.value = 0; return "error" if s > 0 else "ok"
ucol_open = fn(i18n, "ucol_open", P, C, P)
ucol_strcoll = fn(i18n, "ucol_strcoll", I, P, P, I, P, I)
words = ["Đức", "ăn", "an", "âm", "bé", "Ấp", "dân", "Zô", "ơn", "ô", "o", "uống", "ư", "Ở", "ở", "ỏ"]
bufs = [u16(w) for w in words]
for loc in (b"", b"en_US_POSIX", b"en", b"vi"):
    coll = ucol_open(loc, ctypes.byref(err))
    ok = status()
    order = sorted(range(len(words)), key=functools.cmp_to_key(
        lambda a, b: ucol_strcoll(coll, bufs[a], -1, bufs[b], -1) if coll else 0))
    out["collation " + loc.decode()] = [ok, [words[i] for i in order]]
ucal_open = fn(i18n, "ucal_open", P, P, I, C, I, P)
name = fn(i18n, "ucal_getTimeZoneDisplayName", I, P, I, C, P, I, P)
canon = fn(i18n, "ucal_getCanonicalTimeZoneID", I, P, I, P, I, P, P)
for zone in ("Asia/Ho_Chi_Minh", "Asia/Saigon", "Europe/Paris", "UTC"):
    cal = ucal_open(u16(zone), -1, b"vi", 0, ctypes.byref(err))
    ok = status()
    names = []
    for kind in range(4):
        for loc in (b"vi", b"en_US"):
            buf = u16("", 200)
            n = name(cal, kind, loc, buf, 200, ctypes.byref(err))
            names.append([status(), text(buf, n)])
    buf = u16("", 200)
    n = canon(u16(zone), -1, buf, 200, None, ctypes.byref(err))
    out["zone " + zone] = [ok, names, status(), text(buf, n)]
upper = fn(uc, "u_strToUpper", I, P, I, P, I, C, P)
lower = fn(uc, "u_strToLower", I, P, I, P, I, C, P)
for loc in (b"vi", b"tr", b"en_US_POSIX"):
    for f, sample in ((upper, "iđăâêôơư ỹ ß"), (lower, "IĐĂÂÊÔƠƯ Ỹ İ")):
        buf = u16("", 64)
        n = f(buf, 64, u16(sample), -1, loc, ctypes.byref(err))
        out[f"case {loc.decode()} {sample}"] = [status(), text(buf, n)]
ucnv_open = fn(uc, "ucnv_open", P, C, P)
for enc in (b"UTF-8", b"UTF-16LE", b"ISO-8859-1", b"US-ASCII", b"utf8", b"latin1"):
    ucnv_open(enc, ctypes.byref(err))
    out["converter " + enc.decode()] = status()
print(json.dumps(out, ensure_ascii=False, sort_keys=True))
"""


def probe(folder: Path, version: str) -> dict:
    """Ask the ICU libraries in `folder` what Qt asks them (in a child process: one ICU per process)."""
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, str(folder), version],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    if result.returncode != 0:
        raise IcuError(f"thử ICU trong {folder} không được: {result.stderr.strip()[-1500:]}")
    return json.loads(result.stdout)


def check(original_dir: Path, trimmed: Path, version: str) -> dict:
    """Raise IcuError unless the trimmed data answers Qt's calls as the original does; return the answers."""
    with tempfile.TemporaryDirectory(prefix="kpdesk-icu-check-") as tmp:
        folder = Path(tmp)
        for lib in ("libicuuc", "libicui18n"):
            shutil.copyfile(original_dir / f"{lib}.so.{version}", folder / f"{lib}.so.{version}")
        shutil.copyfile(trimmed, folder / f"libicudata.so.{version}")
        expected, found = probe(original_dir, version), probe(folder, version)
    differ = [key for key in expected if expected[key] != found.get(key)]
    if differ:
        raise IcuError(
            "dữ liệu ICU đã lược trả lời khác bản đầy đủ ở: "
            + "; ".join(f"{key}: {expected[key]} ≠ {found.get(key)}" for key in differ[:5])
        )
    if any(value[0] != "ok" for key, value in expected.items() if key.startswith("collation")):
        raise IcuError(f"ICU không mở được bảng so sánh chữ: {expected}")
    return found


def trimmed_library(original: Path, work: Path) -> Path:
    """Build (once per build folder) and check the trimmed copy of `original` (libicudata.so.NN); return it."""
    match = _LIBRARY.search(original.name)
    if not match:
        raise IcuError(f"{original}: không phải libicudata.so.NN")
    version = match.group(1)
    data = original.read_bytes()
    offset, size = _elf_symbol(data, f"icudt{version}_dat".encode())
    header, prefix, items = read_package(data[offset : offset + size])
    out = build_library(write_package(header, prefix, kept(items)), version, work / "icu" / original.name)
    check(original.parent, out, version)
    return out


def trim_binaries(binaries: list[tuple], work: Path) -> list[tuple]:
    """PyInstaller's `a.binaries` with ICU's data library (if any) replaced by its trimmed, checked copy."""
    trimmed = []
    for dest, source, kind in binaries:
        if _LIBRARY.search(Path(dest).name):
            try:
                source = str(trimmed_library(Path(source), work))
            except IcuError as exc:
                raise SystemExit(f"build.spec: lược dữ liệu ICU ({source}) không được: {exc}") from exc
        trimmed.append((dest, source, kind))
    return trimmed
