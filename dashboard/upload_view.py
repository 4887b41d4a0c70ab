"""Drawing the upload page (``pages/upload.py``): the template, what a preview found in a file, its
verdict, its problems and their report, what it would change, the rows it would remove; for the
yearly workbook, its download, its verdict and its report sheet by sheet.

Only drawing: who may upload, what is written and when a preview is stale are decided by
:mod:`ingest.service`. File names came from a person: where Markdown would render them they go
through :func:`plain` (issue 15: a file named ``[…](http://…)`` must not become a link).
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from dashboard import auth, export, tables
from dashboard.state import cursor
from dashboard.text import plain
from ingest import load, service, templates, workbook
from ingest.errors import ERROR, IngestError, StalePreview
from ingest.reader import delimiter_name
from ingest.schemas import Dataset
from warehouse import accounts, russian, snapshots
from warehouse.accounts import User

ROWS_SHOWN = 20                      # rows of each problem group on the page; the report has all
GROUPS_OPEN = 5                      # the largest groups are open, the rest one click away
ENCODINGS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 с BOM", "utf-16": "UTF-16 (Текст Юникод)", "cp1251": "Windows-1251",
             "koi8-r": "KOI8-R", "cp866": "CP866 (DOS)", "mac-cyrillic": "Mac Cyrillic", "iso8859-5": "ISO-8859-5"}
# Each kind of refusal with its own icon; the message is the error's own (ingest.errors).
ICONS = {"file-too-large": ":material/scale:", "unreadable-file": ":material/block:",
         "encoding-error": ":material/translate:", "permission-denied": ":material/lock:",
         "usage-error": ":material/error:"}


def refusal(exc: IngestError) -> None:
    """An error of the service (usage-error, permission-denied, an unreadable file): its message,
    with the icon of its kind."""
    st.error(plain(exc.message), icon=ICONS.get(exc.code, ":material/error:"))   # it may quote the file


def current_caption(current: snapshots.Snapshot | None, ds: Dataset, target: str) -> None:
    if current:
        st.caption(f"Сейчас: версия {current.version} от {russian.moment(current.uploaded_at)} — "
                   f"{russian.rows(current.rows)}, файл «{plain(current.file_name)}», загрузил "
                   f"{plain(current.uploaded_by)}. Новый файл заменит её целиком; прежние версии сохраняются.")
    else:
        st.caption(f"Набор {plain(target)} ещё не загружался." if not ds.registry else "Реестр ещё не загружался.")


def template(ds: Dataset) -> None:
    """The dataset's required columns and its template as XLSX and CSV."""
    with st.expander(f"Шаблон набора «{ds.title}»: {ds.grain}", icon=":material/description:"):
        st.markdown("Обязательные столбцы: " + ", ".join(f"«{x.title}»" for x in ds.required)
                    + ". Даты — ДД.ММ.ГГГГ, да/нет — словами. Заголовки можно писать и по-английски "
                      "(`" + "`, `".join(x.name for x in ds.fields[:3]) + "`, …).")
        if ds.name in ("mentors", "mentorships"):
            st.caption("Порядок загрузки: «Педагоги», затем «Наставники», затем «Наставнические пары»: "
                       "наставник-педагог должен быть в файле педагогов, а наставник пары — в файле наставников.")
        t_xlsx, t_csv, _ = st.columns([1, 1, 2])
        auth.download_button("Шаблон Excel (XLSX)", templates.template_xlsx(ds.name), where=t_xlsx,
                             key="template_xlsx", file_name=templates.template_file_name(ds.name, "xlsx"),
                             mime=tables.XLSX_MIME, icon=":material/download:")
        auth.download_button("Шаблон CSV", templates.template_csv(ds.name), where=t_csv, key="template_csv",
                             file_name=templates.template_file_name(ds.name, "csv"), mime="text/csv",
                             icon=":material/download:")


def verdict(p: load.Prepared, target: str) -> None:
    """Whether the file is taken: unreadable, already loaded, refused with errors, or ready."""
    errors = [g for g in p.report.sorted_groups() if g.severity == ERROR]
    if p.error:
        refusal(p.error)
        st.caption("Файл не принят, хранилище не изменено. Попытка записана в историю загрузок.")
    elif p.unchanged:
        prev = p.previous
        st.info(f"Этот файл уже загружен: это текущая версия {prev.version} набора {plain(target)} от "
                f"{russian.moment(prev.uploaded_at)} ({plain(prev.uploaded_by)}). Ничего не изменится.",
                icon=":material/check_circle:")
    elif errors:
        n = p.report.error_count
        st.error(f"Файл не принят: {russian.count(n, 'ошибка', 'ошибки', 'ошибок')} в {len(errors)} "
                 f"{russian.plural(len(errors), 'группе', 'группах', 'группах')}. Хранилище не изменено. Исправьте "
                 "файл и загрузите его снова; номера строк — как в Excel.")
    else:
        warned = f", предупреждений: {russian.number(p.report.warning_count)}" if p.report.groups else ""
        st.success(f"Файл проверен: ошибок нет{warned}. Посмотрите, что изменится, и нажмите «Загрузить».",
                   icon=":material/task_alt:")


