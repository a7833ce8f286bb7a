"""An incremental build reads only the files whose size or time changed, and the new ones; the others keep
their indexed documents and vectors unread, and the result is the index a full build gives."""
from __future__ import annotations

import os
import shutil

import numpy as np
import pytest

import qa.indexing.build as build_module
import qa.ingest.load as load_module
from qa import Config, build_index, load_index
from qa.indexing.stale import corpus_changes

from ..conftest import BLOG, CORPUS, WIKI
from ..fakes import FakeEmbedder

PAGE = """<html><head><title>Border notes</title></head><body><main>
<h1>Border notes</h1><h2>Lake Khasan</h2><p>The clash at Lake Khasan began in July 1938.</p>
<h2>Khalkhin Gol</h2><p>The battle of Khalkhin Gol ended in September 1939.</p></main></body></html>"""
DIARY = """Diary of the border

The patrol left the post at dawn. It reached the lake by noon and counted the boats on the shore.
"""


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    (folder / "notes.html").write_text(PAGE, encoding="utf-8")
    (folder / "notes.html.meta.json").write_text('{"title": "Border notes"}', encoding="utf-8")
    (folder / "diary.txt").write_text(DIARY, encoding="utf-8")
    (folder / "blank.txt").write_text("   \n", encoding="utf-8")  # recorded as skipped: an empty file
    return folder


@pytest.fixture
def config(tmp_path, corpus):
    return Config(corpus_dir=corpus, index_dir=tmp_path / "index", embedder=FakeEmbedder())


def reads(monkeypatch, allowed):
    """Record every file read; reading any file outside ``allowed`` fails the test."""
    seen, read_bytes = [], load_module._read_bytes

    def recorded(path, max_bytes):
        if path.name not in allowed:
            raise AssertionError(f"{path.name} was read")
        seen.append(path.name)
        return read_bytes(path, max_bytes)

    monkeypatch.setattr(load_module, "_read_bytes", recorded)
    return seen


def touch(path, seconds=5):
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + seconds * 1_000_000_000))


def same_index(config, tmp_path):
    """The live index equals a full build of the same corpus: chunks, documents, chunk and sentence vectors."""
    full = config.with_(index_dir=tmp_path / "full")
    build_index(full, full=True)
    a, b = load_index(config.index_dir, config), load_index(full.index_dir, full)
    assert [(c.source, c.start, c.end, c.text, c.section) for c in a.chunks] == [
        (c.source, c.start, c.end, c.text, c.section) for c in b.chunks]
    assert a.documents == b.documents and a.sentences == b.sentences
    assert np.abs(np.asarray(a.chunk_vectors) - np.asarray(b.chunk_vectors)).max() < 1e-6
    assert np.abs(np.asarray(a.sentence_vectors) - np.asarray(b.sentence_vectors)).max() < 1e-6


def test_only_the_changed_file_is_read_and_embedded(tmp_path, corpus, config, monkeypatch):
    first = build_index(config)
    changed = corpus / "diary.txt"
    changed.write_text(DIARY + "\nThe border was quiet in 1940.\n", encoding="utf-8")
    seen = reads(monkeypatch, {changed.name})
    report = build_index(config)
    assert seen == [changed.name]
    assert report.written and report.reembedded == (changed.name,)
    assert set(report.reused) == set(first.reembedded) - {changed.name}
    assert [s.source for s in report.skipped] == ["blank.txt"]  # kept as recorded, not read again
    monkeypatch.undo()
    index = load_index(config.index_dir, config)
    assert "quiet in 1940" in index.documents[changed.name].text
    assert corpus_changes(config, max_age=0) == []  # every file's stamp recorded, the unread ones carried over
    same_index(config, tmp_path)


