"""Embed the draft JSON in a .docx as a custom XML part, and read it back safely from any file."""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import os
import posixpath
import uuid
import zipfile
import zlib
from typing import TYPE_CHECKING, BinaryIO

from lxml import etree

from kpdesk.errors import RenderError
from kpdesk.render._text import has_xml_illegal

if TYPE_CHECKING:
    from docx.document import Document as DocumentObject

NS = "urn:kpdesk:draft:1"
FORMAT_VERSION = 1
PART_NAME = "/customXml/kpdesk-draft.xml"
PROPS_NAME = "/customXml/kpdesk-draftProps.xml"
CT_XML = "application/xml"
CT_PROPS = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
RT_CUSTOM_XML = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml"
RT_CUSTOM_XML_PROPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXmlProps"
_DS = "http://schemas.openxmlformats.org/officeDocument/2006/customXml"
_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"

MAX_PART_BYTES = 20 * 1024 * 1024  # a part we read may not declare more than this
MAX_TOTAL_BYTES = 1024 * 1024 * 1024  # declared size of the whole package
MAX_ENTRIES = 10_000


# ----------------------------------------------------------------------------- writing


def payload_xml(json_text: str) -> bytes:
    """Return the custom XML part holding `json_text`, its sha256 and the format version.

    The JSON is stored as text; when it holds a CR or a character XML cannot carry it is stored
    in base64 instead, so that reading it back returns exactly the same string.
    """
    try:
        raw = json_text.encode("utf-8")
    except UnicodeEncodeError:
        raise RenderError(
            "Dữ liệu bản nháp có ký tự không hợp lệ nên không nhúng được vào tệp Word. "
            "Hãy xóa ký tự lạ vừa dán vào rồi thử lại."
        ) from None
    root = etree.Element(f"{{{NS}}}draft", nsmap={"kp": NS})
    root.set("version", str(FORMAT_VERSION))
    etree.SubElement(root, f"{{{NS}}}sha256").text = hashlib.sha256(raw).hexdigest()
    body = etree.SubElement(root, f"{{{NS}}}json")
    if "\r" in json_text or has_xml_illegal(json_text):
        body.set("encoding", "base64")
        body.text = base64.b64encode(raw).decode("ascii")
    else:
        body.set("encoding", "text")
        body.text = json_text
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def attach_payload(document: DocumentObject, json_text: str) -> None:
    """Add `json_text` to `document` as a custom XML part related from the main document part."""
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    blob = payload_xml(json_text)
    package = document.part.package
    item_id = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, NS + hashlib.sha256(blob).hexdigest())).upper() + "}"
    props_xml = (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        f'<ds:datastoreItem xmlns:ds="{_DS}" ds:itemID="{item_id}">'
        f'<ds:schemaRefs><ds:schemaRef ds:uri="{NS}"/></ds:schemaRefs></ds:datastoreItem>'
    ).encode()
    item = Part(PackURI(PART_NAME), CT_XML, blob, package)
    props = Part(PackURI(PROPS_NAME), CT_PROPS, props_xml, package)
    item.relate_to(props, RT_CUSTOM_XML_PROPS)
    document.part.relate_to(item, RT_CUSTOM_XML)


# ----------------------------------------------------------------------------- reading


