"""The web app in headless Chromium: the chat loop, the source panel, deep links, history, export,
feedback, the filter, accessibility (axe-core) in light and dark, the phone layout, and managing
documents (refused uploads, upload and rebuild, cancel, removal).

Drives the shared live app (tests/conftest.py). The tests that change its corpus come last.
Screenshots for the README are written only on request:
``QA_SCREENSHOTS=docs bash scripts/test.sh tests/app/test_browser.py -k screenshots``.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

CHROMIUM = os.environ.get("QA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
ANSWER_TIMEOUT_MS = 60_000
SCREENSHOTS_ENV = "QA_SCREENSHOTS"
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
KHASAN = "When was the Battle of Lake Khasan?"
PACT = "How long did the Soviet–Japanese Neutrality Pact remain in effect?"
FAR = "Who painted the Mona Lisa?"

SIEGE_DOC = """The Quimby Harbour Siege

The Quimby Harbour Siege began in 1887, when the engineer Ottoline Vask held the lighthouse for nine days.
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
def open_page(browser, live_app):
    """Open the app in a fresh browser context; record dialogs (a payload would open one) and off-host requests."""
    contexts = []

    def open_(path: str = "", *, viewport: dict = DESKTOP, **options):
        context = browser.new_context(viewport=viewport, **options)
        contexts.append(context)
        page = context.new_page()
        page.dialogs, page.external = [], []
        page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
        page.on("request", lambda r: page.external.append(r.url)
                if not r.url.startswith((live_app.url, "data:", "blob:")) else None)
        page.goto(live_app.url + path)
        page.wait_for_selector("#qa-question textarea")
        return page

    yield open_
    for context in contexts:
        for page in context.pages:
            assert page.dialogs == [], "a dialog opened: some document text ran as script"
            assert page.evaluate("window.__xss") is None
            assert page.external == [], "the app fetched something from outside"
        context.close()


@pytest.fixture
def page(open_page):
    return open_page()


def ask(page, question: str, *, press_enter: bool = True):
    """Type and submit a question; the newest turn of the conversation once it is answered."""
    turns = page.locator("#qa-conversation .qa-turn")
    before = turns.count()
    box = page.get_by_label("Ask a question")
    box.fill(question)
    if press_enter:
        box.press("Enter")
    else:
        page.locator("#qa-ask").click()
    expect(turns).to_have_count(before + 1, timeout=ANSWER_TIMEOUT_MS)
    return turns.last


NEWEST_IN_VIEW = """() => { const t = [...document.querySelectorAll('.qa-turn')].pop().getBoundingClientRect();
                           return t.top >= 0 && t.top < innerHeight / 2; }"""


# Cells of the documents table whose longest word is wider than the cell (it would break inside the word).
WORDS_THAT_BREAK = """() => [...document.querySelectorAll('#qa-docs-table td, #qa-docs-table th')]
  .filter(c => c.offsetParent).filter(c => {
  const word = c.innerText.split(/[\\s\\-–]+/).sort((a, b) => b.length - a.length)[0] || '';
  const probe = document.createElement('span');
  probe.style.whiteSpace = 'nowrap';
  probe.textContent = word;
  c.appendChild(probe);
  const width = probe.getBoundingClientRect().width;
  probe.remove();
  return width > c.clientWidth; }).map(c => c.innerText)"""


def in_viewport(page, selector: str) -> bool:
    return page.evaluate("""(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
                                       return r.height > 0 && r.top >= 0 && r.top < innerHeight; }""", selector)


def idle(page) -> None:
    """Wait until no event is pending and the outputs, dimmed while one is, have faded back in."""
    page.wait_for_function("() => !document.querySelector('.pending, .generating')", timeout=ANSWER_TIMEOUT_MS)
    page.wait_for_function("""() => { for (let e = document.querySelector('#qa-conversation'); e; e = e.parentElement)
                                        if (getComputedStyle(e).opacity !== '1') return false;
                                      return true; }""", timeout=10_000)


# ---------------------------------------------------------------- 1. the chat loop

