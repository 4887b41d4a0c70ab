"""Scenario 3: a coordinator tries every route in the UI and the URL, and sees no other organization."""

import openpyxl

from tests.browser.ui import download, log_in, main_text, nav_titles, open_page

OWN = "СОШ1"


def test_coordinator_sees_only_their_organization(page, expected, tmp_path):
    orgs = expected["orgs"]
    own_name = orgs.set_index("org_code").loc[OWN, "short_name"]
    others = [n for c, n in zip(orgs["org_code"], orgs["short_name"], strict=True) if c != OWN]
    log_in(page, "sosh1", "demo-sosh1-2025")
    titles = nav_titles(page)
    assert "Загрузка данных" in titles
    assert "Организации и пользователи" not in titles and "Журнал аудита" not in titles
    assert page.get_by_test_id("stSidebar").get_by_text("Тип организации").count() == 0   # nothing to choose
    for title in titles:
        open_page(page, title)
        text = main_text(page)
        leaked = [n for n in others if n in text]
        assert not leaked, f"на странице «{title}» видны чужие организации: {leaked}"
        page.shots(title.replace(" ", "_"))
    # An export from the overview holds the coordinator's organization only.
    open_page(page, "Обзор")
    path = download(page, "Excel", tmp_path, nth=0)
    ws = openpyxl.load_workbook(path).active
    assert ws.max_row >= 5
    cells = {str(c.value) for row in ws.iter_rows(min_row=5) for c in row if c.value is not None}
    assert own_name in cells and not [n for n in others if n in cells]
    # The administrator's pages by their URLs: logged in there, the coordinator gets their own main page.
    for url in ("/admin", "/audit"):
        log_in(page, "sosh1", "demo-sosh1-2025", path=url)
        text = main_text(page)
        assert page.get_by_role("heading", level=1).first.inner_text() == "Обзор"
        assert "недоступна вашей учётной записи: открыт «Обзор»" in text          # said in Russian, once
        page_itself = text.split("открыт «Обзор».", 1)[1]
        assert "Организации и пользователи" not in page_itself and "Журнал аудита" not in page_itself
        assert not [n for n in others if n in text]
        page.shots("url" + url.replace("/", "-"))
