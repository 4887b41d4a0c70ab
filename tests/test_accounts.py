"""Accounts: argon2 hashes, lock-out, roles and scope, the audit log, the command line."""

from __future__ import annotations

import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest

from warehouse import accounts, db

PASSWORD = "correct-horse-1"


@pytest.fixture
def conn(warehouse):
    return warehouse


def test_password_is_stored_as_an_argon2_hash(conn):
    accounts.create_user(conn, "Admin", "Администратор", "admin", PASSWORD)
    (stored,) = conn.execute("select password_hash from users where login = 'admin'").fetchone()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert accounts.authenticate(conn, "ADMIN", PASSWORD).role == "admin"     # logins are case-insensitive


def test_wrong_password_and_unknown_login_say_the_same(conn):
    accounts.create_user(conn, "head", "Руководитель", "head", PASSWORD)
    for login, pw in (("head", "nope-nope-nope"), ("ghost", PASSWORD)):
        with pytest.raises(accounts.AccountError, match="Неверный логин или пароль"):
            accounts.authenticate(conn, login, pw)


def test_five_wrong_passwords_lock_the_account_for_a_while(conn):
    accounts.create_user(conn, "sosh", "Ответственный", "coordinator", PASSWORD, "СОШ1")
    t0 = datetime(2026, 3, 1, 10, 0)
    for i in range(6):     # the fifth locks; all say the same, so nobody learns the login exists
        with pytest.raises(accounts.AccountError, match="^Неверный логин или пароль.$"):
            accounts.authenticate(conn, "sosh", f"wrong-{i}-xx", now=t0)
    with pytest.raises(accounts.AccountError, match="Вход заблокирован до 10:15"):
        accounts.authenticate(conn, "sosh", PASSWORD, now=t0 + timedelta(minutes=5))   # the right one says why
    assert accounts.authenticate(conn, "sosh", PASSWORD, now=t0 + timedelta(minutes=16)).org_code == "СОШ1"
    log = accounts.audit_log(conn)
    assert log["action"].tolist().count("login_failed") == 7 and log["action"].iloc[0] == "login"
    assert log["detail"].str.contains("заблокирован на 15 минут").sum() == 1     # locked once, not extended


def test_disabled_account_cannot_log_in_and_reset_unlocks(conn):
    accounts.create_user(conn, "ds", "Ответственный", "coordinator", PASSWORD, "ДС2")
    accounts.set_active(conn, "ds", False, by="admin")
    with pytest.raises(accounts.AccountError, match="^Неверный логин или пароль.$"):
        accounts.authenticate(conn, "ds", "wrong-password-9")        # a wrong password learns nothing
    with pytest.raises(accounts.AccountError, match="отключена"):
        accounts.authenticate(conn, "ds", PASSWORD)                  # the owner learns why
    accounts.set_active(conn, "ds", True, by="admin")
    accounts.set_password(conn, "ds", "another-pass-2", by="admin")
    assert accounts.authenticate(conn, "ds", "another-pass-2").login == "ds"


@pytest.mark.parametrize(("role", "org", "words"), [
    ("coordinator", None, "нужна организация из реестра"),
    ("coordinator", "НЕТ", "нужна организация из реестра"),
    ("king", None, "Неизвестная роль"),
])
def test_bad_accounts_are_refused_in_russian(conn, role, org, words):
    with pytest.raises(accounts.AccountError, match=words):
        accounts.create_user(conn, "someone", "Кто-то", role, PASSWORD, org)


def test_short_password_and_bad_login_are_refused(conn):
    with pytest.raises(accounts.AccountError, match="не меньше 8"):
        accounts.create_user(conn, "ok", "Кто-то", "head", "short")
    with pytest.raises(accounts.AccountError, match="Логин"):
        accounts.create_user(conn, "с пробелом", "Кто-то", "head", PASSWORD)


def test_scope_follows_the_role(conn):
    admin = accounts.create_user(conn, "aa", "А", "admin", PASSWORD)
    head = accounts.create_user(conn, "hh", "Р", "head", PASSWORD)
    coord = accounts.create_user(conn, "cc", "О", "coordinator", PASSWORD, "ДС2")
    assert accounts.scope(conn, admin) == accounts.scope(conn, head) == ("ДС2", "СОШ1", "УО")
    assert accounts.scope(conn, coord) == ("ДС2",)
    assert not head.can_upload and coord.can_upload and admin.is_admin


