"""Загрузка данных: choose what to upload (one dataset, or the yearly workbook with every dataset),
take the template or the organization's workbook, upload, see what was found and what it would
change (the removed rows named; removing more than half of a dataset asks for an explicit tick),
confirm. The page chooses and draws; :mod:`ingest.service` checks the user's permission, previews,
writes exactly the preview kept in the session with its audit line, and refuses a stale preview. A
refused or unchanged upload is logged once per (file, target)."""

import hashlib

import streamlit as st

from dashboard import auth, data, filters
from dashboard import upload_view as view
from dashboard.state import cursor
from ingest import load, service, workbook
from ingest.errors import IngestError, StalePreview
from ingest.schemas import DATASETS
from warehouse import registry, russian

PAGE = "Загрузка данных"
LIMIT = russian.megabytes(load.APP_MAX_BYTES, 0)

user = auth.current()
st.title(PAGE)
if not user.can_upload:
    st.error(service.MAY_UPLOAD)
    st.stop()
f = filters.current()
state = st.session_state
if flash := state.pop("upload_flash", None):
    st.success(flash)

# --- 1. What is uploaded: one dataset or the yearly workbook, organization (a coordinator's own), year
BOOK, ONE = "Годовой отчёт (вся книга)", "Один набор данных"
mode = st.radio("Что загружаем", [ONE, BOOK], horizontal=True, key="upload_mode",
                help="Годовой отчёт — одна книга Excel со всеми наборами организации за год: скачайте её с "
                     "текущими данными, исправьте и загрузите обратно.")
choices = [n for n, d in DATASETS.items() if user.is_admin or not d.registry]
c_ds, c_org, c_year = st.columns([2, 3, 1])
if mode == BOOK:
    dataset = "roadmap"      # every organization owes it: the organization and year are chosen as for it
    c_ds.text_input("Набор данных", value="все наборы организации", disabled=True, key="upload_dataset_book")
else:
    dataset = c_ds.selectbox("Набор данных", choices, key="upload_dataset",
                             format_func=lambda n: DATASETS[n].title + (" (реестр)" if DATASETS[n].registry else ""))
ds, org, year, names = DATASETS[dataset], None, None, f.names
if ds.registry:
    c_org.text_input("Организация", value="все организации (реестр)", disabled=True, key="upload_org_registry")
elif user.is_admin:
    with cursor() as cur:
        orgs = registry.organizations(cur)
    names, codes = dict(zip(orgs["org_code"], orgs["short_name"], strict=True)), list(orgs["org_code"])
    if not codes:
        st.warning("Реестр организаций пуст: сначала загрузите набор «Организации (реестр)».")
        st.stop()
    org = c_org.selectbox("Организация", codes, key="upload_org", format_func=lambda c: f"{names[c]} ({c})",
                          index=codes.index(f.org_code) if f.org_code in codes else 0)
else:
    org = user.org_code
    c_org.text_input("Организация", value=f"{names.get(org, org)} ({org})", disabled=True, key="upload_org_fixed")
if not ds.registry:
    years = list(data.reporting_years())
    # Keyed by the sidebar's year: changing the sidebar year brings this one along.
    year = c_year.selectbox("Отчётный год", years, key=f"upload_year_{f.year}",
                            index=years.index(f.year) if f.year in years else len(years) - 1)
