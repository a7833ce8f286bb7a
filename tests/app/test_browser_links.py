"""In headless Chromium: a web page's citation links to its original page and shows its date.

Runs its own app (tests/conftest.py's ``start_app``) on a corpus of one saved web page with a
``<link rel="canonical">`` and a publication date. The original page is served by the browser's own
request routing, so nothing leaves the machine.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from ..conftest import start_app, stop_app
from ..ingest.test_formats import CANONICAL, PAGE

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = os.environ.get("QA_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]
TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    base = tmp_path_factory.mktemp("links")
    (base / "corpus").mkdir()
    (base / "corpus" / "lighthouse.html").write_text(PAGE, encoding="utf-8")
    process, url, _ = start_app(base)
    yield url
    stop_app(process)


@pytest.fixture
def page(app):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (set QA_CHROMIUM)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context()
        outside: list[str] = []
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(app)
                      else (outside.append(route.request.url), route.fulfill(
                          status=200, content_type="text/html", body="<p>The original page</p>")))
        page = context.new_page()
        page.goto(app)
        page.wait_for_selector("#qa-question textarea")
        page.outside = outside
        yield page
        browser.close()


def test_citation_links_to_the_original_page_with_its_date(page):
    page.locator("#qa-question textarea").fill("Who lined the lamp room of the Quimby Lighthouse?")
    page.locator("#qa-ask").click()
    quote = page.locator(".qa-quote").first
    sync_api.expect(quote).to_be_visible(timeout=TIMEOUT_MS)
    caption = quote.locator("figcaption")
    sync_api.expect(caption.locator(".qa-date")).to_have_text("2021-03-04")
    original = caption.locator("a.qa-original")
    sync_api.expect(original).to_have_attribute("href", CANONICAL)
    sync_api.expect(original).to_have_attribute("target", "_blank")
    assert set(original.get_attribute("rel").split()) >= {"noopener", "noreferrer"}
    sync_api.expect(caption.locator("a.qa-cite")).to_be_visible()  # the cleaned text stays one click away

    with page.context.expect_page() as opened:
        original.click()
    tab = opened.value
    tab.wait_for_load_state()
    assert tab.url == CANONICAL and page.outside == [CANONICAL]
    assert tab.evaluate("window.opener === null && document.referrer === ''")
    assert page.url.startswith("http://127.0.0.1")  # the app's own tab stays where it was
