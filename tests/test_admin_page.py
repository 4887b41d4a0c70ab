"""AppTest of «Организации и пользователи» on a small real warehouse (the three-organization registry of
conftest and one administrator): the tables, and each form through ``warehouse.accounts``."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.state import connection
from tests.apptest_login import fresh_caches, log_in, open_page, start
from warehouse import accounts, db

ADMIN_PW = "admin-password-1"


@pytest.fixture
def admin_db(warehouse_path):
    conn = db.connect(warehouse_path)
    accounts.create_user(conn, "boss", "Главный специалист", accounts.ADMIN, ADMIN_PW, by="test")
    accounts.create_user(conn, "head", "Начальник отдела", accounts.HEAD, "head-password-1", by="test")
    conn.close()
    return warehouse_path


@pytest.fixture
def at(admin_db, monkeypatch) -> AppTest:
    fresh_caches()
    app = start(admin_db, monkeypatch)
    log_in(app, "boss", ADMIN_PW)
    open_page(app, "admin")
    assert not app.exception, [e.message for e in app.exception]
    yield app
    fresh_caches()


def cur(path):
    return connection(str(path)).cursor()


def errors(at: AppTest) -> str:
    return "\n".join(e.value for e in at.error)


def successes(at: AppTest) -> str:
    return "\n".join(e.value for e in at.success)


def accounts_table(at: AppTest):
    return next(d.value for d in at.dataframe if "account_login" in d.value.columns)


def fill_new(at: AppTest, login: str, name: str, role: str, org: str | None, pw1: str, pw2: str | None = None):
    n = at.session_state["admin_nonce"]
    at.text_input(key=f"new_login_{n}").input(login)
    at.text_input(key=f"new_name_{n}").input(name)
    at.selectbox(key=f"new_role_{n}").select(role)
    at.selectbox(key=f"new_org_{n}").select(org)
    at.text_input(key=f"new_pw1_{n}").input(pw1)
    at.text_input(key=f"new_pw2_{n}").input(pw1 if pw2 is None else pw2)
    next(b for b in at.button if b.label == "Создать").click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_registry_and_accounts_tables(at):
    registry = next(d.value for d in at.dataframe if "org_full_name" in d.value.columns)
    assert sorted(registry["org_code"]) == ["ДС2", "СОШ1", "УО"]
    assert "«Загрузка данных»" in "\n".join(c.value for c in at.caption)
    table = accounts_table(at)
    assert set(table["account_login"]) == {"boss", "head"}
    assert set(table["role_title"]) == {"Администратор", "Руководитель"}
    assert "password_hash" not in table.columns


def test_create_a_coordinator_then_log_in_as_them(at, admin_db):
    fill_new(at, "sosh1", "Иванова И. И.", accounts.COORDINATOR, "СОШ1", "coord-password-1")
    assert "Учётная запись создана: sosh1" in successes(at)
    row = accounts_table(at).set_index("account_login").loc["sosh1"]
    assert row["role_title"] == "Ответственный ОО" and "СОШ № 1" in row["organization"]
    with cur(admin_db) as c:
        assert accounts.authenticate(c, "sosh1", "coord-password-1").org_code == "СОШ1"
        assert accounts.audit_log(c, login="boss")["action"].tolist()[0] == "user_created"


@pytest.mark.parametrize(("login", "role", "org", "pw2", "words"), [
    ("sosh1", accounts.COORDINATOR, None, None, "нужна организация из реестра"),
    ("sosh1", accounts.COORDINATOR, "СОШ1", "другой-пароль", "Пароли не совпадают"),
    ("с пробелом", accounts.HEAD, None, None, "Логин"),
    ("head", accounts.HEAD, None, None, "уже есть"),
])
def test_refusals_are_in_russian(at, admin_db, login, role, org, pw2, words):
    fill_new(at, login, "Кто-то", role, org, "long-enough-1", pw2)
    assert words in errors(at) and not at.success
    with cur(admin_db) as c:
        assert len(accounts.users(c)) == 2


def test_short_password_is_refused(at):
    fill_new(at, "newbie", "Новичок", accounts.HEAD, None, "short")
    assert "не меньше 8" in errors(at)


def test_disable_enable_reset_password_change_role(at, admin_db):
    at.selectbox(key="admin_who").select("head").run()
    at.button(key="disable_head").click().run()
    with cur(admin_db) as c:       # the dialog asks first: nothing is changed by the first click
        assert accounts.authenticate(c, "head", "head-password-1").role == accounts.HEAD
    assert any("Учётная запись: head" in m.value for m in at.markdown)   # the dialog names the account
    # AppTest does not rerun a dialog as the browser does (a fragment): its «Отключить» is clicked in
    # tests/browser/test_everyday.py; here the change is made as the dialog's action makes it.
    with cur(admin_db) as c:
        accounts.set_active(c, "head", False, by="boss")
    at.run()
    with cur(admin_db) as c, pytest.raises(accounts.AccountError, match="отключена"):
        accounts.authenticate(c, "head", "head-password-1")
    at.button(key="enable_head").click().run()
    assert "включена" in successes(at)

    n = at.session_state["admin_nonce"]
    at.text_input(key=f"reset_pw1_head_{n}").input("new-head-pass-2")
    at.text_input(key=f"reset_pw2_head_{n}").input("new-head-pass-2")
    next(b for b in at.button if b.label == "Сменить пароль").click().run()
    assert "Пароль пользователя head изменён" in successes(at)
    with cur(admin_db) as c:
        assert accounts.authenticate(c, "head", "new-head-pass-2").role == accounts.HEAD

    n = at.session_state["admin_nonce"]
    at.selectbox(key=f"role_head_{n}").select(accounts.COORDINATOR)
    at.selectbox(key=f"role_org_head_{n}").select("ДС2")
    next(b for b in at.button if b.label == "Сохранить роль").click().run()
    assert "Ответственный ОО" in successes(at)
    row = accounts_table(at).set_index("account_login").loc["head"]
    assert row["role_title"] == "Ответственный ОО" and row["organization"] == "МАДОУ «ДС № 2»"
    with cur(admin_db) as c:
        actions = accounts.audit_log(c, login="boss")["action"].tolist()
    assert {"user_disabled", "user_enabled", "password_reset", "role_changed"} <= set(actions)


def test_the_administrator_cannot_lock_themselves_out(at, admin_db):
    at.selectbox(key="admin_who").select("boss").run()
    with cur(admin_db) as c, pytest.raises(accounts.AccountError, match="Нельзя отключить собственную учётную запись"):
        accounts.set_active(c, "boss", False, by="boss")   # what the dialog's «Отключить» calls
    n = at.session_state["admin_nonce"]
    at.selectbox(key=f"role_boss_{n}").select(accounts.HEAD)
    next(b for b in at.button if b.label == "Сохранить роль").click().run()
    assert "Нельзя изменить роль собственной учётной записи" in errors(at)
    assert accounts_table(at).set_index("account_login").loc["boss", "role_title"] == "Администратор"
