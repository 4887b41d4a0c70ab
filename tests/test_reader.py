"""The reader: encodings, separators, header detection, spreadsheet row numbers, XLSX cells, unreadable files.

Every file here is one a coordinator could produce by accident (see ``tests/fixtures/make_fixtures.py``).
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

import pytest
import xlsxwriter

from ingest.errors import EncodingError, UnreadableFile, UploadError
from ingest.reader import detect_encoding, read_table, sheet_names
from ingest.schemas import DATASETS, Context
from ingest.validate import validate

STAFF = DATASETS["staff"]
ROADMAP = DATASETS["roadmap"]
MENTORS = DATASETS["mentors"]

# What every staff fixture holds, whatever its encoding, separator or headers.
TEACHER_IDS = ["П-001", "П-002", "П-003", "П-004"]
AGES = ["27", "45", "35,0", "52"]
POSITIONS = ["учитель математики", "учитель русского языка и литературы", "педагог-психолог", "воспитатель"]


def cells(table, name: str) -> list:
    return table.columns[name].to_pylist()


# ---------------------------------------------------------------------------------------------
# Encodings and separators


@pytest.mark.parametrize(("name", "encoding", "delimiter"), [
    ("staff_cp1251_semicolon.csv", "cp1251", ";"),      # Excel «CSV (разделители — точки с запятой)»
    ("staff_utf8_bom_comma.csv", "utf-8-sig", ","),     # Excel «CSV UTF-8»
    ("staff_utf16_tab.txt", "utf-16", "\t"),            # Excel «Текст Юникод»
    ("staff_koi8r.csv", "koi8-r", ";"),                 # found by the charset detector
])
def test_encoding_and_separator_are_recognised(fixture_bytes, name, encoding, delimiter):
    table = read_table(fixture_bytes(name), STAFF)
    assert (table.file_format, table.encoding, table.delimiter) == ("csv", encoding, delimiter)
    assert table.header_row == 1
    assert list(table.row_numbers) == [2, 3, 4, 5]
    assert cells(table, "teacher_id") == TEACHER_IDS
    assert cells(table, "age") == AGES
    assert cells(table, "has_difficulties") == ["нет", "Да", "нет", "нет"]
    assert cells(table, "is_new") == ["да", "НЕТ", "да", "нет"]
    assert table.missing == [] and table.extra == []


def test_cyrillic_text_is_decoded_not_mojibake(fixture_bytes):
    for name in ("staff_cp1251_semicolon.csv", "staff_utf16_tab.txt", "staff_koi8r.csv"):
        assert cells(read_table(fixture_bytes(name), STAFF), "position") == POSITIONS, name
    # The comma file quotes the cells that hold a comma; the quotes are gone, the comma stays.
    table = read_table(fixture_bytes("staff_utf8_bom_comma.csv"), STAFF)
    assert cells(table, "position")[1] == "учитель русского языка, литературы"
    assert cells(table, "age")[2] == "35,0"


def test_koi8r_is_found_by_the_detector_not_taken_for_cp1251(fixture_bytes):
    data = fixture_bytes("staff_koi8r.csv")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert detect_encoding(data) == "koi8-r"
    assert detect_encoding(fixture_bytes("staff_cp1251_semicolon.csv")) == "cp1251"
    assert detect_encoding(fixture_bytes("staff_utf8_bom_comma.csv")) == "utf-8-sig"
    assert detect_encoding(fixture_bytes("staff_utf16_tab.txt")) == "utf-16"


@pytest.mark.parametrize("sep", [";", ",", "\t", "|"])
def test_separator_is_sniffed(make_csv, sep):
    data = make_csv([["ID педагога", "Должность", "Возраст", "Стаж в ОО"],
                     ["П-1", "учитель", "30", "3"], ["П-2", "учитель-логопед", "41", "10"]], sep=sep)
    table = read_table(data, STAFF)
    assert table.delimiter == sep
    assert cells(table, "teacher_id") == ["П-1", "П-2"]
    assert cells(table, "years_in_org") == ["3", "10"]


def test_semicolon_file_with_decimal_commas_is_not_taken_for_a_comma_file(make_csv):
    rows = [["ID педагога", "Должность", "Возраст", "Стаж в ОО", "Педагогический стаж"]]
    rows += [[f"П-{i}", "учитель, совместитель", "35,0", "2,0", "4,0"] for i in range(1, 6)]
    table = read_table(make_csv(rows, encoding="cp1251"), STAFF)
    assert table.delimiter == ";"
    assert cells(table, "position") == ["учитель, совместитель"] * 5
    assert cells(table, "teaching_years") == ["4,0"] * 5


def test_english_snake_case_headers(fixture_bytes):
    table = read_table(fixture_bytes("staff_english_headers.csv"), STAFF)
    assert table.matched["years_in_org"] == "years_in_org"
    assert set(table.matched) == {f.name for f in STAFF.fields}
    assert cells(table, "teacher_id") == TEACHER_IDS
    assert cells(table, "age") == AGES


def test_headers_in_other_case_with_spaces_aliases_and_asterisk(fixture_bytes):
    table = read_table(fixture_bytes("staff_header_variants.csv"), STAFF)
    assert set(table.matched) == {f.name for f in STAFF.fields}
    assert table.matched["years_in_org"] == "СТАЖ   В  ОО"
    assert table.matched["age"] == "возраст (лет)"
    assert table.matched["has_difficulties"] == "Затруднения*"
    assert cells(table, "teaching_years") == ["4", "22", "1", "30"]


def test_header_without_yo_and_hand_typed(fixture_bytes):
    table = read_table(fixture_bytes("mentors_header_variants.csv"), MENTORS)
    assert table.matched["trained"] == "Прошел обучение"      # «ё» typed as «е»
    assert table.matched["full_name"] == "фио"
    assert table.matched["mentors_whom"] == "Кого наставляет"
    assert table.matched["order_date"] == "Дата приказа"
    assert cells(table, "trained") == ["да", "нет"]


def test_unknown_extra_column_is_skipped_with_a_warning(fixture_bytes):
    table = read_table(fixture_bytes("staff_extra_column.csv"), STAFF)
    assert table.extra == ["Примечание"]
    assert "Примечание" not in table.columns and "note" not in table.columns
    [issue] = table.issues
    assert (issue.severity, issue.problem, issue.column, issue.row) == (
        "warning", "Неизвестный столбец пропущен", "Примечание", 1)
    assert issue.value == "столбец I"
    assert "ID педагога" in issue.expected


def test_missing_required_column_is_listed(fixture_bytes):
    table = read_table(fixture_bytes("staff_missing_required.csv"), STAFF)
    assert [f.title for f in table.missing] == ["Возраст"]
    assert "age" not in table.columns
    assert cells(table, "teacher_id") == TEACHER_IDS


def test_file_of_another_dataset_names_the_dataset_it_looks_like(fixture_bytes):
    with pytest.raises(UnreadableFile) as exc:
        read_table(fixture_bytes("roadmap_dates.csv"), STAFF)
    message = str(exc.value)
    assert "Не найдена строка заголовка набора «Педагоги»" in message
    assert "«ID педагога», «Должность», «Возраст», «Стаж в ОО»" in message
    assert "Похоже, это файл набора «Дорожная карта» (roadmap)" in message


# ---------------------------------------------------------------------------------------------
# Row numbers as the spreadsheet shows them


def test_title_row_above_header_moves_the_numbers(fixture_bytes):
    table = read_table(fixture_bytes("staff_title_row.csv"), STAFF)
    assert table.header_row == 2
    assert list(table.row_numbers) == [3, 4, 5, 6]
    assert cells(table, "teacher_id") == TEACHER_IDS
    [warning] = table.issues
    assert warning.problem == "Строки над заголовком пропущены"
    assert warning.value == "заголовок найден в строке 2"


def test_blank_rows_are_skipped_and_keep_their_numbers(fixture_bytes):
    # Rows 3, 4 («;;;;;;;»), 7, 8 («;;;»), 10 and 11 are blank.
    table = read_table(fixture_bytes("staff_blank_rows.csv"), STAFF)
    assert list(table.row_numbers) == [2, 5, 6, 9]
    assert table.blank_rows == 6
    assert cells(table, "teacher_id") == TEACHER_IDS


def test_error_after_blank_rows_names_the_spreadsheet_row(fixture_bytes):
    data = fixture_bytes("staff_blank_rows.csv").replace(b";35,0;", b";17;")   # П-003, row 6
    table = read_table(data, STAFF)
    report = validate(table, STAFF, Context(year=2025)).report
    [issue] = report.issues()
    assert (issue.problem, issue.column, issue.row, issue.value) == (
        "Число вне допустимого диапазона", "Возраст", 6, "17")


def test_quoted_cell_with_line_break_is_one_row(fixture_bytes):
    table = read_table(fixture_bytes("staff_multiline_cell.csv"), STAFF)
    assert list(table.row_numbers) == [2, 3, 4, 5]
    assert cells(table, "position")[1] == "учитель русского языка\r\nи литературы"
    assert cells(table, "teacher_id") == TEACHER_IDS


def test_ragged_row_reports_its_exact_row(fixture_bytes):
    table = read_table(fixture_bytes("staff_ragged.csv"), STAFF)
    assert list(table.row_numbers) == [2, 3, 4]
    errors = [i for i in table.issues if i.severity == "error"]
    assert [(i.problem, i.row, i.value) for i in errors] == [
        ("В строке больше значений, чем столбцов в заголовке", 3, "11 значений")]
    assert errors[0].expected.startswith("8 значений")
    assert "лишний разделитель" in errors[0].expected
    unnamed = [i.value for i in table.issues if i.problem == "Столбец без заголовка пропущен"]
    assert unnamed == ["столбец I содержит данные", "столбец J содержит данные", "столбец K содержит данные"]


def test_title_cell_with_a_line_break_is_one_spreadsheet_row():
    data = ('"Сведения о педагогах\r\nМАОУ СОШ № 1";;;\r\n'
            "ID педагога;Должность;Возраст;Стаж в ОО\r\nП-1;учитель;30;0\r\nП-2;учитель;41;7\r\n").encode("cp1251")
    table = read_table(data, STAFF)
    assert table.header_row == 2
    assert list(table.row_numbers) == [3, 4]


def test_utf16_with_blank_rows_keeps_the_numbers(fixture_bytes):
    text = fixture_bytes("staff_utf16_tab.txt").decode("utf-16")
    lines = text.split("\r\n")
    data = "\r\n".join([*lines[:3], "", "\t" * 7, *lines[3:]]).encode("utf-16")
    table = read_table(data, STAFF)
    assert list(table.row_numbers) == [2, 3, 6, 7]
    assert table.blank_rows == 2


def test_the_same_column_twice_is_an_error():
    data = "ID педагога;Должность;Возраст;Возраст;Стаж в ОО\r\nП-1;учитель;30;31;0\r\n".encode("cp1251")
    table = read_table(data, STAFF)
    [issue] = [i for i in table.issues if i.severity == "error"]
    assert (issue.problem, issue.column, issue.row) == ("Столбец повторяется", "Возраст", 1)
    assert issue.value == "столбцы C и D"                                     # both places, spreadsheet letters
    assert cells(table, "age") == ["30"]                                       # the first one is kept


def test_header_only_file_has_no_rows(fixture_bytes):
    table = read_table(fixture_bytes("staff_header_only.csv"), STAFF)
    assert table.n_rows == 0
    report = validate(table, STAFF, Context(year=2025)).report
    [issue] = report.issues()
    assert (issue.problem, issue.row) == ("В файле нет строк с данными", 2)


def test_file_of_only_separator_rows_has_no_rows(make_csv):
    data = make_csv([["ID педагога", "Должность", "Возраст", "Стаж в ОО"], ["", "", "", ""], ["", "", "", ""]])
    table = read_table(data, STAFF)
    assert table.n_rows == 0 and table.blank_rows == 2


@pytest.mark.parametrize("name", ["staff_cp1251_semicolon.csv", "staff_utf8_bom_comma.csv", "staff_utf16_tab.txt",
                                  "staff_koi8r.csv", "staff_title_row.csv", "staff_multiline_cell.csv",
                                  "staff_extra_column.csv", "roadmap_dates.csv"])
def test_fast_and_exact_paths_give_the_same_table(fixture_bytes, monkeypatch, name):
    # A regular file is split by pyarrow; an irregular one by Python's csv module. Forcing the second
    # path on a regular file must change nothing a person could see.
    from ingest import reader

    ds = ROADMAP if name.startswith("roadmap") else STAFF
    fast = read_table(fixture_bytes(name), ds)
    monkeypatch.setattr(reader, "_columns_arrow", lambda *args, **kwargs: None)
    exact = read_table(fixture_bytes(name), ds)
    assert {k: v.to_pylist() for k, v in fast.columns.items()} == {k: v.to_pylist() for k, v in exact.columns.items()}
    assert list(fast.row_numbers) == list(exact.row_numbers)
    assert (fast.header_row, fast.encoding, fast.delimiter, fast.extra, fast.issues) == (
        exact.header_row, exact.encoding, exact.delimiter, exact.extra, exact.issues)


# ---------------------------------------------------------------------------------------------
# XLSX


def test_xlsx_with_merged_title_excel_dates_and_numbers(fixture_bytes):
    table = read_table(fixture_bytes("roadmap_excel.xlsx"), ROADMAP)
    assert table.file_format == "xlsx" and table.encoding is None
    assert table.header_row == 2
    assert list(table.row_numbers) == [3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14]   # row 8 is blank
    assert table.blank_rows == 1
    assert cells(table, "item") == [str(i) for i in range(1, 12)]            # 1.0 is «1», not «1,0»
    assert cells(table, "done_date")[:4] == ["14.03.2025", "05.11.2025", None, "31.10.2025"]
    validated = validate(table, ROADMAP, Context(year=2025))
    assert validated.ok
    assert [g.problem for g in validated.report.groups] == ["Строки над заголовком пропущены"]
    typed = validated.table.to_pydict()
    assert typed["done_date"][0] == datetime(2025, 3, 14)
    assert typed["status"][3] == "выполнено"                                 # «Выполнено» normalized
    assert typed["row_no"][:6] == [3, 4, 5, 6, 7, 9]


def _workbook(rows: list[list]) -> bytes:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    book.close()
    return buf.getvalue()


def test_xlsx_numbers_and_booleans_read_as_a_csv_would_hold_them():
    data = _workbook([["ID педагога", "Должность", "Возраст", "Стаж в ОО", "Затруднения"],
                      ["П-1", "учитель", 27.0, 2, True],
                      ["П-2", "учитель", 35.5, 0, False]])
    table = read_table(data, STAFF)
    assert cells(table, "age") == ["27", "35,5"]
    assert cells(table, "has_difficulties") == ["да", "нет"]
    report = validate(table, STAFF, Context(year=2025)).report
    [issue] = report.issues()
    assert (issue.problem, issue.column, issue.row, issue.value) == ("Не целое число", "Возраст", 3, "35,5")


def test_xlsx_with_empty_first_sheet_is_refused():
    with pytest.raises(UnreadableFile, match="Первый лист книги пуст"):
        read_table(_workbook([]), STAFF)


# ---------------------------------------------------------------------------------------------
# Files that are not tables


@pytest.mark.parametrize(("name", "words"), [
    ("empty.csv", "Файл пустой"),
    ("old_excel.xls", "Формат .xls (Excel 97–2003) не поддерживается"),
    ("document.pdf", "Это PDF-документ, а не таблица"),
    ("archive.zip", "Это архив, но не книга Excel (.xlsx)"),
    ("junk.bin", "в нём двоичные данные"),
])
def test_unreadable_file_is_refused_in_russian(fixture_bytes, name, words):
    with pytest.raises(UnreadableFile) as exc:
        read_table(fixture_bytes(name), STAFF)
    assert words in str(exc.value)
    assert isinstance(exc.value, UploadError)
    assert "CSV" in str(exc.value) or "пустой" in str(exc.value)   # says what to upload instead


def test_broken_workbook_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("xl/workbook.xml", "не XML")
        z.writestr("[Content_Types].xml", "не XML")
    with pytest.raises(UnreadableFile, match="открыть его не удалось"):
        read_table(buf.getvalue(), STAFF)


def test_blank_file_of_spaces_and_bom_is_empty():
    with pytest.raises(UnreadableFile, match="Файл пустой"):
        read_table(b"\xef\xbb\xbf\r\n \r\n", STAFF)


def test_non_utf8_bytes_after_the_sample_are_an_encoding_error(make_csv):
    # A UTF-8 file of 300 KB (more than the sample the encoding is decided on) with one row pasted
    # from a cp1251 file at the end.
    rows = [["ID педагога", "Должность", "Возраст", "Стаж в ОО"]]
    rows += [[f"П-{i:05d}", "учитель начальных классов", "30", "3"] for i in range(6000)]
    data = make_csv(rows) + "П-99999;учитель;30;3\r\n".encode("cp1251")
    assert len(data) > 256 * 1024
    with pytest.raises(EncodingError) as exc:
        read_table(data, STAFF)
    # The line is named, so that the coordinator finds the pasted row.
    assert str(exc.value).startswith("Строка 6002: байты, недопустимые в кодировке utf-8")
    assert "Сохраните файл заново" in str(exc.value)


def test_utf8_file_whose_sample_ends_inside_a_letter_is_still_utf8(make_csv):
    from ingest.reader import SAMPLE_BYTES

    rows = [["ID педагога", "Должность", "Возраст", "Стаж в ОО"]]
    rows += [[f"П-{i:05d}", "учитель", "30", "3"] for i in range(12000)]
    data = make_csv(rows)
    # Pad the header with spaces until the sample ends in the middle of a two-byte Cyrillic letter.
    while not 0x80 <= data[SAMPLE_BYTES] <= 0xBF:
        data = data.replace(b"\r\n", b" \r\n", 1)
    assert detect_encoding(data) == "utf-8"
    table = read_table(data, STAFF)
    assert table.n_rows == 12000 and set(cells(table, "position")) == {"учитель"}


def test_utf8_file_with_a_cp1251_row_pasted_in_is_refused_not_garbled(make_csv):
    rows = [["ID педагога", "Должность", "Возраст", "Стаж в ОО"]]
    rows += [[f"П-{i:03d}", "учитель начальных классов", "30", "3"] for i in range(60)]
    data = make_csv(rows) + "П-999;учитель истории;30;3\r\n".encode("cp1251") + make_csv(rows[1:5])
    with pytest.raises(EncodingError) as exc:
        read_table(data, STAFF)
    assert "кодировк" in str(exc.value) and "загрузите снова" in str(exc.value)


@pytest.mark.parametrize("encoding", ["cp866", "mac_cyrillic", "koi8_r", "iso8859_5"])
def test_other_cyrillic_encodings_are_found_by_their_header(make_csv, encoding):
    """A short file in a DOS or Mac encoding: when the first guess finds no header, the others are tried."""
    rows = [["ID педагога", "Должность", "Возраст", "Стаж в ОО"], ["П-1", "учитель", 30, 2],
            ["П-2", "воспитатель", 41, 10]]
    table = read_table(make_csv(rows, encoding=encoding), STAFF)
    assert cells(table, "position") == ["учитель", "воспитатель"]
    assert cells(table, "teacher_id") == ["П-1", "П-2"]


def test_utf16_file_of_only_a_bom_is_empty():
    with pytest.raises(UnreadableFile, match="Файл пустой"):
        read_table(b"\xff\xfe", STAFF)



def test_large_cp1251_column_of_distinct_values_matches_python_decoding(make_csv):
    """Above the sample size, a column of distinct values is transcoded as a whole buffer; it must give
    exactly what Python's own decoding gives, with 2- and 3-byte characters («», №, —) and empty cells."""
    n = 25_000
    ids = [f"П-{i:05d}" if i % 7 else f"«Кедр» № {i} — ёж" for i in range(n)]
    ids[5] = "  с пробелами  "
    positions = ["учитель" if i % 3 else "" for i in range(n)]
    rows = [["ID педагога", "Должность", "Возраст", "Стаж в ОО"]]
    rows += [[t, p, 30, 1] for t, p in zip(ids, positions, strict=True)]
    table = read_table(make_csv(rows, encoding="cp1251"), STAFF)
    assert table.encoding == "cp1251"
    expected = [t.strip() for t in ids]
    assert cells(table, "teacher_id") == expected
    assert cells(table, "position") == [p or None for p in positions]