def test_example_question_gives_a_cited_quote_with_a_preview(page):
    examples = page.locator("#qa-examples button")
    assert examples.count() >= 2
    question = examples.first.inner_text()
    examples.first.click()
    turn = page.locator("#qa-conversation .qa-turn").last
    expect(turn.get_by_role("heading", name=question)).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    first = turn.locator(".qa-quote").first
    cite = first.locator("a.qa-cite")
    expect(cite).to_contain_text("[1]")
    assert re.match(r"#source=[^&]+&start=\d+&end=\d+", cite.get_attribute("href"))
    preview = first.locator(".qa-preview")
    expect(preview).to_be_hidden()
    cite.hover()
    expect(preview).to_be_visible()
    page.mouse.move(0, 0)
    expect(preview).to_be_hidden()
    page.keyboard.press("Shift")  # a keyboard user: focus shows the preview too, Escape dismisses it
    cite.focus()
    expect(preview).to_be_visible()
    page.keyboard.press("Escape")
    expect(preview).to_be_hidden()
    cite.focus()
    assert preview.locator("mark").inner_text() == first.locator("blockquote").inner_text()
    expect(turn.locator(".qa-confidence")).to_contain_text("Confidence:")


def test_the_input_works_at_once_after_an_error(page):
    box = page.get_by_label("Ask a question")
    box.press("Enter")  # an empty question
    expect(page.locator("#qa-error")).to_contain_text("The question is empty")
    centre = box.bounding_box()
    hit = page.evaluate("([x, y]) => document.elementFromPoint(x, y)?.closest('#qa-question') !== null",
                        [centre["x"] + centre["width"] / 2, centre["y"] + centre["height"] / 2])
    assert hit, "something covers the question box"
    turn = ask(page, KHASAN)
    expect(turn.locator(".qa-quote").first).to_contain_text("Lake Khasan")
    expect(page.locator("#qa-error")).to_have_text("")


def test_the_new_answer_is_in_view_and_focus_returns_after_five_questions(page):
    for question in (KHASAN, "Who won the Battle of Khalkhin Gol?", "And when did it end?", FAR, PACT):
        ask(page, question)
    page.wait_for_function(NEWEST_IN_VIEW, timeout=5_000)
    assert in_viewport(page, "#qa-composer")
    assert page.evaluate("document.activeElement.closest('#qa-question') !== null")


def test_new_conversation_is_secondary_and_can_be_undone(page):
    ask(page, KHASAN)
    new = page.locator("#qa-new")
    assert "secondary" in new.get_attribute("class") and "primary" in page.locator("#qa-ask").get_attribute("class")
    new.click()
    expect(page.locator(".qa-turn")).to_have_count(0)
    page.locator("#qa-undo").click()
    expect(page.locator(".qa-turn")).to_have_count(1)
    expect(page.locator("#qa-undo")).to_be_hidden()


# ---------------------------------------------------------------- 2. sources beside the answer

def test_citation_opens_the_source_panel_beside_the_chat_at_the_quote(page):
    turn = ask(page, KHASAN)
    first = turn.locator(".qa-quote").first
    quote = first.locator("blockquote").inner_text()
    first.locator("a.qa-cite").click()
    mark = page.locator("#qa-panel mark#qa-target")
    expect(mark).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    assert mark.inner_text() == quote
    page.wait_for_function("document.activeElement && document.activeElement.id === 'qa-target'", timeout=5_000)
    panel, chat = page.locator("#qa-panel").bounding_box(), page.locator("#qa-conversation").bounding_box()
    assert panel["x"] >= chat["x"] + chat["width"] - 1, "the panel is not beside the chat"
    expect(page.get_by_role("tab", name="Ask")).to_have_attribute("aria-selected", "true")
    expect(turn).to_be_visible()


def test_copy_puts_the_quote_and_its_citation_on_the_clipboard(open_page, live_app):
    page = open_page(permissions=["clipboard-read", "clipboard-write"])
    turn = ask(page, KHASAN)
    first = turn.locator(".qa-quote").first
    first.get_by_role("button", name=re.compile("Copy quote 1")).click()
    expect(first.locator(".qa-copy")).to_have_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    title = first.locator(".qa-preview strong").inner_text()
    assert copied.startswith("“" + first.locator("blockquote").inner_text() + "”\n— " + title)
    assert "soviet-japanese-border-conflicts-theinfolist.txt, line " in copied


# ---------------------------------------------------------------- 3. places that last

def test_deep_links_open_a_question_and_a_span_and_back_and_forward_work(open_page):
    page = open_page(f"?q={KHASAN}")
    turn = page.locator(".qa-turn")
    expect(turn).to_have_count(1, timeout=ANSWER_TIMEOUT_MS)
    expect(turn.get_by_role("heading")).to_have_text(KHASAN)
    href = turn.locator("a.qa-cite").first.get_attribute("href")
    turn.locator("a.qa-cite").first.click()
    expect(page.locator("#qa-panel mark#qa-target")).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    assert page.url.endswith(href)
    page.go_back()
    expect(page.locator("#qa-panel")).to_be_hidden()
    assert "q=" in page.url and "#source" not in page.url
    page.go_forward()
    expect(page.locator("#qa-panel mark#qa-target")).to_be_visible()

    fresh = open_page(href)  # a span link opened on its own
    expect(fresh.locator("#qa-panel mark#qa-target")).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    assert fresh.locator("#qa-panel mark#qa-target").inner_text() in turn.locator("blockquote").first.inner_text()


