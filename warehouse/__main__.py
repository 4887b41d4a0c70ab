"""Command line of the warehouse.

    python -m warehouse init  [--db PATH]            create (or upgrade) an empty warehouse
    python -m warehouse demo  [--db PATH] [--scale city|region|nation] [--force]
                                                     build a demo warehouse of generated, marked data
    python -m warehouse years FIRST LAST [--db PATH] set the allowed reporting years

The demo data goes through the same ingest path as real files, so ``demo`` calls
:mod:`ingest.demo`; that is the one place where the warehouse's command line reaches into ingest.
"""

from __future__ import annotations

import argparse
import sys

from warehouse import db, settings


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m warehouse", description="Хранилище дорожной карты наставничества.")
    sub = p.add_subparsers(dest="command", required=True)
    for name, text in (("init", "создать пустое хранилище"), ("demo", "создать демонстрационное хранилище"),
                       ("years", "задать отчётные годы")):
        sp = sub.add_parser(name, help=text)
        sp.add_argument("--db", help="файл хранилища (по умолчанию $MENTORSHIP_DB или data/warehouse.duckdb)")
        if name == "demo":
            sp.add_argument("--scale", default="city", help="city (по умолчанию), region или nation")
            sp.add_argument("--force", action="store_true", help="пересоздать, если файл уже есть")
        if name == "years":
            sp.add_argument("first", type=int)
            sp.add_argument("last", type=int)
    args = p.parse_args(argv)

    if args.command == "demo":
        from ingest.demo import build_demo  # demo files go through ingest like real ones

        path = db.db_path(args.db)
        if path.exists() and not args.force:
            print(f"Файл {path} уже существует; чтобы пересоздать, добавьте --force.", file=sys.stderr)
            return 2
        try:
            stats = build_demo(path, scale=args.scale)
        except db.WarehouseLocked as exc:
            print(exc, file=sys.stderr)
            return 1
        print(f"Демонстрационное хранилище создано: {path} ({stats})")
        return 0
    try:
        conn = db.connect(args.db)
    except db.WarehouseLocked as exc:
        print(exc, file=sys.stderr)
        return 1
    with conn:
        if args.command == "init":
            print(f"Хранилище готово: {db.db_path(args.db)} (схема версии {db.schema_version(conn)}).")
        else:
            try:
                settings.set_reporting_years(conn, args.first, args.last)
            except ValueError as exc:
                print(exc, file=sys.stderr)
                return 2
            print(f"Отчётные годы: {args.first}–{args.last}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
