"""Benchmark: a school's yearly workbook (about 300 rows over seven sheets) written, then checked and
previewed as the upload page does it (issue 12: «checked and previewed in under a second»).

    python bench/bench_workbook.py [--repeat N]

A fresh warehouse under a temporary folder holds the registry and the school's data for 2025
(loaded file by file); the book is the school's current data as the page's download makes it. Times
are the best and the median of N runs, with the machine's load average beside them (the figures of a
shared machine mean little without it). «read» is the seven sheets through ``ingest.reader``,
«check» the validation, the cross-sheet rules and the comparison with the warehouse.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import statistics
import tempfile
import time
from pathlib import Path

from ingest import load, workbook
from ingest.reader import read_table
from warehouse import db

ORG, YEAR = "СОШ1", 2025
REGISTRY = ("Код ОО;Полное наименование;Краткое наименование;Тип ОО\r\n"
            "СОШ1;Средняя общеобразовательная школа № 1;СОШ № 1;общеобразовательная\r\n").encode("cp1251")
TEACHERS, MENTORS, PAIRS, PARTNERS, EVENTS = 150, 30, 60, 10, 40


def _csv(rows: list[list]) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def school_year() -> dict[str, list[list]]:
    """A large school's year: 11 + 150 + 30 + 60 + 10 + 40 + 1 = 302 rows."""
    forms = ["учитель – учитель", "традиционная", "групповая"]
    kinds = ["для наставников и наставляемых", "для педагогов с затруднениями", "представление практики"]
    return {
        "roadmap": [["Пункт", "Статус", "Дата выполнения", "Ссылка на результат"]]
        + [[i, "выполнено", f"{i + 1:02d}.03.2025", f"https://school1.example.ru/r{i}"] if i % 3 == 0
           else [i, "в работе", "", ""] for i in range(1, 12)],
        "staff": [["ID педагога", "Должность", "Возраст", "Стаж в ОО", "Педагогический стаж",
                   "Квалификационная категория", "Затруднения", "Новый сотрудник"]]
        + [[f"П-{i:03d}", "учитель", 23 + i % 40, i % 9, i % 9 + 1, "первая", "да" if i % 11 == 0 else "нет",
            "да" if i % 13 == 0 else "нет"] for i in range(1, TEACHERS + 1)],
        "mentors": [["ID наставника", "ФИО", "Тип наставника", "ID педагога", "Наставляет", "Прошёл обучение",
                     "Дата приказа о закреплении"]]
        + [[f"Н-{i:02d}", f"Наставник {i}", "педагог", f"П-{100 + i:03d}", "педагогов", "да", "01.09.2025"]
           for i in range(1, MENTORS + 1)],
        "mentorships": [["ID пары", "ID наставника", "Тип наставляемого", "ID наставляемого",
                         "Категория наставляемого", "Форма наставничества", "ППН", "Дата начала", "Дата окончания",
                         "Статус", "Удовлетворённость"]]
        + [[f"ПАРА-{i:03d}", f"Н-{i % MENTORS + 1:02d}", "педагог", f"П-{i:03d}", "молодой специалист",
            forms[i % 3], "да", "01.09.2025", "31.05.2026", "в работе", 4 + i % 2] for i in range(1, PAIRS + 1)],
        "partners": [["Наименование", "Тип партнёра", "Наставников от партнёра", "Дата начала сотрудничества"]]
        + [[f"Партнёр {i}", "предприятие (организация)", i % 3, "01.02.2024"] for i in range(1, PARTNERS + 1)],
        "events": [["Дата", "Название", "Уровень", "Вид", "Роль", "Участников", "Результат"]]
        + [[f"{1 + i % 28:02d}.{1 + i % 12:02d}.2025", f"Мероприятие {i}", "муниципальный", kinds[i % 3],
            "участник", 5 + i, "участие"] for i in range(1, EVENTS + 1)],
        "students": [["Обучающихся всего", "В возрасте 10–18 лет", "Наставляемых обучающихся",
                      "Обучающихся-наставников"], [1200, 700, 80, 20]],
    }


def timed(fn, repeat: int) -> tuple[float, float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        conn = db.connect(Path(tmp) / "bench.duckdb")
        load.load_file(conn, REGISTRY, "реестр.csv", "organizations", user="bench")
        for name, rows in school_year().items():
            result = load.load_file(conn, _csv(rows), f"{name}.csv", name, ORG, YEAR, user="bench")
            assert result.outcome == "loaded", load.summary(result)
        best_w, med_w, (data, _) = timed(lambda: workbook.write(conn, ORG, YEAR), args.repeat)
        # Edit one teacher, as a coordinator would, so that the preview has something to show.
        book = workbook.prepare(conn, data, "отчёт.xlsx", ORG, YEAR)
        assert book.unchanged, workbook.summary(workbook.BookResult(book.verdict, book))
        rows = sum(p.rows for p in book.sheets)
        best_p, med_p, book = timed(lambda: workbook.prepare(conn, data, "отчёт.xlsx", ORG, YEAR), args.repeat)
        best_r, med_r, _ = timed(lambda: [read_table(data, p.dataset, sheet=p.sheet) for p in book.sheets],
                                 args.repeat)
        conn.close()
    load1, load5, _ = os.getloadavg()
    print(f"Годовой отчёт школы: {rows} строк на {len(book.sheets)} листах, {len(data) / 1024:.0f} КБ "
          f"(нагрузка машины: {load1:.1f} / {load5:.1f} за 1 / 5 мин, ядер: {os.cpu_count()}).")
    print(f"  записать книгу:               лучшее {best_w:.3f} с, медиана {med_w:.3f} с")
    print(f"  проверить и показать (всё):   лучшее {best_p:.3f} с, медиана {med_p:.3f} с   цель < 1 с")
    print(f"    из них чтение 7 листов:     лучшее {best_r:.3f} с, медиана {med_r:.3f} с")


if __name__ == "__main__":
    main()