def found(p: load.Prepared, ds: Dataset) -> None:
    """What the reader found: format, encoding, separator, header row, which columns matched which."""
    if p.raw is None:
        return
    r = p.raw
    with st.expander(f"Что найдено в файле «{plain(p.file_name)}»", expanded=bool(r.missing),
                     icon=":material/find_in_page:"):
        if r.file_format == "csv":
            how = (f"CSV, кодировка {ENCODINGS.get(r.encoding, r.encoding)}, разделитель — "
                   f"{delimiter_name(r.delimiter)}")
        else:
            how = f"книга Excel (XLSX), лист «{plain(r.sheet)}»"
        facts = [f"**Формат:** {how}", f"**Строка заголовка:** {r.header_row}",
                 f"**Строк с данными:** {russian.number(r.n_rows)}"]
        if r.blank_rows:
            facts.append(f"**Пустых строк пропущено:** {russian.number(r.blank_rows)}")
        st.markdown("  \n".join(facts))
        matched = [{"Столбец в файле": seen, "Столбец шаблона": ds.field(name).title,
                    "Обязательный": "да" if ds.field(name).required else ""} for name, seen in r.matched.items()]
        if matched:
            st.dataframe(matched, hide_index=True, width="stretch")
        if r.extra:
            st.caption("Лишние столбцы (пропущены): " + ", ".join(f"«{plain(x)}»" for x in r.extra))
        if r.missing:
            st.caption("Нет обязательных столбцов: " + ", ".join(f"«{x.title}»" for x in r.missing))


def _groups(groups) -> None:
    """One block per kind of problem: what, where, how often, what was expected, the first rows."""
    for n, g in enumerate(groups):
        where = f"«{g.column}»: " if g.column else ""
        with st.expander(f"{where}{g.problem} — {russian.count(g.count, 'раз', 'раза', 'раз')}",
                         expanded=n < GROUPS_OPEN):
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
                        f"в отчёте — первые {russian.number(kept_rows)}"
                    st.caption(f"Показаны первые {len(sample)} из {russian.number(g.count)}; {in_report} "
                               "(кнопки выше).")


def _report_downloads(label: str, kept: dict, user: User, target: str, page: str) -> None:
    """The full report (every problem kept, one row each) as XLSX and CSV, built once per file and
    kept beside the preview in ``kept``; a download is an audited export."""
    p: load.Prepared = kept["prepared"]
    ds, registry = p.dataset, p.dataset.registry
    if "report_xlsx" not in kept:
        sheet = export.Sheet(title=f"Проверка файла «{p.file_name}»: {target}", frame=p.report.to_frame(),
                             name="Отчёт о проверке",
                             note=f"Проверено {russian.moment(datetime.now())} пользователем {user.full_name} "
                                  f"({user.login}). Ошибок: {p.report.error_count}, предупреждений: "
                                  f"{p.report.warning_count}.")
        kept["report_xlsx"], kept["report_csv"] = export.xlsx([sheet]), export.csv_bytes(sheet)
    base = f"proverka_{ds.name}" + ("" if registry else f"_{export.slug(p.org_code)}_{p.year}")
    detail = f"{ds.name}{'' if registry else f' {p.org_code} {p.year}'}: «{p.file_name}»"

    def log_export(fmt: str) -> None:
        with cursor() as cur:
            accounts.audit(cur, user.login, "export", page=page, org_code=None if registry else p.org_code,
                           detail=f"отчёт о проверке ({fmt}): {detail}")

    d_xlsx, d_csv, _ = st.columns([1, 1, 2])
    auth.download_button(f"{label} (Excel)", kept["report_xlsx"], where=d_xlsx, file_name=f"{base}.xlsx",
                         mime=tables.XLSX_MIME, key="report_xlsx", icon=":material/download:", on_click=log_export,
                         args=("xlsx",))
    auth.download_button(f"{label} (CSV)", kept["report_csv"], where=d_csv, file_name=f"{base}.csv", mime="text/csv",
                         key="report_csv", icon=":material/download:", on_click=log_export, args=("csv",))


def problems(kept: dict, user: User, target: str, page: str) -> None:
    """The errors, then the warnings, each group with its first rows, and the report to download."""
    p: load.Prepared = kept["prepared"]
    errors = [g for g in p.report.sorted_groups() if g.severity == ERROR]
    warnings = [g for g in p.report.sorted_groups() if g.severity != ERROR]
    if p.error:
        return
    if errors:
        _report_downloads("Отчёт об ошибках", kept, user, target, page)
        _groups(errors)
    if warnings and not p.unchanged:
        st.subheader(f"Предупреждения: {russian.number(p.report.warning_count)}")
        st.caption("Предупреждения не мешают загрузке, но проверьте, всё ли так, как задумано.")
        if not errors:
            _report_downloads("Отчёт о проверке", kept, user, target, page)
        _groups(warnings)


