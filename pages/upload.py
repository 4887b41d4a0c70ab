"""Загрузка данных: choose what to upload, take the template, upload a file, see what was found in it
and what it would change, confirm.

Nothing is written before «Загрузить»: ``ingest.load.prepare`` only reads; ``ingest.load.commit``
writes the Prepared kept in the session, so the click loads exactly what was previewed. A refused or
unchanged file is logged once per (file, target). A coordinator uploads for their own organization
only, whatever the widgets say; the administrator for any organization of the registry, and the
registry itself.
"""

import hashlib
from datetime import datetime

import pandas as pd
import streamlit as st

from dashboard import auth, data, export, filters, tables
from dashboard.state import cursor
from ingest import load, templates
from ingest.errors import ERROR, UsageError
from ingest.reader import delimiter_name
from ingest.report import plural
from ingest.schemas import DATASETS
from warehouse import accounts, registry, snapshots

PAGE = "Загрузка данных"
ROWS_SHOWN = 20                      # rows of each problem group on the page; the report has all
GROUPS_OPEN = 5                      # the largest groups are open, the rest one click away
ENCODINGS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 с BOM", "utf-16": "UTF-16 (Текст Юникод)", "cp1251": "Windows-1251",
             "koi8-r": "KOI8-R", "cp866": "CP866 (DOS)", "mac-cyrillic": "Mac Cyrillic", "iso8859-5": "ISO-8859-5"}

user = auth.current()
st.title(PAGE)
if not user.can_upload:
    st.error("Загружать файлы могут ответственные организаций и администратор.")
    st.stop()
f = filters.current()
state = st.session_state
if flash := state.pop("upload_flash", None):
    st.success(flash)

# --- 1. What is uploaded: dataset, organization, year -------------------------------------------
choices = [n for n, d in DATASETS.items() if user.is_admin or not d.registry]
c_ds, c_org, c_year = st.columns([2, 3, 1])
dataset = c_ds.selectbox("Набор данных", choices, key="upload_dataset",
                         format_func=lambda n: DATASETS[n].title + (" (реестр)" if DATASETS[n].registry else ""))
ds = DATASETS[dataset]
if ds.registry and not user.is_admin:        # never reached through the widget; a guard all the same
    st.error("Реестр организаций загружает администратор.")
    st.stop()
org: str | None = None
year: int | None = None
names: dict = {}
if ds.registry:
    c_org.text_input("Организация", value="все организации (реестр)", disabled=True, key="upload_org_registry")
elif user.is_admin:
    with cursor() as cur:
        orgs = registry.organizations(cur)
    names = dict(zip(orgs["org_code"], orgs["short_name"], strict=True))
    codes = list(orgs["org_code"])
    if not codes:
        st.warning("Реестр организаций пуст: сначала загрузите набор «Организации (реестр)».")
        st.stop()
    org = c_org.selectbox("Организация", codes, key="upload_org", format_func=lambda c: f"{names[c]} ({c})",
                          index=codes.index(f.org_code) if f.org_code in codes else 0)
else:
    names = f.names
    c_org.text_input("Организация", value=f"{names.get(user.org_code, user.org_code)} ({user.org_code})",
                     disabled=True, key="upload_org_fixed")
if not ds.registry:
    years = list(data.reporting_years())
    # Keyed by the sidebar's year: changing the sidebar year brings this one along.
    year = c_year.selectbox("Отчётный год", years, key=f"upload_year_{f.year}",
                            index=years.index(f.year) if f.year in years else len(years) - 1)
if not user.is_admin:
    org = user.org_code                      # a coordinator's uploads are their organization's, always
target = ("реестр организаций" if ds.registry
          else f"«{ds.title}», {names.get(org, org)} ({org}), {year} год")
snap_org, snap_year = (snapshots.REGISTRY_ORG, snapshots.REGISTRY_YEAR) if ds.registry else (org, year)
with cursor() as cur:
    current = snapshots.current(cur, dataset, snap_org, snap_year)
