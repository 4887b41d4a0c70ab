"""AppTest of every page on the demo warehouse: it runs without exception, and the numbers it shows
are the query layer's numbers."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard.tables import num, pct
from tests.apptest_login import each_tab, log_in, reader
from warehouse import db, queries, registry, russian

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "dashboard" / "app.py")
PAGES = ["overview", "roadmap", "mentors", "young_teachers", "partners", "events", "monitoring", "uploads"]


@pytest.fixture
def app(demo_db, monkeypatch):
    monkeypatch.setenv(db.ENV_DB, str(demo_db))
    st.cache_resource.clear()
    st.cache_data.clear()

    def run(page: str | None = None, year: int | None = None, org: str | None = None) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        at.run()
        log_in(at, "head", "demo-head-2025")     # the department head reads every page
        if year is not None:
            at.selectbox(key="flt_year").select(year).run()
        if org is not None:
            at.selectbox(key="flt_org").select(org).run()
        if page:
            at.switch_page(str(ROOT / "pages" / f"{page}.py")).run()
        assert not at.exception, [e.message for e in at.exception]
        return at

    yield run
    st.cache_resource.clear()
    st.cache_data.clear()


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_without_exception(app, page):
    at = app(page)
    assert at.title[0].value                      # the page drew its title
    assert not at.error


def test_overview_tiles_match_the_query_layer(app, demo_db):
    at = app("overview", year=2025)
    shown = metrics(at)
    with reader(demo_db) as c:
        city = queries.city_summary(c, registry.org_codes(c), 2025)
    assert shown["Наставников"] == num(city["mentors"])
    assert shown["Охват молодых"] == pct(city["young_coverage_pct"])
    assert shown["Дорожная карта"] == pct(city["done_pct"])
    assert shown["С партнёрами"] == pct(city["orgs_with_partners_pct"])
    captions = " ".join(c.value for c in at.caption)
    with_partners = russian.count(city["orgs_with_partners"], "организация", "организации", "организаций")
    assert f"{with_partners} из {num(city['partners_expected'])}" in captions
    assert f"без отчёта {num(city['items_unreported'])}" in captions
    assert city["organizations"] == 26


def test_filters_narrow_every_figure_to_one_organization(app, demo_db):
    with reader(demo_db) as c:
        code = queries.org_kpi(c, registry.org_codes(c), 2025).dropna(subset=["young_coverage_pct"]).iloc[0]
        city = queries.city_summary(c, {code.org_code}, 2025)
    at = app("young_teachers", year=2025, org=code.org_code)
    shown = metrics(at)
    assert shown["Молодых педагогов"] == num(code.young_teachers) == num(city["young_teachers"])
    assert shown["Охват"] == pct(code.young_coverage_pct)
    uncovered = at.dataframe[0].value
    assert set(uncovered["org_code"]) <= {code.short_name}      # the organization by name on screen


def test_roadmap_page_shows_the_selected_organizations_items(app, demo_db):
    at = app("roadmap", year=2025)
    table = at.dataframe[-1].value                 # the selected organization's items
    assert list(table["item"]) == list(range(1, 12))
    with reader(demo_db) as c:
        first = queries.roadmap(c, registry.org_codes(c), 2025)["org_code"].iloc[0]
        expected = queries.roadmap(c, {first}, 2025)
    assert list(table["status_shown"]) == list(expected["status_shown"])


def test_uncovered_young_teachers_list_matches_the_view(app, demo_db):
    at = app("young_teachers", year=2026)
    with reader(demo_db) as c:
        expected = queries.uncovered_young_teachers(c, registry.org_codes(c), 2026)
    shown = at.dataframe[0].value
    assert len(shown) == len(expected) > 0
    assert sorted(shown["teacher_id"]) == sorted(expected["teacher_id"])


def test_uploads_page_lists_who_must_upload_what(app, demo_db):
    at = app("uploads", year=2026)
    with reader(demo_db) as c:
        missing = queries.missing_uploads(c, registry.org_codes(c), 2026)
    shown = at.dataframe[0].value
    assert list(shown["short_name"]) == list(missing["short_name"])
    assert len(shown) > 0        # the demo has an organization that uploaded nothing for 2026


def test_mentors_and_partners_tiles(app, demo_db):
    with reader(demo_db) as c:
        city = queries.city_summary(c, registry.org_codes(c), 2026)
        partners = queries.partners(c, registry.org_codes(c), 2026)
    assert metrics(app("mentors", year=2026))["Наставников"] == num(city["mentors"])
    shown = metrics(app("partners", year=2026))
    assert shown["Партнёров"] == num(city["partners"]) == num(len(partners))
    assert shown["Партнёров, дающих наставников"] == num((partners["mentors_count"] > 0).sum())


def test_filters_come_from_the_address_and_go_back_to_it(demo_db, monkeypatch):
    """A link with the filters («?year=2025&type=…&org=…») opens the page with them; changing a filter
    writes it back, and a value the user may not see or that does not exist falls back to «Все»."""
    from tests.apptest_login import fresh_caches, log_in

    monkeypatch.setenv(db.ENV_DB, str(demo_db))
    fresh_caches()
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"year": "2025", "type": "дошкольная", "org": "ДС03"})
    at.run()
    log_in(at, "head", "demo-head-2025")
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key="flt_year").value == 2025
    assert at.selectbox(key="flt_type").value == "дошкольная"
    assert at.selectbox(key="flt_org").value == "ДС03"
    assert at.caption[0].value.startswith("2025 год, МАДОУ «Берёзка»")        # the page reads the same filters

    at.selectbox(key="flt_org").select("ДС05").run()
    at.selectbox(key="flt_year").select(2026).run()
    assert at.query_params["org"] == "ДС05" and at.query_params["year"] == "2026"
    at.selectbox(key="flt_type").select("Все").run()                # «Все» leaves the address
    assert "type" not in at.query_params and "org" in at.query_params

    # Another session opens the link it was sent; a code it does not know is ignored, not an error.
    shared = AppTest.from_file(APP, default_timeout=60)
    shared.query_params.update({**at.query_params, "year": "1999"})
    shared.run()
    log_in(shared, "head", "demo-head-2025")
    assert not shared.exception
    assert shared.selectbox(key="flt_org").value == "ДС05"
    assert shared.selectbox(key="flt_year").value == at.selectbox(key="flt_year").value   # 1999: the default

    # A coordinator's link cannot widen their scope: an organization not theirs is dropped.
    coordinator = AppTest.from_file(APP, default_timeout=60)
    coordinator.query_params.update({"org": "ДС05", "year": "2025"})
    coordinator.run()
    log_in(coordinator, "sosh1", "demo-sosh1-2025")
    assert not coordinator.exception
    assert coordinator.selectbox(key="flt_year").value == 2025
    assert "ДС05" not in " ".join(c.value for c in coordinator.caption)
    fresh_caches()


def test_issue_13_figures_on_their_pages_equal_the_query_layer(app, demo_db):
    """Each new figure on its page: pairs, training, partners' mentors, satisfaction, students in mentorship,
    the mentor base on time (Наставники); the contest's counts (Мероприятия); the partners' denominator
    (Партнёры); the previous year's counts (Мониторинг); «без отчёта» in the organization table (Обзор)."""
    from warehouse import russian

    year = 2026
    with reader(demo_db) as c:
        codes = registry.org_codes(c)
        city = queries.city_summary(c, codes, year)
        kpi = queries.org_kpi(c, codes, year)
        base = queries.mentor_base_on_time(c, codes, year)
        students = queries.students_in_mentorship(c, codes, year)
        monitoring = queries.monitoring(c, codes, year)
    shown = metrics(app("mentors", year=year))
    for label, key in (("Пар всего", "pairs"), ("В работе", "pairs_active"), ("Завершено", "pairs_completed"),
                       ("Прервано", "pairs_interrupted"), ("С ППН", "pairs_with_programme"),
                       ("Наставников прошли обучение", "mentors_trained"),
                       ("Наставников от партнёров", "mentors_from_partners")):
        assert shown[label] == num(city[key]), label
    assert city["pairs"] > 0 and city["mentor_base_expected"] > 0
    assert shown["Удовлетворённость пар (1–5)"] == russian.decimal(city["satisfaction_avg"], 2)
    assert shown["Наставляемых среди обучающихся 10–18 лет"] == pct(city["mentee_students_pct"])
    assert shown["Обучающихся-наставников"] == pct(city["mentor_students_pct"])
    assert shown["Загрузили в срок"] == f"{num(city['mentor_base_on_time'])} из {num(city['mentor_base_expected'])}"
    assert shown["С опозданием или нет файла"] == num(city["mentor_base_late"])
    at = app("mentors", year=year)
    frames = [d.value for d in at.dataframe]
    on_screen = next(f for f in frames if "mentor_base_state" in f.columns)
    assert on_screen["mentor_base_state"].tolist() == base["mentor_base_state"].tolist()
    on_screen = next(f for f in frames if "mentor_students_pct_prev" in f.columns)
    assert on_screen["mentee_students_pct"].fillna(-1).tolist() == students["mentee_students_pct"].fillna(-1).tolist()

    shown = metrics(app("events", year=year))
    assert (shown["Участников"], shown["Призёров"], shown["Победителей"]) == (
        num(city["contest_participants"]), num(city["contest_prizewinners"]), num(city["contest_winners"]))
    assert city["contest_participants"] > 0                  # 2026 is a contest year in the demo

    shown = metrics(app("partners", year=year))
    assert shown["Организаций с партнёрами"] == f"{num(city['orgs_with_partners'])} из {num(city['partners_expected'])}"
    assert city["partners_expected"] == city["organizations"] - 1   # the department owes no partners

    at = app("monitoring", year=year)
    assert len(at.dataframe) == 1                             # only the open tab's table is made
    frames = []
    for _ in each_tab(at):                                    # one table per topic, each in its tab
        assert not at.exception and len(at.dataframe) == 1
        frames.append(at.dataframe[0].value)
    assert len({tuple(f.columns) for f in frames}) == 6
    young = next(f for f in frames if "young_covered_prev" in f.columns)
    assert young["young_covered_prev"].fillna(-1).tolist() == monitoring["young_covered_prev"].fillna(-1).tolist()
    assert young["young_teachers_prev"].fillna(-1).tolist() == monitoring["young_teachers_prev"].fillna(-1).tolist()
    assert all(len(f.columns) <= 11 for f in frames)         # readable on screen

    at = app("overview", year=year)
    table = next(d.value for d in at.dataframe if "items_unreported" in d.value.columns)
    assert table["items_unreported"].fillna(-1).tolist() == kpi["items_unreported"].fillna(-1).tolist()


