"""Hostile files (issue 15, "Files"): each is refused, or read, with a Russian message, in bounded memory
and time — the reader must not trust what a file declares about itself.

Every file is generated here (none is committed: the zip bomb inflates to 240 MB). Each read runs in a
fresh Python process that reports its own peak memory (max RSS) and time, so a regression shows as a
number over the bound rather than as a machine swapping. Before the checks, the 1.7 KB dimension bomb
took openpyxl to 3.5 GB and a MemoryError; python-calamine, which ignores ``<dimension>``, aborts the
whole process on two real cells at A1 and XFD1048576 (it asks for 512 GiB at once).
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from ingest.reader import MAX_COLUMNS

# A fresh process importing ingest (pandas, pyarrow, pandera, duckdb, calamine) holds ~140 MB; a read
# of a small hostile file may add a few tens. The bomb before the fix needed 3.5 GB.
PEAK_MB = 400
SECONDS = 30   # wall time of the whole subprocess, imports included, on a shared two-core machine

HEADER = "ID педагога;Должность;Возраст;Стаж в ОО;Педагогический стаж;Квалификационная категория;Затруднения;Новый сотрудник"

_READ = """
import json, sys, time
from ingest.errors import UploadError
from ingest.reader import read_table
from ingest.schemas import DATASETS
data = open(sys.argv[1], "rb").read()
t = time.perf_counter()
try:
    table = read_table(data, DATASETS["staff"])
    out = {"rows": table.n_rows, "issues": [[i.severity, i.problem, i.row, i.value] for i in table.issues]}
except UploadError as exc:
    out = {"code": exc.code, "message": exc.message}
out["seconds"] = time.perf_counter() - t
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forked parent (pytest) across exec.
out["peak_mb"] = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:")) / 1024
print(json.dumps(out, ensure_ascii=False))
"""


def read_in_subprocess(path: Path) -> dict:
    """``read_table`` of the file in a fresh process: its outcome, seconds and peak RSS in MB."""
    done = subprocess.run([sys.executable, "-c", _READ, str(path)], capture_output=True, text=True,
                          timeout=SECONDS, check=False)
    assert done.returncode == 0, done.stderr[-2000:]   # a Rust abort or a traceback is the failure
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["peak_mb"] < PEAK_MB, out
    return out


# ---------------------------------------------------------------------------------------------
# XLSX written by hand, part by part (as an attacker would)

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Педагоги" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
_SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
               '<dimension ref="{dimension}"/><sheetData>')
_SHEET_TAIL = "</sheetData></worksheet>"
_HEADER_ROW = ('<row r="1"><c r="A1" t="inlineStr"><is><t>ID педагога</t></is></c>'
               '<c r="B1" t="inlineStr"><is><t>Должность</t></is></c></row>')


def write_book(path: Path, rows_xml: str | None = None, *, dimension: str = "A1:B2", sheet_chunks=None) -> Path:
    """An XLSX of one sheet «Педагоги» whose sheetData is ``rows_xml`` (or streamed from ``sheet_chunks``)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(_SHEET_HEAD.format(dimension=dimension).encode())
            for chunk in (sheet_chunks or [rows_xml.encode()]):
                sheet.write(chunk)
            sheet.write(_SHEET_TAIL.encode())
    return path


def test_the_dimension_bomb_is_refused_by_its_real_cells(tmp_path):
    # <dimension ref="A1:XFD1048576"/> and a real cell in the last row and column: 1.7 KB.
    path = write_book(tmp_path / "bomb.xlsx", _HEADER_ROW + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
                      dimension="A1:XFD1048576")
    assert path.stat().st_size < 2048
    out = read_in_subprocess(path)
    assert out["code"] == "unreadable-file"
    assert f"заполнены столбцы дальше {MAX_COLUMNS}-го (до XFD)" in out["message"]
    assert "Удалите лишние столбцы" in out["message"]


def test_a_cell_a_million_rows_down_is_refused(tmp_path):
    # One column wide but a million rows tall: within Excel's limits, far beyond this sheet's real size.
    path = write_book(tmp_path / "tall.xlsx", _HEADER_ROW + '<row r="1048576"><c r="A1048576"><v>1</v></c></row>',
                      dimension="A1:XFD1048576")
    out = read_in_subprocess(path)
    assert out["code"] == "unreadable-file"
    assert "разбросаны до строки 1 048 576" in out["message"]


def test_a_declared_dimension_alone_is_not_trusted_either_way(tmp_path):
    # The same declaration over two real rows: the sheet is read as the two rows it holds.
    path = write_book(tmp_path / "declared.xlsx", _HEADER_ROW + '<row r="2"><c r="A2" t="inlineStr"><is><t>П-1</t>'
                      '</is></c><c r="B2" t="inlineStr"><is><t>учитель</t></is></c></row>', dimension="A1:XFD1048576")
    out = read_in_subprocess(path)
    assert out["rows"] == 1


