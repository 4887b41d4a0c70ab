"""Local accounts: roles, argon2 password hashes, lock-out after repeated failures, the audit log,
login sessions, and the scope (organization codes) each user may read.

The scope is decided here, from the account, and every query takes it; hiding pages is only the
second line of defence (README, "Access").

Every change to an account, and every login attempt, is one short write transaction run by
:func:`_write`: serialized inside the process (the app's sessions share one connection, each on its
own cursor) and retried when DuckDB reports a write-write conflict, so that parallel logins neither
crash (``Conflict on update``) nor lose a failure from the lock-out count. The slow argon2 check runs
outside it.

A login failure is answered the same way whatever its cause: an unknown login, a wrong password, a
disabled or a locked account all get «Неверный логин или пароль.» after the same argon2 work (an
unknown login is checked against a dummy hash). Only whoever gives the right password learns that
the account is locked or disabled: that tells an attacker nothing they could not do already.
"""

from __future__ import annotations

import hashlib
import random
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

import duckdb
import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from warehouse import passwords, registry

ADMIN, HEAD, COORDINATOR = "admin", "head", "coordinator"
ROLES = {ADMIN: "Администратор", HEAD: "Руководитель", COORDINATOR: "Ответственный ОО"}
MAX_FAILED = 5                        # wrong passwords in a row before the account locks
LOCK_MINUTES = 15
MIN_PASSWORD = passwords.MIN_LENGTH
SESSION_MINUTES = 30                  # a session ends after this long without a script run (sliding)
LOGIN_RE = re.compile(r"^[A-Za-z0-9._\-]{2,40}$")

_hasher = PasswordHasher()            # argon2id with the library's current parameters
# Each argon2 hash or check takes the hasher's memory cost (64 MiB) for its duration, and the app checks
# a password on the session's own thread: thirty people logging in at once took the server from 390 MB
# to over a gigabyte (bench/bench_load.py). Two at a time (the machine's cores) bound that at 128 MiB and
# cost no throughput, the work being CPU-bound; the others wait their turn.
_HASH_SLOTS = threading.BoundedSemaphore(2)


def _verify(password_hash: str, password: str) -> None:
    with _HASH_SLOTS:
        _hasher.verify(password_hash, password)


def _hash(password: str) -> str:
    with _HASH_SLOTS:
        return _hasher.hash(password)

# An unknown login is checked against this hash, so that it costs the same time as a wrong password.
_DUMMY_HASH = _hash(secrets.token_urlsafe(24))
WRONG = "Неверный логин или пароль."
_WRITE_LOCK = threading.Lock()        # one account write at a time in this process
_CONFLICT_TRIES = 40

T = TypeVar("T")


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


# How many writes of this module that may end a session or change an account this process has committed
# (every write but a session's touch): a session check remembered before the latest one is read again
# (see check_session's ``remember``).
_changes = 0
# token hash -> (``_changes`` when its row was read, the row): the app's check on every script run.
_remembered: dict[str, tuple[int, tuple]] = {}
_REMEMBERED_MAX = 10_000


def _write(conn: duckdb.DuckDBPyConnection, work: Callable[[duckdb.DuckDBPyConnection], T], *,
           changes: bool = True) -> T:
    """Run ``work(conn)`` in one transaction and return its result. Writes of this process wait for
    each other; a write-write conflict with another connection is retried after a short random pause.
    ``changes``: whether the write may end a session or change an account (only a touch may not): counted
    after its commit, so that a check reading the row before the commit is not kept past it."""
    global _changes
    for attempt in range(_CONFLICT_TRIES):
        with _WRITE_LOCK:
            conn.execute("begin transaction")
            try:
                result = work(conn)
                conn.execute("commit")
                if changes:
                    _changes += 1
                return result
            except duckdb.TransactionException as exc:
                _rollback(conn)
                if "conflict" not in str(exc).lower() or attempt == _CONFLICT_TRIES - 1:
                    raise
            except BaseException:
                _rollback(conn)
                raise
        time.sleep(random.uniform(0.002, 0.02 * (attempt + 1)))
    raise AssertionError("unreachable")


def _rollback(conn) -> None:
    try:
        conn.execute("rollback")
    except duckdb.Error:
        pass  # a failed commit has already ended the transaction