def changes(p: load.Prepared, target: str) -> None:
    """What confirming would change: rows added, changed, removed, kept; which version it replaces."""
    st.subheader("Что изменится")
    _metrics(p)
    if prev := p.previous:
        st.caption(f"Файл «{plain(p.file_name)}» ({russian.rows(p.rows)}) заменит версию {prev.version} от "
                   f"{russian.moment(prev.uploaded_at)} ({plain(prev.file_name)}, {russian.rows(prev.rows)}); она "
                   "сохранится, её можно будет восстановить на странице «История загрузок».")
    else:
        st.caption(f"Первая загрузка: {plain(target)}, {russian.rows(p.rows)}.")


def removals(changed: list[load.Prepared], key: str) -> bool:
    """The rows an upload would remove, named, in a warning that cannot be missed; when a dataset
    would lose more than half of its rows, an explicit tick that «Загрузить» waits for (issue 12).
    Returns whether the upload may go ahead."""
    removing = [p for p in changed if p.diff.get("removed")]
    for p in removing:
        n, prev = p.diff["removed"], p.previous.rows
        ids = ", ".join(plain(x) for x in p.removed_ids) + (" …" if n > len(p.removed_ids) else "")
        st.warning(f"**{plain(p.dataset.title)}: будут удалены {russian.count(n, 'строка', 'строки', 'строк')} из "
                   f"{russian.number(prev)}.** Их нет в новом файле: {ids}. Если это не так задумано, "
                   "допишите их в файл и загрузите его снова.", icon=":material/delete_forever:")
    most = [p for p in removing if p.removes_most]
    if not most:
        return True
    titles = ", ".join(f"«{p.dataset.title}»" for p in most)
    return st.checkbox(f"Да, удалить: в наборе {titles} останется меньше половины строк", key=key)


def _metrics(p: load.Prepared) -> None:
    d = p.diff
    m = st.columns(4)
    m[0].metric("Новых строк", russian.number(d["added"]))
    m[1].metric("Изменённых", russian.number(d["changed"]))
    m[2].metric("Удалённых", russian.number(d["removed"]))
    m[3].metric("Без изменений", russian.number(d["unchanged"]))


# ---------------------------------------------------------------------------------------------
# The yearly workbook

SOURCE_LABELS = {workbook.CURRENT: "Скачать книгу с текущими данными за {year} год",
                 workbook.PREVIOUS: "Скачать книгу: данные {prev} года как основа",
                 workbook.EMPTY: "Скачать пустую книгу"}


def book_download(user: User, org: str, year: int, source: str, page: str) -> None:
    """The organization's workbook, filled, ready to edit; made when clicked, with its audit line
    (``service.download_workbook``, on the download's own thread and cursor)."""
    def make() -> bytes:
        with cursor() as cur:
            return service.download_workbook(cur, user, org, year, page=page)[0]

    label = SOURCE_LABELS[source].format(year=year, prev=year - 1)
    auth.download_button(label, make, file_name=workbook.file_name(export.slug(org), year),
                         mime=tables.XLSX_MIME, key="book_download", icon=":material/download:", type="secondary")
    st.caption({workbook.CURRENT: "В книге — всё, что сейчас загружено: исправьте нужные листы и загрузите её "
                                  "обратно.",
                workbook.PREVIOUS: f"За {year} год ещё ничего не загружено: в книге данные {year - 1} года как "
                                   "основа (возраст и стаж +1 год, статусы пунктов и даты года очищены).",
                workbook.EMPTY: "Данных за этот и прошлый год нет: книга с пустыми листами и 11 пунктами "
                                "дорожной карты."}[source])


def book_status(currents: dict[str, snapshots.Snapshot | None], datasets: list[Dataset]) -> None:
    """What is loaded now, dataset by dataset: the book's sheets."""
    rows = [{"Лист": d.title, "Сейчас": f"версия {c.version}, {russian.rows(c.rows)}, {russian.moment(c.uploaded_at)}"
             if (c := currents.get(d.name)) else "не загружался"} for d in datasets]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def book_verdict(book: workbook.Book) -> None:
    """Whether the whole book is taken."""
    if book.error:
        refusal(book.error)
        st.caption("Книга не принята, хранилище не изменено.")
    elif not book.ok:
        bad = [p for p in book.sheets if not p.ok]
        st.error(f"Книга не принята: {russian.count(book.error_count, 'ошибка', 'ошибки', 'ошибок')} на "
                 f"{russian.count(len(bad), 'листе', 'листах', 'листах')} ("
                 + ", ".join(f"«{plain(p.sheet)}»" for p in bad) + "). Книга проверяется целиком: не загружено "
                 "ничего, хранилище не изменено. Исправьте ошибки и загрузите книгу снова.")
    elif book.unchanged:
        st.info("Книга совпадает с тем, что уже загружено: ничего не изменится.", icon=":material/check_circle:")
    else:
        names = ", ".join(f"«{p.dataset.title}»" for p in book.changed)
        st.success(f"Книга проверена: ошибок нет. Изменятся наборы {names}; остальные листы совпадают с "
                   "загруженными. Посмотрите изменения и нажмите «Загрузить».", icon=":material/task_alt:")
    for note in book.notes:
        st.caption(plain(note))