def _book(sheets: dict[str, list[list]]) -> bytes:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    for name, rows in sheets.items():
        ws = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                ws.write(r, c, v)
    book.close()
    return buf.getvalue()


STAFF_ROWS = [["ID педагога", "Должность", "Возраст", "Стаж в ОО"], ["П-1", "учитель", 30, 2]]


def test_a_workbook_that_opens_with_instructions_is_read_from_the_sheet_named_as_the_dataset():
    data = _book({"Инструкция": [["Заполните лист «Педагоги»"]], "Лист2": [["что-то ещё"]],
                  " педагоги ": STAFF_ROWS})
    table = read_table(data, STAFF)
    assert table.sheet == " педагоги " and table.n_rows == 1 and table.header_row == 1
    assert sheet_names(data) == ["Инструкция", "Лист2", " педагоги "]


def test_a_workbook_without_the_datasets_sheet_says_which_sheets_it_has():
    data = _book({"Инструкция": [["Заполните лист «Педагоги»"]], "Лист2": [["что-то ещё"]]})
    with pytest.raises(UnreadableFile) as exc:
        read_table(data, STAFF)
    assert "листы книги — «Инструкция», «Лист2»" in str(exc.value)
    assert "Назовите лист с данными «Педагоги»" in str(exc.value)
    # Without a sheet of its name, the first sheet that has the dataset's header is read.
    assert read_table(_book({"Инструкция": [["текст"]], "Данные": STAFF_ROWS}), STAFF).sheet == "Данные"
    with pytest.raises(UnreadableFile, match="В книге нет листа «Педагоги 2026»"):
        read_table(data, STAFF, sheet="Педагоги 2026")


