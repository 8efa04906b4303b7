"""The pages in a real browser: Playwright driving Debian's Chromium (headless) against
the real gunicorn on a loopback port, with JavaScript on and off, on a phone's screen and
a desktop's. Screenshots go to var/screenshots/ (not in git) for a person to look at.

Chromium comes from the system (`apt-get install chromium`, as .ci/run does); Playwright's
own browser downloads are not used.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright import sync_api as playwright_api

from tests.conftest import PROJECT
from tests.test_server import Served, free_port, serving

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = PROJECT / "var" / "screenshots"
PHONE = {"width": 360, "height": 800}
DESKTOP = {"width": 1280, "height": 900}

if CHROMIUM is None:
    if os.environ.get("CI"):
        raise RuntimeError("CI needs Debian's chromium: .ci/run installs it with apt-get")
    pytest.skip("no chromium on this machine (apt-get install chromium)",
                allow_module_level=True)


@pytest.fixture(scope="module")
def site(sample_index: tuple[Path, object], tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[Served]:
    """Serve the sample index with the real gunicorn, as `make run` does."""
    index_dir = sample_index[0]
    bind = f"127.0.0.1:{free_port()}"
    env = {**os.environ, "TRACUU_BIND": bind, "TRACUU_INDEX_DIR": str(index_dir)}
    log = tmp_path_factory.mktemp("browser") / "server.log"
    with serving([sys.executable, "-m", "gunicorn"], bind, cwd=PROJECT, log_path=log,
                 env=env) as served:
        yield served
    assert "Traceback" not in served.output, served.output


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM, headless=True,
                                          args=["--no-sandbox"])
        yield launched
        launched.close()


class Tab:
    """One page of a fresh browser context, which fails the test on a console error."""

    def __init__(self, browser: object, base: str, viewport: dict[str, int],
                 javascript: bool = True) -> None:
        self.context = browser.new_context(viewport=viewport,  # type: ignore[attr-defined]
                                           java_script_enabled=javascript, locale="vi-VN")
        self.page = self.context.new_page()
        self.base = base
        self.errors: list[str] = []
        self.page.on("console", lambda message: self.errors.append(message.text)
                     if message.type == "error" else None)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("response", lambda response: self.errors.append(
            f"{response.status} {response.url}") if response.status >= 400 else None)

    def open(self, path: str) -> object:
        response = self.page.goto(self.base + path)
        assert response is not None and response.status == 200, path
        return self.page

    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.page.url).query)

    def shot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()
        # A CSP violation or a script error shows in the console.
        assert not self.errors, self.errors


@pytest.fixture()
def desktop(browser: object, site: Served) -> Iterator[Tab]:
    tab = Tab(browser, site.base, DESKTOP)
    yield tab
    tab.close()


@pytest.fixture()
def phone(browser: object, site: Served) -> Iterator[Tab]:
    tab = Tab(browser, site.base, PHONE)
    yield tab
    tab.close()


def summary(page: object) -> str:
    return " ".join(page.inner_text("section.summary").split())  # type: ignore[attr-defined]


def test_typing_a_query_and_pressing_enter_shows_marked_results(desktop: Tab) -> None:
    page = desktop.open("/")
    page.fill("#q", "ke hoach")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"q=ke"))
    assert page.locator("li.hit").count() == 10
    assert page.locator("p.snippet mark").count() > 0
    assert re.search(r"Kết quả 1–10 trên \d+ cho «ke hoach»", summary(page))
    desktop.shot("results-1280x900")


def test_completions_fill_the_search_box_list(desktop: Tab) -> None:
    page = desktop.open("/")
    page.type("#q", "nghi quy", delay=30)
    options = page.locator("datalist#q-completions option")
    options.first.wait_for(state="attached", timeout=5000)
    values = [options.nth(index).get_attribute("value") for index in range(options.count())]
    assert "nghị quyết" in values
    assert page.get_attribute("#q", "list") == "q-completions"


def test_a_facet_click_narrows_and_its_chip_removes_it(desktop: Tab) -> None:
    page = desktop.open("/?q=ke+hoach")
    facet = page.locator("section.facet", has_text="Loại văn bản").locator("li a").first
    label = facet.inner_text().strip()
    facet.click()
    page.wait_for_url(re.compile(r"type="))
    chip = page.locator("a.chip")
    assert chip.count() == 1 and label in chip.inner_text()
    chip.click()
    page.wait_for_load_state()
    assert "type" not in desktop.query() and page.locator("a.chip").count() == 0


def test_a_histogram_bar_picks_its_year(desktop: Tab) -> None:
    page = desktop.open("/?q=ke+hoach")
    bar = page.locator("ol.bars li a").first
    year = re.search(r"Năm (\d{4})", bar.get_attribute("title") or "")
    assert year is not None
    bar.click()
    page.wait_for_url(re.compile(r"year="))
    assert desktop.query()["year"] == [year.group(1)]
    assert page.locator("a.chip").inner_text().startswith(f"Năm {year.group(1)}")
    assert page.locator("ol.bars li.selected").count() == 1


def test_the_year_range_form_filters(desktop: Tab) -> None:
    page = desktop.open("/?q=ke+hoach")
    page.fill("input[name=year_from]", "2015")
    page.fill("input[name=year_to]", "2016")
    page.click("form.year-range button")
    page.wait_for_url(re.compile(r"year_to=2016"))
    assert desktop.query()["q"] == ["ke hoach"]
    assert "Năm 2015–2016" in page.locator("a.chip").inner_text()
    years = {int(text[-4:]) for text in page.locator("li.hit time").all_inner_texts()}
    assert years and years <= {2015, 2016}
    page.click("text=Xóa tất cả")
    page.wait_for_load_state()
    assert page.locator("a.chip").count() == 0 and desktop.query()["q"] == ["ke hoach"]


def test_pagination_walks_forward_and_back(desktop: Tab) -> None:
    page = desktop.open("/?q=ke+hoach")
    first_titles = page.locator("li.hit h3").all_inner_texts()
    page.click("a[rel=next]")
    page.wait_for_url(re.compile(r"page=2"))
    assert re.search(r"Kết quả 11–\d+ trên \d+", summary(page))
    assert set(page.locator("li.hit h3").all_inner_texts()).isdisjoint(first_titles)
    page.click("a[rel=prev]")
    page.wait_for_load_state()
    assert page.locator("li.hit h3").all_inner_texts() == first_titles


def test_the_pages_work_with_javascript_off(browser: object, site: Served) -> None:
    tab = Tab(browser, site.base, DESKTOP, javascript=False)
    try:
        page = tab.open("/")
        page.fill("#q", "nghi quyet")
        page.press("#q", "Enter")
        page.wait_for_url(re.compile(r"q=nghi"))
        assert page.locator("li.hit").count() > 0
        assert page.locator("datalist").count() == 0  # the script did not run
        page.locator("li.hit h3 a").first.click()
        page.wait_for_url(re.compile(r"/documents/"))
        assert page.locator("h1").inner_text().strip()
        tab.shot("document-nojs-1280x900")
    finally:
        tab.close()


def test_on_a_phone_the_first_result_comes_before_the_filters(phone: Tab) -> None:
    page = phone.open("/?q=ke+hoach")
    first = page.locator("li.hit").first.bounding_box()
    assert first is not None and first["y"] < 480, first  # was 480 px down before
    assert not page.locator("section.facet").first.is_visible()
    phone.shot("results-360x800")
    page.click("details.filters > summary")
    assert page.locator("section.facet").first.is_visible()
    phone.shot("results-filters-open-360x800")
    # Nothing is wider than the screen.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width


def test_on_a_wide_screen_the_filters_show_without_a_click(desktop: Tab) -> None:
    page = desktop.open("/?q=ke+hoach")
    assert page.locator("section.facet").first.is_visible()
    assert not page.locator("details.filters > summary").is_visible()


def test_a_document_page_its_relations_and_the_back_link(desktop: Tab) -> None:
    page = desktop.open("/?q=hoc+tap+lam+theo&type=ke-hoach")
    hit = page.locator("li.hit", has_text="22-KH/CB")
    hit.locator("h3 a").click()
    page.wait_for_url(re.compile(r"/documents/"))
    assert page.locator("h1").inner_text().startswith("Kế hoạch")
    # The search's words are marked, and the first match is one click away.
    assert page.locator("div.body mark").count() > 0
    page.click("p.jump a")
    assert page.evaluate("location.hash") == "#match"
    # What it cites, by relation: the plan it is based on is in the index, linked.
    headings = page.locator("section.relations h2").all_inner_texts()
    assert headings[:2] == ["Văn bản này căn cứ", "Văn bản này thực hiện"]
    assert "Văn bản thực hiện văn bản này" in headings
    desktop.shot("document-relations-1280x900")
    page.locator("section.cites.can-cu li a", has_text="08-CTr/CB").click()
    page.wait_for_url(re.compile(r"/documents/"))
    assert "08-CTr/CB" in page.locator("table.metadata").inner_text()
    # The documents that implement it list the plan just left.
    assert page.locator("section.cited-by.can-cu li", has_text="22-KH/CB").count() == 1
    page.go_back()
    page.wait_for_load_state()
    # Back to the same results: query and filter kept.
    page.click("p.back a")
    page.wait_for_url(re.compile(r"/\?"))
    assert desktop.query() == {"q": ["hoc tap lam theo"], "type": ["ke-hoach"]}
    assert page.locator("li.hit", has_text="22-KH/CB").count() == 1


def test_a_replaced_document_says_by_what(phone: Tab) -> None:
    page = phone.open("/?q=27-CT/%C4%90U")
    page.locator("li.hit h3 a").first.click()
    page.wait_for_url(re.compile(r"/documents/"))
    status = page.locator("table.metadata tr.status")
    assert status.locator("th").inner_text() == "Bị thay thế bởi"
    phone.shot("document-replaced-360x800")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    status.locator("a").click()
    page.wait_for_url(re.compile(r"/documents/"))
    assert page.locator("section.cites.thay-the li", has_text="27-CT/ĐU").count() == 1


def test_the_api_page_shows_every_operation_under_the_csp(desktop: Tab) -> None:
    page = desktop.open("/api")
    operations = page.locator(".swagger-ui .opblock")
    operations.first.wait_for(timeout=15000)
    summaries = page.locator(".swagger-ui .opblock-summary-path").all_inner_texts()
    assert "/api/v1/search" in [text.strip() for text in summaries]
    assert "/api/v1/relations/{id}" in [text.strip() for text in summaries]
    desktop.shot("api-1280x900")
    # Tab.close fails the test on any console error: a CSP violation shows there.


def test_the_results_page_offers_its_feed_and_exports(desktop: Tab) -> None:
    page = desktop.open("/?q=ke+hoach")
    assert page.locator("link[rel=alternate][type='application/atom+xml']").count() == 1
    assert page.locator("link[rel=search]").count() == 1
    with page.expect_download() as download:
        page.click("text=CSV (Excel)")
    path = download.value.path()
    assert path is not None and Path(path).read_bytes().startswith(b"\xef\xbb\xbfSTT,")
    assert download.value.suggested_filename == "tracuu-ke-hoach.csv"
