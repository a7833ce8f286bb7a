"""Loading: each format, each kind of bad file, sidecars, discovery, and the bundled corpus."""
from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qa.config import DEFAULT_CORPUS
from qa.errors import CorpusError
from qa.ingest.load import RawDocument, Skipped, Unreadable, iter_corpus_files, load_corpus, load_document

HTML = b"""<!doctype html><html><head><meta charset="utf-8"><title> The
 Page </title><style>.x { color: red }</style><script>var hidden = 1;</script></head>
<body><header>Site header</header><nav><a href="/">Home</a></nav>
<article><h1>Main <em>heading</em></h1><p>First paragraph with <b>bold</b>
   text.</p><script>alert("no")</script><h2>Second section</h2><div>Div text</div>
<ul><li>one</li><li>two</li></ul><table><tr><td>a</td><td>b</td></tr></table></article>
<footer>Copyright footer</footer></body></html>"""


def write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def make_pdf(path: Path, pages: list[str], *, title: str | None = None, encrypt: str | None = None) -> Path:
    canvas = pytest.importorskip("reportlab.pdfgen.canvas")  # only the PDF tests need reportlab
    pdf = canvas.Canvas(str(path), encrypt=encrypt)
    if title:
        pdf.setTitle(title)
    for text in pages:
        if text:
            pdf.drawString(72, 720, text)
        else:
            pdf.rect(72, 600, 100, 100)  # a page with a drawing and no text
        pdf.showPage()
    pdf.save()
    return path


def load_one(folder: Path, name: str, data: bytes | str, **kw: int) -> RawDocument:
    return load_document(write(folder, name, data), folder, max_bytes=kw.get("max_bytes", 10_000))


def skip_reason(folder: Path, caplog: pytest.LogCaptureFixture) -> str:
    with caplog.at_level(logging.WARNING, logger="qa.ingest.load"):
        docs, skipped = load_corpus(folder, max_bytes=10_000)
    assert docs == [] and len(skipped) == 1
    assert skipped[0].source in caplog.text and skipped[0].reason in caplog.text
    return skipped[0].reason


def test_txt(tmp_path: Path) -> None:
    data = "\ufeffFirst line.\r\nSecond line, café.\n".encode()
    doc = load_one(tmp_path, "my_notes-2024.txt", data)
    assert doc.text == "First line.\r\nSecond line, café.\n"
    assert (doc.format, doc.title, doc.kind, doc.publisher, doc.date) == (
        "txt", "My notes 2024", "document", None, None)
    assert doc.raw_sha256 == hashlib.sha256(data).hexdigest() and doc.page_starts == ()


def test_utf16_with_bom(tmp_path: Path) -> None:
    assert load_one(tmp_path, "u.txt", "Grüße aus Köln".encode("utf-16")).text == "Grüße aus Köln"


def test_markdown_title_from_first_heading(tmp_path: Path) -> None:
    text = "Intro line\n\n# The *Real* Title #\n\n## Sub\n\nBody.\n"
    doc = load_one(tmp_path, "notes.markdown", text)
    assert (doc.format, doc.title, doc.text) == ("md", "The *Real* Title", text)


def test_markdown_front_matter_is_metadata_and_its_title_and_description_head_the_page(tmp_path: Path) -> None:
    from qa.ingest.clean import clean_text

    def cleaned(name: str, text: str):
        doc = load_one(tmp_path, name, text)
        return doc, clean_text(doc.text, fmt=doc.format, headings=doc.headings, blocks=doc.blocks)

    text = ('---\ntitle: npm-pack\nsection: 1\ndescription: "Create a tarball from a package"\n'
            'date: 2024-03-05\nauthor: The npm team\ntags:\n  - cli\n---\n\n### Synopsis\n\n```bash\nnpm pack\n```\n\n'
            '### Description\n\nFor anything that\'s installable.\n')
    doc, clean = cleaned("npm-pack.md", text)
    assert (doc.title, doc.date, doc.author) == ("npm-pack", "2024-03-05", "The npm team")
    assert clean.text.split("\n\n") == ["npm-pack", "Create a tarball from a package", "Synopsis", "npm pack",
                                         "Description", "For anything that's installable."]
    assert [s.title for s in clean.sections] == ["npm-pack › Create a tarball from a package › Synopsis",
                                                 "Description"]
    # a body with its own "#" heading keeps it as the page's first heading; the front matter's title is metadata
    own, clean = cleaned("own.md", "---\ntitle: Short\n---\n# The Guide\n\nBody text.\n")
    assert (own.title, clean.text) == ("Short", "The Guide\n\nBody text.")
    # a rule and a paragraph that only look like a front matter stay text
    ruled, clean = cleaned("ruled.md", "---\nNot metadata, a sentence.\n---\n\nMore text.\n")
    assert clean.text == "Not metadata, a sentence.\n\nMore text." and ruled.title == "Ruled"


