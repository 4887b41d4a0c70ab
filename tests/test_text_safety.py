"""Issue 15: text that people uploaded is shown as text, a CSV of the command line holds no live formula,
the city beside one organization is k-anonymous, a bad file name or a failed write is said in Russian,
and a page that fails shows no traceback.

The warehouse here is hostile on purpose: every text a file or a user can write — organization and
municipality names, file names, roadmap comments, event titles, partner names, full names of accounts —
is a payload of Markdown, HTML, an image, Streamlit's ``:red[…]`` and LaTeX. Each page, for the
administrator and for the coordinator, is run through AppTest and every element that Streamlit renders as
Markdown is read: none may carry the payload unescaped (a live link, an image, bold, colour, a formula).
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from streamlit import config as streamlit_config
from streamlit.testing.v1 import AppTest

from dashboard.text import plain
from ingest import load, service
from ingest.load import load_file
from tests.apptest_login import ROOT, each_tab, fresh_caches, log_in, open_page, start
from warehouse import accounts, db, queries, snapshots

PAYLOAD = ("[СРОЧНО: войдите заново](http://evil.example/phish) ![i](http://evil.example/i.png) **жирно** "
           ":red[красное] $x^2$ <b>html</b> &amp; www.evil.example")
# What each construct looks like when Markdown would act on it. Escaped, the text keeps the characters
# with a backslash before each, and none of these survives once the escapes are taken out.
LIVE = ["](", "![", "**жирно**", ":red[", "$x^2$", "<b>", "&amp;", "www.evil", "http://evil"]
FORMULA = '=HYPERLINK("http://evil.example","Нажмите")'
YEAR = 2025
PASSWORDS = {"adm": "adm-password-2025", "koord": "koord-password-2025"}


def _csv(rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    return out.getvalue().encode("utf-8")


def _ok(conn, data: bytes, dataset: str, org: str | None, year: int | None, name: str = "файл.csv") -> None:
    result = load_file(conn, data, name, dataset, org, year, user="t")
    assert result.outcome == "loaded", result.prepared.report.to_text()


def build(path: Path) -> Path:
    """H1 carries the payload everywhere; N2 reports the same files with plain text; N3–N5 report only
    their roadmaps; F6 is named as a formula. A coordinator of H1 then has 4 other organizations behind
    the city's roadmap share and 1 behind its partners."""
    conn = db.connect(path)
    _ok(conn, _csv([["Код ОО", "Полное наименование", "Краткое наименование", "Тип ОО", "Муниципалитет"],
                    ["H1", f"{PAYLOAD} (полное)", PAYLOAD, "общеобразовательная", "Когалым"],
                    ["N2", "Школа 2", "Школа 2", "общеобразовательная", "Когалым"],
                    *[[f"N{i}", f"Школа {i}", f"Школа {i}", "общеобразовательная", "Когалым"] for i in (3, 4, 5)],
                    ["F6", FORMULA, FORMULA, "общеобразовательная", "Когалым"]]), "organizations", None, None)
    for org, text in (("H1", PAYLOAD), ("N2", "Обычный текст")):
        name = f"{text}.csv"
        _ok(conn, _csv([["Пункт", "Статус", "Дата выполнения", "Ссылка на результат", "Комментарий"],
                        [1, "выполнено", "15.03.2025", "https://x.example/1", text], [2, "в работе", "", "", text]]),
            "roadmap", org, YEAR, name)
        _ok(conn, _csv([["Наименование", "Тип партнёра", "Наставников от партнёра"], [text, "вуз", 2]]),
            "partners", org, YEAR, name)
        _ok(conn, _csv([["Дата", "Название", "Уровень", "Вид", "Роль"],
                        ["10.03.2025", text, "региональный", "представление практики", "участник"]]),
            "events", org, YEAR, name)
    for org in ("N3", "N4", "N5"):
        _ok(conn, _csv([["Пункт", "Статус", "Дата выполнения"], [1, "выполнено", "15.03.2025"], [2, "в работе", ""]]),
            "roadmap", org, YEAR)
    accounts.create_user(conn, "adm", f"Админ {PAYLOAD}", accounts.ADMIN, PASSWORDS["adm"])
    accounts.create_user(conn, "koord", f"Коорд {PAYLOAD}", accounts.COORDINATOR, PASSWORDS["koord"], "H1")
    conn.close()
    return path


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("hostile") / "w.duckdb")


