"""Loading a file into the warehouse: check the target, read, validate, compare, write (or log the refusal).

Two steps so that the app can show what an upload will change before anything is written:
:func:`prepare` reads and validates and computes the difference to the current snapshot;
:func:`commit` writes it as the new snapshot in one transaction. :func:`load_file` does both.
Every attempt, accepted or not, ends up in the upload log.

This module checks no permission: it is the engine under :mod:`ingest.service`, which the app and
the command line call for a person (permission, audit line, stale previews). The demo generator,
the benchmarks and tests that set up a warehouse call it directly, as the system.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import pandas as pd

from ingest.errors import ERROR, WARNING, BadFileName, FileTooLarge, Issue, UploadError, UsageError
from ingest.reader import RawTable, delimiter_name, read_table
from ingest.report import Report, plural
from ingest.schemas import DATASETS, Context, Dataset
from ingest.validate import validate
from warehouse import accounts, queries, registry, settings, snapshots
from warehouse.russian import number as fmt_int  # 1234567 -> «1 234 567»; pages and demo call load.fmt_int

MB = 1024 * 1024
CLI_MAX_BYTES = 200 * MB   # the command line takes national-scale files
APP_MAX_BYTES = 10 * MB    # the app refuses larger uploads (issue: accounts and uploads)
REMOVED_SHOWN = 50         # removed rows a preview names; the count is always exact


@dataclass
class Prepared:
    """A file read and validated for one target, not yet written."""

    dataset: Dataset
    org_code: str
    year: int
    file_name: str
    sha256: str
    size_bytes: int
    report: Report
    raw: RawTable | None = None
    table: object = None                     # pyarrow.Table of typed rows when readable
    previous: snapshots.Snapshot | None = None
    diff: dict = field(default_factory=dict)
    error: UploadError | None = None          # why the file could not be read at all, as raised
    result: LoadResult | None = None          # what ingest.service wrote or logged for it, once
    removed: pd.DataFrame | None = None       # the first rows the upload would remove (REMOVED_SHOWN)
    sheet: str | None = None                  # the workbook's sheet it was read from (ingest.workbook)
    identical: bool = False                   # a workbook's sheet holding exactly the current rows

    @property
    def ok(self) -> bool:
        return self.error is None and self.report.ok

    @property
    def unchanged(self) -> bool:
        """The same file as the current snapshot's (or, for a sheet of a workbook, the same rows)."""
        return self.previous is not None and (self.previous.sha256 == self.sha256 or self.identical)

    @property
    def removes_most(self) -> bool:
        """Whether it would remove more than half of the current rows: a decision the person must
        confirm explicitly (issue 12, «Removals are a decision»)."""
        removed = self.diff.get("removed", 0)
        return bool(self.previous and self.previous.rows and removed * 2 > self.previous.rows)

    @property
    def removed_ids(self) -> list[str]:
        """What identifies each removed row for a person: its key («П-007»), or, for a dataset without
        one, its first required fields («15.10.2025 · Семинар»). At most REMOVED_SHOWN."""
        if self.removed is None or self.removed.empty:
            return []
        named = list(self.dataset.key) or [f.name for f in self.dataset.required][:2]
        return [" · ".join(_shown(v) for v in row) for row in self.removed[named].itertuples(index=False)]

    @property
    def accepted(self) -> bool:
        """Readable, valid and different from the current snapshot: there is something to confirm."""
        return self.ok and not self.unchanged

    @property
    def verdict(self) -> str:
        """What committing it would do: ``unchanged``, ``rejected``, or ``checked`` (it would load)."""
        return "unchanged" if self.unchanged else ("checked" if self.ok else "rejected")

    @property
    def rows(self) -> int:
        return self.raw.n_rows if self.raw else 0

    def meta(self) -> dict:
        return {
            "file_name": self.file_name, "sha256": self.sha256, "size_bytes": self.size_bytes,
            "encoding": self.raw.encoding if self.raw else None,
            "delimiter": self.raw.delimiter if self.raw else None,
            "error_count": self.report.error_count,  # a file-level error is already one issue of the report
            "warning_count": self.report.warning_count, "message": self.error.message if self.error else None,
        }


