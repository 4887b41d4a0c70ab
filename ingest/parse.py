"""Coercion of text cells to the field types, with an issue for every cell that does not fit.

Each distinct value of a column is parsed once in Python and mapped back through the column's
dictionary indices: columns that need parsing (ages, dates, yes/no, statuses) repeat their values,
so this is fast at a million rows and keeps the rules readable. Free text and IDs are not parsed.

Lenient where people are predictable, silently: «Да», «ДА», «yes», «1» are yes; «Выполнено» and
«выполнено » are the status «выполнено»; «ё» and «е», and the dashes «-», «–», «—», are the same;
«1 200» and «35,0» are whole numbers; «1.», «п. 1», «Пункт 1» are the roadmap's item 1 (marks
declared on the field); dates come as ДД.ММ.ГГГГ, Д.М.ГГГГ or ГГГГ-ММ-ДД.

Lenient with a warning that says how the value was read (one per distinct value of a column, with
its rows): the other spellings of a closed list's values and their unambiguous short forms (see
:func:`closed_list`); dates with a two-digit year (20ГГ), with «г.» after them, with the month in
words («1 октября 2025», «1 окт. 2025»), with a time (Excel's date-time; the time is dropped), or as
Excel's date number (45901). A date with «/» stays an error: Excel writes both 09/01/2025 and
01/09/2025, and the order of day and month cannot be told from the cell.

An unknown value of a closed list is an error that suggests the closest allowed value when one is
close (rapidfuzz); the template's example row left in the file is found here and skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz, process

from ingest.errors import ERROR, WARNING, Issue
from ingest.reader import RawTable
from ingest.schemas.base import BOOL, DATE, ENUM, INT, Dataset, Field


@dataclass(frozen=True)
class Refused:
    """A value that cannot be read; ``hint`` comes before what the field expects («возможно, …»)."""

    hint: str = ""


@dataclass(frozen=True)
class Read:
    """A value read from a form other than the standard one: stored as ``value``, warned about as ``how``."""

    value: object
    how: str        # what it was read as, in Russian: «записано как «традиционная»», «прочитана как 01.09.2025»


_BAD = Refused()

YES = {"да", "д", "yes", "y", "true", "истина", "1", "+"}
NO = {"нет", "н", "no", "n", "false", "ложь", "0", "-"}

_INT_RE = re.compile(r"^[+-]?\d{1,3}(?:[ \u00a0\u202f]?\d{3})*(?:[.,]0+)?$|^[+-]?\d+(?:[.,]0+)?$")
# A time after the date: Excel's date-time «15.09.2025 0:00:00», a typed «10:30».
_TIME_RE = re.compile(r"[ T]+\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?$")
_YEAR_MARK_RE = re.compile(r"\s*(?:г\.?|года?)$")          # «15.09.2025 г.», «15.09.2025г», «… 2025 года»
_DATE_RE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})$")
_ISO_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_WORDS_RE = re.compile(r"^[«\"]?(\d{1,2})[»\"]?[\s.\-]*([а-яё]+)\.?[\s.\-]*(\d{4}|\d{2})$")
_SERIAL_RE = re.compile(r"^\d{5}$")
# Excel's date numbers of 01.01.2000 and 31.12.2099: other five-digit numbers are not taken for dates.
EXCEL_SERIALS = (36526, 73050)
EXCEL_EPOCH = datetime(1899, 12, 30)

# Month names in the genitive («1 октября»), the nominative («октябрь 2025») and the usual abbreviations.
MONTHS = {
    1: ("января", "январь", "янв"), 2: ("февраля", "февраль", "фев", "февр"), 3: ("марта", "март", "мар"),
    4: ("апреля", "апрель", "апр"), 5: ("мая", "май"), 6: ("июня", "июнь", "июн"), 7: ("июля", "июль", "июл"),
    8: ("августа", "август", "авг"), 9: ("сентября", "сентябрь", "сен", "сент"),
    10: ("октября", "октябрь", "окт"), 11: ("ноября", "ноябрь", "ноя", "нояб"), 12: ("декабря", "декабрь", "дек"),
}
_MONTH_OF = {name: m for m, names in MONTHS.items() for name in names}

# A suggestion is made when the closest accepted spelling scores at least this (rapidfuzz's ``fuzz.ratio``,
# 0-100, on the normalized text). 75 takes typos and endings («выполнен», «в раоте», «высшея», «призеры»:
# 77-94) and leaves unrelated words alone («сделано» → «выполнено» 38, «закончена» → «завершена» 56,
# «школа» → «дошкольная» 67); tests/test_spellings.py holds both sides.
SUGGEST_CUTOFF = 75
# A short form shorter than this (letters) is not taken: «в», «не», «без» say too little.
MIN_SHORT_FORM = 4

ARROW_TYPES = {INT: pa.int64(), DATE: pa.timestamp("s"), BOOL: pa.bool_(), ENUM: pa.string()}
PROBLEMS = {
    INT: "Не целое число",
    DATE: "Неверная дата",
    BOOL: "Ожидалось «да» или «нет»",
    ENUM: "Недопустимое значение",
}
# The warning of a value read from another form, by kind.
READ_AS = {
    ENUM: "Значение прочитано как допустимое",
    DATE: "Дата записана не как ДД.ММ.ГГГГ",
}
ROWS_LISTED = 10    # rows named in a warning about one value; the rest are counted


def enum_key(text: str) -> str:
    """The form in which allowed values are compared: lower case, «ё» as «е», one kind of dash and of
    spacing around dashes and brackets."""
    text = text.lower().replace("ё", "е")
    text = re.sub(r"\s*[-–—−]\s*", " - ", text)
    text = re.sub(r"\s*\(\s*", " (", text)
    text = re.sub(r"\s*\)", ")", text)
    return re.sub(r"\s+", " ", text).strip()


def parse_int(text: str):
    if not _INT_RE.match(text):
        return _BAD
    digits = re.sub(r"[ \u00a0\u202f]", "", text)
    digits = re.sub(r"[.,]0+$", "", digits)
    value = int(digits)
    return value if abs(value) < 2**62 else _BAD


def _int_parser(f: Field):
    """Whole numbers, with the marks the field declares around them taken off («п. 1», «1.»)."""
    if not (f.number_prefixes or f.number_suffixes):
        return parse_int
    prefixes = sorted((p.lower() for p in f.number_prefixes), key=len, reverse=True)
    suffixes = sorted(f.number_suffixes, key=len, reverse=True)

    def parse(text: str):
        t = text.lower()
        for p in prefixes:
            if t.startswith(p):
                t = t[len(p):].lstrip()
                break
        for s in suffixes:
            if t.endswith(s):
                t = t[: -len(s)].rstrip()
                break
        return parse_int(t)
    return parse


def _date_text(d: datetime) -> str:
    return d.strftime("%d.%m.%Y")


def parse_date(text: str):
    """A date as ``datetime``, a :class:`Read` when written in another form than ДД.ММ.ГГГГ or ISO."""
    t = text.strip()
    notes = []
    if time := _TIME_RE.search(t):
        if re.search(r"[1-9]", time.group()):     # Excel's «0:00:00» says nothing: no need to mention it
            notes.append("время не сохраняется")
        t = t[: time.start()]
    if year_mark := _YEAR_MARK_RE.search(t):
        t = t[: year_mark.start()]
    other_form = bool(time or year_mark)
    if m := _DATE_RE.match(t):
        day, month, year = (int(g) for g in m.groups())
        if len(m.group(3)) == 2:
            year, other_form = 2000 + year, True
    elif m := _ISO_RE.match(t):
        year, month, day = (int(g) for g in m.groups())
    elif m := _WORDS_RE.match(t.lower()):
        day, month, year = int(m.group(1)), _MONTH_OF.get(m.group(2).replace("ё", "е")), int(m.group(3))
        if month is None:
            return _BAD
        year += 2000 if len(m.group(3)) == 2 else 0
        other_form = True
    elif _SERIAL_RE.match(t) and not other_form and EXCEL_SERIALS[0] <= int(t) <= EXCEL_SERIALS[1]:
        value = EXCEL_EPOCH + timedelta(days=int(t))
        return Read(value, f"прочитана как {_date_text(value)} (число {t} — так Excel хранит даты)")
    else:
        return _BAD
    try:
        value = datetime(year, month, day)
    except ValueError:  # 31.02.2025
        return _BAD
    if not other_form:
        return value
    return Read(value, f"прочитана как {_date_text(value)}" + "".join(f", {n}" for n in notes))


def parse_bool(text: str):
    t = text.lower()
    if t in YES:
        return True
    if t in NO:
        return False
    return _BAD


# ---------------------------------------------------------------------------------------------
# Closed lists


@dataclass(frozen=True)
class ClosedList:
    """The allowed values of a field and every spelling read as one of them (keys are :func:`enum_key`)."""

    exact: dict[str, str]                    # an allowed value, up to case, «ё» and dashes -> it
    variants: dict[str, str]                 # another spelling or an unambiguous short form -> the value
    ambiguous: dict[str, tuple[str, ...]]    # a short form of several values -> them

    def read(self, text: str):
        key = enum_key(text)
        if key in self.exact:
            return self.exact[key]
        if key in self.variants:
            value = self.variants[key]
            return Read(value, f"записано как «{value}»")
        if key in self.ambiguous:
            return Refused(_did_you_mean(self.ambiguous[key]))
        return Refused(_did_you_mean(self.suggest(key)))

    def suggest(self, key: str) -> tuple[str, ...]:
        """The allowed values whose spellings are closest to ``key``, if close enough (ties: all of them)."""
        # Short forms under MIN_SHORT_FORM letters («спо») are left out: «спорт» is not a misspelt «СПО».
        spellings = {k: v for k, v in self.variants.items() if len(k) >= MIN_SHORT_FORM} | self.exact
        found = process.extract(key, list(spellings), scorer=fuzz.ratio, score_cutoff=SUGGEST_CUTOFF, limit=None)
        if not found:
            return ()
        best = found[0][1]
        return tuple(dict.fromkeys(spellings[s] for s, score, _ in found if score >= best - 1e-9))


def _did_you_mean(values: tuple[str, ...]) -> str:
    if not values:
        return ""
    quoted = [f"«{v}»" for v in values]
    listed = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " или " + quoted[-1]
    return f"возможно, вы имели в виду {listed}"


def _short_forms(spelling: str) -> set[str]:
    """Keys of the short forms of one spelling: without its part in brackets, the words in brackets, and
    each prefix by words of at least ``MIN_SHORT_FORM`` letters that ends on a word of as many (not on «с»,
    «и», «или»). A pair «X – Y» is read only whole: «учитель» alone does not say which side of
    «учитель – учитель» is meant."""
    bare = enum_key(re.sub(r"\([^)]*\)", " ", spelling))
    forms = {bare, *(enum_key(inner) for inner in re.findall(r"\(([^)]*)\)", spelling))}
    words = bare.split(" ")
    if "-" not in words:
        forms |= {" ".join(words[:k]) for k in range(1, len(words))
                  if len("".join(words[:k])) >= MIN_SHORT_FORM and len(words[k - 1]) >= MIN_SHORT_FORM}
    return forms - {enum_key(spelling), ""}


@cache
def closed_list(f: Field) -> ClosedList:
    """The closed list of an ENUM field, from its ``choices`` and declared ``spellings``.

    An allowed value written as it is (up to case, «ё», dashes) is read silently. A declared spelling is
    read as its value. A short form (:func:`_short_forms`) of a value or of one of its spellings is read
    as that value when it belongs to exactly one value; when it belongs to several, it is refused with
    all of them suggested («учреждение» → «учреждение культуры» или «учреждение спорта»).
    """
    unknown = set(f.spellings) - set(f.choices)
    if unknown:
        raise ValueError(f"{f.name}: spellings of values that are not choices: {sorted(unknown)}")
    exact = {enum_key(c): c for c in f.choices}
    declared: dict[str, str] = {}
    derived: dict[str, set[str]] = {}
    for c in f.choices:
        spellings = f.spellings.get(c, ())
        for s in spellings:
            key = enum_key(s)
            if declared.setdefault(key, c) != c or exact.get(key, c) != c:
                raise ValueError(f"{f.name}: the spelling {s!r} is declared for two values")
        for s in (c, *spellings):
            for key in _short_forms(s):
                derived.setdefault(key, set()).add(c)
    variants = {k: v for k, v in declared.items() if k not in exact}
    ambiguous = {}
    for key, values in derived.items():
        if key in exact or key in variants:
            continue
        if len(values) == 1:
            variants[key] = next(iter(values))
        else:
            ambiguous[key] = tuple(c for c in f.choices if c in values)
    return ClosedList(exact, variants, ambiguous)


def _parser(f: Field):
    if f.kind == ENUM:
        return closed_list(f).read
    return {INT: _int_parser(f), DATE: parse_date, BOOL: parse_bool}[f.kind]


def _value(parsed):
    if isinstance(parsed, Refused):
        return None
    return parsed.value if isinstance(parsed, Read) else parsed


def example_value(f: Field):
    """The typed value of the field's example (as the template writes it), or None without one."""
    if not f.example:
        return None
    if f.kind not in ARROW_TYPES:
        return f.example
    parsed = _parser(f)(f.example)
    if isinstance(parsed, Refused) or isinstance(parsed, Read):
        raise ValueError(f"{f.name}: the example {f.example!r} is not a standard value of the field")
    return parsed


