"""Loading into the warehouse: snapshots, refusals that change nothing, versions, the upload log, the diff.

Every test works on a real DuckDB file under ``tmp_path`` (the ``warehouse`` fixture) with the
registry of three organizations: СОШ1, ДС2 and УО.
"""

from __future__ import annotations

import hashlib
from datetime import date

import pandas as pd
import pytest

from ingest import load
from ingest.errors import UsageError
from warehouse import db, snapshots

STAFF_HEADER = ["ID педагога", "Должность", "Возраст", "Стаж в ОО", "Педагогический стаж",
                "Квалификационная категория", "Затруднения", "Новый сотрудник"]


def staff_ids(conn, org="СОШ1", year=2025) -> list[tuple]:
    return conn.execute("select teacher_id, age from stg_staff where org_code = ? and year = ? order by teacher_id",
                        [org, year]).fetchall()


def last_upload(conn) -> dict:
    frame = snapshots.upload_log(conn, limit=1)
    return frame.iloc[0].to_dict()


# ---------------------------------------------------------------------------------------------
# Success


def test_accepted_file_becomes_the_current_snapshot(warehouse, load_bytes, fixture_bytes, table_counts):
    before = table_counts(warehouse)
    result = load_bytes("staff", fixture_bytes("staff_cp1251_semicolon.csv"), file_name="Педагоги СОШ1.csv")
    assert (result.outcome, result.version) == ("loaded", 1)
    after = table_counts(warehouse)
    assert after["raw_staff"] == before["raw_staff"] + 4
    assert after["snapshots"] == before["snapshots"] + 1
    assert after["uploads"] == before["uploads"] + 1
    rows = warehouse.execute(
        "select row_no, teacher_id, position, age, years_in_org, qualification, has_difficulties, is_new "
        "from stg_staff where org_code = 'СОШ1' and year = 2025 order by row_no").fetchall()
    assert rows == [
        (2, "П-001", "учитель математики", 27, 2, "первая", False, True),
        (3, "П-002", "учитель русского языка и литературы", 45, 20, "высшая", True, False),
        (4, "П-003", "педагог-психолог", 35, 1, "без категории", False, True),     # «35,0» -> 35
        (5, "П-004", "воспитатель", 52, 30, "педагог-наставник", False, False),
    ]
    text = load.summary(result)
    assert "Загружено: Педагоги, СОШ1, 2025 год — версия 1" in text
    assert "Педагоги СОШ1.csv (cp1251, разделитель — точка с запятой)" in text
    assert "строк с данными: 4" in text
    assert "Изменения: новых 4, изменённых 0, удалённых 0, без изменений 0." in text


def test_snapshots_are_per_organization_and_year(warehouse, load_bytes, fixture_bytes):
    load_bytes("staff", fixture_bytes("staff_cp1251_semicolon.csv"))
    load_bytes("staff", fixture_bytes("staff_utf16_tab.txt"), org="ДС2")
    load_bytes("staff", fixture_bytes("staff_koi8r.csv"), year=2026)
    counts = warehouse.execute(
        "select org_code, year, count(*) from stg_staff group by all order by all").fetchall()
    assert counts == [("ДС2", 2025, 4), ("СОШ1", 2025, 4), ("СОШ1", 2026, 4)]


def test_xlsx_dates_reach_the_warehouse_as_dates(warehouse, load_bytes, fixture_bytes):
    result = load_bytes("roadmap", fixture_bytes("roadmap_excel.xlsx"), file_name="roadmap.xlsx")
    assert result.outcome == "loaded", load.summary(result)
    assert "книга Excel" in load.summary(result) and "заголовок в строке 2" in load.summary(result)
    done = warehouse.execute("select item, done_date, row_no from stg_roadmap where status = 'выполнено' "
                             "order by item").fetchall()
    assert done == [(1, date(2025, 3, 14), 3), (2, date(2025, 11, 5), 4), (4, date(2025, 10, 31), 6),
                    (11, date(2025, 12, 1), 14)]


