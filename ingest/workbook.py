"""The yearly workbook «Отчёт ОО за ГГГГ год»: one book per organization and year (issue 12).

    owed(org_type) -> [Dataset]                          the datasets whose sheets a type's book holds
    starting_point(conn, org_code, year) -> Start        what a downloaded book is filled with
    write(conn, org_code, year) -> (bytes, Start)        the book, filled (current, previous year's, empty)
    file_name(org_code, year) -> str
    prepare(conn, data, file_name, org_code, year, *, max_bytes) -> Book   read and validate, write nothing
    commit(conn, book, *, user, check_current, audit) -> BookResult        every changed dataset at once

**Writing.** An instructions sheet, then one sheet per dataset that the organization's type owes
(``Dataset.owed_by``), named by the dataset's Russian title: the header (required columns marked),
drop-down lists for closed lists and да/нет, whole-number and date validation, dates as real date
cells shown ДД.ММ.ГГГГ, IDs as text, print set-up that fits the page width. The roadmap sheet holds
the 11 items of the order with their titles (a column the reader leaves aside).

**Starting point.** The organization's current rows for the year when it has uploaded anything for
it; else the previous year's rows as a start (:data:`CARRY_OVER` says which fields of the year are
cleared); else the empty book. Only that organization's rows.

**Reading.** Sheets are found by name (``reader.find_sheet``: case, spaces, «ё»), in any order. A
sheet left with only its header means «none» where the dataset allows it (``allow_empty``) and «not
sent» where it does not; a missing sheet means «not sent»: that dataset stays as it is. Other sheets
are ignored with a note. Every sheet is validated before anything is written, and the cross-dataset
rules read the book's own sheets (a pair may name a mentor added in the same book): the IDs of every
sheet are taken from the read cells before any sheet is validated. Each sheet becomes a
:class:`ingest.load.Prepared`, so that its report, diff and removed rows are those of one file.

**Committing.** All changed datasets become new snapshots in ONE transaction
(``warehouse.snapshots.write_many``), with their upload-log rows and audit lines; a book with an
error in any sheet writes no data (only its refusal in the upload log). A sheet that holds exactly
the current rows is «unchanged» and makes no new version.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb
import pandas as pd
import xlsxwriter

from ingest import load
from ingest.errors import ERROR, FileTooLarge, Issue, UnreadableFile, UploadError
from ingest.reader import find_sheet, read_table, sheet_names
from ingest.report import Report
from ingest.schemas import DATASETS, Dataset
from ingest.schemas.base import BOOL, DATE, DEPARTMENT, ENUM, INT
from warehouse import accounts, russian, snapshots

INSTRUCTIONS = "Инструкция"          # the book's first sheet; never read as data
LISTS = "Списки"                     # a hidden sheet of the drop-down lists too long to inline
ITEM_TITLE = "Наименование пункта"   # the roadmap sheet's column of item titles, for people only
DATE_FORMAT = "DD.MM.YYYY"
VALIDATED_ROWS = 2000                # rows under the header that carry the drop-downs and checks
INLINE_LIST_MAX = 255                # Excel's limit on a list typed into a validation
FIRST_DATE, LAST_DATE = date(1950, 1, 1), date(2100, 12, 31)
OWN_SHEETS = {INSTRUCTIONS.lower(), LISTS.lower()}

CURRENT, PREVIOUS, EMPTY = "current", "previous", "empty"


def title(year: int) -> str:
    return f"Отчёт ОО за {year} год"


def file_name(org_code: str, year: int) -> str:
    """``otchet_СОШ1_2025.xlsx`` (the app passes the code transliterated, for mail clients)."""
    return f"otchet_{org_code}_{year}.xlsx"


def owed(org_type: str) -> list[Dataset]:
    """The datasets a type of organization uploads every year, in their order: its book's sheets."""
    return [d for d in DATASETS.values() if not d.registry and org_type in d.owed_by]


def sheets_of(conn: duckdb.DuckDBPyConnection, org_code: str) -> list[Dataset]:
    """The datasets of an organization's book (those its type owes)."""
    return owed(_org(conn, org_code)[0])


