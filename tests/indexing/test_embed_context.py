"""What is embedded with a chunk or sentence: a structured page's title leads its section heading."""
from __future__ import annotations

import numpy as np
import pytest

from qa.indexing.embed_context import embed_heading
from qa.ingest.chunk import in_context
from qa.records import Document

from ..answering.test_ranking import _fake_index_of
from ..fakes import FakeEmbedder

PAGE = """<html><head><title>git-mv(1)</title></head><body><div id="content">
<h1>git-mv(1) Manual Page</h1>
<h2>NAME</h2><p>git-mv - Move or rename a file, a directory, or a symlink</p>
<h2>OPTIONS</h2>
<dl><dt>-k</dt><dd><p>Skip move or rename actions which would lead to an error condition.</p></dd></dl>
</div></body></html>
"""
PLAIN = "Storm of 1953\n\nA great storm struck the coast in February. Eleven boats were lost in it.\n"


def _doc(fmt: str, blocks: tuple = ((0, 1, "text"),)) -> Document:
    return Document("page", "heapq — Heap queue algorithm", "document", fmt, "x", "", "", blocks=blocks)


@pytest.mark.parametrize(("section", "wanted"), [
    ("heapq.nsmallest(n, iterable, key=None)", "heapq — Heap queue algorithm › heapq.nsmallest(n, iterable, key=None)"),
    ("heapq — Heap queue algorithm", "heapq — Heap queue algorithm"),  # the page's own heading: not twice
    (None, None),  # text outside any section stays alone
])
def test_a_structured_page_embeds_its_title_before_the_section(section, wanted):
    assert embed_heading(_doc("html"), section) == wanted


def test_plain_text_keeps_its_section_heading_alone():
    assert embed_heading(_doc("txt", blocks=()), "Storm of 1953") == "Storm of 1953"


def test_a_long_title_is_cut_to_its_first_words():
    doc = Document("p", " ".join(f"w{i}" for i in range(20)), "document", "md", "x", "", "", blocks=((0, 1, "text"),))
    assert embed_heading(doc, "Usage") == "w0 w1 w2 w3 w4 w5 w6 w7 › Usage"


def test_an_html_page_is_embedded_under_its_title_and_plain_text_is_not(tmp_path_factory):
    with _fake_index_of(tmp_path_factory.mktemp("ctx"), {"git-mv.html": PAGE, "coast.txt": PLAIN}) as index:
        page, plain = index.documents["git-mv.html"], index.documents["coast.txt"]
        for doc, text in ((page, "Skip move or rename actions which would lead to an error condition."),
                          (plain, "Eleven boats were lost in it.")):
            i = next(n for n, (s, a, b) in enumerate(index.sentences) if s == doc.source and doc.text[a:b] == text)
            section = doc.section_at(index.sentences[i][1])
            wanted = FakeEmbedder().encode([in_context(text, embed_heading(doc, section))])[0]
            assert np.allclose(index.sentence_vectors[i], wanted, atol=1e-6)
        k = next(n for n, (s, a, b) in enumerate(index.sentences)
                 if s == page.source and page.text[a:b].startswith("Skip move"))
        section = page.section_at(index.sentences[k][1])
        assert section == "OPTIONS › -k" and page.title.startswith("git-mv")
        alone = FakeEmbedder().encode([in_context(page.text[index.sentences[k][1]:index.sentences[k][2]], section)])[0]
        assert not np.allclose(index.sentence_vectors[k], alone, atol=1e-3)  # the title was embedded with it
        for chunk in index.chunks:  # quotes and chunks keep the document's own text
            assert index.documents[chunk.source].text[chunk.start:chunk.end] == chunk.text