REGION = """Код ОО;Полное наименование;Краткое наименование;Тип ОО;Муниципалитет
К1;Школа 1 Когалыма;Когалым СОШ1;общеобразовательная;Когалым
К2;Детский сад 2 Когалыма;Когалым ДС2;дошкольная;Когалым
Л1;Школа 1 Лангепаса;Лангепас СОШ1;общеобразовательная;Лангепас
Л2;Школа 2 Лангепаса;Лангепас СОШ2;общеобразовательная;Лангепас
Л3;Детский сад 3 Лангепаса;Лангепас ДС3;дошкольная;Лангепас
"""


def test_municipality_and_type_narrow_the_organization_list(tmp_path, monkeypatch):
    """A registry of two municipalities: the municipality filter appears, and the type and organization
    lists hold what is left; above ``ORG_CHOICES_MAX`` the organization list is closed with a hint."""
    from dashboard import data
    from ingest.load import load_file
    from tests.apptest_login import fresh_caches, log_in, start
    from warehouse import accounts

    path = tmp_path / "region.duckdb"
    conn = db.connect(path)
    assert load_file(conn, REGION.encode(), "organizations.csv", "organizations", user="test").outcome == "loaded"
    accounts.create_user(conn, "head", "Руководитель", accounts.HEAD, "head-password-1")
    conn.close()
    fresh_caches()
    at = log_in(start(path, monkeypatch), "head", "head-password-1")
    assert not at.exception
    assert at.selectbox(key="flt_muni").options == ["Все", "Когалым", "Лангепас"]
    assert len(at.selectbox(key="flt_org").options) == 6                 # «Все» and five organizations
    at.selectbox(key="flt_muni").select("Лангепас").run()
    assert at.selectbox(key="flt_type").options == ["Все", "детский сад", "школа"]
    assert at.selectbox(key="flt_org").options == ["Все", "Лангепас ДС3 (Л3)", "Лангепас СОШ1 (Л1)", "Лангепас СОШ2 (Л2)"]
    at.selectbox(key="flt_type").select("общеобразовательная").run()
    assert at.selectbox(key="flt_org").options == ["Все", "Лангепас СОШ1 (Л1)", "Лангепас СОШ2 (Л2)"]
    at.selectbox(key="flt_org").select("Л2").run()
    f = at.session_state["filters"]
    assert f.scope == ("Л2",) and f.label == f"{f.year} год, Лангепас СОШ2"
    at.selectbox(key="flt_muni").select("Когалым").run()                 # Л2 is not in Когалым: back to «Все»
    f = at.session_state["filters"]
    assert f.org_code is None and f.scope == ("К1",)                     # Когалым has no second school
    assert f.label == f"{f.year} год, Когалым, школа"
    assert not at.exception

    monkeypatch.setattr(data, "ORG_CHOICES_MAX", 3)
    fresh_caches()
    at.selectbox(key="flt_muni").select("Все")
    at.selectbox(key="flt_type").select("Все").run()
    org = at.selectbox(key="flt_org")
    assert org.disabled and org.options == ["Все"] and "Организаций: 5" in org.help
    assert at.session_state["filters"].scope == ("К1", "К2", "Л1", "Л2", "Л3")
    at.selectbox(key="flt_muni").select("Лангепас").run()
    assert not at.selectbox(key="flt_org").disabled                     # three are few enough to list
    fresh_caches()


