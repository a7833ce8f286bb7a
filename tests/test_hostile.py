"""Hostile input: documents, questions, uploads and a damaged index, each with its exact outcome.

Nothing outside the corpus is read (checked on the indexed text), every bad input is a skip with a
reason or a clear QAError (never a traceback), and the previous index keeps answering.
"""
from __future__ import annotations

import gc
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import weakref
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa import (
    Config,
    DocumentNotFoundError,
    IndexMismatchError,
    QAError,
    QuestionError,
    ask,
    build_index,
    load_index,
)
from qa.indexing.index import live_folder
from qa.ingest.chunk import chunk_document, split_sentences
from qa.ingest.clean import clean_text

from .conftest import ROOT, start_app, stop_app

SECRET = "SECRET-OUTSIDE-7781 the password is swordfish."
EVIL_TITLE = "\x1b]0;PWNED\x07\x1b[2J Evil tower"
EVIL_KIND = "blog\x1b[31m"
NEWLINE_NAME = "new\nline.txt"
INDEXED = {"lighthouse.txt", "mill.md", "evil.txt", "script.html", "utf16-bom.txt", "a..b.txt"}
SKIPPED = {
    "binary.txt": "binary file (NUL bytes)",
    "empty.txt": "empty file",
    "latin1.txt": "not valid UTF-8 text (bad byte at offset 7); re-save it as UTF-8",
    "utf16-no-bom.txt": "binary file (NUL bytes)",
    "huge.txt": "larger than 10000000 bytes (10000001 bytes); raise the size limit to load it",
    "deep.html": "HTML nested 10001 elements deep (the limit is 1000)",
    "blank.pdf": "no extractable text (scanned PDF?)",
    "passwd.txt": "link points outside the corpus",
    "outside": "link points outside the corpus",
    "loop": "link to a folder already read (a loop or a second way in)",
    "alias.txt": "same file as lighthouse.txt (a link)",
    "new\\nline.txt": "the file name holds control characters or bytes that are not UTF-8; rename the file",
    ".hidden.txt": "hidden (the name starts with '.'); rename it to index it",
    "..txt": "hidden (the name starts with '.'); rename it to index it",
    ".git": "hidden (the name starts with '.'); rename it to index it",
}
LIGHTHOUSE = "The Harbour Lighthouse was built in 1871. It stands on a granite rock. Its lamp was electrified in 1925."


def _run(*args: str | bytes, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qa", *args], cwd=ROOT, capture_output=True, timeout=timeout,
                          env={**os.environ, "HF_HUB_OFFLINE": "1"})