# ---------------------------------------------------------------------------------------------
# XLSX through python-calamine: cells as a CSV would hold them, wherever the table starts


def test_xlsx_cells_of_every_kind_read_as_text_a_csv_would_hold():
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = book.add_worksheet("Педагоги")
    day = book.add_format({"num_format": "dd.mm.yyyy"})
    stamp = book.add_format({"num_format": "dd.mm.yyyy hh:mm"})
    sheet.write_row(0, 0, ["ID педагога", "Должность", "Возраст", "Стаж в ОО", "Новый сотрудник", "Заметка"])
    sheet.write_row(1, 0, ["П-1", "  учитель\u00a0", 8608000009, 0, True])
    sheet.write_datetime(1, 5, datetime(2025, 9, 1), day)
    sheet.write_row(2, 0, ["П-2", "учитель", 35.5, 2.0, False])
    sheet.write_datetime(2, 5, datetime(2025, 9, 1, 8, 30), stamp)
    book.close()
    table = read_table(buf.getvalue(), STAFF)
    assert cells(table, "position") == ["учитель", "учитель"]        # spaces and NBSP trimmed
    assert cells(table, "age") == ["8608000009", "35,5"]              # no «.0», decimal comma
    assert cells(table, "years_in_org") == ["0", "2"]
    assert cells(table, "is_new") == ["да", "нет"]
    assert table.extra == ["Заметка"]