def _org(conn: duckdb.DuckDBPyConnection, org_code: str) -> tuple[str, str]:
    """(type, short name) of an organization of the registry."""
    row = conn.execute("select org_type, short_name from organizations where org_code = ?", [org_code]).fetchone()
    if row is None:
        raise LookupError(org_code)
    return row[0], row[1]


# ---------------------------------------------------------------------------------------------
# The starting point


def _staff_next_year(frame: pd.DataFrame) -> pd.DataFrame:
    # A year later everyone is a year older and a year longer in the organization: without that the
    # young-teacher figure (under 35, at most 3 years) would be computed on last year's ages.
    for column in ("age", "years_in_org", "teaching_years"):
        frame[column] = frame[column] + 1
    frame["is_new"] = pd.NA   # «new» was last year's fact
    return frame


def _pairs_next_year(frame: pd.DataFrame) -> pd.DataFrame:
    # Finished or interrupted pairs belong to their year; only the running and planned ones go on.
    kept = frame[frame["status"].isin(["в работе", "планируется"])].copy()
    kept["satisfaction"] = pd.NA   # asked again at the end of the pair
    return kept


# How a dataset's rows of the previous year start the next one. The declarations (ingest/schemas)
# say which dates belong to the year (``in_year``): those are cleared everywhere, and a dataset whose
# required field is such a date (events) starts empty. The roadmap is rebuilt from the 11 items.
CARRY_OVER: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {
    "staff": _staff_next_year,
    "mentorships": _pairs_next_year,
}


def _carried(ds: Dataset, frame: pd.DataFrame) -> pd.DataFrame:
    if any(f.in_year and f.required for f in ds.fields):
        return frame.iloc[0:0]
    frame = frame.copy()
    for f in ds.fields:
        if f.in_year:
            frame[f.name] = pd.NaT
    return CARRY_OVER.get(ds.name, lambda x: x)(frame).reset_index(drop=True)


@dataclass
class Start:
    """What a downloaded book is filled with."""

    org_code: str
    org_name: str
    org_type: str
    year: int
    source: str                                  # CURRENT, PREVIOUS or EMPTY
    frames: dict[str, pd.DataFrame | None]       # dataset -> rows (None: nothing uploaded)

    @property
    def source_text(self) -> str:
        return {CURRENT: f"текущие данные организации за {self.year} год",
                PREVIOUS: f"данные за {self.year - 1} год как основа (поля года очищены)",
                EMPTY: "пустая книга: данных за этот и прошлый год нет"}[self.source]


def source_of(conn: duckdb.DuckDBPyConnection, org_code: str, year: int) -> str:
    """What :func:`starting_point` would fill the book with (CURRENT, PREVIOUS, EMPTY), without
    reading the rows: for the label of a download button."""
    datasets = sheets_of(conn, org_code)
    for source, from_year in ((CURRENT, year), (PREVIOUS, year - 1)):
        if any(snapshots.current(conn, d.name, org_code, from_year) for d in datasets):
            return source
    return EMPTY


def starting_point(conn: duckdb.DuckDBPyConnection, org_code: str, year: int) -> Start:
    """The organization's current rows for ``year`` if it uploaded anything for it; else its rows of
    the year before, carried over; else nothing."""
    org_type, org_name = _org(conn, org_code)
    datasets = owed(org_type)
    for source, from_year in ((CURRENT, year), (PREVIOUS, year - 1)):
        frames = {d.name: snapshots.rows_of(conn, d.name, org_code, from_year) for d in datasets}
        if any(f is not None for f in frames.values()):
            if source == PREVIOUS:
                frames = {n: None if f is None else _carried(DATASETS[n], f) for n, f in frames.items()}
                frames["roadmap"] = None   # rebuilt from the items: statuses and dates are the year's own
            return Start(org_code, org_name, org_type, year, source, frames)
    return Start(org_code, org_name, org_type, year, EMPTY, {d.name: None for d in datasets})


