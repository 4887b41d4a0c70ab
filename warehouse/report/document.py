"""A Word document in the Russian office conventions, with python-docx (no Word or LibreOffice needed).

- A4 portrait; margins of ГОСТ Р 7.0.97-2016 (п. 5.1): left 30 mm, right 15 mm, top and bottom 20 mm; a
  landscape section is available for a wide appendix table (the standard allows it for tables).
- Times New Roman 14 pt for the text, 12 pt in tables; line spacing 1.15 (within the 1.0–1.5 the
  department uses), a first-line indent of 1.25 cm, justified text; headings bold, not coloured.
- The page number (a PAGE field) centred in the footer of every page.
- Tables: a grid, a bold header row repeated on every page the table runs over (``w:tblHeader``), rows
  never split across pages (``w:cantSplit``).
- Pictures inline, each in its own paragraph and never wider than the text column, so they cannot
  overlap one another or run past the margin.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import datetime

from docx import Document as new_document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

FONT = "Times New Roman"
TEXT_PT = 14
TABLE_PT = 12
LINE_SPACING = 1.15
A4 = (Mm(210), Mm(297))
MARGINS = {"left_margin": Mm(30), "right_margin": Mm(15), "top_margin": Mm(20), "bottom_margin": Mm(20)}
TEXT_WIDTH_MM = 210 - 30 - 15
LANDSCAPE_TEXT_WIDTH_MM = 297 - 30 - 15
CELL_MARGIN_TWIPS = 57          # 1 mm
NBSP = "\u00a0"
_NUMBER = re.compile(r"^[−+-]?[\d ]+(,\d+)?( %| п\. п\.)?$")


def _font(run_or_style_font, size: int | None = None) -> None:
    run_or_style_font.name = FONT
    if size:
        run_or_style_font.size = Pt(size)


def _rfonts(element) -> None:
    """Times New Roman for Cyrillic and every other script: python-docx's ``font.name`` sets only the
    ASCII and high-ANSI slots, and Word takes Cyrillic from ``w:cs``/``w:eastAsia`` in some locales."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(slot), FONT)
    # the default template's headings name theme fonts (Calibri Light), which win over the names above
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(theme), None)