# ---------------------------------------------------------------------------------------------
# The escaping helper


@pytest.mark.parametrize("text", [PAYLOAD, "# Заголовок", "1. список", "- список", "> цитата", "| a | b |",
                                  "a@b.ru", "`код`", "~~зачёркнуто~~", "_курсив_", ":material/home:", "\\*"])
def test_plain_leaves_no_markdown_alive(text):
    shown = plain(text)
    resolved = re.sub(r"\\(.)", r"\1", shown)                      # what Markdown makes of the escapes
    assert resolved.replace("\u2060", "") == text                    # the same characters, and invisible joiners
    bare = re.sub(r"\\.", "", shown)
    assert not any(live in bare for live in LIVE)
    assert not re.search(r"[#>|`~_*\[\]<>$&@:]", bare)            # no construct opens outside an escape


@pytest.mark.parametrize(("text", "resolved"), [
    ("http://evil.example/x", "http:\u2060//evil.example/x"), ("HTTPS://e.ru", "HTTPS:\u2060//e.ru"),
    ("WWW.evil.example", "WWW\u2060.evil.example"), ("a@b.ru", "a@\u2060b.ru"), (":smile:", ":\u2060smile:\u2060"),
])
def test_plain_breaks_the_links_and_shortcodes_found_after_the_escapes(text, resolved):
    # GFM finds bare links, and Streamlit emoji and icons, in the text once the escapes are resolved (seen in
    # Chromium): a word joiner, invisible, breaks each pattern.
    assert re.sub(r"\\(.)", r"\1", plain(text)) == resolved


def test_plain_keeps_text_on_one_line():
    assert plain("строка\n\n    код\r\n# заголовок") == "строка     код \\# заголовок"
    assert plain("Школа № 1, Когалым; «А»") == "Школа № 1, Когалым; «А»"  # readable where nothing opens


# ---------------------------------------------------------------------------------------------
# Every page, every Markdown element

TEXT_ELEMENTS = {"markdown", "caption", "title", "header", "subheader", "info", "success", "warning", "error",
                 "toast"}


def markdown_texts(at: AppTest) -> list[tuple[str, str]]:
    """(element type, text) of everything on the page that Streamlit renders as Markdown: the text
    elements and alerts, and the label and help of every element (widgets, expanders, tabs, metrics)."""
    found: list[tuple[str, str]] = []

    def walk(node) -> None:
        kind = getattr(node, "type", "")
        for attr in ("label", "help") + (("value",) if kind in TEXT_ELEMENTS else ()):
            try:
                value = getattr(node, attr)
            except Exception:   # an attribute that this element does not have
                continue
            if isinstance(value, str) and value:
                found.append((f"{kind}.{attr}", value))
        children = getattr(node, "children", None)
        for child in (children.values() if isinstance(children, dict) else []):
            walk(child)

    walk(at._tree)
    return found


def frames_text(at: AppTest) -> str:
    return "\n".join(df.value.astype(str).to_csv() for df in at.dataframe)


def assert_shown_as_text(at: AppTest, page: str) -> int:
    """No Markdown element of the page renders the payload; returns how many show it escaped."""
    assert not at.exception, [e.message for e in at.exception]
    shown = 0
    for kind, text in markdown_texts(at):
        bare = re.sub(r"\\.", "", text)
        live = [x for x in LIVE if x in bare]
        assert not live, f"{page}: {kind} renders {live}: {text[:300]!r}"
        shown += plain(PAYLOAD) in text
    return shown


