"""Организации и пользователи (administrator): the registry as loaded, the accounts, and the forms that
create an account, disable or enable it, reset its password, change its role or organization.

Every change goes through ``warehouse.accounts`` with ``by=`` the administrator, which checks it, says
in Russian why it is refused and writes the audit line.
"""

from datetime import datetime

import pandas as pd
import streamlit as st

from dashboard import auth, confirm, tables
from dashboard.state import cursor
from dashboard.text import plain
from warehouse import accounts, registry
from warehouse.accounts import COORDINATOR, ROLES, AccountError

user = auth.current()
st.title("Организации и пользователи")
if not user.is_admin:
    st.error("Эта страница — только для администратора.")
    st.stop()
state = st.session_state
if flash := state.pop("admin_flash", None):
    st.success(flash)
confirm.flash()
nonce = state.setdefault("admin_nonce", 0)   # a new nonce after a change: the forms start empty again

with cursor() as cur:
    orgs = registry.organizations(cur)
    people = accounts.users(cur)
names = dict(zip(orgs["org_code"], orgs["short_name"], strict=True))
codes = list(orgs["org_code"])


def org_label(code: str | None) -> str:
    return "— (не нужна)" if code is None else f"{names.get(code, code)} ({code})"


def org_words(code: str | None) -> str:
    """The organization as messages name it: Markdown-escaped, since its name comes from the registry file."""
    return plain(org_label(code))


def done(message: str) -> None:
    state["admin_flash"] = message
    state["admin_nonce"] = nonce + 1
    st.rerun()


def change(write, message) -> None:
    """Run one change of the accounts (``write(cursor)``); show its refusal, or say what was done
    (``message``: the text, or a function of what ``write`` returned)."""
    try:
        with cursor() as cur:
            result = write(cur)
    except AccountError as exc:
        st.error(plain(str(exc)))
    else:
        done(message(result) if callable(message) else message)


# --- The registry ---------------------------------------------------------------------------------
st.subheader(f"Реестр организаций: {len(orgs)}")
st.caption("Реестр меняется загрузкой набора «Организации (реестр)» на странице «Загрузка данных»: новый файл "
           "заменяет реестр целиком, прежние версии сохраняются в «Истории загрузок».")
tables.show(orgs.rename(columns={"full_name": "org_full_name"}),
            ["org_code", "short_name", "org_type", "org_full_name", "municipality", "inn", "website"],
            name="Реестр организаций", height=320, key="registry")

# --- The accounts ---------------------------------------------------------------------------------
st.subheader(f"Учётные записи: {len(people)}")
now = datetime.now()


def moment(v, none: str = "") -> str:
    return f"{v:%d.%m.%Y %H:%M}" if pd.notna(v) else none


# Text, not dates: an empty lock or a first login yet to come is not «нет данных».
shown = people.assign(account_login=people["login"], role_title=people["role"].map(ROLES),
                      organization=people["org_code"].map(lambda c: names.get(c, c) if pd.notna(c) else ""),
                      locked_until=people["locked_until"].map(lambda v: moment(v) if pd.notna(v) and v > now else ""),
                      last_login_at=people["last_login_at"].map(lambda v: moment(v, "ещё не входил")))
tables.show(shown, ["account_login", "full_name", "role_title", "organization", "active", "failed_attempts",
                    "locked_until", "last_login_at", "created_at"], key="accounts")

st.subheader("Изменить")
create, manage = st.tabs(["Новая учётная запись", "Действующая учётная запись"])

with create, st.form(f"admin_create_{nonce}"):
    c1, c2 = st.columns(2)
    login = c1.text_input("Логин", key=f"new_login_{nonce}", help="Латинские буквы, цифры, «.», «_», «-»; "
                                                                  "от 2 до 40 символов.")
    full_name = c2.text_input("ФИО", key=f"new_name_{nonce}")
    role = c1.selectbox("Роль", list(ROLES), format_func=ROLES.get, key=f"new_role_{nonce}",
                        index=list(ROLES).index(COORDINATOR))
    org = c2.selectbox("Организация (для ответственного ОО)", [None, *codes], format_func=org_label,
                       key=f"new_org_{nonce}")
    pw1 = c1.text_input("Пароль", type="password", key=f"new_pw1_{nonce}",
                        help=f"Не меньше {accounts.MIN_PASSWORD} символов; не логин и не распространённый или легко "
                        "подбираемый пароль.")
    pw2 = c2.text_input("Пароль ещё раз", type="password", key=f"new_pw2_{nonce}")
    if st.form_submit_button("Создать", type="primary"):
        if pw1 != pw2:
            st.error("Пароли не совпадают.")
        else:
            change(lambda cur: accounts.create_user(cur, login, full_name, role, pw1, org, by=user.login),
                   lambda made: f"Учётная запись создана: {plain(made.login)} ({made.role_title}"
                                f"{', ' + org_words(made.org_code) if made.org_code else ''}).")

