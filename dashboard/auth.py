"""Login, logout and the session: the entry script alone calls :func:`require_login`.

A login opens a session in the warehouse (``accounts.open_session``): a random token whose SHA-256
the warehouse keeps. The browser keeps the token in an HttpOnly, SameSite=Lax cookie set by the
server's own route (``dashboard/server.py``), so that a reload or a new tab of the same browser goes
on as the same user on the page and filters of its address, until «Выйти» or ``SESSION_MINUTES``
without any script run (the expiry slides with every run). The token never appears in an address.

Every script run checks the session again (``accounts.check_session``): the account is re-read, and a
session whose account was disabled, moved to another organization, given another role or a new
password ends at once, as does one idle too long or ended in another tab. Download buttons make
their bytes on another thread, after the run: they go through :func:`download_button`, whose data
callable checks the session again before making anything.

Failed logins count towards the lock-out in :mod:`warehouse.accounts`; every login, failure, logout
and ended session is audited.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable
from datetime import datetime

import streamlit as st

from dashboard.text import plain
from warehouse import accounts
from warehouse.accounts import SESSION_MINUTES, User

COOKIE = "mentorship_session"
SESSION_ROUTE = "/api/session"        # dashboard/server.py: a ticket in, the HttpOnly cookie out
LOGOUT_ROUTE = "/api/logout"          # dashboard/server.py: the cookie cleared
TICKET_SECONDS = 60

ENDED = {
    "session_expired": f"Сеанс завершён после {SESSION_MINUTES} минут бездействия. Войдите снова.",
    "logout": "Сеанс завершён: выход выполнен в другой вкладке. Войдите снова.",
    "account_disabled": "Сеанс завершён: учётная запись отключена администратором.",
    "account_changed": "Сеанс завершён: администратор изменил вашу учётную запись (роль, организацию или "
                       "пароль). Войдите снова.",
    "password_reset": "Сеанс завершён: пароль учётной записи изменён. Войдите с новым паролем.",
}


class SessionEnded(PermissionError):
    """A download asked for after its session ended: nothing is made."""


def _now() -> datetime:
    return datetime.now()


# --- Cookie tickets -------------------------------------------------------------------------------
# The script cannot set an HttpOnly cookie: it talks to the browser over the websocket. After a login
# it hands the page a one-time ticket (random, in memory only, for TICKET_SECONDS); the page posts it
# to SESSION_ROUTE, whose answer sets the cookie with the session's token. The token itself never
# reaches the page.

_tickets: dict[str, tuple[str, float]] = {}
_tickets_lock = threading.Lock()


def _issue_ticket(token: str) -> str:
    ticket = secrets.token_urlsafe(24)
    with _tickets_lock:
        now = time.monotonic()
        for old in [t for t, (_, until) in _tickets.items() if until < now]:
            del _tickets[old]
        _tickets[ticket] = (token, now + TICKET_SECONDS)
    return ticket


def redeem_ticket(ticket: str) -> str | None:
    """The session token of a ticket issued within TICKET_SECONDS, once; None otherwise."""
    with _tickets_lock:
        token, until = _tickets.pop(ticket, (None, 0.0))
    return token if token is not None and until >= time.monotonic() else None


def _post(route: str, body: dict, where=None) -> None:
    """Make the page post ``body`` to one of the server's routes (same origin, cookies included);
    ``where``: the container of the (invisible) script element, default the sidebar."""
    js = (f"<script>fetch({json.dumps(route)}, {{method: 'POST', credentials: 'same-origin', "
          f"headers: {{'Content-Type': 'application/json', 'X-Mentorship': '1'}}, "
          f"body: {json.dumps(json.dumps(body))}}});</script>")
    (where or st.sidebar).html(js, unsafe_allow_javascript=True)


# --- The session ----------------------------------------------------------------------------------

def _end(cur, reason: str, *, token_hash: str | None = None, login: str | None = None,
         notice: str | None = None) -> None:
    """End this browser session: the warehouse's record, the cookie, the state; audit it."""
    user: User | None = st.session_state.get("user")
    token_hash = token_hash or st.session_state.get("session")
    if token_hash:
        accounts.end_session(cur, token_hash, reason, now=_now())
    login = login or (user.login if user else None)
    if login:
        accounts.audit(cur, login, "session_ended" if reason not in ("logout", "session_expired") else reason,
                       org_code=user.org_code if user else None,
                       detail=None if reason in ("logout", "session_expired") else accounts.ENDED_REASONS.get(reason))
    for key in ("user", "session", "filters", "personal_views_logged", "cookie_ticket"):
        st.session_state.pop(key, None)
    st.session_state["clear_cookie"] = True
    if notice:
        st.session_state["login_notice"] = notice


def logout(cur, reason: str = "logout") -> None:
    _end(cur, reason)