def test_format_is_told_by_content_not_by_file_name(warehouse, load_bytes, fixture_bytes):
    # A CSV renamed to .xlsx and a workbook renamed to .csv both load.
    assert load_bytes("staff", fixture_bytes("staff_cp1251_semicolon.csv"), file_name="педагоги.xlsx").outcome \
        == "loaded"
    result = load_bytes("roadmap", fixture_bytes("roadmap_excel.xlsx"), file_name="дорожная карта.csv")
    assert result.outcome == "loaded" and result.prepared.raw.file_format == "xlsx"


def test_department_reports_like_any_organization(warehouse, load_bytes, fixture_bytes):
    assert load_bytes("roadmap", fixture_bytes("roadmap_excel.xlsx"), org="УО").outcome == "loaded"
    assert warehouse.execute("select count(*) from stg_roadmap where org_code = 'УО'").fetchone()[0] == 11


def test_warnings_do_not_block_and_are_logged(warehouse, load_bytes, fixture_bytes):
    result = load_bytes("staff", fixture_bytes("staff_extra_column.csv"))
    assert result.outcome == "loaded"
    log = last_upload(warehouse)
    assert (log["outcome"], log["error_count"], log["warning_count"]) == ("loaded", 0, 1)
    assert "Лишние столбцы (пропущены): Примечание" in load.summary(result)


# ---------------------------------------------------------------------------------------------
# Refusal changes nothing


@pytest.mark.parametrize("name", ["staff_duplicate_ids.csv", "staff_missing_required.csv", "staff_ragged.csv",
                                  "staff_header_only.csv", "junk.bin", "document.pdf", "empty.csv"])
def test_refused_file_leaves_every_table_unchanged(warehouse, load_bytes, fixture_bytes, table_counts, name):
    load_bytes("staff", fixture_bytes("staff_cp1251_semicolon.csv"))
    current_before = snapshots.current(warehouse, "staff", "СОШ1", 2025)
    before = table_counts(warehouse)
    result = load_bytes("staff", fixture_bytes(name), file_name=name)
    assert result.outcome == "rejected"
    after = table_counts(warehouse)
    assert {t: after[t] for t in before if t.startswith("raw_") or t == "snapshots"} == \
           {t: before[t] for t in before if t.startswith("raw_") or t == "snapshots"}
    assert after["uploads"] == before["uploads"] + 1                 # the attempt is logged
    assert snapshots.current(warehouse, "staff", "СОШ1", 2025) == current_before
    assert [r[0] for r in staff_ids(warehouse)] == ["П-001", "П-002", "П-003", "П-004"]
    assert "Файл отклонён: Педагоги, СОШ1, 2025 год. Хранилище не изменено." in load.summary(result)


def test_header_only_file_of_an_optional_dataset_records_none(warehouse, load_bytes, make_csv):
    # «We have no partners» is a fact for the figures; «we have no teachers» is a mistake.
    header = ["Наименование", "Тип партнёра", "ИНН"]
    result = load_bytes("partners", make_csv([header]))
    assert result.outcome == "loaded"
    assert [(i.severity, i.problem, i.row) for i in result.report.issues()] == [("warning", "В файле нет строк", 2)]
    assert snapshots.current(warehouse, "partners", "СОШ1", 2025).rows == 0
    staff = load_bytes("staff", make_csv([STAFF_HEADER]))
    assert staff.outcome == "rejected"
    assert [i.problem for i in staff.report.issues()] == ["В файле нет строк с данными"]


def test_rejection_is_logged_with_its_problems(warehouse, load_bytes, fixture_bytes):
    data = fixture_bytes("staff_duplicate_ids.csv")
    result = load_bytes("staff", data, file_name="дубли.csv", user="coordinator@school1")
    log = last_upload(warehouse)
    assert log["upload_id"] == result.upload_id
    assert (log["outcome"], log["file_name"], log["uploaded_by"], log["rows"], log["error_count"]) == (
        "rejected", "дубли.csv", "coordinator@school1", 5, 5)
    assert log["sha256"] == hashlib.sha256(data).hexdigest()
    assert pd.isna(log["version"])                                    # no version for a refusal
    issues = warehouse.execute("select row_no, column_title, value, message from upload_issues "
                               "where upload_id = ? order by row_no", [result.upload_id]).fetchall()
    assert issues[0] == (2, "ID педагога", "П-001 (также в строке 4)", "Повторяющееся значение")
    assert [i[0] for i in issues] == [2, 3, 4, 5, 6]


