"""The «Выгрузки» page's monitoring report (item 7): built on a click with its progress shown
(``st.status``), audited, then offered for download.

The report is the department's document about the city, a municipality or a type of organization: a
coordinator is not offered it, nor is one organization or more than ``report.MAX_ORGS``. It is built on
the script's thread (a ``download_button`` callable runs on another thread, where no progress can be
drawn) and kept in the session under the filters it was built for, so a change of filters never offers a
stale file.
"""

from __future__ import annotations

import streamlit as st

from dashboard import auth, export
from dashboard.filters import Filters
from dashboard.state import cursor
from warehouse import accounts, report
from warehouse.accounts import User

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def monitoring_report(f: Filters, user: User) -> None:
    """Why the report is not offered, or «Составить справку», its progress, then «Скачать справку (DOCX)»."""
    if user.role == accounts.COORDINATOR:
        st.caption("Справку по итогам мониторинга составляет Управление образования.")
        return
    if f.org_code is not None:
        st.caption("Справка составляется по городу, муниципалитету или типу организаций: выберите «Все» в фильтре "
                   "«Организация».")
        return
    if len(f.scope) > report.MAX_ORGS:
        st.caption(report.too_many())
        return
    scope = report.ReportScope(f.scope, f.municipality, f.org_type)
    st.write(f"Документ Word: {report.title(scope, f.year)}. Разделы: основания, показатели с прошлым годом, "
             "дорожная карта по пунктам, наставники, молодые педагоги, педагоги с затруднениями, обучающиеся, "
             "партнёры, мероприятия, выводы, рекомендации организациям, приложение по организациям.")
    key = (f.year, f.scope.key, f.as_of)
    if st.button("Составить справку", icon=":material/description:", key="report_build"):
        with st.status("Составляю справку…", expanded=True) as status, cursor() as cur:
            data = report.build_audited(cur, user.login, scope, f.year, f.as_of, page="Выгрузки",
                                        author=user.full_name, progress=status.write)
            status.update(label="Справка составлена", state="complete", expanded=False)
        st.session_state["monitoring_report"] = {"key": key, "data": data}
    kept = st.session_state.get("monitoring_report")
    if kept and kept["key"] == key:
        auth.download_button("Скачать справку (DOCX)", kept["data"], icon=":material/download:",
                             file_name=export.file_name("Аналитическая справка", "docx", f.year, f.as_of,
                                                        scope=f.scope_label),
                             mime=DOCX_MIME, type="primary", key="report_download")