def test_reload_keeps_the_conversation_and_export_writes_markdown(page):
    ask(page, KHASAN)
    ask(page, FAR)
    page.reload()
    expect(page.locator(".qa-turn")).to_have_count(2, timeout=ANSWER_TIMEOUT_MS)
    idle(page)
    expect(page.locator(".qa-turn")).to_have_count(2)  # ?q= of the last question is not asked again
    quote = page.locator(".qa-turn").first.locator("blockquote").first.inner_text()
    with page.expect_download() as download:
        page.locator("#qa-export").click()
    assert download.value.suggested_filename == "conversation.md"
    text = Path(download.value.path()).read_text()
    assert f"## {KHASAN}" in text and f"## {FAR}" in text
    assert "> " + quote.splitlines()[0] in text
    assert re.search(r"^\[1\] Soviet–Japanese border conflicts, section “[^”]+”, soviet-japanese", text, re.M)
    assert "The documents do not answer this question." in text


# ---------------------------------------------------------------- 4. feedback

def test_feedback_is_appended_to_the_data_folder(page, live_app):
    path = live_app.base / "data" / "feedback.jsonl"
    before = path.read_text().splitlines() if path.exists() else []
    turn = ask(page, KHASAN)
    turn.get_by_role("button", name="Not helpful").click()
    turn.get_by_label("Optional note on this answer").fill("wanted the end date")
    turn.get_by_role("button", name="Send feedback").click()
    expect(turn.locator(".qa-feedback-done")).to_contain_text("down")
    lines = path.read_text().splitlines()
    assert len(lines) == len(before) + 1
    line = json.loads(lines[-1])
    assert (line["verdict"], line["note"], line["question"]) == ("down", "wanted the end date", KHASAN)
    assert line["build"] == (live_app.index / "CURRENT").read_text().split()[0]
    assert line["quotes"] and {"source", "start", "end", "doc_sha256"} <= set(line["quotes"][0])


# ---------------------------------------------------------------- 7. the smaller points

def test_follow_up_note_and_no_borrowing_after_an_abstention(page):
    ask(page, "What was the Battle of Lake Khasan?")
    turn = ask(page, "When did it end?")
    expect(turn.locator(".qa-query")).to_have_text(
        "Searched together with your earlier question “What was the Battle of Lake Khasan?”.")
    expect(turn.locator(".qa-quote").first.locator("blockquote")).to_contain_text("1938")
    abstained = ask(page, FAR)
    related = abstained.locator("details.qa-related")
    expect(related).not_to_have_attribute("open", "")
    expect(related.locator("li").first).to_be_hidden()
    turn = ask(page, "When was it painted?")
    expect(turn.locator(".qa-query")).to_have_count(0)


def test_conflict_has_a_header_per_source_and_no_high_confidence(page):
    turn = ask(page, PACT)
    expect(turn.locator(".qa-conflict-note")).to_contain_text("Sources disagree")
    heads = turn.locator("h3.qa-side-head")
    expect(heads).to_have_count(2)
    expect(heads.first).to_contain_text("says")
    assert turn.locator("blockquote mark.qa-diff").count() >= 1
    expect(turn.locator(".qa-confidence")).not_to_contain_text("high")
    expect(turn.locator(".qa-confidence")).to_contain_text("disagree")


def test_document_filter_shows_on_the_ask_tab_with_a_reset(page):
    page.get_by_role("tab", name="Settings").click()
    page.get_by_label("The Battle of Khalkhin Gol: how it led to Pearl Harbor", exact=False).check()
    page.get_by_role("tab", name="Ask").click()
    expect(page.locator("#qa-filter")).to_contain_text("Answering only from The Battle of Khalkhin Gol")
    turn = ask(page, "When did the Battle of Khalkhin Gol take place?")
    expect(turn.locator("a.qa-cite").first).to_contain_text("The Battle of Khalkhin Gol")
    page.locator("#qa-reset-filter").click()
    expect(page.locator("#qa-filter")).to_have_text("")
    expect(page.locator("#qa-reset-filter")).to_be_hidden()


# ---------------------------------------------------------------- 6. accessibility

