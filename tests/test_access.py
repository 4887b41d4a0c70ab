"""Who sees what: a coordinator sees only their organization on every page and in the query layer; the
navigation follows the role; the pages for the department refuse others; login, lock-out, logout
and the session timeout behave as the people using them expect."""

from __future__ import annotations

import inspect
from datetime import date, datetime, timedelta

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest_login import DEMO_PASSWORDS, ROOT, each_tab, fresh_caches, log_in, open_page, reader, start
from warehouse import accounts, queries, registry
from warehouse.accounts import User

SOSH1 = "СОШ1"
PASSWORDS = DEMO_PASSWORDS
ORG_COLUMNS = ("org_code", "short_name", "organization")      # the columns that name an organization
DEPARTMENT_PAGES = ("admin", "audit")


@pytest.fixture
def app(demo_db, monkeypatch):
    """``app()``: the app at the login form; ``app(login)``: logged in as a demo account."""
    fresh_caches()

    def run(login: str | None = None) -> AppTest:
        at = start(demo_db, monkeypatch)
        if login:
            log_in(at, login, PASSWORDS[login])
            assert not at.exception, [e.message for e in at.exception]
        return at

    yield run
    fresh_caches()


def navigation(at: AppTest) -> dict[str, str]:
    """Script file stem -> page title of the pages the navigation offers (AppTest's registry of pages).
    The other roles' pages are registered too, hidden and without a file of ours (``app.refused``): they
    only send the user to «Обзор», and are not offered."""
    return {inspect_stem(p["script_path"]): p["page_name"] for p in at._registered_pages.values()
            if str(p["script_path"]).startswith(str(ROOT / "pages"))}


def inspect_stem(path: str) -> str:
    return path.rsplit("/", 1)[-1].removesuffix(".py")


def own_names(demo_db) -> set[str]:
    with reader(demo_db) as cur:
        name = cur.execute("select short_name from organizations where org_code = ?", [SOSH1]).fetchone()[0]
    return {SOSH1, name}


def organizations_shown(at: AppTest) -> set[str]:
    """Every organization named in any table on the page."""
    seen: set[str] = set()
    for table in at.dataframe:
        frame = table.value
        if not isinstance(frame, pd.DataFrame):
            continue
        for col in ORG_COLUMNS:
            if col in frame.columns:
                seen |= {v for v in frame[col].dropna().astype(str) if v}
    return seen


def test_coordinator_sees_only_their_organization_on_every_page(app, demo_db):
    at = app("sosh1")
    pages = navigation(at)
    assert {"overview", "roadmap", "mentors", "young_teachers", "partners", "events", "monitoring", "uploads",
            "history", "upload"} <= set(pages)
    assert not set(DEPARTMENT_PAGES) & set(pages)
    # No organization or type selector in the sidebar: the coordinator's organization is fixed.
    assert [s.label for s in at.sidebar.selectbox] == ["Отчётный год"]
    mine = own_names(demo_db)
    with_rows = set()
    for year in (2025, 2026):
        at.selectbox(key="flt_year").select(year).run()
        for stem, title in pages.items():
            open_page(at, stem)
            assert not at.exception, (stem, [e.message for e in at.exception])
            assert at.title[0].value.startswith(title), stem          # the page asked for, drawn
            shown = organizations_shown(at)
            for tab in each_tab(at):                                  # the tables of the other tabs too
                assert not at.exception, (stem, tab, [e.message for e in at.exception])
                shown |= organizations_shown(at)
            assert shown <= mine, (stem, year, shown - mine)
            if shown:
                with_rows.add(stem)
    assert len(with_rows) >= 6, with_rows           # the check looked at real tables, not empty pages


@pytest.mark.parametrize("page", DEPARTMENT_PAGES)
def test_department_pages_are_out_of_a_coordinators_reach(app, page):
    at = app("sosh1")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        open_page(at, page)
    at.run()                                     # the session goes on, on a page of its own navigation
    assert at.title[0].value not in ("Организации и пользователи", "Журнал аудита")
    assert not any(("account_login" in d.value.columns or "action_title" in d.value.columns) for d in at.dataframe)


COORDINATOR = User("sosh1", "Ответственный", accounts.COORDINATOR, SOSH1)
HEAD = User("head", "Руководитель", accounts.HEAD, None)


@pytest.mark.parametrize(("page", "who", "words"), [
    ("admin", COORDINATOR, "только для администратора"),
    ("admin", HEAD, "только для администратора"),
    ("upload", HEAD, "Загружать файлы могут"),
], ids=["admin-coordinator", "admin-head", "upload-head"])
def test_the_pages_refuse_by_themselves(demo_db, monkeypatch, page, who, words):
    """The second line of defence: the page script run directly, as if the navigation had let it through."""
    fresh_caches()
    monkeypatch.setenv("MENTORSHIP_DB", str(demo_db))
    at = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=30)
    at.session_state["user"] = who
    at.run()
    assert words in "\n".join(e.value for e in at.error)
    assert not at.dataframe and not at.file_uploader and not at.text_input


def test_head_navigation_has_no_upload_or_admin(app):
    at = app("head")
    pages = navigation(at)
    assert "upload" not in pages and not set(DEPARTMENT_PAGES) & set(pages)
    assert {"overview", "history", "uploads"} <= set(pages)
    admin = navigation(app("admin"))
    assert {"upload", *DEPARTMENT_PAGES} <= set(admin)


