"""PDFs read from their layout: headings, paragraphs, list items and code kept apart, running heads and page
numbers left out, a paragraph cut by a page break joined, and every quote's page exact.

A manual is drawn with reportlab the way typesetters set one (a body font, a larger heading font, a
monospaced font for code, a running head and a page number on every page); the real manuals are in
tests/ingest/test_real_pdfs.py.
"""
from __future__ import annotations

import bisect
from pathlib import Path

import pytest

from qa.indexing.build import prepare_document
from qa.ingest.load import load_document

HEAD = "Widget Manual, version 2"
LEADING = 13


class Manual:
    """A reportlab canvas with a cursor: each call sets one line below the last."""

    def __init__(self, path: Path, leading: float = LEADING) -> None:
        canvas = pytest.importorskip("reportlab.pdfgen.canvas")
        self.leading = leading
        self.pdf = canvas.Canvas(str(path))
        self.pdf.setTitle("Widget Manual")
        self.page = 0
        self.new_page()

    def new_page(self, *, another: bool = True) -> None:
        if self.page:
            self.pdf.setFont("Times-Roman", 9)
            self.pdf.drawCentredString(300, 40, str(self.page))  # the page number, at its foot
            self.pdf.showPage()
        if not another:
            return
        self.page += 1
        self.pdf.setFont("Times-Italic", 9)
        self.pdf.drawString(72, 790, HEAD)  # the running head
        self.y = 750.0

    def line(self, text: str, font: str = "Times-Roman", size: float = 11, x: float = 72, gap: float = 0) -> None:
        self.y -= gap
        self.pdf.setFont(font, size)
        self.pdf.drawString(x, self.y, text)
        self.y -= self.leading if size <= 11 else size * 1.3

    def save(self) -> None:
        self.new_page(another=False)
        self.pdf.save()


@pytest.fixture
def manual(tmp_path: Path) -> Path:
    m = Manual(tmp_path / "widget.pdf")
    m.line("1 Installing the widget", "Helvetica-Bold", 16)
    m.line("The widget installs from the package index and needs no compiler. It runs on every")
    m.line("system that has Python 3.9 or later.")
    m.line("Before you start, check the version you have:", gap=6)
    m.line("$ widget --version", "Courier", 10, x=90, gap=4)
    m.line("widget 2.1.0", "Courier", 10, x=90)
    m.line("Its features:", gap=6)
    m.line("• Fast start-up, even on a cold", gap=4)
    m.line("cache of several gigabytes.", x=82)
    m.line("• No network access at run time.")
    m.line("2 Configuring it", "Helvetica-Bold", 16, gap=10)
    m.line("A configuration file sets the defaults:")
    m.line("[widget]", "Courier", 10, x=90, gap=4)
    m.line("threads = 4", "Courier", 10, x=90)
    m.line("[cache]", "Courier", 10, x=90)
    m.line("    size = 2GB", "Courier", 10, x=90)
    m.line("The threads setting is read once, when the widget starts, and a change to it", gap=6)
    m.new_page()
    m.line("takes effect at the next start.")
    m.line("3 Removing it", "Helvetica-Bold", 16, gap=10)
    m.line("Uninstalling leaves the configuration file in place.")
    m.new_page()
    m.line("The cache is kept too.")
    m.save()
    return tmp_path / "widget.pdf"


def blocks(doc) -> list[tuple[str, str]]:
    return [(kind, doc.text[start:end]) for start, end, kind in doc.blocks]


def test_a_manual_reads_as_headings_paragraphs_lists_and_code(manual: Path) -> None:
    doc = prepare_document(load_document(manual, manual.parent, max_bytes=1_000_000))
    assert blocks(doc) == [
        ("heading", "1 Installing the widget"),
        ("text", "The widget installs from the package index and needs no compiler. It runs on every system "
                 "that has Python 3.9 or later."),
        ("text", "Before you start, check the version you have:"),
        ("code", "$ widget --version\nwidget 2.1.0"),
        ("text", "Its features:"),
        ("list item", "• Fast start-up, even on a cold cache of several gigabytes."),
        ("list item", "• No network access at run time."),
        ("heading", "2 Configuring it"),
        ("text", "A configuration file sets the defaults:"),
        ("code", "[widget]\nthreads = 4\n[cache]\n    size = 2GB"),
        ("text", "The threads setting is read once, when the widget starts, and a change to it takes effect at "
                 "the next start."),
        ("heading", "3 Removing it"),
        ("text", "Uninstalling leaves the configuration file in place."),
        ("text", "The cache is kept too."),
    ]
    assert HEAD not in doc.text  # the running head and the page numbers are page furniture, recorded as left out
    assert [(r.text, r.rule, bisect.bisect_right(doc.raw_page_starts, r.start)) for r in doc.removals] == [
        (HEAD, "running head or foot", 1), ("1", "running head or foot", 1),
        (HEAD, "running head or foot", 2), ("2", "running head or foot", 2),
        (HEAD, "running head or foot", 3), ("3", "running head or foot", 3)]
    assert [s.title for s in doc.sections] == ["1 Installing the widget", "2 Configuring it", "3 Removing it"]
    assert doc.section_at(doc.text.index("size = 2GB")) == "2 Configuring it"


def test_every_quote_cites_the_page_it_is_printed_on(manual: Path) -> None:
    doc = prepare_document(load_document(manual, manual.parent, max_bytes=1_000_000))
    for text, page in [("The widget installs", 1), ("threads = 4", 1), ("The threads setting", 1),
                       ("takes effect", 2), ("3 Removing it", 2), ("The cache is kept", 3)]:
        assert doc.location(doc.text.index(text))["page"] == page, text