def test_unreadable_file_is_logged_with_its_message(warehouse, load_bytes, fixture_bytes):
    result = load_bytes("staff", fixture_bytes("old_excel.xls"), file_name="педагоги.xls")
    assert result.outcome == "rejected"
    assert "Формат .xls (Excel 97–2003) не поддерживается" in result.prepared.error.message
    log = last_upload(warehouse)
    assert (log["outcome"], log["error_count"], log["rows"]) == ("rejected", 1, 0)
    assert log["message"].startswith("Формат .xls")


def test_file_over_the_size_limit_is_refused_before_reading(warehouse, load_bytes, make_csv, table_counts):
    limit = 1024 * 1024
    rows = [STAFF_HEADER] + [[f"П-{i:05d}", "учитель", "30", "3", "5", "первая", "нет", "нет"] for i in range(40000)]
    data = make_csv(rows)
    data = data[: data.rfind(b"\r\n", 0, limit + 200) + 2]            # whole rows, just over 1 MB
    assert limit < len(data) < limit + 200
    before = table_counts(warehouse)
    result = load_bytes("staff", data, max_bytes=limit)
    assert result.outcome == "rejected"
    assert result.prepared.error.message.startswith("Файл слишком большой: 1,0 МБ при допустимых 1 МБ.")
    assert result.prepared.raw is None                                # not even read
    assert table_counts(warehouse)["raw_staff"] == before["raw_staff"]
    # The same file with a limit it fits is read and loaded.
    assert load_bytes("staff", data, max_bytes=len(data)).outcome == "loaded"


