"""The one reader: bytes of a CSV or XLSX file in, a table of text cells with spreadsheet row numbers out.

What it accepts (README, "Files"):
- CSV in UTF-8 (with or without BOM), UTF-16 with BOM (Excel's «Текст Юникод»), Windows-1251, and
  other Cyrillic single-byte encodings found by a detector; separated by ``;``, ``,``, tab or ``|``.
- XLSX (the first sheet); Excel dates and numbers become the same text a CSV would hold.
- A title row (merged or not) above the header; headers in Russian as in the template or English
  snake_case, matched case-, space- and «ё»-insensitively; blank rows anywhere.

Row numbers are those the spreadsheet shows: the header found on row 3 means data starts on row 4.

Speed: a large well-formed CSV is split into columns by pyarrow on the raw bytes; each column is
then decoded on its own (ASCII columns need nothing, repeated values are decoded once each). Files
with blank lines or ragged rows go through Python's csv module instead, which numbers every record
exactly. Both paths give the same table.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import os
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, time

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv

from ingest.errors import WARNING, EncodingError, Issue, UnreadableFile
from ingest.schemas.base import INT, Dataset, Field

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
            counts.append(len(next(csv.reader([ln], delimiter=d))) - 1)
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
    return [[_strip_cell(c) for c in rec] for rec in reader]


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
    cols = {pos: pa.array([r[pos] if pos < len(r) else None for r in body], pa.string()) for pos in range(width)}
    return _assemble(cols, records[header_idx], header_idx, mapping, dataset, fmt, encoding, delimiter, row_offset)


def _assemble(cols: dict[int, pa.Array], header: list, header_idx: int, mapping: dict[int, str], dataset: Dataset,
              fmt: str, encoding, delimiter, row_offset: int = 1) -> RawTable:
    """Drop blank rows, name the columns, note extra and missing ones. ``cols``: the data rows only."""
    data = cols
    n = len(next(iter(cols.values()))) if cols else 0
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
    missing = [f for f in dataset.required if f.name not in columns]
    return RawTable(columns=columns, row_numbers=row_numbers, matched=matched, extra=extra, missing=missing,
                    header_row=header_row, file_format=fmt, encoding=encoding, delimiter=delimiter,
                    issues=issues, blank_rows=int(blank))


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


def _open_xlsx(data: bytes):
    import openpyxl

    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken book
        raise UnreadableFile(
            "Файл похож на книгу Excel, но открыть его не удалось (повреждён или защищён паролем). "
            "Откройте его в Excel, сохраните как «Книга Excel (.xlsx)» и загрузите снова."
        ) from exc


def _sheet_records(sheet) -> list[list[str | None]]:
    records: list[list[str | None]] = []
    for row in sheet.iter_rows():
        cells = list(row)
        if not cells:
            records.append([])
            continue
        r = getattr(cells[0], "row", None)
        while r is not None and len(records) < r - 1:  # rows absent from the file are blank rows
            records.append([])
        records.append([_cell_text(c.value) for c in cells])
    return records


def sheet_names(data: bytes) -> list[str]:
    """The names of the sheets of a workbook, in their order."""
    book = _open_xlsx(data)
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def find_sheet(names: list[str], dataset: Dataset) -> str | None:
    """The sheet named as the dataset («Педагоги», or «staff»), matched as headers are (case, spaces, «ё»)."""
    wanted = {normalize_header(dataset.title), normalize_header(dataset.name)}
    return next((n for n in names if normalize_header(n) in wanted), None)


def _quoted(names: list[str]) -> str:
    return ", ".join(f"«{n}»" for n in names)


def _read_xlsx(data: bytes, dataset: Dataset, sheet: str | None = None) -> RawTable:
    """The sheet ``sheet``; else the sheet named as the dataset; else the only sheet, or the first sheet
    whose header is the dataset's (a workbook may open with an instructions sheet)."""
    book = _open_xlsx(data)
    try:
        names = list(book.sheetnames)
        if sheet is not None and sheet not in names:
            raise UnreadableFile(f"В книге нет листа «{sheet}». Листы книги: {_quoted(names)}.")
        chosen = sheet or find_sheet(names, dataset)
        candidates = [chosen] if chosen else names
        for name in candidates:
            records = _sheet_records(book[name])
            if not any(any(c is not None for c in r) for r in records):
                if len(candidates) == 1:
                    where = "Первый лист книги" if len(names) == 1 else f"Лист «{name}»"
                    raise UnreadableFile(f"{where} пуст: данные должны быть на листе «{dataset.title}», начиная "
                                         "с заголовка.")
                continue
            try:
                table = _table_from_records(records, dataset, "xlsx")
            except UnreadableFile as exc:
                if len(candidates) == 1:
                    raise UnreadableFile(str(exc) if len(names) == 1 else f"Лист «{name}»: {exc}") from None
                continue
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