def scope(conn: duckdb.DuckDBPyConnection, user: User) -> tuple[str, ...]:
    """The organization codes a user may read, sorted: all for the department, one for a coordinator."""
    if user.role in (ADMIN, HEAD):
        return tuple(r[0] for r in conn.execute("select org_code from organizations order by org_code").fetchall())
    return (user.org_code,) if user.org_code else ()


def _check_password(password: str, login: str, full_name: str | None = None) -> None:
    problem = passwords.problem(password, login=login, full_name=full_name)
    if problem:
        raise AccountError(problem)


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
    _check_password(password, login, full_name)
    password_hash = _hash(password)

    def work(c):
        if c.execute("select 1 from users where login = ?", [login]).fetchone():
            raise AccountError(f"Пользователь «{login}» уже есть.")
        c.execute("insert into users (login, full_name, role, org_code, password_hash, created_at) "
                  "values (?, ?, ?, ?, ?, ?)", [login, full_name.strip(), role, org_code, password_hash, datetime.now()])
        audit(c, by, "user_created", detail=f"{login} ({ROLES[role]}{', ' + org_code if org_code else ''})")

    _write(conn, work)
    return User(login, full_name.strip(), role, org_code)


def authenticate(conn: duckdb.DuckDBPyConnection, login: str, password: str, *, now: datetime | None = None,
                 page: str = "Вход") -> User:
    """The user whose password this is, or AccountError. Every attempt is audited. A wrong password
    counts, atomically, towards the lock-out: the fifth in a row locks the account for
    ``LOCK_MINUTES``; wrong passwords while it is locked are audited but neither count nor extend it.
    Failures all say «Неверный логин или пароль.» after the same argon2 work; a locked or disabled
    account is named only to whoever gives its right password (module docstring)."""
    now = now or datetime.now()
    login = (login or "").strip().lower()
    row = conn.execute("select password_hash from users where login = ?", [login]).fetchone()
    try:
        _verify(row[0] if row else _DUMMY_HASH, password or "")
        correct = row is not None
    except (VerificationError, InvalidHashError):
        correct = False
    if row is None:
        _write(conn, lambda c: audit(c, login[:80] or None, "login_failed", page=page, detail="нет такого пользователя"))
        raise AccountError(WRONG)
    if not correct:
        _write(conn, lambda c: _count_failure(c, login, now, page))
        raise AccountError(WRONG)
    outcome = _write(conn, lambda c: _accept(c, login, password, now, page))
    if isinstance(outcome, AccountError):
        raise outcome
    return outcome


def _count_failure(c, login: str, now: datetime, page: str) -> None:
    """One wrong password, counted in one UPDATE … RETURNING; the lock-out is decided on the new count.
    While the account is locked, a wrong password is only audited (it neither counts nor extends)."""
    until = now + timedelta(minutes=LOCK_MINUTES)
    row = c.execute(
        "update users set "
        " failed_attempts = case when failed_attempts + 1 >= ? then 0 else failed_attempts + 1 end, "
        " locked_until = case when failed_attempts + 1 >= ? then ?::timestamp end "
        "where login = ? and not coalesce(locked_until > ?, false) returning failed_attempts, locked_until",
        [MAX_FAILED, MAX_FAILED, until, login, now]).fetchone()
    if row is None:
        (locked_until,) = c.execute("select locked_until from users where login = ?", [login]).fetchone()
        detail = f"неверный пароль; учётная запись заблокирована до {locked_until:%H:%M}"
    elif row[1] is not None:
        detail = f"неверный пароль {MAX_FAILED} раз подряд; заблокирован на {LOCK_MINUTES} минут"
    else:
        detail = f"неверный пароль (подряд: {row[0]})"
    audit(c, login, "login_failed", page=page, detail=detail)