# ---------------------------------------------------------------------------------------------
# Columns


@dataclass
class _Parsed:
    """One column parsed value by distinct value."""

    typed: pa.Array
    indices: np.ndarray          # position -> index of its distinct value, -1 for an empty cell
    results: list                # distinct value -> parsed (a value, a Read or a Refused)
    distinct: list               # distinct value -> its text

    def positions(self, of_distinct: np.ndarray) -> np.ndarray:
        """The positions whose distinct value is flagged in ``of_distinct``."""
        flagged = np.append(of_distinct, False)   # index -1 (empty) lands on the appended False
        return np.flatnonzero(flagged[self.indices])


def _map_distinct(col: pa.Array, parse, typ: pa.DataType) -> _Parsed:
    """Parse each distinct value once and map the results back onto the column."""
    encoded = pc.dictionary_encode(col)
    distinct = encoded.dictionary.to_pylist()
    results = [parse(v) for v in distinct]
    values = pa.array([_value(p) for p in results], typ)
    typed = pc.take(values, encoded.indices)
    indices = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
    return _Parsed(typed, indices, results, distinct)


def _rows_text(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:ROWS_LISTED])
    more = f" и ещё {len(rows) - ROWS_LISTED}" if len(rows) > ROWS_LISTED else ""
    return f"{'строке' if len(rows) == 1 else 'строках'} {shown}{more}"