def test_html_visible_text_with_block_structure(tmp_path: Path) -> None:
    doc = load_one(tmp_path, "page.HTM", HTML)
    assert (doc.format, doc.title, doc.kind) == ("html", "Main heading", "web page")
    for hidden in ("hidden", "alert", "color", "Site header", "Home", "Copyright", "The Page"):
        assert hidden not in doc.text
    assert doc.text.split("\n\n") == [
        "Main heading", "First paragraph with bold text.", "Second section", "Div text", "one", "two", "a | b"]


def test_html_in_the_charset_it_declares_is_read_as_a_browser_reads_it(tmp_path: Path) -> None:
    page = '<html><head><meta charset="iso-8859-1"><title>Caf\xe9</title></head><body><p>Caf\xe9 \x93menu\x94</p>'
    write(tmp_path, "old.html", page.encode("latin-1"))
    doc = load_document(tmp_path / "old.html", tmp_path, max_bytes=100_000)
    assert doc.text == "Café “menu”" and doc.title == "Café"


def test_a_layout_table_is_read_as_the_page_it_holds(tmp_path: Path) -> None:
    # a hand-written site's layout: menus and content in the cells of one table, a data table nested in it
    page = (b"<table><tr><td><h1>The XSLT C library for GNOME</h1><h2>The programming API</h2></td></tr>"
            b"<tr><td>Main Menu</td><td><h3>Function: xsltApplyImports</h3><p>Process the element.</p>"
            b"<table><tr><td><tt>ctxt</tt>:</td><td>the transform context</td></tr></table></td></tr></table>")
    doc = load_one(tmp_path, "api.html", page)
    blocks = [(doc.text[s:e], kind) for s, e, kind in doc.blocks]
    assert ("The XSLT C library for GNOME", "heading") in blocks and ("The programming API", "heading") in blocks
    assert ("Function: xsltApplyImports", "heading") in blocks and ("Process the element.", "text") in blocks
    assert ("ctxt: | the transform context", "table row") in blocks
    assert "GNOMEThe" not in doc.text and "Main MenuFunction" not in doc.text


def test_html_fallback_keeps_article_header_and_pre_lines() -> None:
    from bs4 import BeautifulSoup

    from qa.ingest.formats.html import visible_blocks

    html = "<article><header><h1>Headline</h1></header><pre>x = 1\n  y = 2</pre>A<br>B</article>"
    assert visible_blocks(BeautifulSoup(html, "html.parser")) == [
        ("Headline", "heading"), ("x = 1\n  y = 2", "code"), ("A", "text"), ("B", "text")]


def test_html_without_main_text_falls_back_to_visible_text(tmp_path: Path) -> None:
    doc = load_one(tmp_path, "bare.html", "<html><head><title>Bare</title></head><body><nav>Menu</nav>"
                   "<div>Just a div line.</div><h1>Title only</h1></body></html>")
    assert (doc.title, doc.text, doc.headings) == ("Bare", "Just a div line.\n\nTitle only", (18,))


def test_pdf_pages_and_page_starts(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "report.pdf", ["Page one text.", "", "Page three text."], title="PDF Title")
    doc = load_document(path, tmp_path, max_bytes=100_000)
    assert (doc.format, doc.title, doc.kind) == ("pdf", "PDF Title", "pdf document")
    assert len(doc.page_starts) == 3 and doc.page_starts[0] == 0
    pages = [doc.text[a:b].strip() for a, b in zip(doc.page_starts, [*doc.page_starts[1:], len(doc.text)])]
    assert pages == ["Page one text.", "", "Page three text."]


def test_two_page_pdf_without_title_uses_stem(tmp_path: Path) -> None:
    doc = load_document(make_pdf(tmp_path / "annual_report.pdf", ["Alpha", "Beta"]), tmp_path, max_bytes=10**6)
    assert doc.text == "Alpha\n\nBeta" and doc.page_starts == (0, 7) and doc.title == "Annual report"


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("bin.txt", b"abc\x00\x01\x02def", "binary file"),
    ("latin1.txt", "caf\xe9 au lait".encode("latin-1"), "not valid UTF-8"),
    ("latin1.html", b'<meta charset="utf-8"><p>caf\xe9</p>', "declares charset utf-8, which does not decode it"),
    ("undeclared.html", b'<p>caf\xe9</p>', "not valid UTF-8"),
    ("bad.pdf", b"%PDF-1.4\nthis is not really a pdf", "corrupt PDF"),
    ("truncated.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", "corrupt PDF"),
    ("empty.md", b"", "empty file"),
    ("blank.txt", b" \n\t\r\n ", "empty file"),
    ("bom-only.txt", b"\xef\xbb\xbf\n", "empty file"),
    ("scripts.html", b"<html><head><title>T</title></head><body><script>x()</script></body></html>",
     "no visible text"),
    ("big.txt", b"x" * 10_001, "larger than 10000 bytes"),
])
def test_bad_files_are_skipped(tmp_path: Path, caplog: pytest.LogCaptureFixture, name: str, data: bytes,
                               reason: str) -> None:
    write(tmp_path, name, data)
    assert reason in skip_reason(tmp_path, caplog)