@pytest.mark.parametrize("form", ['<c r = "XFD5">', "<c r='XFD5'>", '<c\nr="XFD5">', '<c r="XFD0005">'])
def test_addresses_written_to_escape_the_count_are_refused(tmp_path, form):
    # python-calamine takes these forms too; no spreadsheet program writes them.
    path = write_book(tmp_path / "odd.xlsx", _HEADER_ROW + f'<row r="5">{form}<v>1</v></c></row>')
    out = read_in_subprocess(path)
    assert out["code"] == "unreadable-file"
    assert "записан не так, как его записывают Excel и LibreOffice" in out["message"]


def test_cells_without_addresses_count_towards_the_width(tmp_path):
    # A cell without «r» takes the place after the previous one: 300 of them make 300 columns.
    path = write_book(tmp_path / "implicit.xlsx", _HEADER_ROW + "<row>" + "<c><v>1</v></c>" * 300 + "</row>")
    out = read_in_subprocess(path)
    assert out["code"] == "unreadable-file" and "дальше 200-го" in out["message"]


def test_tags_cut_by_a_chunk_border_are_counted_once():
    # The check reads the sheet's XML in chunks, each with the last bytes of the one before: a tag cut
    # by the border must be counted once, wherever the border falls, or cells without «r» escape it.
    from ingest.reader import _tag_counts

    xml = b'<row><c><v>1</v></c><x:c t="n"><v>2</v></x:c><x:c><v>3</v></x:c></row><x:row r="2"/>' * 3
    whole = _tag_counts(xml, 0)
    assert whole == (15, 6)   # «:c>» also matches the closing «</x:c>»: a bound, not a tally
    for border in range(1, len(xml)):
        first, second = xml[:border], xml[border:]
        tail = first[-32:]
        a, b = _tag_counts(first, 0), _tag_counts(tail + second, len(tail))
        assert (a[0] + b[0], a[1] + b[1]) == whole, border