@dataclass
class Coerced:
    """The typed columns present, the problems of typing them, and the example rows left out of both."""

    table: pa.Table                     # typed columns of the fields present, without the example rows
    issues: list[Issue]                 # cells that could not be read (errors), values read otherwise (warnings)
    counts: dict                        # (problem, column title, expected) -> cells, where examples were capped
    keep: np.ndarray | None = None      # False at the example rows of the template (None: there are none)
    example_rows: list[int] | None = None


def example_rows(table: pa.Table, dataset: Dataset) -> np.ndarray | None:
    """Where the typed rows equal the template's example row, or None when the file cannot hold it.

    Every field of the example must be a column of the file: a file of only some columns was not made
    by leaving the template's row in, and a real teacher «П-001, учитель, 27, 2» may well exist.
    """
    if not dataset.skip_example or table.num_rows == 0:
        return None
    mask = None
    for f in dataset.fields:
        present = f.name in table.column_names
        if f.example and not present:
            return None
        if not present:
            continue
        col = table.column(f.name)
        value = example_value(f)
        same = pc.is_null(col) if value is None else pc.fill_null(pc.equal(col, pa.scalar(value, col.type)), False)
        mask = same if mask is None else pc.and_(mask, same)
    if mask is None:
        return None
    found = np.asarray(pc.fill_null(mask, False).to_numpy(), dtype=bool)
    return found if found.any() else None


