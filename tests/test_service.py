"""The upload service (``ingest.service``): permission first, refusals that write nothing but their
audit line, the audit line in the data's transaction, exactly what was previewed, stale previews,
restores, and the command line going through the same service.

Every test works on the ``warehouse`` fixture: a real DuckDB file with the registry of СОШ1, ДС2, УО.
"""

from __future__ import annotations

import pytest

from ingest import __main__ as ingest_cli
from ingest import errors, load, service
from ingest.errors import PermissionDenied, StalePreview, UsageError, VersionNotFound
from tests.conftest import DEPARTMENT, KINDERGARTEN, SCHOOL, YEAR, count_tables
from warehouse import db, facts, snapshots
from warehouse.accounts import ADMIN, COORDINATOR, HEAD, User

STAFF_HEADER = ["ID педагога", "Должность", "Возраст", "Стаж в ОО", "Педагогический стаж",
                "Квалификационная категория", "Затруднения", "Новый сотрудник"]
COORDINATOR_SOSH1 = User("sosh1", "Ответственный СОШ1", COORDINATOR, SCHOOL)
HEAD_USER = User("head", "Руководитель", HEAD, None)
ADMIN_USER = User("admin", "Администратор", ADMIN, None)
PAGE = "Загрузка данных"


def staff(*ages: int) -> list[list[object]]:
    """A staff file (header first), one teacher per age."""
    return [STAFF_HEADER] + [[f"П-{i:03d}", "учитель", age, 3, 5, "первая", "нет", "нет"]
                             for i, age in enumerate(ages, start=1)]


def audit_rows(conn, action: str | None = None) -> list[tuple]:
    where, params = ("where action = ?", [action]) if action else ("", [])
    return conn.execute(f"select login, action, page, org_code, detail from audit_log {where} order by audit_id",
                        params).fetchall()


def everything(conn) -> dict[str, int]:
    """Row counts of the data tables, the upload log and the audit log."""
    return {**count_tables(conn), "audit_log": conn.execute("select count(*) from audit_log").fetchone()[0]}


def without_audit(counts: dict[str, int]) -> dict[str, int]:
    return {t: n for t, n in counts.items() if t != "audit_log"}


def upload(conn, user: User, data: bytes, dataset: str = "staff", org: str | None = SCHOOL, year: int | None = YEAR,
           name: str = "педагоги.csv") -> load.LoadResult:
    return service.confirm(conn, user, service.preview(conn, user, data, name, dataset, org, year,
                                                       max_bytes=load.APP_MAX_BYTES, page=PAGE), page=PAGE)


# ---------------------------------------------------------------------------------------------
# Permission


@pytest.mark.parametrize(("user", "dataset", "org", "year", "words"), [
    (COORDINATOR_SOSH1, "staff", KINDERGARTEN, YEAR, f"только своей организации ({SCHOOL})"),
    (COORDINATOR_SOSH1, "roadmap", DEPARTMENT, YEAR, f"только своей организации ({SCHOOL})"),
    (COORDINATOR_SOSH1, "organizations", None, None, "Реестр организаций загружает администратор"),
    (HEAD_USER, "staff", SCHOOL, YEAR, "Загружать файлы могут ответственные организаций и администратор"),
    (HEAD_USER, "organizations", None, None, "Загружать файлы могут ответственные организаций и администратор"),
    # Permission comes first: a year outside the period or a file that is no table changes nothing.
    (HEAD_USER, "staff", SCHOOL, 2030, "Загружать файлы могут"),
], ids=["coordinator-other-school", "coordinator-department", "coordinator-registry", "head", "head-registry",
        "head-bad-year"])
def test_refused_upload_writes_nothing_but_its_audit_line(warehouse, make_csv, user, dataset, org, year, words):
    before = everything(warehouse)
    with pytest.raises(PermissionDenied) as exc:
        service.preview(warehouse, user, make_csv(staff(30, 40)), "чужой.csv", dataset, org, year,
                        max_bytes=load.APP_MAX_BYTES, page=PAGE)
    assert exc.value.code == "permission-denied" and words in exc.value.message
    after = everything(warehouse)
    assert without_audit(after) == without_audit(before)
    assert after["audit_log"] == before["audit_log"] + 1
    login, action, page, org_code, detail = audit_rows(warehouse)[-1]
    assert (login, action, page, org_code) == (user.login, "upload_denied", PAGE, org)
    assert "«чужой.csv»" in detail and words in detail