def _roadmap_rows(conn: duckdb.DuckDBPyConnection, start: Start) -> pd.DataFrame:
    """The 11 items with their titles: the organization's rows for the year, or a fresh start
    («не начато»; «не требуется» where the item does not apply to it that year)."""
    items = conn.execute(
        "select item, title, org_only, applicable_years is null "
        "or list_contains(string_split(applicable_years, ',')::integer[], ?) as applies "
        "from roadmap_items order by item", [start.year]).df()
    current = start.frames.get("roadmap")
    if current is not None:
        return current.merge(items[["item", "title"]], on="item", how="left")
    # Items 3 and 10 are the organizations' alone (DOMAIN.md); item 8 runs in 2026 and 2028 only.
    not_owed = ~items["applies"] | (items["org_only"] & (start.org_type == DEPARTMENT))
    return pd.DataFrame({"item": items["item"], "title": items["title"],
                         "status": ["не требуется" if n else "не начато" for n in not_owed]})


# ---------------------------------------------------------------------------------------------
# Writing


def _lines(text: str, width: int) -> int:
    """How many lines ``text`` takes wrapped at ``width`` characters (by words), for row heights."""
    lines, used = 1, 0
    for word in text.split():
        if used and used + 1 + len(word) > width:
            lines, used = lines + 1, len(word)
        else:
            used += (1 if used else 0) + len(word)
    return lines


def write(conn: duckdb.DuckDBPyConnection, org_code: str, year: int) -> tuple[bytes, Start]:
    """The organization's book for ``year``, filled from :func:`starting_point`."""
    start = starting_point(conn, org_code, year)
    return _Writer(start, _roadmap_rows(conn, start)).book(), start