def test_first_administrator_from_the_command_line(warehouse_path):
    def run(*args, stdin=""):
        return subprocess.run([sys.executable, "-m", "warehouse", "user", *args, "--db", str(warehouse_path)],
                              input=stdin, capture_output=True, text=True, timeout=60)

    res = run("add", "boss", "--role", "admin", "--name", "Главный специалист", "--password-stdin",
              stdin=PASSWORD + "\n")
    assert res.returncode == 0, res.stderr
    assert "Учётная запись создана: boss (Администратор)" in res.stdout
    short = run("add", "boss2", "--role", "admin", "--name", "X", "--password-stdin", stdin="short\n")
    assert short.returncode == 2 and "Пароль слишком короткий" in short.stderr
    for weak, words in (("12345678", "самых распространённых"), ("password", "самых распространённых"),
                        (" " * 8, "одних пробелов"), ("boss2boss2", "простой"), ("Boss3", "короткий")):
        res = run("add", "boss3", "--role", "head", "--name", "Y", "--password-stdin", stdin=weak + "\n")
        assert res.returncode == 2 and words in res.stderr, (weak, res.stderr)
    same = run("add", "longlogin", "--role", "head", "--name", "Y", "--password-stdin", stdin="LongLogin\n")
    assert same.returncode == 2 and "не должен совпадать с логином" in same.stderr
    reset = run("passwd", "boss", "--password-stdin", stdin="qwertyuiop\n")
    assert reset.returncode == 2 and "самых распространённых" in reset.stderr
    listed = run("list")
    assert "boss: Главный специалист, Администратор, активна" in listed.stdout


@pytest.mark.parametrize(("password", "words"), [
    ("12345678", "самых распространённых"), ("password", "самых распространённых"),
    ("P@ssw0rd", "самых распространённых"), ("iloveyou1", "самых распространённых"),
    ("        ", "одних пробелов"), ("aaaaaaaaa", "простой"), ("abcdefgh", "простой"),
    ("kogalym2025", "простой"), ("semenov1", "простой"), ("Abc12", "короткий"),
])
def test_common_and_trivial_passwords_are_refused(conn, password, words):
    with pytest.raises(accounts.AccountError, match=words):
        accounts.create_user(conn, "semenov", "Семёнов Kogalym", "head", password)
    accounts.create_user(conn, "semenov", "Семёнов Kogalym", "head", PASSWORD)
    with pytest.raises(accounts.AccountError, match=words):
        accounts.set_password(conn, "semenov", password, by="admin")


def test_an_unknown_login_costs_as_much_time_as_a_wrong_password(conn):
    accounts.create_user(conn, "head", "Руководитель", "head", PASSWORD)

    def timed(login):
        t = time.perf_counter()
        with pytest.raises(accounts.AccountError, match="^Неверный логин или пароль.$"):
            accounts.authenticate(conn, login, "wrong-password-1")
        return time.perf_counter() - t

    for login in ("head", "ghost"):     # warm up
        timed(login)
    wrong = statistics.median(timed("head") for _ in range(3))
    unknown = statistics.median(timed("ghost") for _ in range(3))
    assert unknown > 0.5 * wrong and unknown > 0.02, (unknown, wrong)   # argon2 ran for the unknown login too


def test_parallel_wrong_passwords_lock_the_account_and_are_all_audited(warehouse_path):
    """60 wrong guesses at once, each thread on its own cursor of one connection (the app's model)."""
    conn = db.connect(warehouse_path)
    try:
        accounts.create_user(conn, "head", "Руководитель", "head", PASSWORD)
        start = threading.Barrier(60)

        def guess(i):
            cur = conn.cursor()
            start.wait()
            try:
                accounts.authenticate(cur, "head", f"wrong-guess-{i}")
            except accounts.AccountError as exc:
                return str(exc)
            finally:
                cur.close()
            return "logged in"

        with ThreadPoolExecutor(60) as pool:
            answers = list(pool.map(guess, range(60)))
        assert answers == ["Неверный логин или пароль."] * 60
        locked_until, = conn.execute("select locked_until from users where login = 'head'").fetchone()
        assert locked_until is not None and locked_until > datetime.now()
        log = accounts.audit_log(conn, login="head")
        assert (log["action"] == "login_failed").sum() == 60
        assert log["detail"].str.contains("заблокирован на 15 минут").sum() == 1
        with pytest.raises(accounts.AccountError, match="Вход заблокирован до"):
            accounts.authenticate(conn, "head", PASSWORD)
    finally:
        conn.close()


def test_simultaneous_logins_to_one_account_all_succeed(warehouse_path):
    """Ten right passwords at once: no ``Conflict on update``, ten sessions, ten audit lines."""
    conn = db.connect(warehouse_path)
    try:
        accounts.create_user(conn, "sosh", "Ответственный", "coordinator", PASSWORD, "СОШ1")
        start = threading.Barrier(10)

        def log_in(_):
            cur = conn.cursor()
            start.wait()
            try:
                user = accounts.authenticate(cur, "sosh", PASSWORD)
                return accounts.open_session(cur, user)
            finally:
                cur.close()

        with ThreadPoolExecutor(10) as pool:
            tokens = list(pool.map(log_in, range(10)))
        assert len(set(tokens)) == 10
        assert (accounts.audit_log(conn, login="sosh")["action"] == "login").sum() == 10
        assert conn.execute("select count(*) from sessions where login = 'sosh' and ended_at is null").fetchone()[0] == 10
    finally:
        conn.close()


