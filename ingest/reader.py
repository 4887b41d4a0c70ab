"""The one reader: bytes of a CSV or XLSX file in, a table of text cells with spreadsheet row numbers out.

What it accepts (README, "Files"):
- CSV in UTF-8 (with or without BOM), UTF-16 with BOM (Excel's «Текст Юникод»), Windows-1251, and
  other Cyrillic single-byte encodings found by a detector; separated by ``;``, ``,``, tab or ``|``.
- XLSX, read by fastexcel (calamine to Arrow), or by python-calamine for a sheet that fastexcel cannot
  type column by column (the sheet named as the dataset, else the one with its header; see
  ``_read_xlsx``); Excel dates and numbers become the same text a CSV would hold, by either engine.
- A title row (merged or not) above the header; headers in Russian as in the template or English
  snake_case, matched case-, space- and «ё»-insensitively; blank rows anywhere.

Row numbers are those the spreadsheet shows: the header found on row 3 means data starts on row 4.

Speed: a large well-formed CSV is split into columns by pyarrow on the raw bytes; each column is
then decoded on its own (ASCII columns need nothing, repeated values are decoded once each). Files
with blank lines or ragged rows go through Python's csv module instead, which numbers every record
exactly. Both paths give the same table. An XLSX sheet is read by fastexcel into Arrow columns, one
kind of cell per column, and turned into text column by column (vectorized but for fractions); its
first rows (to find the header) and the rows below its first row (a guess at the body) are parsed at
once on two cores. A sheet with a column of mixed kinds (text among numbers, a date typed as text among
real dates) is read as before from python-calamine's Python rows, in batches of 65,536. The check of
the sheet (issue 15, below) inflates the XML a chunk ahead in a thread and scans two chunks at a time.

What it refuses (issue 15), each with a Russian message (``UnreadableFile``), before the work it
would cost: a workbook whose parts inflate beyond 50× the file (at least 100 MB, at most 2 GiB) or
beyond the sizes the zip declares; a sheet whose real cell addresses (never its ``<dimension>``) span
more than 200 columns, Excel's 1,048,576 rows, or a rectangle larger than 12.6 million cells or than
one cell per byte of its XML (a million at least); a row of more than 200 values; more than 2,000,000
data rows; a CSV field over 128 KB (an unclosed quote); an XLSX read that takes over 60 s. Limits and their
reasons: the constants below ``MAX_ROWS``.

Control characters (NUL and the other C0 codes but tab and line breaks) inside a value are not
stripped: the cell is a blocking error naming its row, column and the value with the character shown
as ``\\x00``. Stripping would silently turn «П-9\\x00X» into another ID; they come from pasting out of
other programs and Excel does not show them, so the person is told where to retype.
"""

from __future__ import annotations

import codecs
import csv
import functools
import gc
import io
import itertools
import logging
import os
import re
import struct
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, time
from time import monotonic

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv

from ingest.errors import WARNING, EncodingError, Issue, UnreadableFile
from ingest.schemas.base import INT, Dataset, Field
from warehouse import russian

HEADER_SCAN_ROWS = 20           # a header further down than this is not looked for
SAMPLE_BYTES = 256 * 1024       # enough to decide encoding, separator and header
DELIMITERS = (";", "\t", ",", "|")
DELIMITER_NAMES = {";": "точка с запятой", "\t": "табуляция", ",": "запятая", "|": "вертикальная черта"}
# Cyrillic single-byte encodings a Russian file may come in, most likely first (Python's codec names).
CYRILLIC_ENCODINGS = tuple(codecs.lookup(e).name for e in ("cp1251", "koi8_r", "cp866", "mac_cyrillic", "iso8859_5"))


@dataclass
class RawTable:
    """The cells of one uploaded table as text, columns named by the dataset's field names."""

    columns: dict[str, pa.Array]           # field name -> string array (stripped, empty = null)
    row_numbers: np.ndarray                 # spreadsheet row number of each data row
    matched: dict[str, str]                 # field name -> header title as found in the file
    extra: list[str]                        # headers that are not columns of the dataset
    missing: list[Field]                    # required fields without a column
    header_row: int                         # spreadsheet row of the header
    file_format: str                        # "csv" or "xlsx"
    encoding: str | None = None             # CSV only
    delimiter: str | None = None            # CSV only
    issues: list[Issue] = field(default_factory=list)  # warnings found while reading
    blank_rows: int = 0                     # blank rows skipped
    sheet: str | None = None                # XLSX only: the sheet that was read

    @property
    def n_rows(self) -> int:
        return len(self.row_numbers)


# ---------------------------------------------------------------------------------------------
# Header matching


def normalize_header(text: str) -> str:
    """Lower case, «ё» as «е», no '*', no quotes, '_' and runs of spaces as one space."""
    text = text.replace("\ufeff", "").lower().replace("ё", "е")
    text = re.sub(r"[*\"«»:]", " ", text)
    text = re.sub(r"[\s_]+", " ", text)
    return text.strip().rstrip(".").strip()


def header_lookup(dataset: Dataset) -> dict[str, str]:
    """Normalized header -> field name, for titles, snake_case names and aliases."""
    lookup: dict[str, str] = {}
    for f in dataset.fields:
        for name in (f.title, f.name, *f.aliases):
            lookup.setdefault(normalize_header(name), f.name)
    return lookup


def _column_letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _find_header(rows: list[list[str | None]], dataset: Dataset) -> tuple[int, dict[int, str]]:
    """Index of the header row among the first rows and the position -> field name mapping."""
    lookup = header_lookup(dataset)
    best, best_idx, best_map = 0, -1, {}
    for idx, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        mapping = {}
        for pos, cell in enumerate(row):
            if cell is not None and (name := lookup.get(normalize_header(str(cell)))):
                mapping.setdefault(pos, name)
        if len(set(mapping.values())) > best:
            best, best_idx, best_map = len(set(mapping.values())), idx, mapping
    if best == 0:
        from ingest.schemas import DATASETS  # the registry imports this module's neighbours

        guess = ""
        for other in DATASETS.values():
            if other.name == dataset.name:
                continue
            lk = header_lookup(other)
            hits = max((sum(1 for c in r if c and normalize_header(str(c)) in lk) for r in rows[:HEADER_SCAN_ROWS]),
                       default=0)
            if hits >= 2:
                guess = f" Похоже, это файл набора «{other.title}» ({other.name}): выберите его при загрузке."
                break
        expected = ", ".join(f"«{f.title}»" for f in dataset.required)
        raise UnreadableFile(
            f"Не найдена строка заголовка набора «{dataset.title}»: в первых {HEADER_SCAN_ROWS} строках нет "
            f"ни одного знакомого столбца. Ожидались столбцы {expected} (как в шаблоне)." + guess
        )
    return best_idx, best_map


# ---------------------------------------------------------------------------------------------
# Encoding and separator


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 13))
    return control > len(sample) * 0.01


def _cyrillic_plausible(text: str) -> bool:
    """Text decoded right is mostly lower-case Cyrillic among its non-ASCII letters."""
    letters = [c for c in text if ord(c) > 127 and c.isalpha()]
    if not letters:
        return True
    cyr = [c for c in letters if "\u0400" <= c <= "\u04ff"]
    lower = sum(1 for c in cyr if c.islower())
    return len(cyr) >= 0.95 * len(letters) and lower >= 0.5 * len(cyr)


def detect_encoding(data: bytes) -> str:
    """The encoding of CSV bytes: BOM, else UTF-8, else cp1251 if it reads as Russian, else a detector."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = data[:SAMPLE_BYTES]
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3 and len(data) > len(sample):
            return "utf-8"  # the sample cut a character in two
    text = sample[:65536].decode("cp1251", errors="replace")
    if "\ufffd" not in text and _cyrillic_plausible(text):
        return "cp1251"
    # Neither UTF-8 nor plausible cp1251: ask a real detector, among the Cyrillic encodings first.
    from charset_normalizer import from_bytes

    best = from_bytes(sample, cp_isolation=list(CYRILLIC_ENCODINGS)).best() or from_bytes(sample).best()
    if best is None:
        raise EncodingError(
            "Не удалось определить кодировку файла. Сохраните его в Excel как «CSV UTF-8 (разделитель — "
            "запятая)» или «CSV (разделители — точки с запятой)» и загрузите снова."
        )
    return codecs.lookup(best.encoding).name


def _sniff_delimiter(text: str) -> str:
    """The separator that splits the most lines into the same number of cells (outside quotes)."""
    lines = [ln for ln in text.splitlines()[:60] if ln.strip()]
    best, best_score = ";", (0, 0)
    for d in DELIMITERS:
        counts = []
        for ln in lines:
            try:
                counts.append(len(next(csv.reader([ln], delimiter=d))) - 1)
            except csv.Error:  # a field over the csv module's 128 KB limit: this line says nothing
                counts.append(0)
        nonzero = [c for c in counts if c > 0]
        if not nonzero:
            continue
        mode = max(set(nonzero), key=nonzero.count)
        score = (nonzero.count(mode), mode)
        if score > best_score:
            best, best_score = d, score
    return best


# ---------------------------------------------------------------------------------------------
# Cells


def _cell_text(value: object) -> str | None:
    """An XLSX cell as the text a CSV export of it would hold (dates as ДД.ММ.ГГГГ, 5.0 as 5)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.strftime("%d.%m.%Y")
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value).replace(".", ",")
    text = str(value).strip()
    return text or None