@pytest.fixture
def app(hostile_db, monkeypatch):
    fresh_caches()

    def run(login: str, org: str | None = None) -> AppTest:
        at = start(hostile_db, monkeypatch)
        log_in(at, login, PASSWORDS[login])
        at.selectbox(key="flt_year").select(YEAR).run()
        if org:
            at.selectbox(key="flt_org").select(org).run()
        return at

    yield run
    fresh_caches()


ADMIN_PAGES = ["overview", "roadmap", "mentors", "young_teachers", "partners", "events", "monitoring", "uploads",
               "exports", "history", "upload", "admin", "audit"]


@pytest.mark.parametrize("org", [None, "H1"])
def test_every_page_of_the_administrator_shows_uploaded_text_as_text(app, org):
    at = app("adm", org)
    escaped, in_tables = {}, {}
    for page in ADMIN_PAGES:
        open_page(at, page)
        escaped[page] = assert_shown_as_text(at, page)
        in_tables[page] = PAYLOAD in frames_text(at)
        for tab in each_tab(at):                     # the tables of the tabs not open at first
            escaped[page] += assert_shown_as_text(at, f"{page}, «{tab}»")
            in_tables[page] |= PAYLOAD in frames_text(at)
    # The payload was on the pages — escaped in Markdown, as it is in tables — so the check saw it.
    assert escaped["admin"] and in_tables["admin"]                   # the caption of the account; the registry
    # (the roadmap's table is of one organization: the first by name, F6, unless H1 is chosen)
    assert all(in_tables[p] for p in ("events", "partners", "history", *(("roadmap",) if org else ()))), in_tables
    if org:
        assert escaped["overview"] and escaped["roadmap"]             # the filters' caption, the subheader
        open_page(at, "roadmap")
        assert at.subheader[0].value == plain(PAYLOAD)


def test_a_chosen_upload_of_the_history_names_its_file_as_text(app, hostile_db):
    at = app("adm")
    open_page(at, "history")
    log = at.dataframe[0].value
    row = next(i for i, name in enumerate(log["file_name"]) if name == f"{PAYLOAD}.csv")
    from dashboard.state import connection

    with connection(str(hostile_db)).cursor() as cur:       # the table is keyed by the newest upload
        newest = cur.execute("select max(upload_id) from uploads").fetchone()[0]
    at.session_state[f"history_{newest}"] = {"selection": {"rows": [row], "columns": [], "cells": []}}   # a click
    at.run()
    assert_shown_as_text(at, "history")
    [chosen] = [h.value for h in at.subheader if h.value.startswith("Загрузка №")]
    assert chosen.endswith(f": {plain(PAYLOAD + '.csv')}")


def test_the_administrators_confirmation_names_the_organization_as_text(app):
    at = app("adm")
    open_page(at, "admin")
    n = at.session_state["admin_nonce"]
    at.text_input(key=f"new_login_{n}").input("koord2")
    at.text_input(key=f"new_name_{n}").input(f"Второй {PAYLOAD}")
    at.selectbox(key=f"new_role_{n}").select(accounts.COORDINATOR)
    at.selectbox(key=f"new_org_{n}").select("H1")
    at.text_input(key=f"new_pw1_{n}").input("koord2-password-2025")
    at.text_input(key=f"new_pw2_{n}").input("koord2-password-2025")
    next(b for b in at.button if b.label == "Создать").click().run()
    [done] = at.success
    assert done.value == f"Учётная запись создана: koord2 (Ответственный ОО, {plain(PAYLOAD)} (H1))."
    assert_shown_as_text(at, "admin")


def test_every_page_of_the_coordinator_shows_uploaded_text_as_text(app):
    at = app("koord")
    for page in ["overview", "roadmap", "mentors", "young_teachers", "partners", "events", "monitoring", "uploads",
                 "exports", "history", "upload"]:
        open_page(at, page)
        assert_shown_as_text(at, page)
    captions = [c.value for c in at.sidebar.caption]
    assert f"Организация: **{plain(PAYLOAD)}**" in captions                  # the organization, bold around it
    assert any(c.startswith(f"**Коорд {plain(PAYLOAD)}**") for c in captions)  # the account's full name


