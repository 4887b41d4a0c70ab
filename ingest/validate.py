"""Validation of one upload: reader warnings, missing columns, type coercion, then the pandera schemas.

The result is a typed Arrow table ready for the warehouse and a :class:`~ingest.report.Report` of
every problem, errors and warnings apart.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_arrow

from ingest.errors import ERROR, WARNING, Issue
from ingest.parse import coerce
from ingest.reader import RawTable
from ingest.report import Report, plural
from ingest.schemas.base import DTYPES, Context, Dataset

MAX_EXAMPLES = 1000  # cells kept per problem; the count is always exact

_PANDAS_TYPES = {
    pa_arrow.int64(): pd.Int64Dtype(),
    pa_arrow.bool_(): pd.BooleanDtype(),
}


@dataclass
class Validated:
    table: pa_arrow.Table        # typed columns of the fields present, in dataset order, plus row_no
    report: Report

    @property
    def ok(self) -> bool:
        return self.report.ok


def to_frame(table: pa_arrow.Table, row_numbers: np.ndarray) -> pd.DataFrame:
    """The typed table as the pandas frame pandera checks, indexed by spreadsheet row numbers."""
    frame = table.to_pandas(types_mapper=_PANDAS_TYPES.get, coerce_temporal_nanoseconds=False)
    frame.index = pd.Index(row_numbers, name="row")
    return frame


def validate(raw: RawTable, dataset: Dataset, ctx: Context) -> Validated:
    """Check one table. The template's example row, when left in, is taken out of ``raw`` itself (as the
    reader takes out blank rows), so that every count of the file's rows leaves it out."""
    report = Report()
    report.extend(raw.issues)
    coerced = coerce(raw, dataset, MAX_EXAMPLES)
    if coerced.keep is not None:
        raw.columns = {name: col.filter(pa_arrow.array(coerced.keep)) for name, col in raw.columns.items()}
        raw.row_numbers = raw.row_numbers[coerced.keep]
        for r in coerced.example_rows:
            report.add(Issue(WARNING, "Строка-пример из шаблона пропущена", row=r,
                             value="строка совпадает с примером из шаблона",
                             expected="свои данные: пример из шаблона не загружается — удалите эту строку "
                                      "или впишите в неё свои данные"))
    for f in raw.missing:
        report.add(Issue(ERROR, "Нет обязательного столбца", column=f.title, row=raw.header_row,
                         value="столбец отсутствует", expected=f"столбец «{f.title}» в строке заголовка, как в шаблоне"))
    for f in dataset.fields:
        if f.if_absent and not f.required and f.name not in raw.columns:
            report.add(Issue(WARNING, "Нет столбца", column=f.title, row=raw.header_row,
                             value="столбец отсутствует", expected=f.if_absent))
    if raw.n_rows == 0 and dataset.allow_empty:
        report.add(Issue(WARNING, "В файле нет строк", row=raw.header_row + 1,
                         value="только заголовок" + (" и строка-пример" if coerced.example_rows else ""),
                         expected=f"строки данных; пустой файл будет записан как «{dataset.title.lower()}: нет»"))
    elif raw.n_rows == 0:
        report.add(Issue(ERROR, "В файле нет строк с данными", row=raw.header_row + 1,
                         expected="хотя бы одна строка под заголовком"))
    if dataset.single_row and raw.n_rows > 1:
        rows_text = f"{raw.n_rows} {plural(raw.n_rows, 'строка', 'строки', 'строк')} с данными"
        report.add(Issue(ERROR, "Лишние строки", row=int(raw.row_numbers[1]), value=rows_text,
                         expected="одна строка с итогами организации"))

    table, coercion_issues = coerced.table, coerced.issues
    report.extend(coercion_issues)
    for (problem, title, expected), total in coerced.counts.items():
        report.set_count(ERROR, problem, title, total, expected=expected)
    if raw.n_rows:
        frame = to_frame(table, raw.row_numbers)
        # An optional column left out of the file is a column of empty cells: the rules that read it
        # (a date when «выполнено», a teacher ID for a «педагог») must not be skipped because of that.
        for f in dataset.fields:
            if not f.required and f.name not in frame.columns:
                frame[f.name] = pd.Series(None, index=frame.index, dtype=DTYPES[f.kind])
        present = set(frame.columns)
        bad_cells = {(i.row, i.column) for i in coercion_issues if i.is_error}
        for severity in (ERROR, WARNING):
            _run_schema(dataset.schema(ctx, present, severity), frame, raw, dataset, ctx, severity, report, bad_cells)
    table = table.append_column("row_no", pa_arrow.array(raw.row_numbers, pa_arrow.int32()))
    return Validated(table=table, report=report)


def _run_schema(schema: pa.DataFrameSchema, frame: pd.DataFrame, raw: RawTable, dataset: Dataset, ctx: Context,
                severity: str, report: Report, bad_cells: set) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            schema.validate(frame, lazy=True)
        return
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    positions = {}  # row number -> position in the raw columns, for the value as typed in the file

    def raw_value(name: str, row: int) -> str | None:
        col = raw.columns.get(name)
        if col is None or row is None:
            return None
        if not positions:
            positions.update({int(r): i for i, r in enumerate(raw.row_numbers)})
        return col[positions[row]].as_py() if row in positions else None

    titles = {f.name: f.title for f in dataset.fields}
    for check, group in cases.groupby("check", sort=False, dropna=False):
        check = str(check)
        if check.startswith("rule|") or "|" in check:
            name, problem, expected = dataset.describe(check, ctx)
            rows = pd.unique(group["index"].dropna())
        elif check == "not_nullable":
            for col_name, g in group.groupby("column"):
                _add_cells(report, severity, "Не заполнено обязательное поле", str(col_name), titles,
                           "значение (поле обязательное)", g["index"], raw_value, bad_cells)
            continue
        elif check == "field_uniqueness":
            for col_name, g in group.groupby("column"):
                _add_duplicates(report, severity, str(col_name), titles, g, raw_value)
            continue
        else:  # a dtype mismatch is a bug of ours, not of the file: say so plainly
            report.add(Issue(ERROR, "Внутренняя ошибка проверки", column=str(group["column"].iloc[0]),
                             value=check, expected="сообщите разработчикам"))
            continue
        _add_cells(report, severity, problem, name, titles, expected, rows, raw_value, bad_cells)


def _add_cells(report, severity, problem, name, titles, expected, rows, raw_value, bad_cells) -> None:
    title = titles.get(name, name)
    rows = sorted(int(r) for r in rows if (int(r), title) not in bad_cells)
    for r in rows[:MAX_EXAMPLES]:
        report.add(Issue(severity, problem, column=title, row=r, value=raw_value(name, r), expected=expected))
    if len(rows) > MAX_EXAMPLES:
        report.set_count(severity, problem, title, len(rows))


def _add_duplicates(report, severity, name, titles, group, raw_value) -> None:
    title = titles.get(name, name)
    by_value: dict[str, list[int]] = {}
    for r in group["index"]:
        by_value.setdefault(raw_value(name, int(r)), []).append(int(r))
    n = 0
    for value, rows in by_value.items():
        rows = sorted(rows)
        for r in rows:
            others = ", ".join(str(x) for x in rows if x != r)
            if n < MAX_EXAMPLES:
                report.add(Issue(severity, "Повторяющееся значение", column=title, row=r,
                                 value=f"{value} (также в {'строке' if len(rows) == 2 else 'строках'} {others})",
                                 expected="значение, которое не повторяется в файле"))
            n += 1
    if n > MAX_EXAMPLES:
        report.set_count(severity, "Повторяющееся значение", title, n)
