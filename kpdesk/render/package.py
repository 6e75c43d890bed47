"""Reading a .docx package safely, from a path or its bytes: entry names, sizes and XML (no entities) checked."""

from __future__ import annotations

import io
import os
import posixpath
import stat
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO, TypeAlias

from lxml import etree

from kpdesk.errors import RenderError

#: What reading a member of an untrusted zip can raise: a damaged archive or stream, an encrypted member
#: (RuntimeError), a compression method Python does not have (NotImplementedError), a truncated file.
ZIP_READ_ERRORS = (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError, OSError, RuntimeError, ValueError)

__all__ = [
    "MAX_ENTRIES",
    "MAX_PART_BYTES",
    "MAX_READ_BYTES",
    "MAX_TOTAL_BYTES",
    "MAX_XML_TAGS",
    "Element",
    "Package",
    "Source",
    "open_package",
]

MAX_PART_BYTES = 20 * 1024 * 1024  # a part we read may not declare more than this
#: Decompressed bytes read from one package in all, whatever the number of parts: a kpdesk .docx reads a few
#: hundred kilobytes; 48 parts of 20 MB each (1 MB compressed) took 44 s and 1.3 GB before this bound.
MAX_READ_BYTES = 2 * MAX_PART_BYTES
MAX_TOTAL_BYTES = 256 * 1024 * 1024  # declared size of the whole package (photos included)
#: Tags in one XML part: a report of 5 000 table rows has about 400 000; 5 million empty elements in 20 MB took
#: 700 MB to parse.
MAX_XML_TAGS = 1_000_000
MAX_ENTRIES = 10_000

_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"

#: A .docx given by its path or its bytes.
Source = str | os.PathLike[str] | bytes | bytearray | memoryview
#: An element of a part read from the package.
Element: TypeAlias = etree._Element