def read_payload(source: str | os.PathLike[str] | bytes | bytearray | memoryview) -> str | None:
    """Return the draft JSON embedded in a .docx exactly as written, or None when it has none.

    `source` is a path or the file's bytes. Nothing is extracted to disk. Raises `RenderError`
    (Vietnamese) for a file that is missing, not a .docx, damaged, suspiciously large when
    decompressed, has unsafe entry names, or whose embedded content was changed.
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        name = "tệp"
        return _read_from(io.BytesIO(bytes(source)), name)
    try:
        path = os.fspath(source)
    except TypeError:
        raise RenderError("Không mở được tệp: đường dẫn không hợp lệ.") from None
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    name = f"«{path}»" if path.isprintable() else f"«{repr(path)[1:-1]}»"
    if "\x00" in path:
        raise RenderError(f"Không mở được tệp {name}: đường dẫn chứa ký tự không hợp lệ. "
                          "Hãy chọn lại tệp .docx.")
    try:
        fh = open(path, "rb")
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
    with fh:
        return _read_from(fh, name)


def _damaged(name: str, why: str = "") -> RenderError:
    extra = f" ({why})" if why else ""
    return RenderError(
        f"{name[:1].upper()}{name[1:]} không phải tệp Word (.docx) hợp lệ hoặc đã bị hỏng{extra}. "
        "Hãy chọn đúng tệp .docx do kpdesk tạo."
    )


def _read_from(fh: BinaryIO, name: str) -> str | None:
    try:
        zf = zipfile.ZipFile(fh)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        raise _damaged(name, "không phải tệp nén .docx") from None
    with zf:
        infos = zf.infolist()
        _check_entries(infos, name)
        reader = _Reader(zf, name)
        if "[Content_Types].xml" not in reader.names:
            raise _damaged(name, "thiếu [Content_Types].xml")
        rels = reader.xml("_rels/.rels")
        if rels is None:
            raise _damaged(name, "thiếu _rels/.rels")
        main = None
        for rel in rels.iter(f"{{{_PKG_RELS}}}Relationship"):
            if (rel.get("Type") or "").endswith("/officeDocument"):
                main = _resolve("", rel.get("Target") or "", name)
                break
        if main is None or main not in reader.names:
            raise _damaged(name, "không có phần văn bản chính")

        doc_rels = reader.xml(posixpath.join(posixpath.dirname(main), "_rels", posixpath.basename(main) + ".rels"))
        candidates: list[str] = []
        if doc_rels is not None:
            for rel in doc_rels.iter(f"{{{_PKG_RELS}}}Relationship"):
                if (rel.get("Type") or "").endswith("/customXml") and rel.get("TargetMode") != "External":
                    candidates.append(_resolve(posixpath.dirname(main), rel.get("Target") or "", name))
        # a package rewritten without the relationship may still carry the part
        candidates += sorted(
            n
            for n in reader.names
            if n.startswith("customXml/")
            and n.endswith(".xml")
            and "/_rels/" not in n
            and "itemprops" not in n.lower()
            and n not in candidates
        )
        for part in candidates:
            root = reader.xml(part)
            if root is not None and root.tag == f"{{{NS}}}draft":
                return _decode(root, name)
        return None


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


class _Reader:
    """Reads parts from the zip in memory, refusing parts that declare more than 20 MB."""

    _parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, dtd_validation=False
    )

    def __init__(self, zf: zipfile.ZipFile, name: str) -> None:
        self.zf = zf
        self.name = name
        self.names = {i.filename for i in zf.infolist()}

    def read(self, entry: str) -> bytes | None:
        try:
            info = self.zf.getinfo(entry)
        except KeyError:
            return None
        if info.file_size > MAX_PART_BYTES:
            raise _bomb(self.name)
        if info.flag_bits & 0x1:
            raise _damaged(self.name, "tệp có mật khẩu")
        try:
            with self.zf.open(info) as part:
                data = part.read(MAX_PART_BYTES + 1)
        except (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError, OSError, RuntimeError, ValueError):
            raise _damaged(self.name, f"phần {entry} không đọc được") from None
        if len(data) > MAX_PART_BYTES:
            raise _bomb(self.name)
        return data

    def xml(self, entry: str) -> etree._Element | None:
        data = self.read(entry)
        if data is None:
            return None
        try:
            root = etree.fromstring(data, self._parser)
        except etree.XMLSyntaxError:
            raise _damaged(self.name, f"phần {entry} không phải XML hợp lệ") from None
        if root.getroottree().docinfo.doctype:
            raise _damaged(self.name, f"phần {entry} có DOCTYPE")
        return root


def _decode(root: etree._Element, name: str) -> str:
    changed = RenderError(
        f"{name[:1].upper()}{name[1:]}: nội dung nhúng bị thay đổi hoặc bị hỏng nên không dùng được. "
        "Hãy mở bản nháp từ tệp .json hoặc kho bản nháp thay vì tệp Word này."
    )
    try:
        version = int(root.get("version", ""))
    except ValueError:
        raise changed from None
    if version > FORMAT_VERSION:
        raise RenderError(
            f"Nội dung nhúng trong {name} được tạo bởi phiên bản kpdesk mới hơn (định dạng {version}). "
            "Hãy cập nhật kpdesk rồi mở lại."
        )
    digest_el = root.find(f"{{{NS}}}sha256")
    body = root.find(f"{{{NS}}}json")
    if digest_el is None or body is None:
        raise changed
    encoding = body.get("encoding", "text")
    if encoding == "base64":
        try:
            raw = base64.b64decode((body.text or "").encode("ascii"), validate=True)
            text = raw.decode("utf-8")
        except (binascii.Error, UnicodeError, ValueError):
            raise changed from None
    elif encoding == "text":
        text = body.text or ""
        raw = text.encode("utf-8")
    else:
        raise changed
    if hashlib.sha256(raw).hexdigest() != (digest_el.text or "").strip().lower():
        raise changed
    return text
