"""Code as an answer: a quote says what block it is, takes in the code its "...:" sentence introduces, and
every view (CLI, web UI, Copy, Markdown export, source panel) shows code as code, line breaks kept."""
from __future__ import annotations

import subprocess
import sys

import pytest

from qa import ask
from qa.answering.answer import verify
from qa.app.export import conversation_markdown, quote_with_citation
from qa.app.ui import quote_html
from qa.app.ui_docs import document_html, document_rows, example_questions
from qa.cli_text import render_text

from .conftest import ROOT, index_of

PAGE = """<html><head><title>Venv guide</title></head><body><main>
<h1>Virtual environments</h1>
<p>A virtual environment keeps the packages of one project apart from those of every other project.</p>
<h2>Creating one on Windows</h2>
<p>On Windows, create and activate the environment with these commands:</p>
<pre>py -m venv .venv
.venv\\Scripts\\activate
    (the prompt changes)</pre>
<h2>Creating one on Linux</h2>
<pre>python3 -m venv tutorial-env</pre>
<p>This makes the tutorial-env folder with a copy of the interpreter inside it.</p>
<h2>Removing one</h2><p>Delete the folder of the environment; nothing else refers to it.</p>
<table><tr><th>Platform</th><th>Activation script</th></tr><tr><td>POSIX</td><td>bin/activate</td></tr></table>
</main></body></html>"""


@pytest.fixture(scope="module")
def venv_index(tmp_path_factory):
    return index_of(tmp_path_factory.mktemp("code"), {"venv.html": PAGE})


def test_a_sentence_ending_in_a_colon_brings_its_code(venv_index) -> None:
    answer = ask("How do I create and activate a virtual environment on Windows?", index=venv_index, k=3)
    assert not answer.abstained
    code = [q for q in answer.quotes if q.block == "code"]
    assert code, [q.text for q in answer.quotes]
    q = code[0]
    assert q.text.startswith("On Windows, create and activate") and q.text.endswith("    (the prompt changes)")
    assert q.code() == ("On Windows, create and activate the environment with these commands:",
                        "py -m venv .venv\n.venv\\Scripts\\activate\n    (the prompt changes)", "")
    verify(q, venv_index)
    assert q.section == "Virtual environments › Creating one on Windows" or q.section == "Creating one on Windows"


def test_code_a_quote_brings_is_not_quoted_again(venv_index) -> None:
    """The quotes of an answer never overlap in what they show: the block an "...:" sentence brings is not a
    quote of its own as well, whichever of the two ranks first."""
    for question in ("How do I create and activate a virtual environment on Windows?",
                     "Which commands create and activate the environment on Windows?",
                     "What does py -m venv .venv do?"):
        answer = ask(question, index=venv_index, k=5)
        shown = [(q.source, q.start, q.end) for q in answer.quotes + answer.related]
        for n, (source, start, end) in enumerate(shown):
            for other in shown[:n]:
                assert other[0] != source or other[2] <= start or end <= other[1], (question, shown)
        assert sum("py -m venv .venv" in q.text for q in answer.quotes) <= 1, [q.text for q in answer.quotes]


def test_code_then_the_sentence_that_leans_on_it_is_code_then_prose(venv_index) -> None:
    """A code block and the sentence after it ("This makes ...") are quoted together; only the block is code."""
    doc = venv_index.document("venv.html")
    start, end = doc.text.index("python3 -m venv"), doc.text.index("inside it.") + len("inside it.")
    assert doc.with_code(start, end) == (end, start, start + len("python3 -m venv tutorial-env"))
    answer = ask("What does python3 -m venv tutorial-env make?", index=venv_index, k=3)
    quotes = [q for q in answer.quotes if q.text.startswith("python3 -m venv") and q.text.endswith("inside it.")]
    assert quotes, [q.text for q in answer.quotes]
    q = quotes[0]
    verify(q, venv_index)
    assert (q.block, q.code_start, q.code_end) == ("code", start, start + len("python3 -m venv tutorial-env"))
    assert q.code() == ("", "python3 -m venv tutorial-env",
                        "This makes the tutorial-env folder with a copy of the interpreter inside it.")
    row = q.to_dict()
    assert quote_with_citation(row).startswith(
        "```\npython3 -m venv tutorial-env\n```\n\n“This makes the tutorial-env folder")
    html = quote_html(row, 1, "0-1")
    assert '<pre class="qa-code"><code>python3 -m venv tutorial-env</code></pre><p class="qa-after-code">This makes' \
        in html
    rendered = render_text({"question": "?", "abstained": False, "conflict": False, "conflict_note": None,
                            "quotes": [row], "related": [], "confidence": 0.5})
    assert "> ```\n> python3 -m venv tutorial-env\n> ```\n> “This makes the tutorial-env folder" in rendered
    md = conversation_markdown([{"question": "?", "answer": {"question": "?", "abstained": False, "conflict": False,
                                                             "conflict_note": None, "quotes": [row], "related": [],
                                                             "confidence": 0.5}}])
    assert "> ```\n> python3 -m venv tutorial-env\n> ```\n>\n> This makes the tutorial-env folder" in md


