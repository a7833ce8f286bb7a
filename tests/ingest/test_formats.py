"""Format readers on small files the tests write themselves: Word, EPUB, PDF, web pages with metadata.

Each format: its text and sections, what its citations point to (line, page or paragraph), its own
metadata, a sidecar overriding it, and a broken file skipped with a reason.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import logging
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa.indexing.build import prepare_document
from qa.ingest.clean import clean_text
from qa.ingest.formats import SUPPORTED, from_paragraphs
from qa.ingest.formats.pdf import pdf_date
from qa.ingest.load import RawDocument, load_corpus, load_document

from .test_clean import check_invariants
from .test_load import make_pdf, write

CANONICAL = "https://coast-post.example/news/quimby-lighthouse"
PAGE = f"""<!doctype html><html><head><meta charset="utf-8"><title>Lighthouse | Coast Post</title>
<link rel="canonical" href="{CANONICAL}">
<meta property="og:site_name" content="Coast Post"><meta name="author" content="Ada Marsh">
<meta property="article:published_time" content="2021-03-04T10:00:00Z"></head>
<body><header><nav><a href="/">Home</a> <a href="/about">About us</a></nav></header>
<article><h1>The Quimby Lighthouse</h1>
<p>The Quimby Lighthouse was built in 1887 by the engineer Ottoline Vask, who lined its lamp room with green
glass.</p><h2>Later years</h2><p>The light was automated in 1961. Visitors climb its 212 steps on weekends.</p>
</article><aside><h3>Most read</h3><ul><li><a href="/x">A story about ferries</a></li></ul></aside>
<footer>Copyright 2024 Coast Post. All rights reserved.</footer></body></html>"""


def make_docx(path: Path, blocks: list[tuple[str, str]], **props: object) -> Path:
    """A .docx of ``(style, text)`` paragraphs; style "table" makes a one-row table of ``|``-separated cells."""
    import docx

    document = docx.Document()
    for style, text in blocks:
        if style == "table":
            cells = text.split("|")
            table = document.add_table(rows=1, cols=len(cells))
            for cell, value in zip(table.rows[0].cells, cells):
                cell.text = value
        else:
            document.add_paragraph(text, style=style)
    for key, value in props.items():
        setattr(document.core_properties, key, value)
    document.save(path)
    return path


def make_epub(path: Path, chapters: list[tuple[str, str]], **meta: str) -> Path:
    """An .epub of ``(toc title, xhtml body)`` chapters, with Dublin Core ``meta`` (title, creator, ...)."""
    from ebooklib import epub

    book = epub.EpubBook()
    book.set_identifier(meta.pop("identifier", "urn:uuid:1234"))
    book.set_title(meta.pop("title", "A Book"))
    for name, value in meta.items():
        book.add_metadata("DC", name, value)
    items = []
    for n, (title, body) in enumerate(chapters, 1):
        item = epub.EpubHtml(title=title, file_name=f"chapter{n}.xhtml", lang="en")
        item.content = f"<html><body>{body}</body></html>"
        book.add_item(item)
        items.append(item)
    book.toc = items
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", *items]
    epub.write_epub(str(path), book)
    return path


def load(path: Path) -> RawDocument:
    return load_document(path, path.parent, max_bytes=10**7)


def skip_reason(folder: Path, caplog: pytest.LogCaptureFixture) -> str:
    with caplog.at_level(logging.WARNING, logger="qa.ingest.load"):
        docs, skipped = load_corpus(folder, max_bytes=10**7)
    assert docs == [] and len(skipped) == 1 and skipped[0].reason in caplog.text
    return skipped[0].reason


def test_supported_types_have_one_home() -> None:
    from qa.app import uploads
    from qa.ingest import load

    assert set(SUPPORTED) >= {".txt", ".md", ".html", ".htm", ".pdf", ".docx", ".epub"}
    assert load.SUPPORTED is SUPPORTED and uploads.UPLOAD_TYPES is SUPPORTED


# ---------------------------------------------------------------- Word

def test_docx_paragraphs_headings_tables_and_properties(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "report.docx", [
        ("Title", "Harbour Report"), ("Normal", "The harbour opened in 1850."), ("Normal", ""),
        ("Heading 1", "Trade"), ("Normal", "Grain left by ship."), ("table", "Year|Tons"),
        ("Heading 2", "Fish"), ("List Bullet", "Herring was landed daily."),
    ], title="Harbour report 2020", author="R. Quay", created=dt.datetime(2020, 5, 17, 9, 30))
    doc = load(path)
    assert (doc.format, doc.kind, doc.title, doc.author, doc.date, doc.url) == (
        "docx", "word document", "Harbour report 2020", "R. Quay", "2020-05-17", None)
    assert doc.text.split("\n\n") == ["Harbour Report", "The harbour opened in 1850.", "Trade",
                                      "Grain left by ship.", "Year | Tons", "Fish", "Herring was landed daily."]
    document = prepare_document(doc)
    assert [s.title for s in document.sections] == ["Harbour Report", "Trade", "Fish"]
    at = document.text.index("Herring")
    assert document.section_at(at) == "Fish"
    assert document.location(at) == {"raw_offset": doc.text.index("Herring"), "line": None, "page": None,
                                      "paragraph": 7}


def test_docx_code_and_lists_are_blocks_and_each_code_line_is_its_paragraph(tmp_path: Path) -> None:
    """A code style or a monospaced paragraph is code: consecutive ones are one block with their lines and
    indentation, and a citation still names the paragraph of the file."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt

    document = docx.Document()
    document.styles.add_style("Code", WD_STYLE_TYPE.PARAGRAPH)  # as a template's own code style
    document.add_paragraph("Setup", style="Heading 1")
    document.add_paragraph("Run this:")
    for line in ("for host in hosts:", "    ping(host)"):
        run = document.add_paragraph().add_run(line)
        run.font.name, run.font.size = "Courier New", Pt(10)
    document.add_paragraph("")
    document.add_paragraph("print('done')", style="Code")
    document.add_paragraph("Check the log.", style="List Number")
    document.save(tmp_path / "setup.docx")
    document = prepare_document(load(tmp_path / "setup.docx"))
    assert [(kind, document.text[start:end]) for start, end, kind in document.blocks] == [
        ("heading", "Setup"), ("text", "Run this:"), ("code", "for host in hosts:\n    ping(host)\n\nprint('done')"),
        ("list item", "Check the log.")]
    for text, paragraph in (("ping(host)", 4), ("print('done')", 5), ("Check the log.", 6)):
        assert document.location(document.text.index(text))["paragraph"] == paragraph


