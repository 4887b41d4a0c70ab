"""История загрузок: every upload attempt in scope for the year, its problems, and (administrator) restoring a
version after a confirmation that names it."""

import streamlit as st

from dashboard import auth, confirm, data, filters, tables
from dashboard.state import cursor
from dashboard.text import plain
from ingest import service
from ingest.errors import IngestError
from ingest.schemas import DATASET_TITLES
from warehouse import queries, russian, snapshots
from warehouse.labels import OUTCOMES, SEVERITIES

f = filters.current()
user = auth.current()
st.title("История загрузок")
st.caption(f"{f.label}. Все попытки загрузки, в том числе отклонённые, новые сверху. Более ранние версии сохраняются"
           + (" и могут быть восстановлены ниже." if user.is_admin else "; восстановить версию может администратор."))
confirm.flash()

log = data.cached(queries.upload_log, f.scope, f.year)   # a new attempt is a new data version


def org_name(code: str) -> str:
    return "реестр" if code == snapshots.REGISTRY_ORG else f.names.get(code, code)


log = log.assign(dataset_title=log["dataset"].map(DATASET_TITLES), outcome_title=log["outcome"].map(OUTCOMES),
                 organization=log["org_code"].map(org_name))
# Keyed by the newest upload: after a restore or an upload the table's rows shift, and a selection kept by
# position would point at another upload; it starts afresh instead.
newest = int(log["upload_id"].max()) if len(log) else 0
event = tables.show(log, ["uploaded_at", "organization", "dataset_title", "year", "outcome_title", "version", "rows",
                          "error_count", "warning_count", "file_name", "uploaded_by"],
                    key=f"history_{newest}", on_select="rerun", selection_mode="single-row", name="История загрузок")
rows = event.selection.rows if event else []
if rows:
    picked = log.iloc[rows[0]]
    st.subheader(f"Загрузка № {picked.upload_id}: {plain(picked.file_name)}")
    with cursor() as cur:
        problems = snapshots.issues_of(cur, int(picked.upload_id))
    if problems.empty:
        st.success("Ошибок и предупреждений нет.")
    else:
        tables.show(problems.assign(severity=problems["severity"].map(lambda s: SEVERITIES.get(s, s))),
                    ["severity", "row_no", "column_title", "value", "expected", "message"], name="Ошибки загрузки")
elif len(log):
    st.caption("Выберите строку, чтобы увидеть ошибки и предупреждения этой загрузки.")


def version_text(v) -> str:
    """«версия 2 от 12.03.2026 14:05, «file.csv», 120 строк»: what a person recognizes a version by."""
    return (f"версия {int(v.version)} от {russian.moment(v.uploaded_at)}, «{v.file_name}», {russian.rows(v.rows)}, "
            f"загрузил {v.uploaded_by}")


if user.is_admin:
    st.subheader("Восстановить версию")
    loaded = log[log["outcome"] == "loaded"]
    if loaded.empty:
        st.info("Нет принятых загрузок за этот год.")
        st.stop()
    # Options are the snapshots' own keys, not row positions: after a restore the form keeps its choice.
    targets = {(r.org_code, r.dataset, int(r.year)): f"{r.organization} · {r.dataset_title} · {r.year}"
               for r in loaded.sort_values(["organization", "dataset_title"]).itertuples()}
    key = st.selectbox("Снимок (организация · набор · год)", list(targets), format_func=targets.get,
                       key="restore_target")
    org, dataset, year = key
    with cursor() as cur:
        versions = snapshots.versions(cur, dataset, org, year)
    by_version = {int(v.version): v for v in versions.itertuples()}
    current = next((v for v in by_version.values() if v.is_current), None)
    # The options' words do not depend on which one is current: a label that changes after a restore would
    # not match the remembered choice. What is current is said under the list.
    version = st.selectbox("Версия", list(by_version), key=f"restore_version_{org}_{dataset}_{year}",
                           format_func=lambda n: version_text(by_version[n]))
    st.caption(f"Сейчас действует {plain(version_text(current))}." if current else "Текущей версии нет.")
    chosen = by_version[version]
    breaks = None
    if (current is None or version != current.version) and dataset in ("staff", "mentors", "mentorships"):
        with cursor() as cur:
            breaks = snapshots.links_broken_by_restore(cur, dataset, org, year, version)
        if not breaks.empty:
            st.warning("После восстановления файлы организации перестанут сходиться: файл называет ID, "
                       "которых не будет в другом файле. Такие наставники не будут учитываться среди "
                       "педагогов-наставников, пока файлы не исправлены.")
            tables.show(breaks, ["dataset_title", "column_title", "target_title", "ids_missing", "missing_ids"],
                        name="Что перестанет сходиться")
    title = f"«{DATASET_TITLES.get(dataset, dataset)}», {org_name(org)}, {year} год"

    def restore() -> str:
        with cursor() as cur:
            service.restore(cur, user, dataset, org, year, version, page="История загрузок")
        return f"Восстановлено: {plain(title)} — {plain(version_text(chosen))} снова текущая."

    if st.button("Сделать эту версию текущей…", disabled=current is not None and version == current.version,
                 type="primary", key="restore_go"):
        now = (f"Сейчас действует {plain(version_text(current))}." if current else "Сейчас текущей версии нет.")
        confirm.ask("Восстановить версию?", [
            f"Набор: {plain(title)}.",
            f"Станет текущей: {plain(version_text(chosen))}.",
            now,
            *(["Файлы организации перестанут сходиться: список под формой."] if breaks is not None and not breaks.empty
              else []),
            "Показатели на всех страницах будут считаться по восстановленной версии. Текущая версия сохранится "
            "в истории, и её можно будет вернуть так же.",
        ], "Восстановить", restore, refusals=(IngestError,))
