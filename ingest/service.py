"""The upload service: what the upload page, the history page and the command line do for a person.

    preview(conn, user, data, file_name, dataset, org_code, year, *, max_bytes, page=None) -> Prepared
    confirm(conn, user, preview, *, removals_confirmed=False, page=None) -> LoadResult
    preview_workbook(conn, user, data, file_name, org_code, year, *, max_bytes, page=None) -> workbook.Book
    confirm_workbook(conn, user, book, *, removals_confirmed=False, page=None) -> workbook.BookResult
    is_stale_workbook(conn, book) -> bool
    download_workbook(conn, user, org_code, year, *, page=None) -> (bytes, workbook.Start)
    log_refusal(conn, user, preview, *, page=None) -> LoadResult
    current(conn, dataset, org_code, year) -> Snapshot | None
    is_stale(conn, preview) -> bool
    restore(conn, user, dataset, org_code, year, version, *, page=None) -> (upload_id, log_id)
    command_line_user(login=None) -> User

:mod:`ingest.load` reads, validates and writes; this module decides who may, and records it. The
decisions, in the order a call meets them:

- **Permission first**, in the function that does the work (as datasette-upload-csvs checks it in
  its view's first statement), before the file is read or the target looked up. The administrator
  may upload anything; a coordinator the datasets of their own organization and never the registry;
  the head, or any other role, nothing. Only the administrator restores a version (the history page
  offers it to the administrator alone). A refusal raises :class:`PermissionDenied` and writes one
  audit line (``upload_denied``, ``restore_denied``) and nothing else: no file was taken, so the
  upload log does not grow. ``confirm`` checks again: a preview is data kept in a session, and it is
  the user who confirms that is checked.
- **The audit line goes in the data's transaction**: ``upload`` with the new snapshot,
  ``upload_rejected`` with the log of a refused file, ``restore`` with the moved pointer
  (``warehouse.snapshots`` writes them beside the upload log's row). An unchanged file is logged in
  the upload log without an audit line, as before the service existed.
- **Exactly what was previewed**: ``confirm`` writes the preview's own typed table, and only if the
  snapshot the preview was compared with is still current, checked under the write lock; otherwise
  it raises :class:`StalePreview` and writes nothing. ``is_stale`` lets the page check on every run
  too and show a fresh preview before anyone clicks.
- **Once**: ``confirm`` and ``log_refusal`` keep their result on the preview (``Prepared.result``);
  called again with the same preview (a rerun, a double click) they return it and write nothing.
- **Removals are a decision** (issue 12): confirming an upload that would remove more than half of
  a dataset's rows needs ``removals_confirmed=True`` (the page's explicit tick, the command line's
  ``--confirm-removals``); without it :class:`RemovalNotConfirmed` and nothing is written.
- **The yearly workbook** (:mod:`ingest.workbook`) goes the same way: permission first, every sheet
  validated together, all changed datasets written in one transaction with their audit lines, a
  stale check over every sheet. Downloading the organization's workbook is an export: the
  department and the organization's own coordinator may, and each download is an audit line.
- **A write that fails** (a full disk, a warehouse file that may not grow): DuckDB's error becomes
  :class:`WriteFailed` with a Russian message; the exception goes to the server's log, and the attempt
  to the upload log (outcome ``failed``) and the audit log (``upload_failed``) in a transaction of its
  own — when even that cannot be written, the message says so (issue 15).
- ``page`` is the audit log's page column: the app passes its page title, the command line nothing.
- Errors are the typed family of :mod:`ingest.errors`, raised as they are; the page and the command
  line render them.
"""

from __future__ import annotations

import getpass
import logging

import duckdb

from ingest import load, workbook
from ingest.errors import (
    PermissionDenied,
    RemovalNotConfirmed,
    StalePreview,
    UsageError,
    VersionNotFound,
    WriteFailed,
)
from ingest.schemas import DATASET_TITLES, DATASETS
from warehouse import accounts, snapshots
from warehouse.accounts import AuditEntry, User

LOG = logging.getLogger(__name__)
MAY_UPLOAD = "Загружать файлы могут ответственные организаций и администратор."
REGISTRY_BY_ADMIN = "Реестр организаций загружает администратор."
RESTORE_BY_ADMIN = "Восстановить версию может администратор."


def command_line_user(login: str | None = None) -> User:
    """The user the command line acts as: the administrator, since whoever runs it on the server
    holds the warehouse file anyway (one writer, README). Named ``--user`` or ``cli:<system user>``,
    as the upload log has always named command-line uploads."""
    return User(login or f"cli:{getpass.getuser()}", "Командная строка", accounts.ADMIN, None)


def _describe(dataset: str, org_code: str | None, year: int | None, registry: bool) -> str:
    """The target as the audit log's detail names it: «staff СОШ1 2025», «organizations»."""
    return dataset if registry else f"{dataset} {org_code} {year}"