def test_xlsx_table_that_starts_in_column_c_keeps_its_column_letters():
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = book.add_worksheet("Педагоги")
    sheet.write_row(2, 2, ["ID педагога", "Должность", "Возраст", "Стаж в ОО", None, "?"])
    sheet.write_row(3, 2, ["П-1", "учитель", 30, 2, "лишнее"])
    book.close()
    table = read_table(buf.getvalue(), STAFF)
    assert (table.header_row, list(table.row_numbers)) == (3, [4])
    assert cells(table, "teacher_id") == ["П-1"] and cells(table, "age") == ["30"]
    values = {i.value for i in table.issues if i.problem == "Столбец без заголовка пропущен"}
    assert values == {"столбец G содержит данные"}


def test_a_long_xlsx_column_mixes_numbers_text_and_blanks_by_batches():
    rows = [["ID педагога", "Должность", "Возраст", "Стаж в ОО"]]
    rows += [[f"П-{i}", "учитель", (30 if i % 3 else None) if i != 70_000 else "тридцать", i % 7]
             for i in range(1, 100_001)]
    table = read_table(_workbook(rows), STAFF)
    ages = cells(table, "age")
    assert table.n_rows == 100_000 and ages[:3] == ["30", "30", None] and ages[69_999] == "тридцать"
    assert cells(table, "years_in_org")[:8] == ["1", "2", "3", "4", "5", "6", "0", "1"]