def require_login(cur, *, demo: bool, pages: list[st.Page] | None = None) -> User:
    """The logged-in user, with rights as the warehouse has them now; otherwise draw the login form
    (under a hidden navigation of ``pages``, so that the address asked for stays) and stop the script."""
    now = _now()
    token_hash = st.session_state.get("session")
    resumed = False
    if token_hash is None and not st.session_state.get("cookie_tried"):
        # Only the first run of a browser session looks at the cookie: st.context keeps the cookies the
        # page was opened with, long after a logout here has made them worthless.
        st.session_state["cookie_tried"] = True
        token = st.context.cookies.get(COOKIE)
        if isinstance(token, str) and 20 <= len(token) <= 200:
            token_hash, resumed = accounts.token_hash(token), True
    if token_hash is not None:
        check = accounts.check_session(cur, token_hash, now=now, remember=True)
        if check.user is not None:
            if resumed:
                accounts.audit(cur, check.user.login, "session_resumed", org_code=check.user.org_code,
                               detail="вход по cookie сеанса (перезагрузка или новая вкладка)")
            st.session_state["session"] = token_hash
            st.session_state["user"] = check.user
            return check.user
        if check.reason == "unknown":
            st.session_state["clear_cookie"] = True         # e.g. a cookie of another warehouse
        else:
            _end(cur, check.reason or "session_expired", token_hash=token_hash, login=check.login,
                 notice=ENDED.get(check.reason or "", ENDED["logout"]))
    if pages:
        st.navigation(pages, position="hidden")   # keeps the page of the address; runs none of them
    _login_form(cur, demo)
    st.stop()


def _login_form(cur, demo: bool) -> None:
    if st.session_state.pop("clear_cookie", False):
        _post(LOGOUT_ROUTE, {}, where=st.container())   # not the sidebar: it would stay open, empty
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
            token = accounts.open_session(cur, user, now=_now())
        except accounts.AccountError as exc:
            st.error(str(exc))
        else:
            st.session_state["user"] = user
            st.session_state["session"] = accounts.token_hash(token)
            st.session_state["cookie_ticket"] = _issue_ticket(token)
            st.rerun()
    st.caption(f"После {accounts.MAX_FAILED} неверных паролей подряд вход блокируется на "
               f"{accounts.LOCK_MINUTES} минут. Сеанс завершается после {SESSION_MINUTES} минут бездействия.")
    if demo:
        from ingest.demo import DEMO_ACCOUNTS

        st.info("Демонстрационные учётные записи:\n\n" + "\n".join(
            f"- `{login}` / `{password}` — {accounts.ROLES[role]}{' ' + org if org else ''}"
            for login, _, role, org, password in DEMO_ACCOUNTS))


def current() -> User:
    """The logged-in user (pages run only after the entry script has logged in)."""
    return st.session_state["user"]


def still_logged_in() -> None:
    """For the code that runs without the entry script: a fragment's own rerun (a click on the roadmap
    matrix) and a dialog's buttons (confirm a restore, disable an account). The session is checked as
    :func:`require_login` checks it on every full run; if it ended (logout in another tab, a disabled
    account, a changed role, the inactivity timeout), the whole app runs again, which says why and shows
    the login form, and nothing after this call runs."""
    token_hash = st.session_state.get("session")
    if token_hash:
        from dashboard.state import cursor

        with cursor() as cur:
            if accounts.check_session(cur, token_hash, now=_now(), remember=True).user is not None:
                return
    st.rerun(scope="app")


# --- Downloads ------------------------------------------------------------------------------------

def guarded(make: Callable[[], bytes | str]) -> Callable[[], bytes | str]:
    """``make`` run only while this browser session is valid: logged in, not idle past the timeout,
    the account unchanged. A download's data callable runs on another thread after the script run, so
    the check is made there, in the warehouse, when the button is clicked; otherwise
    :class:`SessionEnded` is raised and nothing is made (Streamlit then reports the download failed;
    the next click or run of the page shows the login form)."""
    token_hash = st.session_state.get("session")
    from dashboard.state import cursor

    def checked() -> bytes | str:
        if not token_hash:
            raise SessionEnded("Сеанс не открыт: выгрузка отклонена.")
        with cursor() as cur:
            check = accounts.check_session(cur, token_hash, now=_now(), touch=False)
            if check.user is None:
                why = accounts.ENDED_REASONS.get(check.reason or "", check.reason)
                accounts.audit(cur, check.login, "download_refused", detail=f"сеанс завершён: {why}")
                raise SessionEnded("Сеанс завершён: выгрузка отклонена. Войдите снова.")
        return make()

    return checked


def download_button(label: str, data: Callable[[], bytes | str] | bytes | str, *, where=None, **kwargs):
    """Every download button of the app: ``st.download_button`` whose bytes are made, or handed over,
    only after :func:`guarded` has checked the session. ``where``: a column or container (default:
    the page). Fixed bytes are wrapped too, so that nothing leaves after the session ended."""
    make = data if callable(data) else (lambda: data)
    kwargs.setdefault("on_click", "ignore")
    return (where or st).download_button(label, data=guarded(make), **kwargs)


# --- The rest -------------------------------------------------------------------------------------

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
        if ticket := st.session_state.pop("cookie_ticket", None):
            _post(SESSION_ROUTE, {"ticket": ticket})
        st.caption(f"**{plain(user.full_name)}**  \n{user.role_title}{' · ' + plain(user.org_code) if user.org_code else ''}")
        if st.button("Выйти", key="logout", icon=":material/logout:"):
            logout(cur)
            st.session_state["login_notice"] = "Вы вышли из системы."
            st.rerun()