def _upload_refusal(user: User, registry: bool, org_code: str | None) -> str | None:
    """Why ``user`` may not upload to this target, or None if they may."""
    if user.role == accounts.ADMIN:
        return None
    if user.role != accounts.COORDINATOR:
        return MAY_UPLOAD
    if registry:
        return REGISTRY_BY_ADMIN
    if not user.org_code or org_code != user.org_code:
        return f"Ответственный ОО загружает файлы только своей организации ({user.org_code})."
    return None


def _require_upload(conn: duckdb.DuckDBPyConnection, user: User, dataset: str, org_code: str | None,
                    year: int | None, file_name: str, page: str | None) -> None:
    ds = DATASETS.get(dataset)
    registry = bool(ds and ds.registry)
    reason = _upload_refusal(user, registry, org_code)
    if reason is not None:
        accounts.audit(conn, user.login, "upload_denied", page=page, org_code=None if registry else org_code,
                       detail=f"{_describe(dataset, org_code, year, registry)}: «{load.safe_file_name(file_name)}». "
                              f"{reason}")
        raise PermissionDenied(reason)


def preview(conn: duckdb.DuckDBPyConnection, user: User, data: bytes, file_name: str, dataset: str,
            org_code: str | None, year: int | None, *, max_bytes: int, page: str | None = None) -> load.Prepared:
    """Check that ``user`` may upload to the target, then read and validate the file and compare it
    with the current snapshot; nothing is written (but the audit line of a refusal).

    Raises PermissionDenied, then UsageError for a wrong target (for the registry, pass no
    organization and no year). A file that cannot be read is no exception here: the preview keeps it
    in ``error`` (an UploadError) and in its report, so that the refusal can be shown and logged."""
    _require_upload(conn, user, dataset, org_code, year, file_name, page)
    return load.prepare(conn, data, file_name, dataset, org_code, year, max_bytes=max_bytes)


def _auditor(user: User, p: load.Prepared, page: str | None) -> load.Auditor:
    """The audit line of each outcome of a preview, as the upload page has always written it."""
    registry = p.dataset.registry
    org = None if registry else p.org_code
    detail = f"{_describe(p.dataset.name, p.org_code, p.year, registry)}: «{p.file_name}»"

    def line(outcome: str, version: int | None) -> AuditEntry | None:
        if outcome == "loaded":
            return AuditEntry(user.login, "upload", page, org, f"{detail}, версия {version}, строк {p.rows}")
        if outcome == "rejected":
            return AuditEntry(user.login, "upload_rejected", page, org, f"{detail}, ошибок {p.report.error_count}")
        return None
    return line


def confirm(conn: duckdb.DuckDBPyConnection, user: User, preview: load.Prepared, *, removals_confirmed: bool = False,
            page: str | None = None) -> load.LoadResult:
    """Carry out a preview for ``user``: write an accepted file as the new snapshot (outcome
    ``loaded``), or log a refused (``rejected``) or unchanged one; each with its audit line in the
    same transaction. Raises PermissionDenied; RemovalNotConfirmed when the file would remove more
    than half of the rows and ``removals_confirmed`` is not set; StalePreview when the target
    changed after the preview (nothing written: preview again)."""
    p = preview
    _require_upload(conn, user, p.dataset.name, None if p.dataset.registry else p.org_code,
                    None if p.dataset.registry else p.year, p.file_name, page)
    if p.result is not None:
        return p.result
    if p.accepted and p.removes_most and not removals_confirmed:
        raise RemovalNotConfirmed([p.dataset.title])
    try:
        p.result = load.commit(conn, p, user=user.login, check_current=True, audit=_auditor(user, p, page))
    except snapshots.SnapshotMoved:
        raise StalePreview() from None
    except duckdb.Error as exc:
        raise _write_failed(conn, user, exc, [(p.dataset.name, p.org_code, p.year, p.meta(), p.rows)], page,
                            _describe(p.dataset.name, p.org_code, p.year, p.dataset.registry) + f": «{p.file_name}»",
                            None if p.dataset.registry else p.org_code) from exc
    return p.result


# What DuckDB says when the disk is full or the file may not grow (ENOSPC, EFBIG, a read-only file).
_DISK_WORDS = ("no space left", "file too large", "could not write", "read-only", "disk quota")


