"""Command line of the warehouse.

    python -m warehouse init  [--db PATH]            create (or upgrade) an empty warehouse
    python -m warehouse demo  [--db PATH] [--scale city|region|nation] [--force]
                                                     build a demo warehouse of generated, marked data
    python -m warehouse years FIRST LAST [--db PATH] set the allowed reporting years
    python -m warehouse kpi --year YEAR [--as-of ДД.ММ.ГГГГ] [--db PATH] [--format table|csv] [--all-columns]
                                                     the per-organization figures of a year, «просрочено»
                                                     judged on --as-of (today by default), then the city
    python -m warehouse report --year YEAR [--db PATH] [--municipality NAME] [--org-type TYPE]
                               [--as-of ДД.ММ.ГГГГ] -o FILE.docx
                                                     the annual monitoring report (item 7) as DOCX
    python -m warehouse user add LOGIN --role admin|head|coordinator --name "ФИО" [--org CODE]
    python -m warehouse user passwd|disable|enable LOGIN
    python -m warehouse user list
                                                     local accounts; the password is asked for
                                                     (or read from stdin with --password-stdin)

The demo data goes through the same ingest path as real files, so ``demo`` calls
:mod:`ingest.demo`; that is the one place where the warehouse's command line reaches into ingest.
"""

from __future__ import annotations

import argparse
import sys

from warehouse import db, settings


def _day(text: str):
    """A date as the department writes it (ДД.ММ.ГГГГ) or ISO."""
    from datetime import datetime

    for fmt in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"дата «{text}» не в формате ДД.ММ.ГГГГ")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m warehouse", description="Хранилище дорожной карты наставничества.")
    sub = p.add_subparsers(dest="command", required=True)
    for name, text in (("init", "создать пустое хранилище"), ("demo", "создать демонстрационное хранилище"),
                       ("years", "задать отчётные годы"), ("kpi", "показатели организаций за год")):
        sp = sub.add_parser(name, help=text)
        sp.add_argument("--db", help="файл хранилища (по умолчанию $MENTORSHIP_DB или data/warehouse.duckdb)")
        if name == "demo":
            sp.add_argument("--scale", default="city", help="city (по умолчанию), region или nation")
            sp.add_argument("--force", action="store_true", help="пересоздать, если файл уже есть")
        if name == "years":
            sp.add_argument("first", type=int)
            sp.add_argument("last", type=int)
        if name == "kpi":
            sp.add_argument("--year", type=int, required=True)
            sp.add_argument("--as-of", type=_day, default=None, metavar="ДД.ММ.ГГГГ",
                            help="дата, на которую считать просрочку и срок базы наставников (по умолчанию сегодня)")
            sp.add_argument("--format", choices=("table", "csv"), default="table")
            sp.add_argument("--all-columns", action="store_true", help="все показатели, а не основные")
    rp = sub.add_parser("report", help="аналитическая справка по итогам мониторинга (пункт 7) в DOCX")
    rp.add_argument("--db", help="файл хранилища (по умолчанию $MENTORSHIP_DB или data/warehouse.duckdb)")
    rp.add_argument("--year", type=int, required=True)
    rp.add_argument("--municipality", help="только организации этого муниципалитета")
    rp.add_argument("--org-type", help="только организации этого типа (например, «дошкольная» или «детский сад»)")
    rp.add_argument("--as-of", type=_day, default=None, metavar="ДД.ММ.ГГГГ",
                    help="дата, на которую оцениваются сроки (по умолчанию сегодня)")
    rp.add_argument("-o", "--output", required=True, help="файл .docx")
    up = sub.add_parser("user", help="учётные записи")
    up.add_argument("action", choices=("add", "passwd", "disable", "enable", "list"))
    up.add_argument("login", nargs="?")
    up.add_argument("--role", choices=("admin", "head", "coordinator"))
    up.add_argument("--name", help="ФИО")
    up.add_argument("--org", help="код организации (для ответственного ОО)")
    up.add_argument("--password-stdin", action="store_true", help="прочитать пароль из стандартного ввода")
    up.add_argument("--db")
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
        if args.command == "kpi":
            return _kpi(conn, args)
        if args.command == "report":
            return _report(conn, args)
        if args.command == "user":
            return _user(conn, args)
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