def test_a_short_document_keeps_its_first_and_last_lines(tmp_path: Path) -> None:
    """Running heads are found by repetition over pages: one or two pages have none to drop."""
    m = Manual(tmp_path / "note.pdf")
    m.line("A note on widgets.")
    m.save()
    doc = load_document(tmp_path / "note.pdf", tmp_path, max_bytes=100_000)
    assert doc.text == f"{HEAD}\n\nA note on widgets.\n\n1"


def test_a_typed_document_is_text_not_code(tmp_path: Path) -> None:
    """Where a monospaced font sets most of the text, it is the body font: paragraphs, not one code block."""
    m = Manual(tmp_path / "typed.pdf")
    m.line("MEMO", "Courier-Bold", 16)
    m.line("The boiler is serviced every spring. Call the office", "Courier", 11)
    m.line("before you switch it off.", "Courier", 11)
    m.line("Keys are kept at the front desk.", "Courier", 11, gap=8)
    m.save()
    doc = prepare_document(load_document(tmp_path / "typed.pdf", tmp_path, max_bytes=100_000))
    assert blocks(doc)[1:-1] == [  # one page: its head and page number stay (see the test above)
        ("heading", "MEMO"),
        ("text", "The boiler is serviced every spring. Call the office before you switch it off."),
        ("text", "Keys are kept at the front desk."),
    ]


def test_code_cut_by_a_page_break_is_one_block_with_its_indentation(tmp_path: Path) -> None:
    m = Manual(tmp_path / "loop.pdf")
    m.line("The loop:")
    m.line("for item in items:", "Courier", 10, x=90, gap=4)
    m.line("    if item.ready:", "Courier", 10, x=90)
    m.new_page()
    m.line("        item.ship()", "Courier", 10, x=90)  # its page part starts indented
    m.line("Each item ships once.", gap=6)
    m.new_page()
    m.line("Shipping is logged.")
    m.save()
    doc = prepare_document(load_document(tmp_path / "loop.pdf", tmp_path, max_bytes=100_000))
    assert ("code", "for item in items:\n    if item.ready:\n        item.ship()") in blocks(doc)
    assert doc.location(doc.text.index("if item.ready"))["page"] == 1
    assert doc.location(doc.text.index("item.ship()"))["page"] == 2
    assert doc.location(doc.text.index("Shipping"))["page"] == 3


def test_a_signature_over_its_indented_description_is_a_term_and_numbers_open_list_items(tmp_path: Path) -> None:
    m = Manual(tmp_path / "api.pdf")
    m.line("widget.start(threads=4, *, wait=False)", "Courier", 10)
    m.line("Start the widget with this many threads. Return its process id, or", x=90)
    m.line("None when it runs already.", x=90)
    m.line("To stop it:", gap=6)
    m.line("1. close every window, and wait until the", x=72, gap=4)
    m.line("light goes out;", x=84)
    m.line("2. call widget.stop().", x=72)
    m.line("A plain paragraph opens this way, with a first line", gap=6, x=86)
    m.line("set in, and goes on here.")
    m.save()
    doc = prepare_document(load_document(tmp_path / "api.pdf", tmp_path, max_bytes=100_000))
    assert blocks(doc)[1:-1] == [
        ("term", "widget.start(threads=4, *, wait=False)"),
        ("text", "Start the widget with this many threads. Return its process id, or None when it runs already."),
        ("text", "To stop it:"),
        ("list item", "1. close every window, and wait until the light goes out;"),
        ("list item", "2. call widget.stop()."),
        ("text", "A plain paragraph opens this way, with a first line set in, and goes on here."),
    ]
    assert doc.section_at(doc.text.index("Return its process id")) == "widget.start(threads=4, *, wait=False)"


def test_paragraphs_hold_at_the_line_spacing_of_a_web_page(tmp_path: Path) -> None:
    """A browser sets lines 1.4 to 1.6 times their size apart, a typesetter 1.2: a paragraph breaks where the
    gap is wider than the document's own line spacing, not at a fixed one."""
    m = Manual(tmp_path / "web.pdf", leading=17)  # 1.55 times the 11-point text
    m.line("The widget reads its settings once. A change to them takes effect at")
    for n in range(12):
        m.line(f"the next start, as line {n} of this paragraph says again and again, and")
    m.line("nothing else changes.")
    m.line("A second paragraph, after a wider gap.", gap=9)
    m.save()
    doc = prepare_document(load_document(tmp_path / "web.pdf", tmp_path, max_bytes=100_000))
    texts = [text for kind, text in blocks(doc)[1:-1]]
    assert len(texts) == 2 and texts[0].endswith("and nothing else changes.")
    assert texts[1] == "A second paragraph, after a wider gap."


def test_two_headings_one_above_the_other_stay_two_and_a_wrapped_title_is_one(tmp_path: Path) -> None:
    m = Manual(tmp_path / "heads.pdf")
    m.line("Preview controls", "Helvetica-Bold", 16)
    m.line("Live reloading", "Helvetica-Bold", 16)
    for _ in range(4):  # enough text for its size to be the body's
        m.line("The server reloads a page when its file changes, and it says so in the log it writes.")
    m.line("A title long enough that the typesetter had to break it over two lines of the", "Helvetica-Bold", 16)
    m.line("page", "Helvetica-Bold", 16)
    m.line("Its text.")
    m.save()
    doc = prepare_document(load_document(tmp_path / "heads.pdf", tmp_path, max_bytes=100_000))
    assert [text for kind, text in blocks(doc) if kind == "heading"] == [
        "Preview controls", "Live reloading",
        "A title long enough that the typesetter had to break it over two lines of the page"]
