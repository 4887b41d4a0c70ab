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
    target = f"{names.get(org, org)} ({org}), {year} год"
    with cursor() as cur:
        datasets = workbook.sheets_of(cur, org)
        view.book_status({d.name: service.current(cur, d.name, org, year) for d in datasets}, datasets)
        view.book_download(user, org, year, workbook.source_of(cur, org, year), PAGE)
    # No ``type=``: Streamlit's own check of the name ends the page with its exception on a forged name (a
    # NUL), and refuses other types in English («application/vnd.ms-excel files are not allowed»). The reader
    # tells the formats apart by their bytes: ingest refuses a bad name, an .xls (saying how to save it as
    # .xlsx) or any other file in Russian.
    uploaded = st.file_uploader(f"Книга годового отчёта: {view.plain(target)}", key=f"book_file_{nonce}",
                                help=f"Книга Excel .xlsx, до {LIMIT}: листы называются как наборы («Педагоги», "
                                     "«Наставники», …); лист, которого нет, не меняет свой набор.")
else:
    target = "реестр организаций" if ds.registry else f"«{ds.title}», {names.get(org, org)} ({org}), {year} год"
    with cursor() as cur:
        view.current_caption(service.current(cur, dataset, org, year), ds, target)
    view.template(ds)
    # --- 2. The file, its preview, the confirmation -----------------------------------------------
    uploaded = st.file_uploader(
        f"Файл для загрузки: {view.plain(target)}", key=f"upload_file_{nonce}",   # no ``type=``: see above
        help=f"CSV (UTF-8 или Windows-1251, разделитель «;», «,» или табуляция) или книга Excel .xlsx, до {LIMIT}. "
             "Файл .xls сохраните в Excel как «Книга Excel (*.xlsx)».")
if uploaded is None:
    st.caption(f"{'Книга Excel' if mode == BOOK else 'CSV или книга Excel'} (.xlsx), не больше {LIMIT}. Ничего не "
               "записывается, пока вы не посмотрите результат проверки и не нажмёте «Загрузить».")
    st.stop()
content = uploaded.getvalue()
what = f"«{view.plain(uploaded.name)}» ({russian.megabytes(len(content))})"
key = (hashlib.sha256(content).hexdigest(), "book" if mode == BOOK else dataset, org, year)
if mode == BOOK:
    kept, stale = view.kept_preview(
        "book", key, lambda cur: service.preview_workbook(cur, user, content, uploaded.name, org, year,
                                                          max_bytes=load.APP_MAX_BYTES, page=PAGE),
        service.is_stale_workbook, f"книгу {what}")
    book: workbook.Book = kept["prepared"]
    view.log_once(key, book.accepted, lambda cur: service.confirm_workbook(cur, user, book, page=PAGE))
    view.book_verdict(book)
    may_go = view.removals(book.changed, key=f"book_removals_{nonce}") if book.accepted else False
    view.book_sheets(book)
    if book.accepted:
        view.confirm_button(
            "book", stale, may_go,
            lambda cur: service.confirm_workbook(cur, user, book, removals_confirmed=may_go, page=PAGE),
            lambda result: f"Загружено из книги: {view.plain(target)}: " + ", ".join(
                f"«{DATASETS[n].title}» — версия {v}" for n, v in result.versions.items())
            + ". Показатели на страницах уже учитывают новые данные.")
    st.stop()

kept, stale = view.kept_preview(
    "upload", key, lambda cur: service.preview(cur, user, content, uploaded.name, dataset, org, year,
                                               max_bytes=load.APP_MAX_BYTES, page=PAGE),
    service.is_stale, what)
p: load.Prepared = kept["prepared"]
view.log_once(key, p.accepted, lambda cur: service.log_refusal(cur, user, p, page=PAGE))
view.verdict(p, target)
view.found(p, ds)
view.problems(kept, user, target, PAGE)
if p.accepted:
    view.changes(p, target)
    may_go = view.removals([p], key=f"upload_removals_{nonce}")
    view.confirm_button(
        "upload", stale, may_go, lambda cur: service.confirm(cur, user, p, removals_confirmed=may_go, page=PAGE),
        lambda result: f"Загружено: {view.plain(target)} — версия {result.version}, {russian.rows(p.rows)}. Показатели на "
                       "страницах уже учитывают новый файл.")