def test_an_uploaded_file_name_is_shown_as_text_on_the_upload_page(app, hostile_db):
    at = app("koord")
    open_page(at, "upload")
    at.selectbox(key="upload_dataset").select("partners").run()
    at.file_uploader[0].set_value((f"{PAYLOAD}.csv", "Наименование;Тип партнёра\nВуз;вуз\n".encode(), "text/csv")).run()
    assert assert_shown_as_text(at, "upload") >= 2                  # the expander «Что найдено…», «Что изменится»
    assert any(e.label == f"Что найдено в файле «{plain(PAYLOAD + '.csv')}»" for e in at.expander)


# ---------------------------------------------------------------------------------------------
# File names that no disk makes: a Russian message, the attempt logged, nothing written


@pytest.mark.parametrize(("name", "says", "logged"), [
    ("П-9\x00X.csv", "В имени файла невидимый управляющий символ \\x00", "П-9\\x00X.csv"),
    ("я" * 3000 + ".csv", "Имя файла слишком длинное: 3 004 символов при допустимых 255", "я" * 254 + "…"),
])
def test_a_forged_file_name_is_refused_in_russian(app, hostile_db, name, says, logged):
    at = app("koord")
    open_page(at, "upload")
    at.selectbox(key="upload_dataset").select("partners").run()
    at.file_uploader[0].set_value((name, "Наименование;Тип партнёра\nВуз;вуз\n".encode(), "text/csv")).run()
    assert not at.exception, [e.message for e in at.exception]     # before: StreamlitAPIException (NUL)
    errors = [e.value for e in at.error]
    assert any(says in re.sub(r"\\(.)", r"\1", e).replace("\u2060", "") for e in errors), errors
    assert not any(b.key == "upload_confirm" for b in at.button)      # nothing to confirm
    from dashboard.state import connection

    with connection(str(hostile_db)).cursor() as cur:
        row = cur.execute("select file_name, outcome from uploads where org_code = 'H1' and dataset = 'partners' "
                          "order by upload_id desc limit 1").fetchone()
        audit = cur.execute("select detail from audit_log where action = 'upload_rejected' order by logged_at desc "
                            "limit 1").fetchone()[0]
    assert row == (logged, "rejected")
    assert logged[:100] in audit and "\x00" not in audit


def test_a_forged_file_name_is_refused_by_the_command_line_loader_too(tmp_path):
    conn = db.connect(build(tmp_path / "w.duckdb"))
    result = load_file(conn, "Наименование;Тип партнёра\nВуз;вуз\n".encode(), "a\x00b.csv", "partners", "N2", YEAR,
                       user="t")
    assert result.outcome == "rejected" and result.prepared.error.code == "bad-file-name"
    assert conn.execute("select file_name from uploads order by upload_id desc limit 1").fetchone()[0] == "a\\x00b.csv"
    conn.close()


# ---------------------------------------------------------------------------------------------
# «Город в целом» beside one organization: only with at least 3 other organizations behind a figure


def test_city_beside_counts_the_other_organizations_behind_each_figure(hostile_db):
    conn = duckdb.connect(str(hostile_db), read_only=True)
    try:
        town = queries.city_totals(conn, YEAR)
        own = queries.city_summary(conn, ["H1"], YEAR)
        # Roadmaps: H1, N2, N3, N4, N5 -> 4 others; partners: H1, N2 -> 1; mentors and coverage: none.
        assert queries.city_beside(town, own) == {"done_pct": 4, "mentors": 0, "young_coverage_pct": 0,
                                                  "orgs_with_partners": 1}
        assert queries.city_beside(town, queries.city_summary(conn, ["F6"], YEAR))["done_pct"] == 5
    finally:
        conn.close()