def test_blocks_of_a_document_and_quote_kinds(venv_index) -> None:
    doc = venv_index.document("venv.html")
    kinds = {doc.text[s:e]: kind for s, e, kind in doc.blocks}
    assert kinds["Platform | Activation script"] == "table row"
    at = doc.text.index("POSIX")
    assert doc.block_kind(at, at + 5) == "table row"
    assert doc.with_code(doc.text.index("A virtual"), doc.text.index("project.") + 8)[1] is None


def _code_quote() -> dict:
    intro, code = "On Windows, run:", "py -m venv .venv\n    .venv\\Scripts\\activate"
    text = f"{intro}\n\n{code}"
    return {"text": text, "source": "venv.html", "title": "Venv", "section": "Windows", "kind": "web page",
            "start": 100, "end": 100 + len(text), "score": 1.0, "context": text, "context_start": 100,
            "doc_sha256": "x", "line": None, "page": None, "url": None, "date": None, "paragraph": 4,
            "block": "code", "code_start": 100 + len(intro) + 2}


def test_every_view_shows_code_as_code() -> None:
    q = _code_quote()
    copy = quote_with_citation(q)
    assert copy.startswith("“On Windows, run:”\n\n```\npy -m venv .venv\n    .venv\\Scripts\\activate\n```\n— Venv")
    answer = {"question": "How?", "abstained": False, "conflict": False, "conflict_note": None, "quotes": [q],
              "related": [], "confidence": 0.9}
    md = conversation_markdown([{"question": "How?", "answer": answer}])
    assert "> On Windows, run:\n>\n> ```\n> py -m venv .venv\n>     .venv\\Scripts\\activate\n> ```" in md
    html = quote_html(q, 1, "0-1")
    assert '<pre class="qa-code"><code>py -m venv .venv\n    .venv\\Scripts\\activate</code></pre>' in html
    assert 'class="qa-block-code"' in html
    cli = render_text(answer)
    assert "> “On Windows, run:”\n> ```\n> py -m venv .venv\n>     .venv\\Scripts\\activate\n> ```" in cli


def test_every_view_shows_a_list_quote_item_by_item() -> None:
    # a sentence ending in ":" quoted with the short list it introduces: each item on a line of its own
    text = 'There are several levels, including:\n\n"silent"\n\n"error"\n\n"warn"'
    q = {**_code_quote(), "text": text, "end": 100 + len(text), "context": text, "block": "text", "code_start": None}
    answer = {"question": "Which?", "abstained": False, "conflict": False, "conflict_note": None, "quotes": [q],
              "related": [], "confidence": 0.9}
    assert render_text(answer).startswith('Q: Which?\n\n> “There are several levels, including:\n>\n> "silent"\n>\n'
                                          '> "error"\n>\n> "warn"”\n')
    md = conversation_markdown([{"question": "Which?", "answer": answer}])
    assert '> There are several levels, including:\n>\n> "silent"\n>\n> "error"\n>\n> "warn"\n' in md
    assert quote_with_citation(q).startswith(f"“{text}”\n— Venv")
    assert "<pre" not in quote_html(q, 1, "0-1")  # prose, its line breaks kept by the quote's style


def test_source_panel_shows_code_blocks_in_monospace(venv_index) -> None:
    doc = venv_index.document("venv.html")
    html = document_html(doc)
    assert '<span class="qa-code">py -m venv .venv\n.venv\\Scripts\\activate\n    (the prompt changes)</span>' in html
    start = doc.text.index(".venv\\Scripts")
    marked = document_html(doc, start=start, end=start + 10)
    assert 'class=qa-code>.venv\\Scri</mark>' in marked


def test_documents_sort_naturally_and_examples_are_questions(venv_index) -> None:
    class Doc:
        def __init__(self, title: str) -> None:
            self.title, self.kind, self.sections = title, "web page", ()

    docs = {f"{n}.html": Doc(f"{n}. Chapter") for n in (10, 2, 1)}
    assert [row[0] for row in document_rows(docs, {})] == ["1. Chapter", "2. Chapter", "10. Chapter"]
    assert example_questions(venv_index.documents.values()) == []  # no heading here names a question
    faq = Doc("FAQ")
    faq.sections = (type("S", (), {"title": "General › How do I install it?"})(),
                    type("S", (), {"title": "csv.reader(f, dialect='excel')"})())
    assert example_questions([faq]) == ["How do I install it?", "What does csv.reader() do?"]