def _accept(c, login: str, password: str, now: datetime, page: str) -> User | AccountError:
    """The right password: the account's state, read inside the transaction, decides."""
    full_name, role, org_code, password_hash, active, locked_until = c.execute(
        "select full_name, role, org_code, password_hash, active, locked_until from users where login = ?",
        [login]).fetchone()
    if locked_until and locked_until > now:
        audit(c, login, "login_failed", page=page, detail="верный пароль, но учётная запись заблокирована")
        return AccountError(f"Слишком много неудачных попыток. Вход заблокирован до {locked_until:%H:%M} "
                            f"({locked_until:%d.%m.%Y}); обратитесь к администратору или подождите.")
    if not active:
        audit(c, login, "login_failed", page=page, detail="верный пароль, но учётная запись отключена")
        return AccountError("Учётная запись отключена. Обратитесь к администратору.")
    if _hasher.check_needs_rehash(password_hash):
        c.execute("update users set password_hash = ? where login = ?", [_hash(password), login])
    c.execute("update users set failed_attempts = 0, locked_until = null, last_login_at = ? where login = ?",
              [now, login])
    audit(c, login, "login", page=page, org_code=org_code)
    return User(login, full_name, role, org_code)


def set_password(conn: duckdb.DuckDBPyConnection, login: str, password: str, *, by: str | None = None) -> None:
    """A new password (checked by :mod:`warehouse.passwords`); unlocks the account and ends its sessions."""
    row = conn.execute("select full_name from users where login = ?", [login]).fetchone()
    _check_password(password, login, row[0] if row else None)
    password_hash = _hash(password)

    def work(c):
        _require(c, login)
        c.execute("update users set password_hash = ?, failed_attempts = 0, locked_until = null where login = ?",
                  [password_hash, login])
        _end_sessions(c, login, "password_reset")
        audit(c, by, "password_reset", detail=login)

    _write(conn, work)


def set_active(conn: duckdb.DuckDBPyConnection, login: str, active: bool, *, by: str | None = None) -> None:
    """Enable or disable an account; disabling ends its open sessions."""
    def work(c):
        _require(c, login)
        if not active and login == by:
            raise AccountError("Нельзя отключить собственную учётную запись.")
        c.execute("update users set active = ?, failed_attempts = 0, locked_until = null where login = ?",
                  [active, login])
        if not active:
            _end_sessions(c, login, "account_disabled")
        audit(c, by, "user_enabled" if active else "user_disabled", detail=login)

    _write(conn, work)


def set_role(conn: duckdb.DuckDBPyConnection, login: str, role: str, org_code: str | None, *,
             by: str | None = None) -> None:
    """A new role or organization; ends the account's open sessions (their rights were the old ones)."""
    if role not in ROLES:
        raise AccountError(f"Неизвестная роль «{role}».")
    if role == COORDINATOR and (not org_code or org_code not in registry.org_codes(conn)):
        raise AccountError(f"Ответственному ОО нужна организация из реестра; «{org_code}» в реестре нет.")

    def work(c):
        _require(c, login)
        c.execute("update users set role = ?, org_code = ? where login = ?",
                  [role, org_code if role == COORDINATOR else None, login])
        _end_sessions(c, login, "account_changed")
        audit(c, by, "role_changed",
              detail=f"{login}: {ROLES[role]}{', ' + org_code if role == COORDINATOR else ''}")

    _write(conn, work)


# --- Sessions -------------------------------------------------------------------------------------

def stamp(conn: duckdb.DuckDBPyConnection, login: str) -> str | None:
    """A digest of what a session's rights rest on: the account's active flag, role, organization and
    password hash. None for an account that does not exist or is disabled."""
    return _stamp(conn.execute(f"select {_STAMPED} from users where login = ?", [login]).fetchone())


_STAMPED = "active, role, org_code, password_hash"   # what a stamp is made of, in this order


def _stamp(row: tuple | None) -> str | None:
    if row is None or not row[0]:
        return None
    return hashlib.sha256("\x1f".join(str(v) for v in row).encode()).hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(conn: duckdb.DuckDBPyConnection, user: User, *, now: datetime | None = None) -> str:
    """A new session for a user who has just logged in: returns the random token (for the cookie);
    the warehouse keeps only its SHA-256."""
    now = now or datetime.now()
    token = secrets.token_urlsafe(32)
    current = stamp(conn, user.login)
    if current is None:
        raise AccountError(WRONG)

    def work(c):
        c.execute("insert into sessions values (?, ?, ?, ?, ?, ?, null, null)",
                  [token_hash(token), user.login, current, now, now, now + timedelta(minutes=SESSION_MINUTES)])
        # Old sessions of anyone, long ended or expired, are not kept for ever.
        c.execute("delete from sessions where coalesce(ended_at, expires_at) < ?", [now - timedelta(days=30)])

    _write(conn, work)
    return token