def test_new_and_removed_files_are_the_only_changes(tmp_path, corpus, config, monkeypatch):
    build_index(config)
    (corpus / "extra.txt").write_text("The armistice was signed in September 1939.\n", encoding="utf-8")
    gone = corpus / "diary.txt"
    gone.unlink()
    seen = reads(monkeypatch, {"extra.txt"})
    report = build_index(config)
    assert seen == ["extra.txt"] and report.reembedded == ("extra.txt",) and report.removed == (gone.name,)
    monkeypatch.undo()
    same_index(config, tmp_path)


def test_a_touched_but_identical_file_is_read_and_not_embedded_again(corpus, config, monkeypatch):
    build_index(config)
    touched, changed = corpus / WIKI, corpus / "notes.html"
    touch(touched)
    changed.write_text(PAGE.replace("July 1938", "late July 1938"), encoding="utf-8")
    seen = reads(monkeypatch, {touched.name, changed.name})
    report = build_index(config)
    assert sorted(seen) == sorted([touched.name, changed.name])
    assert report.reembedded == ("notes.html",) and touched.name in report.reused
    # Its new time is recorded: the next build reads nothing.
    monkeypatch.setattr(build_module, "load_corpus", lambda *a, **k: pytest.fail("a file was read"))
    again = build_index(config)
    assert not again.written


def test_a_touched_file_alone_is_read_once(corpus, config, monkeypatch):
    build_index(config)
    touched = corpus / BLOG
    touch(touched)
    seen = reads(monkeypatch, {touched.name})
    report = build_index(config)
    assert seen == [touched.name] and report.reembedded == () and report.embedded == 0
    # Written with its new stamp and nothing re-embedded, so that the next build reads nothing.
    monkeypatch.setattr(build_module, "load_corpus", lambda *a, **k: pytest.fail("a file was read"))
    assert not build_index(config).written


def test_a_page_whose_sections_change_but_not_its_text_is_embedded_again(tmp_path, corpus, config):
    """Chunks are embedded under their heading paths: a paragraph made a heading (or a reader that reads a page's
    headings another way) leaves the text as it was and changes what is embedded, so the page is embedded again."""
    build_index(config)
    page = corpus / "notes.html"
    page.write_text(PAGE.replace("<h2>Khalkhin Gol</h2>", "<p>Khalkhin Gol</p>"), encoding="utf-8")
    report = build_index(config)
    assert report.reembedded == ("notes.html",)
    index = load_index(config.index_dir, config)
    assert "Khalkhin Gol" not in [s.title for s in index.documents["notes.html"].sections]
    same_index(config, tmp_path)


def test_a_new_title_embeds_a_page_again_and_not_a_plain_text(tmp_path, corpus, config):
    """A page's title leads the heading paths its chunks are embedded under; a plain text's does not."""
    build_index(config)
    (corpus / "notes.html.meta.json").write_text('{"title": "Notes on the border"}', encoding="utf-8")
    (corpus / "diary.txt.meta.json").write_text('{"title": "A patrol diary"}', encoding="utf-8")
    report = build_index(config)
    assert report.reembedded == ("notes.html",) and "diary.txt" in report.reused
    same_index(config, tmp_path)


def test_a_changed_sidecar_reads_its_file_again(corpus, config, monkeypatch):
    build_index(config)
    (corpus / "notes.html.meta.json").write_text('{"title": "Notes on the border"}', encoding="utf-8")
    seen = reads(monkeypatch, {"notes.html"})
    build_index(config)
    assert seen == ["notes.html"]
    monkeypatch.undo()
    assert load_index(config.index_dir, config).documents["notes.html"].title == "Notes on the border"


def test_other_reading_limits_read_every_file_again(corpus, config):
    build_index(config)
    other = config.with_(reader_seconds=config.reader_seconds + 1)  # part of the read key
    seen = []
    read_bytes = load_module._read_bytes
    load_module._read_bytes = lambda path, max_bytes: seen.append(path.name) or read_bytes(path, max_bytes)
    try:
        report = build_index(other)
    finally:
        load_module._read_bytes = read_bytes
    assert len(seen) == len(report.reused) + 1  # every document and the blank file; nothing re-embedded
    assert report.reembedded == ()
