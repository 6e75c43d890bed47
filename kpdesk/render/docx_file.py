"""The .docx file of a layout: package set-up, styles, page, page numbers, the embedded draft and writing it."""

from __future__ import annotations

import datetime as dt
import io
import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Twips

from kpdesk.files import sha256_hex, write_atomic
from kpdesk.render import ooxml
from kpdesk.render.frame import Format, Frame, Layout, PageSetup, Para, Picture, lay_out
from kpdesk.render.payload import attach_payload

if TYPE_CHECKING:
    from docx.document import Document as DocumentObject
    from lxml.etree import _Element

__all__ = ["build_document", "docx_bytes", "write_docx"]


def build_document(source: Layout | Frame) -> DocumentObject:
    """Return a python-docx Document of `source` (a `Frame` is laid out first), with its draft embedded."""
    layout = source if isinstance(source, Layout) else lay_out(source)
    page = layout.page
    # pictures take the relationship ids after the body's: the headers then come after them, as they always have
    pictures = any(isinstance(part, Picture) for part in layout.parts)
    document = docx.Document(io.BytesIO(_prepared_package(page, headers=not pictures)))
    _document_properties(document, layout)
    body = document.element.body
    sect = body.find(qn("w:sectPr"))
    breaks = []
    for part, el in zip(layout.parts, ooxml.elements(layout.parts, page.font, _image_maker(document)), strict=True):
        if sect is not None:
            sect.addprevious(el)
        else:
            body.append(el)
        if isinstance(part, Para) and part.fmt.section_break:
            breaks.append(el)
    if pictures:
        _page_numbers(document, page)
    if breaks and sect is not None:
        _section_breaks(sect, breaks)
    if layout.payload is not None:
        from kpdesk.render.plain import text_digest, text_lines

        attach_payload(document, layout.payload, text_digest(text_lines(layout), layout.payload))
    return document


def docx_bytes(source: Layout | Frame) -> bytes:
    """Return the .docx file of `source` as bytes."""
    buffer = io.BytesIO()
    build_document(source).save(buffer)
    return buffer.getvalue()


def write_docx(source: Layout | Frame, path: str | os.PathLike[str]) -> str:
    """Render `source` and write it atomically to `path`; return the sha256 hex of the written file."""
    data = docx_bytes(source)
    write_atomic(Path(path), data)
    return sha256_hex(data)


def _image_maker(document: DocumentObject):
    """The maker of a picture's wp:inline: its PNG becomes an image part of the document."""

    def inline(pic: Picture):
        made = document.part.new_pic_inline(io.BytesIO(pic.png), Twips(pic.width), Twips(pic.height))
        if pic.name:
            made.docPr.set("descr", pic.name)
        return made

    return inline


def _section_breaks(sect, paragraphs) -> None:
    """End a section at each of `paragraphs` (a copy of the page set-up and headers in its w:pPr); each section after
    one starts a page and numbers its pages from 1, with no number on its first page (Decree 30's appendix)."""
    from copy import deepcopy

    for p in paragraphs:
        p.get_or_add_pPr().append(deepcopy(sect))
    number = sect.find(qn("w:pgNumType"))
    if number is None:
        number = parse_xml(f"<w:pgNumType {nsdecls('w')}/>")
        # w:pgNumType comes after w:pgMar and before w:cols, w:titlePg … (CT_SectPr's sequence)
        anchor = next(
            (
                sect.find(qn(t))
                for t in (
                    "w:cols",
                    "w:formProt",
                    "w:vAlign",
                    "w:noEndnote",
                    "w:titlePg",
                    "w:textDirection",
                    "w:bidi",
                    "w:rtlGutter",
                    "w:docGrid",
                )
                if sect.find(qn(t)) is not None
            ),
            None,
        )
        if anchor is not None:
            anchor.addprevious(number)
        else:
            sect.append(number)
    number.set(qn("w:start"), "1")


# ----------------------------------------------------------------------------- package set-up


@cache
def _styles(font: str, lang: str, size: float, cell_margin: int, text_width: int) -> str:
    """The styles part: `font` in every slot, `lang`, the default size; header and footer tabs at the text's
    centre and right edge."""
    rfonts = f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" w:cs="{font}"/>'
    half = round(size * 2)
    tabs = (
        f'<w:tabs><w:tab w:val="center" w:pos="{text_width // 2}"/><w:tab w:val="right" w:pos="{text_width}"/></w:tabs>'
    )
    return f"""
<w:styles {nsdecls("w")}>
  <w:docDefaults>
    <w:rPrDefault><w:rPr>{rfonts}<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>
      <w:lang w:val="{lang}" w:eastAsia="{lang}" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>
    <w:pPrDefault><w:pPr><w:widowControl/><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault>
  </w:docDefaults>
  <w:style w:type="paragraph" w:default="1" w:styleId="Normal">
    <w:name w:val="Normal"/><w:qFormat/>
    <w:rPr>{rfonts}<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>
      <w:lang w:val="{lang}" w:eastAsia="{lang}" w:bidi="ar-SA"/></w:rPr>
  </w:style>
  <w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">
    <w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/>
  </w:style>
  <w:style w:type="table" w:default="1" w:styleId="TableNormal">
    <w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>
    <w:rPr>{rfonts}</w:rPr>
    <w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/>
      <w:left w:w="{cell_margin}" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>
      <w:right w:w="{cell_margin}" w:type="dxa"/></w:tblCellMar></w:tblPr>
  </w:style>
  <w:style w:type="numbering" w:default="1" w:styleId="NoList">
    <w:name w:val="No List"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>
  </w:style>
  <w:style w:type="paragraph" w:styleId="Header">
    <w:name w:val="header"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>
    <w:pPr>{tabs}</w:pPr>
    <w:rPr>{rfonts}</w:rPr>
  </w:style>
  <w:style w:type="paragraph" w:styleId="Footer">
    <w:name w:val="footer"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>
    <w:pPr>{tabs}</w:pPr>
    <w:rPr>{rfonts}</w:rPr>
  </w:style>
</w:styles>
""".strip()