nonce = state.setdefault("upload_nonce", 0)
if mode == BOOK:
    # --- 2b. The yearly workbook: download it filled, upload it back, see it sheet by sheet --------
    who = f"{names.get(org, org)} ({org}), {year} год"
    with cursor() as cur:
        datasets = workbook.sheets_of(cur, org)
        view.book_status({d.name: service.current(cur, d.name, org, year) for d in datasets}, datasets)
        view.book_download(user, org, year, workbook.source_of(cur, org, year), PAGE)
    uploaded = st.file_uploader(f"Книга годового отчёта: {who}", type=["xlsx"], key=f"book_file_{nonce}",
                                help=f"Книга Excel .xlsx, до {LIMIT}: листы называются как наборы («Педагоги», "
                                     "«Наставники», …); лист, которого нет, не меняет свой набор.")
    if uploaded is None:
        st.caption("Ничего не записывается, пока вы не посмотрите результат проверки всей книги и не нажмёте "
                   "«Загрузить».")
        st.stop()
    content = uploaded.getvalue()
    key = (hashlib.sha256(content).hexdigest(), "book", org, year)
    kept = state.get("book_prepared")
    with cursor() as cur:
        stale = state.pop("book_stale", False) or (kept is not None and kept["key"] == key
                                                   and service.is_stale_workbook(cur, kept["book"]))
    if kept is None or kept["key"] != key or stale:
        with st.spinner(f"Читаем и проверяем книгу «{view.plain(uploaded.name)}»…"), cursor() as cur:
            try:
                book = service.preview_workbook(cur, user, content, uploaded.name, org, year,
                                                max_bytes=load.APP_MAX_BYTES, page=PAGE)
            except IngestError as exc:
                view.refusal(exc)
                st.stop()
        kept = state["book_prepared"] = {"key": key, "book": book}
        if stale:
            st.warning(f"{StalePreview().message} Книга проверена заново: посмотрите, что изменится теперь.")
    book: workbook.Book = kept["book"]
    logged = state.setdefault("upload_logged", set())
    if not book.accepted and key not in logged:     # a refused or unchanged book is an attempt too, once
        with cursor() as cur:
            service.confirm_workbook(cur, user, book, page=PAGE)
        logged.add(key)
    view.book_verdict(book)
    may_go = view.removals(book.changed, key=f"book_removals_{nonce}") if book.accepted else False
    view.book_sheets(book)
    if book.accepted and st.button("Загрузить", type="primary", key="book_confirm", icon=":material/upload:",
                                   disabled=not may_go) and not stale:
        try:
            with cursor() as cur:
                result = service.confirm_workbook(cur, user, book, removals_confirmed=may_go, page=PAGE)
        except StalePreview:
            state["book_stale"] = True
            st.rerun()
        done = ", ".join(f"«{DATASETS[n].title}» — версия {v}" for n, v in result.versions.items())
        state["upload_flash"] = (f"Загружено из книги: {who}: {done}. Показатели на страницах уже учитывают "
                                 "новые данные.")
        state["upload_nonce"] = nonce + 1
        state.pop("book_prepared", None)
        st.rerun()
    st.stop()

target = "реестр организаций" if ds.registry else f"«{ds.title}», {names.get(org, org)} ({org}), {year} год"
with cursor() as cur:
    view.current_caption(service.current(cur, dataset, org, year), ds, target)
view.template(ds)

# --- 2. The file, its preview, the confirmation ---------------------------------------------------
uploaded = st.file_uploader(
    f"Файл для загрузки: {target}", type=["csv", "txt", "xlsx"], key=f"upload_file_{nonce}",
    help=f"CSV (UTF-8 или Windows-1251, разделитель «;», «,» или табуляция) или книга Excel .xlsx, до {LIMIT}. "
         "Файл .xls сохраните в Excel как «Книга Excel (*.xlsx)».")
if uploaded is None:
    st.caption(f"CSV или книга Excel (.xlsx), не больше {LIMIT}. Ничего не записывается, пока вы не посмотрите "
               "результат проверки и не нажмёте «Загрузить».")
    st.stop()
content = uploaded.getvalue()
key = (hashlib.sha256(content).hexdigest(), dataset, org, year)
kept = state.get("upload_prepared")
with cursor() as cur:                        # another session may have changed the target since the preview
    stale = state.pop("upload_stale", False) or (kept is not None and kept["key"] == key
                                                 and service.is_stale(cur, kept["prepared"]))
if kept is None or kept["key"] != key or stale:
    with st.spinner(f"Читаем и проверяем «{view.plain(uploaded.name)}» ({russian.megabytes(len(content))})…"), \
            cursor() as cur:
        try:
            prepared = service.preview(cur, user, content, uploaded.name, dataset, org, year,
                                       max_bytes=load.APP_MAX_BYTES, page=PAGE)
        except IngestError as exc:           # usage-error, permission-denied
            view.refusal(exc)
            st.stop()
    kept = state["upload_prepared"] = {"key": key, "prepared": prepared}
    if stale:
        st.warning(f"{StalePreview().message} Файл проверен заново: посмотрите, что изменится теперь.")
p: load.Prepared = kept["prepared"]
logged = state.setdefault("upload_logged", set())
if not p.accepted and key not in logged:     # an attempt too, but not one per rerun
    with cursor() as cur:
        service.log_refusal(cur, user, p, page=PAGE)
    logged.add(key)

view.verdict(p, target)
view.found(p, ds)
view.problems(kept, user, target, PAGE)
if p.accepted:
    view.changes(p, target)
    may_go = view.removals([p], key=f"upload_removals_{nonce}")
    if st.button("Загрузить", type="primary", key="upload_confirm", icon=":material/upload:",
                 disabled=not may_go) and not stale:
        try:
            with cursor() as cur:
                result = service.confirm(cur, user, p, removals_confirmed=may_go, page=PAGE)
        except StalePreview:                 # overtaken between this run's check and the click
            state["upload_stale"] = True
            st.rerun()
        state["upload_flash"] = (f"Загружено: {target} — версия {result.version}, {russian.rows(p.rows)}. "
                                 "Показатели на страницах уже учитывают новый файл.")
        state["upload_nonce"] = nonce + 1    # a fresh, empty uploader
        state.pop("upload_prepared", None)
        st.rerun()