def _write_failed(conn: duckdb.DuckDBPyConnection, user: User, exc: duckdb.Error, targets: list[tuple],
                  page: str | None, detail: str, org_code: str | None) -> WriteFailed:
    """The error of an upload the warehouse could not write: the server's log gets the exception; the
    upload log (outcome ``failed``, one row per target) and the audit log (``upload_failed``) get the
    attempt in one transaction of their own, if the warehouse can still write that much."""
    LOG.error("Upload not written (%s, %s): %s", user.login, detail, exc, exc_info=exc)
    disk = any(w in str(exc).lower() for w in _DISK_WORDS)
    reason = ("на диске сервера не хватило места для хранилища (или файл хранилища нельзя дописать)" if disk
              else "ошибка хранилища на сервере")
    issue = [{"severity": "error", "row_no": None, "column_title": None, "value": None, "expected": None,
              "message": f"Файл не записан: {reason}."}]
    try:
        line = AuditEntry(user.login, "upload_failed", page, org_code, f"{detail}: {reason}")
        snapshots.write_many(conn, [], [snapshots.Attempt(d, org, year, "failed", meta, rows, issue)
                                        for d, org, year, meta, rows in targets],
                             user=user.login, audit=lambda _versions: [line])
        logged = "Попытка записана в историю загрузок."
    except duckdb.Error as again:
        LOG.error("The failed upload could not be logged either: %s", again, exc_info=again)
        logged = "Записать попытку в историю загрузок тоже не удалось: она есть в журнале сервера."
    return WriteFailed(f"Файл не записан: {reason}. Хранилище не изменено. {logged} Сообщите администратору; "
                       "когда ошибка будет устранена, загрузите файл снова.")


def log_refusal(conn: duckdb.DuckDBPyConnection, user: User, preview: load.Prepared, *,
                page: str | None = None) -> load.LoadResult:
    """Log a refused or unchanged file as the attempt it is (the upload log; an audit line for a
    refused one). The page calls it when it shows the verdict, since there is nothing to confirm."""
    if preview.accepted:
        raise ValueError("an accepted preview is written by confirm(), not logged as a refusal")
    return confirm(conn, user, preview, page=page)


def _require_workbook(conn: duckdb.DuckDBPyConnection, user: User, org_code: str, year: int, file_name: str,
                      page: str | None) -> None:
    reason = _upload_refusal(user, False, org_code)
    if reason is not None:
        accounts.audit(conn, user.login, "upload_denied", page=page, org_code=org_code,
                       detail=f"годовой отчёт {org_code} {year}: «{load.safe_file_name(file_name)}». {reason}")
        raise PermissionDenied(reason)


def preview_workbook(conn: duckdb.DuckDBPyConnection, user: User, data: bytes, file_name: str, org_code: str,
                     year: int, *, max_bytes: int = load.APP_MAX_BYTES, page: str | None = None) -> workbook.Book:
    """Check that ``user`` may upload the organization's data, then read every sheet of the yearly
    workbook and validate them together (the cross-dataset rules read the book's own sheets);
    nothing is written but the audit line of a refusal. Raises PermissionDenied, then UsageError; a
    book that cannot be read is kept in ``Book.error``."""
    _require_workbook(conn, user, org_code, year, file_name, page)
    return workbook.prepare(conn, data, file_name, org_code, year, max_bytes=max_bytes)


def _book_auditor(user: User, book: workbook.Book, page: str | None) -> workbook.BookAuditor:
    """One audit line per dataset written, as a single file's upload is audited, or one for a
    refused book."""
    def lines(outcome: str, done: list) -> list[AuditEntry]:
        if outcome == "rejected":
            return [AuditEntry(user.login, "upload_rejected", page, book.org_code,
                               f"годовой отчёт {book.org_code} {book.year}: «{book.file_name}», "
                               f"ошибок {book.error_count}")]
        return [AuditEntry(user.login, "upload", page, book.org_code,
                           f"{p.dataset.name} {book.org_code} {book.year}: «{book.file_name}», лист «{p.sheet}», "
                           f"версия {version}, строк {p.rows}") for p, version in done]
    return lines


def confirm_workbook(conn: duckdb.DuckDBPyConnection, user: User, book: workbook.Book, *,
                     removals_confirmed: bool = False, page: str | None = None) -> workbook.BookResult:
    """Carry out a workbook's preview for ``user``: every changed dataset becomes a new snapshot in ONE
    transaction with its upload-log row and audit line (all or nothing); a refused book is logged
    as refused. Raises PermissionDenied; RemovalNotConfirmed (a sheet would remove more than half of
    its dataset's rows and ``removals_confirmed`` is not set); StalePreview when any of the book's
    datasets changed after the preview (nothing written)."""
    _require_workbook(conn, user, book.org_code, book.year, book.file_name, page)
    if book.result is not None:
        return book.result
    if book.ok and (most := book.removes_most) and not removals_confirmed:
        raise RemovalNotConfirmed([p.dataset.title for p in most])
    if book.error is not None:     # unreadable: nothing to log per dataset, the audit line says it
        accounts.record(conn, _book_auditor(user, book, page)("rejected", [])[0])
        book.result = workbook.BookResult("rejected", book)
        return book.result
    try:
        book.result = workbook.commit(conn, book, user=user.login, check_current=True,
                                      audit=_book_auditor(user, book, page))
    except snapshots.SnapshotMoved:
        raise StalePreview() from None
    except duckdb.Error as exc:
        raise _write_failed(conn, user, exc, [(p.dataset.name, p.org_code, p.year, p.meta(), p.rows)
                                              for p in book.sheets], page,
                            f"годовой отчёт {book.org_code} {book.year}: «{book.file_name}»", book.org_code) from exc
    return book.result