def _blank_pdf(path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    with path.open("wb") as f:
        writer.write(f)


def _hostile_corpus(base: Path) -> Path:
    (base / "outside").mkdir()
    (base / "outside" / "secret.txt").write_text(SECRET)
    corpus = base / "corpus"
    (corpus / ".git").mkdir(parents=True)
    (corpus / ".git" / "HEAD.txt").write_text("ref: refs/heads/main")
    files: dict[str, str | bytes] = {
        "lighthouse.txt": LIGHTHOUSE,
        "mill.md": "# The old mill\n\nThe mill was built in 1901. It burned down in 1950.",
        "evil.txt": "The evil tower was built in 1999. Its walls are black.",
        "evil.txt.meta.json": json.dumps({"title": EVIL_TITLE, "kind": EVIL_KIND}),
        "script.html": "<title>Script page</title><script>alert('pwned')</script><p onclick=\"alert(2)\">"
                       "The script page was written in 2001.</p>",
        "utf16-bom.txt": "The bridge opened in 1932.".encode("utf-16"),
        "utf16-no-bom.txt": "The bridge opened in 1932.".encode("utf-16-le"),
        "a..b.txt": "Dots in the middle of a name are fine.",
        "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "empty.txt": b"",
        "latin1.txt": b"Cafe au\xe9 lait",
        "deep.html": "<div>" * 10_000 + "<p>Deep text.</p>" + "</div>" * 10_000,
        NEWLINE_NAME: "A name with a newline.",
        ".hidden.txt": "Hidden text.",
        "..txt": "Two dots.",
    }
    for name, data in files.items():
        (corpus / name).write_bytes(data.encode() if isinstance(data, str) else data)
    with (corpus / "huge.txt").open("wb") as f:
        f.truncate(10_000_001)
    _blank_pdf(corpus / "blank.pdf")
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ngarbage")
    (corpus / "passwd.txt").symlink_to(base / "outside" / "secret.txt")
    (corpus / "outside").symlink_to(base / "outside")
    (corpus / "loop").symlink_to(".")
    (corpus / "alias.txt").symlink_to("lighthouse.txt")
    return corpus


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A corpus of hostile files, indexed through the CLI; the build's stdout is kept."""
    base = tmp_path_factory.mktemp("hostile")
    _hostile_corpus(base)
    config = Config(corpus_dir=base / "corpus", index_dir=base / "index")
    out = _run("build", "--corpus", str(config.corpus_dir), "--index", str(config.index_dir))
    assert out.returncode == 0, out.stderr.decode(errors="replace")
    return config, out


@pytest.fixture(scope="module")
def idx(hostile):
    return load_index(hostile[0].index_dir, hostile[0])


def _copy(config: Config, dest: Path) -> Config:
    """A copy of an index (the corpus stays where it is)."""
    shutil.copytree(config.index_dir, dest / "index", symlinks=True)
    return config.with_(index_dir=dest / "index")


def _sign(index_dir: Path) -> None:
    """Record the live manifest's checksum in CURRENT, as a build that wrote this manifest would."""
    folder = live_folder(index_dir)
    digest = hashlib.sha256((folder / "manifest.json").read_bytes()).hexdigest()
    (index_dir / "CURRENT").write_text(f"{folder.name}\n{digest}\n")


# ---------------------------------------------------------------- documents

def test_only_readable_files_inside_the_corpus_are_indexed(idx):
    assert set(idx.documents) == INDEXED
    assert idx.documents["utf16-bom.txt"].text == "The bridge opened in 1932."
    assert "alert" not in idx.documents["script.html"].text
    assert idx.documents["script.html"].text == "The script page was written in 2001."


@pytest.mark.parametrize("source", sorted(SKIPPED))
def test_hostile_files_are_skipped_with_their_reason(idx, source):
    skipped = idx.manifest["skipped"]
    assert skipped[source] == SKIPPED[source]


def test_corrupt_pdf_is_skipped_as_corrupt(idx):
    assert idx.manifest["skipped"]["broken.pdf"].startswith("corrupt PDF: ")


def test_symlink_out_of_the_corpus_is_never_read(hostile, idx):
    """Why 1: a link to a file outside the corpus must not be indexed, shown, or offered as related."""
    texts = [d.text for d in idx.documents.values()] + [c.text for c in idx.chunks]
    assert not any("swordfish" in t or "SECRET-OUTSIDE" in t for t in texts)
    assert idx.manifest["skipped"]["passwd.txt"] == "link points outside the corpus"
    answer = ask("What is the password?", index=idx, k=5)
    shown = [q.text for q in (*answer.quotes, *answer.related)]
    assert not any("swordfish" in t for t in shown)
    out = _run("doc", "passwd.txt", "--index", str(hostile[0].index_dir))
    assert out.returncode == 2 and b"No document 'passwd.txt'" in out.stderr and b"Traceback" not in out.stderr


def test_symlink_loop_and_second_links_are_read_once(idx):
    assert idx.manifest["skipped"]["loop"] == SKIPPED["loop"]
    assert idx.manifest["skipped"]["alias.txt"] == SKIPPED["alias.txt"]
    assert [d for d in idx.documents if "lighthouse" in idx.documents[d].text.lower()] == ["lighthouse.txt"]


def test_names_with_newlines_are_skipped_not_indexed(idx):
    """Why 7: a file name holding a newline must not end up inside ``source``."""
    assert all("\n" not in s and "\\n" not in s for s in idx.documents)
    assert idx.manifest["skipped"]["new\\nline.txt"] == SKIPPED["new\\nline.txt"]


def test_hidden_files_are_listed_as_skipped(idx):
    """Why 7: names beginning with "." appear under Skipped instead of vanishing."""
    for name in (".hidden.txt", "..txt", ".git"):
        assert "hidden" in idx.manifest["skipped"][name]


# ---------------------------------------------------------------- what the CLI prints

def test_cli_printers_escape_control_characters(hostile):
    """Why 2: titles, kinds and names from documents never reach the terminal as escape sequences."""
    config, build = hostile
    docs = _run("docs", "--index", str(config.index_dir))
    answer = _run("ask", "When was the evil tower built?", "--index", str(config.index_dir))
    for out in (build, docs, answer):
        assert out.returncode == 0, out.stderr
        for stream in (out.stdout.decode(), out.stderr.decode()):
            assert not any(ch in stream for ch in "\x1b\x07\x9b"), stream[:2000]
    assert b"\\x1b]0;PWNED\\x07\\x1b[2J Evil tower" in docs.stdout
    assert b"blog\\x1b[31m" in answer.stdout and b"The evil tower was built in 1999." in answer.stdout
    assert b"new\\nline.txt: the file name holds control characters" in build.stdout


def test_feedback_summary_escapes_what_web_users_typed(tmp_path, capsys):
    from qa.cli import main

    entry = {"verdict": "down", "question": "q\x1b]0;PWNED\x07", "note": "\x1b[2J wrong", "build": "b"}
    (tmp_path / "feedback.jsonl").write_text(json.dumps(entry) + "\n")
    assert main(["feedback", "--file", str(tmp_path / "feedback.jsonl")]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "[down] q\\x1b]0;PWNED\\x07: \\x1b[2J wrong" in out


def test_json_output_stays_exact(hostile):
    out = _run("docs", "--index", str(hostile[0].index_dir), "--json")
    rows = {r["source"]: r for r in json.loads(out.stdout)}
    assert (rows["evil.txt"]["title"], rows["evil.txt"]["kind"]) == (EVIL_TITLE, EVIL_KIND)


def test_cli_undecodable_question_is_a_clear_error(hostile):
    """Why 3: invalid UTF-8 in argv gives a QuestionError saying so, not a traceback."""
    out = _run("ask", b"when \xff was it?", "--index", str(hostile[0].index_dir))
    assert out.returncode == 2
    assert b"error: The question holds bytes that are not valid UTF-8 (byte 0xff at position 5)" in out.stderr
    assert b"Traceback" not in out.stderr


# ---------------------------------------------------------------- questions

@pytest.mark.parametrize(("question", "message"), [
    ("", "The question is empty"),
    (" \t\n\x00\x1b ", "The question is empty"),
    ("x" * 100_000, "The question is 100,000 characters long; the limit is 2,000"),
    ("x \ud800", r"not valid Unicode text \(a lone surrogate U\+D800 at position 2\)"),
    ("x \udcff", r"bytes that are not valid UTF-8 \(byte 0xff at position 2\)"),
    (b"bytes?", "The question must be text"),
])
def test_bad_questions_are_clear_errors(idx, question, message):
    """Why 3: a lone surrogate (or undecodable byte) is a QuestionError, not a TypeError in the tokenizer."""
    with pytest.raises(QuestionError, match=message):
        ask(question, index=idx)


@pytest.mark.parametrize(("question", "echo"), [
    ("When was the\x1b lighthouse\x07\x9b built?\r\n", "When was the lighthouse built?"),
    ("متى بُني المنار؟ When was the lighthouse built?", "متى بُني المنار؟ When was the lighthouse built?"),
    ("🏰 When was the lighthouse built? 🤔", "🏰 When was the lighthouse built? 🤔"),
    ("<script>alert(1)</script> When was the lighthouse built?",
     "<script>alert(1)</script> When was the lighthouse built?"),
])
def test_odd_questions_get_a_clean_answer(idx, question, echo):
    answer = ask(question, index=idx)
    assert answer.question == echo
    assert not answer.abstained and answer.quotes[0].text == "The Harbour Lighthouse was built in 1871."
    for q in answer.quotes:
        assert idx.documents[q.source].text[q.start:q.end] == q.text


@pytest.mark.parametrize(("k", "message"), [
    (3.5, r"k must be a whole number between 1 and 20 \(got 3\.5\)"),
    ("3", r"k must be a whole number between 1 and 20 \(got '3'\)"),
    (None, r"k must be a whole number between 1 and 20 \(got None\)"),
    (True, r"k must be a whole number"),
    (0, r"k must be between 1 and 20 \(got 0\)"),
    (21, r"k must be between 1 and 20 \(got 21\)"),
])
def test_k_must_be_a_whole_number_in_range(idx, k, message):
    """Why 3: k=3.5, "3" and None are QuestionErrors, not TypeErrors."""
    with pytest.raises(QuestionError, match=message):
        ask("When was the lighthouse built?", index=idx, k=k)


def test_empty_sources_means_all_documents(idx):
    """Why 7: sources=[] means every document, in the Python API as in the web API."""
    everything = ask("When was the mill built?", index=idx).to_dict()
    assert ask("When was the mill built?", index=idx, sources=[]).to_dict() == everything
    assert not everything["abstained"]


def test_a_single_source_name_is_not_split_into_letters(idx):
    """Why 7: sources="name" is that one document."""
    answer = ask("When was the mill built?", index=idx, sources="mill.md", k=5)
    assert not answer.abstained and {q.source for q in answer.quotes} == {"mill.md"}


@pytest.mark.parametrize(("sources", "error", "message"), [
    (["nope.txt"], DocumentNotFoundError, "No document 'nope.txt'"),
    ([1], QuestionError, "sources must be document names as text"),
    (5, QuestionError, "sources must be a list of document names"),
])
def test_bad_sources_are_clear_errors(idx, sources, error, message):
    with pytest.raises(error, match=message):
        ask("When was it built?", index=idx, sources=sources)


# ---------------------------------------------------------------- uploads

def _upload(tmp_path: Path, name: str, data: bytes) -> Path:
    folder = tmp_path / "upload"
    folder.mkdir(exist_ok=True)
    (folder / "file").write_bytes(data)
    return folder / "file"


@pytest.mark.parametrize(("name", "stored"), [
    ("../../x.txt", "x.txt"), ("/etc/passwd.txt", "passwd.txt"), ("..\\..\\win.txt", "win.txt"),
    ("a\nb\x1b.txt", "a-b-.txt"), (".bashrc.md", "bashrc.md"),
])
def test_upload_names_stay_inside_the_corpus(tmp_path, name, stored):
    from qa.app.uploads import add_uploads

    config = Config(corpus_dir=tmp_path / "corpus")
    added, refused = add_uploads([_upload(tmp_path, name, b"Some text.")], config, names=[name])
    assert refused == [] and [p.name for p in added] == [stored]
    assert added[0].resolve().parent == config.corpus_dir.resolve()
    assert sorted(p.name for p in config.corpus_dir.iterdir()) == [stored]


@pytest.mark.parametrize(("name", "data", "message"), [
    ("run.exe", b"MZ\x90\x00", "run.exe: only .txt, .md, "),
    ("big.txt", b"x" * 1001, "big.txt is 1,001 bytes; the limit is 1,000 bytes."),
    ("empty.txt", b"", "empty.txt was not added: empty file."),
    ("pic.txt", b"\x89PNG\r\n\x1a\n\x00\x00", "pic.txt was not added: binary file (NUL bytes)."),
    ("latin.txt", b"caf\xe9", "latin.txt was not added: not valid UTF-8 text (bad byte at offset 3)"),
    ("bad.pdf", b"%PDF-1.4 garbage", "bad.pdf was not added: corrupt PDF"),
    ("blank.html", b"<p> </p><script>x()</script>", "blank.html was not added: no visible text."),
])
def test_uploads_are_checked_on_arrival(tmp_path, name, data, message):
    """Why 5: uploads that the build would skip, or that are over the size limit, are refused."""
    from qa.app.uploads import add_uploads

    config = Config(corpus_dir=tmp_path / "corpus", max_file_bytes=1000)
    added, refused = add_uploads([_upload(tmp_path, name, data)], config, names=[name])
    assert added == [] and len(refused) == 1 and refused[0].startswith(message)
    assert not config.corpus_dir.exists() or not any(config.corpus_dir.iterdir())


def test_upload_count_and_corpus_size_are_bounded(tmp_path):
    """Why 5: no more than max_upload_files at once, and no more than max_corpus_bytes in all."""
    from qa.app.uploads import add_uploads
    from qa.errors import CorpusError

    config = Config(corpus_dir=tmp_path / "corpus", max_upload_files=3, max_corpus_bytes=60)
    many = [tmp_path / f"{i}.txt" for i in range(4)]
    for path in many:
        path.write_text("Some text.")
    with pytest.raises(CorpusError, match=r"4 files at once; the limit is 3\. Add them in smaller batches\."):
        add_uploads(many, config)
    files = [tmp_path / name for name in ("a.txt", "b.txt", "c.txt")]
    for n, path in enumerate(files):
        path.write_text(f"Twenty-five bytes file {n}.")
    added, refused = add_uploads(files, config)
    assert [p.name for p in added] == ["a.txt", "b.txt"]
    assert refused == ["c.txt: the corpus is full (it may hold 10 bytes more). Remove documents from it, "
                       "or raise its size limit."]


# ---------------------------------------------------------------- the server

@pytest.fixture(scope="module")
def locked_app(hostile):
    """app.py on the hostile index with --read-only and --auth."""
    base = hostile[0].corpus_dir.parent
    process, url, _ = start_app(base, "--read-only", "--auth", "reader:s3cret", timeout=240)
    yield url
    stop_app(process)


def _post(url: str, data: bytes, content_type: str) -> tuple[int, bytes, float]:
    request = urllib.request.Request(url, data=data, method="POST", headers={"Content-Type": content_type})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read(), time.monotonic() - started
    except urllib.error.HTTPError as e:
        return e.code, e.read(), time.monotonic() - started


def test_upload_route_is_closed_when_read_only(locked_app):
    """Why 5: /gradio_api/upload refuses files under --read-only."""
    body = (b"--B\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\n"
            b"Content-Type: text/plain\r\n\r\nhello\r\n--B--\r\n")
    status, text, _ = _post(f"{locked_app}gradio_api/upload", body, "multipart/form-data; boundary=B")
    assert status == 403 and b"Uploads are off" in text


def test_failed_logins_are_slowed_down(locked_app):
    """Why 5: each failed login doubles the wait before that client's next attempt."""
    form = "application/x-www-form-urlencoded"
    for _ in range(3):  # waits 0, 0.25 and 0.5 s
        assert _post(f"{locked_app}login", b"username=reader&password=wrong", form)[0] == 400
    status, _, seconds = _post(f"{locked_app}login", b"username=reader&password=wrong", form)
    assert status == 400 and seconds >= 0.95  # the fourth attempt waited 1 s first
    status, text, _ = _post(f"{locked_app}login", b"username=reader&password=s3cret", form)
    assert status == 200 and b"success" in text


@pytest.mark.parametrize(("data", "message"), [
    (b'["x \\ud800", 3, null]', b"not valid Unicode text (a lone surrogate U+D800 at position 2)"),
    (b'["When?", 3.5, null]', b"k must be a whole number between 1 and 20 (got 3.5)"),
    (b'["When?", 3, "mill.md"]', b'"abstained"'),
])
def test_ask_route_gives_clear_errors(locked_app, data, message):
    """Why 3: /ask answers a lone surrogate or a fractional k with the QuestionError's message."""
    import http.cookiejar

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    login = urllib.request.Request(f"{locked_app}login", data=b"username=reader&password=s3cret", method="POST")
    assert opener.open(login, timeout=60).status == 200
    call = urllib.request.Request(f"{locked_app}gradio_api/call/ask", data=b'{"data": ' + data + b"}",
                                  method="POST", headers={"Content-Type": "application/json"})
    event = json.loads(opener.open(call, timeout=60).read())["event_id"]
    stream = opener.open(f"{locked_app}gradio_api/call/ask/{event}", timeout=120).read()
    assert message in stream and b"Traceback" not in stream


def test_chat_handler_refuses_a_lone_surrogate_before_rewriting_it(hostile):
    """Why 3: the web UI's chat shows the QuestionError's message, not a bare "Error"."""
    pytest.importorskip("gradio")
    sys.path.insert(0, str(ROOT))
    from qa.app.handlers import Handlers

    shown = Handlers(hostile[0]).respond("and then \ud800?", 3, [], [])
    assert "not valid Unicode text (a lone surrogate U+D800 at position 9)" in shown[-1]


# ---------------------------------------------------------------- a damaged index

def _data_files(config: Config) -> list[str]:
    folder = live_folder(config.index_dir)
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()
                  and p.name != "manifest.json")


def test_each_truncated_data_file_is_refused(hostile, tmp_path):
    names = _data_files(hostile[0])
    assert {"documents.jsonl", "chunks.jsonl", "vectors.faiss", "sentences.npy"} <= set(names)
    for n, name in enumerate(names):
        config = _copy(hostile[0], tmp_path / str(n))
        path = live_folder(config.index_dir) / name
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
        with pytest.raises(IndexMismatchError, match=r"do not match their checksums.*python -m qa build --full"):
            load_index(config.index_dir, config)


def test_docs_checks_the_index_as_ask_does(hostile, tmp_path):
    """Why 4: `qa docs` on a damaged index is an error (exit 2), not a listing."""
    config = _copy(hostile[0], tmp_path)
    with (live_folder(config.index_dir) / "vectors.faiss").open("r+b") as f:
        f.truncate(100)
    for command in ("docs", "doc"):
        out = _run(command, *(["lighthouse.txt"] if command == "doc" else []), "--index", str(config.index_dir))
        assert out.returncode == 2 and b"do not match their checksums" in out.stderr
        assert b"Traceback" not in out.stderr and out.stdout == b""


def test_edited_manifest_fails_its_checksum(hostile, tmp_path):
    config = _copy(hostile[0], tmp_path)
    path = live_folder(config.index_dir) / "manifest.json"
    path.write_text(path.read_text().replace("The old mill", "The new mill"))
    with pytest.raises(IndexMismatchError, match=r"Damaged manifest: .* does not match its checksum in .*CURRENT"):
        load_index(config.index_dir, config)


@pytest.mark.parametrize(("edit", "problem"), [
    (lambda m: m.pop("documents"), "missing documents"),
    (lambda m: m.pop("files"), "missing files"),
    (lambda m: m.update(documents=[]), "documents should be of type dict"),
    (lambda m: m["documents"]["mill.md"].pop("title"), "missing documents['mill.md'].title"),
    (lambda m: m["documents"]["mill.md"].update(chunks="2"), "documents['mill.md'].chunks should be of type int"),
])
def test_manifest_missing_keys_is_a_damaged_manifest(hostile, tmp_path, edit, problem):
    """Why 4: a manifest that is valid JSON but lacks `documents` is a clear error in ask and docs."""
    config = _copy(hostile[0], tmp_path)
    path = live_folder(config.index_dir) / "manifest.json"
    manifest = json.loads(path.read_text())
    edit(manifest)
    path.write_text(json.dumps(manifest))
    _sign(config.index_dir)
    with pytest.raises(IndexMismatchError, match=rf"Damaged manifest in .*\({re.escape(problem)}\)"):
        ask("When was the mill built?", index=config.index_dir, config=config)
    if problem == "missing documents":
        out = _run("docs", "--index", str(config.index_dir))
        assert out.returncode == 2 and b"Damaged manifest" in out.stderr and b"Traceback" not in out.stderr


@pytest.mark.parametrize("pointer", ["../../other/{name}", "/tmp/{name}", "{name}/../../other/{name}", "."])
def test_current_must_name_a_build_inside_the_index(hostile, tmp_path, pointer):
    """Why 4: CURRENT naming another folder is refused, never answered from."""
    config = _copy(hostile[0], tmp_path / "a")
    shutil.copytree(config.index_dir, tmp_path / "other", symlinks=True)
    name = live_folder(config.index_dir).name
    digest = (config.index_dir / "CURRENT").read_text().split()[1]
    (config.index_dir / "CURRENT").write_text(pointer.format(name=name) + f"\n{digest}\n")
    with pytest.raises(IndexMismatchError, match="not a build folder directly inside"):
        ask("When was the mill built?", index=config.index_dir, config=config)


def test_leftovers_of_killed_builds_are_cleaned(hostile, tmp_path):
    """Why 4: a stray .CURRENT.<pid> and other leftovers are removed by the next build."""
    config = _copy(hostile[0], tmp_path)
    live = live_folder(config.index_dir)
    (config.index_dir / ".CURRENT.99999").write_text("build-dead\n")
    shutil.copytree(live, config.index_dir / ".tmp-build-99999-dead")
    shutil.copytree(live, config.index_dir / "build-99999-orphan")
    assert not ask("When was the mill built?", index=config.index_dir, config=config).abstained
    report = build_index(config)
    assert not report.written
    assert sorted(p.name for p in config.index_dir.iterdir()) == sorted([".lock", "CURRENT", live.name])


# ---------------------------------------------------------------- bounded work

def _growing_copy(hostile, tmp_path: Path, docs: int) -> Config:
    """A copy of the hostile corpus and index, with ``docs`` more documents to embed."""
    shutil.copytree(hostile[0].corpus_dir, tmp_path / "corpus", symlinks=True)
    for i in range(docs):
        (tmp_path / "corpus" / f"extra{i:03d}.txt").write_text(f"Extra document {i} is about item {i}. " * 15)
    return _copy(hostile[0], tmp_path).with_(corpus_dir=tmp_path / "corpus")


def _listing(index_dir: Path) -> tuple[list[str], str]:
    return sorted(p.name for p in index_dir.iterdir()), (index_dir / "CURRENT").read_text()


def test_build_can_be_cancelled(hostile, tmp_path):
    """Why 5: a rebuild stops at the next batch when cancelled; the old index keeps answering."""
    from qa.errors import BuildCancelled

    config = _growing_copy(hostile, tmp_path, 30)
    before = _listing(config.index_dir)
    cancel = threading.Event()

    def progress(fraction: float, message: str) -> None:
        if message.startswith("Embedding"):
            cancel.set()

    with pytest.raises(BuildCancelled, match=r"The build was cancelled; the index in .* is unchanged"):
        build_index(config, cancel=cancel, on_progress=progress)
    assert _listing(config.index_dir) == before
    assert ask("When was the mill built?", index=config.index_dir, config=config).quotes[0].source == "mill.md"
    assert isinstance(BuildCancelled("x"), QAError)


def test_ctrl_c_cancels_a_cli_build(hostile, tmp_path):
    config = _growing_copy(hostile, tmp_path, 40)
    before = _listing(config.index_dir)
    proc = subprocess.Popen([sys.executable, "-m", "qa", "build", "--full", "--corpus", str(config.corpus_dir),
                             "--index", str(config.index_dir)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    seen, deadline = b"", time.monotonic() + 240
    while b"Embedding" not in seen and time.monotonic() < deadline:
        seen += os.read(proc.stderr.fileno(), 4096)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=240)
    assert proc.returncode == 130, (seen + err).decode(errors="replace")[-2000:]
    assert b"cancelled: The build was cancelled" in err and b"Traceback" not in err
    assert _listing(config.index_dir) == before


def _tiny(tmp_path: Path, name: str = "index") -> Config:
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.txt").write_text("The tower was built in 1871. It is tall.")
    config = Config(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / name)
    build_index(config)
    return config


def test_stale_check_hashes_only_what_changed(tmp_path):
    """Why 6: the stale-corpus note compares sizes and times, and re-checks at most once per interval."""
    from qa.indexing.stale import corpus_changes

    config = _tiny(tmp_path)
    path = config.corpus_dir / "a.txt"
    assert corpus_changes(config, max_age=0) == []
    stat = path.stat()
    path.write_text("The tower was built in 1872. It is tall.")  # same size
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert corpus_changes(config, max_age=0) == []  # same size and time: not read at all
    path.write_text("The tower was built in 1871. It is taller.")
    assert corpus_changes(config, max_age=60) == []  # within the interval: the last answer
    assert corpus_changes(config, max_age=0) == ["changed a.txt"]


def test_only_the_live_index_stays_in_memory(tmp_path):
    """Why 6: a rebuilt index replaces the old one in memory instead of joining a cache of eight, and
    nothing answering a question (per-index statistics, features) keeps the old one alive."""
    from qa.indexing.index import Index

    config = _tiny(tmp_path)
    old = weakref.ref(load_index(config.index_dir, config))
    assert ask("When was the tower built?", index=config.index_dir, config=config).quotes[0].text == \
        "The tower was built in 1871."
    (config.corpus_dir / "b.txt").write_text("The bridge opened in 1932.")
    build_index(config)
    assert set(load_index(config.index_dir, config).documents) == {"a.txt", "b.txt"}
    assert ask("When did the bridge open?", index=config.index_dir, config=config).quotes[0].text == \
        "The bridge opened in 1932."
    gc.collect()
    assert old() is None
    live = [o for o in gc.get_objects() if isinstance(o, Index) and tmp_path in o.folder.parents]
    assert len(live) == 1 and set(live[0].documents) == {"a.txt", "b.txt"}


# ---------------------------------------------------------------- the error family

def test_unreadable_is_a_qa_error():
    """Why 7: Unreadable belongs to the QAError family."""
    from qa.ingest.load import Unreadable

    assert issubclass(Unreadable, QAError)


def test_calibration_and_chunk_fitting_errors_are_qa_errors():
    """Why 7: calibrate and chunk fitting raise clear QAErrors, not bare ValueErrors."""
    from qa.ingest.chunk import _fit
    from qa.training.evaluate import calibrate

    with pytest.raises(QAError, match="Calibration needs answerable questions"):
        calibrate([{"support": 0.1, "answerable": False}])
    with pytest.raises(QAError, match="rate must be above 0 and at most 1"):
        calibrate([{"support": 0.1, "answerable": True}], answered=1.5)
    with pytest.raises(QAError, match="cannot be split to fit the embedding model's window"):
        _fit("ab", 0, 2, lambda text: False)


def test_a_missing_previous_index_is_known_by_its_type(tmp_path):
    """Why 7: build._previous catches IndexMissingError; a damaged index whose path says "No index in"
    is still reported as not reused."""
    config = _tiny(tmp_path, "No index in here")
    with (live_folder(config.index_dir) / "chunks.jsonl").open("a") as f:
        f.write("\n")
    report = build_index(config)
    assert any(n.startswith("Note: previous index not reused") for n in report.notes)


# ---------------------------------------------------------------- properties on arbitrary Unicode

ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=400)


@settings(max_examples=60, deadline=None)
@given(ANY_TEXT, st.sampled_from(["txt", "md", "html", "pdf"]))
def test_cleaner_offsets_map_back(raw, fmt):
    cleaned = clean_text(raw, fmt=fmt)
    for clean_start, raw_start, length in cleaned.segments:
        assert cleaned.text[clean_start:clean_start + length] == raw[raw_start:raw_start + length]
    copied = sum(n for _, _, n in cleaned.segments)
    assert copied >= len(cleaned.text) - cleaned.text.count(" ") - cleaned.text.count("\n")


@settings(max_examples=40, deadline=None)
@given(ANY_TEXT)
def test_chunks_cover_any_cleaned_text(raw):
    cleaned = clean_text(raw)
    text = cleaned.text
    chunks = chunk_document("s", text, split_sentences(text), cleaned.sections, max_tokens=24, overlap_tokens=4)
    covered = [False] * len(text)
    for c in chunks:
        assert text[c.start:c.end] == c.text and c.text.strip() == c.text and c.text
        covered[c.start:c.end] = [True] * (c.end - c.start)
    assert all(covered[i] for i, ch in enumerate(text) if not ch.isspace())


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200))
def test_printable_leaves_no_control_characters(text):
    from qa.terminal import printable

    def controls(shown: str) -> set[str]:
        return {ch for ch in shown if ord(ch) < 0x20 or 0x7f <= ord(ch) <= 0x9f}

    assert controls(printable(text)) == set()
    assert controls(printable(text, multiline=True)) <= {"\n", "\t"}
    assert printable(text, multiline=True).count("\n") == text.count("\n")