def test_query_layer_with_the_coordinators_scope_returns_only_their_rows(demo_db):
    with reader(demo_db) as cur:
        sosh1 = User("sosh1", "Ответственный", accounts.COORDINATOR, SOSH1)
        scope = accounts.scope(cur, sosh1)
        assert scope == (SOSH1,)
        checked = 0
        for name, fn in inspect.getmembers(queries, inspect.isfunction):
            params = list(inspect.signature(fn).parameters)
            if name.startswith("_") or fn.__module__ != queries.__name__ or params[1:2] != ["scope"]:
                continue
            kw = {"year": 2025} if "year" in params else {}
            if "which" in params:
                kw["which"] = "partners_missing"
            if "as_of" in params:
                kw["as_of"] = date(2025, 12, 31)
            result = fn(cur, scope, **kw)
            nothing = fn(cur, (), **kw)
            if isinstance(result, pd.DataFrame):
                for col in ORG_COLUMNS:
                    if col in result.columns:
                        assert set(result[col].dropna()) <= own_names(demo_db), (name, col)
                assert nothing.empty or (name == "coverage_trend" and (nothing["young_teachers"] == 0).all()), name
            elif isinstance(result, queries.Scope):   # organization codes
                assert set(result) <= set(scope) and nothing == (), name
            else:   # a dict of figures: the organizations it counts
                assert result.get("organizations") in (1, None), name
                assert not nothing.get("organizations"), name
            checked += 1
        assert checked >= 10


def test_scope_follows_the_role(demo_db):
    with reader(demo_db) as cur:
        every = tuple(sorted(registry.org_codes(cur)))
        assert len(every) == 26
        assert accounts.scope(cur, User("a", "А", accounts.ADMIN, None)) == every
        assert accounts.scope(cur, User("h", "Р", accounts.HEAD, None)) == every
        assert accounts.scope(cur, User("c", "О", accounts.COORDINATOR, "ДС01")) == ("ДС01",)
        assert accounts.scope(cur, User("x", "О", accounts.COORDINATOR, None)) == ()


def test_wrong_password_is_refused_in_russian(app):
    at = app()
    log_in(at, "sosh1", "not-my-password")
    assert "Неверный логин или пароль" in "\n".join(e.value for e in at.error)
    assert at.title[0].value == "Вход" and "user" not in at.session_state


def test_five_wrong_passwords_lock_the_account(app, demo_db):
    with reader(demo_db) as cur:
        accounts.create_user(cur, "locktest", "Проверка блокировки", accounts.COORDINATOR, "right-password-1",
                             SOSH1, by="test")
    at = app()
    for i in range(accounts.MAX_FAILED):
        log_in(at, "locktest", f"wrong-password-{i}")
    assert at.error[0].value == "Неверный логин или пароль."  # a wrong password never tells (issue 15)
    log_in(at, "locktest", "right-password-1")            # even the right password, for a while; it says why
    assert "заблокирован" in at.error[0].value and "user" not in at.session_state


def test_logout_returns_to_the_login_form(app, demo_db):
    at = app("sosh1")
    assert at.title[0].value == "Обзор"
    at.button(key="logout").click().run()
    assert at.title[0].value == "Вход" and "user" not in at.session_state
    assert "Вы вышли" in "\n".join(i.value for i in at.info)
    with reader(demo_db) as cur:
        assert accounts.audit_log(cur, login="sosh1").iloc[0]["action"] == "logout"


def test_session_ends_after_thirty_idle_minutes(app, demo_db, monkeypatch):
    from dashboard import auth

    at = app("sosh1")
    monkeypatch.setattr(auth, "_now", lambda: datetime.now() + timedelta(minutes=31))
    at.run()
    assert at.title[0].value == "Вход"
    assert "Сеанс завершён" in "\n".join(i.value for i in at.info)
    with reader(demo_db) as cur:
        assert accounts.audit_log(cur, login="sosh1").iloc[0]["action"] == "session_expired"


def test_administrator_of_a_new_warehouse_reaches_the_upload_page(tmp_path, monkeypatch):
    """An empty registry must not lock the administrator out of loading it."""
    from tests.apptest_login import fresh_caches, log_in, open_page, start
    from warehouse import accounts, db

    path = tmp_path / "new.duckdb"
    conn = db.connect(path)
    accounts.create_user(conn, "first", "Первый администратор", "admin", "first-admin-1")
    conn.close()
    fresh_caches()
    at = log_in(start(path, monkeypatch), "first", "first-admin-1")
    assert not at.exception
    assert any("Реестр организаций пуст" in i.value for i in at.sidebar.info)
    at = open_page(at, "upload")
    assert not at.exception and at.title[0].value == "Загрузка данных"
    fresh_caches()


def test_an_older_demo_warehouse_without_accounts_gets_the_demo_accounts(tmp_path, monkeypatch, demo_db):
    import shutil

    from tests.apptest_login import fresh_caches, log_in, start
    from warehouse import db

    old = tmp_path / "old-demo.duckdb"
    shutil.copy(demo_db, old)
    conn = db.connect(old)
    conn.execute("delete from users")
    conn.close()
    fresh_caches()
    at = log_in(start(old, monkeypatch), "head", DEMO_PASSWORDS["head"])
    assert not at.exception and at.title[0].value == "Обзор"
    fresh_caches()