if current:
    st.caption(f"Сейчас: версия {current.version} от {current.uploaded_at:%d.%m.%Y %H:%M} — "
               f"{load.fmt_int(current.rows)} {plural(current.rows, 'строка', 'строки', 'строк')}, файл "
               f"«{current.file_name}», загрузил {current.uploaded_by}. Новый файл заменит её целиком; "
               "прежние версии сохраняются.")
else:
    st.caption(f"Набор {target} ещё не загружался." if not ds.registry else "Реестр ещё не загружался.")

# --- 2. The template ------------------------------------------------------------------------------
with st.expander(f"Шаблон набора «{ds.title}»: {ds.grain}", icon=":material/description:"):
    st.markdown("Обязательные столбцы: " + ", ".join(f"«{x.title}»" for x in ds.required)
                + ". Даты — ДД.ММ.ГГГГ, да/нет — словами. Заголовки можно писать и по-английски "
                  "(`" + "`, `".join(x.name for x in ds.fields[:3]) + "`, …).")
    if dataset in ("mentors", "mentorships"):
        st.caption("Порядок загрузки: «Педагоги», затем «Наставники», затем «Наставнические пары»: "
                   "наставник-педагог должен быть в файле педагогов, а наставник пары — в файле наставников.")
    t_xlsx, t_csv, _ = st.columns([1, 1, 2])
    t_xlsx.download_button("Шаблон Excel (XLSX)", templates.template_xlsx(dataset), key="template_xlsx",
                           file_name=templates.template_file_name(dataset, "xlsx"), mime=tables.XLSX_MIME,
                           icon=":material/download:", on_click="ignore")
    t_csv.download_button("Шаблон CSV", templates.template_csv(dataset), key="template_csv",
                          file_name=templates.template_file_name(dataset, "csv"), mime="text/csv",
                          icon=":material/download:", on_click="ignore")

# --- 3. The file ----------------------------------------------------------------------------------
nonce = state.setdefault("upload_nonce", 0)
uploaded = st.file_uploader(
    f"Файл для загрузки: {target}", type=["csv", "txt", "xlsx"], key=f"upload_file_{nonce}",
    help=f"CSV (UTF-8 или Windows-1251, разделитель «;», «,» или табуляция) или книга Excel .xlsx, до "
         f"{load.APP_MAX_BYTES // load.MB} МБ. Файл .xls сохраните в Excel как «Книга Excel (*.xlsx)».")
if uploaded is None:
    st.caption(f"CSV или книга Excel (.xlsx), не больше {load.APP_MAX_BYTES // load.MB} МБ. Ничего не записывается, "
               "пока вы не посмотрите результат проверки и не нажмёте «Загрузить».")
    st.stop()

content = uploaded.getvalue()
key = (hashlib.sha256(content).hexdigest(), dataset, org, year)
kept = state.get("upload_prepared")
stale = False
if kept is not None and kept["key"] == key:
    # Someone (another session) may have loaded or restored this target since the preview.
    was = kept["prepared"].previous
    stale = (was.upload_id if was else None) != (current.upload_id if current else None)
if kept is None or kept["key"] != key or stale:
    size = f"{len(content) / load.MB:.1f}".replace(".", ",")
    with st.spinner(f"Читаем и проверяем «{uploaded.name}» ({size} МБ)…"), cursor() as cur:
        try:
            prepared = load.prepare(cur, content, uploaded.name, dataset, org, year, max_bytes=load.APP_MAX_BYTES)
        except UsageError as exc:
            st.error(str(exc))
            st.stop()
    kept = state["upload_prepared"] = {"key": key, "prepared": prepared}
    if stale:
        st.warning("Пока вы смотрели проверку, этот набор изменили (загрузили или восстановили другую версию). "
                   "Файл проверен заново: посмотрите, что изменится теперь.")
p: load.Prepared = kept["prepared"]
report = p.report
audit_org = None if ds.registry else org
detail = f"{dataset}{'' if ds.registry else f' {org} {year}'}: «{p.file_name}»"

# A refused or unchanged file is an attempt too: log it once per file and target, not on every rerun.
logged = state.setdefault("upload_logged", set())
if (not p.ok or p.unchanged) and key not in logged:
    with cursor() as cur:
        result = load.commit(cur, p, user=user.login)
        if result.outcome == "rejected":
            accounts.audit(cur, user.login, "upload_rejected", page=PAGE, org_code=audit_org,
                           detail=f"{detail}, ошибок {report.error_count}")
    logged.add(key)


