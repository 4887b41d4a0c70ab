"""A login that survives a reload and a new tab (the HttpOnly cookie), a shared link that opens after
logging in, logout clearing the menu and the cookie, and an account disabled by the administrator
ending its other tab's session (issues 15 and 16)."""

from __future__ import annotations

import re
import urllib.error
import urllib.request

import pytest

from tests.browser.ui import choose, log_in, main_text, nav_titles, open_page, settle

COOKIE = "mentorship_session"


def heading(page) -> str:
    return page.get_by_role("heading", level=1).first.inner_text()


def wait_menu(page) -> None:
    page.get_by_test_id("stSidebarNav").wait_for(timeout=60_000)
    settle(page)


def log_out_in_another_tab(page) -> None:
    """«Выйти» in a new tab of the same browser (the same cookie, so the same session)."""
    other = page.context.new_page()
    other.goto(page.base + "/")
    other.get_by_role("button", name="Выйти").click()
    other.get_by_role("heading", name="Вход").wait_for(timeout=30_000)
    other.close()


def session_cookie(context):
    return next((c for c in context.cookies() if c["name"] == COOKIE), None)


def test_reload_and_a_new_tab_keep_the_user_and_the_page(page):
    log_in(page, "head", "demo-head-2025")
    open_page(page, "Молодые педагоги")
    cookie = session_cookie(page.context)
    assert cookie and cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert cookie["value"] not in page.url and page.evaluate("document.cookie").find(COOKIE) < 0
    page.reload()
    wait_menu(page)
    assert re.search(r"/young", page.url) and heading(page) == "Молодые педагоги"
    assert "Руководитель" in page.get_by_test_id("stSidebar").inner_text()
    page.shots("reloaded")
    tab = page.context.new_page()
    tab.goto(page.base + "/mentors")
    wait_menu(tab)
    assert heading(tab) == "Наставники" and "Обзор" in nav_titles(tab)
    tab.screenshot(path=page.shots.folder / "new-tab.png", full_page=True)


def test_a_shared_link_opens_after_logging_in(page):
    log_in(page, "head", "demo-head-2025", path="/young?year=2025")
    assert "/young" in page.url and "year=2025" in page.url
    assert heading(page) == "Молодые педагоги"
    page.shots("shared-link")


def test_logout_clears_the_menu_and_the_cookie(page):
    log_in(page, "sosh1", "demo-sosh1-2025")
    assert session_cookie(page.context)
    page.get_by_role("button", name="Выйти").click()
    page.get_by_role("heading", name="Вход").wait_for(timeout=30_000)
    settle(page)
    assert page.get_by_test_id("stSidebarNav").count() == 0
    sidebar = page.get_by_test_id("stSidebar")
    assert sidebar.count() == 0 or "Выйти" not in sidebar.inner_text()
    for _ in range(20):                         # the page posts the logout to the server right after the run
        if session_cookie(page.context) is None:
            break
        page.wait_for_timeout(250)
    assert session_cookie(page.context) is None
    page.shots("logged-out")
    page.reload()
    page.get_by_label("Пароль").wait_for(timeout=60_000)
    settle(page)
    assert page.get_by_test_id("stSidebarNav").count() == 0


def test_disabling_the_account_ends_its_other_tab(page, browser):
    log_in(page, "tabtest", "tab-test-2025")
    assert "Обзор" in nav_titles(page)
    admin_context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="ru-RU")
    try:
        admin = admin_context.new_page()
        admin.base = page.base
        log_in(admin, "admin", "demo-admin-2025")
        open_page(admin, "Организации и пользователи")
        admin.get_by_role("tab", name="Действующая учётная запись").click()
        settle(admin)
        choose(admin, "Учётная запись", "tabtest — Проверка сеансов")
        admin.get_by_role("button", name=re.compile(r"^Отключить учётную запись")).click()
        settle(admin)
        dialog = admin.get_by_role("dialog")
        if dialog.count():                      # the administrator confirms in a dialog
            dialog.get_by_role("button", name="Отключить", exact=True).click()
            settle(admin)
        admin.get_by_text(re.compile("tabtest отключена")).first.wait_for(timeout=30_000)
    finally:
        admin_context.close()
    open_page_or_login = page.get_by_test_id("stSidebarNav").get_by_role("link", name=re.compile(r"Наставники$"))
    open_page_or_login.click()                  # the next click in the other tab
    page.get_by_role("heading", name="Вход").wait_for(timeout=30_000)
    settle(page)
    assert "учётная запись отключена" in main_text(page)
    assert page.get_by_test_id("stSidebarNav").count() == 0
    page.shots("disabled-elsewhere")


def test_a_download_address_needs_the_session(page):
    """The /media/… address of an export answers only with the session's cookie (issue 15)."""
    log_in(page, "head", "demo-head-2025")
    open_page(page, "Молодые педагоги")
    with page.expect_download(timeout=60_000) as info:
        page.get_by_test_id("stDownloadButton").filter(has_text=re.compile(r"Excel$"), visible=True).first.click()
    url = info.value.url
    assert "/media/" in url
    assert page.context.request.get(url).status == 200              # this browser, logged in
    try:
        with urllib.request.urlopen(url, timeout=10) as anonymous:  # the same address, without the cookie
            status = anonymous.status
    except urllib.error.HTTPError as refused:
        status = refused.code
    assert status == 403


# The sidebar as a person sees it: absent, hidden (display: none) or collapsed, or open and how wide.
SIDEBAR = """() => {
  const s = document.querySelector('[data-testid="stSidebar"]');
  const expand = document.querySelector('[data-testid="stExpandSidebarButton"]');
  return {shown: !!s && s.checkVisibility() && s.getBoundingClientRect().width > 0,
          collapsed: s ? s.getAttribute('data-collapsed') : null,
          expandButton: !!expand && expand.checkVisibility(),
          main: document.querySelector('[data-testid="stMainBlockContainer"]').getBoundingClientRect().toJSON()};
}"""


