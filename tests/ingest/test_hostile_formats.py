"""Hostile documents against the readers and their worker: each one small on disk, each refused or
read within the limits, with a reason that names the limit, and the build around it unharmed.

Bounds, not times: the worker's peak memory stays under its limit, the parent's under 1 GB.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time

import pytest

from qa import Config
from qa.errors import Unreadable
from qa.ingest.formats import extract
from qa.ingest.load import load_document
from qa.ingest.sandbox import Limits, Worker

from .. import hostile_files as hf
from ..conftest import ROOT

GB = 1_000_000_000
SMALL = Limits(memory_bytes=300_000_000, seconds=3, max_chars=1_000_000)


@pytest.fixture(scope="module")
def worker():
    with Worker(SMALL) as w:
        yield w


def _refused(worker: Worker, fmt: str, data: bytes, match: str) -> str:
    with pytest.raises(Unreadable, match=match) as e:
        worker.read(fmt, data)
    assert worker.peak_rss < SMALL.memory_bytes + 200_000_000  # its libraries, plus what it may take
    assert worker.read("txt", b"The next file reads fine.").text == "The next file reads fine."
    return str(e.value)


def test_pdf_stream_bomb_aborts_the_worker_not_the_caller(worker):
    # PDFium aborts (SIGABRT) when the inflated stream passes the memory limit: the worker dies, we don't.
    reason = _refused(worker, "pdf", hf.pdf_bomb(1 << 30), r"needed more than 0\.3 GB of memory")
    assert "raise Config.reader_memory_bytes" in reason


@pytest.mark.parametrize(("code", "said"), [
    ("import os; os.abort()", r"stopped on this file \(SIGABRT\), as a library does when it needs more than 0\.3 GB "
                              r"of memory \(raise Config\.reader_memory_bytes to read it\) or meets a damaged file"),
    ("import os, signal; os.kill(os.getpid(), signal.SIGSEGV)", r"crashed on this file \(SIGSEGV\); it may be damaged"),
])
def test_a_reader_that_dies_is_reported_with_its_likely_cause(code, said):
    """A native library aborts when the memory limit refuses it an allocation, often before the worker's memory
    is seen to pass the limit: an abort names the limit as well as damage; another crash names damage."""
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    proc.wait()
    assert re.fullmatch(f"the reader {said}", Worker(SMALL)._death(proc))


def test_pdf_stream_listed_many_times(worker):
    _refused(worker, "pdf", hf.pdf_repeated(1 << 27, 12), r"needed more than 0\.3 GB of memory")


def test_docx_zip_bomb_refused_before_parsing(worker):
    data = hf.docx_bomb(2_000_000)  # document.xml of 130 MB in a few hundred kB
    assert len(data) < 1_000_000
    _refused(worker, "docx", data, r"Word file part 'word/document.xml' expands to 1\d\d,\d{3},\d{3} bytes")


def test_docx_under_the_zip_limits_stops_at_the_text_cap(worker):
    _refused(worker, "docx", hf.docx_bomb(100_000, varied=True), r"more than 1,000,000 characters of text \(raise "
             r"Config.max_text_chars")


def test_docx_under_every_cap_is_bounded_by_the_memory_limit():
    limits = Limits(memory_bytes=60_000_000, seconds=20, max_chars=10**9)
    refusal = r"needed more than 0\.1 GB of memory|0\.06 GB"
    with Worker(limits) as small, pytest.raises(Unreadable, match=refusal):
        small.read("docx", hf.docx_bomb(1_000_000, varied=True))


def test_docx_grid_span_is_read_once(worker):
    start = time.monotonic()
    found = worker.read("docx", hf.docx_grid_span())
    assert time.monotonic() - start < 10
    assert found.text == "Before the table.\n\nWide cell. | Narrow cell."


def test_docx_entities_are_not_expanded(worker, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-XXE-4410")
    try:
        text = worker.read("docx", hf.docx_entities(str(secret))).text
    except Unreadable as e:  # refusing the file is as good as not expanding it
        text = str(e)
    assert "SECRET-XXE" not in text and "lollol" not in text


def test_epub_entities_are_not_expanded(worker, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-XXE-4410")
    chapter = (f'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY xxe SYSTEM "file://{secret}">]><html '
               'xmlns="http://www.w3.org/1999/xhtml"><body><p>Entity: &xxe; end.</p></body></html>')
    book = hf.epub('<item id="c0" href="one.xhtml" media-type="application/xhtml+xml"/>', '<itemref idref="c0"/>',
                   parts={"OEBPS/one.xhtml": chapter})
    try:
        text = worker.read("epub", book).text
    except Unreadable as e:
        text = str(e)
    assert "SECRET-XXE" not in text


def test_epub_spine_repeat_reads_the_chapter_once(worker):
    found = worker.read("epub", hf.epub_spine_repeat(20_000))  # a package file under the ratio check's floor
    assert found.text.count("The only chapter of the book.") == 1


def test_epub_spine_repeat_200k_refused_as_a_bomb(worker):
    data = hf.epub_spine_repeat(200_000)
    assert len(data) < 50_000
    _refused(worker, "epub", data, r"EPUB part 'OEBPS/content.opf' expands \d+ times")


def test_epub_manifest_repeat_refused(worker):
    _refused(worker, "epub", hf.epub_manifest_repeat(20), r"manifest lists 'OEBPS/one.xhtml' more than once")


def test_epub_huge_manifest_entry_refused(worker):
    data = hf.epub_manifest_repeat(20, chapter_bytes=150_000_000)
    _refused(worker, "epub", data, r"EPUB part 'OEBPS/one.xhtml' expands to")


def test_epub_empty_title_is_missing():
    assert extract("epub", hf.epub_empty_title()).title is None


def test_html_wide_table_row_refused(worker):
    _refused(worker, "html", hf.html_wide_table(200_000), r"an HTML table row with 200,000 cells \(the limit is")


def test_html_many_cells_stop_at_the_time_limit(worker):
    start = time.monotonic()  # rows of 10,000 cells: each allowed, together more than 3 s of work
    page = b"<table>" + (b"<tr>" + b"<td>x</td>" * 10_000 + b"</tr>") * 40 + b"</table>"
    _refused(worker, "html", page, r"needed more than 3 s to read \(raise Config.reader_seconds")
    assert time.monotonic() - start < 2 * SMALL.seconds + 10


def test_sidecar_url_must_be_http(tmp_path, caplog):
    (tmp_path / "a.txt").write_text("Some text.")
    (tmp_path / "a.txt.meta.json").write_text(json.dumps({"url": "javascript:alert(1)", "title": "T" * 10_000}))
    doc = load_document(tmp_path / "a.txt", tmp_path, max_bytes=1000)
    assert doc.url is None
    assert len(doc.title) == 200 and doc.title.endswith("…")


# ---------------------------------------------------------------- the whole build, as a user runs it

HOSTILE = {
    "bomb.pdf": (lambda: hf.pdf_bomb(3 << 30), "needed more than 0.8 GB of memory"),
    # its pages are read until the memory limit (PDFium may abort on the allocation it refuses, before the
    # worker's memory is seen to pass it), or the time limit on a busy machine: either is its limit
    "repeated.pdf": (lambda: hf.pdf_repeated(500 << 20, 12), ("0.8 GB of memory", "needed more than 30 s to read")),
    "bomb.docx": (lambda: hf.docx_bomb(30_000_000), "expands to"),
    "span.docx": (hf.docx_grid_span, None),
    "spine.epub": (lambda: hf.epub_spine_repeat(20_000), None),
    "spine-200k.epub": (lambda: hf.epub_spine_repeat(200_000), "times (a zip bomb?"),
    "manifest.epub": (lambda: hf.epub_manifest_repeat(20, chapter_bytes=500_000_000), "expands to"),
    "wide.html": (lambda: hf.html_wide_table(200_000), "an HTML table row with 200,000 cells"),
}


def test_build_of_hostile_files_stays_bounded(tmp_path):
    """``qa build`` over every hostile file: each refused with its limit or read, and the build's peak
    memory (the kernel's figure for the child process, its reaped workers included) under 1 GB."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, (make, _) in HOSTILE.items():
        (corpus / name).write_bytes(make())
    (corpus / "fine.txt").write_text("The lighthouse was built in 1871.")
    assert all(p.stat().st_size < Config().max_file_bytes for p in corpus.iterdir())
    status, peak, out, err = hf.run_measured([sys.executable, "-m", "qa", "build", "--corpus", str(corpus), "--index",
                                              str(tmp_path / "index")], cwd=ROOT,
                                             env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert status == 0, err.decode(errors="replace")[-2000:]
    assert peak < GB
    report = (out + err).decode()
    for name, (_, reason) in HOSTILE.items():
        if reason:
            reasons = (reason,) if isinstance(reason, str) else reason
            assert any(name in line and any(r in line for r in reasons) for line in report.splitlines()), \
                (name, [line for line in report.splitlines() if name in line] or report[-3000:])
    manifest = json.loads(next((tmp_path / "index").glob("build-*/manifest.json")).read_text())
    assert {"fine.txt", "span.docx", "spine.epub"} <= set(manifest["documents"])


def test_cancel_ends_a_long_read_within_seconds():
    from qa.errors import BuildCancelled

    cancel_at = time.monotonic() + 1.0

    def stop() -> None:
        if time.monotonic() > cancel_at:
            raise BuildCancelled("cancelled")

    page = b"<table>" + (b"<tr>" + b"<td>x</td>" * 10_000 + b"</tr>") * 200 + b"</table>"  # about 80 s of work
    with Worker(Limits(seconds=120)) as w:
        w.read("txt", b"warm up.")
        with pytest.raises(BuildCancelled):
            w.read("html", page, stop=stop)
        assert time.monotonic() - cancel_at < 3.0  # polled every 0.1 s; the rest is a busy machine
        assert w.read("txt", b"Next.").text == "Next."


_UPLOAD = """import json, resource, sys
from pathlib import Path
from qa import Config
from qa.app.uploads import add_uploads
base = Path(sys.argv[1])
config = Config(corpus_dir=base / "corpus", index_dir=base / "index")
added, refused = add_uploads([base / "bomb.pdf", base / "fine.txt"], config)
print(json.dumps({"added": [p.name for p in added], "refused": refused,
                  "self_peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
"""


def test_upload_check_runs_in_the_worker(tmp_path):
    """The web upload's arrival check on a 3 GB PDF bomb: refused, and the process that checks it (the
    server) stays small; the worker that aborted is the only one that grew."""
    (tmp_path / "corpus").mkdir()
    (tmp_path / "bomb.pdf").write_bytes(hf.pdf_bomb(3 << 30))
    (tmp_path / "fine.txt").write_text("The lighthouse was built in 1871.")
    status, peak, out, err = hf.run_measured([sys.executable, "-c", _UPLOAD, str(tmp_path)], cwd=ROOT)
    assert status == 0, err.decode(errors="replace")[-2000:]
    result = json.loads(out)
    assert result["added"] == ["fine.txt"]
    assert len(result["refused"]) == 1 and "bomb.pdf was not added: needed more than 0.8 GB" in result["refused"][0]
    assert result["self_peak"] < 300_000_000 and peak < GB
    assert not (tmp_path / "corpus" / "bomb.pdf").exists()


def test_the_worker_returns_what_the_reader_returns(worker, tmp_path):
    from qa.ingest.formats import extract

    page = (b"<html><head><title>T</title><link rel=canonical href='https://example.org/p'></head><body>"
            b"<h1>Heading</h1><p>First paragraph here.</p><p>Second paragraph.</p></body></html>")
    book = hf.epub_spine_repeat(3)
    for fmt, data in (("html", page), ("epub", book), ("docx", hf.docx_grid_span()), ("pdf", hf.pdf({}, [])),
                      ("txt", "Plain \udcff text.".encode("utf-8", "surrogateescape"))):
        try:
            expected = extract(fmt, data, max_chars=SMALL.max_chars)
        except Unreadable as e:
            with pytest.raises(Unreadable, match=re.escape(str(e))):
                worker.read(fmt, data)
            continue
        assert worker.read(fmt, data) == expected, fmt



def test_markdown_many_code_spans_after_an_open_bracket_are_cleaned_at_once() -> None:
    # "[" with no "](" after it, then code spans: a link pattern that could take a backtick as a code span's or a
    # lone one tried every way of splitting them (30 spans took 0.6 s, 40 took 44 s), and cleaning, which runs in
    # the building process itself, never returned. Run apart, so that a regression fails instead of hanging.
    line = "[draft " + " ".join(f"`v{n}`" for n in range(60)) + " and more"
    code = ("import sys; from qa.ingest.clean import clean_text; "
            "print(clean_text(sys.stdin.read(), fmt='md').text)")
    done = subprocess.run([sys.executable, "-c", code], input=f"# Notes\n\n{line}\n", capture_output=True,
                          text=True, timeout=120, check=True)
    assert "[draft v0 v1" in done.stdout and "v59 and more" in done.stdout