@pytest.mark.slow
def test_app_limit_of_10_mb(warehouse, load_bytes, make_csv):
    row = ["П-00000", "учитель начальных классов", "30", "3", "5", "первая", "нет", "нет"]
    body = make_csv([row])
    data = make_csv([STAFF_HEADER]) + body * (int(10.5 * load.MB) // len(body))
    assert 10.4 * load.MB < len(data) < 10.6 * load.MB
    result = load_bytes("staff", data, max_bytes=load.APP_MAX_BYTES)
    assert result.outcome == "rejected"
    assert result.prepared.error.message.startswith("Файл слишком большой: 10,5 МБ при допустимых 10 МБ.")
    assert "сохраните его как CSV" in result.prepared.error.message
    assert last_upload(warehouse)["size_bytes"] == len(data)


# ---------------------------------------------------------------------------------------------
# Versions


def test_reupload_replaces_and_keeps_the_old_version(warehouse, load_bytes, make_csv, fixture_bytes):
    first = load_bytes("staff", fixture_bytes("staff_cp1251_semicolon.csv"), file_name="v1.csv")
    v2 = make_csv([STAFF_HEADER, ["П-001", "учитель", "28", "3", "5", "первая", "нет", "нет"]])
    second = load_bytes("staff", v2, file_name="v2.csv")
    assert (second.outcome, second.version) == ("loaded", 2)
    assert staff_ids(warehouse) == [("П-001", 28)]
    assert warehouse.execute("select count(*) from raw_staff where upload_id = ?",
                             [first.upload_id]).fetchone()[0] == 4            # the old rows stay
    versions = snapshots.versions(warehouse, "staff", "СОШ1", 2025)
    assert versions[["version", "file_name", "rows", "is_current"]].values.tolist() == [
        [2, "v2.csv", 1, True], [1, "v1.csv", 4, False]]
    assert "Заменяет версию 1 (4 строки, v1.csv" in load.summary(second)
    log = last_upload(warehouse)
    assert log["replaced_upload_id"] == first.upload_id


def test_the_same_file_twice_is_a_logged_no_op(warehouse, load_bytes, fixture_bytes, table_counts):
    data = fixture_bytes("staff_cp1251_semicolon.csv")
    first = load_bytes("staff", data)
    before = table_counts(warehouse)
    again = load_bytes("staff", data, file_name="ещё раз.csv")
    assert again.outcome == "unchanged"
    assert again.version == 1
    after = table_counts(warehouse)
    assert after["raw_staff"] == before["raw_staff"] and after["snapshots"] == before["snapshots"]
    assert after["uploads"] == before["uploads"] + 1
    log = last_upload(warehouse)
    assert (log["outcome"], log["file_name"], log["rows"]) == ("unchanged", "ещё раз.csv", 4)
    assert snapshots.current(warehouse, "staff", "СОШ1", 2025).upload_id == first.upload_id
    text = load.summary(again)
    assert text.startswith("Без изменений: Педагоги, СОШ1, 2025 год. Этот файл уже загружен — версия 1")
    assert "Ничего не изменено." in text
    # The same bytes for another organization are a new snapshot there.
    assert load_bytes("staff", data, org="ДС2").outcome == "loaded"


def test_restore_an_earlier_version(warehouse, load_bytes, make_csv, fixture_bytes):
    v1 = fixture_bytes("staff_cp1251_semicolon.csv")
    first = load_bytes("staff", v1)
    load_bytes("staff", make_csv([STAFF_HEADER, ["П-001", "учитель", "28", "3", "5", "первая", "нет", "нет"]]))
    target, log_id = snapshots.restore(warehouse, "staff", "СОШ1", 2025, 1, user="specialist")
    assert target == first.upload_id
    assert [r[0] for r in staff_ids(warehouse)] == ["П-001", "П-002", "П-003", "П-004"]
    log = last_upload(warehouse)
    assert (log["upload_id"], log["outcome"], log["restored_from"], log["uploaded_by"]) == (
        log_id, "restored", first.upload_id, "specialist")
    assert log["message"] == "восстановлена версия 1"
    versions = snapshots.versions(warehouse, "staff", "СОШ1", 2025)
    assert versions[["version", "is_current"]].values.tolist() == [[2, False], [1, True]]
    # Uploading version 1's file again is now a no-op; a new file is version 3.
    assert load_bytes("staff", v1).outcome == "unchanged"
    third = load_bytes("staff", make_csv([STAFF_HEADER, ["П-009", "учитель", "40", "3", "5", "", "", ""]]))
    assert (third.outcome, third.version) == ("loaded", 3)
    with pytest.raises(LookupError):
        snapshots.restore(warehouse, "staff", "СОШ1", 2025, 7, user="specialist")


def test_upload_log_records_who_file_sha_rows_outcome(warehouse, load_bytes, fixture_bytes):
    data = fixture_bytes("staff_utf16_tab.txt")
    result = load_bytes("staff", data, file_name="Педагоги.txt", user="coordinator@school1")
    log = last_upload(warehouse)
    assert log["upload_id"] == result.upload_id
    assert {k: log[k] for k in ("dataset", "org_code", "year", "outcome", "version", "file_name", "uploaded_by",
                                "rows", "error_count", "warning_count", "encoding", "delimiter", "size_bytes")} == {
        "dataset": "staff", "org_code": "СОШ1", "year": 2025, "outcome": "loaded", "version": 1,
        "file_name": "Педагоги.txt", "uploaded_by": "coordinator@school1", "rows": 4, "error_count": 0,
        "warning_count": 0, "encoding": "utf-16", "delimiter": "\t", "size_bytes": len(data)}
    assert log["sha256"] == hashlib.sha256(data).hexdigest()
    assert log["uploaded_at"] is not None
    # Scoped reading of the log: another organization sees nothing of it.
    assert snapshots.upload_log(warehouse, org_codes=["ДС2"]).empty
    assert len(snapshots.upload_log(warehouse, org_codes=["СОШ1"])) == 1


# ---------------------------------------------------------------------------------------------
# Diff


def test_diff_counts_added_changed_removed(warehouse, load_bytes, make_csv, fixture_bytes):
    load_bytes("staff", fixture_bytes("staff_cp1251_semicolon.csv"))       # П-001..П-004
    rows = [STAFF_HEADER,
            ["П-001", "учитель математики", "27", "2", "4", "первая", "нет", "да"],                  # unchanged
            ["П-002", "учитель русского языка и литературы", "46", "21", "23", "высшая", "да", "нет"],  # changed
            ["П-004", "воспитатель", "52", "30", "30", "педагог-наставник", "нет", "нет"],            # unchanged
            ["П-005", "учитель физики", "24", "0", "0", "без категории", "нет", "да"]]                # added
    prepared = load.prepare(warehouse, make_csv(rows), "v2.csv", "staff", "СОШ1", 2025)   # П-003 removed
    assert prepared.ok
    assert prepared.diff == {"added": 1, "changed": 1, "removed": 1, "unchanged": 2}
    result = load.commit(warehouse, prepared, user="test")
    assert "Изменения: новых 1, изменённых 1, удалённых 1, без изменений 2." in load.summary(result)


def test_diff_counts_values_lost_with_a_dropped_column(warehouse, load_bytes, make_csv, fixture_bytes):
    # The new file leaves out the optional columns: the warehouse loses П-001's category and flags,
    # so the row is changed, not «без изменений».
    load_bytes("staff", fixture_bytes("staff_cp1251_semicolon.csv"))
    v2 = make_csv([STAFF_HEADER[:4], ["П-001", "учитель математики", "27", "2"]])
    prepared = load.prepare(warehouse, v2, "v2.csv", "staff", "СОШ1", 2025)
    assert prepared.diff == {"added": 0, "removed": 3, "changed": 1, "unchanged": 0}
    load.commit(warehouse, prepared, user="test")
    assert warehouse.execute("select qualification, has_difficulties from stg_staff").fetchall() == [(None, None)]


def test_diff_of_a_dataset_without_a_key_counts_whole_rows(warehouse, load_bytes, make_csv):
    header = ["Дата", "Название", "Уровень", "Вид", "Роль"]
    e1 = ["15.10.2025", "Семинар", "муниципальный", "для наставников и наставляемых", "участник"]
    e2 = ["20.11.2025", "Конференция", "региональный", "представление практики", "участник"]
    e3 = ["01.12.2025", "Вебинар", "федеральный", "информирование", "участник"]
    load_bytes("events", make_csv([header, e1, e2]))
    prepared = load.prepare(warehouse, make_csv([header, e1, e3]), "events.csv", "events", "СОШ1", 2025)
    assert prepared.diff == {"added": 1, "removed": 1, "changed": 0, "unchanged": 1}


def test_dropping_ids_that_mentors_refer_to_is_warned(warehouse, load_bytes, make_csv, fixture_bytes):
    load_bytes("staff", fixture_bytes("staff_cp1251_semicolon.csv"))
    mentors = make_csv([["ID наставника", "ФИО", "Тип наставника", "ID педагога", "Наставляет"],
                        ["Н-01", "Иванова Мария Петровна", "педагог", "П-002", "педагогов"]])
    assert load_bytes("mentors", mentors).outcome == "loaded"
    smaller = make_csv([STAFF_HEADER, ["П-001", "учитель", "28", "3", "5", "первая", "нет", "нет"]])
    result = load_bytes("staff", smaller)
    assert result.outcome == "loaded"                                   # a warning, not a refusal
    [warning] = [i for i in result.report.issues() if i.severity == "warning"]
    assert warning.problem == "На эти ID ссылается загруженный файл «Наставники»"
    assert warning.value == "1 ID нет в новом файле: П-002"
    assert warning.expected == "обновите и файл «Наставники» за 2025 год"


# ---------------------------------------------------------------------------------------------
# Wrong usage


@pytest.mark.parametrize(("dataset", "org", "year", "words"), [
    ("teachers", "СОШ1", 2025, "Неизвестный набор данных «teachers»"),
    ("staff", "СОШ1", 2024, "Год 2024 вне отчётного периода 2025–2028"),
    ("staff", "СОШ1", 2029, "Год 2029 вне отчётного периода 2025–2028"),
    ("staff", "СОШ99", 2025, "Организации с кодом «СОШ99» нет в реестре. Коды в реестре: ДС2, СОШ1, УО"),
    ("staff", None, 2025, "Для набора «Педагоги» укажите организацию и отчётный год"),
    ("staff", "СОШ1", None, "Для набора «Педагоги» укажите организацию и отчётный год"),
    ("organizations", "СОШ1", None, "Реестр организаций (organizations) загружается без организации и года"),
    ("organizations", None, 2025, "Реестр организаций (organizations) загружается без организации и года"),
])
def test_wrong_target_raises_usage_error_and_logs_nothing(warehouse, load_bytes, fixture_bytes, table_counts,
                                                          dataset, org, year, words):
    before = table_counts(warehouse)
    with pytest.raises(UsageError) as exc:
        load_bytes(dataset, fixture_bytes("staff_cp1251_semicolon.csv"), org=org, year=year)
    assert words in str(exc.value)
    assert table_counts(warehouse) == before


def test_empty_registry_says_to_load_it_first(tmp_path, fixture_bytes):
    conn = db.connect(tmp_path / "empty.duckdb")
    try:
        with pytest.raises(UsageError, match="Сначала загрузите реестр организаций"):
            load.load_file(conn, fixture_bytes("staff_cp1251_semicolon.csv"), "s.csv", "staff", "СОШ1", 2025,
                           user="test")
    finally:
        conn.close()


def test_reporting_years_are_a_setting(warehouse, load_bytes, fixture_bytes):
    from warehouse import settings

    settings.set_reporting_years(warehouse, 2025, 2029)        # the appendix title says 2025–2029
    assert load_bytes("staff", fixture_bytes("staff_cp1251_semicolon.csv"), year=2029).outcome == "loaded"


# ---------------------------------------------------------------------------------------------
# Dry run


def test_dry_run_writes_nothing(warehouse, load_bytes, fixture_bytes, table_counts):
    before = table_counts(warehouse)
    good = load_bytes("staff", fixture_bytes("staff_cp1251_semicolon.csv"), dry_run=True)
    assert good.outcome == "checked" and good.upload_id is None
    assert good.prepared.diff == {"added": 4, "removed": 0, "changed": 0, "unchanged": 0}
    assert load.summary(good).startswith("Проверка пройдена (без записи): Педагоги, СОШ1, 2025 год")
    bad = load_bytes("staff", fixture_bytes("staff_duplicate_ids.csv"), dry_run=True)
    assert bad.outcome == "rejected" and bad.report.error_count == 5
    assert table_counts(warehouse) == before                    # not even the upload log
    assert snapshots.current(warehouse, "staff", "СОШ1", 2025) is None


# ---------------------------------------------------------------------------------------------
# The registry is a snapshot too


def test_registry_reupload_changes_the_organizations(warehouse, load_bytes, make_csv):
    rows = [["Код ОО", "Полное наименование", "Краткое наименование", "Тип ОО"],
            ["СОШ1", "Школа № 1", "СОШ № 1", "общеобразовательная"],
            ["ДДТ", "Дом детского творчества", "ДДТ", "дополнительного образования"]]
    result = load_bytes("organizations", make_csv(rows), org=None, year=None)
    assert (result.outcome, result.version) == ("loaded", 2)
    assert result.prepared.diff == {"added": 1, "removed": 2, "changed": 1, "unchanged": 0}
    codes = warehouse.execute("select org_code, municipality from organizations order by org_code").fetchall()
    assert codes == [("ДДТ", None), ("СОШ1", None)]
    from warehouse import registry

    assert set(registry.organizations(warehouse)["municipality"]) == {"Когалым"}   # the default


def test_warnings_of_an_accepted_upload_are_kept(warehouse, load_bytes, make_csv):
    """The coordinator can see later which rows were flagged, not only that something was."""
    rows = [["Пункт", "Статус", "Дата выполнения"], [1, "выполнено", "15.03.2025"], [8, "в работе", ""]]
    result = load_bytes("roadmap", make_csv(rows))
    # «выполнено» without a link, item 8 outside its years, and the applicable items left out (a file-wide one)
    assert result.outcome == "loaded" and result.report.warning_count == 3
    stored = snapshots.issues_of(warehouse, result.upload_id)
    assert set(stored["severity"]) == {"warning"}
    assert sorted(stored["row_no"].dropna().astype(int).tolist()) == [2, 3]
    assert "Пункт 8" in " ".join(stored["message"])
    assert "пункты 2, 3, 4, 5, 6, 7, 9, 10, 11 не указаны" in stored["value"].tolist()
