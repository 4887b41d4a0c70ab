"""Helpers for AppTest of the logged-in app: start it on a warehouse and log in as someone."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from ingest.demo import DEMO_ACCOUNTS
from warehouse import db

DEMO_PASSWORDS = {login: password for login, _, _, _, password in DEMO_ACCOUNTS}

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "dashboard" / "app.py")


def fresh_caches() -> None:
    st.cache_resource.clear()
    st.cache_data.clear()


def start(db_path, monkeypatch) -> AppTest:
    """The app on ``db_path``, at the login form."""
    monkeypatch.setenv(db.ENV_DB, str(db_path))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    return at


def log_in(at: AppTest, login: str, password: str) -> AppTest:
    at.text_input(key="login_user").input(login)
    at.text_input(key="login_password").input(password)
    at.button[0].click().run()
    return at


def open_page(at: AppTest, page: str) -> AppTest:
    """Switch to ``pages/<page>.py`` (the navigation must offer it to the user)."""
    return at.switch_page(str(ROOT / "pages" / f"{page}.py")).run()


# Tabs whose hidden tabs are not made until opened (``on_change="rerun"``): their session-state keys.
LAZY_TABS = ("overview_attention", "monitoring_topic")


def each_tab(at: AppTest):
    """Open each tab of the page's lazy tabs in turn (a click on it), yielding the label after each run."""
    for key in LAZY_TABS:
        if key not in at.session_state:
            continue
        for label in [t.label for t in at.tabs]:
            at.session_state[key] = label
            at.run()
            yield label


def reader(db_path):
    """A cursor on the app's own connection (one process may hold one configuration of a file)."""
    from dashboard.state import connection

    return connection(str(db_path)).cursor()