with manage:
    if people.empty:
        st.info("Учётных записей нет.")
        st.stop()
    logins = list(people["login"])
    who = st.selectbox("Учётная запись", logins, key="admin_who",
                       format_func=lambda x: f"{x} — {people.set_index('login').at[x, 'full_name']}")
    row = people.set_index("login").loc[who]
    their_org = row["org_code"] if pd.notna(row["org_code"]) else None
    locked = bool(pd.notna(row["locked_until"]) and row["locked_until"] > now)
    state_words = ("активна" if row["active"] else "отключена") + (
        f", вход заблокирован до {row['locked_until']:%H:%M %d.%m.%Y}" if locked else "")
    st.caption(f"{ROLES[row['role']]}{', ' + org_words(their_org) if their_org else ''}; {state_words}.")

    left, right = st.columns(2)
    with left:
        if row["active"]:
            if st.button("Отключить учётную запись…", key=f"disable_{who}", icon=":material/block:"):
                def disable() -> str:
                    with cursor() as cur:
                        accounts.set_active(cur, who, False, by=user.login)
                    return f"Учётная запись {plain(who)} отключена: войти с ней нельзя."

                confirm.ask("Отключить учётную запись?", [
                    f"Учётная запись: {plain(who)} — {plain(row['full_name'])}, {ROLES[row['role']]}"
                    f"{', ' + plain(org_label(their_org)) if their_org else ''}.",
                    "Войти с ней будет нельзя, пока администратор не включит её снова. Загруженные ею данные и "
                    "записи журнала аудита не меняются.",
                ], "Отключить", disable, refusals=(AccountError,))
        if not row["active"] or locked:
            label = "Включить учётную запись" if not row["active"] else "Снять блокировку входа"
            if st.button(label, key=f"enable_{who}", icon=":material/check_circle:"):
                change(lambda cur: accounts.set_active(cur, who, True, by=user.login),
                       f"Учётная запись {plain(who)} включена, блокировка входа снята.")

        with st.form(f"admin_password_{who}_{nonce}"):
            st.markdown("**Новый пароль**")
            npw1 = st.text_input("Пароль", type="password", key=f"reset_pw1_{who}_{nonce}")
            npw2 = st.text_input("Пароль ещё раз", type="password", key=f"reset_pw2_{who}_{nonce}")
            if st.form_submit_button("Сменить пароль"):
                if npw1 != npw2:
                    st.error("Пароли не совпадают.")
                else:
                    change(lambda cur: accounts.set_password(cur, who, npw1, by=user.login),
                           f"Пароль пользователя {plain(who)} изменён; блокировка входа снята. Передайте новый пароль "
                           "лично, не по открытой почте.")

    with right, st.form(f"admin_role_{who}_{nonce}"):
        st.markdown("**Роль и организация**")
        roles = list(ROLES)
        new_role = st.selectbox("Роль", roles, index=roles.index(row["role"]), format_func=ROLES.get,
                                key=f"role_{who}_{nonce}")
        options = [None, *codes]
        current_org = their_org if their_org in codes else None
        new_org = st.selectbox("Организация (для ответственного ОО)", options, index=options.index(current_org),
                               format_func=org_label, key=f"role_org_{who}_{nonce}")
        if st.form_submit_button("Сохранить роль"):
            if who == user.login and new_role != row["role"]:
                st.error("Нельзя изменить роль собственной учётной записи: попросите другого администратора.")
            else:
                change(lambda cur: accounts.set_role(cur, who, new_role, new_org, by=user.login),
                       f"Пользователь {plain(who)}: {ROLES[new_role]}"
                       f"{', ' + org_words(new_org) if new_role == COORDINATOR else ''}.")