def _bomb_chunks(megabytes: int):
    # Rows of the same cell again and again: deflate shrinks them ~1000 times.
    row = ('<row><c t="inlineStr"><is><t>П-1</t></is></c></row>' * 20_000).encode()
    per = len(row)
    for _ in range(megabytes * 2**20 // per):
        yield row


def test_the_zip_bomb_is_refused_before_it_is_inflated(tmp_path):
    path = write_book(tmp_path / "zipbomb.xlsx", sheet_chunks=_bomb_chunks(240))
    assert path.stat().st_size < 2**20        # under a megabyte, 240 MB of sheet XML inside
    out = read_in_subprocess(path)
    assert out["code"] == "unreadable-file"
    assert "Книга Excel слишком велика в распакованном виде" in out["message"]
    assert out["seconds"] < 5


def _lie_about_size(data: bytes, name: bytes, size: int) -> bytes:
    """The zip with the uncompressed size of member ``name`` declared as ``size`` in both its headers
    (a zip64 member keeps its real size in an extra field; this file is small enough not to need one)."""
    out = bytearray(data)
    local = out.find(b"PK\x03\x04")
    while local != -1:
        name_len = struct.unpack_from("<H", out, local + 26)[0]
        if out[local + 30: local + 30 + name_len] == name:
            struct.pack_into("<I", out, local + 22, size)
        local = out.find(b"PK\x03\x04", local + 4)
    central = out.find(b"PK\x01\x02")
    while central != -1:
        name_len = struct.unpack_from("<H", out, central + 28)[0]
        if out[central + 46: central + 46 + name_len] == name:
            struct.pack_into("<I", out, central + 24, size)
        central = out.find(b"PK\x01\x02", central + 4)
    return bytes(out)


def test_a_part_larger_than_the_zip_declares_is_refused(tmp_path):
    # 60 MB of sheet XML declared as 2 KB: zipfile would stop at the declared size, an engine might not.
    plain = tmp_path / "plain.xlsx"
    with zipfile.ZipFile(write_book(tmp_path / "big.xlsx", sheet_chunks=_bomb_chunks(60))) as z, \
            zipfile.ZipFile(plain, "w", zipfile.ZIP_DEFLATED) as out:   # without zip64 extras
        for info in z.infolist():
            out.writestr(info.filename, z.read(info.filename))
    lying = tmp_path / "lying.xlsx"
    lying.write_bytes(_lie_about_size(plain.read_bytes(), b"xl/worksheets/sheet1.xml", 2048))
    out = read_in_subprocess(lying)
    assert out["code"] == "unreadable-file"
    assert "больше, чем заявлено" in out["message"]


# ---------------------------------------------------------------------------------------------
# CSV


def test_a_row_of_100000_columns_is_refused(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_bytes((HEADER + "\r\nП-1;учитель;30;2;2;первая;нет;нет\r\n" + ";".join(["x" * 99] * 100_000)
                      + "\r\n").encode("cp1251"))   # a 10 MB line
    assert path.stat().st_size > 10 * 10**6
    out = read_in_subprocess(path)
    assert out["code"] == "unreadable-file"
    assert out["message"].startswith(f"Строка 3: больше {MAX_COLUMNS} значений")


def test_a_header_of_100000_columns_is_refused(tmp_path):
    path = tmp_path / "wide_header.csv"
    path.write_bytes((HEADER + ";" + ";".join(f"столбец {i}" for i in range(100_000)) + "\r\n"
                      "П-1;учитель;30;2;2;первая;нет;нет\r\n").encode("utf-8"))
    out = read_in_subprocess(path)
    assert out["code"] == "unreadable-file"
    assert "Строка 1:" in out["message"] and f"не больше {MAX_COLUMNS} столбцов" in out["message"]


def test_an_unclosed_quote_before_a_10_mb_field_is_refused_in_russian(tmp_path):
    # Before: «_csv.Error: field larger than field limit (131072)», a traceback on the page.
    path = tmp_path / "quote.csv"
    path.write_bytes((HEADER + "\r\nП-1;учитель;30;2;2;первая;нет;нет\r\nП-2;\"учитель;30;2;2;первая;нет;нет\r\n"
                      + "П-3;учитель;30;2;2;первая;нет;нет\r\n" * 350_000).encode("cp1251"))
    assert path.stat().st_size > 10 * 10**6
    out = read_in_subprocess(path)
    assert out["code"] == "unreadable-file"
    assert out["message"].startswith("Строка 3: ячейка длиннее 128 КБ")          # where the quote opens
    assert "не закрыта кавычка" in out["message"]


def test_a_10_mb_line_without_separators_is_refused_in_russian(tmp_path):
    path = tmp_path / "line.csv"
    path.write_bytes((HEADER + "\r\nП-1;учитель;30;2;2;первая;нет;нет\r\n\"" + "а" * 10_000_000 + "\"\r\n").encode("utf-8"))
    out = read_in_subprocess(path)
    assert "code" in out, out   # refused, whichever check speaks first
    assert out["code"] == "unreadable-file" and "кавычка" in out["message"]


# ---------------------------------------------------------------------------------------------
# NUL and other control characters: refused where they are, not stripped (an ID with a NUL is not
# the ID without it), so that the person can find and retype the value.


def test_a_nul_inside_a_csv_value_is_an_error_of_its_cell(tmp_path):
    rows = [f"П-{i};учитель;30;2;2;первая;нет;нет" for i in range(1, 400)]
    rows[300] = "П-9\x00X;учитель;30;2;2;первая;нет;нет"                  # after the first 8 KB
    path = tmp_path / "nul.csv"
    path.write_bytes(("\r\n".join([HEADER, *rows]) + "\r\n").encode("cp1251"))
    out = read_in_subprocess(path)
    [issue] = [i for i in out["issues"] if i[0] == "error"]
    assert issue == ["error", "Невидимый управляющий символ в ячейке", 302, "П-9\\x00X"]


def test_a_nul_at_the_start_of_a_csv_is_binary(tmp_path):
    path = tmp_path / "nul_start.csv"
    path.write_bytes((HEADER + "\r\nП-9\x00X;учитель;30;2;2;первая;нет;нет\r\n").encode("utf-8"))
    out = read_in_subprocess(path)
    assert out["code"] == "unreadable-file" and "двоичные данные" in out["message"]


def test_a_nul_escape_in_an_xlsx_cell_is_refused_through_the_loader(tmp_path, load_bytes):
    # openpyxl refuses to write «\x00»; the OOXML escape «_x0000_» is how it reaches a file, and how our
    # own XLSX exports would write it back.
    path = write_book(tmp_path / "nul.xlsx", _HEADER_ROW + '<row r="2"><c r="A2" t="inlineStr"><is><t>П-9_x0000_X</t>'
                      '</is></c><c r="B2" t="inlineStr"><is><t>учитель</t></is></c></row>')
    result = load_bytes("staff", path.read_bytes(), file_name="nul.xlsx", dry_run=True)
    assert result.outcome == "rejected"
    [issue] = [i for i in result.prepared.report.issues() if i.problem.startswith("Невидимый")]
    assert (issue.column, issue.row, issue.value) == ("ID педагога", 2, "П-9\\x00X")