@pytest.mark.parametrize("remember", [False, True], ids=["read", "remembered"])
def test_a_session_is_stored_hashed_slides_and_expires(conn, remember):
    user = accounts.create_user(conn, "head", "Руководитель", "head", PASSWORD)
    t0 = datetime(2026, 3, 1, 10, 0)
    token = accounts.open_session(conn, user, now=t0)
    assert conn.execute("select count(*) from sessions where token_hash = ?", [token]).fetchone()[0] == 0
    digest = accounts.token_hash(token)

    def check(minutes):
        return accounts.check_session(conn, digest, now=t0 + timedelta(minutes=minutes), remember=remember)

    assert check(25).user == user
    assert check(50).user == user    # slid at 10:25
    over = check(81)
    assert over.user is None and over.reason == "session_expired"
    assert check(82).reason == "session_expired"


def test_a_remembered_session_is_read_once_until_a_change_that_may_end_it(conn):
    """``remember`` (the app's check on every run) reads the row once and reuses it until this process
    commits a write that may end a session or change an account; a session's own touch is not one."""
    user = accounts.create_user(conn, "head", "Руководитель", "head", PASSWORD)
    other = accounts.create_user(conn, "sosh", "Ответственный", "coordinator", PASSWORD, "СОШ1")
    t0 = datetime.now()
    digest = accounts.token_hash(accounts.open_session(conn, user, now=t0))
    assert accounts.check_session(conn, digest, now=t0, remember=True).user == user
    # A change made in the file by hand, not by this module, is not seen while the row is remembered...
    conn.execute("update sessions set ended_at = ?, ended_reason = 'logout' where token_hash = ?", [t0, digest])
    assert accounts.check_session(conn, digest, now=t0 + timedelta(seconds=20), remember=True).user == user
    assert accounts.check_session(conn, digest, now=t0, touch=False).reason == "logout"   # (read: it is there)
    # ...until the next write that may end a session: here another account's logout.
    accounts.end_session(conn, accounts.token_hash(accounts.open_session(conn, other)), "logout")
    assert accounts.check_session(conn, digest, now=t0, remember=True).reason == "logout"


def test_a_remembered_session_sees_a_logout_elsewhere_and_slides_with_its_touch(conn):
    user = accounts.create_user(conn, "head", "Руководитель", "head", PASSWORD)
    t0 = datetime(2026, 3, 1, 10, 0)
    digest = accounts.token_hash(accounts.open_session(conn, user, now=t0))
    for minutes in (1, 25, 50, 74):     # each touch slides the remembered expiry, as it does the stored one
        assert accounts.check_session(conn, digest, now=t0 + timedelta(minutes=minutes), remember=True).user == user
    assert accounts.check_session(conn, digest, now=t0 + timedelta(minutes=75), touch=False).user == user
    accounts.end_session(conn, digest, "logout")                      # «Выйти» in another tab
    check = accounts.check_session(conn, digest, now=t0 + timedelta(minutes=75), remember=True)
    assert check.user is None and check.reason == "logout"


@pytest.mark.parametrize(("change", "reason"), [
    (lambda c: accounts.set_active(c, "sosh", False, by="admin"), "account_disabled"),
    (lambda c: accounts.set_role(c, "sosh", "coordinator", "ДС2", by="admin"), "account_changed"),
    (lambda c: accounts.set_role(c, "sosh", "head", None, by="admin"), "account_changed"),
    (lambda c: accounts.set_password(c, "sosh", "another-pass-2", by="admin"), "password_reset"),
], ids=["disabled", "moved", "promoted", "password"])
@pytest.mark.parametrize("remember", [False, True], ids=["read", "remembered"])
def test_a_changed_account_ends_its_sessions(conn, change, reason, remember):
    user = accounts.create_user(conn, "sosh", "Ответственный", "coordinator", PASSWORD, "СОШ1")
    digest = accounts.token_hash(accounts.open_session(conn, user))
    assert accounts.check_session(conn, digest, remember=remember).user == user
    change(conn)
    check = accounts.check_session(conn, digest, remember=remember)
    assert check.user is None and check.reason == reason and check.login == "sosh"


def test_a_session_ends_when_the_account_changes_behind_its_back(conn):
    """Even a change made without the functions above (the stamp covers role, organization, password)."""
    user = accounts.create_user(conn, "sosh", "Ответственный", "coordinator", PASSWORD, "СОШ1")
    digest = accounts.token_hash(accounts.open_session(conn, user))
    conn.execute("update users set org_code = 'ДС2' where login = 'sosh'")
    assert accounts.check_session(conn, digest).reason == "account_changed"