def coerce(raw: RawTable, dataset: Dataset, max_examples: int = 1000) -> Coerced:
    """Type the columns present; report cells that could not be read and values read from other forms.

    Errors keep at most ``max_examples`` cells per (column, expected) with the exact count in ``counts``;
    a value read from another form is one warning per distinct value of a column, naming its rows.
    The template's example row is found on the typed values and left out of the table and the issues.
    """
    parsed: dict[str, _Parsed] = {}
    arrays, names = [], []
    for f in dataset.fields:
        col = raw.columns.get(f.name)
        if col is None:
            continue
        if f.kind in ARROW_TYPES:
            parsed[f.name] = p = _map_distinct(col, _parser(f), ARROW_TYPES[f.kind])
            col = p.typed
        arrays.append(col)
        names.append(f.name)
    table = pa.table(arrays, names=names) if arrays else pa.table({})

    skipped = example_rows(table, dataset)
    rows = raw.row_numbers
    keep = None
    if skipped is not None:
        keep = ~skipped
        table = table.filter(pa.array(keep))
    out = Coerced(table, [], {}, keep, [int(r) for r in rows[skipped]] if skipped is not None else None)

    for name, p in parsed.items():
        f = dataset.field(name)
        if keep is not None:
            p.indices = np.where(keep, p.indices, -1)     # the example row's cells are not reported
        refused = np.fromiter((isinstance(r, Refused) for r in p.results), dtype=bool, count=len(p.results))
        if refused.any():
            _refusals(out, f, p, refused, rows, max_examples)
        noted = np.fromiter((isinstance(r, Read) for r in p.results), dtype=bool, count=len(p.results))
        if noted.any():
            _readings(out, f, p, noted, rows, max_examples)
    return out