def show_found() -> None:
    """What the reader found: format, encoding, separator, header row, which columns matched which."""
    if p.raw is None:
        return
    r = p.raw
    with st.expander(f"Что найдено в файле «{p.file_name}»", expanded=bool(r.missing),
                     icon=":material/find_in_page:"):
        if r.file_format == "csv":
            how = (f"CSV, кодировка {ENCODINGS.get(r.encoding, r.encoding)}, разделитель — "
                   f"{delimiter_name(r.delimiter)}")
        else:
            how = "книга Excel (XLSX), первый лист"
        facts = [f"**Формат:** {how}", f"**Строка заголовка:** {r.header_row}",
                 f"**Строк с данными:** {load.fmt_int(r.n_rows)}"]
        if r.blank_rows:
            facts.append(f"**Пустых строк пропущено:** {load.fmt_int(r.blank_rows)}")
        st.markdown("  \n".join(facts))
        matched = [{"Столбец в файле": found, "Столбец шаблона": ds.field(name).title,
                    "Обязательный": "да" if ds.field(name).required else ""} for name, found in r.matched.items()]
        if matched:
            st.dataframe(matched, hide_index=True, width="stretch")
        if r.extra:
            st.caption("Лишние столбцы (пропущены): " + ", ".join(f"«{x}»" for x in r.extra))
        if r.missing:
            st.caption("Нет обязательных столбцов: " + ", ".join(f"«{x.title}»" for x in r.missing))


def show_groups(groups) -> None:
    """One block per kind of problem: what, where, how often, what was expected, the first rows."""
    for n, g in enumerate(groups):
        where = f"«{g.column}»: " if g.column else ""
        times = plural(g.count, "раз", "раза", "раз")
        with st.expander(f"{where}{g.problem} — {load.fmt_int(g.count)} {times}", expanded=n < GROUPS_OPEN):
            if g.expected:
                st.markdown(f"**Ожидалось:** {g.expected}")
            sample = [i for i in sorted(g.issues, key=lambda i: i.row or 0) if i.row or i.value][:ROWS_SHOWN]
            if sample:
                frame = pd.DataFrame({"row_no": pd.array([i.row for i in sample], dtype="Int64"),
                                      "value": [i.value for i in sample]})
                # A problem of the whole file has no row: show what was found, not «нет данных».
                tables.show(frame, ["row_no", "value"] if frame["row_no"].notna().any() else ["value"])
                if g.count > len(sample):
                    kept_rows = len(g.issues)     # the reader keeps the first 1 000 cells of a problem
                    in_report = "остальные — в отчёте" if kept_rows >= g.count else \
                        f"в отчёте — первые {load.fmt_int(kept_rows)}"
                    st.caption(f"Показаны первые {len(sample)} из {load.fmt_int(g.count)}; {in_report} (кнопки выше).")


def report_downloads(label: str) -> None:
    """The full report (every problem kept, one row each) as XLSX and CSV, built once per file."""
    if "report_xlsx" not in kept:
        when = datetime.now()
        sheet = export.Sheet(title=f"Проверка файла «{p.file_name}»: {target}", frame=report.to_frame(),
                             name="Отчёт о проверке",
                             note=f"Проверено {when:%d.%m.%Y %H:%M} пользователем {user.full_name} ({user.login}). "
                                  f"Ошибок: {report.error_count}, предупреждений: {report.warning_count}.")
        kept["report_xlsx"], kept["report_csv"] = export.xlsx([sheet]), export.csv_bytes(sheet)
    base = f"proverka_{dataset}" + ("" if ds.registry else f"_{export.slug(org)}_{year}")
    d_xlsx, d_csv, _ = st.columns([1, 1, 2])
    d_xlsx.download_button(f"{label} (Excel)", kept["report_xlsx"], file_name=f"{base}.xlsx", mime=tables.XLSX_MIME,
                           key="report_xlsx", icon=":material/download:", on_click=_log_export, args=("xlsx",))
    d_csv.download_button(f"{label} (CSV)", kept["report_csv"], file_name=f"{base}.csv", mime="text/csv",
                          key="report_csv", icon=":material/download:", on_click=_log_export, args=("csv",))