def test_a_csv_row_wider_than_any_dataset_is_refused(make_csv):
    rows = [["ID педагога", "Должность", "Возраст", "Стаж в ОО"], ["П-1", "учитель", "30", "2"],
            ["П-2", "учитель", "30", "2", *(["x"] * 300)]]
    with pytest.raises(UnreadableFile, match="Строка 3: больше 200 значений"):
        read_table(make_csv(rows), STAFF)


# ---------------------------------------------------------------------------------------------
# Two engines, one table: fastexcel (Arrow, a column typed as a whole) and python-calamine (Python
# rows, each cell as it is) must give the same RawTable for every file; fastexcel is the one used.


def _raw(table) -> tuple:
    return ({k: v.to_pylist() for k, v in table.columns.items()}, list(table.row_numbers), table.matched,
            table.extra, [f.name for f in table.missing], table.header_row, table.blank_rows, table.sheet,
            [(i.problem, i.row, i.column, i.value) for i in table.issues])


def _both_engines(monkeypatch, data: bytes, dataset=STAFF) -> tuple[tuple, tuple, list[str]]:
    """The table as read (and which engine read it), and as python-calamine alone reads it."""
    import ingest.reader as reader

    used: list[str] = []
    exact = reader._sheet_columns

    def spy(*args, **kwargs):
        used.append("python-calamine")
        return exact(*args, **kwargs)

    def refuse(*args, **kwargs):
        raise reader._NotPlain

    monkeypatch.setattr(reader, "_sheet_columns", spy)
    read = _raw(read_table(data, dataset))
    engines = list(used) or ["fastexcel"]
    monkeypatch.setattr(reader, "_read_plain_sheet", refuse)
    monkeypatch.setattr(reader, "_read_row_one_sheet", refuse)
    calamine = _raw(read_table(data, dataset))
    return read, calamine, engines