_DROP_DOC_RELS = (
    "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml",
)
_THUMBNAIL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail"


@cache
def _prepared_package(page: PageSetup, *, headers: bool) -> bytes:
    """The .docx of an empty document on `page`, saved once per page set-up and opened for each render: python-docx's
    default package with our styles, settings, page (and `headers`), without the parts we drop. Opening this small
    package costs a fraction of opening python-docx's default one and preparing it again."""
    document = docx.Document()
    _prepare_package(document, page)
    _document_properties(document, None)
    _page_setup(document, page)
    body = document.element.body
    sect = body.find(qn("w:sectPr"))
    for child in list(body):
        if child is not sect:
            body.remove(child)
    if headers:
        _page_numbers(document, page)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _prepare_package(document: DocumentObject, page: PageSetup) -> None:
    """Replace the template's styles with the page's font and language, and drop parts we do not use."""
    styles = document.styles.element
    for child in list(styles):
        styles.remove(child)
    for child in parse_xml(_styles(page.font, page.lang, page.size, page.cell_margin, page.text_width)):
        styles.append(child)

    for rid, rel in list(document.part.rels.items()):
        if rel.reltype in _DROP_DOC_RELS:
            del document.part.rels[rid]
    package_rels = document.part.package.rels
    for rid, rel in list(package_rels.items()):
        if rel.reltype == _THUMBNAIL:
            del package_rels[rid]

    settings = document.settings.element
    for el in settings.findall(qn("w:proofState")):
        settings.remove(el)
    for el in settings.iter(qn("w:compatSetting")):
        if el.get(qn("w:name")) == "compatibilityMode":
            el.set(qn("w:val"), "15")
    for el in settings.findall(qn("w:defaultTabStop")):
        el.set(qn("w:val"), str(page.tab_stop))
    for el in settings.findall(qn("w:themeFontLang")):
        el.set(qn("w:val"), page.lang)
        el.attrib.pop(qn("w:eastAsia"), None)


def _document_properties(document: DocumentObject, layout: Layout | None) -> None:
    """The file's core properties: the layout's title, subject and author, made now (`layout` None: the prepared
    package's, every property present and set again at each render)."""
    props = document.core_properties
    now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    info = layout.info if layout is not None else None
    props.title = info.title if info else ""
    props.subject = info.subject if info else ""
    props.author = info.author if info else ""
    props.last_modified_by = "kpdesk"
    props.comments = ""
    props.keywords = ""
    props.category = ""
    props.language = layout.page.lang if layout is not None else ""
    props.revision = 1
    props.created = now
    props.modified = now


def _page_setup(document: DocumentObject, page: PageSetup) -> None:
    from docx.enum.section import WD_ORIENT

    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT if page.height >= page.width else WD_ORIENT.LANDSCAPE
    section.page_width = Twips(page.width)
    section.page_height = Twips(page.height)
    section.top_margin = Twips(page.margin_top)
    section.bottom_margin = Twips(page.margin_bottom)
    section.left_margin = Twips(page.margin_left)
    section.right_margin = Twips(page.margin_right)
    section.header_distance = Twips(page.header_distance)
    section.footer_distance = Twips(page.footer_distance)
    section.gutter = Twips(0)


def _page_numbers(document: DocumentObject, page: PageSetup) -> None:
    """Centred PAGE field in the default header; unless page 1 is numbered, it gets an empty first-page header.
    A `draft_mark` is printed at the right of the header of every page, page 1 too."""
    section = document.sections[0]
    section.different_first_page_header_footer = not page.number_first_page
    parts = [section.header] if page.number_first_page else [section.header, section.first_page_header]
    for part in parts:
        part.is_linked_to_previous = False
        hdr = part._element
        for child in list(hdr):
            hdr.remove(child)
    if not page.number_first_page:
        section.first_page_header._element.append(_header_line(page, numbered=False))
    section.header._element.append(_header_line(page, numbered=True))


def _header_line(page: PageSetup, *, numbered: bool) -> _Element:
    """The one line of a header: the page number centred (`numbered`), and the draft mark at the right edge."""
    if not page.draft_mark:
        p = ooxml.empty_paragraph(Format(align="center", mark_size=page.number_size), page.font)
        if numbered:
            ooxml.page_number_field(p, page.font, page.number_size)
        return p
    # one line, as without the mark, so the header takes no more room and the pages break as in the final copy
    p = ooxml.empty_paragraph(Format(align="left", mark_size=page.number_size), page.font)
    tabs = ooxml.sub(p.find(qn("w:pPr")), "w:tabs")
    ooxml.sub(tabs, "w:tab", val="center", pos=page.text_width // 2)
    ooxml.sub(tabs, "w:tab", val="right", pos=page.text_width)
    p.find(qn("w:pPr")).find(qn("w:spacing")).addprevious(tabs)  # w:tabs comes before w:spacing
    ooxml.add_run(p, "\t", page.font, page.number_size)
    if numbered:
        ooxml.page_number_field(p, page.font, page.number_size)
    ooxml.add_run(p, "\t" + page.draft_mark, page.font, page.number_size, bold=True)
    return p