def test_pdf_without_text_is_skipped(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    make_pdf(tmp_path / "scan.pdf", ["", ""])
    assert skip_reason(tmp_path, caplog) == "no extractable text (scanned PDF?)"


def test_encrypted_pdf_is_skipped(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    make_pdf(tmp_path / "secret.pdf", ["Top secret"], encrypt="password")
    assert "encrypted PDF" in skip_reason(tmp_path, caplog)


def test_bad_file_does_not_stop_the_load(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", b"\xfd\xfe not text")
    write(tmp_path, "b.txt", "Good text.")
    docs, skipped = load_corpus(tmp_path)
    assert [d.source for d in docs] == ["b.txt"] and [s.source for s in skipped] == ["a.txt"]
    assert isinstance(skipped[0], Skipped)


def test_sidecar_metadata(tmp_path: Path) -> None:
    meta = {"title": "Real Title", "publisher": "Pub", "date": "2020-01-02", "kind": "blog", "extra": 1}
    write(tmp_path, "a.txt.meta.json", json.dumps(meta))
    doc = load_one(tmp_path, "a.txt", "Some text.")
    assert (doc.title, doc.publisher, doc.date, doc.kind) == ("Real Title", "Pub", "2020-01-02", "blog")


@pytest.mark.parametrize("sidecar", ["{not json", "[1, 2]", '"text"', '{"title": 3}', "\xff"])
def test_bad_sidecar_keeps_document_with_defaults(tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                                  sidecar: str) -> None:
    write(tmp_path, "page.html.meta.json", sidecar)
    write(tmp_path, "page.html", "<title>From HTML</title><p>Body.</p>")
    with caplog.at_level(logging.WARNING, logger="qa.ingest.load"):
        docs, skipped = load_corpus(tmp_path)
    assert skipped == [] and (docs[0].title, docs[0].kind, docs[0].text) == ("From HTML", "web page", "Body.")
    assert "page.html.meta.json" in caplog.text


def test_recursion_sorting_and_hidden_files(tmp_path: Path) -> None:
    for name in ("z.txt", "sub/deeper/b.MD", "sub/a.html", "A.pdf.txt", ".hidden.txt", ".git/x.txt",
                 "sub/.cache/y.txt", "notes.xlsx", "x.txt.meta.json", "readme"):
        write(tmp_path, name, "<p>text</p>")
    expected = ["A.pdf.txt", "sub/a.html", "sub/deeper/b.MD", "z.txt"]
    assert [p.relative_to(tmp_path).as_posix() for p in iter_corpus_files(tmp_path)] == expected
    docs, skipped = load_corpus(tmp_path)
    assert [d.source for d in docs] == expected
    assert [s.source for s in skipped] == [".git", ".hidden.txt", "sub/.cache"]  # hidden: listed, not dropped
    assert all("hidden" in s.reason for s in skipped)
    assert docs[2].format == "md" and docs[2].path == tmp_path / "sub" / "deeper" / "b.MD"


def test_missing_folder(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(CorpusError, match=r"Corpus folder .*nope does not exist\. Create it .*--corpus DIR"):
        load_corpus(missing)


def test_a_file_given_as_the_corpus_folder(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("A file, not a folder.", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"Corpus folder .*notes\.txt is a file, not a folder\. .*--corpus DIR"):
        load_corpus(tmp_path / "notes.txt")


def test_unsupported_file_named_directly(tmp_path: Path) -> None:
    with pytest.raises(Unreadable, match=r"unsupported file type '\.xlsx'"):
        load_one(tmp_path, "a.xlsx", "text")


def test_empty_folder_gives_empty_lists(tmp_path: Path) -> None:
    write(tmp_path, "ignored.csv", "a,b")
    assert load_corpus(tmp_path) == ([], [])


def test_default_corpus_loads_with_sidecars() -> None:
    docs, skipped = load_corpus(DEFAULT_CORPUS)
    assert skipped == [] and len(docs) == 2
    by_kind = {d.kind: d for d in docs}
    assert by_kind["blog"].title.startswith("The Battle of Khalkhin Gol")
    assert by_kind["blog"].publisher == "Thin Line News" and by_kind["blog"].date == "2022-12-07"
    assert by_kind["encyclopedia mirror"].title == "Soviet–Japanese border conflicts"
    assert by_kind["encyclopedia mirror"].date is None
    assert all(d.format == "txt" and "Khalkhin Gol" in d.text for d in docs)
    assert all(d.url is None for d in docs)  # neither capture states its own address


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(st.characters(codec="utf-8", exclude_characters="\x00"),
               min_size=1).filter(lambda t: t.removeprefix("\ufeff").strip()))
def test_text_round_trips_exactly(tmp_path: Path, text: str) -> None:
    doc = load_one(tmp_path, "t.txt", text.encode("utf-8"), max_bytes=10**6)
    assert doc.text == text.removeprefix("\ufeff")