class Package:
    """An open .docx: its entry names, parts read in memory (at most 20 MB each, 40 MB in all) and its main document
    part."""

    _parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, dtd_validation=False
    )

    def __init__(self, zf: zipfile.ZipFile, name: str) -> None:
        self.zf = zf
        self.name = name
        self._read = 0  # decompressed bytes read so far, bounded by MAX_READ_BYTES
        infos = zf.infolist()
        _check_entries(infos, name)
        self.names = {i.filename for i in infos}
        if "[Content_Types].xml" not in self.names:
            raise self.damaged("thiếu [Content_Types].xml")
        rels = self.xml("_rels/.rels")
        if rels is None:
            raise self.damaged("thiếu _rels/.rels")
        main = None
        for rel in rels.iter(f"{{{_PKG_RELS}}}Relationship"):
            if (rel.get("Type") or "").endswith("/officeDocument"):
                main = _resolve("", rel.get("Target") or "", name)
                break
        if main is None or main not in self.names:
            raise self.damaged("không có phần văn bản chính")
        #: The entry of the main document part ("word/document.xml").
        self.main: str = main

    def damaged(self, why: str = "") -> RenderError:
        """The error for a package that is not a valid .docx, saying `why` when known."""
        return _damaged(self.name, why)

    def read(self, entry: str) -> bytes | None:
        """Return the bytes of `entry`, or None when the package has no such entry."""
        try:
            info = self.zf.getinfo(entry)
        except KeyError:
            return None
        left = min(MAX_PART_BYTES, MAX_READ_BYTES - self._read)
        if info.file_size > left:
            raise _bomb(self.name)
        if info.flag_bits & 0x1:
            raise _damaged(self.name, "tệp có mật khẩu")
        try:
            with self.zf.open(info) as part:
                data = part.read(left + 1)
        except ZIP_READ_ERRORS:
            raise _damaged(self.name, f"phần {entry} không đọc được") from None
        self._read += len(data)
        if len(data) > left:
            raise _bomb(self.name)
        return data

    def xml(self, entry: str) -> Element | None:
        """Return `entry` parsed as XML (no entities, no DTD, no network), or None when it is missing."""
        data = self.read(entry)
        if data is None:
            return None
        if data.count(b"<") > MAX_XML_TAGS:
            raise _bomb(self.name)
        try:
            root = etree.fromstring(data, self._parser)
        except etree.XMLSyntaxError:
            raise _damaged(self.name, f"phần {entry} không phải XML hợp lệ") from None
        if root.getroottree().docinfo.doctype:
            raise _damaged(self.name, f"phần {entry} có DOCTYPE")
        return root

    def related(self, part: str, type_suffix: str) -> list[str]:
        """Return the entries `part` relates to with a relationship type ending in `type_suffix` (internal only)."""
        rels = self.xml(posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels"))
        if rels is None:
            return []
        return [
            _resolve(posixpath.dirname(part), rel.get("Target") or "", self.name)
            for rel in rels.iter(f"{{{_PKG_RELS}}}Relationship")
            if (rel.get("Type") or "").endswith(type_suffix) and rel.get("TargetMode") != "External"
        ]


@contextmanager
def open_package(source: Source) -> Iterator[Package]:
    """Open the .docx `source` (a path or the file's bytes) for reading; nothing is extracted to disk.

    Raises `RenderError` (Vietnamese) for a file that is missing or unreadable, not a .docx, damaged, suspiciously
    large when decompressed, or with unsafe entry names.
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        with _zip(io.BytesIO(bytes(source)), "tệp") as package:
            yield package
        return
    try:
        path = os.fspath(source)
    except TypeError:
        raise RenderError("Không mở được tệp: đường dẫn không hợp lệ.") from None
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    name = f"«{path}»" if path.isprintable() else f"«{repr(path)[1:-1]}»"
    if "\x00" in path:
        raise RenderError(f"Không mở được tệp {name}: đường dẫn chứa ký tự không hợp lệ. Hãy chọn lại tệp .docx.")
    try:
        # without blocking: a named pipe given as the file would otherwise wait for a writer forever
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0))
        try:
            mode = os.fstat(fd).st_mode
            if stat.S_ISDIR(mode):
                raise IsADirectoryError(path)
        except BaseException:
            os.close(fd)
            raise
        if not stat.S_ISREG(mode):
            os.close(fd)
            raise RenderError(
                f"{name[:1].upper()}{name[1:]} không phải là tệp thường (thiết bị hoặc đường ống) nên "
                "không đọc được. Hãy chọn tệp .docx do kpdesk tạo."
            )
        fh = os.fdopen(fd, "rb")
    except FileNotFoundError:
        raise RenderError(f"Không tìm thấy tệp {name}. Hãy kiểm tra lại đường dẫn.") from None
    except IsADirectoryError:
        raise RenderError(f"{name} là một thư mục, không phải tệp Word (.docx).") from None
    except PermissionError:
        raise RenderError(
            f"Không mở được tệp {name}: không có quyền đọc. Hãy chép tệp sang thư mục khác rồi thử lại."
        ) from None
    except (OSError, ValueError) as exc:  # ValueError: a path the system cannot take at all
        raise RenderError(f"Không mở được tệp {name} ({getattr(exc, 'strerror', None) or exc}).") from None
    with fh, _zip(fh, name) as package:
        yield package


@contextmanager
def _zip(fh: BinaryIO, name: str) -> Iterator[Package]:
    try:
        zf = zipfile.ZipFile(fh)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        raise _damaged(name, "không phải tệp nén .docx") from None
    with zf:
        yield Package(zf, name)


def _damaged(name: str, why: str = "") -> RenderError:
    extra = f" ({why})" if why else ""
    return RenderError(
        f"{name[:1].upper()}{name[1:]} không phải tệp Word (.docx) hợp lệ hoặc đã bị hỏng{extra}. "
        "Hãy chọn đúng tệp .docx do kpdesk tạo."
    )


def _check_entries(infos: list[zipfile.ZipInfo], name: str) -> None:
    if len(infos) > MAX_ENTRIES:
        raise _damaged(name, f"có {len(infos)} phần, quá nhiều")
    total = 0
    for info in infos:
        entry = info.filename
        parts = entry.replace("\\", "/").split("/")
        if (
            entry.startswith(("/", "\\"))
            or "\\" in entry
            or ".." in parts
            or (len(entry) > 1 and entry[1] == ":")
            or "\x00" in entry
        ):
            raise RenderError(
                f"{name[:1].upper()}{name[1:]} chứa đường dẫn không an toàn («{entry[:80]}») nên không được mở. "
                "Đây không phải tệp Word bình thường; hãy chọn tệp .docx do kpdesk tạo."
            )
        total += max(info.file_size, 0)
    if total > MAX_TOTAL_BYTES:
        raise _bomb(name)


def _bomb(name: str) -> RenderError:
    return RenderError(
        f"{name[:1].upper()}{name[1:]} có dung lượng giải nén bất thường (có thể là tệp độc hại) nên không được mở. "
        "Hãy chọn tệp .docx do kpdesk tạo."
    )


def _resolve(base: str, target: str, name: str) -> str:
    """Return the zip entry a relationship `target` points to, refusing paths outside the package."""
    target = target.split("#", 1)[0]
    path = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
    path = posixpath.normpath(path)
    if path == ".." or path.startswith("../") or path.startswith("/"):
        raise RenderError(
            f"{name[:1].upper()}{name[1:]} chứa đường dẫn không an toàn («{target[:80]}») nên không được mở."
        )
    return path
