"""Local accounts: roles, argon2 password hashes, lock-out after repeated failures, the audit log,
and the scope (organization codes) each user may read.

The scope is decided here, from the account, and every query takes it; hiding pages is only the
second line of defence (README, "Access").
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb
import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from warehouse import db, registry

ADMIN, HEAD, COORDINATOR = "admin", "head", "coordinator"
ROLES = {ADMIN: "Администратор", HEAD: "Руководитель", COORDINATOR: "Ответственный ОО"}
MAX_FAILED = 5                        # wrong passwords in a row before the account locks
LOCK_MINUTES = 15
MIN_PASSWORD = 8
LOGIN_RE = re.compile(r"^[A-Za-z0-9._\-]{2,40}$")

_hasher = PasswordHasher()            # argon2id with the library's current parameters
# Each argon2 hash or check takes the hasher's memory cost (64 MiB) for its duration, and the app checks
# a password on the session's own thread: thirty people logging in at 9:00 took the server from 340 MB
# to over a gigabyte (bench/bench_load.py). Two at a time (the machine's cores) bound that at 128 MiB and
# cost no throughput, the work being CPU-bound; the others wait their turn.
_HASH_SLOTS = threading.BoundedSemaphore(2)


def _verify(password_hash: str, password: str) -> None:
    with _HASH_SLOTS:
        _hasher.verify(password_hash, password)


def _hash(password: str) -> str:
    with _HASH_SLOTS:
        return _hasher.hash(password)


class AccountError(ValueError):
    """A refused account operation or login; the message is Russian and says why."""


@dataclass(frozen=True)
class User:
    login: str
    full_name: str
    role: str
    org_code: str | None

    @property
    def role_title(self) -> str:
        return ROLES[self.role]

    @property
    def can_upload(self) -> bool:
        return self.role in (ADMIN, COORDINATOR)

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN


def scope(conn: duckdb.DuckDBPyConnection, user: User) -> tuple[str, ...]:
    """The organization codes a user may read, sorted: all for the department, one for a coordinator."""
    if user.role in (ADMIN, HEAD):
        return tuple(r[0] for r in conn.execute("select org_code from organizations order by org_code").fetchall())
    return (user.org_code,) if user.org_code else ()


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Пароль слишком короткий: нужно не меньше {MIN_PASSWORD} символов.")


def create_user(conn: duckdb.DuckDBPyConnection, login: str, full_name: str, role: str, password: str,
                org_code: str | None = None, *, by: str | None = None) -> User:
    """Create an account; a coordinator belongs to an organization of the registry."""
    login = login.strip().lower()
    if not LOGIN_RE.match(login):
        raise AccountError("Логин: от 2 до 40 латинских букв, цифр, «.», «_» или «-».")
    if role not in ROLES:
        raise AccountError(f"Неизвестная роль «{role}». Допустимые: {', '.join(ROLES)}.")
    if role == COORDINATOR:
        if not org_code or org_code not in registry.org_codes(conn):
            raise AccountError(f"Ответственному ОО нужна организация из реестра; «{org_code}» в реестре нет.")
    else:
        org_code = None
    if not full_name.strip():
        raise AccountError("Укажите ФИО пользователя.")
    _check_password(password)
    if conn.execute("select 1 from users where login = ?", [login]).fetchone():
        raise AccountError(f"Пользователь «{login}» уже есть.")
    conn.execute(
        "insert into users (login, full_name, role, org_code, password_hash, created_at) values (?, ?, ?, ?, ?, ?)",
        [login, full_name.strip(), role, org_code, _hash(password), datetime.now()])
    audit(conn, by, "user_created", detail=f"{login} ({ROLES[role]}{', ' + org_code if org_code else ''})")
    return User(login, full_name.strip(), role, org_code)


def _update_user(conn: duckdb.DuckDBPyConnection, sql: str, params: list) -> None:
    """An update of a ``users`` row, under the process's write lock (``warehouse.db.WRITE_LOCK``): two
    sessions logging in to one account at once (two tabs, two people sharing the department's login)
    would otherwise fail with DuckDB's «Conflict on update»."""
    with db.WRITE_LOCK:
        conn.execute(sql, params)


def authenticate(conn: duckdb.DuckDBPyConnection, login: str, password: str, *, now: datetime | None = None,
                 page: str = "Вход") -> User:
    """The user whose password this is, or AccountError. Failures count; the fifth in a row locks the
    account for 15 minutes. The same message for an unknown login and a wrong password."""
    now = now or datetime.now()
    login = (login or "").strip().lower()
    row = conn.execute(
        "select full_name, role, org_code, password_hash, active, failed_attempts, locked_until from users "
        "where login = ?", [login]).fetchone()
    wrong = AccountError("Неверный логин или пароль.")
    if row is None:
        audit(conn, login or None, "login_failed", page=page, detail="нет такого пользователя")
        raise wrong
    full_name, role, org_code, password_hash, active, failed, locked_until = row
    if locked_until and locked_until > now:
        audit(conn, login, "login_failed", page=page, detail="учётная запись заблокирована")
        raise AccountError(f"Слишком много неудачных попыток. Вход заблокирован до {locked_until:%H:%M} "
                           f"({locked_until:%d.%m.%Y}); обратитесь к администратору или подождите.")
    if not active:
        audit(conn, login, "login_failed", page=page, detail="учётная запись отключена")
        raise AccountError("Учётная запись отключена. Обратитесь к администратору.")
    try:
        _verify(password_hash, password or "")
    except (VerificationError, InvalidHashError):
        failed = (failed or 0) + 1
        lock = now + timedelta(minutes=LOCK_MINUTES) if failed >= MAX_FAILED else None
        _update_user(conn, "update users set failed_attempts = ?, locked_until = ? where login = ?",
                     [0 if lock else failed, lock, login])
        audit(conn, login, "login_failed", page=page,
              detail=f"неверный пароль{'; заблокирован на ' + str(LOCK_MINUTES) + ' минут' if lock else ''}")
        if lock:
            raise AccountError(f"Неверный пароль {MAX_FAILED} раз подряд: вход заблокирован на {LOCK_MINUTES} минут, "
                               f"до {lock:%H:%M}.") from None
        raise wrong from None
    if _hasher.check_needs_rehash(password_hash):
        _update_user(conn, "update users set password_hash = ? where login = ?", [_hash(password), login])
    _update_user(conn, "update users set failed_attempts = 0, locked_until = null, last_login_at = ? where login = ?",
                 [now, login])
    audit(conn, login, "login", page=page, org_code=org_code)
    return User(login, full_name, role, org_code)


def set_password(conn: duckdb.DuckDBPyConnection, login: str, password: str, *, by: str | None = None) -> None:
    _check_password(password)
    _require(conn, login)
    _update_user(conn, "update users set password_hash = ?, failed_attempts = 0, locked_until = null where login = ?",
                 [_hash(password), login])
    audit(conn, by, "password_reset", detail=login)


def set_active(conn: duckdb.DuckDBPyConnection, login: str, active: bool, *, by: str | None = None) -> None:
    _require(conn, login)
    if not active and login == by:
        raise AccountError("Нельзя отключить собственную учётную запись.")
    _update_user(conn, "update users set active = ?, failed_attempts = 0, locked_until = null where login = ?",
                 [active, login])
    audit(conn, by, "user_enabled" if active else "user_disabled", detail=login)


def set_role(conn: duckdb.DuckDBPyConnection, login: str, role: str, org_code: str | None, *,
             by: str | None = None) -> None:
    _require(conn, login)
    if role not in ROLES:
        raise AccountError(f"Неизвестная роль «{role}».")
    if role == COORDINATOR and (not org_code or org_code not in registry.org_codes(conn)):
        raise AccountError(f"Ответственному ОО нужна организация из реестра; «{org_code}» в реестре нет.")
    _update_user(conn, "update users set role = ?, org_code = ? where login = ?",
                 [role, org_code if role == COORDINATOR else None, login])
    audit(conn, by, "role_changed", detail=f"{login}: {ROLES[role]}{', ' + org_code if role == COORDINATOR else ''}")


def _require(conn, login: str) -> None:
    if not conn.execute("select 1 from users where login = ?", [login]).fetchone():
        raise AccountError(f"Пользователя «{login}» нет.")


def users(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return conn.execute(
        "select login, full_name, role, org_code, active, failed_attempts, locked_until, created_at, last_login_at "
        "from users order by role, org_code nulls first, login").df()


def has_users(conn: duckdb.DuckDBPyConnection) -> bool:
    return conn.execute("select count(*) from users").fetchone()[0] > 0


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log, made before the write it describes so that the writer can put it in
    its own transaction (``warehouse.snapshots`` does: an upload and its audit line commit or roll
    back together, issue 15 «Audit»)."""

    login: str | None
    action: str
    page: str | None = None
    org_code: str | None = None
    detail: str | None = None


def audit(conn: duckdb.DuckDBPyConnection, login: str | None, action: str, *, page: str | None = None,
          org_code: str | None = None, detail: str | None = None, at: datetime | None = None) -> None:
    """Write one line of the audit log."""
    record(conn, AuditEntry(login, action, page, org_code, detail), at=at)


def record(conn: duckdb.DuckDBPyConnection, entry: AuditEntry, *, at: datetime | None = None) -> None:
    """Write an audit entry on ``conn``: inside the transaction the caller has open, if any (one
    statement, so on its own it commits at once)."""
    conn.execute(
        "insert into audit_log values (nextval('audit_id_seq'), ?, ?, ?, ?, ?, ?)",
        [at or datetime.now(), entry.login, entry.action, entry.page, entry.org_code, entry.detail])


def audit_log(conn: duckdb.DuckDBPyConnection, limit: int = 500, login: str | None = None) -> pd.DataFrame:
    """The latest audit lines, newest first."""
    where, params = ("where login = ?", [login]) if login else ("", [])
    return conn.execute(f"select logged_at, login, action, page, org_code, detail from audit_log {where} "
                        f"order by audit_id desc limit {int(limit)}", params).df()