def test_the_coordinator_sees_only_the_city_figures_with_three_other_organizations_behind(app):
    at = app("koord")
    [city] = [c.value for c in at.caption if "Город в целом" in c.value]
    assert city.startswith("**Город в целом:** дорожная карта выполнена на ")
    assert ("Не показано (по этим данным отчитались меньше 3 других организаций, и по городу можно было бы "
            "узнать показатели одной из них): наставники, охват молодых педагогов, партнёры.") in city
    assert "организаций с партнёрами" not in city and "наставников" not in city


def test_the_department_sees_the_whole_city_beside_one_organization(app):
    at = app("adm", "H1")
    [city] = [c.value for c in at.caption if "Город в целом" in c.value]
    assert "Не показано" not in city and "организаций с партнёрами 2 из 6" in city


# ---------------------------------------------------------------------------------------------
# The command line's CSV


def test_the_command_line_kpi_csv_holds_no_live_formula(tmp_path):
    path = build(tmp_path / "w.duckdb")
    done = subprocess.run([sys.executable, "-m", "warehouse", "kpi", "--year", str(YEAR), "--format", "csv",
                           "--db", str(path)], capture_output=True, text=True, encoding="utf-8", cwd=ROOT,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(done.stdout.lstrip("\ufeff")), delimiter=";"))
    by_code = {r[0]: r for r in rows[1:]}
    assert by_code["F6"][1] == "'" + FORMULA                                   # inert, as the app's exports
    assert by_code["H1"][1] == PAYLOAD                                         # other text as it is
    cells = [c for r in rows for c in r]
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]
    assert not [c for c in cells if c.startswith("-") and not re.fullmatch(r"-\d+(,\d+)?", c)]


# ---------------------------------------------------------------------------------------------
# A write that fails: the disk is full


_FULL_DISK = """
import json, os, resource, signal, sys
from ingest import service
from ingest.errors import WriteFailed
from warehouse import db
from warehouse.accounts import User
conn = db.connect(sys.argv[1])
conn.execute("checkpoint")
# The file size limit stands for a full disk: DuckDB's writes past it fail with EFBIG, as with ENOSPC.
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (1_000_000, resource.RLIM_INFINITY))
user = User("koord", "Коорд", "coordinator", "H1")
rows = "\\n".join(f"Вуз {i};вуз" for i in range(30000))
p = service.preview(conn, user, ("Наименование;Тип партнёра\\n" + rows + "\\n").encode(), "partners.csv", "partners",
                    "H1", 2025, max_bytes=10**7)
assert p.accepted, p.report.to_text()
try:
    service.confirm(conn, user, p, removals_confirmed=True, page="Загрузка данных")
    out = {"written": True}
except WriteFailed as exc:
    out = {"code": exc.code, "message": exc.message}
# Now no byte more may be written: a restore fails, and so does its audit line.
resource.setrlimit(resource.RLIMIT_FSIZE, (0, resource.RLIM_INFINITY))
admin = User("adm", "Админ", "admin", None)
try:
    service.restore(conn, admin, "partners", "H1", 2025, 1, page="История загрузок")
    out["restored"] = True
except WriteFailed as exc:
    out["restore_message"] = exc.message
out["peak_mb"] = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:")) / 1024
try:
    conn.close()
except Exception:
    pass
print(json.dumps(out, ensure_ascii=False))
"""


