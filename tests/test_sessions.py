"""Sessions in the app (AppTest, the real demo warehouse): an open session loses its rights at the next
run when the administrator disables, moves, demotes or re-passwords its account; it ends after the
inactivity timeout; a download's data callable refuses once the session is over."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import streamlit.testing.v1.app_test as app_test
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.media_file_storage import MediaFileStorageError

from dashboard import auth
from tests.apptest_login import fresh_caches, log_in, open_page, reader, start
from warehouse import accounts

PASSWORD = "session-test-2026"


@pytest.fixture
def media(monkeypatch):
    """The media file managers AppTest makes for its runs: where the download buttons' callables wait."""
    made: list[MediaFileManager] = []

    class Recording(MediaFileManager):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(app_test, "MediaFileManager", Recording)
    return made


@pytest.fixture
def logged_in(demo_db, monkeypatch):
    """``logged_in(login, role, org)``: a new account of the demo warehouse, logged in in a new AppTest."""
    fresh_caches()

    def make(login: str, role: str, org: str | None = None):
        at = start(demo_db, monkeypatch)
        with reader(demo_db) as cur:
            accounts.create_user(cur, login, f"Проверка {login}", role, PASSWORD, org, by="test")
        log_in(at, login, PASSWORD)
        assert not at.exception, [e.message for e in at.exception]
        assert at.title[0].value == "Обзор"
        return at

    yield make
    fresh_caches()


def infos(at) -> str:
    return "\n".join(i.value for i in at.info)


@pytest.mark.parametrize(("login", "role", "org", "change", "words"), [
    ("s-disabled", "coordinator", "СОШ1", lambda c, who: accounts.set_active(c, who, False, by="admin"),
     "учётная запись отключена"),
    ("s-moved", "coordinator", "СОШ1", lambda c, who: accounts.set_role(c, who, "coordinator", "ДС02", by="admin"),
     "изменил вашу учётную запись"),
    ("s-demoted", "head", None, lambda c, who: accounts.set_role(c, who, "coordinator", "СОШ1", by="admin"),
     "изменил вашу учётную запись"),
    ("s-password", "coordinator", "СОШ1", lambda c, who: accounts.set_password(c, who, "new-secret-2027", by="admin"),
     "пароль учётной записи изменён"),
], ids=["disabled", "moved", "demoted", "password-reset"])
def test_an_open_session_loses_its_rights_at_the_next_run(logged_in, demo_db, login, role, org, change, words):
    at = logged_in(login, role, org)
    before = at.session_state["user"]
    with reader(demo_db) as cur:
        change(cur, login)
    at.run()                                     # any click
    assert at.title[0].value == "Вход" and "user" not in at.session_state
    assert words in infos(at)
    assert not at.dataframe and not at.file_uploader
    with reader(demo_db) as cur:
        log = accounts.audit_log(cur, login=login)
        assert log.iloc[0]["action"] == "session_ended"
        open_ = cur.execute("select count(*) from sessions where login = ? and ended_at is null", [login]).fetchone()
        assert open_[0] == 0
    if role == "head":                           # logging in again gives the new, narrower rights
        log_in(at, login, PASSWORD)
        user = at.session_state["user"]
        assert before.role == "head" and user.role == "coordinator" and user.org_code == "СОШ1"


def test_a_session_ends_after_the_inactivity_timeout(logged_in, demo_db, monkeypatch):
    at = logged_in("s-idle", "head")
    later = datetime.now() + timedelta(minutes=accounts.SESSION_MINUTES - 1)
    monkeypatch.setattr(auth, "_now", lambda: later)
    at.run()                                     # 29 minutes idle: still in, and the expiry slides
    assert at.title[0].value == "Обзор"
    monkeypatch.setattr(auth, "_now", lambda: later + timedelta(minutes=accounts.SESSION_MINUTES - 1))
    at.run()
    assert at.title[0].value == "Обзор"
    monkeypatch.setattr(auth, "_now", lambda: later + timedelta(minutes=2 * accounts.SESSION_MINUTES))
    at.run()
    assert at.title[0].value == "Вход"
    assert f"Сеанс завершён после {accounts.SESSION_MINUTES} минут бездействия" in infos(at)
    with reader(demo_db) as cur:
        assert accounts.audit_log(cur, login="s-idle").iloc[0]["action"] == "session_expired"


def test_a_download_callable_refuses_after_the_timeout(logged_in, demo_db, media, monkeypatch):
    at = logged_in("s-download", "head")
    open_page(at, "exports")
    at.button(key="public_build").click().run()            # the page for the site is made on a click
    button = next(b for b in at.get("download_button") if b.label == "Страница для сайта (HTML)")
    file_id = button.proto.deferred_file_id
    manager = next(m for m in reversed(media) if file_id in m._deferred_callables)
    assert manager.execute_deferred(file_id)     # while the session lives: the file is made
    monkeypatch.setattr(auth, "_now", lambda: datetime.now() + timedelta(minutes=accounts.SESSION_MINUTES + 1))
    with pytest.raises(MediaFileStorageError, match="Сеанс завершён") as refused:
        manager.execute_deferred(file_id)
    assert isinstance(refused.value.__cause__, auth.SessionEnded)
    with reader(demo_db) as cur:
        log = accounts.audit_log(cur, login="s-download")
        assert log.iloc[0]["action"] == "download_refused"
        assert (log["action"] == "export").sum() == 1   # the page's build, audited once; the refusal made nothing


def test_a_download_callable_refuses_after_logout_elsewhere(logged_in, demo_db, media):
    """The same session ended from another tab (its logout ends the warehouse's record)."""
    at = logged_in("s-logout", "coordinator", "СОШ1")
    open_page(at, "exports")
    at.button(key="public_build").click().run()            # the page for the site is made on a click
    button = next(b for b in at.get("download_button") if b.label == "Страница для сайта (HTML)")
    manager = next(m for m in reversed(media) if button.proto.deferred_file_id in m._deferred_callables)
    with reader(demo_db) as cur:
        accounts.end_session(cur, at.session_state["session"], "logout")
    with pytest.raises(MediaFileStorageError) as refused:
        manager.execute_deferred(button.proto.deferred_file_id)
    assert isinstance(refused.value.__cause__, auth.SessionEnded)