def _by_distinct(p: _Parsed, flagged: np.ndarray) -> list[tuple[int, np.ndarray]]:
    """(distinct index, its positions in row order) for the flagged distinct values present, first seen first."""
    positions = p.positions(flagged)
    if not len(positions):
        return []
    idx = p.indices[positions]
    order = np.argsort(idx, kind="stable")
    values, starts = np.unique(idx[order], return_index=True)
    groups = np.split(positions[order], starts[1:])
    return sorted(zip(values.tolist(), groups, strict=True), key=lambda g: g[1][0])


def _refusals(out: Coerced, f: Field, p: _Parsed, refused: np.ndarray, rows: np.ndarray, cap: int) -> None:
    problem = PROBLEMS[f.kind]
    shown: dict[str, int] = {}
    cells: list[tuple[int, int, str]] = []
    for i, positions in _by_distinct(p, refused):
        hint = p.results[i].hint
        expected = f"{hint}; {f.expected}" if hint else f.expected
        out.counts[(problem, f.title, expected)] = out.counts.get((problem, f.title, expected), 0) + len(positions)
        # The first ``cap`` rows of an expected text are among the first ``cap`` of each of its values.
        cells += [(int(pos), i, expected) for pos in positions[:cap]]
    for pos, i, expected in sorted(cells):
        if shown.get(expected, 0) < cap:
            shown[expected] = shown.get(expected, 0) + 1
            out.issues.append(Issue(ERROR, problem, column=f.title, row=int(rows[pos]), value=p.distinct[i],
                                    expected=expected))


def _readings(out: Coerced, f: Field, p: _Parsed, noted: np.ndarray, rows: np.ndarray, cap: int) -> None:
    for n, (i, positions) in enumerate(_by_distinct(p, noted)):
        if n == cap:
            break
        at = [int(rows[pos]) for pos in positions]
        value = p.distinct[i] + (f" (также в {_rows_text(at[1:])})" if len(at) > 1 else "")
        out.issues.append(Issue(WARNING, READ_AS[f.kind], column=f.title, row=at[0], value=value,
                                expected=p.results[i].how))
