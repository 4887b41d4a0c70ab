"""The one export writer: tables and charts to XLSX, tables to CSV and HTML, safe to open in Excel.

XLSX (:func:`xlsx`): a title row that states what and for which filters, the export date and who
exported it; a bold, frozen header row with Russian titles and an autofilter; column widths that fit,
long texts wrapped in rows as tall as their lines; dates as real dates (ДД.ММ.ГГГГ), percentages as
percentages, counts with digit groups, a missing figure as «нет данных» set apart from its neighbour;
status colours as conditional formats (:attr:`Sheet.colours`); a :class:`Chart` is a native Excel chart
on an A4 landscape sheet of its own, fitted to one page, above the table it draws. Every sheet prints
A4 landscape, one page wide.
CSV: UTF-8 with BOM and «;», dates ДД.ММ.ГГГГ, decimal comma, never an exponent: what Russian Excel
opens as it is. HTML: a fragment for a site's editor (:func:`html_table`) or a complete page
(:func:`html_page`), every text escaped.

Safety (OWASP "CSV injection"): xlsxwriter writes every string as a string, never a formula or link;
in CSV a text cell that starts with = + - @, a tab or a carriage return gets a leading apostrophe
(``warehouse.spreadsheet.neutralize``, which the command line's CSV uses too). Numbers are never
touched, so -5 stays the number -5.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from html import escape

import pandas as pd
import xlsxwriter

from warehouse import russian
from warehouse.labels import COLUMNS
from warehouse.spreadsheet import FORMULA_START, neutralize  # noqa: F401 - the one rule, shared with the CLI

MAX_WIDTH = 60
HEADER_WRAP = 18      # a header longer than this wraps onto more lines
SHEET_NAME_MAX = 31
PLAIN_NUMBERS = {"year", "item", "version", "upload_id", "row_no"}   # numbers that are names: no digit groups

_TRANSLIT = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                     ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s",
                      "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"], strict=True))


def slug(text: str) -> str:
    """«Дорожная карта» -> «dorozhnaya_karta»: file names that survive any mail client."""
    latin = "".join(_TRANSLIT.get(c, c) for c in text.lower())
    return re.sub(r"[^a-z0-9]+", "_", latin).strip("_") or "tablitsa"


def file_name(what: str, ext: str, year: int | None = None, today: date | None = None, scope: str | None = None
              ) -> str:
    """``dorozhnaya_karta_sosh_1_2025_2026-03-14.xlsx``: what, for whom (``scope``: the organization, the
    municipality or type, «все организации»), the reporting year, the export date. Two exports with
    different filters get different names, so that a folder of exports reads without opening them."""
    today = today or date.today()
    parts = [slug(what)] + ([slug(scope)] if scope else []) + ([str(year)] if year else []) + [today.isoformat()]
    return "_".join(parts) + f".{ext}"


def is_pct(column: str) -> bool:
    return column.endswith("_pct") or "_pct_" in column


@dataclass
class Sheet:
    """One table of an export: the frame, the columns to show (in order), and what it is."""

    title: str                       # «Дорожная карта: 2025 год, СОШ № 1» — what and for which filters
    frame: pd.DataFrame
    columns: list[str] | None = None
    name: str | None = None          # the sheet's name (≤ 31 characters); the title by default
    note: str = ""                   # a second line under the title (filters, who exported)
    titles: dict = field(default_factory=dict)   # overrides of the Russian column titles
    # A cell's exact text -> its fill colour («просрочено» -> red), written as conditional formats over the
    # table, so that the colour follows the text when someone edits or sorts the sheet in Excel.
    colours: Mapping[str, str] = field(default_factory=dict)
    one_page: bool = False           # printed on one page (a summary), not one page wide and as long as it is

    def view(self) -> pd.DataFrame:
        return self.frame[self.columns or list(self.frame.columns)]

    def header(self, column: str) -> str:
        return self.titles.get(column) or COLUMNS.get(column, column)


@dataclass
class Chart:
    """A native Excel chart (xlsxwriter's ``add_chart``) of a table, on a sheet of its own: the chart on
    top, the table it draws under it, A4 landscape fitted to one page. The table's first column holds
    the categories, each other column a series; ``colours`` are the series' fills, in order."""

    table: Sheet
    kind: str = "bar"                # "bar": horizontal bars (long category names read well); "column"
    stacked: bool = False
    colours: Sequence[str] = ()
    value_title: str = ""            # the value axis' title
    labels: bool = False             # the values written on the bars
    value_max: float | None = None   # the value axis' end (stacked counts of organizations: how many there are)
    point_colours: Sequence[str] = ()   # one series: each bar's fill, in the table's order (a band's colour)


A4 = 9
CHART_WIDTH = 1000       # px: an A4 landscape page's printable width at 96 dpi, less the margins
ROW_PX = 20              # xlsxwriter's default row height (15 pt)
BAR_PX = 24              # px per category of a bar chart
GRID = "#BFBFBF"


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


class _Formats:
    """The workbook's cell formats, made once per combination: every table cell has a thin grey border
    and sits at the top, so that a printed table reads as a grid and «нет данных» never touches the
    neighbouring number."""

    def __init__(self, book: xlsxwriter.Workbook):
        self.book = book
        self._made: dict[tuple, object] = {}
        self.title = book.add_format({"bold": True, "font_size": 13})
        self.note = book.add_format({"italic": True, "font_color": "#555555"})
        self.head = self.cell(bold=True, bg_color="#DDEBF7", text_wrap=True)

    def cell(self, **props):
        key = tuple(sorted(props.items()))
        if key not in self._made:
            self._made[key] = self.book.add_format({"border": 1, "border_color": GRID, "valign": "top", **props})
        return self._made[key]

    def number(self, value: float, column: str):
        """Digit groups («1 258» in a Russian Excel: the file stores the locale-neutral «#,##0»), as many
        decimals as the value has, up to two; numbers that are names (a year, an item) without groups."""
        if column in PLAIN_NUMBERS:
            return self.cell(num_format="0")
        if float(value).is_integer():
            return self.cell(num_format="#,##0")
        return self.cell(num_format="#,##0.0" if round(value, 1) == value else "#,##0.00")

    def missing(self):
        # Right-aligned with an indent, like the numbers around it: never «28нет данных».
        return self.cell(italic=True, font_color="#888888", align="right", indent=1)


def xlsx(sheets: list[Sheet | Chart]) -> bytes:
    """A workbook of one sheet per table or chart, in the order given, each printing on A4 landscape."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                     "strings_to_numbers": False, "default_date_format": "dd.mm.yyyy"})
    formats = _Formats(book)
    used: set[str] = set()
    for item in sheets:
        sheet = item.table if isinstance(item, Chart) else item
        ws = book.add_worksheet(_sheet_name(sheet.name or sheet.title, used))
        ws.write_string(0, 0, sheet.title, formats.title)
        if sheet.note:
            ws.write_string(1, 0, sheet.note, formats.note)
        ws.set_paper(A4)
        ws.set_landscape()
        ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
        if isinstance(item, Chart):
            _chart_sheet(book, ws, item, formats)
            continue
        head_row = 3
        last = _table(ws, sheet, head_row, formats)
        ws.freeze_panes(head_row + 1, 0)
        # Printing for a meeting: one page wide, the header on every page.
        ws.fit_to_pages(1, 1 if sheet.one_page else 0)
        ws.repeat_rows(head_row)
        if len(sheet.view().columns):
            ws.autofilter(head_row, 0, last, len(sheet.view().columns) - 1)
    book.close()
    return buf.getvalue()


def _table(ws, sheet: Sheet, head_row: int, formats: _Formats) -> int:
    """Write the sheet's table with its header at ``head_row``; return the last row written."""
    view = sheet.view()
    kinds = {c: _kind(view[c]) for c in view.columns}
    # Fit the values; a long header wraps instead of widening the column, a long text wraps at MAX_WIDTH.
    widths = [min(MAX_WIDTH, max(8, max([min(len(sheet.header(c)), HEADER_WRAP)]
                                        + [len(_shown(v, kinds[c])) for v in view[c].head(300)]) + 2))
              for c in view.columns]
    header_lines = 1
    for j, (col, width) in enumerate(zip(view.columns, widths, strict=True)):
        header = sheet.header(col)
        ws.write_string(head_row, j, header, formats.head)
        ws.set_column(j, j, width)
        header_lines = max(header_lines, -(-len(header) // max(1, int((width - 1) * 0.8))))  # bold is wider
    ws.set_row(head_row, 15 * min(header_lines, 8))
    texts = [j for j, c in enumerate(view.columns) if kinds[c] == "text"]
    f_text, f_missing = formats.cell(text_wrap=True), formats.missing()
    f_date, f_datetime = formats.cell(num_format="dd.mm.yyyy"), formats.cell(num_format="dd.mm.yyyy hh:mm")
    f_pct, f_empty = formats.cell(num_format="0.0%"), formats.cell()
    for i, row in enumerate(view.itertuples(index=False), start=head_row + 1):
        # A text longer than its column wraps; the row is made as tall as its lines, because LibreOffice
        # keeps the file's row height and would print the wrapped lines over the next row.
        lines = max([_lines(row[j], widths[j]) for j in texts] or [1])
        if lines > 1:
            ws.set_row(i, 15 * min(lines, 20))
        for j, (col, value) in enumerate(zip(view.columns, row, strict=True)):
            kind = kinds[col]
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                if kind in ("int", "float"):
                    ws.write_string(i, j, russian.NO_DATA, f_missing)
                else:
                    ws.write_blank(i, j, None, f_empty)
                continue
            if kind == "datetime":
                value = pd.Timestamp(value).to_pydatetime()
                has_time = col.endswith("_at") or col == "current_since"
                ws.write_datetime(i, j, value, f_datetime if has_time else f_date)
            elif kind == "bool":
                ws.write_string(i, j, russian.yes_no(value), f_text)
            elif kind in ("int", "float"):
                if is_pct(col):
                    ws.write_number(i, j, float(value) / 100, f_pct)
                else:
                    ws.write_number(i, j, float(value), formats.number(float(value), col))
            else:
                ws.write_string(i, j, str(value), f_text)
    last = head_row + len(view)
    if len(view) and len(view.columns):
        for text, colour in sheet.colours.items():
            ws.conditional_format(head_row + 1, 0, last, len(view.columns) - 1, {
                "type": "cell", "criteria": "equal to", "value": f'"{text}"',
                "format": formats.book.add_format({"bg_color": colour, "font_color": _ink(colour)})})
    return last


def _lines(value, width: float) -> int:
    """How many lines a text takes in a wrapped column of ``width`` characters (an estimate by length)."""
    if not isinstance(value, str) or not value:
        return 1
    per_line = max(1, int(width) - 2)     # the column is as wide as its text plus 2
    return sum(max(1, -(-len(part) // per_line)) for part in value.split("\n"))


def _ink(fill: str) -> str:
    """Black or white text, whichever reads on ``fill`` (#rrggbb), by its relative luminance."""
    r, g, b = (int(fill[k:k + 2], 16) / 255 for k in (1, 3, 5))
    return "#000000" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.5 else "#FFFFFF"


def _chart_sheet(book, ws, spec: Chart, formats: _Formats) -> None:
    """The chart at the top of its sheet and its table under it, fitted to one A4 landscape page."""
    sheet = spec.table
    view = sheet.view()
    n = len(view)
    height = max(320, min(1400, BAR_PX * n * (1 if spec.stacked else max(1, len(view.columns) - 1)) + 160)) \
        if spec.kind == "bar" else 480
    head_row = 3 + -(-height // ROW_PX) + 1
    last = _table(ws, sheet, head_row, formats)
    ws.fit_to_pages(1, 1)
    if not n:
        return
    chart = book.add_chart({"type": spec.kind, **({"subtype": "stacked"} if spec.stacked else {})})
    name = ws.get_name()
    for j, col in enumerate(view.columns[1:], start=1):
        series = {"name": [name, head_row, j], "categories": [name, head_row + 1, 0, last, 0],
                  "values": [name, head_row + 1, j, last, j], "gap": 60}
        if spec.colours:
            colour = spec.colours[(j - 1) % len(spec.colours)]
            series |= {"fill": {"color": colour}, "border": {"color": "#FFFFFF" if spec.stacked else colour}}
        if spec.point_colours and j == 1:
            series["points"] = [{"fill": {"color": c}, "border": {"color": c}} for c in spec.point_colours]
        if spec.labels:
            series["data_labels"] = {"value": True, **({"num_format": "0.0%"} if is_pct(col) else {})}
        if spec.stacked:
            series["overlap"] = 100
        chart.add_series(series)
    percent = all(is_pct(c) for c in view.columns[1:])
    value_axis = {"name": spec.value_title, "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}},
                  "num_format": "0%" if percent else "#,##0", "min": 0}
    if percent or spec.value_max:
        value_axis["max"] = 1 if percent else spec.value_max
    if spec.value_max and not percent:
        # Whole steps (1, 2, 5, 10, 20, ...), at most ten: a count of organizations never reads «0 1 1».
        value_axis["major_unit"] = next(step for k in range(12) for step in (10 ** k, 2 * 10 ** k, 5 * 10 ** k)
                                        if spec.value_max / step <= 10)
    category_axis = {"num_font": {"size": 9}}
    if spec.kind == "bar":
        # A bar chart's y axis holds the categories; reversed, the first row of the table is the top bar,
        # and the value axis stays at the bottom.
        chart.set_x_axis(value_axis)
        chart.set_y_axis(category_axis | {"reverse": True, "crossing": "max"})
    else:
        chart.set_x_axis(category_axis)
        chart.set_y_axis(value_axis)
    chart.set_title({"none": True})   # the sheet's first row is the title, with the filters
    chart.set_legend({"position": "bottom"} if len(view.columns) > 2 else {"none": True})
    chart.set_size({"width": CHART_WIDTH, "height": height})
    ws.insert_chart(3, 0, chart, {"object_position": 3})   # sized in pixels, whatever the columns' widths


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
    if kind in ("int", "float"):
        return russian.decimal(value, 2)     # as wide as the grouped number Excel shows
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


def html_table(sheet: Sheet, footnote: str = "") -> str:
    """The table as an HTML fragment to paste into the site's editor: a caption, the table, a footnote
    (who is not shown and why). No styles of its own, so that it takes the site's; every value escaped."""
    view = sheet.view()
    kinds = {c: _kind(view[c]) for c in view.columns}
    head = "".join(f"<th>{escape(sheet.header(c))}</th>" for c in view.columns)
    body = []
    for row in view.itertuples(index=False):
        cells = "".join(f"<td>{escape(_csv_cell(v, kinds[c], c).lstrip(chr(39)))}</td>"
                        for c, v in zip(view.columns, row, strict=True))
        body.append(f"    <tr>{cells}</tr>")
    note = f'\n<p class="mentor-base-note">{escape(footnote)}</p>' if footnote else ""
    return (f'<table class="mentor-base">\n  <caption>{escape(sheet.title)}</caption>\n'
            f"  <thead><tr>{head}</tr></thead>\n  <tbody>\n" + "\n".join(body) + "\n  </tbody>\n</table>"
            + note + "\n")


PAGE_CSS = """
body { font-family: "PT Sans", Arial, sans-serif; font-size: 16px; line-height: 1.4; color: #1a1a1a;
       margin: 0 auto; padding: 24px; max-width: 1200px; }
h1 { font-size: 24px; margin: 0 0 4px; }
.organization { font-size: 18px; margin: 0 0 4px; }
.updated, .mentor-base-note { color: #555; margin: 0 0 16px; }
table.mentor-base { border-collapse: collapse; width: 100%; }
table.mentor-base caption { text-align: left; font-weight: bold; padding: 8px 0; }
table.mentor-base th, table.mentor-base td { border: 1px solid #bfbfbf; padding: 6px 8px; text-align: left;
                                              vertical-align: top; }
table.mentor-base th { background: #ddebf7; }
table.mentor-base tbody tr:nth-child(even) { background: #f6f8fa; }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  body { font-size: 11pt; padding: 0; max-width: none; }
  table.mentor-base thead { display: table-header-group; }
  table.mentor-base tr { page-break-inside: avoid; }
  table.mentor-base tbody tr:nth-child(even) { background: none; }
}
"""


def html_page(sheet: Sheet, *, heading: str, organization: str, updated: str, footnote: str = "") -> str:
    """A complete page to publish as it is: UTF-8, the organization, the date of the update, the table
    (:func:`html_table`) and print styles. Every text is escaped: a name from a file is never markup."""
    return ("<!DOCTYPE html>\n<html lang=\"ru\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{escape(heading)}</title>\n<style>{PAGE_CSS}</style>\n</head>\n<body>\n"
            f"<h1>{escape(heading)}</h1>\n<p class=\"organization\">{escape(organization)}</p>\n"
            f"<p class=\"updated\">{escape(updated)}</p>\n" + html_table(sheet, footnote) + "</body>\n</html>\n")