def test_doc_into_a_closed_pipe_exits_quietly(tmp_path) -> None:
    # More text than a pipe holds (64 KiB), so the writer meets the closed pipe.
    big = "the river runs north " * 4000
    index = index_of(tmp_path, {"big.txt": big})
    command = (f"{sys.executable} -m qa doc big.txt --index {index.folder.parent} | head -c 10 >/dev/null; "
               "exit ${PIPESTATUS[0]}")
    done = subprocess.run(["bash", "-c", command], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr
    assert done.returncode in (0, 141)


MIRROR = """<html><head><title>Mirror tool guide</title></head><body><main>
<h1>The mirror tool</h1>
<p>The mirror tool copies a remote archive to a local folder and keeps it up to date.</p>
<h2>Retries</h2>
<p>A download that fails is tried again after a pause, and the number of retries defaults to three.</p>
<p>INTRO</p>
<pre>$ mirror config set retries 5
$ mirror config show retries</pre>
<p>The pause between tries doubles each time.</p>
<h2>Folders</h2>
<p>The local folder must exist before the first run; the tool never creates it.</p>
</main></body></html>"""


def test_a_sentence_is_read_with_the_code_it_brings(venv_index) -> None:
    """The ranker reads what a quote shows: a sentence that brings a code block ("... with these commands:") is
    scored on the code's words too, so a question put in the code's words finds it."""
    from qa.answering.features import unit_info
    from qa.answering.sentence_stats import stats
    from qa.indexing.lexical import tokenize
    from qa.records import Unit

    st = stats(venv_index)
    doc = venv_index.document("venv.html")
    intro = next(i for i, s in enumerate(venv_index.sentences)
                 if doc.text[s.start:s.end].startswith("On Windows, create and activate"))
    info = unit_info(st, venv_index, Unit.of(intro))
    assert info.code and len(info.shows) > 1
    code_terms = set(tokenize([".venv\\Scripts\\activate (the prompt changes)"])[0])
    assert code_terms <= info.terms and code_terms <= set(info.counts), sorted(info.terms)


def test_the_sentence_that_brings_an_answer_s_code_is_no_rival_of_it(tmp_path) -> None:
    """A code block answered alone is not made to look contested by its own "To change it, run:" (the same code,
    shown with the sentence): its confidence is that of the same page whose sentence brings no code."""
    confidences = []
    for n, intro in enumerate(("To change it, run:", "To change it, run the commands below.")):
        (tmp_path / str(n)).mkdir()
        index = index_of(tmp_path / str(n), {"mirror.html": MIRROR.replace("INTRO", intro)})
        answer = ask("How do I set the number of retries?", index=index, k=3)
        assert answer.quotes[0].text.startswith("$ mirror config set retries 5"), [q.text for q in answer.quotes]
        confidences.append(answer.confidence)
    assert abs(confidences[0] - confidences[1]) < 0.02, confidences


def test_a_sentence_ending_in_a_colon_takes_in_a_short_list_and_no_long_one() -> None:
    from qa.records import LIST_ITEMS, Document

    def page(items: int) -> tuple[Document, int]:
        parts = ["Each column is assigned one of these:", *(f"ITEM{n}" for n in range(items)), "After the list."]
        text = "\n\n".join(parts)
        blocks, at = [], 0
        for n, part in enumerate(parts):
            kind = "list item" if 0 < n < len(parts) - 1 else "text"
            blocks.append((at, at + len(part), kind))
            at += len(part) + 2
        return Document("p.html", "P", "document", "html", text, "", "", blocks=tuple(blocks)), len(parts[0])

    doc, end = page(5)
    assert doc.with_code(0, end) == (doc.text.index("ITEM4") + 5, None, None)
    assert doc.with_code(0, end - 1)[0] == end - 1  # ends in no ":"
    doc, end = page(LIST_ITEMS + 1)  # more list than answer: the sentence alone
    assert doc.with_code(0, end) == (end, None, None)
    # an item ending in ":" before other items: they may be its siblings ("Default:", then "Type: String")
    text = "Default:\n\nType: String"
    doc = Document("p.md", "P", "document", "md", text, "", "", blocks=((0, 8, "list item"), (10, 22, "list item")))
    assert doc.with_code(0, 8) == (8, None, None)
