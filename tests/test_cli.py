"""The command lines ``python -m ingest`` and ``python -m warehouse``, run as the specialist runs them.

Exit codes: 0 done, 1 rejected (warehouse unchanged) or warehouse busy, 2 wrong usage.
"""

from __future__ import annotations

import os
import subprocess
import sys

import duckdb
import pytest

from ingest import load
from warehouse import db

pytestmark = pytest.mark.slow

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")


def run(*args: str, cwd) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != db.ENV_DB}
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True,
                          encoding="utf-8", timeout=120)


def fixture(name: str) -> str:
    return os.path.join(FIXTURES, name)


def counts(path) -> dict[str, int]:
    conn = duckdb.connect(str(path), read_only=True)
    try:
        tables = [r[0] for r in conn.execute(
            "select table_name from information_schema.tables where table_type = 'BASE TABLE' "
            "and (table_name like 'raw_%' or table_name in ('snapshots', 'uploads'))").fetchall()]
        return {t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in tables}
    finally:
        conn.close()


def test_init_then_load_registry_and_staff(tmp_path):
    path = tmp_path / "w.duckdb"
    init = run("-m", "warehouse", "init", "--db", str(path), cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    assert "Хранилище готово" in init.stdout and "схема версии" in init.stdout

    orgs = tmp_path / "реестр.csv"
    orgs.write_bytes("Код ОО;Полное наименование;Краткое наименование;Тип ОО\r\n"
                     "СОШ1;Средняя школа № 1;СОШ № 1;общеобразовательная\r\n".encode("cp1251"))
    reg = run("-m", "ingest", "load", str(orgs), "--dataset", "organizations", "--db", str(path), cwd=tmp_path)
    assert reg.returncode == 0, reg.stderr
    assert reg.stdout.startswith("Загружено: Организации — версия 1")

    staff = run("-m", "ingest", "load", fixture("staff_title_row.csv"), "--dataset", "staff", "--org", "СОШ1",
                "--year", "2025", "--db", str(path), "--user", "specialist", cwd=tmp_path)
    assert staff.returncode == 0, staff.stderr
    assert "Загружено: Педагоги, СОШ1, 2025 год — версия 1" in staff.stdout
    assert "staff_title_row.csv (cp1251, разделитель — точка с запятой); заголовок в строке 2; " \
           "строк с данными: 4" in staff.stdout
    assert "Строки над заголовком пропущены" in staff.stdout                     # the warning is shown
    assert counts(path)["raw_staff"] == 4


def test_rejected_file_exits_1_with_the_russian_report_and_changes_nothing(warehouse_path, tmp_path):
    before = counts(warehouse_path)
    res = run("-m", "ingest", "load", fixture("staff_duplicate_ids.csv"), "--dataset", "staff", "--org", "СОШ1",
              "--year", "2025", "--db", str(warehouse_path), cwd=tmp_path)
    assert res.returncode == 1
    assert res.stdout == ""
    assert "Файл отклонён: Педагоги, СОШ1, 2025 год. Хранилище не изменено." in res.stderr
    assert "«ID педагога»: Повторяющееся значение — 5 раз" in res.stderr
    assert "строка 4: найдено «П-001 (также в строке 2)»" in res.stderr
    assert "Traceback" not in res.stderr
    after = counts(warehouse_path)
    assert {t: n for t, n in after.items() if t != "uploads"} == {t: n for t, n in before.items() if t != "uploads"}
    assert after["uploads"] == before["uploads"] + 1                      # the refusal is logged


def test_unreadable_file_exits_1(warehouse_path, tmp_path):
    res = run("-m", "ingest", "load", fixture("document.pdf"), "--dataset", "staff", "--org", "СОШ1",
              "--year", "2025", "--db", str(warehouse_path), cwd=tmp_path)
    assert res.returncode == 1
    assert "Это PDF-документ, а не таблица" in res.stderr


def test_dry_run_and_the_same_file_twice(warehouse_path, tmp_path):
    args = ["-m", "ingest", "load", fixture("staff_koi8r.csv"), "--dataset", "staff", "--org", "ДС2", "--year",
            "2026", "--db", str(warehouse_path)]
    before = counts(warehouse_path)
    dry = run(*args, "--dry-run", cwd=tmp_path)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.startswith("Проверка пройдена (без записи): Педагоги, ДС2, 2026 год")
    assert counts(warehouse_path) == before
    assert run(*args, cwd=tmp_path).returncode == 0
    again = run(*args, cwd=tmp_path)
    assert again.returncode == 0
    assert again.stdout.startswith("Без изменений: Педагоги, ДС2, 2026 год. Этот файл уже загружен — версия 1")


def test_versions_and_restore(warehouse_path, tmp_path):
    common = ["--dataset", "staff", "--org", "СОШ1", "--year", "2025", "--db", str(warehouse_path)]
    conn = db.connect(warehouse_path)       # the loads themselves are tested above: done in-process here
    try:
        for name in ("staff_cp1251_semicolon.csv", "staff_duplicate_ids.csv", "staff_extra_column.csv"):
            with open(fixture(name), "rb") as f:
                load.load_file(conn, f.read(), name, "staff", "СОШ1", 2025, user="test")
    finally:
        conn.close()
    listed = run("-m", "ingest", "versions", *common, cwd=tmp_path)
    assert listed.returncode == 0
    lines = listed.stdout.splitlines()
    assert lines[0].startswith("версия 2: staff_extra_column.csv, строк 4") and lines[0].endswith("← текущая")
    assert lines[1].startswith("версия 1: staff_cp1251_semicolon.csv, строк 4")
    assert len(lines) == 2                                                   # the refused file is no version
    restored = run("-m", "ingest", "restore", *common, "--version", "1", cwd=tmp_path)
    assert restored.returncode == 0
    assert restored.stdout.strip() == "Восстановлена версия 1: Педагоги, СОШ1, 2025."
    missing = run("-m", "ingest", "restore", *common, "--version", "5", cwd=tmp_path)
    assert missing.returncode == 2
    assert "Версии 5 набора «Педагоги» (СОШ1, 2025) нет" in missing.stderr


@pytest.mark.parametrize(("args", "words"), [
    (["--dataset", "teachers", "--org", "СОШ1", "--year", "2025"], "неизвестный набор данных «teachers»"),
    (["--dataset", "staff", "--org", "СОШ1", "--year", "2030"], "Ошибка: Год 2030 вне отчётного периода 2025–2028."),
    (["--dataset", "organizations", "--org", "СОШ1"],
     "Ошибка: Реестр организаций (organizations) загружается без организации и года."),
    (["--dataset", "staff", "--org", "ГИМН5", "--year", "2025"], "Организации с кодом «ГИМН5» нет в реестре"),
])
def test_wrong_usage_exits_2(warehouse_path, tmp_path, args, words):
    before = counts(warehouse_path)
    res = run("-m", "ingest", "load", fixture("staff_cp1251_semicolon.csv"), *args, "--db", str(warehouse_path),
              cwd=tmp_path)
    assert res.returncode == 2
    assert words in res.stderr
    assert "Traceback" not in res.stderr
    assert counts(warehouse_path) == before


def test_missing_file_exits_2(warehouse_path, tmp_path):
    res = run("-m", "ingest", "load", str(tmp_path / "нет такого.csv"), "--dataset", "staff", "--org", "СОШ1",
              "--year", "2025", "--db", str(warehouse_path), cwd=tmp_path)
    assert res.returncode == 2
    assert "Ошибка: Файл не найден:" in res.stderr


def test_warehouse_held_by_another_process_gives_the_russian_message(warehouse_path, tmp_path):
    before = counts(warehouse_path)
    holder = duckdb.connect(str(warehouse_path))          # as the running app holds it
    try:
        res = run("-m", "ingest", "load", fixture("staff_cp1251_semicolon.csv"), "--dataset", "staff", "--org",
                  "СОШ1", "--year", "2025", "--db", str(warehouse_path), cwd=tmp_path)
        init = run("-m", "warehouse", "init", "--db", str(warehouse_path), cwd=tmp_path)
    finally:
        holder.close()
    for r in (res, init):
        assert r.returncode == 1
        assert "сейчас открыто другим процессом" in r.stderr
        assert f"(процесс {os.getpid()})" in r.stderr
        assert "Загрузите файл через приложение" in r.stderr
        assert "Traceback" not in r.stderr and "IO Error" not in r.stderr and "lock" not in r.stderr
    assert counts(warehouse_path) == before


def test_template_written_to_a_file(tmp_path):
    out = tmp_path / "шаблон педагоги.csv"
    res = run("-m", "ingest", "template", "staff", "--format", "csv", "-o", str(out), cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == f"Шаблон «Педагоги» записан: {out}"
    text = out.read_bytes().decode("utf-8")
    assert text.startswith("\ufeffID педагога;Должность;Возраст;Стаж в ОО;Педагогический стаж;"
                           "Квалификационная категория;Затруднения;Новый сотрудник\r\n")
    assert "П-001;учитель;27;2;4;первая;нет;нет" in text


def test_template_default_name_is_xlsx(tmp_path):
    res = run("-m", "ingest", "template", "roadmap", cwd=tmp_path)
    assert res.returncode == 0
    assert (tmp_path / "shablon_roadmap.xlsx").read_bytes()[:4] == b"PK\x03\x04"
