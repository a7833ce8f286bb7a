"""The web app in headless Chromium: ask, abstain, follow a citation, upload and rebuild, untrusted text.

Drives the shared live app (tests/conftest.py). The upload test adds documents to that app's corpus,
so it runs after the tests that expect the default corpus.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = os.environ.get("QA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
ANSWER_TIMEOUT_MS = 60_000
# The README's screenshot: QA_SCREENSHOT=docs/screenshot.png bash scripts/test.sh tests/test_browser.py
SCREENSHOT_ENV = "QA_SCREENSHOT"

FACT_DOC = """Quimby harbour notes

The Quimby Lighthouse was built in 1887 by the engineer Ottoline Vask, who lined its lamp room with green glass.
"""
XSS_DOC = """Zorblat festival notes

The Zorblat lantern festival is decorated with banners that read <img src=x onerror="window.__xss=1;alert(1)"> in red.

The Zorblat council once printed <script>window.__xss=2;alert(2)</script> on its posters by mistake.
"""


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (set QA_CHROMIUM)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_app):
    """A fresh page on the app that records dialogs (an XSS payload would open one) and off-host requests."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.dialogs, page.external = [], []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: page.external.append(r.url)
            if not r.url.startswith((live_app.url, "data:", "blob:")) else None)
    page.goto(live_app.url)
    page.wait_for_selector("#qa-question textarea")
    yield page
    assert page.dialogs == [], "a dialog opened: some document text ran as script"
    assert page.evaluate("window.__xss") is None
    assert page.external == [], "the app fetched something from outside"
    context.close()


def ask(page, question: str):
    """Type and submit a question; the newest turn of the conversation once it is answered."""
    turns = page.locator("#qa-conversation .qa-turn")
    before = turns.count()
    page.locator("#qa-question textarea").fill(question)
    page.locator("#qa-ask").click()
    sync_api.expect(turns).to_have_count(before + 1, timeout=ANSWER_TIMEOUT_MS)
    return turns.last


def test_example_question_gives_a_cited_highlighted_quote(page, tmp_path):
    examples = page.locator("#qa-examples button")
    assert examples.count() >= 2
    question = examples.first.inner_text()
    examples.first.click()
    turn = page.locator("#qa-conversation .qa-turn").last
    sync_api.expect(turn.locator(".qa-q")).to_have_text(question, timeout=ANSWER_TIMEOUT_MS)
    first = turn.locator(".qa-quote").first
    sync_api.expect(first.locator("a.qa-cite")).to_contain_text("[1]")
    first.locator("summary").click()
    mark = first.locator(".qa-context mark")
    sync_api.expect(mark).to_be_visible()
    assert mark.inner_text() == first.locator("blockquote").inner_text()
    sync_api.expect(turn.locator(".qa-confidence")).to_contain_text("Confidence:")
    shot = Path(os.environ.get(SCREENSHOT_ENV) or tmp_path / "screenshot.png")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(shot))
    assert 10_000 < shot.stat().st_size < 1_000_000


def test_far_question_abstains(page):
    turn = ask(page, "Who painted the Mona Lisa?")
    sync_api.expect(turn.locator(".qa-no-answer")).to_have_text("The documents do not answer this question.")
    assert turn.locator(".qa-quote").count() == 0 or turn.locator(".qa-related-label").count() == 1


def test_follow_up_uses_the_previous_question(page):
    ask(page, "What was the Battle of Lake Khasan?")
    turn = ask(page, "When did it end?")
    sync_api.expect(turn.locator(".qa-query")).to_contain_text("Lake Khasan")
    sync_api.expect(turn.locator(".qa-quote").first.locator("blockquote")).to_contain_text("1938")


def test_citation_opens_the_document_at_the_quote(page):
    turn = ask(page, "When was the Battle of Lake Khasan?")
    first = turn.locator(".qa-quote").first
    quote = first.locator("blockquote").inner_text()
    first.locator("a.qa-cite").click()
    mark = page.locator("#qa-doc-view mark#qa-target")
    sync_api.expect(mark).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    assert mark.inner_text() == quote
    page.wait_for_function("""() => { const r = document.getElementById('qa-target').getBoundingClientRect();
                                      return r.top >= 0 && r.bottom <= innerHeight; }""", timeout=5_000)
    sync_api.expect(page.get_by_role("tab", name="Documents")).to_have_attribute("aria-selected", "true")


def test_settings_restrict_quotes_and_the_table_opens_documents(page):
    page.get_by_role("tab", name="Settings").click()
    number = page.get_by_label("number input for Number of quotes")
    number.fill("1")
    number.press("Tab")  # commit the value: the slider takes it on blur
    sync_api.expect(page.locator("input[type=range]").first).to_have_value("1")
    page.get_by_label("The Battle of Khalkhin Gol: how it led to Pearl Harbor", exact=False).check()
    page.get_by_role("tab", name="Ask").click()
    turn = ask(page, "When did the Battle of Khalkhin Gol take place?")
    sync_api.expect(turn.locator(".qa-quote")).to_have_count(1)
    sync_api.expect(turn.locator("a.qa-cite")).to_contain_text("Pearl Harbor")

    page.get_by_role("tab", name="Documents").click()
    page.get_by_role("gridcell").filter(has_text="Soviet–Japanese border conflicts").first.click()
    sync_api.expect(page.locator("#qa-doc-view h3")).to_have_text("Soviet–Japanese border conflicts")
    sync_api.expect(page.locator("#qa-doc-view .qa-heading").first).to_be_visible()


def test_upload_rebuild_and_untrusted_text(page, live_app, tmp_path):
    (tmp_path / "quimby.txt").write_text(FACT_DOC)
    (tmp_path / "zorblat.txt").write_text(XSS_DOC)
    page.get_by_role("tab", name="Documents").click()
    page.locator("#qa-upload input[type=file]").set_input_files([tmp_path / "quimby.txt", tmp_path / "zorblat.txt"])
    sync_api.expect(page.locator("#qa-status")).to_contain_text("Added zorblat.txt", timeout=30_000)
    assert (live_app.corpus / "quimby.txt").read_text() == FACT_DOC
    page.locator("#qa-rebuild").click()
    sync_api.expect(page.locator("#qa-status")).to_contain_text("Rebuilt", timeout=120_000)

    page.get_by_role("tab", name="Ask").click()
    turn = ask(page, "Who built the Quimby Lighthouse?")
    sync_api.expect(turn.locator(".qa-quote").first.locator("blockquote")).to_contain_text("Ottoline Vask")

    turn = ask(page, "What do the banners of the Zorblat lantern festival read?")
    first = turn.locator(".qa-quote").first
    sync_api.expect(first.locator("blockquote")).to_contain_text('<img src=x onerror="window.__xss=1;alert(1)">')
    first.locator("summary").click()
    assert turn.locator("img, script").count() == 0
    first.locator("a.qa-cite").click()
    view = page.locator("#qa-doc-view")
    sync_api.expect(view.locator("mark#qa-target")).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    sync_api.expect(view).to_contain_text("<script>window.__xss=2;alert(2)</script>")
    assert view.locator("img, script").count() == 0
    page.wait_for_timeout(500)  # give a payload that did get in the time to run