def is_stale_workbook(conn: duckdb.DuckDBPyConnection, book: workbook.Book) -> bool:
    """Whether any dataset of the book's sheets has another current version than at the preview."""
    return any(is_stale(conn, p) for p in book.sheets)


def download_workbook(conn: duckdb.DuckDBPyConnection, user: User, org_code: str, year: int, *,
                      page: str | None = None) -> tuple[bytes, workbook.Start]:
    """The organization's yearly workbook, filled with its current data for ``year`` (or the previous
    year's as a start, or empty), for a user whose scope holds the organization (the department, the
    organization's own coordinator). Audited as an export; a refusal as ``export_denied``."""
    if org_code not in accounts.scope(conn, user):
        reason = f"Книгу организации «{org_code}» может скачать её ответственный или отдел УО."
        accounts.audit(conn, user.login, "export_denied", page=page, org_code=org_code,
                       detail=f"годовой отчёт {org_code} {year}. {reason}")
        raise PermissionDenied(reason)
    org, yr = load.resolve_org_year(conn, org_code, year)
    data, start = workbook.write(conn, org, yr)
    accounts.audit(conn, user.login, "export", page=page, org_code=org,
                   detail=f"годовой отчёт (xlsx): {org} {yr}, {start.source_text}")
    return data, start


def current(conn: duckdb.DuckDBPyConnection, dataset: str, org_code: str | None, year: int | None
            ) -> snapshots.Snapshot | None:
    """The current snapshot of a target named as preview() takes it (the registry without organization
    and year), or None when nothing was loaded."""
    if DATASETS[dataset].registry:
        org_code, year = snapshots.REGISTRY_ORG, snapshots.REGISTRY_YEAR
    return snapshots.current(conn, dataset, org_code, year)


def is_stale(conn: duckdb.DuckDBPyConnection, preview: load.Prepared) -> bool:
    """Whether another upload or restore made another version of the target current since the
    preview was made (its diff and «unchanged» verdict then describe the past)."""
    now = snapshots.current(conn, preview.dataset.name, preview.org_code, preview.year)
    was = preview.previous
    return (now.upload_id if now else None) != (was.upload_id if was else None)


def restore(conn: duckdb.DuckDBPyConnection, user: User, dataset: str, org_code: str, year: int, version: int,
            *, page: str | None = None) -> tuple[int, int]:
    """Make an earlier loaded version of a snapshot current again, for the administrator.

    The target is the snapshot's stored key (``snapshots.REGISTRY_ORG``/``REGISTRY_YEAR`` for the
    registry), not checked against today's registry or reporting years: an old snapshot can still be
    restored. Raises PermissionDenied, UsageError for an unknown dataset, VersionNotFound. Returns
    (the restored upload_id, the upload log's entry id)."""
    if not user.is_admin:
        accounts.audit(conn, user.login, "restore_denied", page=page, org_code=org_code,
                       detail=f"{DATASET_TITLES.get(dataset, dataset)} {year}: версия {version}. {RESTORE_BY_ADMIN}")
        raise PermissionDenied(RESTORE_BY_ADMIN)
    ds = DATASETS.get(dataset)
    if ds is None:
        raise UsageError(f"Неизвестный набор данных «{dataset}». Допустимые: {', '.join(DATASETS)}.")
    # The audit log is read by people: the dataset's title, not its code («Педагоги 2026», not «staff 2026»).
    line = AuditEntry(user.login, "restore", page, org_code, f"{ds.title} {year}: версия {version}")
    try:
        return snapshots.restore(conn, dataset, org_code, year, version, user=user.login, audit=line)
    except LookupError:
        raise VersionNotFound(ds.title, org_code, year, version) from None
    except duckdb.Error as exc:      # a full disk: said in Russian, the attempt audited if it can be
        LOG.error("Restore not written (%s, %s): %s", user.login, line.detail, exc, exc_info=exc)
        try:
            accounts.audit(conn, user.login, "restore_failed", page=page, org_code=org_code, detail=line.detail)
            logged = "Попытка записана в журнал аудита."
        except duckdb.Error:
            logged = "Записать попытку в журнал аудита тоже не удалось: она есть в журнале сервера."
        raise WriteFailed(f"Версия не восстановлена: ошибка записи в хранилище на сервере (например, на диске нет "
                          f"места). Текущая версия не изменилась. {logged} Сообщите администратору.") from exc
