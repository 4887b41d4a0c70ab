"""Выгрузки: the meeting pack for a year, the monitoring report (item 7, DOCX) and the public mentor base
(roadmap items 4 and 11)."""

import streamlit as st

from dashboard import auth, exports_view, filters, report_view

f = filters.current()
user = auth.current()
st.title("Выгрузки")
st.caption(f"{f.label}. Выгрузки содержат только организации, которые вам доступны, и записываются в журнал.")

st.subheader("Пакет к совещанию")
st.write("Одна книга Excel: сводка, мониторинг (пункт 7), листы по темам (дорожная карта, наставники, молодые "
         "педагоги, партнёры, мероприятия, загрузки) и диаграммы Excel, каждая на своём листе.")
exports_view.meeting_pack(f, user)

st.subheader("Аналитическая справка по итогам мониторинга (пункт 7)")
report_view.monitoring_report(f, user)

st.subheader("База наставников для сайта (пункты 4 и 11)")
st.caption("Только то, что можно публиковать: ФИО наставника, должность или место работы, кого наставляет, "
           "формы и период наставничества. Без ID, возраста, затруднений и наставляемых. ФИО — только тех, "
           "кто дал согласие на размещение сведений (152-ФЗ, ст. 10.1).")
exports_view.public_mentor_base(f, user)
