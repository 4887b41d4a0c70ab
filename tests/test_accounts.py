"""Accounts: argon2 hashes, lock-out, roles and scope, the audit log, the command line."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta

import pytest

from warehouse import accounts

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
    for i in range(4):
        with pytest.raises(accounts.AccountError, match="Неверный логин или пароль"):
            accounts.authenticate(conn, "sosh", f"wrong-{i}-xx", now=t0)
    with pytest.raises(accounts.AccountError, match="заблокирован на 15 минут, до 10:15"):
        accounts.authenticate(conn, "sosh", "wrong-5-xx", now=t0)
    with pytest.raises(accounts.AccountError, match="Вход заблокирован до 10:15"):
        accounts.authenticate(conn, "sosh", PASSWORD, now=t0 + timedelta(minutes=5))   # even the right one
    assert accounts.authenticate(conn, "sosh", PASSWORD, now=t0 + timedelta(minutes=16)).org_code == "СОШ1"
    actions = accounts.audit_log(conn)["action"].tolist()
    assert actions.count("login_failed") == 6 and actions[0] == "login"


def test_disabled_account_cannot_log_in_and_reset_unlocks(conn):
    accounts.create_user(conn, "ds", "Ответственный", "coordinator", PASSWORD, "ДС2")
    accounts.set_active(conn, "ds", False, by="admin")
    with pytest.raises(accounts.AccountError, match="отключена"):
        accounts.authenticate(conn, "ds", PASSWORD)
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
    listed = run("list")
    assert "boss: Главный специалист, Администратор, активна" in listed.stdout