def _user(conn, args) -> int:
    """Manage local accounts from the command line (the first administrator is created here)."""
    import getpass

    from warehouse import accounts

    def password() -> str:
        if args.password_stdin:
            return sys.stdin.readline().rstrip("\n")
        first = getpass.getpass("Пароль: ")
        if getpass.getpass("Пароль ещё раз: ") != first:
            raise accounts.AccountError("Пароли не совпадают.")
        return first

    try:
        if args.action == "list":
            frame = accounts.users(conn)
            for r in frame.itertuples():
                state = "активна" if r.active else "отключена"
                org = f", {r.org_code}" if isinstance(r.org_code, str) else ""
                print(f"{r.login}: {r.full_name}, {accounts.ROLES[r.role]}{org}, "
                      f"{state}")
            if frame.empty:
                print("Учётных записей нет. Создайте администратора: python -m warehouse user add LOGIN "
                      "--role admin --name \"ФИО\"")
            return 0
        if not args.login:
            print("Укажите логин.", file=sys.stderr)
            return 2
        who = "cli"
        if args.action == "add":
            if not args.role or not args.name:
                print("Для новой учётной записи укажите --role и --name.", file=sys.stderr)
                return 2
            user = accounts.create_user(conn, args.login, args.name, args.role, password(), args.org, by=who)
            print(f"Учётная запись создана: {user.login} ({user.role_title}"
                  f"{', ' + user.org_code if user.org_code else ''}).")
        elif args.action == "passwd":
            accounts.set_password(conn, args.login, password(), by=who)
            print(f"Пароль пользователя {args.login} изменён; блокировка снята.")
        else:
            accounts.set_active(conn, args.login, args.action == "enable", by=who)
            print(f"Учётная запись {args.login} {'включена' if args.action == 'enable' else 'отключена'}.")
    except accounts.AccountError as exc:
        print(f"Ошибка: {exc}", file=sys.stderr)
        return 2
    return 0


def _kpi(conn, args) -> int:
    """Print the per-organization figures of a year for the whole registry (the department's view)."""
    from warehouse import labels, queries, registry, spreadsheet

    years = settings.reporting_years(conn)
    if args.year not in years:
        print(f"Год {args.year} вне отчётного периода {years[0]}–{years[-1]}.", file=sys.stderr)
        return 2
    codes = registry.org_codes(conn)
    frame = queries.org_kpi(conn, codes, args.year, args.as_of)
    if not args.all_columns:
        frame = frame[labels.KPI_MAIN]
    if args.format == "csv":   # registry names are a file's text: no live formula in Excel (issue 15)
        frame = spreadsheet.neutralize_text(frame)
    frame = labels.humanize(frame).rename(columns=labels.COLUMNS)   # every column has a Russian title
    # The city's row: the same figures summed over the organizations (mart_city_kpi), under the same headers.
    city = queries.city_summary(conn, codes, args.year, args.as_of)
    import pandas as pd

    row = {labels.COLUMNS[c]: v for c, v in city.items() if c in labels.KPI and labels.COLUMNS[c] in frame.columns}
    row[labels.COLUMNS["short_name"]] = "Город (итого)"
    total = labels.humanize(pd.DataFrame([row]).reindex(columns=frame.columns)).fillna("")
    frame = pd.concat([frame, total], ignore_index=True)
    if args.format == "csv":
        # UTF-8 with BOM and «;»: what Russian Excel opens as it is.
        sys.stdout.write("\ufeff" + frame.to_csv(sep=";", index=False))
    else:
        with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 250):
            print(frame.to_string(index=False))
    return 0


def _report(conn, args) -> int:
    """Write the monitoring report of a year for the registry (the department's view), or a part of it."""
    from pathlib import Path

    from warehouse import report
    from warehouse.labels import ORG_TYPE_SHORT

    years = settings.reporting_years(conn)
    if args.year not in years:
        print(f"Год {args.year} вне отчётного периода {years[0]}–{years[-1]}.", file=sys.stderr)
        return 2
    org_type = args.org_type
    if org_type is not None:
        by_short = {v: k for k, v in ORG_TYPE_SHORT.items()}
        org_type = by_short.get(org_type.strip().lower(), org_type.strip().lower())
    as_of = args.as_of
    scope = report.resolve_scope(conn, municipality=args.municipality, org_type=org_type)
    if not scope.codes:
        print("Под условия не подходит ни одна организация реестра: проверьте муниципалитет и тип "
              f"(типы: {', '.join(ORG_TYPE_SHORT)}).", file=sys.stderr)
        return 2
    if len(scope.codes) > report.MAX_ORGS:
        print(f"{report.too_many()} Параметры: --municipality, --org-type.", file=sys.stderr)
        return 2
    import getpass

    data = report.build_audited(conn, f"cli:{getpass.getuser()}", scope, args.year, as_of, page="Командная строка",
                                progress=lambda text: print(text, file=sys.stderr))
    out = Path(args.output)
    out.write_bytes(data)
    print(f"Справка записана: {out} (организаций: {len(scope.codes)}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
