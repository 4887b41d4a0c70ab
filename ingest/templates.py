"""Empty templates of each dataset, with Russian headers and one example row, as CSV or XLSX.

The roadmap template lists the 11 items of the order, each «не начато», because a coordinator
fills one row per item and should not have to type the numbers; every other template carries one
example row to overwrite. CSV is UTF-8 with BOM and «;», which Russian Excel opens as it is.
"""

from __future__ import annotations

import csv
import io

import xlsxwriter

from ingest.schemas import DATASETS, Dataset
from ingest.schemas.base import ENUM, INT

ROADMAP_ITEMS = range(1, 12)


def example_rows(ds: Dataset) -> list[list[str]]:
    if ds.name == "roadmap":
        return [[str(i), "не начато", "", "", ""] for i in ROADMAP_ITEMS]
    return [[f.example for f in ds.fields]]


def template_csv(name: str) -> bytes:
    ds = DATASETS[name]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([f.title for f in ds.fields])
    writer.writerows(example_rows(ds))
    return out.getvalue().encode("utf-8-sig")


def template_xlsx(name: str) -> bytes:
    """A workbook: the data sheet (bold header, required columns marked, drop-down lists for allowed
    values) and a sheet «Пояснения» that says what each column expects."""
    ds = DATASETS[name]
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                     "strings_to_numbers": False})
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"})
    head_req = book.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1, "text_wrap": True,
                                "valign": "top"})
    text = book.add_format({"num_format": "@"})
    sheet = book.add_worksheet(ds.title[:31])
    for col, f in enumerate(ds.fields):
        sheet.write_string(0, col, f.title, head_req if f.required else head)
        sheet.set_column(col, col, max(14, min(45, len(f.title) + 4, max(len(f.example), 10) + 2)),
                         None if f.kind in (INT,) else text)
        sheet.write_comment(0, col, ("Обязательный столбец. " if f.required else "") + f"Ожидается: {f.expected}."
                            + (f" {f.note}." if f.note else ""))
        if f.kind == ENUM and len(",".join(f.choices)) < 255:
            sheet.data_validation(1, col, 5000, col, {"validate": "list", "source": list(f.choices),
                                                      "error_message": f.expected[:255]})
    for r, row in enumerate(example_rows(ds), start=1):
        for col, (f, value) in enumerate(zip(ds.fields, row, strict=True)):
            if value == "":
                continue
            if f.kind == INT:
                sheet.write_number(r, col, int(value))
            else:
                # Dates stay text ДД.ММ.ГГГГ: the reader takes both, and text survives any locale.
                sheet.write_string(r, col, value)
    sheet.freeze_panes(1, 0)
    notes = book.add_worksheet("Пояснения")
    notes.set_column(0, 0, 32)
    notes.set_column(1, 1, 14)
    notes.set_column(2, 2, 90)
    bold = book.add_format({"bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    notes.write_string(0, 0, f"Набор «{ds.title}»: {ds.grain}.", bold)
    notes.write_string(1, 0, "Заполняйте первый лист начиная со строки 2; заголовок не меняйте. "
                             "Даты — ДД.ММ.ГГГГ, да/нет — словами.")
    for c, title in enumerate(("Столбец", "Обязательный", "Что ожидается")):
        notes.write_string(3, c, title, bold)
    for r, f in enumerate(ds.fields, start=4):
        notes.write_string(r, 0, f.title, wrap)
        notes.write_string(r, 1, "да" if f.required else "нет", wrap)
        notes.write_string(r, 2, f.expected + (f"; {f.note}" if f.note else ""), wrap)
    book.close()
    return buf.getvalue()


def template(name: str, fmt: str = "xlsx") -> bytes:
    return template_xlsx(name) if fmt == "xlsx" else template_csv(name)


def template_file_name(name: str, fmt: str) -> str:
    return f"shablon_{name}.{fmt}"


__all__ = ["template", "template_csv", "template_file_name", "template_xlsx"]