def book_sheets(book: workbook.Book) -> None:
    """The report grouped by sheet: each sheet's verdict, what it would change, its problems."""
    for p in book.sheets:
        if not p.ok:
            state = f"ошибок: {russian.number(p.report.error_count)}"
        elif p.unchanged:
            state = "без изменений"
        elif p.previous is None:
            state = "первая загрузка" if p.rows else "будет записано «нет»"
        else:
            d = p.diff
            state = f"новых {d['added']}, изменённых {d['changed']}, удалённых {d['removed']}"
        warned = f", предупреждений: {p.report.warning_count}" if p.report.warning_count else ""
        # A bordered block per sheet, not an expander: the problem groups inside are expanders already.
        with st.container(border=True):
            mark = "✖" if not p.ok else ("✓" if p.unchanged else "✎")
            st.markdown(f"{mark} **Лист «{plain(p.sheet)}»** ({plain(p.dataset.title)}) — {russian.rows(p.rows)}: "
                        f"{state}{warned}")
            if p.error:
                refusal(p.error)
                continue
            if p.ok and not p.unchanged and p.previous is not None:
                _metrics(p)
            groups = p.report.sorted_groups()
            if groups:
                _groups(groups)


# ---------------------------------------------------------------------------------------------
# The preview kept in the session, the attempt logged once, the confirmation: the same for one file
# and for the yearly workbook («upload» and «book»: the session keys ``<slot>_prepared``,
# ``<slot>_stale`` and the button ``<slot>_confirm``).


def kept_preview(slot: str, key: tuple, make, is_stale, what: str) -> tuple[dict, bool]:
    """The preview of this file and target kept in the session, made again (``make(cursor)``) when the
    file or the target changed or the warehouse moved on since (``is_stale(cursor, preview)``: another
    session loaded or restored the target). Returns the kept dict (``"prepared"``: the preview) and
    whether it was stale. A refusal of the service (usage-error, permission-denied) ends the page."""
    state = st.session_state
    kept = state.get(f"{slot}_prepared")
    with cursor() as cur:
        stale = state.pop(f"{slot}_stale", False) or (kept is not None and kept["key"] == key
                                                      and is_stale(cur, kept["prepared"]))
    if kept is None or kept["key"] != key or stale:
        with st.spinner(f"Читаем и проверяем {what}…"), cursor() as cur:
            try:
                made = make(cur)
            except IngestError as exc:
                refusal(exc)
                st.stop()
        kept = state[f"{slot}_prepared"] = {"key": key, "prepared": made}
        if stale:
            st.warning(f"{StalePreview().message} Проверено заново: посмотрите, что изменится теперь.")
    return kept, stale


def log_once(key: tuple, accepted: bool, log) -> None:
    """A refused or unchanged upload is an attempt too: ``log(cursor)`` once per file and target, not on
    every rerun."""
    logged = st.session_state.setdefault("upload_logged", set())
    if not accepted and key not in logged:
        try:
            with cursor() as cur:
                log(cur)
        except IngestError as exc:      # write-failed: the refusal could not be logged
            refusal(exc)
        logged.add(key)


def confirm_button(slot: str, stale: bool, may_go: bool, confirm, flash) -> None:
    """«Загрузить»: ``confirm(cursor)`` writes exactly the kept preview; overtaken since (StalePreview),
    the page previews again; done, ``flash(result)`` is said on a fresh page with an empty uploader."""
    state = st.session_state
    if st.button("Загрузить", type="primary", key=f"{slot}_confirm", icon=":material/upload:",
                 disabled=not may_go) and not stale:
        try:
            with cursor() as cur:
                result = confirm(cur)
        except StalePreview:
            state[f"{slot}_stale"] = True
            st.rerun()
        except IngestError as exc:      # write-failed (a full disk): said in Russian, the preview kept
            refusal(exc)
            return
        state["upload_flash"] = flash(result)
        state["upload_nonce"] = state.get("upload_nonce", 0) + 1
        state.pop(f"{slot}_prepared", None)
        st.rerun()
