"""qa.app.ui_docs: the documents view and landing page: escaping, the marked quote, natural title order, the
table rows, the corpus line, and example questions drawn from headings."""
from __future__ import annotations

from qa import Document, Section
from qa.app import ui_docs


def _doc(source: str, title: str, text: str = "Some text.", sections: tuple[Section, ...] = (),
         kind: str = "document") -> Document:
    return Document(source=source, title=title, kind=kind, format="txt", text=text, sha256="0" * 64,
                    raw_sha256="0" * 64, sections=sections, sentences=((0, len(text)),))


def test_text_is_escaped_and_the_quote_is_marked_once():
    text = "Before <b>bold</b> {x} $y `z`. The quote is here. After."
    doc = _doc("a.txt", "A", text)
    start = text.index("The quote")
    html = ui_docs.document_html(doc, start=start, end=start + len("The quote is here."))
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "{x}" not in html and "$y" not in html  # nothing a template could read
    assert html.count(f'id="{ui_docs.TARGET_ID}"') == 1
    assert ui_docs.esc("<&>\"'") == "&lt;&amp;&gt;&quot;&#x27;"


def test_titles_sort_naturally_in_rows_and_pickers():
    docs = {s: _doc(s, t) for s, t in (("c.txt", "10. Tuning"), ("a.txt", "2. Setup"), ("b.txt", "1. Intro"))}
    manifest = {"documents": {"a.txt": {"chunks": 3, "indexed_at": "2026-11-22T00:34:16Z"}}}
    rows = ui_docs.document_rows(docs, manifest)
    assert [r[0] for r in rows] == ["1. Intro", "2. Setup", "10. Tuning"]
    assert rows[1] == ["2. Setup", "document", 3, "2026-11-22 00:34 UTC", "a.txt"]
    assert [s for _, s in ui_docs.source_choices(docs)] == ["b.txt", "a.txt", "c.txt"]


def test_the_corpus_line_names_topics_and_kinds():
    docs = [_doc(f"{n}.txt", f"Battle {n}: a subtitle", kind="blog") for n in range(6)]
    line = ui_docs.corpus_blurb(docs)
    assert "6 documents" in line and "(blog)" in line and "Battle 0" in line and "subtitle" not in line
    assert "and 2 more" in line
    assert "No documents" in ui_docs.corpus_blurb([])


def test_example_questions_come_from_headings_documents_in_turn():
    a = _doc("a.txt", "Battle of Lake Khasan", sections=(Section("How to cross the river", 0, 5),
                                                         Section("Boolean Operations", 5, 10)))
    b = _doc("b.txt", "csv.reader(csvfile, dialect='excel')", sections=(Section("Why is the sky blue?", 0, 5),))
    assert ui_docs.example_questions([a, b]) == [
        "When was the Battle of Lake Khasan?", "What does csv.reader() do?",
        "How do I cross the river?", "Why is the sky blue?",
    ]
    assert len(ui_docs.example_questions([a, b], limit=1)) == 3  # three candidates a question wanted
    assert ui_docs.question_from_heading("Boolean Operations") is None


def test_a_manual_page_asks_what_its_command_and_its_options_do():
    page = _doc("grep.1.gz", "grep(1)", sections=(Section("NAME", 0, 5), Section("-v, --invert-match", 5, 10),
                                                   Section("OPTIONS › -n › --line-number", 10, 15)))
    assert ui_docs.example_questions([page]) == ["What does grep do?", "What does grep -v do?",
                                                 "What does grep -n do?"]
    # a title written like a call is one only where the page is no manual page
    assert ui_docs.question_from_heading("grep(1)") == "What does grep() do?"