def test_a_full_disk_is_said_in_russian_and_the_attempt_is_logged(tmp_path):
    path = build(tmp_path / "w.duckdb")
    before = duckdb.connect(str(path), read_only=True)
    partners = before.execute("select count(*) from raw_partners").fetchone()[0]
    before.close()
    done = subprocess.run([sys.executable, "-c", _FULL_DISK, str(path)], capture_output=True, text=True,
                          cwd=ROOT, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out.get("code") == "write-failed", out
    assert out["message"].startswith("Файл не записан: на диске сервера не хватило места для хранилища")
    assert "Хранилище не изменено. Попытка записана в историю загрузок." in out["message"]
    assert out["restore_message"].startswith("Версия не восстановлена: ошибка записи в хранилище на сервере")
    assert "Записать попытку в журнал аудита тоже не удалось: она есть в журнале сервера." in out["restore_message"]
    assert out["peak_mb"] < 600
    assert "Upload not written" in done.stderr and "File too large" in done.stderr   # the server's log
    assert "Restore not written" in done.stderr

    after = duckdb.connect(str(path), read_only=True)
    try:
        assert after.execute("select count(*) from raw_partners").fetchone()[0] == partners
        log = after.execute("select outcome, file_name from uploads order by upload_id desc limit 1").fetchone()
        assert log == ("failed", "partners.csv")
        issue = after.execute("select message from upload_issues order by upload_id desc limit 1").fetchone()[0]
        assert issue.startswith("Файл не записан: на диске сервера не хватило места")
        audit = after.execute("select login, action, detail from audit_log order by logged_at desc limit 1").fetchone()
        assert audit[:2] == ("koord", "upload_failed") and "partners H1 2025: «partners.csv»" in audit[2]
    finally:
        after.close()


# ---------------------------------------------------------------------------------------------
# A read refused by the reader is an attempt too: upload log and audit log


def test_an_unclosed_quote_is_refused_and_logged_as_an_attempt(tmp_path):
    conn = db.connect(build(tmp_path / "w.duckdb"))
    user = accounts.User("koord", "Коорд", accounts.COORDINATOR, "H1")
    data = ("Наименование;Тип партнёра\r\n\"Вуз;вуз\r\n" + "Вуз;вуз\r\n" * 20_000).encode("cp1251")
    p = service.preview(conn, user, data, "кавычка.csv", "partners", "H1", YEAR, max_bytes=load.APP_MAX_BYTES)
    assert p.error is not None and p.error.code == "unreadable-file" and "кавычка" in p.error.message
    service.log_refusal(conn, user, p, page="Загрузка данных")
    upload_id, outcome = conn.execute("select upload_id, outcome from uploads order by upload_id desc limit 1").fetchone()
    assert outcome == "rejected"
    assert "кавычка" in conn.execute("select message from upload_issues where upload_id = ?", [upload_id]).fetchone()[0]
    action = conn.execute("select action, detail from audit_log order by logged_at desc limit 1").fetchone()
    assert action[0] == "upload_rejected" and "«кавычка.csv»" in action[1]
    assert snapshots.current(conn, "partners", "H1", YEAR).file_name != "кавычка.csv"
    conn.close()


# ---------------------------------------------------------------------------------------------
# A page that fails: no traceback for users, all of it for developers and tests


def _failing_page():
    from dashboard import guard

    with guard.failures():
        {}["нет такого ключа"]


@pytest.fixture
def production_errors():
    """``client.showErrorDetails`` as ``.streamlit/config.toml`` serves the app, for one test."""
    streamlit_config.set_option("client.showErrorDetails", "none")
    yield
    streamlit_config.set_option("client.showErrorDetails", "full")


def test_the_served_config_shows_no_error_details():
    text = (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert re.search(r'^\[client\][^\[]*^showErrorDetails = "none"$', text, re.M | re.S)


def test_a_failing_page_says_so_in_russian_and_logs_the_traceback(production_errors, caplog):
    from dashboard import guard

    guard.LOG.addHandler(caplog.handler)      # Streamlit's loggers do not propagate to the root logger
    try:
        at = AppTest.from_function(_failing_page).run()
    finally:
        guard.LOG.removeHandler(caplog.handler)
    assert not at.exception
    [error] = at.error
    assert error.value.startswith("Не удалось показать страницу: внутренняя ошибка приложения. Подробности "
                                  "записаны в журнал сервера.")
    assert "KeyError" not in error.value and "Traceback" not in error.value and ".py" not in error.value
    code = re.search(r"код ошибки ([0-9a-f]{6})", error.value).group(1)
    logged = caplog.text
    assert f"Page failed (code {code})" in logged and "KeyError: 'нет такого ключа'" in logged


def test_a_failing_page_shows_the_exception_to_developers_and_tests():
    at = AppTest.from_function(_failing_page).run()
    assert [e.message for e in at.exception] == ["'нет такого ключа'"]
