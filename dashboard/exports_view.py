"""The «Выгрузки» page's documents: the meeting pack and the public mentor base, each built on a click
with its progress shown (``st.status``), audited, then offered for download.

A document is built on the script's thread, not lazily inside ``st.download_button`` (which runs the
callable on another thread, where no progress can be drawn); the bytes are kept in the session under
the filters they were built for, so a change of filters never offers a stale file.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard import auth, data, export, tables
from dashboard import meeting_pack as pack
from dashboard.filters import ALL_ORGS, Filters
from dashboard.state import cursor
from warehouse import accounts, queries, russian
from warehouse.accounts import User

PUBLIC_COLUMNS = ["organization", "full_name", "workplace", "mentors_whom", "forms", "period_start", "period_end"]
PUBLIC_HEADING = "База наставников"
FRAGMENT_SHOWN_MAX = 20_000   # characters of the fragment shown on the page; the file has all of it


def _note(user: User, today: date) -> str:
    return f"Выгружено {today:%d.%m.%Y} пользователем {user.full_name} ({user.login})."


def _kept(name: str, key: tuple) -> dict | None:
    """What was built under ``name`` for exactly these filters, or None."""
    kept = st.session_state.get(name)
    return kept if kept and kept["key"] == key else None


def meeting_pack(f: Filters, user: User) -> None:
    """«Собрать пакет к совещанию», its progress, then «Скачать»."""
    key = (f.year, f.scope.key, f.as_of)
    if st.button("Собрать пакет к совещанию", type="primary", icon=":material/inventory_2:", key="pack_build"):
        with st.status("Собираю пакет к совещанию…", expanded=True) as status, cursor() as cur:
            data_ = pack.build(cur, f.scope, f.year, f.as_of, f.label_text, _note(user, f.as_of), progress=status.write)
            file = export.file_name("Пакет к совещанию", "xlsx", f.year, f.as_of, scope=f.scope_label)
            accounts.audit(cur, user.login, "export", page="Выгрузки", org_code=_org(f),
                           detail=f"пакет к совещанию: {file}, организаций: {len(f.scope)}")
            status.update(label=f"Пакет к совещанию готов: {file}", state="complete", expanded=False)
        st.session_state["meeting_pack"] = {"key": key, "data": data_, "file": file}
    kept = _kept("meeting_pack", key)
    if kept:
        auth.download_button("Скачать пакет к совещанию", kept["data"], file_name=kept["file"],
                             mime=tables.XLSX_MIME, icon=":material/download:", key="pack_download")


def _org(f: Filters) -> str | None:
    return f.scope[0] if len(f.scope) == 1 else None


def public_mentor_base(f: Filters, user: User) -> None:
    """The consenting mentors on screen, how many are not shown, and the page and fragment for the site."""
    summary = data.cached(queries.public_mentor_base_summary, f.scope, f.year)
    shown = tables.listing(queries.public_mentor_base, f.scope, f.year, columns=PUBLIC_COLUMNS,
                           name="База наставников для сайта", height=360,
                           empty="Нет наставников, согласных на размещение сведений, для выбранных фильтров.")
    if summary["not_shown"]:
        st.caption(_not_shown(summary["not_shown"]) + " Согласие отмечается в файле «Наставники», столбец "
                   "«Согласие на размещение сведений».")
    if shown.empty:
        return
    key = (f.year, f.scope.key, f.as_of)
    if st.button("Подготовить страницу для сайта", icon=":material/public:", key="public_build"):
        with st.status("Готовлю базу наставников для сайта…", expanded=True) as status:
            status.write("Читаю базу наставников (только согласные на размещение)")
            base = data.fetch(queries.public_mentor_base, f.scope, f.year)
            status.write("Составляю страницу и фрагмент HTML")
            page, fragment = public_html(f, base, summary)
            files = {kind: export.file_name(what, "html", f.year, f.as_of, scope=f.scope_label)
                     for kind, what in (("page", "База наставников"), ("fragment", "База наставников фрагмент"))}
            with cursor() as cur:
                accounts.audit(cur, user.login, "export", page="Выгрузки", org_code=_org(f),
                               detail=f"база наставников для сайта: {files['page']}, наставников: {len(base)}, "
                                      f"не показано без согласия: {summary['not_shown']}")
            status.update(label=f"Страница готова: наставников {russian.number(len(base))}", state="complete",
                          expanded=False)
        st.session_state["public_base"] = {"key": key, "page": page, "fragment": fragment, "files": files}
    kept = _kept("public_base", key)
    if kept:
        row = st.container(horizontal=True, gap="small")
        auth.download_button("Страница для сайта (HTML)", kept["page"].encode("utf-8"), where=row,
                             file_name=kept["files"]["page"], mime="text/html", icon=":material/download:",
                             key="public_page")
        auth.download_button("Фрагмент для редактора сайта (HTML)", kept["fragment"].encode("utf-8"), where=row,
                             file_name=kept["files"]["fragment"], mime="text/html", icon=":material/code:",
                             key="public_fragment")
        with st.expander("Код фрагмента для редактора сайта"):
            st.code(kept["fragment"][:FRAGMENT_SHOWN_MAX], language="html")


def _not_shown(n: int) -> str:
    return f"Не показано наставников без согласия на размещение сведений (152-ФЗ, ст. 10.1): {russian.number(n)}."


def public_html(f: Filters, base, summary: dict) -> tuple[str, str]:
    """The complete page and the embeddable fragment of the public mentor base for the filters ``f``."""
    sheet = export.Sheet(f"{PUBLIC_HEADING}: {f.year} год, {f.scope_label}", base, PUBLIC_COLUMNS,
                         name=PUBLIC_HEADING)
    footnote = _not_shown(summary["not_shown"]) if summary["not_shown"] else ""
    if f.org_code:
        orgs = data.cached(queries.organizations, f.scope)
        organization = orgs["full_name"].iloc[0] if len(orgs) else f.scope_label
    else:
        n = f"организаций: {russian.number(summary['organizations'])}"
        organization = (f"Наставники образовательных организаций ({n})" if f.scope_label == ALL_ORGS
                        else f"Наставники образовательных организаций: {f.scope_label} ({n})")
    updated = (f"Сведения обновлены {russian.day(summary['updated'])}" if summary["updated"] is not None
               else "Сведения о наставниках не загружены")
    page = export.html_page(sheet, heading=f"{PUBLIC_HEADING}, {f.year} год", organization=organization,
                            updated=updated, footnote=footnote)
    return page, export.html_table(sheet, footnote)
