"""Coercion of text cells to the field types, with an issue for every cell that does not fit.

Each distinct value of a column is parsed once in Python and mapped back through the column's
dictionary indices: columns that need parsing (ages, dates, yes/no, statuses) repeat their values,
so this is fast at a million rows and keeps the rules readable. Free text and IDs are not parsed.

Lenient where people are predictable: «Да», «ДА», «yes», «1» are yes; «Выполнено» and «выполнено »
are the status «выполнено»; «ё» and «е», and the dashes «-», «–», «—», are the same; «1 200» and
«35,0» are whole numbers; dates come as ДД.ММ.ГГГГ, Д.М.ГГГГ, ГГГГ-ММ-ДД, with an optional
time after the date (Excel's «0:00:00» or a typed «10:30»), which is dropped.
"""

from __future__ import annotations

import re
from datetime import datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ingest.errors import ERROR, Issue
from ingest.reader import RawTable
from ingest.schemas.base import BOOL, DATE, ENUM, INT, Dataset, Field

_BAD = object()

YES = {"да", "д", "yes", "y", "true", "истина", "1", "+"}
NO = {"нет", "н", "no", "n", "false", "ложь", "0", "-"}

_INT_RE = re.compile(r"^[+-]?\d{1,3}(?:[ \u00a0\u202f]?\d{3})*(?:[.,]0+)?$|^[+-]?\d+(?:[.,]0+)?$")
# A time after the date (Excel adds «0:00:00», people type «10:30») is accepted and dropped: the fields are dates.
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_DATE_RE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})" + _TIME + "$")
_ISO_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})" + _TIME + "$")

ARROW_TYPES = {INT: pa.int64(), DATE: pa.timestamp("s"), BOOL: pa.bool_()}
PROBLEMS = {
    INT: "Не целое число",
    DATE: "Неверная дата",
    BOOL: "Ожидалось «да» или «нет»",
}


def enum_key(text: str) -> str:
    """The form in which allowed values are compared: lower case, «ё» as «е», one kind of dash."""
    text = text.lower().replace("ё", "е")
    text = re.sub(r"\s*[-–—−]\s*", " - ", text)
    return re.sub(r"\s+", " ", text).strip()


def parse_int(text: str):
    if not _INT_RE.match(text):
        return _BAD
    digits = re.sub(r"[ \u00a0\u202f]", "", text)
    digits = re.sub(r"[.,]0+$", "", digits)
    value = int(digits)
    return value if abs(value) < 2**62 else _BAD


def parse_date(text: str):
    m = _DATE_RE.match(text)
    if m:
        day, month, year = (int(g) for g in m.groups())
    elif m := _ISO_RE.match(text):
        year, month, day = (int(g) for g in m.groups())
    else:
        return _BAD
    try:
        return datetime(year, month, day)
    except ValueError:  # 31.02.2025
        return _BAD


def parse_bool(text: str):
    t = text.lower()
    if t in YES:
        return True
    if t in NO:
        return False
    return _BAD


def _enum_parser(f: Field):
    canonical = {enum_key(c): c for c in f.choices}
    # Unknown values pass through unchanged: the schema's «allowed values» check reports them.
    return lambda text: canonical.get(enum_key(text), text)


def _map_distinct(col: pa.Array, parse, typ: pa.DataType) -> tuple[pa.Array, np.ndarray]:
    """Parse each distinct value once; return the typed column and the positions that failed."""
    encoded = pc.dictionary_encode(col)
    parsed = [parse(v) for v in encoded.dictionary.to_pylist()]
    failed = np.fromiter((p is _BAD for p in parsed), dtype=bool, count=len(parsed))
    values = pa.array([None if p is _BAD else p for p in parsed], typ)
    typed = pc.take(values, encoded.indices)
    indices = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
    bad = np.zeros(len(col), dtype=bool)
    if failed.any():
        valid = indices >= 0
        bad[valid] = failed[indices[valid]]
    return typed, bad


def coerce(raw: RawTable, dataset: Dataset, max_examples: int = 1000) -> tuple[pa.Table, list[Issue], dict]:
    """The typed table of the columns present, the cells that could not be typed, and their counts.

    Returns ``(table, issues, counts)``: ``issues`` holds at most ``max_examples`` cells per column,
    ``counts`` maps (problem, column title) to the number of cells that failed.
    """
    arrays, names, issues, counts = [], [], [], {}
    for f in dataset.fields:
        col = raw.columns.get(f.name)
        if col is None:
            continue
        if f.kind in ARROW_TYPES:
            parser = {INT: parse_int, DATE: parse_date, BOOL: parse_bool}[f.kind]
            typed, bad = _map_distinct(col, parser, ARROW_TYPES[f.kind])
            if bad.any():
                positions = np.flatnonzero(bad)
                counts[(PROBLEMS[f.kind], f.title)] = len(positions)
                found = col.take(pa.array(positions[:max_examples])).to_pylist()
                issues += [
                    Issue(ERROR, PROBLEMS[f.kind], column=f.title, row=int(raw.row_numbers[p]), value=v,
                          expected=f.expected)
                    for p, v in zip(positions[:max_examples], found, strict=True)
                ]
            col = typed
        elif f.kind == ENUM:
            col, _ = _map_distinct(col, _enum_parser(f), pa.string())
        arrays.append(col)
        names.append(f.name)
    return pa.table(arrays, names=names) if arrays else pa.table({}), issues, counts
