"""The *Check a quote* tab in headless Chromium: verified, repaired (with the text to quote instead) and
unverified, against the shared live app."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from qa import load_index

from ..conftest import WIKI

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
CHROMIUM = os.environ.get("QA_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="module")
def page(live_app):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (set QA_CHROMIUM)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.goto(live_app.url)
        page.get_by_role("tab", name="Check a quote").click()
        yield page
        browser.close()


def check(page, text: str):
    field = page.get_by_label("Text claimed to be a quote from the documents")
    expect(field).to_be_visible(timeout=60_000)  # a loaded machine may take longer than fill's 30 s to show the tab
    field.fill(text)
    page.locator("#qa-verify").click()
    return page.locator("#qa-verify-result")


def test_check_a_quote(page, live_app):
    text = load_index(live_app.index).documents[WIKI].text
    span = " ".join(text[1500:1700].split()[1:-1])
    result = check(page, span)
    expect(result.locator(".qa-verify-status")).to_contain_text("Verified", timeout=60_000)
    expect(result.locator(".qa-verify-cite").first).to_contain_text(WIKI)

    result = check(page, span.upper())
    expect(result.locator(".qa-verify-status")).to_contain_text("difference in case", timeout=60_000)
    expect(result.locator("blockquote").first).to_have_text(span)

    result = check(page, "The treaty was signed aboard a zeppelin over Paris <b>at dawn</b>.")
    expect(result.locator(".qa-verify-status")).to_contain_text("Not found", timeout=60_000)
    assert result.locator("b").count() == 0

    result = check(page, "the war")
    expect(result.locator(".qa-error")).to_contain_text("too short", timeout=60_000)