def axe_serious(page) -> list[str]:
    """Serious and critical axe-core violations on the page (axe-core as bundled by axe-playwright-python)."""
    import axe_playwright_python

    page.evaluate((Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text())
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in result["violations"]
            if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_axe_finds_no_serious_violations_on_five_views(open_page, theme):
    page = open_page(color_scheme="light" if theme == "dark" else "dark")  # the picker overrides the system
    page.get_by_label("Theme").select_option(theme)
    assert page.evaluate("document.body.classList.contains('dark')") == (theme == "dark")
    page.wait_for_selector("#qa-examples button")
    idle(page)
    page.wait_for_timeout(500)  # buttons fade to the new theme's colours (a CSS transition)
    found = {"landing": axe_serious(page)}
    for view, question in (("answer", KHASAN), ("abstention", FAR), ("conflict", PACT)):
        ask(page, question)
        idle(page)
        found[view] = axe_serious(page)
    page.locator(".qa-turn").first.locator("a.qa-cite").first.click()
    expect(page.locator("#qa-panel mark#qa-target")).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    idle(page)
    found["document panel"] = axe_serious(page)
    assert found == {view: [] for view in found}
    assert page.get_by_role("log", name="Conversation").get_attribute("aria-live") == "polite"
    assert page.get_by_role("heading", name=KHASAN).count() == 1


def test_theme_choice_survives_a_reload(page):
    page.get_by_label("Theme").select_option("dark")
    page.reload()
    page.wait_for_selector("#qa-question textarea")
    page.wait_for_function("document.body.classList.contains('dark')", timeout=5_000)
    expect(page.get_by_label("Theme")).to_have_value("dark")


def test_phone_layout(open_page):
    page = open_page(viewport=PHONE)
    turn = ask(page, KHASAN)
    page.wait_for_function(NEWEST_IN_VIEW, timeout=5_000)
    assert in_viewport(page, "#qa-composer")
    turn.locator("a.qa-cite").first.click()
    mark = page.locator("#qa-panel mark#qa-target")
    expect(mark).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    assert in_viewport(page, "#qa-target"), "the drawer does not show the quote"
    page.keyboard.press("Escape")
    expect(page.locator("#qa-panel")).to_be_hidden()
    page.get_by_role("tab", name="Documents").click()
    expect(page.get_by_role("gridcell").first).to_be_visible()
    assert page.evaluate(WORDS_THAT_BREAK) == [], "table cells too narrow for their words (broken letter by letter)"


def test_screenshots_on_request(open_page):
    folder = os.environ.get(SCREENSHOTS_ENV)
    if not folder:
        pytest.skip(f"set {SCREENSHOTS_ENV}=docs to write the README's screenshots")
    for name, viewport, theme in (("desktop-light", DESKTOP, "light"), ("desktop-dark", DESKTOP, "dark"),
                                  ("phone", PHONE, "light")):
        page = open_page(viewport=viewport)
        page.get_by_label("Theme").select_option(theme)
        turn = ask(page, KHASAN)
        if viewport is DESKTOP:
            turn.locator("a.qa-cite").first.click()
            expect(page.locator("#qa-panel mark#qa-target")).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
        idle(page)
        page.wait_for_timeout(300)
        page.screenshot(path=str(Path(folder) / f"screenshot-{name}.png"))


# ---------------------------------------------------------------- 5. documents you can manage (change the corpus)

def test_refused_uploads_show_the_loader_reason(page, live_app, tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\nnot really a pdf")
    page.get_by_role("tab", name="Documents").click()
    page.locator("#qa-upload input[type=file]").set_input_files(
        [tmp_path / "empty.txt", tmp_path / "binary.txt", tmp_path / "broken.pdf"])
    status = page.locator("#qa-status")
    expect(status).to_contain_text("broken.pdf", timeout=30_000)
    expect(status).to_contain_text("empty file")
    expect(status).to_contain_text("binary file")
    expect(status).not_to_contain_text("Press Rebuild")
    assert not any((live_app.corpus / n).exists() for n in ("empty.txt", "binary.txt", "broken.pdf"))


def test_cancel_a_rebuild_leaves_the_index_as_it_was(page, live_app):
    live = (live_app.index / "CURRENT").read_text()
    names = [f"filler-{i}.txt" for i in range(6)]
    for i, name in enumerate(names):
        (live_app.corpus / name).write_text("".join(f"Filler sentence {j} about harbour number {i}. "
                                                    for j in range(600)))
    try:
        page.get_by_role("tab", name="Documents").click()
        page.locator("#qa-rebuild").click()
        expect(page.locator("#qa-status progress")).to_be_visible(timeout=30_000)
        page.locator("#qa-cancel").click()
        expect(page.locator("#qa-status")).to_contain_text("cancelled", timeout=120_000)
        assert (live_app.index / "CURRENT").read_text() == live
        expect(page.locator("#qa-cancel")).to_be_hidden()
    finally:
        for name in names:
            (live_app.corpus / name).unlink()


def test_upload_rebuild_remove_and_untrusted_text(page, live_app, tmp_path):
    (tmp_path / "quimby-harbour-siege.txt").write_text(SIEGE_DOC)
    (tmp_path / "zorblat.txt").write_text(XSS_DOC)
    page.get_by_role("tab", name="Documents").click()
    page.locator("#qa-upload input[type=file]").set_input_files(
        [tmp_path / "quimby-harbour-siege.txt", tmp_path / "zorblat.txt"])
    expect(page.locator("#qa-status")).to_contain_text("Added zorblat.txt", timeout=30_000)
    assert (live_app.corpus / "quimby-harbour-siege.txt").read_text() == SIEGE_DOC
    (live_app.corpus / "blank.md").write_text("  \n")  # put there by hand: the build skips it
    page.locator("#qa-rebuild").click()
    expect(page.locator("#qa-status")).to_contain_text("Rebuilt", timeout=120_000)
    expect(page.locator("#qa-status .qa-skipped")).to_contain_text("blank.md: empty file")
    expect(page.locator("#qa-examples")).to_contain_text("Quimby harbour siege")  # examples follow the rebuild

    page.get_by_role("tab", name="Ask").click()
    turn = ask(page, "Who held the lighthouse in the Quimby Harbour Siege?")
    expect(turn.locator(".qa-quote").first.locator("blockquote")).to_contain_text("Ottoline Vask")
    turn = ask(page, "What do the banners of the Zorblat lantern festival read?")
    first = turn.locator(".qa-quote").first
    expect(first.locator("blockquote")).to_contain_text('<img src=x onerror="window.__xss=1;alert(1)">')
    assert turn.locator("img, script").count() == 0
    first.locator("a.qa-cite").click()
    view = page.locator("#qa-panel")
    expect(view.locator("mark#qa-target")).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    expect(view).to_contain_text("<script>window.__xss=2;alert(2)</script>")
    assert view.locator("img, script").count() == 0

    page.get_by_role("tab", name="Documents").click()
    page.get_by_role("gridcell").filter(has_text="Zorblat").first.click()
    page.locator("#qa-remove").click()
    expect(page.locator("#qa-confirm")).to_contain_text("Remove zorblat.txt from the corpus?")
    page.locator("#qa-confirm-remove").click()
    expect(page.locator("#qa-status")).to_contain_text("Removed zorblat.txt")
    assert not (live_app.corpus / "zorblat.txt").exists()
    assert list((live_app.base / "data" / "removed").glob("*zorblat.txt"))
    page.locator("#qa-rebuild").click()
    expect(page.locator("#qa-status")).to_contain_text("Rebuilt", timeout=120_000)
    expect(page.get_by_role("gridcell").filter(has_text="Zorblat")).to_have_count(0)


def test_calibrate_on_the_answers_rated_in_the_app(page, live_app, tmp_path):
    from qa import Config

    from ..calibrating.test_calibrate import question_file, rate_answers

    config = Config(corpus_dir=live_app.corpus, index_dir=live_app.index)
    ratings = live_app.base / "data" / "feedback.jsonl"
    kept = ratings.read_bytes() if ratings.exists() else None
    fit = live_app.index / "calibration.json"
    try:
        ratings.unlink(missing_ok=True)  # only this test's ratings: the others' are put back after it
        labels = rate_answers(config, question_file(tmp_path / "q.jsonl"))  # thumbs, as the app records them
        page.get_by_role("tab", name="Documents").click()
        page.locator("#qa-calibrate").click()
        helpful = sum(labels)
        expect(page.locator("#qa-status")).to_contain_text(
            f"Calibrated on {len(labels)} rated answers ({helpful} helpful, {len(labels) - helpful} not)",
            timeout=ANSWER_TIMEOUT_MS)
        expect(page.locator("#qa-status .qa-calibration-report li")).to_have_count(2)
        assert fit.is_file()
        page.get_by_role("tab", name="Ask").click()
        expect(page.locator('.qa-calibration[data-calibration="own"]')).to_contain_text(
            "calibrated on this collection's own")
    finally:
        fit.unlink(missing_ok=True)  # the other tests answer with the shipped calibration
        if kept is None:
            ratings.unlink(missing_ok=True)
        else:
            ratings.write_bytes(kept)