def _sheet(rows: list[list], *, at: tuple[int, int] = (0, 0), name: str = "Педагоги") -> bytes:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = book.add_worksheet(name)
    day = book.add_format({"num_format": "dd.mm.yyyy"})
    stamp = book.add_format({"num_format": "dd.mm.yyyy hh:mm"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            where = (at[0] + r, at[1] + c)
            if value is None:
                continue
            if isinstance(value, datetime):
                sheet.write_datetime(*where, value, day if value.hour == value.minute == 0 else stamp)
            elif isinstance(value, tuple):                       # (formula, its cached value)
                sheet.write_formula(*where, value[0], None, value[1])
            else:
                sheet.write(*where, value)
    book.close()
    return buf.getvalue()


HEADER = ["ID педагога", "Должность", "Возраст", "Стаж в ОО", "Новый сотрудник", "Заметка"]


@pytest.mark.parametrize(("case", "rows", "at", "engine"), [
    ("numbers, fractions, booleans, dates, text with spaces",
     [HEADER, ["П-1", "  учитель\u00a0", 27.0, 0.1, True, datetime(2025, 9, 1)],
      ["П-2", "учитель", 35.5, 123456789.123, False, datetime(2025, 9, 1, 8, 30)],
      ["П-3", "учитель", 2.0 ** 53 + 2, 1e-7, None, None], [None], ["П-4", "", 8608000009, 1e20]],
     (0, 0), "fastexcel"),
    ("formulas' cached values and errors",
     [HEADER, ["П-1", ("=\"учи\"&\"тель\"", "учитель"), ("=NA()", "#N/A"), ("=1+1", 2), ("=TRUE()", True)],
      ["П-2", "учитель", 31, ("=1/0", "#DIV/0!")]], (0, 0), "fastexcel"),
    ("a table that starts at C3", [HEADER, ["П-1", "учитель", 30, 2, None, None, "лишнее"]], (2, 2), "fastexcel"),
    ("a title row above the header", [["Отчёт ОО за 2025 год"], [], HEADER, ["П-1", "учитель", 30, 2]], (0, 0),
     "fastexcel"),
    ("the same column twice", [HEADER + ["Возраст"], ["П-1", "учитель", 30, 2, None, None, 31]], (0, 0), "fastexcel"),
    ("text in a column of numbers", [HEADER, ["П-1", "учитель", 30, 2], ["П-2", "учитель", "тридцать", 2]], (0, 0),
     "python-calamine"),
    ("a number and a boolean in the header row", [HEADER + [2025, True], ["П-1", "учитель", 30, 2]], (0, 0),
     "python-calamine"),
    ("a time of day and an error in the header row",
     [HEADER + [datetime(1899, 12, 31, 8, 24), ("=NA()", "#N/A")], ["П-1", "учитель", 30, 2, None, None, 1, 2]], (0, 0),
     "python-calamine"),
])
def test_fastexcel_and_python_calamine_give_the_same_table(monkeypatch, case, rows, at, engine):
    read, exact, used = _both_engines(monkeypatch, _sheet(rows, at=at))
    assert read == exact, case
    assert used == [engine]


def test_a_sheet_whose_header_is_on_row_one_is_parsed_once(monkeypatch):
    import ingest.reader as reader

    calls: list[str] = []
    monkeypatch.setattr(reader, "_fast_head", lambda *a: calls.append("head"))
    monkeypatch.setattr(reader, "_fast_body", lambda *a: calls.append("body"))
    table = read_table(_sheet([HEADER, ["П-1", "учитель", 30, 2]]), STAFF)
    assert calls == [] and cells(table, "age") == ["30"] and list(table.row_numbers) == [2]


def test_a_large_plain_sheet_is_read_by_fastexcel_as_python_calamine_reads_it(monkeypatch):
    rows = [HEADER] + [[f"П-{i}", "учитель" if i % 3 else " методист ", 20 + i % 40, (i % 9) / 2,
                        i % 2 == 0, datetime(2020 + i % 5, 1 + i % 12, 1 + i % 28)] for i in range(20_000)]
    read, exact, used = _both_engines(monkeypatch, _sheet(rows))
    assert read == exact and used == ["fastexcel"]
    assert read[0]["age"][:3] == ["20", "21", "22"] and read[0]["years_in_org"][:3] == ["0", "0,5", "1"]
