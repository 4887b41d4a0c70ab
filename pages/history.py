"""История загрузок: every upload attempt in scope, its problems, and (administrator) restoring a version."""

import streamlit as st

from dashboard import auth, filters, tables
from dashboard.state import cursor
from ingest import service
from ingest.errors import IngestError
from ingest.schemas import DATASET_TITLES
from warehouse import snapshots
from warehouse.labels import OUTCOMES

f = filters.current()
user = auth.current()
st.title("История загрузок")
st.caption("Все попытки загрузки, в том числе отклонённые. Более ранние версии сохраняются"
           + (" и могут быть восстановлены ниже." if user.is_admin else "; восстановить версию может администратор."))

with cursor() as cur:
    log = snapshots.upload_log(cur, list(f.scope), limit=1000)
log = log.assign(dataset_title=log["dataset"].map(DATASET_TITLES), outcome_title=log["outcome"].map(OUTCOMES),
                 org_code=log["org_code"].replace({snapshots.REGISTRY_ORG: "реестр"}))
event = tables.show(log, ["uploaded_at", "org_code", "dataset_title", "year", "outcome_title", "version", "rows",
                          "error_count", "warning_count", "file_name", "uploaded_by"],
                    height=380, key="history", on_select="rerun", selection_mode="single-row", name="История загрузок")
rows = event.selection.rows if event else []
if rows:
    picked = log.iloc[rows[0]]
    st.subheader(f"Загрузка № {picked.upload_id}: {picked.file_name}")
    with cursor() as cur:
        problems = snapshots.issues_of(cur, int(picked.upload_id))
    if problems.empty:
        st.success("Ошибок и предупреждений нет.")
    else:
        tables.show(problems, ["severity", "row_no", "column_title", "value", "expected", "message"], name="Ошибки загрузки")
else:
    st.caption("Выберите строку, чтобы увидеть ошибки и предупреждения этой загрузки.")

if user.is_admin:
    st.subheader("Восстановить версию")
    loaded = log[log["outcome"] == "loaded"]
    if loaded.empty:
        st.info("Нет принятых загрузок.")
    else:
        targets = loaded.drop_duplicates(["org_code", "dataset", "year"])
        labels = {i: f"{r.org_code} · {r.dataset_title} · {r.year}" for i, r in targets.iterrows()}
        choice = st.selectbox("Снимок (организация · набор · год)", list(labels), format_func=labels.get)
        target = targets.loc[choice]
        org = snapshots.REGISTRY_ORG if target.org_code == "реестр" else target.org_code
        with cursor() as cur:
            versions = snapshots.versions(cur, target.dataset, org, int(target.year))
        options = [int(v) for v in versions["version"]]
        current = int(versions.loc[versions["is_current"], "version"].iloc[0]) if versions["is_current"].any() else None
        version = st.selectbox("Версия", options, format_func=lambda v: f"версия {v}" + (" (текущая)" if v == current
                                                                                          else ""))
        if version != current and target.dataset in ("staff", "mentors", "mentorships"):
            with cursor() as cur:
                breaks = snapshots.links_broken_by_restore(cur, target.dataset, org, int(target.year), version)
            if not breaks.empty:
                st.warning("После восстановления файлы организации перестанут сходиться: файл называет ID, "
                           "которых не будет в другом файле. Такие наставники не будут учитываться среди "
                           "педагогов-наставников, пока файлы не исправлены.")
                tables.show(breaks, ["dataset_title", "column_title", "target_title", "ids_missing", "missing_ids"],
                            name="Что перестанет сходиться")
        if st.button("Сделать эту версию текущей", disabled=version == current, type="primary"):
            try:
                with cursor() as cur:
                    service.restore(cur, user, target.dataset, org, int(target.year), version,
                                    page="История загрузок")
            except IngestError as exc:      # permission-denied, version-not-found: said as they are
                st.error(exc.message)
            else:
                st.success(f"Версия {version} снова текущая.")
                st.rerun()