def test_docx_superscript_reads_raised_off_the_word_before_it(tmp_path: Path) -> None:
    """Word raises "31" in "2" "31" "-1": read as plain text it would say 231-1."""
    import docx

    document = docx.Document()
    paragraph = document.add_paragraph("A value may be up to 2")
    for text, raised in (("31", True), ("-1, the 1", False), ("st", True), (" row, x ", False), ("2", True),
                         (" or a note", False), ("[4]", True), (".", False)):
        paragraph.add_run(text).font.superscript = raised
    document.save(tmp_path / "limits.docx")
    assert load(tmp_path / "limits.docx").text == "A value may be up to 2^31-1, the 1st row, x 2 or a note[4]."


def test_docx_heading_never_dropped_as_site_chrome(tmp_path: Path) -> None:
    """Shape rules are for plain captures: a styled heading "SUMMARY" opens a section, a short
    unstyled line is prose, not a heading."""
    path = make_docx(tmp_path / "memo.docx", [("Heading 1", "SUMMARY"), ("Normal", "Costs rose."),
                                              ("Normal", "Milk and eggs"), ("Normal", "Prices fell.")])
    document = prepare_document(load(path))
    assert document.text == "SUMMARY\n\nCosts rose.\n\nMilk and eggs\n\nPrices fell."
    assert [(s.title, s.start) for s in document.sections] == [("SUMMARY", 0)]


@pytest.mark.parametrize(("data", "reason"), [
    (b"PK\x03\x04 this is no zip", "corrupt Word file"),
    (b"plain text renamed to docx", "corrupt Word file"),
])
def test_broken_docx_is_skipped(tmp_path: Path, caplog: pytest.LogCaptureFixture, data: bytes, reason: str) -> None:
    write(tmp_path, "broken.docx", data)
    assert reason in skip_reason(tmp_path, caplog)