_STRIP = " \t\r\n\u00a0\ufeff"   # Excel leaves non-breaking spaces; a BOM may sit in a cell


def _strip_cell(cell: str | None) -> str | None:
    if cell is None:
        return None
    cell = cell.strip(_STRIP)
    return cell or None


def _empty_to_null(col: pa.Array) -> pa.Array:
    return pc.if_else(pc.equal(col, ""), pa.scalar(None, pa.string()), col)


# ---------------------------------------------------------------------------------------------
# Parsing


def _records_python(text: str, delimiter: str) -> list[list[str | None]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[list[str | None]] = []
    try:
        for rec in reader:
            records.append([_strip_cell(c) for c in rec])
        return records
    except csv.Error:
        # The csv module refuses a field over 128 KB (issue 15): no cell of ours is that long, so it is
        # an unclosed quote that swallowed the rest of the file, or a line that is not a table row.
        # The record that failed starts on the row after the last whole one (a quoted line break
        # inside a record makes that an approximation only before it).
        raise UnreadableFile(
            f"Строка {len(records) + 1}: ячейка длиннее {csv.field_size_limit() // 1024} КБ — скорее всего, в файле "
            "не закрыта кавычка «\"», и всё после неё читается как одна ячейка. Проверьте кавычки в этой строке "
            "(или сохраните файл из Excel заново) и загрузите снова.") from None


@functools.cache
def _utf8_extra(encoding: str) -> np.ndarray:
    """For a single-byte encoding: how many bytes longer each of the 256 byte values gets in UTF-8."""
    return np.array([len(bytes([b]).decode(encoding, errors="replace").encode("utf-8")) - 1 for b in range(256)],
                    dtype=np.int64)


def _transcode_single_byte(col: pa.Array, encoding: str) -> pa.Array:
    """A binary column in a single-byte encoding as a UTF-8 string column, without a Python call per value.

    The values buffer is decoded in one call; each offset moves by the extra UTF-8 bytes of the
    non-ASCII bytes before it. Only the non-ASCII bytes are indexed, so an ID column such as «П-0000001»
    costs little more than its Cyrillic letters.
    """
    _, offsets_buf, data_buf = col.buffers()
    offsets = np.frombuffer(offsets_buf, dtype=np.int32)[col.offset: col.offset + len(col) + 1]
    start, end = int(offsets[0]), int(offsets[-1])
    raw = np.frombuffer(data_buf, dtype=np.uint8)[start:end] if data_buf is not None else np.empty(0, np.uint8)
    text = raw.tobytes().decode(encoding, errors="replace").encode("utf-8")
    high = np.flatnonzero(raw >= 0x80)
    grown = np.zeros(len(high) + 1, dtype=np.int64)
    np.cumsum(_utf8_extra(encoding)[raw[high]], out=grown[1:])
    rel = offsets.astype(np.int64) - start
    new_offsets = (rel + grown[np.searchsorted(high, rel)]).astype(np.int32)
    out = pa.Array.from_buffers(pa.string(), len(col), [None, pa.py_buffer(new_offsets), pa.py_buffer(text)])
    if col.null_count:
        out = pc.if_else(col.is_valid(), out, pa.scalar(None, pa.string()))
    return out


def _few_distinct(col: pa.Array, sample: int = 20_000, share: float = 0.02) -> bool:
    """Whether a column repeats a few values (positions, categories, да/нет), judged on a sample."""
    n = len(col)
    if n <= sample:
        return True
    head = col.slice(0, sample)
    return len(pc.unique(head)) <= sample * share


def _decode_binary_column(col: pa.Array, encoding: str) -> pa.Array:
    """Decode and clean one column of raw bytes.

    ASCII columns (most IDs, all numbers) need no decoding; UTF-8 columns are validated in one pass;
    in a single-byte encoding such as cp1251, a column of repeated values decodes each distinct value
    once, any other column is transcoded as a whole (see ``_transcode_single_byte``).
    """
    as_text = col.view(pa.string())
    if pc.all(pc.string_is_ascii(as_text)).as_py() is not False:
        return _empty_to_null(pc.ascii_trim(as_text, characters=" \t\r\n"))
    if encoding == "utf-8":
        try:
            text = col.cast(pa.string())
        except pa.ArrowInvalid as exc:
            raise EncodingError("Файл содержит байты, недопустимые в UTF-8: сохраните его заново.") from exc
    elif _few_distinct(col):
        # Decode (and clean) each distinct value once: a few dozen for a million-row column.
        encoded = pc.dictionary_encode(col)
        values = [None if v is None else _strip_cell(v.decode(encoding, errors="replace"))
                  for v in encoded.dictionary.to_pylist()]
        return pa.DictionaryArray.from_arrays(encoded.indices, pa.array(values, pa.string())).cast(pa.string())
    else:
        text = _transcode_single_byte(col, encoding)
    return _empty_to_null(pc.utf8_trim(text, characters=_STRIP))


def _columns_arrow(data: bytes, delimiter: str, encoding: str, skip: int) -> dict[int, pa.Array] | None:
    """The data columns (after ``skip`` title and header records) of a regular CSV, split by pyarrow;
    None when the file is irregular (a row with another number of cells than the first one)."""
    try:
        table = pv.read_csv(
            io.BytesIO(data),
            read_options=pv.ReadOptions(autogenerate_column_names=True, block_size=1 << 24),
            parse_options=pv.ParseOptions(delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pv.ConvertOptions(column_types={f"f{i}": pa.binary() for i in range(1024)},
                                              strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except pa.ArrowInvalid:
        return None
    # pyarrow's kernels release the GIL: decode the columns on all cores.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        decoded = pool.map(lambda i: _decode_binary_column(table.column(i).combine_chunks().slice(skip), encoding),
                           range(table.num_columns))
        return dict(enumerate(decoded))


def _table_from_records(records: list[list[str | None]], dataset: Dataset, fmt: str, *, encoding=None,
                        delimiter=None, row_offset: int = 1) -> RawTable:
    header_idx, mapping = _find_header(records, dataset)
    body = records[header_idx + 1:]
    width = max((len(r) for r in records), default=0)
    if width > MAX_COLUMNS:
        at = next(i for i, r in enumerate(records) if len(r) == width)
        raise _too_wide(at + row_offset)
    cols = {pos: pa.array([r[pos] if pos < len(r) else None for r in body], pa.string()) for pos in range(width)}
    return _assemble(cols, records[header_idx], header_idx, mapping, dataset, fmt, encoding, delimiter, row_offset)


def _assemble(cols: dict[int, pa.Array], header: list, header_idx: int, mapping: dict[int, str], dataset: Dataset,
              fmt: str, encoding, delimiter, row_offset: int = 1) -> RawTable:
    """Drop blank rows, name the columns, note extra and missing ones. ``cols``: the data rows only."""
    data = cols
    n = len(next(iter(cols.values()))) if cols else 0
    if n > MAX_ROWS:
        raise UnreadableFile(
            f"В файле {russian.number(n)} строк данных, а принимается не больше {russian.number(MAX_ROWS)} (столько "
            "педагогов во всей стране с запасом). Проверьте, что это нужный файл.")
    row_numbers = np.arange(n, dtype=np.int64) + header_idx + 1 + row_offset
    issues: list[Issue] = []

    # Blank rows (anywhere) are skipped; their numbers stay out of the table.
    blank = 0
    if data and len(row_numbers):
        filled = pc.is_valid(data[0])
        for arr in data.values():
            filled = pc.or_(filled, pc.is_valid(arr))
        keep = np.asarray(filled.to_numpy(zero_copy_only=False), dtype=bool)
        blank = int((~keep).sum())
        if blank:
            data = {pos: arr.filter(filled) for pos, arr in data.items()}
            row_numbers = row_numbers[keep]

    header_row = header_idx + row_offset
    if header_idx > 0:
        issues.append(Issue(WARNING, "Строки над заголовком пропущены", row=header_row,
                            value=f"заголовок найден в строке {header_row}",
                            expected="заголовок в первой строке, как в шаблоне"))

    columns: dict[str, pa.Array] = {}
    matched: dict[str, str] = {}
    extra: list[str] = []
    first_at: dict[str, int] = {}
    mapping = _prefer_numbers(mapping, data, dataset)
    for pos in sorted(data):
        title = header[pos] if pos < len(header) else None
        name = mapping.get(pos)
        if name and name in columns:
            issues.append(Issue("error", "Столбец повторяется", column=dataset.field(name).title,
                                row=header_row,
                                value=f"столбцы {_column_letter(first_at[name])} и {_column_letter(pos)}",
                                expected="каждый столбец один раз"))
            continue
        if name:
            first_at[name] = pos
            columns[name] = data[pos]
            matched[name] = str(title)
        elif title is not None and str(title).strip():
            extra.append(str(title).strip())
            issues.append(Issue(WARNING, "Неизвестный столбец пропущен", column=str(title).strip(), row=header_row,
                                value=f"столбец {_column_letter(pos)}",
                                expected="столбцы шаблона: " + ", ".join(f.title for f in dataset.fields)))
        elif pc.any(pc.is_valid(data[pos])).as_py():
            issues.append(Issue(WARNING, "Столбец без заголовка пропущен", row=header_row,
                                value=f"столбец {_column_letter(pos)} содержит данные",
                                expected="заголовок у каждого заполненного столбца"))
    issues += _control_characters(columns, row_numbers, dataset)
    missing = [f for f in dataset.required if f.name not in columns]
    return RawTable(columns=columns, row_numbers=row_numbers, matched=matched, extra=extra, missing=missing,
                    header_row=header_row, file_format=fmt, encoding=encoding, delimiter=delimiter,
                    issues=issues, blank_rows=int(blank))


# ---------------------------------------------------------------------------------------------
# XLSX: the archive is checked before any engine reads it (issue 15, "Files")
#
# An XLSX is a zip of XML parts. Nothing in it is trusted before it is measured: not the sizes the
# zip declares (a 0.9 MB bomb declared small inflates to 240 MB), not the sheet's declared
# ``<dimension>`` (openpyxl padded ``A1:XFD1048576`` into a million rows of 16,384 cells), and not even
# the engine: python-calamine ignores ``<dimension>`` but keeps a sheet as one dense rectangle from its
# first to its last real cell, so two real cells at A1 and XFD1048576 make it ask for 512 GiB and abort
# the whole process (a Rust allocation failure is not a Python exception). So, before the engine sees
# a part, its deflate stream is inflated here under a byte budget, and a worksheet's cell addresses
# are read off the inflated XML to bound the rectangle the engine would allocate.

# A data row per line of the largest file the product takes: the national staff file (1.3 million
# rows) through the command line; an XLSX cannot hold more than Excel's 1,048,576 rows anyway.
MAX_ROWS = 2_000_000
MAX_XLSX_ROWS = 1_048_576
# The widest dataset has 12 columns; a template with notes beside it stays far below 200.
MAX_COLUMNS = 200
# The cells of the rectangle python-calamine allocates (32 bytes each): Excel's full height times the
# widest dataset, ~400 MB, which only the command line's national files come near. A sparse sheet
# (few real cells far apart) must also stay near its own size: at most one cell per byte of its XML
# beyond a floor of a million cells (~32 MB), whatever the absolute cap allows.
MAX_XLSX_CELLS = MAX_XLSX_ROWS * 12
SPARSE_CELLS_FLOOR = 1_000_000
# Uncompressed bytes of all parts: XLSX XML inflates ~11× (a 7 MB, 200,000-row file holds 82 MB), so
# 50× the file with a 100 MB floor leaves room for repetitive sheets and refuses bombs (240 MB from
# 0.9 MB); 2 GiB is the absolute cap (the command line's 200 MB limit).
XLSX_INFLATE_RATIO = 50
XLSX_INFLATE_FLOOR = 100 * 1024 * 1024
XLSX_INFLATE_CAP = 2 * 1024 * 1024 * 1024
MAX_XLSX_PARTS = 10_000
# Wall time of one read. A 200,000-row XLSX takes ~2 s and the national CSV ~10 s on the department's
# server; a read that goes on for a minute is refused rather than left to slow every other user.
READ_SECONDS = 60.0
_INFLATE_CHUNK = 1 << 22


class _Deadline:
    """The wall-time cap of one read, checked between chunks of work (the engine's call itself cannot
    be interrupted, but everything it reads is bounded beforehand)."""

    def __init__(self, seconds: float = READ_SECONDS) -> None:
        self.seconds = seconds
        self.until = monotonic() + seconds

    def check(self) -> None:
        if monotonic() > self.until:
            raise UnreadableFile(
                f"Файл читается дольше {int(self.seconds)} с и не был дочитан: проверьте, что это нужный файл, "
                "уберите лишние листы, строки и столбцы или сохраните данные как CSV.")


def _too_big_archive(what: str) -> UnreadableFile:
    return UnreadableFile(
        f"Книга Excel слишком велика в распакованном виде ({what}): так выглядит повреждённый или "
        "подделанный файл. Откройте его в Excel, оставьте только лист с данными, сохраните как «Книга "
        "Excel (.xlsx)» или как CSV и загрузите снова.")


def _damaged_book() -> UnreadableFile:
    return UnreadableFile(
        "Файл похож на книгу Excel, но открыть его не удалось (повреждён или защищён паролем). "
        "Откройте его в Excel, сохраните как «Книга Excel (.xlsx)» и загрузите снова.")


def _inflate_budget(size: int) -> int:
    return min(XLSX_INFLATE_CAP, max(XLSX_INFLATE_FLOOR, XLSX_INFLATE_RATIO * size))


def _part_chunks(data: bytes, info: zipfile.ZipInfo, budget: int, deadline: _Deadline):
    """The inflated bytes of one zip member, in chunks, from its raw deflate stream: never more than
    ``budget`` bytes in all, and exactly as many as the zip declares (zipfile itself would stop at the
    declared size, while an engine may inflate to the stream's real end)."""
    header = data[info.header_offset: info.header_offset + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise _damaged_book()
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    start = info.header_offset + 30 + name_len + extra_len
    raw = memoryview(data)[start: start + info.compress_size]
    produced = 0
    if info.compress_type == zipfile.ZIP_STORED:
        chunks = (bytes(raw[i: i + _INFLATE_CHUNK]) for i in range(0, len(raw), _INFLATE_CHUNK))
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        chunks = _inflate(raw, budget)
    else:  # Excel and LibreOffice write deflate; other methods are not worth an engine's surprises
        raise _damaged_book()
    for chunk in chunks:
        produced += len(chunk)
        if produced > info.file_size or produced > budget:
            raise _too_big_archive(f"часть «{info.filename}» больше, чем заявлено")
        deadline.check()
        yield chunk
    if produced != info.file_size:
        raise _damaged_book()


def _inflate(raw: memoryview, budget: int):
    d = zlib.decompressobj(-zlib.MAX_WBITS)
    for i in range(0, len(raw), _INFLATE_CHUNK):
        pending = raw[i: i + _INFLATE_CHUNK]
        while pending:
            # max_length bounds what one call may produce: a bomb never lands in memory whole.
            out = d.decompress(pending, _INFLATE_CHUNK)
            pending = d.unconsumed_tail
            if out:
                yield out
            if d.eof:
                return
    out = d.flush()
    if out:
        yield out


@dataclass
class _Book:
    """A workbook whose archive passed the checks, open in fastexcel (python-calamine is opened only
    for a sheet that fastexcel cannot give cell by cell as it is, see ``_read_xlsx``)."""

    data: bytes
    zip: zipfile.ZipFile
    reader: object            # fastexcel.ExcelReader
    sheet_parts: dict[str, str]
    budget: int
    deadline: _Deadline
    _calamine: object = None  # python_calamine.CalamineWorkbook, once needed
    starts: dict = field(default_factory=dict)  # member -> its first inflated bytes, kept by the check

    @property
    def names(self) -> list[str]:
        return list(self.reader.sheet_names)

    @property
    def engine(self):
        """python-calamine's workbook, opened on first use."""
        if self._calamine is None:
            from python_calamine import CalamineWorkbook

            try:
                self._calamine = CalamineWorkbook.from_filelike(io.BytesIO(self.data))
            except Exception as exc:  # python-calamine raises its own kinds (XmlError, ZipError, …)
                raise _damaged_book() from exc
        return self._calamine

    def close(self) -> None:
        if self._calamine is not None:
            self._calamine.close()


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its zip member, from ``xl/workbook.xml`` and its relationships (where python-
    calamine looks them up too). Both parts were measured before this parses them."""
    from xml.etree import ElementTree

    try:
        book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter() if r.tag.endswith("Relationship")}
    parts = {}
    for sheet in book.iter():
        if not sheet.tag.endswith("}sheet"):
            continue
        rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
        target = targets.get(rid, "")
        path = target.lstrip("/") if target.startswith("/") else (
            target if target.startswith("xl/") else "xl/" + target)
        parts[sheet.get("name", "")] = path
    return parts


def _number_share(col: pa.Array) -> float:
    """The share of filled cells that read as a number: «7», «7.», «п. 7», «Пункт 7», «№ 7» (not «Мероприятие 7»)."""
    filled = pc.drop_null(col)
    if len(filled) == 0:
        return 0.0
    return pc.sum(pc.match_substring_regex(filled, r"^\D{0,8}\d[\d\s.,)]*$")).as_py() / len(filled)


def _prefer_numbers(mapping: dict[int, str], data: dict[int, pa.Array], dataset: Dataset) -> dict[int, str]:
    """Of two columns that both match a number field, keep the one of numbers.

    A roadmap with «№» (1, 2, …) beside «Пункт» (the items' titles) matches «Пункт» twice: the titles'
    column is then an extra column, not a repeated one. Where both hold numbers, both stay (and are
    reported as a repeated column).
    """
    by_field: dict[str, list[int]] = {}
    for pos, name in mapping.items():
        by_field.setdefault(name, []).append(pos)
    out = dict(mapping)
    for name, positions in by_field.items():
        if len(positions) < 2 or dataset.field(name).kind != INT or not all(p in data for p in positions):
            continue
        numeric = [p for p in positions if _number_share(data[p]) >= 0.5]
        if len(numeric) == 1:
            for p in positions:
                if p != numeric[0]:
                    del out[p]
    return out


def _too_wide(row: int) -> UnreadableFile:
    return UnreadableFile(
        f"Строка {row}: больше {MAX_COLUMNS} значений, а в наборах данных не больше {MAX_COLUMNS} столбцов. "
        "Проверьте разделитель и кавычки в этой строке или сохраните файл из Excel заново.")


# Control characters (C0 but tab, line feed and carriage return) in a value: invisible in Excel, kept
# by the warehouse, and written by XLSX exports as escapes such as «_x0000_» (issue 15). A NUL in an ID
# makes «П-9\x00X» another teacher than «П-9X»: the value is refused, not silently changed, and the
# person is told where it is.
_CONTROL = "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f]"
CONTROL_SHOWN = 20  # cells named per column; the report counts the rest


def _may_hold_control(col: pa.Array) -> bool:
    """A quick look at the column's character bytes (numpy, ~10 ms a million cells) before the exact
    regular expression (~150 ms): a byte below 0x20 other than tab, LF or CR. The data buffer may hold
    bytes of other slices too: a yes here only means «look closely»."""
    if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
        return True
    data = col.buffers()[2]
    if data is None:
        return False
    raw = np.frombuffer(data, dtype=np.uint8)
    low = raw < 0x20
    return bool(low.any() and (low & (raw != 0x09) & (raw != 0x0A) & (raw != 0x0D)).any())


def _control_characters(columns: dict[str, pa.Array], row_numbers: np.ndarray, dataset: Dataset) -> list[Issue]:
    issues = []
    for name, col in columns.items():
        if isinstance(col, pa.ChunkedArray):
            col = col.combine_chunks()
        if not _may_hold_control(col):
            continue
        bad = pc.fill_null(pc.match_substring_regex(col, _CONTROL), False)
        if not pc.any(bad).as_py():
            continue
        at = np.flatnonzero(np.asarray(bad.to_numpy(zero_copy_only=False), dtype=bool))
        for i in at[:CONTROL_SHOWN]:
            value = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f]", lambda m: f"\\x{ord(m.group()):02x}", col[int(i)].as_py())
            issues.append(Issue("error", "Невидимый управляющий символ в ячейке", column=dataset.field(name).title,
                                row=int(row_numbers[i]), value=value,
                                expected="значение без управляющих символов (например, NUL — \\x00): наберите "
                                         "его заново, а не вставляйте из другой программы"))
    return issues


def _open_xlsx(data: bytes, deadline: _Deadline | None = None) -> _Book:
    """Check the archive (parts, declared and real sizes) and open it in fastexcel."""
    import fastexcel

    deadline = deadline or _Deadline()
    budget = _inflate_budget(len(data))
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _damaged_book() from exc
    if len(infos) > MAX_XLSX_PARTS:
        raise _too_big_archive(f"{len(infos)} частей")
    declared = sum(i.file_size for i in infos)
    if declared > budget:
        raise _too_big_archive(f"{russian.megabytes(declared)} при файле {russian.megabytes(len(data))}")
    # What the engine inflates when it opens the book (workbook, styles, shared strings, relations):
    # every part but the worksheets, which are measured one by one before they are read.
    for info in infos:
        if not info.filename.startswith("xl/worksheets/") and not info.is_dir():
            for _ in _part_chunks(data, info, budget, deadline):
                pass
    try:
        reader = fastexcel.read_excel(data)
    except Exception as exc:  # fastexcel raises its own kinds (CalamineError, …)
        raise _damaged_book() from exc
    return _Book(data, zf, reader, _sheet_parts(zf), budget, deadline)


def _ref_extent(buf: bytes, final: bool, exact: bool = False) -> tuple[int, int, int, int, bool]:
    """Over the ``r="…"`` attributes in XML bytes: the largest row (1-based), the largest column
    (1-based), how many are cell addresses (``B7``) and how many row numbers (``7``), and whether every
    one is written as spreadsheet programs write it (`` r="B7"``: a space before, no spaces around «=»,
    double quotes, at most 3 letters and 7 digits without leading zeros). python-calamine also takes
    other forms (``r = 'b0007'``); a sheet with any of them is refused, since they would escape the count.
    Vectorized: a sheet of 200,000 rows holds 1.8 million addresses. Unless ``final``, an attribute in
    the last 20 bytes is left to the next chunk, which starts with them. Unless ``exact``, the largest
    row is given as the largest number of its digit count (99,999 for 5 digits)."""
    a = np.frombuffer(buf, dtype=np.uint8)
    n = len(a)
    if n < 4:
        return 0, 0, 0, 0, True
    at = np.flatnonzero(a[1:n - 1] == 0x72)                     # «r» (rare in sheet XML but for r="…")
    before = a[at]
    at = at[(before == 0x20) | (before == 0x0A) | (before == 0x0D) | (before == 0x09)]   # after white space
    if not final:
        at = at[at + 20 <= n]
    nxt = a[np.minimum(at + 2, n - 1)]
    after = a[np.minimum(at + 3, n - 1)]
    canonical = (a[at] == 0x20) & (nxt == 0x3D) & (after == 0x22)
    if ((nxt == 0x3D) & ~canonical).any():                       # «\nr="», « r='»
        return 0, 0, 0, 0, False
    for p in at[(nxt == 0x20) | (nxt == 0x09) | (nxt == 0x0A) | (nxt == 0x0D)]:  # « r =», or a word «r» in text
        if re.match(rb"\s*=", buf[p + 2: p + 64]):
            return 0, 0, 0, 0, False
    hit = at[canonical] + 4
    if not len(hit):
        return 0, 0, 0, 0, True
    width = 12
    # Each address's 12 bytes as a row, gathered from a strided view (no matrix of indices).
    w = np.lib.stride_tricks.sliding_window_view(np.concatenate([a, np.zeros(width, np.uint8)]), width)[hit]
    rows = np.arange(len(w))
    low = w | 0x20
    letter = (low - np.uint8(0x61)) < 26                          # a–z in one test: uint8 wraps around
    digit = (w - np.uint8(0x30)) < 10
    pos = np.arange(width)
    n_letters = np.argmin(letter, axis=1)
    end = np.argmax(w == 0x22, axis=1)                            # the first quote (0 if none)
    # The first byte after the letters that is not a digit must be that quote.
    non_digit = np.argmin(digit | (pos < n_letters[:, None]), axis=1)
    first = w[rows, n_letters]
    ok = ((w[rows, end] == 0x22) & (non_digit >= end) & (end > n_letters) & (n_letters <= 3)
          & (first != 0x30) & (end - n_letters <= 7))
    if not ok.all():
        return 0, 0, 0, 0, False
    # Without leading zeros, a number of k digits is below 10**k: that bound is exact enough unless
    # it would refuse the sheet (see _check_sheet), and computing the largest row is not needed.
    n_digits = int((end - n_letters).max())
    if exact:
        top = (end - n_letters) == n_digits
        wt, nl, en = w[top].astype(np.int64), n_letters[top], end[top]
        inn = (pos >= nl[:, None]) & (pos < en[:, None])
        max_row = int(np.where(inn, (wt - 0x30) * 10 ** np.clip(en[:, None] - 1 - pos, 0, 7), 0).sum(axis=1).max())
    else:
        max_row = 10 ** n_digits - 1
    # The largest column: the most letters, then the largest letters in order (base 26 keeps that order).
    most = int(n_letters.max())
    key = np.zeros(len(w), np.int64)
    for j in range(most):
        key = key * 32 + np.where(n_letters > j, low[:, j] - 0x60, 0)
    key = np.where(n_letters == most, key, -1)
    top_key, col = int(key.max()), 0
    for j in reversed(range(most)):
        col, top_key = col + (top_key % 32) * 26 ** (most - 1 - j), top_key // 32
    cells = int((n_letters > 0).sum())
    return max_row, col, cells, len(hit) - cells, True


_CELL_TAGS = (b"<c", b":c ", b":c>")
_ROW_TAGS = (b"<row", b":row")


def _tag_counts(buf: bytes, tail: int) -> tuple[int, int]:
    """Upper bounds of the cell and row tags in ``buf`` but those wholly within its first ``tail`` bytes
    (counted with the previous chunk): a tag cut by a chunk border is counted once. «<c» also counts
    <col>, <cfRule>…: a bound, not a tally."""
    head = buf[:tail]
    cells = sum(buf.count(t) - head.count(t) for t in _CELL_TAGS)
    rows = sum(buf.count(t) - head.count(t) for t in _ROW_TAGS)
    return cells, rows


def _ahead(chunks, depth: int = 2):
    """The items of ``chunks``, made by a thread of their own up to ``depth`` ahead of the consumer (zlib
    and numpy let go of the GIL: the sheet is inflated while the previous chunk is scanned). What the
    producer raises is raised here; at most ``depth + 2`` chunks are alive at once."""
    import queue
    import threading

    box: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def offer(item) -> bool:
        """Put ``item`` once there is room; False if the consumer has gone meanwhile."""
        while not stop.is_set():
            try:
                box.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in chunks:
                if not offer(item):
                    return
            offer(done)
        except BaseException as exc:  # handed to the consumer
            offer(exc)

    worker = threading.Thread(target=produce, daemon=True)
    worker.start()
    try:
        while (item := box.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join()


_START_BYTES = 1 << 16


def _scan_sheet(book: _Book, members: list[str], exact: bool) -> tuple[int, int, int]:
    """Upper bounds of the rows and columns python-calamine would give the sheet in ``members``, and
    the bytes of its XML."""
    cell_tags = row_tags = xml_bytes = 0
    extents: list[tuple[int, int, int, int, bool]] = []

    def scan(buf: bytes, tail: int) -> tuple:
        # tags counted where they end, in the new bytes: each once
        return _ref_extent(buf, final=False, exact=exact), _tag_counts(buf, tail)

    def add(job) -> None:  # in this thread only: the sums are never written by two threads at once
        nonlocal cell_tags, row_tags
        extent, (cells, rows) = job.result()
        extents.append(extent)
        cell_tags += cells
        row_tags += rows

    # Chunks are scanned two at a time (numpy lets go of the GIL) while the next is inflated; at most
    # a few chunks are alive at once.
    with ThreadPoolExecutor(max_workers=2) as pool:
        for member in members:
            tail = b""
            pending: list = []
            for chunk in _ahead(_part_chunks(book.data, book.zip.getinfo(member), book.budget, book.deadline)):
                if not tail:
                    book.starts[member] = chunk[:_START_BYTES]
                # The last bytes of the previous chunk are read again: an attribute cut in two by the chunk
                # border is seen whole (counted twice at worst, which only loosens the bounds).
                buf = tail + chunk
                xml_bytes += len(chunk)
                pending.append(pool.submit(scan, buf, len(tail)))
                if len(pending) >= 2:
                    add(pending.pop(0))
                tail = buf[-32:]
            for job in pending:
                add(job)
            extents.append(_ref_extent(tail, final=True, exact=exact))
    if not all(e[4] for e in extents):
        raise _odd_sheet_error
    max_row = max((e[0] for e in extents), default=0)
    max_col = max((e[1] for e in extents), default=0)
    cell_refs, row_refs = sum(e[2] for e in extents), sum(e[3] for e in extents)
    # A cell or row without an address takes the place after the previous one: each can push the
    # rectangle one further than the largest address.
    return max_row + max(0, row_tags - row_refs), max_col + max(0, cell_tags - cell_refs), xml_bytes


class _OddSheet(Exception):
    pass


_odd_sheet_error = _OddSheet()


def _extent_refusal(name: str, rows: int, cols: int, xml_bytes: int) -> UnreadableFile | None:
    where = f"Лист «{name}»"
    if cols > MAX_COLUMNS:
        return UnreadableFile(
            f"{where}: заполнены столбцы дальше {MAX_COLUMNS}-го (до {_column_letter(min(cols, 16384) - 1)}), "
            f"а в наборах данных не больше {MAX_COLUMNS} столбцов. Удалите лишние столбцы справа от таблицы "
            "(выделите их и «Удалить столбцы») и загрузите файл снова.")
    if rows > MAX_XLSX_ROWS:
        return UnreadableFile(f"{where}: номера строк больше {russian.number(MAX_XLSX_ROWS)}, чем бывает в Excel: "
                              "файл повреждён или подделан. Сохраните его в Excel заново.")
    cells = rows * max(cols, 1)
    if cells > MAX_XLSX_CELLS or cells > max(SPARSE_CELLS_FLOOR, xml_bytes):
        return UnreadableFile(
            f"{where}: заполненные ячейки разбросаны до строки {russian.number(rows)} и столбца "
            f"{_column_letter(max(cols, 1) - 1)} — лист слишком велик для проверки. Удалите пустые строки и "
            "столбцы вокруг таблицы и случайные значения далеко от неё и загрузите файл снова.")
    return None


def _check_sheet(book: _Book, name: str) -> None:
    """Bound the rectangle python-calamine would allocate for sheet ``name``, from the real cell
    addresses of its XML (never from ``<dimension>``), or refuse the file. The first pass bounds the
    largest row by its digit count; only a sheet that this would refuse is read again exactly."""
    part = book.sheet_parts.get(name)
    members = [part] if part in book.zip.NameToInfo else [
        n for n in book.zip.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
    try:
        refusal = _extent_refusal(name, *_scan_sheet(book, members, exact=False))
        if refusal is not None:
            refusal = _extent_refusal(name, *_scan_sheet(book, members, exact=True))
    except _OddSheet:
        raise _odd_sheet(name) from None
    if refusal is not None:
        raise refusal


def _odd_sheet(name: str) -> UnreadableFile:
    return UnreadableFile(
        f"Лист «{name}» записан не так, как его записывают Excel и LibreOffice, и не может быть проверен. "
        "Откройте файл в Excel, сохраните как «Книга Excel (.xlsx)» и загрузите снова.")


def _column_from_cells(values: list) -> pa.Array:
    """One column of python-calamine values as text, as :func:`_cell_text` gives it, vectorized for text
    and whole numbers (empty cells are ``""``; other values go one by one)."""
    kinds = set(map(type, values))
    if kinds <= {str}:
        return _empty_to_null(pc.utf8_trim_whitespace(pa.array(values, pa.string())))
    if kinds == {float}:
        numbers = pa.array(values, pa.float64())
        whole = pc.and_(pc.equal(pc.floor(numbers), numbers), pc.less(pc.abs(numbers), 2.0 ** 53))
        if pc.all(whole).as_py():
            return pc.cast(pc.cast(numbers, pa.int64()), pa.string())
    if not kinds <= {str, float}:
        return pa.array([_cell_text(v) for v in values], pa.string())
    is_number = pa.array([v.__class__ is float for v in values], pa.bool_())
    numbers = pa.array([v if v.__class__ is float else None for v in values], pa.float64())
    texts = _empty_to_null(pc.utf8_trim_whitespace(
        pa.array([v if v.__class__ is str else None for v in values], pa.string())))
    # Whole numbers below 2**53 print as integers («41», not «41.0»); fractions as _cell_text does.
    whole = pc.and_(pc.equal(pc.floor(numbers), numbers), pc.less(pc.abs(numbers), 2.0 ** 53))
    if pc.all(whole).as_py() is not False:
        number_texts = pc.cast(pc.cast(numbers, pa.int64()), pa.string())
    else:
        number_texts = pa.array([_cell_text(v) if v.__class__ is float else None for v in values], pa.string())
    return pc.if_else(is_number, number_texts, texts)


XLSX_CHUNK_ROWS = 65_536


# fastexcel (calamine in Rust, Arrow out) reads a sheet without a Python object per cell, but types a
# column as a whole: in a column of several kinds of cells (the header's text above numbers, a date typed
# as text among real dates) it writes numbers, booleans and dates as text of its own («35.5», «true»,
# «2025-09-01 00:00:00»), which cannot be told from text the person typed. So it is asked for the rows
# below the header with one kind per column required («strict»). A sheet whose cells start on row 1 (the
# templates') is parsed once: row 1 gives the column names, the rows below it their typed cells, and the
# header is looked for among those, as in python-calamine's rows (``_read_row_one_sheet``). Another sheet
# is parsed twice at once: its first rows as text, only to find the header (words are words in any
# engine), and a guess at the rows below its first row (``_read_plain_sheet``). A sheet where this fails —
# a column of mixed kinds, a time or duration cell, a header cell that is not text — is read, exactly, by
# python-calamine's Python rows, as before. Each parse reads the whole sheet (~1 s for 200,000 rows).
_ENGINE_TEXT = re.compile(r"(?i)[-+]?(\d[\d.]*(e[-+]?\d+)?|inf|nan)|true|false|\d{4}-\d\d-\d\d.*")
_EXCEL_DAY_ONE = np.datetime64("1900-01-01", "ms")
# fastexcel logs «Could not determine dtype for column N» for every empty column: not the user's business.
logging.getLogger("fastexcel").setLevel(logging.ERROR)


class _NotPlain(Exception):
    """A sheet that fastexcel cannot give as python-calamine's cells would read."""


def _fast_head(book: _Book, name: str) -> list[list[str | None]]:
    """The first ``HEADER_SCAN_ROWS`` rows of the sheet as text, rows and columns as the sheet numbers
    them (from A1). Cells that are not text come as fastexcel writes them: fine to find the header."""
    try:
        sheet = book.reader.load_sheet(name, header_row=None, skip_rows=0, n_rows=HEADER_SCAN_ROWS,
                                       dtypes="string")
        batch = sheet.to_arrow()
        columns = [c.absolute_index for c in sheet.selected_columns]
    except Exception as exc:  # a chart sheet, broken XML, an empty sheet: the exact path says which
        raise _NotPlain from exc
    width = max(columns, default=-1) + 1
    head: list[list[str | None]] = [[None] * width for _ in range(batch.num_rows)]
    for pos, col in zip(columns, batch.columns, strict=True):
        for i, value in enumerate(col.to_pylist()):
            head[i][pos] = _cell_text(value)
    return head


def _arrow_text(col: pa.Array) -> pa.Array:
    """A column of fastexcel's typed cells as :func:`_cell_text` gives each (see ``_column_from_cells``)."""
    kind = col.type
    if pa.types.is_null(kind):
        return pa.nulls(len(col), pa.string())
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return _empty_to_null(pc.utf8_trim_whitespace(col.cast(pa.string())))
    if pa.types.is_boolean(kind):
        return pc.if_else(col, pa.scalar("да"), pa.scalar("нет"))
    if pa.types.is_floating(kind):
        whole = pc.fill_null(pc.and_(pc.equal(pc.floor(col), col), pc.less(pc.abs(col), 2.0 ** 53)), True)
        if pc.all(whole).as_py():
            return pc.cast(pc.cast(col, pa.int64()), pa.string())
        texts = pc.cast(pc.cast(pc.if_else(whole, col, pa.scalar(0.0)), pa.int64()), pa.string())
        others = np.flatnonzero(~np.asarray(whole.to_numpy(zero_copy_only=False), dtype=bool))
        fractions = pa.array([_cell_text(col[int(i)].as_py()) for i in others], pa.string())
        return pc.replace_with_mask(texts, pc.invert(whole), fractions)
    if pa.types.is_integer(kind):
        return pc.cast(col, pa.string())
    if pa.types.is_timestamp(kind) and kind.tz is None:
        stamps = col.cast(pa.timestamp("ms"))
        if pc.any(pc.less(stamps, pa.scalar(_EXCEL_DAY_ONE, pa.timestamp("ms")))).as_py():
            raise _NotPlain  # below 1: python-calamine gives a time of day, not a date
        midnight = pc.equal(pc.floor_temporal(stamps, unit="day"), stamps)
        return pc.if_else(midnight, pc.strftime(stamps, "%d.%m.%Y"), pc.strftime(stamps, "%d.%m.%Y %H:%M"))
    if pa.types.is_date(kind):
        return pc.strftime(col.cast(pa.date32()), "%d.%m.%Y")
    raise _NotPlain  # durations and whatever else: the exact path


def _fast_body(book: _Book, name: str, header_idx: int) -> dict[int, pa.Array]:
    """The rows below the header as text columns by sheet position, one kind of cell per column."""
    try:
        sheet = book.reader.load_sheet(name, header_row=None, skip_rows=header_idx + 1, schema_sample_rows=None,
                                       dtype_coercion="strict")
        batch = sheet.to_arrow()
        columns = [c.absolute_index for c in sheet.selected_columns]
    except Exception as exc:  # a column of mixed kinds, nothing below the header
        raise _NotPlain from exc
    body = {pos: _arrow_text(col) for pos, col in zip(columns, batch.columns, strict=True)}
    for pos in range(min(columns, default=0)):
        body[pos] = pa.nulls(batch.num_rows, pa.string())
    return body


def _sheet_columns(book: _Book, name: str) -> tuple[list[list[str | None]], dict[int, pa.Array]]:
    """The first rows of a sheet as text (to find the header) and all its rows as text columns, from
    python-calamine's Python rows: exact for every kind of cell, and the slower path."""
    try:
        sheet = book.engine.get_sheet_by_name(name)
    except Exception as exc:  # a sheet that is not a worksheet (a chart) or broken XML
        raise _odd_sheet(name) from exc
    start = sheet.start
    offset = start[1] if start else 0
    width = offset + (sheet.width if start else 0)
    parts: dict[int, list[pa.Array]] = {pos: [] for pos in range(width)}
    rows = sheet.iter_rows()
    head: list[list[str | None]] = []
    # The cyclic garbage collector would walk the young lists again and again while a million of them
    # are made (half the time of this loop); none of them can form a cycle.
    collecting = gc.isenabled()
    gc.disable()
    try:
        while batch := list(itertools.islice(rows, XLSX_CHUNK_ROWS)):   # bounded Python objects at a time
            book.deadline.check()
            if not head:
                head = [[None] * offset + [_cell_text(v) for v in row] for row in batch[:HEADER_SCAN_ROWS]]
            for j, values in enumerate(zip(*batch, strict=True)):
                parts[offset + j].append(_column_from_cells(list(values)))
            for pos in range(offset):
                parts[pos].append(pa.nulls(len(batch), pa.string()))
    finally:
        if collecting:
            gc.enable()
    columns = {pos: (pa.concat_arrays(chunks) if chunks else pa.array([], pa.string()))
               for pos, chunks in parts.items()}
    return head, columns


def sheet_names(data: bytes) -> list[str]:
    """The names of the sheets of a workbook, in their order."""
    book = _open_xlsx(data)
    try:
        return book.names
    finally:
        book.close()


def find_sheet(names: list[str], dataset: Dataset) -> str | None:
    """The sheet named as the dataset («Педагоги», or «staff»), matched as headers are (case, spaces, «ё»)."""
    wanted = {normalize_header(dataset.title), normalize_header(dataset.name)}
    return next((n for n in names if normalize_header(n) in wanted), None)


def _quoted(names: list[str]) -> str:
    return ", ".join(f"«{n}»" for n in names)


# A cell of row 1 that holds a value (``<v>`` with a character, or an inline string's text), among the
# first bytes of the sheet's XML: then the sheet's cells start on row 1 (python-calamine's ``start``).
# Every repetition is bounded (a tag's attributes, a cell's content), so that no XML makes these
# expressions backtrack over the whole 64 KB again and again; a cell beyond the bounds just sends the
# sheet the way of two parses.
_IN_CELL = rb'(?:(?!</?(?:\w+:)?(?:c|row)\b)[\s\S]){0,4000}?'
_ROW_ONE_VALUE = re.compile(
    rb'<(?:\w+:)?c\s[^<>]{0,400}?\br="[A-Za-z]{1,3}1"[^<>]{0,400}(?<!/)>' + _IN_CELL
    + rb'(?:<(?:\w+:)?v>[^<]|<(?:\w+:)?is>' + _IN_CELL + rb'<(?:\w+:)?t(?:\s[^<>]{0,400})?>[^<])')
_ROW_ONE = re.compile(rb'<(?:\w+:)?row\s[^<>]{0,400}?\br="1"[^<>]{0,400}(?<!/)>')
_CELL = re.compile(rb'<(?:\w+:)?c\b([^<>]{0,400})(/>|>(' + _IN_CELL + rb')</(?:\w+:)?c>)')
_CELL_VALUE = re.compile(rb'<(?:\w+:)?v>[^<]|<(?:\w+:)?is>' + _IN_CELL + rb'<(?:\w+:)?t(?:\s[^<>]{0,400})?>[^<]')


def _starts_on_row_one(book: _Book, name: str) -> bool:
    start = book.starts.get(book.sheet_parts.get(name, ""), b"")
    return bool(_ROW_ONE_VALUE.search(start))


def _row_one_values(book: _Book, name: str) -> set[int] | None:
    """The columns of row 1 that hold a value, from the first bytes of the sheet's XML; None unless
    row 1 is there whole with an address on every cell."""
    start = book.starts.get(book.sheet_parts.get(name, ""), b"")
    found = _ROW_ONE.search(start)
    end = start.find(b"row>", found.end()) if found else -1
    if end < 0:
        return None
    columns = set()
    for cell in _CELL.finditer(start, found.end(), end):
        ref = re.search(rb'\br="([A-Za-z]{1,3})1"', cell.group(1))
        if not ref:
            return None
        if cell.group(3) and _CELL_VALUE.search(cell.group(3)):
            letters = ref.group(1).upper()
            columns.add(sum((c - 64) * 26 ** i for i, c in enumerate(reversed(letters))) - 1)
    return columns


def _header_from_names(columns) -> list[str | None] | None:
    """The header row as text from fastexcel's column names, by sheet position; None when a name may
    not be the cell as it is (a duplicate renamed «…_1», a number, date or boolean written by fastexcel)."""
    names = {c.absolute_index: (_cell_text(c.name) if str(c.column_name_from) == "looked_up" else None)
             for c in columns}
    texts = {t for t in names.values() if t is not None}
    for text in texts:
        renamed = re.fullmatch(r"(.+)_\d+", text)
        if _ENGINE_TEXT.fullmatch(text) or (renamed and renamed.group(1) in texts):
            return None
    header: list[str | None] = [None] * (max(names, default=-1) + 1)
    for pos, text in names.items():
        header[pos] = text
    return header


def _sheet_header(head: list[list[str | None]], dataset: Dataset, name: str, *, single: bool,
                  only_sheet: bool) -> tuple[int, dict[int, str]] | None:
    """The header in a sheet's first rows (:func:`_find_header`). None when there is none and other sheets
    may hold the data; when this sheet is the only candidate (``single``), its refusal, naming the sheet
    unless it is the book's only one (``only_sheet``)."""
    try:
        return _find_header(head, dataset)
    except UnreadableFile as exc:
        if single:
            raise UnreadableFile(str(exc) if only_sheet else f"Лист «{name}»: {exc}") from None
        return None


def _read_row_one_sheet(book: _Book, name: str, dataset: Dataset, *, single: bool, only_sheet: bool):
    """A sheet whose cells start on row 1, in one parse: the rows below row 1 typed by fastexcel, the
    header found among row 1 (fastexcel's column names) and the rows below as text, exactly as
    python-calamine's first rows would read. ``_NotPlain`` when that cannot be told for sure."""
    guess = _guess_body(book.reader, name)
    header = None if isinstance(guess, Exception) else _header_from_names(guess[0])
    if header is not None and {pos for pos, text in enumerate(header) if text} != _row_one_values(book, name):
        header = None  # a cell of row 1 fastexcel gives no name (a time, a duration, an error, "")
    if header is None:  # rows of mixed kinds below row 1 (a title above the header?), odd names
        return _read_plain_sheet(book, name, dataset, single=single, only_sheet=only_sheet, guess=guess)
    columns, batch = guess
    body = {c.absolute_index: _arrow_text(col) for c, col in zip(columns, batch.columns, strict=True)}
    for pos in range(min(body, default=0)):
        body[pos] = pa.nulls(batch.num_rows, pa.string())
    width = max(len(header), max(body, default=-1) + 1)
    firsts = {pos: col.slice(0, HEADER_SCAN_ROWS - 1).to_pylist() for pos, col in body.items()}
    head = [header + [None] * (width - len(header))]
    head += [[firsts[pos][i] if pos in firsts else None for pos in range(width)]
             for i in range(min(batch.num_rows, HEADER_SCAN_ROWS - 1))]
    if not any(c is not None for row in head for c in row):
        raise _NotPlain  # empty first rows: the exact path words it
    found = _sheet_header(head, dataset, name, single=single, only_sheet=only_sheet)
    if found is None:
        return None
    header_idx, mapping = found
    if header_idx:  # a title above the header: the rows below the header found, once more
        body = _fast_body(book, name, header_idx)
    else:
        book.deadline.check()
    return _assemble(body, head[header_idx], header_idx, mapping, dataset, "xlsx", None, None)


def _guess_body(data, name: str):
    """The rows below the sheet's first row, read by a reader of their own while the first rows are read
    (fastexcel lets go of the GIL): ``(columns, batch)``, or the exception. Right when the header turns
    out to be the first row of the sheet's cells, as in the templates (see ``_read_plain_sheet``)."""
    import fastexcel

    try:
        reader = fastexcel.read_excel(data) if isinstance(data, bytes) else data
        sheet = reader.load_sheet(name, header_row=0, schema_sample_rows=None, dtype_coercion="strict")
        return sheet.selected_columns, sheet.to_arrow()
    except Exception as exc:  # a column of mixed kinds: the caller reads the sheet its slower way
        return exc


def _guess_fits(guess, header: list[str | None]) -> bool:
    """Whether the guessed body's column names are the header row's cells, each in its place."""
    if isinstance(guess, Exception):
        return False
    columns, _ = guess
    named = set()
    for c in columns:
        text = _cell_text(c.name) if str(c.column_name_from) == "looked_up" else None
        if (header[c.absolute_index] if c.absolute_index < len(header) else None) != text:
            return False
        if text is not None:
            named.add(c.absolute_index)
    return named == {pos for pos, cell in enumerate(header) if cell is not None}


def _read_plain_sheet(book: _Book, name: str, dataset: Dataset, *, single: bool, only_sheet: bool,
                      guess=None) -> RawTable | None:
    """The sheet through fastexcel; None when it has no header of the dataset and others are to be
    tried; ``_NotPlain`` when only python-calamine can read it as it is (and for empty first rows,
    whose message that path words).

    Two parses of the sheet run at once on two cores: the first rows as text, to find the header, and
    a guess at the rows below it, taking the sheet's first row of cells for the header. The guess is
    kept only if that row is the header found and its cells are the guess's column names, place by
    place; else the rows below the header found are read again."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        guessed = pool.submit(_guess_body, book.data, name) if guess is None else None  # else: tried already
        head = _fast_head(book, name)
        first = next((i for i, row in enumerate(head) if any(c is not None for c in row)), None)
        if first is None:
            raise _NotPlain  # empty, or the table further down: let the exact path say which
        found = _sheet_header(head, dataset, name, single=single, only_sheet=only_sheet)
        if found is None:
            return None
        header_idx, mapping = found
        header = head[header_idx]
        if any(c is not None and _ENGINE_TEXT.fullmatch(c) for c in header):
            raise _NotPlain  # a number, date or boolean in the header row: its text is python-calamine's to give
        if guessed is not None:
            guess = guessed.result()
    book.deadline.check()
    if header_idx == first and isinstance(guess, Exception):
        raise _NotPlain  # the very rows below the header were refused (a column of mixed kinds)
    if header_idx == first and _guess_fits(guess, header):
        columns, batch = guess
        body = {c.absolute_index: _arrow_text(col) for c, col in zip(columns, batch.columns, strict=True)}
        for pos in range(min(body, default=0)):
            body[pos] = pa.nulls(batch.num_rows, pa.string())
    else:
        body = _fast_body(book, name, header_idx)
    book.deadline.check()
    return _assemble(body, header, header_idx, mapping, dataset, "xlsx", None, None)


def _read_xlsx(data: bytes, dataset: Dataset, sheet: str | None = None) -> RawTable:
    """The sheet ``sheet``; else the sheet named as the dataset; else the only sheet, or the first sheet
    whose header is the dataset's (a workbook may open with an instructions sheet)."""
    book = _open_xlsx(data)
    try:
        names = book.names
        if sheet is not None and sheet not in names:
            raise UnreadableFile(f"В книге нет листа «{sheet}». Листы книги: {_quoted(names)}.")
        chosen = sheet or find_sheet(names, dataset)
        candidates = [chosen] if chosen else names
        for name in candidates:
            _check_sheet(book, name)
            book.deadline.check()
            try:
                read = _read_row_one_sheet if _starts_on_row_one(book, name) else _read_plain_sheet
                table = read(book, name, dataset, single=len(candidates) == 1, only_sheet=len(names) == 1)
            except _NotPlain:
                table = None
            else:
                if table is None:
                    continue
                table.sheet = name
                return table
            head, columns = _sheet_columns(book, name)
            if not any(pc.any(pc.is_valid(col)).as_py() for col in columns.values()):
                if len(candidates) == 1:
                    where = "Первый лист книги" if len(names) == 1 else f"Лист «{name}»"
                    raise UnreadableFile(f"{where} пуст: данные должны быть на листе «{dataset.title}», начиная "
                                         "с заголовка.")
                continue
            found = _sheet_header(head, dataset, name, single=len(candidates) == 1, only_sheet=len(names) == 1)
            if found is None:
                continue
            header_idx, mapping = found
            body = {pos: col.slice(header_idx + 1) for pos, col in columns.items()}
            table = _assemble(body, head[header_idx], header_idx, mapping, dataset, "xlsx", None, None)
            table.sheet = name
            return table
    finally:
        book.close()
    raise UnreadableFile(
        f"В книге нет листа с данными набора «{dataset.title}»: листы книги — {_quoted(names)}, и ни на одном нет "
        f"строки заголовка этого набора. Назовите лист с данными «{dataset.title}» (как в шаблоне) или "
        "поставьте его первым.")


def _locate_header(data: bytes, encoding: str, dataset: Dataset) -> tuple | None:
    """``(known header cells, filled header cells, separator, first records, header index, mapping)`` of
    CSV bytes read in ``encoding``; None when no header is found."""
    sample_text = data[:SAMPLE_BYTES].decode(encoding, errors="ignore")
    delimiter = _sniff_delimiter(sample_text)
    head_records = _records_python("\n".join(sample_text.splitlines()[:HEADER_SCAN_ROWS]), delimiter)
    try:
        header_idx, mapping = _find_header(head_records, dataset)
    except UnreadableFile:
        return None
    filled = sum(1 for c in head_records[header_idx] if c)
    return len(mapping), filled, delimiter, head_records, header_idx, mapping


def read_table(data: bytes, dataset: Dataset, *, sheet: str | None = None) -> RawTable:
    """Read an uploaded file (CSV or XLSX, told apart by content, not name) as a :class:`RawTable`.

    ``sheet``: which sheet of a workbook to read (default: see :func:`_read_xlsx`); ignored for CSV."""
    if re.fullmatch(rb"(\xef\xbb\xbf)?[\s\x00]*", data):
        raise UnreadableFile("Файл пустой: в нём нет ни заголовка, ни строк.")
    if data[:4] == b"PK\x03\x04":
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile as exc:
            raise UnreadableFile("Файл повреждён: это не книга Excel и не CSV.") from exc
        if not any(n.startswith("xl/") for n in names):
            raise UnreadableFile("Это архив, но не книга Excel (.xlsx). Загрузите файл CSV или XLSX.")
        return _read_xlsx(data, dataset, sheet)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UnreadableFile(
            "Формат .xls (Excel 97–2003) не поддерживается. Сохраните файл в Excel как «Книга Excel (.xlsx)» "
            "или «CSV (разделители — точки с запятой)»."
        )
    if data[:5] == b"%PDF-":
        raise UnreadableFile("Это PDF-документ, а не таблица. Загрузите файл CSV или XLSX по шаблону.")
    if not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and _looks_binary(data):
        raise UnreadableFile("Файл не похож на таблицу: в нём двоичные данные. Загрузите CSV или XLSX по шаблону.")
    encoding_shown = encoding = codecs.lookup(detect_encoding(data)).name
    if encoding == "utf-8-sig":
        data, encoding = data[len(codecs.BOM_UTF8):], "utf-8"
    elif encoding not in ("utf-8", *CYRILLIC_ENCODINGS):
        # UTF-16 and other multi-byte encodings are rare and small: decode once, go on as UTF-8.
        try:
            data = data.decode(encoding).encode("utf-8")
        except UnicodeDecodeError as exc:
            raise EncodingError(
                f"Файл не читается в кодировке {encoding}: байт {exc.start} повреждён. Сохраните файл заново."
            ) from exc
        encoding = "utf-8"
        if _looks_binary(data):
            raise UnreadableFile("Файл не похож на таблицу: в нём двоичные данные. Загрузите CSV или XLSX по шаблону.")
        if re.fullmatch(rb"[\s\x00]*", data):
            raise UnreadableFile("Файл пустой: в нём нет ни заголовка, ни строк.")

    located = _locate_header(data, encoding, dataset)
    detected = encoding
    if encoding in CYRILLIC_ENCODINGS and (located is None or located[0] < located[1]):
        # A guess between single-byte encodings can be wrong on a short file (Mac Cyrillic and cp1251
        # share the lower case, KOI8 and cp1251 the letter ranges); the template's header is a far
        # stronger signal: take the encoding in which most header cells are known columns.
        for other in CYRILLIC_ENCODINGS:
            candidate = _locate_header(data, other, dataset) if other != encoding else None
            if candidate and (located is None or candidate[0] > located[0]):
                located, encoding, encoding_shown = candidate, other, other
    if located is None:  # say so in Russian, naming the dataset the file seems to be of, if any
        sample_text = data[:SAMPLE_BYTES].decode(detected, errors="ignore")
        lines = "\n".join(sample_text.splitlines()[:HEADER_SCAN_ROWS])
        _find_header(_records_python(lines, _sniff_delimiter(sample_text)), dataset)
    _, _, delimiter, head_records, header_idx, mapping = located
    widest = max(range(len(head_records)), key=lambda i: len(head_records[i]))
    if len(head_records[widest]) > MAX_COLUMNS:  # before pyarrow makes a column of each
        raise _too_wide(widest + 1)

    try:
        cols = _columns_arrow(data, delimiter, encoding, skip=header_idx + 1)
    except EncodingError:
        cols = None  # bytes that are not UTF-8: the exact path below names the line that holds them
    if cols is None:  # blank lines without separators, ragged rows: the exact, slower path
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise EncodingError(
                f"Строка {line}: байты, недопустимые в кодировке {encoding_shown}. Сохраните файл заново "
                "в кодировке UTF-8 или Windows-1251."
            ) from exc
        records = _records_python(text, delimiter)
        header_width = len(records[header_idx])
        ragged = [i for i, r in enumerate(records) if i > header_idx and len(r) > header_width
                  and any(c for c in r[header_width:])]
        table = _table_from_records(records, dataset, "csv", encoding=encoding_shown, delimiter=delimiter)
        for i in ragged[:50]:
            table.issues.append(Issue("error", "В строке больше значений, чем столбцов в заголовке", row=i + 1,
                                      value=_values(len(records[i])), expected=f"{_values(header_width)} "
                                      "(возможно, в ячейке есть лишний разделитель или кавычка)"))
        return table
    header = head_records[header_idx]
    return _assemble(cols, header, header_idx, mapping, dataset, "csv", encoding_shown, delimiter)


def _values(n: int) -> str:
    from ingest.report import plural

    return f"{n} {plural(n, 'значение', 'значения', 'значений')}"


def delimiter_name(delimiter: str | None) -> str:
    return DELIMITER_NAMES.get(delimiter or "", repr(delimiter))
