"""The web app: the /ask API contract through gradio_client against the real app, its options and
errors, what it exposes, read-only and auth modes, and the pure rendering helpers of qa.app.ui."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from qa import load_index
from qa.answering import followup
from qa.app import ui, uploads
from qa.errors import CorpusError

from ..conftest import BLOG, ROOT, WIKI

gradio_client = pytest.importorskip("gradio_client")
from gradio_client.exceptions import AppError  # noqa: E402

ANSWER_KEYS = {"question": str, "abstained": bool, "conflict": bool, "confidence": float, "quotes": list,
               "related": list, "corrections": list}
QUOTE_KEYS = {"text": str, "source": str, "title": str, "kind": str, "start": int, "end": int, "score": float,
              "context": str, "context_start": int, "doc_sha256": str, "block": str}
OPTIONAL_QUOTE_KEYS = {"section", "line", "page", "paragraph", "url", "date", "code_start", "code_end"}
XSS = '<img src=x onerror="window.__xss=1;alert(1)"> and <script>window.__xss=2</script> {{7*7}} ${7*7}'


@pytest.fixture(scope="module")
def client(live_app):
    return gradio_client.Client(live_app.url, verbose=False)


@pytest.fixture(scope="module")
def app_index(live_app):
    return load_index(live_app.index)


def check_answer(answer: dict, index) -> None:
    assert set(answer) == {*ANSWER_KEYS, "conflict_note"}
    for key, kind in ANSWER_KEYS.items():
        assert isinstance(answer[key], kind), key
    assert answer["conflict_note"] is None or isinstance(answer["conflict_note"], str)
    for quote in answer["quotes"] + answer["related"]:
        assert set(quote) == {*QUOTE_KEYS, *OPTIONAL_QUOTE_KEYS}
        for key, kind in QUOTE_KEYS.items():
            assert isinstance(quote[key], kind), key
        doc = index.documents[quote["source"]]
        assert doc.text[quote["start"]:quote["end"]] == quote["text"]
        assert quote["doc_sha256"] == doc.sha256
        inner = quote["start"] - quote["context_start"]
        assert quote["context"][inner:inner + len(quote["text"])] == quote["text"]


# ---------------------------------------------------------------- the /ask API

def test_ask_returns_cited_quotes_that_match_the_documents(client, app_index):
    answer = client.predict("When was the Battle of Lake Khasan?", api_name="/ask")
    check_answer(answer, app_index)
    assert not answer["abstained"] and answer["quotes"]
    assert any("Lake Khasan" in q["text"] for q in answer["quotes"])


def test_ask_returns_what_the_cli_prints(client, live_app, capsys):
    from qa.cli import main

    question = "Who won the Battle of Khalkhin Gol?"
    assert main(["ask", question, "--json", "--index", str(live_app.index)]) == 0  # the CLI, in-process
    assert client.predict(question, api_name="/ask") == json.loads(capsys.readouterr().out)


def test_ask_abstains_far_from_the_corpus(client, app_index):
    answer = client.predict("Who painted the Mona Lisa?", api_name="/ask")
    check_answer(answer, app_index)
    assert answer["abstained"] and answer["quotes"] == []


def test_ask_takes_k_and_sources(client, app_index):
    answer = client.predict("When did the Battle of Khalkhin Gol end?", k=1, sources=[BLOG], api_name="/ask")
    check_answer(answer, app_index)
    assert len(answer["quotes"]) <= 1
    assert {q["source"] for q in answer["quotes"] + answer["related"]} <= {BLOG}


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"question": ""}, "The question is empty"),
    ({"question": "   \n\t "}, "The question is empty"),
    ({"question": "x" * 5000}, "characters long"),
    ({"question": "When?", "k": 0}, "k must be between"),
    ({"question": "When?", "k": "three"}, "k must be a whole number"),
    ({"question": "When?", "sources": ["no-such-file.txt"]}, "No document 'no-such-file.txt'"),
])
def test_bad_input_gives_a_clean_error(client, kwargs, message):
    with pytest.raises(AppError, match=message) as caught:
        client.predict(**kwargs, api_name="/ask")
    assert "Traceback" not in str(caught.value)


def test_only_ask_is_in_the_api(client):
    assert set(client.view_api(print_info=False, return_format="dict")["named_endpoints"]) == {"/ask"}


# ---------------------------------------------------------------- what the server exposes

def http_status(url: str) -> int:
    try:
        return urllib.request.urlopen(url, timeout=10).status
    except urllib.error.HTTPError as e:
        return e.code


@pytest.mark.parametrize("target", ["corpus", "index", "app.py"])
def test_files_outside_the_app_are_not_served(live_app, target):
    path = {"corpus": live_app.corpus / WIKI, "index": live_app.index / "CURRENT", "app.py": ROOT / "app.py"}[target]
    assert path.is_file()
    for route in ("gradio_api/file=", "file="):
        assert http_status(f"{live_app.url}{route}{path}") in (403, 404)


def test_binds_localhost_only(live_app):
    assert live_app.url.startswith("http://127.0.0.1:")
    assert "0.0.0.0" not in live_app.log.read_text()


def test_read_only_with_auth(locked_live_app):
    url = locked_live_app
    with pytest.raises(ValueError, match=r"[Ll]ogin|auth|credentials"):
        gradio_client.Client(url, verbose=False)  # no credentials
    client = gradio_client.Client(url, auth=("reader", "s3cret"), verbose=False)
    assert not client.predict("When was the Battle of Lake Khasan?", api_name="/ask")["abstained"]
    config = json.dumps(client.config)
    for part in ("qa-upload", "qa-rebuild", "qa-cancel", "qa-remove", "qa-confirm-remove"):
        assert part not in config, part
    assert '"feedback"' not in json.dumps(client.config["dependencies"])  # no thumbs, nothing written


def test_upload_and_rebuild_are_there_when_not_read_only(client):
    config = json.dumps(client.config)
    assert "qa-upload" in config and "qa-rebuild" in config and "qa-remove" in config
    assert '"feedback"' in json.dumps(client.config["dependencies"])


# ---------------------------------------------------------------- qa.app.ui: safe rendering

def quote(text: str, **changes) -> dict:
    context = f"Before {text} after."
    return {"text": text, "source": "evil<x>.txt", "title": f"T {XSS}", "section": XSS, "kind": "blog<b>",
            "start": 10, "end": 10 + len(text), "score": 1.0, "context": context, "context_start": 3,
            "doc_sha256": "0", "line": 1, "page": None, **changes}


@pytest.mark.parametrize("abstained", [False, True])
def test_answers_render_document_text_as_text(abstained):
    q = quote(XSS)
    answer = {"question": XSS, "abstained": abstained, "conflict": not abstained, "conflict_note": XSS,
              "confidence": 1.0, "quotes": [] if abstained else [q, quote(XSS, source="b")],
              "related": [q] if abstained else []}
    html = ui.conversation_html([{"question": XSS, "query": XSS + "!", "follows": XSS, "answer": answer}])
    for raw in ("<img", "<script", "{{", "${", "<x>", "<b>"):
        assert raw not in html
    assert "&lt;img src=x onerror=&quot;window.__xss=1;alert(1)&quot;&gt;" in html
    assert f"<mark>{ui.esc(XSS)}</mark>" in html  # the quote is highlighted inside its context


def test_answer_shows_citations_context_and_confidence():
    html = ui.answer_html({"question": "q", "abstained": False, "conflict": False, "conflict_note": None,
                           "confidence": 0.9, "quotes": [quote("It ended."), quote("It began.")], "related": []})
    assert html.count("<blockquote>") == 2 and "[1] T" in html and "[2] T" in html
    assert html.count('class="qa-preview"') == 2 and "Before <mark>It ended.</mark> after." in html
    word = ui.confidence_label(0.9)  # "high" only where held-out accuracy reached 0.9 (the fit's confidence.high)
    assert 'href="#source=evil%3Cx%3E.txt&amp;start=10&amp;end=19&amp;sha=0"' in html and f"Confidence: {word}" in html


def test_abstention_labels_related_passages_as_not_an_answer():
    html = ui.answer_html({"question": "q", "abstained": True, "conflict": False, "conflict_note": None,
                           "confidence": -3.0, "quotes": [], "related": [quote("Near.")]})
    assert "do not answer" in html and "not an answer" in html and "Confidence" not in html


def test_conflict_puts_sources_side_by_side():
    html = ui.answer_html({"question": "q", "abstained": False, "conflict": True, "conflict_note": "1939 vs 1941",
                           "confidence": 1.0, "quotes": [quote("A 1939."), quote("B 1941.", source="other.txt")],
                           "related": []})
    assert "Sources disagree" in html and "1939 vs 1941" in html and html.count('class="qa-side"') == 2


def test_document_view_escapes_and_marks_the_quote(app_index):
    doc = app_index.documents[WIKI]
    sentence = "The Battle of Lake Khasan"
    start = doc.text.index(sentence)
    html = ui.document_html(doc, start=start, end=start + len(sentence))
    assert f'<mark id="{ui.TARGET_ID}" tabindex="-1">{sentence}</mark>' in html
    assert '<strong class="qa-heading">Battle of Lake Khasan</strong>' in html

    class Evil:
        source, title, kind, publisher, date, sections = "e.txt", XSS, XSS, None, None, ()
        text = f"Intro. {XSS} Outro."

    html = ui.document_html(Evil(), start=7, end=7 + len(XSS))
    assert "<img" not in html and "<script" not in html and "{{" not in html


# ---------------------------------------------------------------- qa.app.ui: follow-ups, landing view, upload

@pytest.mark.parametrize(("question", "follow_up"), [
    ("And when did it end?", True), ("When was that?", True), ("How many advisors did they send?", True),
    ("Where?", True), ("Who led Mongolia during the border conflicts?", False),
    ("What was the Kanchazu Island incident?", False), ("", False),
])
def test_is_follow_up(question, follow_up):
    assert followup.is_follow_up(question) is follow_up


def test_retrieval_query_adds_the_earlier_topic_only_to_follow_ups():
    previous = "Who won the Battle of Khalkhin Gol?"
    assert followup.retrieval_query("And when did it end?", previous) == "And when did it end? won Battle Khalkhin Gol"
    assert followup.retrieval_query("And when did it end?", None) == "And when did it end?"
    assert followup.retrieval_query("What was the Tauran incident?", previous) == "What was the Tauran incident?"
    unknown = {"photosynthesis"}.__contains__
    assert followup.retrieval_query("And what is photosynthesis?", previous, known=lambda w: not unknown(w)) == \
        "And what is photosynthesis?"


def test_landing_view_comes_from_the_documents(app_index):
    blurb = ui.corpus_blurb(app_index.documents.values())
    assert f"{len(app_index.documents)} documents" in blurb and "<em>The Battle of Khalkhin Gol</em>" in blurb
    assert "pearl harbor" not in blurb.lower()  # titles are cut at their subtitle
    examples = ui.example_questions(app_index.documents.values())
    assert "When was the Battle of Lake Khasan?" in examples
    assert all(q.endswith("?") for q in examples)


def test_add_to_corpus_never_overwrites(tmp_path):
    corpus, upload = tmp_path / "corpus", tmp_path / "up"
    upload.mkdir()
    (upload / "notes.txt").write_text("first")
    first = uploads.add_to_corpus(upload / "notes.txt", corpus, max_bytes=100)
    (upload / "notes.txt").write_text("second")
    second = uploads.add_to_corpus(upload / "notes.txt", corpus, max_bytes=100)
    assert (first.name, second.name) == ("notes.txt", "notes-2.txt")
    assert (first.read_text(), second.read_text()) == ("first", "second")
    with pytest.raises(CorpusError, match=r"already in the corpus as notes-2\.txt"):
        uploads.add_to_corpus(upload / "notes.txt", corpus, max_bytes=100)


@pytest.mark.parametrize(("name", "data", "message"), [
    ("run.exe", b"MZ", r"only \.txt .* files can be added"),
    ("big.txt", b"x" * 101, "the limit is"),
])
def test_add_to_corpus_refuses(tmp_path, name, data, message):
    (tmp_path / name).write_bytes(data)
    with pytest.raises(CorpusError, match=message):
        uploads.add_to_corpus(tmp_path / name, tmp_path / "corpus", max_bytes=100)


def test_an_upload_that_cannot_be_written_leaves_no_partial_file(tmp_path):
    """A file-size limit stops the copy half-way (as a full disk would): the upload is refused with the reason and
    what to do, and nothing of it is left in the corpus; the files already there are untouched."""
    import subprocess
    import sys

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "kept.txt").write_text("A document that was there before.", encoding="utf-8")
    script = (
        "import resource, sys\n"
        "from pathlib import Path\n"
        "from qa.app import uploads\n"
        "from qa.errors import CorpusError\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))\n"
        "try:\n"
        "    uploads._write_new(b'The pact was signed in April 1941. ' * 1000, 'big.txt', Path(sys.argv[1]))\n"
        "except CorpusError as e:\n"
        "    print('refused:', e)\n")
    done = subprocess.run([sys.executable, "-c", script, str(corpus)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert done.stdout.startswith("refused: big.txt was not added: it could not be written into"), done.stdout
    assert "Free some space there" in done.stdout
    assert sorted(p.name for p in corpus.iterdir()) == ["kept.txt"]
    assert (corpus / "kept.txt").read_text(encoding="utf-8") == "A document that was there before."


@pytest.mark.parametrize(("name", "safe"), [
    ("../../etc/passwd.txt", "passwd.txt"), (".hidden.md", "hidden.md"), ("my notes (1).txt", "my-notes-1-.txt"),
])
def test_safe_name(name, safe):
    assert uploads.safe_name(name) == safe
    assert Path(uploads.safe_name(name)).name == uploads.safe_name(name)
