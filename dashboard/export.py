"""The one export writer: tables to XLSX and CSV for meetings, safe to open in Excel.

XLSX: a title row that states what and for which filters, the export date and who exported it; a
bold, frozen header row with Russian titles and an autofilter; column widths that fit; dates as real
dates (ДД.ММ.ГГГГ), percentages as percentages, numbers as numbers, a missing figure as «нет данных».
CSV: UTF-8 with BOM and «;», dates ДД.ММ.ГГГГ, decimal comma: what Russian Excel opens as it is.

Safety (OWASP "CSV injection"): xlsxwriter writes every string as a string, never a formula or link;
in CSV a text cell that starts with = + - @, a tab or a carriage return gets a leading apostrophe
(``warehouse.spreadsheet.neutralize``, which the command line's CSV uses too). Numbers are never
touched, so -5 stays the number -5.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd
import xlsxwriter

from warehouse import russian
from warehouse.labels import COLUMNS
from warehouse.spreadsheet import FORMULA_START, neutralize  # noqa: F401 - the one rule, shared with the CLI

MAX_WIDTH = 60
HEADER_WRAP = 18      # a header longer than this wraps onto more lines
SHEET_NAME_MAX = 31

_TRANSLIT = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                     ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s",
                      "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"], strict=True))


def slug(text: str) -> str:
    """«Дорожная карта» -> «dorozhnaya_karta»: file names that survive any mail client."""
    latin = "".join(_TRANSLIT.get(c, c) for c in text.lower())
    return re.sub(r"[^a-z0-9]+", "_", latin).strip("_") or "tablitsa"


def file_name(what: str, ext: str, year: int | None = None, today: date | None = None) -> str:
    """``dorozhnaya_karta_2025_2026-03-14.xlsx``: what, the reporting year, the export date."""
    today = today or date.today()
    parts = [slug(what)] + ([str(year)] if year else []) + [today.isoformat()]
    return "_".join(parts) + f".{ext}"


def is_pct(column: str) -> bool:
    return column.endswith("_pct") or "_pct_" in column


@dataclass
class Sheet:
    """One table of an export: the frame, the columns to show (in order), and what it is."""

    title: str                       # «Дорожная карта, 2025 год»
    frame: pd.DataFrame
    columns: list[str] | None = None
    name: str | None = None          # the sheet's name (≤ 31 characters); the title by default
    note: str = ""                   # a second line under the title (filters, who exported)
    titles: dict = field(default_factory=dict)   # overrides of the Russian column titles

    def view(self) -> pd.DataFrame:
        return self.frame[self.columns or list(self.frame.columns)]

    def header(self, column: str) -> str:
        return self.titles.get(column) or COLUMNS.get(column, column)


def _kind(s: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(s) or s.dtype == "boolean":
        return "bool"
    if pd.api.types.is_datetime64_any_dtype(s):
        return "datetime"
    if pd.api.types.is_integer_dtype(s):
        return "int"
    if pd.api.types.is_float_dtype(s):
        return "float"
    if s.dtype == object and len(s.dropna()) and all(isinstance(v, (date, datetime)) for v in s.dropna().head(50)):
        return "datetime"
    return "text"


def xlsx(sheets: list[Sheet], images: list[tuple[str, bytes]] | None = None, images_sheet: str = "Диаграммы"
         ) -> bytes:
    """A workbook of one sheet per table, and optionally a sheet of PNG images (title, bytes)."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                     "strings_to_numbers": False, "default_date_format": "dd.mm.yyyy"})
    f_title = book.add_format({"bold": True, "font_size": 13})
    f_note = book.add_format({"italic": True, "font_color": "#555555"})
    f_head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"})
    f_date = book.add_format({"num_format": "dd.mm.yyyy"})
    f_datetime = book.add_format({"num_format": "dd.mm.yyyy hh:mm"})
    f_pct = book.add_format({"num_format": "0.0%"})
    f_int = book.add_format({"num_format": "0"})
    f_float = book.add_format({"num_format": "General"})  # 26 stays 26, 1.25 stays 1,25
    f_missing = book.add_format({"italic": True, "font_color": "#888888"})
    used: set[str] = set()
    for sheet in sheets:
        name = _sheet_name(sheet.name or sheet.title, used)
        ws = book.add_worksheet(name)
        view = sheet.view()
        ws.write_string(0, 0, sheet.title, f_title)
        if sheet.note:
            ws.write_string(1, 0, sheet.note, f_note)
        head_row = 3
        kinds = {c: _kind(view[c]) for c in view.columns}
        header_lines = 1
        for j, col in enumerate(view.columns):
            header = sheet.header(col)
            ws.write_string(head_row, j, header, f_head)
            # Fit the values; a long header wraps instead of widening the column.
            width = min(MAX_WIDTH, max(8, max([min(len(header), HEADER_WRAP)]
                                              + [len(_shown(v, kinds[col])) for v in view[col].head(300)]) + 2))
            ws.set_column(j, j, width)
            header_lines = max(header_lines, -(-len(header) // max(1, int((width - 1) * 0.8))))  # bold is wider
        ws.set_row(head_row, 15 * min(header_lines, 5))
        for i, row in enumerate(view.itertuples(index=False), start=head_row + 1):
            for j, (col, value) in enumerate(zip(view.columns, row, strict=True)):
                kind = kinds[col]
                if value is None or (not isinstance(value, str) and pd.isna(value)):
                    if kind in ("int", "float"):
                        ws.write_string(i, j, russian.NO_DATA, f_missing)
                    continue
                if kind == "datetime":
                    value = pd.Timestamp(value).to_pydatetime()
                    has_time = col.endswith("_at") or col == "current_since"
                    ws.write_datetime(i, j, value, f_datetime if has_time else f_date)
                elif kind == "bool":
                    ws.write_string(i, j, russian.yes_no(value))
                elif kind in ("int", "float"):
                    if is_pct(col):
                        ws.write_number(i, j, float(value) / 100, f_pct)
                    else:
                        ws.write_number(i, j, float(value), f_int if kind == "int" else f_float)
                else:
                    ws.write_string(i, j, str(value))
        last = head_row + len(view)
        ws.freeze_panes(head_row + 1, 0)
        # Printing for a meeting: A4 landscape, one page wide, the header on every page.
        ws.set_paper(9)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(head_row)
        if len(view.columns):
            ws.autofilter(head_row, 0, last, len(view.columns) - 1)
    if images:
        ws = book.add_worksheet(_sheet_name(images_sheet, used))
        row = 0
        for title, png in images:
            ws.write_string(row, 0, title, f_title)
            ws.insert_image(row + 1, 0, f"{slug(title)}.png", {"image_data": io.BytesIO(png), "x_scale": 0.5,
                                                               "y_scale": 0.5})
            row += 32
    book.close()
    return buf.getvalue()


def _sheet_name(text: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", text)[:SHEET_NAME_MAX].strip() or "Лист"
    name, n = base, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name, n = base[:SHEET_NAME_MAX - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


def _shown(value, kind: str) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return russian.NO_DATA if kind in ("int", "float") else ""
    if kind == "datetime":
        return "00.00.0000 00:00"
    return str(value)


def csv_bytes(sheet: Sheet) -> bytes:
    """The table as CSV for Russian Excel: UTF-8 with BOM, «;», ДД.ММ.ГГГГ, decimal comma."""
    view = sheet.view()
    kinds = {c: _kind(view[c]) for c in view.columns}
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralize(sheet.header(c)) for c in view.columns])
    for row in view.itertuples(index=False):
        writer.writerow([_csv_cell(v, kinds[c], c) for c, v in zip(view.columns, row, strict=True)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_cell(value, kind: str, column: str) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if kind == "datetime":
        ts = pd.Timestamp(value)
        return russian.moment(ts) if column.endswith("_at") or column == "current_since" else russian.day(ts)
    if kind == "bool":
        return russian.yes_no(value)
    if kind == "int":
        return str(int(value))
    if kind == "float":
        return russian.short(value)  # 1234567.5 -> «1234567,5», never «1,23457e+06»
    return neutralize(str(value))


def html_table(sheet: Sheet) -> str:
    """A plain HTML table of the sheet, ready to paste into a page of the organization's site."""
    from html import escape

    view = sheet.view()
    kinds = {c: _kind(view[c]) for c in view.columns}
    head = "".join(f"<th>{escape(sheet.header(c))}</th>" for c in view.columns)
    body = []
    for row in view.itertuples(index=False):
        cells = "".join(f"<td>{escape(_csv_cell(v, kinds[c], c).lstrip(chr(39)))}</td>"
                        for c, v in zip(view.columns, row, strict=True))
        body.append(f"    <tr>{cells}</tr>")
    return (f'<table class="mentor-base">\n  <caption>{escape(sheet.title)}</caption>\n'
            f"  <thead><tr>{head}</tr></thead>\n  <tbody>\n" + "\n".join(body) + "\n  </tbody>\n</table>\n")
