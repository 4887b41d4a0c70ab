"""What a person does in the app, in Playwright terms."""

from __future__ import annotations

import re
import time

STATUS = '[data-testid="stStatusWidget"]'


def settle(page, timeout: float = 30) -> None:
    """Wait until Streamlit has finished running the script (the «running» indicator is gone)."""
    time.sleep(0.4)
    page.wait_for_function(f"() => !document.querySelector('{STATUS}')", timeout=timeout * 1000)
    time.sleep(0.6)
    assert page.locator('[data-testid="stException"]').count() == 0, "Streamlit показал исключение"


def log_in(page, login: str, password: str, path: str = "/") -> None:
    """Open ``path`` and log in there. A login survives reloads (the session cookie): when the page opens
    logged in as someone, log out first, then open ``path`` again to meet the login form."""
    page.goto(page.base + path)
    form, logout = page.get_by_label("Логин"), page.get_by_role("button", name="Выйти")
    form.or_(logout).first.wait_for(timeout=60_000)
    if not form.is_visible():
        logout.click()
        form.wait_for(timeout=60_000)
        page.goto(page.base + path)
    form.fill(login)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()
    # The first run after a login may start late on a busy machine (imports, the caches): wait for its
    # result, the menu or the refusal, before waiting for the run to finish.
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stSidebarNav\"]') || "
        "/Неверный логин|заблокирован|отключена/.test(document.body.innerText)", timeout=60_000)
    settle(page)


def open_page(page, title: str) -> None:
    # A link's text starts with its Material icon's name («home»): match the title at the end.
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=re.compile(rf"(^|\s){re.escape(title)}$")).click()
    settle(page)
    page.get_by_role("heading", level=1).first.wait_for()


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the selectbox labelled ``label``."""
    box = page.get_by_test_id("stSelectbox").filter(has_text=label).first
    box.click()
    page.keyboard.type(option)  # the list is virtualized: type to bring the option into it, as people do
    page.get_by_role("option", name=option, exact=True).click()
    settle(page)


def upload(page, path, verdict: str) -> None:
    """Give the page's uploader a file and wait for the page to say ``verdict`` (a regular expression):
    on a busy machine reading a file starts late, and a quiet page is not yet a checked file."""
    page.get_by_test_id("stFileUploader").locator('input[type="file"]').set_input_files(path)
    page.get_by_text(re.compile(verdict)).first.wait_for(timeout=90_000)
    settle(page, timeout=60)


def nav_titles(page) -> list[str]:
    return [t.strip().splitlines()[-1].strip()
            for t in page.get_by_test_id("stSidebarNav").get_by_role("link").all_inner_texts()]


def main_text(page) -> str:
    return page.get_by_test_id("stMain").inner_text()


def download(page, button: str, folder, nth: int = 0):
    """Click a download button and save the file; returns its path."""
    with page.expect_download(timeout=60_000) as info:
        page.get_by_test_id("stDownloadButton").filter(
            has_text=re.compile(rf"{re.escape(button)}$"), visible=True).nth(nth).click()  # «downloadExcel»
    d = info.value
    path = folder / d.suggested_filename
    d.save_as(path)
    return path