class _Writer:
    def __init__(self, start: Start, roadmap: pd.DataFrame) -> None:
        self.start, self.roadmap = start, roadmap
        self.buf = io.BytesIO()
        self.wb = xlsxwriter.Workbook(self.buf, {"in_memory": True, "strings_to_formulas": False,
                                                 "strings_to_urls": False, "strings_to_numbers": False})
        add = self.wb.add_format
        self.f_head = add({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"})
        self.f_req = add({"bold": True, "bg_color": "#FCE4D6", "border": 1, "text_wrap": True, "valign": "top"})
        self.f_text = add({"num_format": "@"})
        self.f_date = add({"num_format": DATE_FORMAT})
        self.f_int = add({"num_format": "0"})
        self.f_wrap = add({"text_wrap": True, "valign": "top", "num_format": "@"})
        self.f_title = add({"bold": True, "font_size": 14})
        self.f_bold = add({"bold": True, "text_wrap": True, "valign": "top"})
        self.lists: xlsxwriter.worksheet.Worksheet | None = None
        self.list_col = 0

    def book(self) -> bytes:
        datasets = owed(self.start.org_type)
        self._instructions(datasets)
        for ds in datasets:
            rows = self.roadmap if ds.name == "roadmap" else self.start.frames.get(ds.name)
            self._sheet(ds, rows if rows is not None else pd.DataFrame())
        self.wb.close()
        return self.buf.getvalue()

    def _instructions(self, datasets: list[Dataset]) -> None:
        s, st = self.wb.add_worksheet(INSTRUCTIONS), self.start
        s.set_column(0, 0, 28)
        s.set_column(1, 1, 60)
        s.set_column(2, 2, 30)
        s.write_string(0, 0, title(st.year), self.f_title)
        s.write_string(1, 0, f"{st.org_name} ({st.org_code}), тип: {st.org_type}")
        s.write_string(2, 0, f"Заполнено: {st.source_text}; книга создана {russian.moment(datetime.now())}.")
        lines = [
            "Каждый лист — один набор данных; названия листов не меняйте, порядок листов не важен.",
            "Заголовок (первая строка листа) не меняйте; строки заполняйте под ним, без пустых строк сверху.",
            "Обязательные столбцы выделены цветом; что ожидается в столбце — в примечании к заголовку.",
            "Даты — ячейки-даты ДД.ММ.ГГГГ; для списков и «да/нет» выберите значение из выпадающего списка.",
            "Лист только с заголовком означает «нет» (нет партнёров, нет мероприятий) там, где это возможно; "
            "для остальных наборов пустой лист не отправляется.",
            "Удалённый лист означает «не отправлено сейчас»: этот набор в хранилище останется как был.",
            "Строки, удалённые из листа, будут удалены и в хранилище: при проверке вы увидите их список.",
            "Книга проверяется целиком: при ошибке на любом листе не загружается ничего.",
        ]
        if st.source == PREVIOUS:
            lines.append(f"Данные {st.year - 1} года перенесены как основа: возраст и стаж увеличены на 1 год, "
                         "«Новый сотрудник» очищен, завершённые и прерванные пары не перенесены, статусы пунктов "
                         "дорожной карты и даты отчётного года очищены. Проверьте всё перед загрузкой.")
        for r, text in enumerate(lines, start=4):
            s.write_string(r, 0, f"{r - 3}.", self.f_bold)
            s.merge_range(r, 1, r, 2, text, self.f_wrap)
            s.set_row(r, 15 * _lines(text, 90) + 3)   # office suites do not size merged wrapped rows
        r = 5 + len(lines)
        for c, head in enumerate(("Лист", "Что в нём", "Строк в книге")):
            s.write_string(r, c, head, self.f_head)
        for ds in datasets:
            r += 1
            rows = self.roadmap if ds.name == "roadmap" else self.start.frames.get(ds.name)
            what = ds.grain + (" (можно оставить пустым: «нет»)" if ds.allow_empty else "")
            s.write_string(r, 0, ds.title, self.f_bold)
            s.write_string(r, 1, what, self.f_wrap)
            s.set_row(r, 15 * _lines(what, 58) + 3)
            s.write_number(r, 2, 0 if rows is None else len(rows))
        s.set_portrait()
        s.set_paper(9)
        s.fit_to_pages(1, 0)

    def _list_source(self, choices: tuple[str, ...]) -> list[str] | str:
        """The choices inline, or a range of the hidden «Списки» sheet when too long for Excel."""
        if len(",".join(choices)) <= INLINE_LIST_MAX:
            return list(choices)
        if self.lists is None:
            self.lists = self.wb.add_worksheet(LISTS)
            self.lists.hide()
        col = self.list_col
        self.list_col += 1
        for r, c in enumerate(choices):
            self.lists.write_string(r, col, c)
        letter = xlsxwriter.utility.xl_col_to_name(col)
        return f"='{LISTS}'!${letter}$1:${letter}${len(choices)}"

    def _validation(self, f) -> dict | None:
        tip = {"input_title": f.title[:32], "input_message": f.expected[:255],
               "error_title": "Недопустимое значение", "error_message": f"Ожидается: {f.expected}"[:255]}
        if f.kind == ENUM:
            return {"validate": "list", "source": self._list_source(f.choices), **tip}
        if f.kind == BOOL:
            return {"validate": "list", "source": ["да", "нет"], **tip}
        if f.kind == INT:
            return {"validate": "integer", "criteria": "between", "minimum": f.min if f.min is not None else -10**9,
                    "maximum": f.max if f.max is not None else 10**9, **tip}
        if f.kind == DATE:
            lo, hi = ((date(self.start.year, 1, 1), date(self.start.year, 12, 31)) if f.in_year
                      else (FIRST_DATE, LAST_DATE))
            return {"validate": "date", "criteria": "between", "minimum": lo, "maximum": hi, **tip}
        return None

    def _sheet(self, ds: Dataset, rows: pd.DataFrame) -> None:
        s = self.wb.add_worksheet(ds.title[:31])
        columns = list(ds.fields)
        head_lines = 1
        if ds.name == "roadmap":   # the item's title beside its number, for people; the reader skips it
            columns.insert(1, None)
        for c, f in enumerate(columns):
            if f is None:
                s.write_string(0, c, ITEM_TITLE, self.f_head)
                s.set_column(c, c, 60, self.f_wrap)
                s.write_comment(0, c, "Для справки: этот столбец при загрузке не читается.")
                values = rows["title"] if "title" in rows else []
                for r, v in enumerate(values, start=1):
                    if isinstance(v, str):
                        s.write_string(r, c, v)
                continue
            s.write_string(0, c, f.title, self.f_req if f.required else self.f_head)
            # Wide enough for the longest value (at most 40) and for the title on at most two lines.
            longest = 10 if f.kind == DATE else (  # a date cell shows ДД.ММ.ГГГГ
                max((len(str(v)) for v in rows[f.name].dropna()), default=0) if f.name in rows else 0)
            words = max(len(w) for w in f.title.split())
            width = max(12, min(40, max(longest, len(f.example), (len(f.title) + 1) // 2, words) + 3))
            head_lines = max(head_lines, _lines(f.title, width - 2))
            fmt = {DATE: self.f_date, INT: self.f_int}.get(f.kind, self.f_text)
            s.set_column(c, c, width, fmt)
            s.write_comment(0, c, ("Обязательный столбец. " if f.required else "") + f"Ожидается: {f.expected}."
                            + (f" {f.note}." if f.note else ""))
            if (rule := self._validation(f)) is not None:
                s.data_validation(1, c, VALIDATED_ROWS, c, rule)
            if f.name in rows:
                self._values(s, c, f, rows[f.name])
        s.set_row(0, 15 * head_lines + 3)   # a wrapped header keeps its height in every office suite
        s.freeze_panes(1, 0)
        s.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)
        # Print: landscape A4, every column on one page wide, the header on every page.
        s.set_landscape()
        s.set_paper(9)
        s.fit_to_pages(1, 0)
        s.repeat_rows(0)
        s.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        head = f"{self.start.org_code} — {ds.title}, {self.start.year}".replace("&", "&&")
        s.set_header(f"&L{head}&R{title(self.start.year)}")
        s.set_footer("&CСтраница &P из &N")

    def _values(self, s, c: int, f, values: pd.Series) -> None:
        for r, v in enumerate(values, start=1):
            if v is None or v is pd.NA or (not isinstance(v, str) and pd.isna(v)):
                continue
            if f.kind == INT:
                s.write_number(r, c, int(v), self.f_int)
            elif f.kind == DATE:
                s.write_datetime(r, c, pd.Timestamp(v).to_pydatetime(), self.f_date)
            elif f.kind == BOOL:
                s.write_string(r, c, "да" if bool(v) else "нет", self.f_text)
            else:
                s.write_string(r, c, str(v), self.f_text)


# ---------------------------------------------------------------------------------------------
# Reading


@dataclass
class BookResult:
    outcome: str                                  # loaded | rejected | unchanged | checked (dry run)
    book: Book
    versions: dict[str, int] = field(default_factory=dict)   # dataset -> new version


@dataclass
class Book:
    """A yearly workbook read and validated for one organization and year, not yet written."""

    org_code: str
    year: int
    file_name: str
    sha256: str
    size_bytes: int
    sheets: list[load.Prepared] = field(default_factory=list)   # datasets found, in declaration order
    notes: list[str] = field(default_factory=list)              # sheets ignored or not sent, for people
    not_sent: list[Dataset] = field(default_factory=list)       # owed datasets without a sheet: unchanged
    error: UploadError | None = None                            # the book cannot be read at all
    result: BookResult | None = None                            # what ingest.service did with it, once

    @property
    def ok(self) -> bool:
        return self.error is None and all(p.ok for p in self.sheets)

    @property
    def changed(self) -> list[load.Prepared]:
        return [p for p in self.sheets if p.ok and not p.unchanged]

    @property
    def accepted(self) -> bool:
        """Readable, valid in every sheet, and different from the warehouse in at least one."""
        return self.ok and bool(self.changed)

    @property
    def unchanged(self) -> bool:
        return self.ok and not self.changed

    @property
    def verdict(self) -> str:
        return "rejected" if not self.ok else ("unchanged" if self.unchanged else "checked")

    @property
    def removes_most(self) -> list[load.Prepared]:
        """The changed datasets that would lose more than half of their rows."""
        return [p for p in self.changed if p.removes_most]

    @property
    def error_count(self) -> int:
        return (1 if self.error else 0) + sum(p.report.error_count for p in self.sheets)

    @property
    def rows(self) -> int:
        return sum(p.rows for p in self.sheets)


def prepare(conn: duckdb.DuckDBPyConnection, data: bytes, file_name: str, org_code: str, year: int, *,
            max_bytes: int = load.CLI_MAX_BYTES) -> Book:
    """Read every dataset's sheet of a book and validate them together; write nothing."""
    org, yr = load.resolve_org_year(conn, org_code, year)
    book = Book(org, yr, load.safe_file_name(file_name), hashlib.sha256(data).hexdigest(), len(data))
    try:
        load.check_file_name(file_name)
        if len(data) > max_bytes:
            raise FileTooLarge(len(data), max_bytes)
        if data[:4] != b"PK\x03\x04":
            raise UnreadableFile("Годовой отчёт — это книга Excel (.xlsx) с листами наборов. Отдельный набор в CSV "
                                 "загрузите в режиме «Один набор данных».")
        names = sheet_names(data)
    except UploadError as exc:
        book.error = exc
        return book

    candidates = [d for d in DATASETS.values() if not d.registry]
    found = {d.name: s for d in candidates if (s := find_sheet(names, d)) is not None}
    for name in names:
        if name not in found.values() and name.strip().lower() not in OWN_SHEETS:
            book.notes.append(f"Лист «{name}» не относится к наборам отчёта и пропущен.")
    if not found:
        book.error = UnreadableFile(
            "В книге нет листов отчёта. Листы называются как наборы: " + ", ".join(f"«{d.title}»" for d in candidates)
            + ". Листы книги: " + ", ".join(f"«{n}»" for n in names) + ".")
        return book
    org_type, _ = _org(conn, org)
    book.not_sent = [d for d in owed(org_type) if d.name not in found]
    for d in book.not_sent:
        book.notes.append(f"Листа «{d.title}» нет: этот набор не отправлен и останется как был.")

    sheets: list[load.Prepared] = []
    for ds in candidates:
        if ds.name not in found:
            continue
        p = load.Prepared(dataset=ds, org_code=org, year=yr, file_name=file_name, sha256=book.sha256,
                          size_bytes=len(data), report=Report(), sheet=found[ds.name],
                          previous=snapshots.current(conn, ds.name, org, yr))
        try:
            p.raw = read_table(data, ds, sheet=found[ds.name])
        except UploadError as exc:
            p.error = exc
            p.report.add(Issue(ERROR, exc.message))
            sheets.append(p)
            continue
        if p.raw.n_rows == 0 and not ds.allow_empty:
            book.notes.append(f"Лист «{p.sheet}» пуст (только заголовок): набор «{ds.title}» не отправлен и "
                              "останется как был.")
            continue
        if ds.name == "roadmap":   # the titles column is the book's own, not the coordinator's extra
            p.raw.extra = [x for x in p.raw.extra if x != ITEM_TITLE]
            p.raw.issues = [i for i in p.raw.issues if i.column != ITEM_TITLE]
        sheets.append(p)

    sent = _sent_ids(sheets)
    for p in sheets:
        if p.raw is None:
            continue
        load.check(conn, p, sent)
        d = p.diff
        p.identical = bool(p.ok and p.previous and not (d["added"] or d["removed"] or d["changed"]))
    book.sheets = sheets
    return book


def _sent_ids(sheets: list[load.Prepared]) -> load.Sent:
    """The IDs of the book's sheets that the cross-dataset rules read, taken from the read cells (IDs
    are text, which validation does not change) so that every sheet sees every other one."""
    raw = {p.dataset.name: p.raw for p in sheets if p.raw is not None}
    wanted = {(ref.dataset, ref.target) for d in DATASETS.values() for ref in d.references}
    wanted |= {(d.name, ref.column) for d in DATASETS.values() for ref in d.references}
    sent: dict[tuple[str, str], frozenset[str]] = {}
    for dataset, column in wanted:
        if dataset in raw:
            col = raw[dataset].columns.get(column)
            sent[(dataset, column)] = frozenset() if col is None else frozenset(
                v for v in col.to_pylist() if v is not None)
    return sent


# ---------------------------------------------------------------------------------------------
# Committing


def _issues(p: load.Prepared) -> list[dict]:
    return [{"severity": i.severity, "row_no": i.row, "column_title": i.column, "value": i.value,
             "expected": i.expected, "message": i.problem} for i in p.report.issues()]


def _meta(p: load.Prepared, message: str | None = None) -> dict:
    meta = p.meta()
    meta["message"] = message or meta["message"] or f"лист «{p.sheet}» годового отчёта"
    return meta


BookAuditor = Callable[[str, list[tuple[load.Prepared, int | None]]], list[accounts.AuditEntry]]


def commit(conn: duckdb.DuckDBPyConnection, book: Book, *, user: str, check_current: bool = False,
           audit: BookAuditor | None = None) -> BookResult:
    """Write every changed sheet as its dataset's new snapshot, and log the unchanged ones, in ONE
    transaction; or log a refused book's sheets as refused. ``check_current``: only if every
    snapshot a sheet was compared with is still current (else ``snapshots.SnapshotMoved``, nothing
    written). ``audit(outcome, [(sheet, version)])``: the audit lines, in the same transaction."""
    lines = audit or (lambda outcome, done: [])
    if not book.ok:
        # A readable book with errors: every sheet of it is refused (the clean ones because of the others).
        attempts = [snapshots.Attempt(p.dataset.name, p.org_code, p.year, "rejected",
                                      _meta(p, None if p.report.error_count else "книга не принята: ошибки на "
                                            "других листах"), p.rows, _issues(p)) for p in book.sheets]
        snapshots.write_many(conn, [], attempts, user=user, audit=lambda versions: lines("rejected", []))
        return BookResult("rejected", book)
    changed = book.changed
    writes = [snapshots.Write(p.dataset.name, p.org_code, p.year, p.table, _meta(p), _issues(p),
                              (p.previous.upload_id if p.previous else None) if check_current
                              else snapshots.ANY_CURRENT) for p in changed]
    attempts = [snapshots.Attempt(p.dataset.name, p.org_code, p.year, "unchanged", _meta(p), p.rows)
                for p in book.sheets if p.unchanged]
    made = snapshots.write_many(conn, writes, attempts, user=user,
                                audit=lambda versions: lines("loaded" if changed else "unchanged",
                                                             list(zip(changed, versions, strict=True))))
    return BookResult("loaded" if changed else "unchanged", book,
                      {p.dataset.name: v for p, (_, v) in zip(changed, made, strict=True)})


def summary(result: BookResult) -> str:
    """A one-screen Russian summary of a book's check or load, sheet by sheet, for the command line."""
    b = result.book
    head = {"loaded": "Годовой отчёт загружен", "checked": "Проверка книги пройдена (без записи)",
            "unchanged": "Книга совпадает с данными хранилища: ничего не изменено",
            "rejected": "Книга не принята: хранилище не изменено"}[result.outcome]
    lines = [f"{head}: {b.org_code}, {b.year} год, файл {b.file_name}."]
    if b.error:
        lines.append(b.error.message)
    for p in b.sheets:
        lines.append("")
        version = result.versions.get(p.dataset.name)
        state = ("ошибки" if not p.ok else "без изменений" if p.unchanged
                 else f"версия {version}" if version else "будет новая версия")
        lines.append(f"Лист «{p.sheet}» ({p.dataset.title}): {russian.rows(p.rows)}; {state}.")
        if p.ok and not p.unchanged:
            d = p.diff
            lines.append(f"  Изменения: новых {d['added']}, изменённых {d['changed']}, удалённых {d['removed']}, "
                         f"без изменений {d['unchanged']}.")
            if p.removed_ids:
                lines.append(f"  Будут удалены ({d['removed']}): " + ", ".join(p.removed_ids)
                             + ("…" if d["removed"] > len(p.removed_ids) else ""))
        if p.report.groups:
            lines.append("  " + p.report.to_text().replace("\n", "\n  "))
    if b.notes:
        lines.append("")
        lines.extend(b.notes)
    return "\n".join(lines)
