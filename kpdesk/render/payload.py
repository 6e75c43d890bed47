"""Embed the draft JSON in a .docx as a custom XML part, and read it back safely from any file."""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lxml import etree

from kpdesk.errors import RenderError
from kpdesk.files import sha256_hex
from kpdesk.render._text import has_xml_illegal
from kpdesk.render.package import MAX_ENTRIES, MAX_PART_BYTES, MAX_TOTAL_BYTES, Source, open_package

if TYPE_CHECKING:
    from docx.document import Document as DocumentObject

__all__ = [
    "MAX_ENTRIES",
    "MAX_PART_BYTES",
    "MAX_TOTAL_BYTES",
    "NS",
    "Embedded",
    "attach_payload",
    "payload_xml",
    "read_embedded",
    "read_payload",
]

NS = "urn:kpdesk:draft:1"
FORMAT_VERSION = 1
PART_NAME = "/customXml/kpdesk-draft.xml"
PROPS_NAME = "/customXml/kpdesk-draftProps.xml"
CT_XML = "application/xml"
CT_PROPS = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
RT_CUSTOM_XML = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml"
RT_CUSTOM_XML_PROPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXmlProps"
_DS = "http://schemas.openxmlformats.org/officeDocument/2006/customXml"


# ----------------------------------------------------------------------------- writing


@dataclass(frozen=True)
class Embedded:
    """What a .docx made by kpdesk carries: the draft's JSON, and the digest of the text it showed and of that JSON
    when written (`plain.text_digest`; None in files written before kpdesk kept it)."""

    json: str
    text_sha256: str | None


def payload_xml(json_text: str, text_sha256: str | None = None) -> bytes:
    """Return the custom XML part holding `json_text`, its sha256, the format version and, when given, the digest
    of the document's text (`<kp:text sha256="…"/>`, which readers that do not know it ignore).

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
    etree.SubElement(root, f"{{{NS}}}sha256").text = sha256_hex(raw)
    if text_sha256 is not None:
        etree.SubElement(root, f"{{{NS}}}text").set("sha256", text_sha256)
    body = etree.SubElement(root, f"{{{NS}}}json")
    if "\r" in json_text or has_xml_illegal(json_text):
        body.set("encoding", "base64")
        body.text = base64.b64encode(raw).decode("ascii")
    else:
        body.set("encoding", "text")
        body.text = json_text
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def attach_payload(document: DocumentObject, json_text: str, text_sha256: str | None = None) -> None:
    """Add `json_text` (and the digest of the document's text) to `document` as a custom XML part related from the
    main document part."""
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    blob = payload_xml(json_text, text_sha256)
    package = document.part.package
    item_id = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, NS + sha256_hex(blob))).upper() + "}"
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


def read_payload(source: Source) -> str | None:
    """Return the draft JSON embedded in a .docx exactly as written, or None when it has none (see
    `read_embedded`)."""
    found = read_embedded(source)
    return found.json if found is not None else None


def read_embedded(source: Source) -> Embedded | None:
    """Return what a .docx made by kpdesk embeds (the draft JSON exactly as written, and the digest of its text),
    or None when it embeds nothing.

    `source` is a path or the file's bytes. Nothing is extracted to disk. Raises `RenderError`
    (Vietnamese) for a file that is missing, not a .docx, damaged, suspiciously large when
    decompressed, has unsafe entry names, or whose embedded content was changed.
    """
    with open_package(source) as package:
        candidates = package.related(package.main, "/customXml")
        # a package rewritten without the relationship may still carry the part
        candidates += sorted(
            n
            for n in package.names
            if n.startswith("customXml/")
            and n.endswith(".xml")
            and "/_rels/" not in n
            and "itemprops" not in n.lower()
            and n not in candidates
        )
        for part in candidates:
            root = package.xml(part)
            if root is not None and root.tag == f"{{{NS}}}draft":
                text_el = root.find(f"{{{NS}}}text")
                digest = (text_el.get("sha256") or "").strip().lower() if text_el is not None else ""
                return Embedded(_decode(root, package.name), digest or None)
        return None


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
    if sha256_hex(raw) != (digest_el.text or "").strip().lower():
        raise changed
    return text