@pytest.mark.parametrize(("width", "height"), [(1024, 768), (1280, 720)], ids=["1024x768", "1280x720"])
def test_after_logout_the_login_page_looks_fresh(browser, app_url, request, width, height):
    """Issue 16: after «Выйти» no empty grey sidebar (Streamlit keeps the one it had open until a reload); the login
    form where a freshly opened login page has it; the sidebar back, with the menu, after the next login."""
    from tests.browser.conftest import Shots

    context = browser.new_context(viewport={"width": width, "height": height}, locale="ru-RU")
    page = context.new_page()
    page.base, page.shots = app_url, Shots(page, request.node.name)
    try:
        page.goto(app_url)
        page.get_by_label("Логин").wait_for(timeout=60_000)
        settle(page)
        fresh = page.evaluate(SIDEBAR)
        assert not fresh["shown"] and not fresh["expandButton"]
        page.shots("fresh")

        log_in(page, "head", "demo-head-2025")
        assert page.evaluate(SIDEBAR)["shown"]
        page.get_by_role("button", name="Выйти").click()
        page.get_by_role("heading", name="Вход").wait_for(timeout=30_000)
        settle(page)
        after = page.evaluate(SIDEBAR)
        assert not after["shown"], after                    # no empty grey panel
        assert not after["expandButton"], after             # nor a «>>» that would open one
        assert after["main"]["x"] == pytest.approx(fresh["main"]["x"], abs=2), (after, fresh)
        assert after["main"]["width"] == pytest.approx(fresh["main"]["width"], abs=2), (after, fresh)
        assert "Вы вышли из системы." in main_text(page)
        page.shots("logged-out")

        log_in(page, "head", "demo-head-2025")               # and the next login has its sidebar and menu
        assert page.evaluate(SIDEBAR)["shown"] and "Обзор" in nav_titles(page)
    finally:
        context.close()


def test_a_session_ended_elsewhere_with_the_sidebar_collapsed_leaves_no_sidebar_button(page):
    """The sidebar collapsed, the session ended in another tab, the next run (a choice on the page) shows the login
    form: neither the empty sidebar nor its «>>» button to open it."""
    log_in(page, "admin", "demo-admin-2025")
    open_page(page, "История загрузок")
    page.get_by_test_id("stSidebarCollapseButton").locator("button").click()
    page.get_by_test_id("stExpandSidebarButton").wait_for()
    other = page.context.new_page()
    other.goto(page.base + "/")
    other.get_by_test_id("stExpandSidebarButton").click()      # the new tab opens it collapsed too (remembered)
    other.get_by_role("button", name="Выйти").click()
    other.get_by_role("heading", name="Вход").wait_for(timeout=30_000)
    other.close()
    # Another snapshot in the restore form: a run of the whole script (a fragment's run would not show the login)
    page.get_by_test_id("stSelectbox").filter(has_text="Снимок").first.click()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Вход").wait_for(timeout=30_000)
    settle(page)
    assert "выход выполнен в другой вкладке" in main_text(page)
    after = page.evaluate(SIDEBAR)
    assert not after["shown"] and not after["expandButton"], after
    page.shots("ended-elsewhere")


def test_a_click_that_reruns_only_a_fragment_still_checks_the_session(page):
    """The roadmap's matrix and its organization picker are a fragment: a choice there reruns only the
    fragment, not the entry script that checks the session. After a logout in another tab that choice
    must show the login form with the reason, not the next organization's items."""
    log_in(page, "head", "demo-head-2025")
    open_page(page, "Дорожная карта")
    page.get_by_test_id("stSelectbox").filter(has_text="Организация (или щёлкните").wait_for(timeout=60_000)
    log_out_in_another_tab(page)
    page.get_by_test_id("stSelectbox").filter(has_text="Организация (или щёлкните").first.click()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Вход").wait_for(timeout=30_000)
    settle(page)
    assert "выход выполнен в другой вкладке" in main_text(page)
    page.shots("fragment-after-logout")


def test_a_dialogs_button_after_logout_elsewhere_changes_nothing(page):
    """A confirmation dialog's buttons rerun only the dialog. A restore confirmed after the session ended in
    another tab must not happen: the login form shows instead, and the version in force stays."""
    log_in(page, "admin", "demo-admin-2025")
    open_page(page, "История загрузок")
    choose(page, "Снимок", "МАДОУ «Буратино» (демо) · Педагоги · 2026")
    now = re.search(r"Сейчас действует версия (\d)", main_text(page)).group(1)
    other_version = "1" if now == "2" else "2"
    page.get_by_test_id("stSelectbox").filter(has_text="Версия").first.click()
    page.keyboard.type(f"версия {other_version}")
    page.get_by_role("option", name=re.compile(rf"^версия {other_version} от ")).click()
    settle(page)
    page.get_by_role("button", name="Сделать эту версию текущей…").click()
    page.get_by_role("dialog").wait_for()
    log_out_in_another_tab(page)
    page.get_by_role("dialog").get_by_role("button", name="Восстановить").click()
    page.get_by_role("heading", name="Вход").wait_for(timeout=30_000)
    settle(page)
    assert "выход выполнен в другой вкладке" in main_text(page)
    log_in(page, "admin", "demo-admin-2025")
    open_page(page, "История загрузок")
    choose(page, "Снимок", "МАДОУ «Буратино» (демо) · Педагоги · 2026")
    assert f"Сейчас действует версия {now} от" in main_text(page)
