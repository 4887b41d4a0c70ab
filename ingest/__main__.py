"""Command line of ingest: load a file or a yearly workbook, write a template or a workbook, see
versions, restore one.

    python -m ingest load FILE --dataset NAME --org CODE --year YEAR [--db PATH] [--dry-run] [--confirm-removals]
    python -m ingest load WORKBOOK.xlsx --org CODE --year YEAR [--db PATH] [--dry-run] [--confirm-removals]
    python -m ingest workbook --org CODE --year YEAR [-o FILE] [--db PATH]
    python -m ingest template NAME [--format csv|xlsx] [-o FILE]
    python -m ingest ddl NAME
    python -m ingest versions --dataset NAME --org CODE --year YEAR [--db PATH]
    python -m ingest restore --dataset NAME --org CODE --year YEAR --version N [--db PATH]

Exit codes: 0 done, 1 rejected (the warehouse is unchanged), 2 wrong usage.

``load`` without ``--dataset`` reads a yearly workbook (``ingest.workbook``): every sheet named as a
dataset, validated together, written in one transaction. An upload that would remove more than half
of a dataset's rows needs ``--confirm-removals`` (else exit 1, nothing written). ``workbook`` writes
the organization's current data for the year as the workbook (the previous year's as a start, or the
empty workbook of its type), audited as an export.

Loads and restores go through :mod:`ingest.service`, as the app's do, acting as the administrator
named by ``--user`` (default ``cli:<system user>``): each is audited in the transaction of its data.
A refusal of the service (``permission-denied``, ``stale-preview``) exits 1, like a rejected file; a
usage error (``usage-error``, ``version-not-found``) exits 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ingest.errors import IngestError, UsageError, VersionNotFound
from ingest.schemas import DATASETS

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m ingest", description="Загрузка файлов организаций в хранилище.")
    sub = p.add_subparsers(dest="command", required=True)

    def target(sp, dataset_required: bool = True):
        sp.add_argument("--dataset", required=dataset_required, help="набор данных: " + ", ".join(DATASETS)
                        + ("" if dataset_required else "; без него — годовой отчёт (книга со всеми листами)"))
        sp.add_argument("--org", help="код организации (для organizations не указывается)")
        sp.add_argument("--year", type=int, help="отчётный год (для organizations не указывается)")
        sp.add_argument("--db", help="файл хранилища (по умолчанию $MENTORSHIP_DB или data/warehouse.duckdb)")

    load = sub.add_parser("load", help="проверить и загрузить файл или годовой отчёт (книгу)")
    load.add_argument("file", type=Path)
    target(load, dataset_required=False)
    load.add_argument("--dry-run", action="store_true", help="только проверить, ничего не записывать")
    load.add_argument("--confirm-removals", action="store_true",
                      help="подтвердить удаление больше половины строк набора")
    load.add_argument("--user", default=None, help="кто загружает (для журнала); по умолчанию имя в системе")

    book = sub.add_parser("workbook", help="записать годовой отчёт организации (книгу) с текущими данными")
    book.add_argument("--org", required=True, help="код организации")
    book.add_argument("--year", type=int, required=True, help="отчётный год")
    book.add_argument("-o", "--output", type=Path)
    book.add_argument("--db", help="файл хранилища (по умолчанию $MENTORSHIP_DB или data/warehouse.duckdb)")
    book.add_argument("--user", default=None)

    tpl = sub.add_parser("template", help="записать пустой шаблон набора")
    tpl.add_argument("name", help="набор данных: " + ", ".join(DATASETS))
    tpl.add_argument("--format", choices=("csv", "xlsx"), default="xlsx")
    tpl.add_argument("-o", "--output", type=Path)

    ddl = sub.add_parser("ddl", help="SQL миграции нового набора: таблица, представление, справочники")
    ddl.add_argument("name", help="набор данных: " + ", ".join(DATASETS))

    ver = sub.add_parser("versions", help="версии снимка (организация, набор, год)")
    target(ver)

    res = sub.add_parser("restore", help="сделать текущей более раннюю версию")
    target(res)
    res.add_argument("--version", type=int, required=True)
    res.add_argument("--user", default=None)
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    name = getattr(args, "dataset", None) or getattr(args, "name", None)
    book = args.command == "workbook" or (args.command == "load" and args.dataset is None)
    if book and (not args.org or args.year is None):
        print("Ошибка: для годового отчёта укажите --org и --year.", file=sys.stderr)
        return EXIT_USAGE
    if not book and name not in DATASETS:
        print(f"Ошибка: неизвестный набор данных «{name}». Допустимые: {', '.join(DATASETS)}.", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "template":
        from ingest.templates import template, template_file_name

        out = args.output or Path(template_file_name(args.name, args.format))
        out.write_bytes(template(args.name, args.format))
        print(f"Шаблон «{DATASETS[args.name].title}» записан: {out}")
        return EXIT_OK
    if args.command == "ddl":   # what a new dataset's migration holds (ingest/schemas/base.py, Dataset.ddl)
        print(DATASETS[args.name].ddl())
        return EXIT_OK

    from warehouse.db import WarehouseLocked, connect

    try:
        conn = connect(args.db)
    except WarehouseLocked as exc:
        print(exc, file=sys.stderr)
        return EXIT_REJECTED
    try:
        return _run(conn, args)
    except VersionNotFound as exc:
        print(f"Ошибка: {exc.message}; список версий: python -m ingest versions ...", file=sys.stderr)
        return EXIT_USAGE
    except UsageError as exc:
        print(f"Ошибка: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    except IngestError as exc:           # permission-denied, stale-preview: refused, nothing written
        print(f"Ошибка: {exc.message}", file=sys.stderr)
        return EXIT_REJECTED
    finally:
        conn.close()


def _run(conn, args) -> int:
    from ingest import load, service
    from warehouse import snapshots

    user = service.command_line_user(getattr(args, "user", None))
    if args.command == "workbook":
        from ingest import workbook

        data, start = service.download_workbook(conn, user, args.org, args.year)
        out = args.output or Path(workbook.file_name(args.org, args.year))
        out.write_bytes(data)
        print(f"{workbook.title(args.year)} ({args.org}) записан: {out}. Заполнено: {start.source_text}.")
        return EXIT_OK
    if args.command == "load":
        if not args.file.is_file():
            raise UsageError(f"Файл не найден: {args.file}")
        if args.dataset is None:
            return _load_workbook(conn, user, args)
        preview = service.preview(conn, user, args.file.read_bytes(), args.file.name, args.dataset, args.org,
                                  args.year, max_bytes=load.CLI_MAX_BYTES)
        result = load.LoadResult(preview.verdict, preview) if args.dry_run else \
            service.confirm(conn, user, preview, removals_confirmed=args.confirm_removals)
        print(load.summary(result), file=sys.stdout if result.outcome != "rejected" else sys.stderr)
        return EXIT_REJECTED if result.outcome == "rejected" else EXIT_OK

    ds, org, year = load.resolve_target(conn, args.dataset, args.org, args.year)
    if args.command == "versions":
        frame = snapshots.versions(conn, ds.name, org, year)
        if frame.empty:
            print("Загруженных версий нет.")
        for r in frame.itertuples():
            mark = "  ← текущая" if r.is_current else ""
            print(f"версия {r.version}: {r.file_name}, строк {r.rows}, {r.uploaded_at:%d.%m.%Y %H:%M}, "
                  f"{r.uploaded_by}{mark}")
        return EXIT_OK
    service.restore(conn, user, ds.name, org, year, args.version)
    print(f"Восстановлена версия {args.version}: {ds.title}, {org}, {year}.")
    return EXIT_OK


def _load_workbook(conn, user, args) -> int:
    from ingest import load, service, workbook

    book = service.preview_workbook(conn, user, args.file.read_bytes(), args.file.name, args.org, args.year,
                                    max_bytes=load.CLI_MAX_BYTES)
    result = workbook.BookResult(book.verdict, book) if args.dry_run else \
        service.confirm_workbook(conn, user, book, removals_confirmed=args.confirm_removals)
    print(workbook.summary(result), file=sys.stdout if result.outcome != "rejected" else sys.stderr)
    return EXIT_REJECTED if result.outcome == "rejected" else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