def test_exports_page_builds_the_pack_with_progress_and_logs_it(app, demo_db):
    import io

    import openpyxl

    from warehouse import accounts

    at = app("exports", year=2025)
    assert "pack_download" not in [b.key for b in at.get("download_button")]      # nothing built yet
    next(b for b in at.button if b.key == "pack_build").click().run()
    assert not at.exception, [e.message for e in at.exception]
    (status,) = [s for s in at.status if s.label.startswith("Пакет к совещанию готов")]
    assert status.state == "complete"
    kept = at.session_state["meeting_pack"]
    assert kept["file"].startswith("paket_k_soveshchaniyu_vse_organizatsii_2025_")
    book = openpyxl.load_workbook(io.BytesIO(kept["data"]))
    assert book["Сводка"]["A1"].value == "Сводка: 2025 год, все организации"
    assert "pack_download" in [b.key for b in at.get("download_button")]
    with reader(demo_db) as cur:
        log = accounts.audit_log(cur)
    assert log.iloc[0]["action"] == "export" and kept["file"] in log.iloc[0]["detail"]


def test_exports_page_publishes_only_consenting_mentors(app, demo_db):
    at = app("exports", year=2025)
    with reader(demo_db) as cur:
        codes = registry.org_codes(cur)
        base = queries.public_mentor_base(cur, codes, 2025)
        summary = queries.public_mentor_base_summary(cur, codes, 2025)
        hidden = set(cur.execute("""
            select o.short_name, m.full_name from stg_mentors m join organizations o using (org_code)
            where m.year = 2025 and not coalesce(m.consent, false)""").fetchall())
    assert summary["not_shown"] == len(hidden) > 0 and summary["shown"] == len(base) > 0
    shown = at.dataframe[-1].value
    pairs = set(zip(shown["organization"], shown["full_name"], strict=True))
    assert pairs == set(zip(base["organization"], base["full_name"], strict=True)) and not pairs & hidden
    assert any(f"без согласия на размещение сведений (152-ФЗ, ст. 10.1): {num(len(hidden))}" in c.value
               for c in at.caption)
    next(b for b in at.button if b.key == "public_build").click().run()
    assert not at.exception, [e.message for e in at.exception]
    kept = at.session_state["public_base"]
    assert [s.state for s in at.status] == ["complete"]
    assert kept["files"]["page"].startswith("baza_nastavnikov_vse_organizatsii_2025_")
    assert kept["fragment"] in kept["page"] and "<!DOCTYPE html>" in kept["page"]
    assert kept["page"].count("<tr><td>") == len(base)                      # one row per consenting mentor
    with reader(demo_db) as cur:
        from warehouse import accounts

        assert "база наставников для сайта" in accounts.audit_log(cur).iloc[0]["detail"]
