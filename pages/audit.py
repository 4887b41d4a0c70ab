"""Журнал аудита (administrator): logins, failed logins, uploads, restores, exports, views of personal rows."""

import streamlit as st

from dashboard import tables
from dashboard.state import cursor
from warehouse import accounts
from warehouse.labels import AUDIT_ACTIONS

st.title("Журнал аудита")
st.caption("Кто, когда, что и с какой страницы. Последние 2 000 записей, новые сверху.")
with cursor() as cur:
    log = accounts.audit_log(cur, limit=2000)
actions = sorted(log["action"].unique())
picked = st.multiselect("Действия", actions, format_func=lambda a: AUDIT_ACTIONS.get(a, a),
                        placeholder="Все действия")
logins = sorted(log["login"].dropna().unique())
who = st.multiselect("Пользователи", logins, placeholder="Все пользователи")
if picked:
    log = log[log["action"].isin(picked)]
if who:
    log = log[log["login"].isin(who)]
tables.show(log.assign(action_title=log["action"].map(lambda a: AUDIT_ACTIONS.get(a, a))),
            ["logged_at", "login", "action_title", "page", "org_code", "detail"], height=600, name="Журнал аудита")