def test_confirm_checks_the_user_who_confirms(warehouse, make_csv, table_counts):
    """A preview is data kept in a session: confirming it as someone else is checked again."""
    p = service.preview(warehouse, ADMIN_USER, make_csv(staff(30)), "д.csv", "staff", KINDERGARTEN, YEAR,
                        max_bytes=load.APP_MAX_BYTES)
    before = table_counts(warehouse)
    with pytest.raises(PermissionDenied):
        service.confirm(warehouse, COORDINATOR_SOSH1, p, page=PAGE)
    assert table_counts(warehouse) == before
    assert audit_rows(warehouse, "upload_denied")[-1][0] == "sosh1"
    assert service.confirm(warehouse, ADMIN_USER, p).outcome == "loaded"


def test_coordinator_uploads_for_their_own_organization_with_its_audit_line(warehouse, make_csv, table_counts):
    before = table_counts(warehouse)
    result = upload(warehouse, COORDINATOR_SOSH1, make_csv(staff(25, 50)))
    assert (result.outcome, result.version) == ("loaded", 1)
    after = table_counts(warehouse)
    assert after["raw_staff"] == before["raw_staff"] + 2 and after["uploads"] == before["uploads"] + 1
    assert snapshots.current(warehouse, "staff", SCHOOL, YEAR).uploaded_by == "sosh1"
    assert audit_rows(warehouse, "upload") == [
        ("sosh1", "upload", PAGE, SCHOOL, f"staff {SCHOOL} {YEAR}: «педагоги.csv», версия 1, строк 2")]