def _log_export(fmt: str) -> None:
    with cursor() as cur:
        accounts.audit(cur, user.login, "export", page=PAGE, org_code=audit_org,
                       detail=f"отчёт о проверке ({fmt}): {detail}")


errors = [g for g in report.sorted_groups() if g.severity == ERROR]
warnings = [g for g in report.sorted_groups() if g.severity != ERROR]

if p.file_error:
    st.error(p.file_error)
    st.caption("Файл не принят, хранилище не изменено. Попытка записана в историю загрузок.")
elif p.unchanged:
    prev = p.previous
    st.info(f"Этот файл уже загружен: это текущая версия {prev.version} набора {target} от "
            f"{prev.uploaded_at:%d.%m.%Y %H:%M} ({prev.uploaded_by}). Ничего не изменится.",
            icon=":material/check_circle:")
elif errors:
    st.error(f"Файл не принят: {load.fmt_int(report.error_count)} "
             f"{plural(report.error_count, 'ошибка', 'ошибки', 'ошибок')} в {len(errors)} "
             f"{plural(len(errors), 'группе', 'группах', 'группах')}. Хранилище не изменено. Исправьте файл и "
             "загрузите его снова; номера строк — как в Excel.")
else:
    st.success("Файл проверен: ошибок нет" + (f", предупреждений: {load.fmt_int(report.warning_count)}" if warnings
                                              else "") + ". Посмотрите, что изменится, и нажмите «Загрузить».",
               icon=":material/task_alt:")
show_found()
if errors and not p.file_error:
    report_downloads("Отчёт об ошибках")
    show_groups(errors)
if warnings and not p.file_error and not p.unchanged:
    st.subheader(f"Предупреждения: {load.fmt_int(report.warning_count)}")
    st.caption("Предупреждения не мешают загрузке, но проверьте, всё ли так, как задумано.")
    if not errors:
        report_downloads("Отчёт о проверке")
    show_groups(warnings)

if p.ok and not p.unchanged:
    st.subheader("Что изменится")
    d = p.diff
    m = st.columns(4)
    m[0].metric("Новых строк", load.fmt_int(d["added"]))
    m[1].metric("Изменённых", load.fmt_int(d["changed"]))
    m[2].metric("Удалённых", load.fmt_int(d["removed"]))
    m[3].metric("Без изменений", load.fmt_int(d["unchanged"]))
    if p.previous:
        prev = p.previous
        st.caption(f"Файл «{p.file_name}» ({load.fmt_int(p.rows)} {plural(p.rows, 'строка', 'строки', 'строк')}) "
                   f"заменит версию {prev.version} от {prev.uploaded_at:%d.%m.%Y %H:%M} ({prev.file_name}, "
                   f"{load.fmt_int(prev.rows)} {plural(prev.rows, 'строка', 'строки', 'строк')}); она сохранится, "
                   "её можно будет восстановить на странице «История загрузок».")
    else:
        st.caption(f"Первая загрузка: {target}, {load.fmt_int(p.rows)} "
                   f"{plural(p.rows, 'строка', 'строки', 'строк')}.")
    if st.button("Загрузить", type="primary", key="upload_confirm", icon=":material/upload:") and not stale:
        with cursor() as cur:
            result = load.commit(cur, p, user=user.login)
            accounts.audit(cur, user.login, "upload", page=PAGE, org_code=audit_org,
                           detail=f"{detail}, версия {result.version}, строк {p.rows}")
        state["upload_flash"] = (f"Загружено: {target} — версия {result.version}, {load.fmt_int(p.rows)} "
                                 f"{plural(p.rows, 'строка', 'строки', 'строк')}. Показатели на страницах уже "
                                 "учитывают новый файл.")
        state["upload_nonce"] = nonce + 1        # a fresh, empty uploader
        state.pop("upload_prepared", None)
        st.rerun()
