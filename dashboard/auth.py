"""Login, logout and the session's inactivity timeout: the entry script alone calls this.

A session ends after ``SESSION_MINUTES`` without a script run (any click). Failed logins count
towards the lock-out in :mod:`warehouse.accounts`; every login, failure and logout is audited.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import streamlit as st

from dashboard.text import plain
from warehouse import accounts
from warehouse.accounts import User

SESSION_MINUTES = 30


def _now() -> datetime:
    return datetime.now()


def logout(cur, reason: str = "logout") -> None:
    user = st.session_state.get("user")
    if user:
        accounts.audit(cur, user.login, reason, org_code=user.org_code)
    for key in ("user", "last_seen", "filters", "personal_views_logged"):
        st.session_state.pop(key, None)


def require_login(cur, *, demo: bool) -> User:
    """The logged-in user; otherwise draw the login form and stop the script."""
    user: User | None = st.session_state.get("user")
    now = _now()
    if user is not None and now - st.session_state.get("last_seen", now) > timedelta(minutes=SESSION_MINUTES):
        logout(cur, "session_expired")
        st.session_state["login_notice"] = (f"Сеанс завершён после {SESSION_MINUTES} минут бездействия. "
                                            "Войдите снова.")
        user = None
    if user is not None:
        st.session_state["last_seen"] = now
        return user
    _login_form(cur, demo)
    st.stop()


def _login_form(cur, demo: bool) -> None:
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        _login_column(cur, demo)


def _login_column(cur, demo: bool) -> None:
    st.title("Вход")
    st.caption("Дорожная карта реализации целевой модели наставничества, г. Когалым.")
    if notice := st.session_state.pop("login_notice", None):
        st.info(notice)
    if demo and not accounts.has_users(cur):
        # A demo warehouse built before accounts existed: give it its demo accounts (demo data only).
        from ingest.demo import DEMO_ACCOUNTS

        for login, name, role, org, password in DEMO_ACCOUNTS:
            try:
                accounts.create_user(cur, login, name, role, password, org, by="demo")
            except accounts.AccountError:
                pass  # e.g. the coordinator's organization is not in this older demo's registry
    if not accounts.has_users(cur):
        st.warning("В хранилище нет учётных записей. Создайте администратора командой "
                   "`python -m warehouse user add LOGIN --role admin --name \"ФИО\"`.")
        return
    with st.form("login", clear_on_submit=False):
        login = st.text_input("Логин", key="login_user")
        password = st.text_input("Пароль", type="password", key="login_password")
        submitted = st.form_submit_button("Войти", type="primary")
    if submitted:
        try:
            user = accounts.authenticate(cur, login, password, now=_now())
        except accounts.AccountError as exc:
            st.error(str(exc))
        else:
            st.session_state["user"] = user
            st.session_state["last_seen"] = _now()
            st.rerun()
    if demo:
        from ingest.demo import DEMO_ACCOUNTS

        st.info("Демонстрационные учётные записи:\n\n" + "\n".join(
            f"- `{login}` / `{password}` — {accounts.ROLES[role]}{' ' + org if org else ''}"
            for login, _, role, org, password in DEMO_ACCOUNTS))


def current() -> User:
    """The logged-in user (pages run only after the entry script has logged in)."""
    return st.session_state["user"]


def log_personal_view(cur, page: str, scope: tuple[str, ...], year: int) -> None:
    """Audit a view of personal rows (152-ФЗ), once per session, page, scope and year."""
    key = (page, scope, year)
    seen = st.session_state.setdefault("personal_views_logged", set())
    if key in seen:
        return
    seen.add(key)
    user = current()
    detail = f"{year} год, организаций: {len(scope)}" + (f" ({scope[0]})" if len(scope) == 1 else "")
    accounts.audit(cur, user.login, "view_personal", page=page, org_code=scope[0] if len(scope) == 1 else None,
                   detail=detail)


def sidebar_account(cur, user: User) -> None:
    with st.sidebar:
        st.caption(f"**{plain(user.full_name)}**  \n{user.role_title}{' · ' + plain(user.org_code) if user.org_code else ''}")
        if st.button("Выйти", key="logout", icon=":material/logout:"):
            logout(cur)
            st.session_state["login_notice"] = "Вы вышли из системы."
            st.rerun()