class Report:
    """A document being written: paragraphs, headings, tables, pictures; :meth:`save` gives the bytes."""

    def __init__(self, title: str, author: str, created: datetime):
        self.doc = new_document()
        props = self.doc.core_properties
        props.title, props.author, props.created, props.language = title, author, created, "ru-RU"
        self._styles()
        # Word hyphenates Russian text itself when asked to (narrow table columns need it most); the
        # element's place in settings.xml is fixed by the schema: right after w:defaultTabStop.
        hyphenation = OxmlElement("w:autoHyphenation")
        hyphenation.set(qn("w:val"), "true")
        self.doc.settings.element.find(qn("w:defaultTabStop")).addnext(hyphenation)
        self._page(self.doc.sections[0], landscape=False)
        self.text_width_mm = TEXT_WIDTH_MM

    # -- set-up ---------------------------------------------------------------------------------------
    def _styles(self) -> None:
        styles = self.doc.styles
        normal = styles["Normal"]
        _font(normal.font, TEXT_PT)
        _rfonts(normal.element)
        pf = normal.paragraph_format
        pf.line_spacing = LINE_SPACING
        pf.space_before, pf.space_after = Pt(0), Pt(0)
        for name, size in (("Title", TEXT_PT), ("Heading 1", TEXT_PT), ("Heading 2", TEXT_PT)):
            style = styles[name]
            _font(style.font, size)
            _rfonts(style.element)
            style.font.bold = True
            style.font.italic = False
            style.font.color.rgb = RGBColor(0, 0, 0)
            style.paragraph_format.space_before = Pt(12)
            style.paragraph_format.space_after = Pt(6)
            style.paragraph_format.keep_with_next = True
            style.paragraph_format.first_line_indent = Cm(0)
        styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        # the Title style of the default template draws a coloured line under it
        pbdr = styles["Title"].element.pPr.find(qn("w:pBdr")) if styles["Title"].element.pPr is not None else None
        if pbdr is not None:
            pbdr.getparent().remove(pbdr)
        for name in ("List Bullet", "List Number"):
            _font(styles[name].font, TEXT_PT)
            _rfonts(styles[name].element)

    def _page(self, section, *, landscape: bool) -> None:
        width, height = A4
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (height, width) if landscape else (width, height)
        for attr, value in MARGINS.items():
            setattr(section, attr, value)
        section.footer_distance = Mm(10)
        footer = section.footer
        footer.is_linked_to_previous = False
        para = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        para.text = ""
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _page_field(para)

    def landscape_section(self) -> None:
        """Start a new page in landscape (a wide appendix table)."""
        self._page(self.doc.add_section(WD_SECTION.NEW_PAGE), landscape=True)
        self.text_width_mm = LANDSCAPE_TEXT_WIDTH_MM

    # -- content --------------------------------------------------------------------------------------
    def title(self, text: str) -> None:
        self.doc.add_paragraph(text, style="Title")

    def heading(self, text: str, level: int = 1, *, new_page: bool = False) -> None:
        self.doc.add_heading(text, level=level).paragraph_format.page_break_before = new_page

    def paragraph(self, text: str = "", *, bold: bool = False, center: bool = False, indent: bool = True,
                  size: int | None = None, color: RGBColor | None = None, space_after: int = 0):
        para = self.doc.add_paragraph()
        fmt = para.paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER if center else WD_ALIGN_PARAGRAPH.JUSTIFY
        fmt.first_line_indent = Cm(1.25) if indent and not center else Cm(0)
        fmt.space_after = Pt(space_after)
        if text:
            run = para.add_run(text)
            run.bold = bold
            if size:
                run.font.size = Pt(size)
            if color is not None:
                run.font.color.rgb = color
        return para

    def bullet(self, text: str, *, lead: str | None = None) -> None:
        """A list item; ``lead`` is written bold before the text (an organization's name)."""
        para = self.doc.add_paragraph(style="List Bullet")
        para.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if lead:
            para.add_run(lead).bold = True
            para.add_run(" — ")
        para.add_run(text)

    def caption(self, text: str) -> None:
        """A caption under a picture or above a table («Рисунок 1 — …», «Таблица 1 — …»)."""
        para = self.paragraph(text, indent=False, size=TABLE_PT)
        para.paragraph_format.keep_with_next = text.startswith("Таблица")
        para.paragraph_format.space_after = Pt(6)
        para.paragraph_format.space_before = Pt(6)

    def picture(self, png: bytes, width_mm: float = TEXT_WIDTH_MM) -> None:
        para = self.doc.add_paragraph()
        para.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        para.paragraph_format.first_line_indent = Cm(0)
        para.paragraph_format.keep_with_next = True
        shape = para.add_run().add_picture(io.BytesIO(png), width=Mm(min(width_mm, self.text_width_mm)))
        # Without explicit wrap distances LibreOffice adds its default 3.2 mm on each side, which pushes a
        # picture as wide as the text column past the right margin.
        for side in ("distT", "distB", "distL", "distR"):
            shape._inline.set(side, "0")

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str] | str], widths_mm: Sequence[float],
              *, numeric_from: int = 1, bold_first_column: bool = False) -> None:
        """A table with a repeated bold header; columns from ``numeric_from`` on are right-aligned; a row
        given as one string is a group row across the table (the type of the organizations below it)."""
        table = self.doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for i, text in enumerate(header):
            cell = table.rows[0].cells[i]
            _cell_text(cell, text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        _row_flags(table.rows[0], header=True)
        for values in rows:
            row = table.add_row()
            _row_flags(row, header=False)
            if isinstance(values, str):     # a group row: one bold cell across the table
                cell = row.cells[0].merge(row.cells[-1])
                _cell_text(cell, values, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT)
                _keep_with_next(cell)
                continue
            for i, text in enumerate(values):
                align = WD_ALIGN_PARAGRAPH.RIGHT if i >= numeric_from else WD_ALIGN_PARAGRAPH.LEFT
                _cell_text(row.cells[i], text, bold=bold_first_column and i == 0, align=align)
        _widths(table, widths_mm)
        # a little space after the table before the next paragraph
        self.doc.add_paragraph().paragraph_format.space_after = Pt(0)

    def save(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def _cell_text(cell, text: str, *, bold: bool, align) -> None:
    para = cell.paragraphs[0]
    fmt = para.paragraph_format
    fmt.alignment = align
    fmt.first_line_indent = Cm(0)
    fmt.line_spacing = 1.0
    if _NUMBER.match(text):   # «1 258», «54,5 %», «+3,2 п. п.» never break inside a narrow cell
        text = text.replace(" ", NBSP)
    run = para.add_run(text)
    run.bold = bold
    run.font.size = Pt(TABLE_PT)


def _widths(table, widths_mm: Sequence[float]) -> None:
    """Fixed column widths: in the grid (``w:gridCol``, what LibreOffice reads), on every cell (``w:tcW``,
    what Word reads) and a fixed layout, so that neither program re-balances the columns; cell margins of
    1 mm instead of the template's 1.9 mm, so that «31.12.2026» and «100,0 %» fit narrow columns."""
    tbl = table._tbl
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl.tblPr.append(layout)
    margins = OxmlElement("w:tblCellMar")
    for side in ("w:left", "w:right"):
        el = OxmlElement(side)
        el.set(qn("w:w"), str(CELL_MARGIN_TWIPS))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    tbl.tblPr.append(margins)
    for col, width in zip(tbl.tblGrid.gridCol_lst, widths_mm, strict=True):
        col.w = Mm(width)
    for i, width in enumerate(widths_mm):
        for cell in table.columns[i].cells:
            cell.width = Mm(width)


def _keep_with_next(cell) -> None:
    for para in cell.paragraphs:
        para.paragraph_format.keep_with_next = True


def _row_flags(row, *, header: bool) -> None:
    """``w:cantSplit`` on every row; ``w:tblHeader`` on the header row, which Word and LibreOffice then
    repeat at the top of every page the table continues on."""
    tr_pr = row._tr.get_or_add_trPr()
    flags = ("w:cantSplit", "w:tblHeader") if header else ("w:cantSplit",)
    for tag in flags:
        el = OxmlElement(tag)
        el.set(qn("w:val"), "true")
        tr_pr.append(el)


def _page_field(paragraph) -> None:
    """A PAGE field: Word and LibreOffice write the page's number in its place."""
    run = paragraph.add_run()
    _font(run.font, TABLE_PT)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == " PAGE ":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)