def test_docx_that_is_another_zip_is_skipped(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    import zipfile

    with zipfile.ZipFile(tmp_path / "archive.docx", "w") as z:
        z.writestr("readme.txt", "not a Word document")
    assert "Word" in skip_reason(tmp_path, caplog)


def test_empty_docx_is_skipped(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    make_docx(tmp_path / "empty.docx", [("Normal", "")])
    assert skip_reason(tmp_path, caplog) == "no text in the document"


# ---------------------------------------------------------------- EPUB

def test_epub_chapters_are_sections(tmp_path: Path) -> None:
    path = make_epub(tmp_path / "book.epub", [
        ("Departure", "<h1>Departure</h1><p>The ship left at dawn.</p><p>Gulls followed it.</p>"),
        ("The Storm", "<p>Rain fell for three days.</p>"),  # no heading of its own: its TOC title opens it
    ], title="Sea Book", creator="M. Tide", publisher="Harbour Press", date="2019-04-01T00:00:00Z",
        source="https://books.example/sea-book")
    doc = load(path)
    assert (doc.format, doc.kind, doc.title, doc.author, doc.publisher, doc.date, doc.url) == (
        "epub", "ebook", "Sea Book", "M. Tide", "Harbour Press", "2019-04-01", "https://books.example/sea-book")
    document = prepare_document(doc)
    assert document.text == ("Departure\n\nThe ship left at dawn.\n\nGulls followed it.\n\nThe Storm\n\n"
                             "Rain fell for three days.")
    assert [s.title for s in document.sections] == ["Departure", "The Storm"]
    rain = document.text.index("Rain")
    assert (document.section_at(rain), document.location(rain)["paragraph"]) == ("The Storm", 5)


def test_epub_chapters_keep_code_lists_and_tables_as_blocks(tmp_path: Path) -> None:
    """A programming book's code keeps its lines and indentation, as on a web page."""
    path = make_epub(tmp_path / "code.epub", [("Loops", (
        "<h1>Loops</h1><p>A loop:</p><pre>for x in xs:\n    if x:\n        print(x)</pre>"
        "<ul><li>Fast.</li><li>Short.</li></ul><table><tr><td>break</td><td>stops it</td></tr></table>"))])
    document = prepare_document(load(path))
    kinds = [(kind, document.text[start:end]) for start, end, kind in document.blocks]
    assert kinds == [("heading", "Loops"), ("text", "A loop:"), ("code", "for x in xs:\n    if x:\n        print(x)"),
                     ("list item", "Fast."), ("list item", "Short."), ("table row", "break | stops it")]


def test_epub_without_source_url_has_no_url(tmp_path: Path) -> None:
    doc = load(make_epub(tmp_path / "b.epub", [("One", "<p>Text.</p>")], identifier="isbn-978"))
    assert doc.url is None and doc.author is None


@pytest.mark.parametrize("data", [b"PK\x03\x04 broken zip", b"not an epub at all"])
def test_broken_epub_is_skipped(tmp_path: Path, caplog: pytest.LogCaptureFixture, data: bytes) -> None:
    write(tmp_path, "broken.epub", data)
    assert "corrupt EPUB" in skip_reason(tmp_path, caplog)


# ---------------------------------------------------------------- PDF

def test_pdf_page_of_every_quote(tmp_path: Path) -> None:
    pages = ["Alpha page text.", "", "Gamma page text.", "Delta page text."]
    doc = load(make_pdf(tmp_path / "r.pdf", pages, title="Report"))
    document = prepare_document(doc)
    for number, text in enumerate(pages, 1):
        if text:
            where = document.location(document.text.index(text))
            assert (where["page"], where["line"], where["paragraph"]) == (number, None, None)


def test_pdf_metadata(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(tmp_path / "m.pdf"))
    pdf.setTitle("Tide Tables")
    pdf.setAuthor("Port Office")
    pdf.drawString(72, 720, "High water at noon.")
    pdf.save()
    doc = load(tmp_path / "m.pdf")
    assert (doc.title, doc.author, doc.date) == ("Tide Tables", "Port Office", dt.date.today().isoformat())
    assert pdf_date("D:19991231") == "1999-12-31"


def test_pdf_readers_agree(tmp_path: Path) -> None:
    """PDFium (the reader) and pypdf (its fallback) give the same page texts, blank pages included."""
    from qa.ingest.formats.pdf import _pdfium_pages, _pypdf_pages

    data = make_pdf(tmp_path / "ok.pdf", ["First page.", "", "Third page."], title="T").read_bytes()
    assert _pdfium_pages(data)[0] == _pypdf_pages(data)[0] == ["First page.", "", "Third page."]
    assert _pdfium_pages(data)[1]["Title"] == _pypdf_pages(data)[1]["Title"] == "T"


# ---------------------------------------------------------------- web pages

def test_html_main_text_and_metadata(tmp_path: Path) -> None:
    doc = load(write(tmp_path, "lighthouse.html", PAGE))
    assert (doc.url, doc.date, doc.author, doc.publisher) == (CANONICAL, "2021-03-04", "Ada Marsh", "Coast Post")
    assert doc.title == "The Quimby Lighthouse"
    assert "green glass" in doc.text and "Later years" in doc.text
    for chrome in ("About us", "ferries", "Copyright", "Most read"):
        assert chrome not in doc.text
    document = prepare_document(doc)
    assert document.section_at(document.text.index("automated")) == "Later years"
    assert document.location(document.text.index("automated"))["paragraph"] == 4  # headline, text, heading, text


def test_html_date_is_never_guessed_from_a_copyright_line(tmp_path: Path) -> None:
    undated = PAGE.replace('<meta property="article:published_time" content="2021-03-04T10:00:00Z">', "")
    doc = load(write(tmp_path, "undated.html", undated))
    assert doc.date is None and doc.url == CANONICAL


def test_sidecar_overrides_the_files_own_metadata(tmp_path: Path) -> None:
    write(tmp_path, "lighthouse.html", PAGE)
    write(tmp_path, "lighthouse.html.meta.json", json.dumps(
        {"title": "Quimby", "url": "https://archive.example/quimby", "date": None, "kind": "news"}))
    doc = load(tmp_path / "lighthouse.html")
    assert (doc.title, doc.url, doc.date, doc.kind, doc.author) == (
        "Quimby", "https://archive.example/quimby", "2021-03-04", "news", "Ada Marsh")


def test_plain_text_cites_lines(tmp_path: Path) -> None:
    document = prepare_document(load(write(tmp_path, "n.txt", "Intro line.\n\nSecond paragraph here.\n")))
    assert document.location(document.text.index("Second")) == {
        "raw_offset": 13, "line": 3, "page": None, "paragraph": None}


def test_io_error_text_never_leaks_a_traceback(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    write(tmp_path, "page.html", b"\xff\xfe\x00broken")
    reason = skip_reason(tmp_path, caplog)
    assert "Traceback" not in reason and reason


def test_docx_and_epub_bytes_in_memory_round_trip(tmp_path: Path) -> None:
    """The readers work from bytes (as uploads arrive), not from a path."""
    from qa.ingest.formats import extract

    data = make_docx(tmp_path / "a.docx", [("Normal", "In memory.")]).read_bytes()
    assert extract("docx", io.BytesIO(data).getvalue()).text == "In memory."


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=60),
                          st.booleans()), max_size=12))
def test_marked_headings_open_sections_and_keep_the_offset_map(paragraphs: list[tuple[str, bool]]) -> None:
    """Any paragraphs a reader produces, any of them marked as headings: the cleaner keeps its invariants,
    and every marked heading that survives cleaning starts a section."""
    found = from_paragraphs(paragraphs)
    cleaned = clean_text(found.text, fmt="docx", headings=found.headings)
    check_invariants(found.text, cleaned)
    for at in found.headings or ():
        clean_at = next((c for c, r, n in cleaned.segments if r == at), None)
        if clean_at is None or not cleaned.sections:  # cleaned away, or a text of headings only
            continue
        heading = cleaned.text[clean_at:].split("\n\n")[0]
        section = next((s for s in cleaned.sections if s.start <= clean_at < s.end), None)
        assert section is not None and heading in section.title.split(" › "), (heading, cleaned.sections)