def test_the_audit_line_rolls_back_with_the_data(warehouse, make_csv, monkeypatch):
    """A failure after the rows are inserted (here: recomputing the facts) leaves neither the rows nor
    the audit line; inside the transaction both were there."""
    before = everything(warehouse)
    seen = {}

    def fail(conn, org_code, year):
        seen["rows"] = conn.execute("select count(*) from raw_staff").fetchone()[0]
        seen["audit"] = conn.execute("select count(*) from audit_log where action = 'upload'").fetchone()[0]
        raise RuntimeError("disk full")

    monkeypatch.setattr(facts, "refresh", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        upload(warehouse, COORDINATOR_SOSH1, make_csv(staff(25, 50)))
    assert seen == {"rows": before["raw_staff"] + 2, "audit": 1}
    assert everything(warehouse) == before
    assert snapshots.current(warehouse, "staff", SCHOOL, YEAR) is None


def test_a_refused_file_is_logged_once_with_its_audit_line(warehouse, make_csv, table_counts):
    before = table_counts(warehouse)
    p = service.preview(warehouse, COORDINATOR_SOSH1, make_csv(staff(30, 150)), "плохой.csv", "staff", SCHOOL,
                        YEAR, max_bytes=load.APP_MAX_BYTES)
    assert not p.ok and table_counts(warehouse) == before                      # the preview wrote nothing
    first = service.log_refusal(warehouse, COORDINATOR_SOSH1, p, page=PAGE)
    again = service.log_refusal(warehouse, COORDINATOR_SOSH1, p, page=PAGE)   # a rerun
    assert first is again and first.outcome == "rejected"
    after = table_counts(warehouse)
    assert after["uploads"] == before["uploads"] + 1 and after["raw_staff"] == before["raw_staff"]
    assert audit_rows(warehouse, "upload_rejected") == [
        ("sosh1", "upload_rejected", PAGE, SCHOOL, f"staff {SCHOOL} {YEAR}: «плохой.csv», ошибок 1")]


def test_an_unreadable_file_keeps_its_typed_error(warehouse, fixture_bytes):
    p = service.preview(warehouse, COORDINATOR_SOSH1, fixture_bytes("document.pdf"), "отчёт.pdf", "staff", SCHOOL,
                        YEAR, max_bytes=load.APP_MAX_BYTES)
    assert isinstance(p.error, errors.UnreadableFile) and p.error.code == "unreadable-file"
    assert "Это PDF-документ" in p.error.message
    big = service.preview(warehouse, COORDINATOR_SOSH1, b"x" * 2048, "большой.csv", "staff", SCHOOL, YEAR,
                          max_bytes=1024)
    assert isinstance(big.error, errors.FileTooLarge) and big.error.code == "file-too-large"
    assert big.error.message.startswith("Файл слишком большой: 0,0 МБ при допустимых 0 МБ.")
    assert service.log_refusal(warehouse, COORDINATOR_SOSH1, big).outcome == "rejected"


def test_an_unchanged_file_is_logged_without_an_audit_line(warehouse, make_csv):
    data = make_csv(staff(30))
    upload(warehouse, COORDINATOR_SOSH1, data)
    p = service.preview(warehouse, COORDINATOR_SOSH1, data, "снова.csv", "staff", SCHOOL, YEAR,
                        max_bytes=load.APP_MAX_BYTES)
    assert p.unchanged and not p.accepted
    assert service.log_refusal(warehouse, COORDINATOR_SOSH1, p).outcome == "unchanged"
    assert [r[1] for r in audit_rows(warehouse)] == ["upload"]


def test_wrong_target_is_a_usage_error_after_permission(warehouse, make_csv):
    with pytest.raises(UsageError, match="Год 2030 вне отчётного периода") as exc:
        service.preview(warehouse, COORDINATOR_SOSH1, make_csv(staff(30)), "п.csv", "staff", SCHOOL, 2030,
                        max_bytes=load.APP_MAX_BYTES)
    assert exc.value.code == "usage-error"
    assert audit_rows(warehouse) == []                                       # not a refusal of the user


# ---------------------------------------------------------------------------------------------
# Exactly what was previewed; stale previews


def test_confirm_writes_exactly_what_was_previewed(warehouse, make_csv):
    data = make_csv(staff(25, 33, 61))
    p = service.preview(warehouse, COORDINATOR_SOSH1, data, "п.csv", "staff", SCHOOL, YEAR,
                        max_bytes=load.APP_MAX_BYTES)
    previewed = [tuple(row.values()) for row in p.table.to_pylist()]
    result = service.confirm(warehouse, COORDINATOR_SOSH1, p, page=PAGE)
    columns = ", ".join(p.table.column_names)
    stored = warehouse.execute(f"select {columns} from raw_staff where upload_id = ? order by row_no",
                               [result.upload_id]).fetchall()
    assert stored == previewed and len(stored) == 3
    # Confirming the same preview again (a double click) writes nothing more.
    counts = count_tables(warehouse)
    assert service.confirm(warehouse, COORDINATOR_SOSH1, p, page=PAGE) is result
    assert count_tables(warehouse) == counts and len(audit_rows(warehouse, "upload")) == 1


@pytest.mark.parametrize("meanwhile", ["upload", "restore"])
def test_a_stale_preview_is_refused(warehouse, make_csv, meanwhile):
    upload(warehouse, ADMIN_USER, make_csv(staff(40)), name="v1.csv")
    upload(warehouse, ADMIN_USER, make_csv(staff(41)), name="v2.csv")
    mine = service.preview(warehouse, COORDINATOR_SOSH1, make_csv(staff(25, 26)), "мой.csv", "staff", SCHOOL, YEAR,
                           max_bytes=load.APP_MAX_BYTES)
    assert not service.is_stale(warehouse, mine)
    if meanwhile == "upload":
        upload(warehouse, ADMIN_USER, make_csv(staff(42)), name="другой.csv")
    else:
        service.restore(warehouse, ADMIN_USER, "staff", SCHOOL, YEAR, 1)
    assert service.is_stale(warehouse, mine)
    before = everything(warehouse)
    with pytest.raises(StalePreview) as exc:
        service.confirm(warehouse, COORDINATOR_SOSH1, mine, page=PAGE)
    assert exc.value.code == "stale-preview" and "этот набор изменили" in exc.value.message
    assert everything(warehouse) == before
    # Previewed again, the same file replaces what is there now.
    again = service.preview(warehouse, COORDINATOR_SOSH1, make_csv(staff(25, 26)), "мой.csv", "staff", SCHOOL,
                            YEAR, max_bytes=load.APP_MAX_BYTES)
    version = 3 if meanwhile == "restore" else 4       # a restore makes no new version; an upload does
    assert service.confirm(warehouse, COORDINATOR_SOSH1, again).version == version
    assert snapshots.current(warehouse, "staff", SCHOOL, YEAR).file_name == "мой.csv"


# ---------------------------------------------------------------------------------------------
# Restore


def test_restore_as_coordinator_is_refused_and_audited(warehouse, make_csv):
    upload(warehouse, COORDINATOR_SOSH1, make_csv(staff(40)))
    upload(warehouse, COORDINATOR_SOSH1, make_csv(staff(41)))
    before = everything(warehouse)
    for user in (COORDINATOR_SOSH1, HEAD_USER):
        with pytest.raises(PermissionDenied, match="Восстановить версию может администратор"):
            service.restore(warehouse, user, "staff", SCHOOL, YEAR, 1, page="История загрузок")
    after = everything(warehouse)
    assert without_audit(after) == without_audit(before)
    assert after["audit_log"] == before["audit_log"] + 2
    assert [r[:4] for r in audit_rows(warehouse, "restore_denied")] == [
        ("sosh1", "restore_denied", "История загрузок", SCHOOL),
        ("head", "restore_denied", "История загрузок", SCHOOL)]
    assert snapshots.current(warehouse, "staff", SCHOOL, YEAR).version == 2


def test_restore_as_administrator_is_audited_in_its_transaction(warehouse, make_csv, monkeypatch):
    first = upload(warehouse, COORDINATOR_SOSH1, make_csv(staff(40)))
    upload(warehouse, COORDINATOR_SOSH1, make_csv(staff(41)))
    target, log_id = service.restore(warehouse, ADMIN_USER, "staff", SCHOOL, YEAR, 1, page="История загрузок")
    assert target == first.upload_id
    assert snapshots.current(warehouse, "staff", SCHOOL, YEAR).upload_id == first.upload_id
    assert audit_rows(warehouse, "restore") == [
        ("admin", "restore", "История загрузок", SCHOOL, f"Педагоги {YEAR}: версия 1")]
    # A restore that fails after moving the pointer leaves neither the move nor its audit line.
    def fail(conn, org_code, year):
        raise RuntimeError("disk full")

    monkeypatch.setattr(facts, "refresh", fail)
    with pytest.raises(RuntimeError):
        service.restore(warehouse, ADMIN_USER, "staff", SCHOOL, YEAR, 2)
    assert len(audit_rows(warehouse, "restore")) == 1
    assert snapshots.current(warehouse, "staff", SCHOOL, YEAR).upload_id == first.upload_id


def test_restore_of_a_missing_version(warehouse, make_csv, table_counts):
    upload(warehouse, ADMIN_USER, make_csv(staff(40)))
    before = table_counts(warehouse)
    with pytest.raises(VersionNotFound) as exc:
        service.restore(warehouse, ADMIN_USER, "staff", SCHOOL, YEAR, 7)
    assert isinstance(exc.value, UsageError) and exc.value.code == "version-not-found"
    assert exc.value.message == f"Версии 7 набора «Педагоги» ({SCHOOL}, {YEAR}) нет"
    assert table_counts(warehouse) == before and audit_rows(warehouse, "restore") == []


# ---------------------------------------------------------------------------------------------
# The command line goes through the service


def test_command_line_load_and_restore_are_audited(warehouse_path, tmp_path, make_csv, capsys):
    common = ["--dataset", "staff", "--org", SCHOOL, "--year", str(YEAR), "--db", str(warehouse_path)]
    for n, ages in enumerate(((40,), (41, 42)), start=1):
        f = tmp_path / f"v{n}.csv"
        f.write_bytes(make_csv(staff(*ages)))
        assert ingest_cli.main(["load", str(f), *common, "--user", "specialist"]) == ingest_cli.EXIT_OK
    assert ingest_cli.main(["restore", *common, "--version", "1"]) == ingest_cli.EXIT_OK
    assert ingest_cli.main(["restore", *common, "--version", "9", "--user", "specialist"]) == ingest_cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert "Ошибка: Версии 9 набора «Педагоги» (СОШ1, 2025) нет; список версий: python -m ingest versions" in err
    conn = db.connect(warehouse_path)
    try:
        rows = audit_rows(conn)
        last = conn.execute("select outcome, uploaded_by from uploads order by upload_id desc limit 1").fetchone()
    finally:
        conn.close()
    cli_login = service.command_line_user().login
    assert cli_login.startswith("cli:")
    assert [(login, action, page) for login, action, page, _, _ in rows] == [
        ("specialist", "upload", None), ("specialist", "upload", None), (cli_login, "restore", None)]
    assert rows[-1][3:] == (SCHOOL, f"Педагоги {YEAR}: версия 1")
    assert last == ("restored", cli_login)


def test_error_codes_are_stable():
    """Programs branch on these codes (the page, the command line): renaming one breaks them."""
    assert {cls.__name__: cls.code for cls in (
        errors.IngestError, errors.UploadError, errors.FileTooLarge, errors.UnreadableFile, errors.EncodingError,
        errors.UsageError, errors.VersionNotFound, errors.PermissionDenied, errors.StalePreview)} == {
        "IngestError": "ingest-error", "UploadError": "upload-error", "FileTooLarge": "file-too-large",
        "UnreadableFile": "unreadable-file", "EncodingError": "encoding-error", "UsageError": "usage-error",
        "VersionNotFound": "version-not-found", "PermissionDenied": "permission-denied",
        "StalePreview": "stale-preview"}