def _shown(value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return "—"
    if isinstance(value, (datetime, pd.Timestamp)):
        return f"{value:%d.%m.%Y}"
    return str(value)


@dataclass
class LoadResult:
    outcome: str                 # loaded | rejected | unchanged | checked (a dry run that passed)
    prepared: Prepared
    upload_id: int | None = None
    version: int | None = None

    @property
    def report(self) -> Report:
        return self.prepared.report


def resolve_target(conn: duckdb.DuckDBPyConnection, dataset: str, org_code: str | None, year: int | None
                   ) -> tuple[Dataset, str, int]:
    """Check the dataset, organization and year of an upload; raise UsageError in Russian."""
    ds = DATASETS.get(dataset)
    if ds is None:
        raise UsageError(f"Неизвестный набор данных «{dataset}». Допустимые: {', '.join(DATASETS)}.")
    if ds.registry:
        if org_code or year:
            raise UsageError("Реестр организаций (organizations) загружается без организации и года.")
        return ds, snapshots.REGISTRY_ORG, snapshots.REGISTRY_YEAR
    if not org_code or year is None:
        raise UsageError(f"Для набора «{ds.title}» укажите организацию и отчётный год.")
    return ds, *resolve_org_year(conn, org_code, year)


def resolve_org_year(conn: duckdb.DuckDBPyConnection, org_code: str, year: int) -> tuple[str, int]:
    """Check the organization and the reporting year of an upload (one file or a yearly workbook)."""
    years = settings.reporting_years(conn)
    if year not in years:
        raise UsageError(f"Год {year} вне отчётного периода {years[0]}–{years[-1]}.")
    codes = registry.org_codes(conn)
    if org_code not in codes:
        hint = "Сначала загрузите реестр организаций (organizations)." if not codes else \
            "Коды в реестре: " + ", ".join(sorted(codes)[:30]) + ("…" if len(codes) > 30 else "")
        raise UsageError(f"Организации с кодом «{org_code}» нет в реестре. {hint}")
    return org_code, year


# IDs sent along with an upload, by (dataset, column), that stand for the warehouse's current ones: a
# yearly workbook's other sheets (ingest.workbook). None for a dataset means «sent as empty».
Sent = Mapping[tuple[str, str], "frozenset[str] | None"]


def _values(conn, sent: Sent, dataset: str, column: str, org_code: str, year: int) -> frozenset[str] | None:
    if (dataset, column) in sent:
        return sent[(dataset, column)]
    return snapshots.current_values(conn, dataset, column, org_code, year)


def _context(conn, ds: Dataset, org_code: str, year: int, sent: Sent | None = None) -> Context:
    """The reporting year and the IDs of every dataset the declaration refers to: sent along with
    this upload (a workbook's sheets), else the warehouse's current snapshot."""
    if ds.registry:
        return Context()
    known = {ref.dataset: _values(conn, sent or {}, ref.dataset, ref.target, org_code, year)
             for ref in ds.references}
    return Context(year=year, org_code=org_code, known=known)


def _orphan_warnings(conn, ds: Dataset, org_code: str, year: int, prepared: Prepared, sent: Sent | None = None
                     ) -> None:
    """Warn when a new file drops IDs that another dataset of the organization still refers to (in
    the warehouse, or in a sheet sent along), or when a new registry drops organizations whose data
    is in the warehouse."""
    table = prepared.table
    if ds.registry and "org_code" in table.column_names:
        gone = sorted(snapshots.orgs_with_data(conn) - set(table.column("org_code").to_pylist()))
        if gone:
            prepared.report.add(Issue(
                WARNING, "Организаций с загруженными данными нет в новом реестре", column=ds.field("org_code").title,
                value=", ".join(gone),
                expected="все организации, которые уже загружали файлы; их данные сохранятся, но не будут "
                         "видны в отчётах, пока их нет в реестре"))
        return
    # The declared references read the other way: which datasets point at this one's IDs.
    for referrer in DATASETS.values():
        for ref in referrer.references:
            column = ref.target
            if ref.dataset != ds.name or column not in table.column_names:
                continue
            used = _values(conn, sent or {}, referrer.name, ref.column, org_code, year)
            if not used:
                continue
            gone = sorted(used - set(table.column(column).to_pylist()))
            if gone:
                title = referrer.title
                shown = ", ".join(gone[:10]) + ("…" if len(gone) > 10 else "")
                whose = "лист" if sent and (referrer.name, ref.column) in sent else "загруженный файл"
                prepared.report.add(Issue(
                    WARNING, f"На эти ID ссылается {whose} «{title}»", column=ds.field(column).title,
                    value=f"{len(gone)} {plural(len(gone), 'ID', 'ID', 'ID')} нет в новом файле: {shown}",
                    expected=f"обновите и файл «{title}» за {year} год"))


# The longest file name that Windows, macOS and Linux file systems keep (255 characters): a longer one did
# not come from a disk, and a 3,000-character name would fill the upload log and every page that names it.
FILE_NAME_MAX = 255
_NAME_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def safe_file_name(file_name: str) -> str:
    """The name as the upload log keeps it: control characters written as ``\\x00``, cut to
    ``FILE_NAME_MAX`` characters with «…»."""
    shown = _NAME_CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", file_name)
    return shown if len(shown) <= FILE_NAME_MAX else shown[:FILE_NAME_MAX - 1] + "…"


def check_file_name(file_name: str) -> None:
    """Refuse a file name with a control character or longer than ``FILE_NAME_MAX`` (BadFileName)."""
    if m := _NAME_CONTROL.search(file_name):
        raise BadFileName(f"В имени файла невидимый управляющий символ \\x{ord(m.group()):02x}: такое имя не "
                          "создаёт ни одна программа. Переименуйте файл (буквы, цифры, пробелы, точка) и загрузите "
                          "его снова.")
    if len(file_name) > FILE_NAME_MAX:
        raise BadFileName(f"Имя файла слишком длинное: {fmt_int(len(file_name))} символов при допустимых "
                          f"{FILE_NAME_MAX}. Переименуйте файл короче и загрузите его снова.")


def _items_text(items: list[int]) -> str:
    return ("пункт " if len(items) == 1 else "пункты ") + ", ".join(map(str, items))


def _roadmap_warnings(conn, ds: Dataset, org_code: str, year: int, prepared: Prepared) -> None:
    """A roadmap file is the organization's report on the items that apply to it in the year (the rule is
    the warehouse's, ``roadmap_status``): an applicable item left out counts as not done and is shown as
    «нет отчёта»; an item that does not apply (3 and 10 for the department) is kept but counted nowhere.
    Item 8 outside its contest years has a rule of its own (ingest/schemas/roadmap.py)."""
    if ds.name != "roadmap":
        return
    items = queries.applicable_items(conn, {org_code}, year)
    applicable = set(items.loc[items["applicable"].astype(bool), "item"].astype(int))
    table = prepared.table
    rows = dict(zip(table.column("item").to_pylist(), table.column("row_no").to_pylist(), strict=True))
    statuses = dict(zip(table.column("item").to_pylist(), table.column("status").to_pylist(), strict=True))
    field = ds.field("item").title
    missing = sorted(applicable - set(rows))
    if missing:
        prepared.report.add(Issue(
            WARNING, "Не все пункты дорожной карты указаны", column=field,
            value=f"{_items_text(missing)} не указаны" if len(missing) > 1 else f"{_items_text(missing)} не указан",
            expected="все пункты, которые относятся к организации в этом году: в отчёте будут «нет отчёта» и "
                     "в доле выполненных пунктов считаются невыполненными"))
    extra = sorted(i for i in set(rows) - applicable if i != 8 and statuses[i] != "не требуется")
    for item in extra:
        prepared.report.add(Issue(
            WARNING, "Пункт не относится к организации", column=field, row=rows[item], value=str(item),
            expected="статус «не требуется»: пункты 3 и 10 выполняют образовательные организации, не "
                     "управление образования; строка сохранена, но в показателях не учитывается"))


def prepare(conn: duckdb.DuckDBPyConnection, data: bytes, file_name: str, dataset: str, org_code: str | None = None,
            year: int | None = None, *, max_bytes: int = CLI_MAX_BYTES) -> Prepared:
    """Read and validate a file for a target without writing anything."""
    ds, org, yr = resolve_target(conn, dataset, org_code, year)
    prepared = Prepared(dataset=ds, org_code=org, year=yr, file_name=safe_file_name(file_name),
                        sha256=hashlib.sha256(data).hexdigest(), size_bytes=len(data), report=Report(),
                        previous=snapshots.current(conn, ds.name, org, yr))
    try:
        check_file_name(file_name)
        if len(data) > max_bytes:
            raise FileTooLarge(len(data), max_bytes)
        if prepared.unchanged:
            return prepared
        prepared.raw = read_table(data, ds)
    except UploadError as exc:
        prepared.error = exc
        prepared.report.add(Issue(ERROR, exc.message))
        return prepared
    check(conn, prepared)
    return prepared


def check(conn: duckdb.DuckDBPyConnection, prepared: Prepared, sent: Sent | None = None) -> None:
    """Validate the table read into ``prepared.raw`` and compare it with the current snapshot: the
    report, the typed table, the diff and the rows it would remove. ``sent``: IDs of other datasets
    sent along (a workbook's sheets), which stand for the warehouse's in the cross-dataset rules."""
    p, ds = prepared, prepared.dataset
    validated = validate(p.raw, ds, _context(conn, ds, p.org_code, p.year, sent))
    p.report, p.table = validated.report, validated.table
    if not p.report.ok:
        return
    _orphan_warnings(conn, ds, p.org_code, p.year, p, sent)
    _roadmap_warnings(conn, ds, p.org_code, p.year, p)
    rows = p.table.drop_columns(["row_no"])
    current = p.previous.upload_id if p.previous else None
    p.diff = snapshots.diff(conn, ds.name, rows, ds.key, current)
    if ds.single_row and p.diff["added"] == p.diff["removed"] == 1:
        # One row of totals replaced by another is a change of the figures, not a removal.
        p.diff = {"added": 0, "removed": 0, "changed": 1, "unchanged": 0}
    elif p.diff["removed"]:
        p.removed = snapshots.removed(conn, ds.name, rows, ds.key, current, limit=REMOVED_SHOWN)


# An audit line for an outcome (loaded, rejected, unchanged) and the version it made, or None.
Auditor = Callable[[str, int | None], "accounts.AuditEntry | None"]


def commit(conn: duckdb.DuckDBPyConnection, prepared: Prepared, *, user: str, at: datetime | None = None,
           check_current: bool = False, audit: Auditor | None = None) -> LoadResult:
    """Write a prepared upload (or log why it was not written). ``at``: the time to log (default now;
    the demo generator back-dates its uploads so that deadlines such as item 4's 31 October mean
    something in demo data). ``check_current``: write only if the snapshot the preview was compared
    with is still current (else ``snapshots.SnapshotMoved``). ``audit``: the audit line of the
    outcome, written in the same transaction as the upload."""
    p = prepared
    entry: Auditor = audit or (lambda outcome, version: None)
    if p.unchanged:
        uid = snapshots.log_attempt(conn, p.dataset.name, p.org_code, p.year, "unchanged", meta=p.meta(), user=user,
                                    rows=p.previous.rows, at=at, audit=entry("unchanged", p.previous.version))
        return LoadResult("unchanged", p, upload_id=uid, version=p.previous.version)
    issues = [{"severity": i.severity, "row_no": i.row, "column_title": i.column, "value": i.value,
               "expected": i.expected, "message": i.problem} for i in p.report.issues()]
    if not p.ok:
        uid = snapshots.log_attempt(conn, p.dataset.name, p.org_code, p.year, "rejected", meta=p.meta(), user=user,
                                    rows=p.rows, issues=issues, at=at, audit=entry("rejected", None))
        return LoadResult("rejected", p, upload_id=uid)
    replaces = (p.previous.upload_id if p.previous else None) if check_current else snapshots.ANY_CURRENT
    uid, version = snapshots.write(conn, p.dataset.name, p.org_code, p.year, p.table, meta=p.meta(), user=user,
                                   at=at, issues=issues, replaces=replaces,
                                   audit=(lambda version: entry("loaded", version)) if audit else None)
    return LoadResult("loaded", p, upload_id=uid, version=version)


def load_file(conn: duckdb.DuckDBPyConnection, data: bytes, file_name: str, dataset: str, org_code: str | None = None,
              year: int | None = None, *, user: str, dry_run: bool = False, max_bytes: int = CLI_MAX_BYTES,
              at: datetime | None = None) -> LoadResult:
    """Read, validate and load one file as the new snapshot of (dataset, org_code, year)."""
    prepared = prepare(conn, data, file_name, dataset, org_code, year, max_bytes=max_bytes)
    if dry_run:
        return LoadResult(prepared.verdict, prepared)
    return commit(conn, prepared, user=user, at=at)


def summary(result: LoadResult) -> str:
    """A one-screen Russian summary of a load, for the command line."""
    p = result.prepared
    target = p.dataset.title if p.dataset.registry else f"{p.dataset.title}, {p.org_code}, {p.year} год"
    lines = []
    if result.outcome == "unchanged":
        prev = p.previous
        lines.append(f"Без изменений: {target}. Этот файл уже загружен — версия {prev.version} от "
                     f"{prev.uploaded_at:%d.%m.%Y %H:%M} ({prev.uploaded_by}). Ничего не изменено.")
        return "\n".join(lines)
    head = {"loaded": f"Загружено: {target} — версия {result.version}",
            "checked": f"Проверка пройдена (без записи): {target}",
            "rejected": f"Файл отклонён: {target}. Хранилище не изменено."}[result.outcome]
    lines.append(head)
    if p.raw:
        r = p.raw
        how = f"{r.encoding}, разделитель — {delimiter_name(r.delimiter)}" if r.file_format == "csv" else "книга Excel"
        lines.append(f"Файл: {p.file_name} ({how}); заголовок в строке {r.header_row}; "
                     f"строк с данными: {fmt_int(r.n_rows)}"
                     + (f"; пустых строк пропущено: {r.blank_rows}" if r.blank_rows else ""))
        if r.extra:
            lines.append("Лишние столбцы (пропущены): " + ", ".join(r.extra))
    if result.outcome != "rejected":
        if p.previous:
            prev = p.previous
            lines.append(f"Заменяет версию {prev.version} ({fmt_int(prev.rows)} "
                         f"{plural(prev.rows, 'строка', 'строки', 'строк')}, {prev.file_name}, "
                         f"от {prev.uploaded_at:%d.%m.%Y %H:%M}); она сохранена и может быть восстановлена.")
        d = p.diff
        if d:
            lines.append(f"Изменения: новых {fmt_int(d['added'])}, изменённых {fmt_int(d['changed'])}, "
                         f"удалённых {fmt_int(d['removed'])}, без изменений {fmt_int(d['unchanged'])}.")
        if p.removed_ids:
            more = "…" if d["removed"] > len(p.removed_ids) else ""
            lines.append(f"Будут удалены ({fmt_int(d['removed'])}): {', '.join(p.removed_ids)}{more}"
                         + ("; это больше половины строк — подтвердите удаление (--confirm-removals)."
                            if p.removes_most and result.outcome != "loaded" else ""))
    if p.report.groups:
        lines.append(p.report.to_text())
    return "\n".join(lines)