# Why a session ended, as the audit log says it.
ENDED_REASONS = {"logout": "выход", "session_expired": "бездействие дольше срока сеанса",
                 "account_disabled": "учётная запись отключена", "password_reset": "пароль изменён",
                 "account_changed": "изменены роль, организация или пароль", "unknown": "сеанс не найден"}


@dataclass(frozen=True)
class SessionCheck:
    """What :func:`check_session` found: the user (None if the session is over) and, if over, why."""

    user: User | None
    reason: str | None = None          # why it is over: session_expired, account_changed, the reason it
    login: str | None = None           # was ended with (logout, account_disabled, ...), or unknown


def check_session(conn: duckdb.DuckDBPyConnection, token_hash_: str, *, now: datetime | None = None,
                  touch: bool = True, remember: bool = False) -> SessionCheck:
    """Is the session ``token_hash_`` still valid now? The account is re-read: a disabled, moved,
    demoted or re-passworded account ends it. ``touch``: slide its expiry forward (a script run);
    a download checks without touching. A session found over is ended here, with its reason.

    ``remember`` (the app's check on every script run): the session's row, once read, is reused until
    this process commits a write that may end a session or change an account (a logout, a disabled account,
    a new password: ``_changes``); the expiry is compared with ``now`` on every call as before. This is
    sound because the app is the one process that writes the warehouse (README, «One writer»); a
    change made in the file by hand while the app runs is seen after its next such write. Reading the row
    was 2–3 ms of every page view with many users (``bench/bench_load.py``)."""
    now = now or datetime.now()
    kept = _remembered.get(token_hash_) if remember else None
    if kept is not None and kept[0] == _changes:
        row = kept[1]
    else:
        seen = _changes      # read before the row: a write committed meanwhile makes the kept row stale
        # The session and the account as it is now (for the stamp), in one query.
        row = conn.execute(
            "select s.login, s.stamp, s.expires_at, s.ended_at, s.ended_reason, s.last_seen_at, u.full_name, "
            f"{', '.join('u.' + c for c in _STAMPED.split(', '))} "
            "from sessions s left join users u using (login) where s.token_hash = ?", [token_hash_]).fetchone()
        if remember and row is not None:
            if len(_remembered) >= _REMEMBERED_MAX:
                _remembered.clear()
            _remembered[token_hash_] = (seen, row)
    if row is None:
        return SessionCheck(None, "unknown")
    login, old_stamp, expires_at, ended_at, ended_reason, last_seen, full_name, *stamped = row
    _, role, org_code, _ = stamped
    if ended_at is not None:
        return SessionCheck(None, ended_reason or "logout", login)
    if expires_at <= now:
        end_session(conn, token_hash_, "session_expired", now=now)
        return SessionCheck(None, "session_expired", login)
    if _stamp(tuple(stamped)) != old_stamp:
        end_session(conn, token_hash_, "account_changed", now=now)
        return SessionCheck(None, "account_changed", login)
    if touch and now - last_seen >= timedelta(seconds=15):   # one write per quarter minute is enough
        expires = now + timedelta(minutes=SESSION_MINUTES)
        _write(conn, lambda c: c.execute(
            "update sessions set last_seen_at = ?, expires_at = ? where token_hash = ? and ended_at is null",
            [now, expires, token_hash_]), changes=False)
        if (kept := _remembered.get(token_hash_)) is not None:   # the same row, slid forward
            _remembered[token_hash_] = (kept[0], (*row[:2], expires, *row[3:5], now, *row[6:]))
    return SessionCheck(User(login, full_name, role, org_code))


def end_session(conn: duckdb.DuckDBPyConnection, token_hash_: str, reason: str, *,
                now: datetime | None = None) -> str | None:
    """End one session (logout, expiry, changed account); returns its login, None if it was over."""
    now = now or datetime.now()
    row = _write(conn, lambda c: c.execute(
        "update sessions set ended_at = ?, ended_reason = ? where token_hash = ? and ended_at is null "
        "returning login", [now, reason, token_hash_]).fetchone())
    return row[0] if row else None


def _end_sessions(c, login: str, reason: str) -> None:
    c.execute("update sessions set ended_at = ?, ended_reason = ? where login = ? and ended_at is null",
              [datetime.now(), reason, login])


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
