"""Russian wording: the numbers, percentages, dates and plurals people read, written by one module."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from dashboard import charts, export, tables
from ingest import load, report
from warehouse import labels, russian

MISSING = [None, float("nan"), np.nan, pd.NA, pd.NaT]


@pytest.mark.parametrize("value", MISSING, ids=["None", "float-nan", "np-nan", "pd-NA", "NaT"])
def test_a_missing_value_reads_no_data_never_zero(value):
    assert russian.is_missing(value)
    for write in (russian.number, russian.decimal, russian.short, russian.pct, russian.day, russian.moment,
                  russian.yes_no):
        assert write(value) == "нет данных"
    assert russian.number(value, missing="—") == "—"


@pytest.mark.parametrize("value", [0, 0.0, False, "", np.int64(0)])
def test_zero_and_false_are_values_not_missing(value):
    assert not russian.is_missing(value)


@pytest.mark.parametrize(("value", "text"), [
    (0, "0"), (1, "1"), (12, "12"), (999, "999"), (1258, "1 258"), (1234567, "1 234 567"),
    (-1258, "-1 258"), (np.int64(21000), "21 000"), (1258.0, "1 258"),
])
def test_number_groups_digits_with_a_space(value, text):
    assert russian.number(value) == text


def test_number_for_chart_labels_keeps_a_number_on_one_line():
    assert russian.number(1234567, sep=russian.NBSP) == "1\u00a0234\u00a0567"


@pytest.mark.parametrize(("value", "text"), [
    (54.54, "54,5 %"), (54.56, "54,6 %"), (0, "0,0 %"), (0.0, "0,0 %"), (100, "100,0 %"), (-12.34, "-12,3 %"),
    (np.float64(85.25), "85,2 %"),
])
def test_pct_has_a_decimal_comma_and_a_space_before_the_sign(value, text):
    assert russian.pct(value) == text


def test_pct_with_other_digits():
    assert russian.pct(54.54, 0) == "55 %" and russian.pct(54.5, 2) == "54,50 %"


@pytest.mark.parametrize(("value", "text"), [(3.2, "+3,2 п. п."), (-5, "-5,0 п. п."), (0, "+0,0 п. п.")])
def test_points_are_signed(value, text):
    assert russian.points(value) == text


@pytest.mark.parametrize(("value", "text"), [
    (1234.5, "1 234,5"), (0, "0,0"), (-1234567.25, "-1 234 567,2"), (2.0, "2,0"),
])
def test_decimal_groups_digits_and_uses_a_comma(value, text):
    assert russian.decimal(value) == text


@pytest.mark.parametrize(("value", "text"), [
    (12.0, "12"), (0.0, "0"), (2.5, "2,5"), (-0.5, "-0,5"), (1.25, "1,25"), (0.1 + 0.2, "0,3"),
    (1234567.5, "1234567,5"), (1e15 + 0.5, "1000000000000000,5"), (0.0000001, "0,0000001"),
    (3, "3"), (np.float64(45.5), "45,5"),
])
def test_short_never_writes_an_exponent(value, text):
    written = russian.short(value)
    assert written == text and "e" not in written


def test_megabytes():
    assert russian.megabytes(10.5 * 2**20) == "10,5 МБ" and russian.megabytes(2**20, 0) == "1 МБ"


def test_day_and_moment():
    assert russian.day(date(2025, 9, 1)) == "01.09.2025"
    assert russian.day(pd.Timestamp("2026-03-14 15:30")) == "14.03.2026"
    assert russian.moment(datetime(2026, 3, 14, 9, 5)) == "14.03.2026 09:05"


@pytest.mark.parametrize(("value", "text"), [(True, "да"), (False, "нет"), (np.bool_(True), "да"), (1, "да"),
                                             (0, "нет")])
def test_yes_no(value, text):
    assert russian.yes_no(value) == text


@pytest.mark.parametrize(("n", "text"), [
    (0, "0 строк"), (1, "1 строка"), (2, "2 строки"), (4, "4 строки"), (5, "5 строк"), (11, "11 строк"),
    (12, "12 строк"), (14, "14 строк"), (21, "21 строка"), (22, "22 строки"), (25, "25 строк"),
    (101, "101 строка"), (111, "111 строк"), (112, "112 строк"), (1001, "1 001 строка"), (1258, "1 258 строк"),
    (-1, "-1 строка"), (-22, "-22 строки"),
])
def test_plural_forms_of_a_count(n, text):
    assert russian.rows(n) == text
    assert russian.count(n, "строка", "строки", "строк") == text


def test_the_old_names_are_the_one_module():
    """Pages call tables.num/pct, pages and the demo call load.fmt_int, ingest calls report.plural:
    each is the function of warehouse.russian, not a copy of it."""
    assert tables.num is russian.number and tables.pct is russian.pct
    assert load.fmt_int is russian.number and report.plural is russian.plural
    assert labels.NO_DATA is russian.NO_DATA


def test_terminal_and_csv_never_write_a_float_in_exponent_form():
    """«1,23457e+06» was what f"{v:g}" wrote for 1234567.5: a figure nobody can read or sum."""
    frame = pd.DataFrame({"org_code": ["СОШ1", "СОШ2"], "mentor_load_avg": [1234567.5, None],
                          "done_date": pd.to_datetime(["2025-03-14", None]),
                          "trained": pd.array([True, None], dtype="boolean")})
    shown = labels.humanize(frame)
    assert shown["mentor_load_avg"].tolist() == ["1234567,5", "нет данных"]
    assert shown["done_date"].tolist() == ["14.03.2025", "нет данных"]
    assert shown["trained"].tolist() == ["да", "нет данных"]
    rows = list(csv.reader(io.StringIO(export.csv_bytes(export.Sheet("Т", frame)).decode("utf-8-sig")),
                           delimiter=";"))
    assert rows[1] == ["СОШ1", "1234567,5", "14.03.2025", "да"] and rows[2] == ["СОШ2", "", "", ""]


def test_chart_titles_keep_a_number_on_one_line():
    counts = pd.DataFrame({"item": [1], "short_title": ["П"], "status_shown": ["выполнено"], "organizations": [3]})
    assert charts.roadmap_shares(counts, 12345).to_dict()["title"] == "Статусы пунктов у 12\u00a0345 организаций"
